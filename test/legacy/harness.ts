// Falco's legacy regression harness (test/falco_test.py of falcosecurity/falco, 2023) redone for
// ghostwatch: the command line it built for each case, and the checks it made on the result.
// Checks that could not fail in the original are kept as they were (e.g. detect_level only
// requires a "LEVEL: N" line), so a case passes here exactly when it passed there.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers.js';
import { LATEST_FALCO, type ExpectedItem } from './latest-falco.js';

export interface LegacyCase {
  readonly detect?: boolean;
  readonly detect_level?: string | string[];
  readonly detect_counts?: Record<string, number>[];
  readonly trace_file?: string;
  readonly rules_file?: string | string[];
  readonly validate_rules_file?: string | string[];
  readonly validate_ok?: string[];
  readonly validate_errors?: ExpectedItem[];
  readonly validate_warnings?: ExpectedItem[];
  readonly exit_status?: number;
  readonly conf_file?: string;
  readonly disabled_rules?: string | string[];
  readonly disable_tags?: string[];
  readonly run_tags?: string[];
  readonly all_events?: boolean;
  readonly priority?: string;
  readonly json_output?: boolean;
  readonly json_include_output_property?: boolean;
  readonly json_include_tags_property?: boolean;
  readonly time_iso_8601?: boolean;
  readonly run_duration?: number;
  readonly stdout_contains?: string | string[];
  readonly stderr_contains?: string | string[];
  readonly stdout_not_contains?: string | string[];
  readonly stderr_not_contains?: string | string[];
  readonly output_strictly_contains?: Record<string, string>[];
  readonly grpc?: unknown;
  readonly package?: string;
  readonly enable_source?: string | string[];
  readonly addl_cmdline_opts?: string;
}

/** What the suite's default rules path stands for (see ../shared/README.md). */
const DEFAULT_RULES = '../rules/falco_rules-1.0.1.yaml';

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const pyBool = (b: boolean) => (b ? 'True' : 'False');

/** The plugins ghostwatch has built in: a case whose configuration loads only these runs. */
const BUILT_IN_PLUGINS = ['container', 'k8saudit', 'json'];

/**
 * A path of the suite as ghostwatch's copy has it: Falco's build directory (BUILD_DIR) held the
 * suite's files under test/, and the stock rules files checked out beside them.
 */
