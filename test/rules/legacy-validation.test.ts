// Every validation case of Falco's legacy regression suite (falco_tests.yaml and
// falco_tests_exceptions.yaml: cases with validate_rules_file), checked as Falco's harness checked
// them: each expected error or warning must be in some file's result with that code, that message
// (or containing message_contains) and a location with that item type and name; each
// validate_ok file must have loaded.
//
// The suite was written for the Falco of 2023; ghostwatch follows the loader of Falco 0.63, whose
// wording changed for a few cases. Those cases are listed in LATEST_FALCO with what Falco 0.63
// reports instead, and why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadRules, type LoadResult } from '../../src/rules/index.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';
import { LATEST_FALCO } from '../legacy/latest-falco.js';

interface Expected {
  readonly item_type: string;
  readonly item_name: string;
  readonly code: string;
  readonly message?: string;
  readonly message_contains?: string;
}

interface ValidationCase {
  // Only the validation cases have it.
  readonly validate_rules_file?: string | string[];
  readonly validate_ok?: string[];
  readonly validate_errors?: Expected[];
  readonly validate_warnings?: Expected[];
  readonly exit_status?: number;
}


function found(results: readonly LoadResult[], kind: 'errors' | 'warnings', e: Expected): boolean {
  return results.some((r) =>
    r[kind].some(
      (x) =>
        x.code === e.code &&
        (e.message !== undefined ? x.message === e.message : x.message.includes(e.message_contains!)) &&
        x.context.locations.some((l) => l.itemType === e.item_type && l.itemName === e.item_name),
    ),
  );
}

function describeResults(results: readonly LoadResult[]): string {
  return results
    .flatMap((r) => [...r.errors, ...r.warnings].map((x) => `${r.name}: ${x.code} ${JSON.stringify(x.message)} @ ${x.context.locations.map((l) => `${l.itemType}:${l.itemName}`).join(' > ')}`))
    .join('\n');
}

const base = sharedPath('falco', 'legacy-tests');

describe('legacy validation cases', { skip: base === undefined ? SHARED_MISSING : false }, () => {
  if (base === undefined) return;
  let total = 0;
  for (const suite of ['falco_tests.yaml', 'falco_tests_exceptions.yaml']) {
    const cases = (parse(readFileSync(join(base, suite), 'utf8').replace('!mux', '')) as { trace_files: Record<string, ValidationCase> }).trace_files;
    for (const [name, original] of Object.entries(cases)) {
      const rulesFiles = original.validate_rules_file;
      if (rulesFiles === undefined) continue;
      total++;
      const c = { ...original, ...LATEST_FALCO[name] };
      it(`${suite}: ${name}`, () => {
        const files = [rulesFiles].flat();
        const set = loadRules(files.map((f) => ({ name: f, content: readFileSync(join(base, f), 'utf8') })));
        const detail = describeResults(set.results);
        // Falco exits with 1 exactly when some file does not load.
        assert.equal(set.successful, (c.exit_status ?? 0) === 0, detail);
        for (const ok of c.validate_ok ?? []) {
          assert.ok(set.results.some((r) => r.successful && r.name.endsWith(`/${ok}`)), `${ok} should load\n${detail}`);
        }
        for (const e of c.validate_errors ?? []) assert.ok(found(set.results, 'errors', e), `missing error ${JSON.stringify(e)}\n${detail}`);
        for (const w of c.validate_warnings ?? []) assert.ok(found(set.results, 'warnings', w), `missing warning ${JSON.stringify(w)}\n${detail}`);
      });
    }
  }
  it('covers every validation case of the suite', () => assert.equal(total, 41));
});
