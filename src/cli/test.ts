// `ghostwatch test [PATH...] [--junit FILE]`: runs rule test files (docs/rule-tests.md) through the
// real detection path, one line per case as test runners print them, a summary, exit 1 on any
// failure or bad file. `ghostwatch test --record FILE.yaml -r RULES...` turns a live session into a
// case: it records the system (as `ghostwatch capture` does) until SIGINT or -M seconds, writes the
// capture beside the test file, and adds a case expecting the alerts the rules raise on it.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseDocument, YAMLSeq } from 'yaml';
import { escapeControls } from '../outputs/logger.js';
import { runCapture } from './capture.js';
import type { ContainerSockets } from './containers.js';
import { errorLine } from './errors.js';
import { junitXml, type FileResults } from './rule-tests/junit.js';
import { checkRuleNames, runCase, type CaseResult } from './rule-tests/runner.js';
import { readTestFile, TestFileError, type TestCase } from './rule-tests/schema.js';

export interface TestOptions {
  /** Test files, or directories searched for *.test.yaml / *.test.yml. */
  readonly paths: readonly string[];
  /** --junit: where to write the JUnit XML report. */
  readonly junit?: string;
}

export interface RecordOptions {
  /** The test file the case is added to (created when missing). */
  readonly file: string;
  readonly rules: readonly string[];
  readonly options: readonly string[];
  readonly durationSeconds?: number;
  /** The case's name (default: "recorded <time>"). */
  readonly name?: string;
  readonly containers?: ContainerSockets;
}

const TEST_FILE = /\.test\.ya?ml$/;

export async function runRuleTests(o: TestOptions): Promise<number> {
  let files: string[];
  try {
    files = testFiles(o.paths.length > 0 ? o.paths : ['.']);
  } catch (e) {
    process.stderr.write(`ghostwatch: ${escapeControls(errorLine(e))}\n`);
    return 1;
  }
  if (files.length === 0) {
    process.stderr.write(`ghostwatch: no rule test files (*.test.yaml) in ${o.paths.join(' ') || '.'}\n`);
    return 1;
  }
  const started = process.hrtime.bigint();
  const reports: FileResults[] = [];
  let badFiles = 0;
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    const results: CaseResult[] = [];
    try {
      const test = readTestFile(shown);
      for (const c of test.cases) checkRuleNames(shown, c);
      for (const c of test.cases) {
        const r = await runCase(shown, c);
        results.push(r);
        printResult(shown, r);
      }
    } catch (e) {
      if (!(e instanceof TestFileError)) throw e;
      badFiles++;
      process.stderr.write(`ghostwatch: ${escapeControls(e.message)}\n`);
    }
    reports.push({ file: shown, results });
  }
  const all = reports.flatMap((r) => r.results);
  const failed = all.filter((r) => r.failures.length > 0).length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`\n${all.length - failed} passed, ${failed} failed${badFiles > 0 ? `, ${badFiles} bad test file${badFiles === 1 ? '' : 's'}` : ''}`
    + ` (${all.length} cases in ${files.length} file${files.length === 1 ? '' : 's'}, ${seconds.toFixed(1)} s)\n`);
  if (o.junit !== undefined) {
    try {
      writeFileSync(o.junit, junitXml(reports));
    } catch (e) {
      process.stderr.write(`ghostwatch: --junit ${escapeControls(errorLine(e))}\n`);
      return 1;
    }
  }
  return failed > 0 || badFiles > 0 ? 1 : 0;
}

function printResult(file: string, r: CaseResult): void {
  const name = `${file}: ${r.case.name}`;
  if (r.failures.length === 0) {
    process.stdout.write(`ok    ${escapeControls(name)}\n`);
    return;
  }
  let out = `FAIL  ${escapeControls(name)}\n`;
  for (const f of r.failures) out += `      ${f}\n`;
  const fired = new Map<string, number>();
  for (const a of r.alerts) fired.set(a.rule, (fired.get(a.rule) ?? 0) + 1);
  out += `      alerts raised: ${fired.size === 0 ? 'none' : [...fired].map(([rule, n]) => `'${escapeControls(rule)}' x${n}`).join(', ')}\n`;
  process.stdout.write(out);
}

/** The test files a list of paths names: files as given, directories searched (in name order). */
function testFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(p);
      else if (entry.isFile() && TEST_FILE.test(entry.name)) out.push(resolve(p));
    }
  };
  for (const p of paths) {
    if (statSync(p).isDirectory()) walk(p);
    else out.push(resolve(p));
  }
  return out;
}

/** --record: a live session becomes a case of `file`; resolves to the exit status. */
export async function recordRuleTest(o: RecordOptions): Promise<number> {
  if (o.rules.length === 0) {
    process.stderr.write('ghostwatch: --record needs the rules to expect alerts from (-r RULES)\n');
    return 1;
  }
  const file = resolve(o.file);
  const name = o.name ?? `recorded ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`;
  const capture = join(dirname(file), `${basename(file).replace(TEST_FILE, '')}-${slug(name)}.scap`);
  process.stderr.write(`Recording into ${capture}: run the attack now; ${o.durationSeconds !== undefined ? `${o.durationSeconds} s or ` : ''}Ctrl-C stops\n`);
  const status = await runCapture({ write: capture, ...(o.durationSeconds !== undefined && { durationSeconds: o.durationSeconds }), ...(o.containers && { containers: o.containers }) });
  if (status !== 0) return status;
  const rules = o.rules.map((r) => resolve(r));
  const probe: TestCase = {
    name, line: 0, rules, options: [...o.options], events: { kind: 'capture', path: capture }, expect: [], expectNot: [], noAlerts: false,
  };
  const result = await runCase(o.file, probe);
  if (result.failures.length > 0) {
    process.stderr.write(`ghostwatch: ${result.failures[0]}\n`);
    return 1;
  }
  const counts = new Map<string, number>();
  for (const a of result.alerts) counts.set(a.rule, (counts.get(a.rule) ?? 0) + 1);
  const base = dirname(file);
  const recorded = {
    name,
    rules: rules.map((r) => relative(base, r)),
    ...(o.options.length > 0 && { options: [...o.options] }),
    capture: relative(base, capture),
    expect: [...counts].map(([rule, count]) => ({ rule, count })),
  };
  const doc = parseDocument(existsSync(file) ? readFileSync(file, 'utf8') : 'cases: []\n');
  const cases = doc.get('cases');
  if (!(cases instanceof YAMLSeq)) {
    process.stderr.write(`ghostwatch: ${o.file}: has no cases: list to add the recorded case to\n`);
    return 1;
  }
  cases.flow = false;
  cases.add(doc.createNode(recorded));
  writeFileSync(file, doc.toString());
  process.stdout.write(`Added case '${escapeControls(name)}' to ${o.file}: ${counts.size === 0 ? 'no alert (expect: [])' : [...counts].map(([r, n]) => `'${escapeControls(r)}' x${n}`).join(', ')}\n`);
  return 0;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'case';
}
