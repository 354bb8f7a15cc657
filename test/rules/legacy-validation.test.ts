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

interface Expected {
  readonly item_type: string;
  readonly item_name: string;
  readonly code: string;
  readonly message?: string;
  readonly message_contains?: string;
}

interface ValidationCase {
  readonly validate_rules_file: string | string[];
  readonly validate_ok?: string[];
  readonly validate_errors?: Expected[];
  readonly validate_warnings?: Expected[];
  readonly exit_status?: number;
}

/** Cases whose expectations Falco 0.63 words differently from the Falco the suite was written for. */
const LATEST_FALCO: Record<string, Partial<Pick<ValidationCase, 'validate_errors' | 'validate_warnings'>>> = {
  // An engine version that is neither an integer nor x.y.z is now reported as such.
  invalid_engine_version_not_number: {
    validate_errors: [
      {
        item_type: 'required_engine_version', item_name: '', code: 'LOAD_ERR_YAML_VALIDATE',
        message: 'Unable to parse engine version \'not-a-number\' as a semver string. Expected "x.y.z" semver format.',
      },
    ],
  },
  // Appends without a base name both ways of appending (append: true and override).
  invalid_append_macro_dangling: {
    validate_errors: [
      {
        item_type: 'macro', item_name: 'dangling append', code: 'LOAD_ERR_VALIDATE',
        message: "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
      },
    ],
  },
  invalid_list_append_dangling: {
    validate_errors: [
      {
        item_type: 'list', item_name: 'my_list', code: 'LOAD_ERR_VALIDATE',
        message: "List uses 'append' or 'override.items: append' but no list by that name already exists",
      },
    ],
  },
  invalid_rule_append_dangling: {
    validate_errors: [
      {
        item_type: 'rule', item_name: 'my_rule', code: 'LOAD_ERR_VALIDATE',
        message: "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists",
      },
    ],
  },
  // LOAD_UNKNOWN_FIELD was renamed LOAD_UNKNOWN_FILTER (it also covers unknown event types).
  validate_skip_unknown_noevt: {
    validate_warnings: [
      {
        item_type: 'rule', item_name: 'Contains Unknown Event And Skipping', code: 'LOAD_UNKNOWN_FILTER',
        message: 'filter_check called with nonexistent field proc.nobody',
      },
    ],
  },
  // Integer engine versions are semver 0.N.0 now, and are printed so.
  engine_version_mismatch: {
    validate_errors: [
      {
        item_type: 'required_engine_version', item_name: '', code: 'LOAD_ERR_VALIDATE',
        message: 'Rules require engine version 0.9999999.0, but engine version is 0.63.0',
      },
    ],
  },
};

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
    const cases = parse(readFileSync(join(base, suite), 'utf8').replace('!mux', '')).trace_files as Record<string, ValidationCase>;
    for (const [name, original] of Object.entries(cases)) {
      if (original.validate_rules_file === undefined) continue;
      total++;
      const c = { ...original, ...LATEST_FALCO[name] };
      it(`${suite}: ${name}`, () => {
        const files = [c.validate_rules_file].flat();
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