export function suitePath(p: string): string {
  return p
    .replace('BUILD_DIR/falcosecurity-rules-falco-prefix/src/falcosecurity-rules-falco/falco_rules.yaml', DEFAULT_RULES)
    .replace('BUILD_DIR/k8saudit-rules-prefix/src/k8saudit-rules/k8s_audit_rules.yaml', '../rules/k8s_audit_rules.yaml')
    .replace(/^BUILD_DIR\/test\//, '');
}

/** The plugins a configuration loads (load_plugins, or every one it configures), as names. */
function loadedPlugins(confPath: string): string[] {
  const conf = (parse(readFileSync(confPath, 'utf8')) ?? {}) as { load_plugins?: string[]; plugins?: { name?: string }[] };
  return conf.load_plugins ?? (conf.plugins ?? []).map((p) => p.name ?? '');
}

/** Why a case cannot run here, or undefined. */
export function skipReason(c: LegacyCase, base: string): string | undefined {
  if (c.grpc !== undefined) return 'needs Falco gRPC output';
  if (c.package !== undefined) return 'needs a Falco package';
  const conf = c.conf_file === undefined ? undefined : join(base, suitePath(c.conf_file));
  if (conf !== undefined && c.conf_file?.includes('plugins/') === true) {
    if (!existsSync(conf)) return `configuration ${c.conf_file} is not in the suite's data`;
    const missing = loadedPlugins(conf).filter((p) => !BUILT_IN_PLUGINS.includes(p));
    if (missing.length > 0) return `needs Falco plugins ghostwatch does not have (${missing.join(', ')})`;
  }
  if (c.trace_file !== undefined && !existsSync(join(base, c.trace_file))) return `capture ${c.trace_file} is not in the suite's data`;
  return undefined;
}

export function validationJson(c: LegacyCase): boolean {
  return list(c.validate_rules_file).length > 0;
}

/** The arguments of `ghostwatch run` for a case, in falco_test.py's order. */
export function commandLine(c: LegacyCase): string[] {
  const args: string[] = [];
  for (const f of list(c.validate_rules_file)) args.push('-V', f);
  for (const f of list(c.rules_file ?? DEFAULT_RULES)) args.push('-r', suitePath(f));
  for (const r of list(c.disabled_rules)) args.push('-D', r);
  args.push('-c', suitePath(c.conf_file ?? 'falco.yaml'));
  if (c.trace_file !== undefined) args.push('-e', c.trace_file);
  args.push(
    '-o', `json_output=${pyBool(c.json_output === true || validationJson(c))}`,
    '-o', `json_include_output_property=${pyBool(c.json_include_output_property ?? true)}`,
    '-o', `json_include_tags_property=${pyBool(c.json_include_tags_property ?? true)}`,
    '-o', `priority=${c.priority ?? 'debug'}`,
    '-v',
  );
  for (const source of list(c.enable_source)) args.push(`--enable-source=${source}`);
  if (c.addl_cmdline_opts !== undefined) args.push(...c.addl_cmdline_opts.split(/\s+/).filter((a) => a !== ''));
  for (const t of c.disable_tags ?? []) args.push('-T', t);
  for (const t of c.run_tags ?? []) args.push('-t', t);
  if (c.run_duration !== undefined) args.push('-M', String(c.run_duration));
  if (c.all_events === true) args.push('-A');
  if (c.time_iso_8601 === true) args.push('-o', 'time_format_iso_8601=true');
  return args;
}

export interface RunOutcome {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `ghostwatch run ARGS` in cwd, as the legacy suite runs Falco (its hostname fixed), to its end. */
export function runGhostwatch(args: readonly string[], cwd: string): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(repoRoot, 'bin', 'ghostwatch'), ['run', ...args], { cwd, env: { ...process.env, FALCO_HOSTNAME: 'test-falco-hostname' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** The case's expectations, with the validation wording of Falco 0.63 where it changed. */
export function withLatestFalco(name: string, c: LegacyCase): LegacyCase {
  return { ...c, ...LATEST_FALCO[name] };
}

/** The failures of the checks falco_test.py made, in its order; empty when the case passes. */
export function checkOutcome(c: LegacyCase, r: RunOutcome, base: string): string[] {
  const failures: string[] = [];
  const fail = (m: string) => failures.push(m);
  for (const p of list(c.stderr_contains)) if (!new RegExp(p, 's').test(r.stderr)) fail(`stderr does not match ${p}`);
  for (const p of list(c.stdout_contains)) if (!new RegExp(p, 's').test(r.stdout)) fail(`stdout does not match ${p}`);
  for (const p of list(c.stderr_not_contains)) if (new RegExp(p).test(r.stderr)) fail(`stderr matches ${p}`);
  for (const p of list(c.stdout_not_contains)) if (new RegExp(p).test(r.stdout)) fail(`stdout matches ${p}`);
  if (r.status !== (c.exit_status ?? 0)) fail(`exit status ${r.status}, expected ${c.exit_status ?? 0}`);
  checkValidation(c, r, fail);
  if (r.status !== 0) return failures;

  if (!validationJson(c)) checkDetections(c, r.stdout, fail);
  if (c.detect_counts !== undefined) checkDetectCounts(c, r.stdout, fail);
  if (!validationJson(c) && c.json_output === true) checkJsonAlerts(c, r.stdout, fail);
  for (const item of c.output_strictly_contains ?? []) {
    for (const [actual, expected] of Object.entries(item)) {
      const text = actual === 'stdout' ? r.stdout : existsSync(actual) ? readFileSync(actual, 'utf8') : '';
      if (!strictlyContains(text, readFileSync(join(base, expected), 'utf8'))) fail(`${actual} does not contain the lines of ${expected} in order`);
    }
  }
  return failures;
}

/** One rules file's entry of -V's JSON (falco_load_results). */
interface LoadResultJson {
  name: string;
  successful: boolean;
  errors: Reported[];
  warnings: Reported[];
}

function checkValidation(c: LegacyCase, r: RunOutcome, fail: (m: string) => void): void {
  if (c.validate_ok === undefined && c.validate_errors === undefined && c.validate_warnings === undefined) return;
  let results: LoadResultJson[];
  try {
    results = (JSON.parse(r.stdout.split('\n')[0]) as { falco_load_results: LoadResultJson[] }).falco_load_results;
  } catch {
    fail(`the first stdout line is not the validation JSON: ${r.stdout.split('\n')[0]}`);
    return;
  }
  for (const ok of c.validate_ok ?? []) {
    if (!results.some((v) => v.successful && v.name.split('/').pop() === ok)) fail(`no successful result for ${ok}`);
  }
  const found = (kind: 'errors' | 'warnings', e: ExpectedItem) =>
    results.some((v) => v[kind].some((x) => x.code === e.code
      && (e.message !== undefined ? x.message === e.message : e.message_contains !== undefined && x.message.includes(e.message_contains))
      && x.context.locations.some((l) => l.item_type === e.item_type && l.item_name === e.item_name)));
  for (const e of c.validate_errors ?? []) if (!found('errors', e)) fail(`no error ${JSON.stringify(e)}`);
  for (const w of c.validate_warnings ?? []) if (!found('warnings', w)) fail(`no warning ${JSON.stringify(w)}`);
}

interface Reported {
  readonly code: string;
  readonly message: string;
  readonly context: { readonly locations: { readonly item_type: string; readonly item_name: string }[] };
}

function checkDetections(c: LegacyCase, stdout: string, fail: (m: string) => void): void {
  const m = /Events detected: (\d+)/.exec(stdout);
  if (m === null) {
    fail("no line 'Events detected: <count>'");
    return;
  }
  const detected = Number(m[1]);
  if (c.detect !== true && detected > 0) fail(`detected ${detected} events when it should have detected none`);
  if (c.detect === true) {
    if (detected === 0) fail('detected no event when it should have');
    for (const level of list(c.detect_level)) {
      if (!new RegExp(`${level}: (\\d+)`, 'i').test(stdout)) fail(`no line '${level}: <count>'`);
    }
  }
}

function checkDetectCounts(c: LegacyCase, stdout: string, fail: (m: string) => void): void {
  const m = /Triggered rules by rule name:(.*)/s.exec(stdout);
  if (m === null) {
    fail("no block 'Triggered rules by rule name:'");
    return;
  }
  for (const item of c.detect_counts!) {
    for (const [rule, count] of Object.entries(item)) {
      const escaped = rule.replace(/[$.*+?()[\]{}|^]/g, '\\$&');
      const found = new RegExp(`\\s${escaped}: (\\d+)`).exec(m[1]);
      const actual = found === null ? 0 : Number(found[1]);
      if (actual !== count) fail(`rule ${rule}: ${actual} detections, expected ${count}`);
    }
  }
}

function checkJsonAlerts(c: LegacyCase, stdout: string, fail: (m: string) => void): void {
  const attrs = ['time', 'rule', 'priority'];
  if (c.json_include_output_property !== false) attrs.push('output');
  if (c.json_include_tags_property !== false) attrs.push('tags');
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      fail(`not JSON: ${line}`);
      continue;
    }
    for (const a of attrs) if (!(a in obj)) fail(`JSON alert without "${a}": ${line}`);
  }
}

/** Whether the lines of `expected` appear in `actual` in order (falco_test.py's strict check). */
export function strictlyContains(actual: string, expected: string): boolean {
  let cursor = actual;
  for (const line of expected.split(/\r?\n/).filter((l, i, all) => i < all.length - 1 || l !== '')) {
    const pos = cursor.indexOf(line);
    if (pos < 0) return false;
    cursor = cursor.slice(pos + line.length);
  }
  return true;
}
