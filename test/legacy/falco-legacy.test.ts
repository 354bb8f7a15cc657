// Falco's legacy regression suite (../shared/falco/legacy-tests: falco_tests.yaml,
// falco_tests_exceptions.yaml and, where present, falco_k8s_audit_tests.yaml) run through `bin/ghostwatch run`, each case with the command line
// and the checks of Falco's own harness (see harness.ts). Cases that need Falco plugins, gRPC or
// packages, or a capture the suite does not ship, are skipped with the reason; the pass count is
// printed at the end. Needs `npm run build` (bin/ghostwatch runs dist/).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';
import { checkOutcome, commandLine, type LegacyCase, runGhostwatch, skipReason, withLatestFalco } from './harness.js';

const base = sharedPath('falco', 'legacy-tests');
const built = existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'));

/** Output files a case checks are removed first, and their directory created (as Falco's harness does). */
function prepareOutputFiles(c: LegacyCase): void {
  for (const item of c.output_strictly_contains ?? []) {
    for (const actual of Object.keys(item)) {
      if (actual === 'stdout') continue;
      rmSync(actual, { force: true });
      mkdirSync(dirname(actual), { recursive: true });
    }
  }
}

const skipAll = base === undefined ? SHARED_MISSING : !built ? 'ghostwatch is not built: run `npm run build` first' : false;

describe('Falco legacy regression suite', { skip: skipAll, concurrency: 4 }, () => {
  if (skipAll !== false || base === undefined) return;
  const tally = { passed: 0, failed: 0, skipped: [] as string[] };
  after(() => {
    const total = tally.passed + tally.failed;
    process.stdout.write(`# Falco legacy suite: ${tally.passed} of ${total} cases pass; ${tally.skipped.length} skipped\n`);
    for (const s of tally.skipped) process.stdout.write(`#   skipped ${s}\n`);
  });

  // Falco's k8s audit cases (falco_k8s_audit_tests.yaml) run too where the suite's data has them.
  for (const suite of ['falco_tests.yaml', 'falco_tests_exceptions.yaml', 'falco_k8s_audit_tests.yaml'].filter((f) => existsSync(join(base, f)))) {
    const text = readFileSync(join(base, suite), 'utf8').replace('!mux', '');
    const cases = (parse(text) as { trace_files: Record<string, LegacyCase> }).trace_files;
    for (const [name, original] of Object.entries(cases)) {
      const reason = skipReason(original, base);
      if (reason !== undefined) {
        tally.skipped.push(`${name}: ${reason}`);
        it(`${suite}: ${name}`, { skip: reason }, () => {});
        continue;
      }
      const c = withLatestFalco(name, original);
      it(`${suite}: ${name}`, async () => {
        prepareOutputFiles(c);
        const args = commandLine(c);
        const outcome = await runGhostwatch(args, base);
        const failures = checkOutcome(c, outcome, base);
        if (failures.length === 0) tally.passed++;
        else tally.failed++;
        assert.deepEqual(failures, [], `ghostwatch run ${args.join(' ')}\n--- stdout\n${outcome.stdout.slice(0, 3000)}\n--- stderr\n${outcome.stderr.slice(0, 3000)}`);
      });
    }
  }
});
