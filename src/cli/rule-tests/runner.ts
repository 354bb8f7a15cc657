// Runs one rule test case through `ghostwatch run` itself (runDetection, in this process): the
// case's events become a capture file (or an audit log for the k8s_audit source), the rules and
// options go on its command line, and the alerts come back through Falco's JSON file output. So a
// case sees exactly the engine, state, rule loading and alert fields a deployment sees.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { escapeControls } from '../../outputs/logger.js';
import { createK8sAuditRegistry, K8S_AUDIT_SOURCE } from '../../fields/k8saudit-source.js';
import { defaultSources, loadRules, readRulesFiles } from '../../rules/index.js';
import { errorLine } from '../errors.js';
import { ruleSources } from '../plugin-sources.js';
import { runDetection, type RunOptions } from '../run.js';
import { writeScenario, StepError } from './scenario.js';
import { TestFileError, type Expectation, type TestCase } from './schema.js';

/** An alert as the JSON output gives it. */
export interface SeenAlert {
  readonly rule: string;
  readonly output: string;
  readonly outputFields: Readonly<Record<string, unknown>>;
}

export interface CaseResult {
  readonly case: TestCase;
  /** What differs from the expectations; empty when the case passes. */
  readonly failures: readonly string[];
  readonly alerts: readonly SeenAlert[];
  readonly seconds: number;
}

/**
 * Settings every case runs with, before its own options: every matching rule raises its alert (a
 * rule earlier in the file must not hide the one tested) and Falco's log stays out of the report.
 */
const CASE_DEFAULTS = ['rule_matching=all', 'log_stderr=false', 'watch_config_files=false'];

/** A configuration for audit cases: the k8saudit and json plugins (the audit log given per case). */
const K8S_AUDIT_CONFIG = `plugins:
  - name: k8saudit
    library_path: libk8saudit.so
    init_config: ""
    open_params: ""
  - name: json
    library_path: libjson.so
    init_config: ""
load_plugins: [k8saudit, json]
stdout_output:
  enabled: false
`;

/** Rule names known per rules set (files and options), so each set is loaded once for the check. */
const knownRules = new Map<string, ReadonlySet<string>>();

/** Checks that the rules a case names exist; throws TestFileError at the first unknown one. */
export function checkRuleNames(file: string, c: TestCase): void {
  const audit = c.events.kind === 'audit' || c.events.kind === 'audit_file';
  const key = JSON.stringify([audit, c.rules, c.options]);
  let names = knownRules.get(key);
  if (names === undefined) {
    // Audit cases run with the k8saudit and json plugins (K8S_AUDIT_CONFIG), the others with the default configuration.
    let set;
    try {
      const sources = audit
        ? new Map([...defaultSources(), [K8S_AUDIT_SOURCE, createK8sAuditRegistry(true)]])
        : ruleSources(loadConfig(undefined, [...CASE_DEFAULTS, ...c.options]).config);
      set = loadRules(readRulesFiles(c.rules), { sources });
    } catch (e) {
      throw new TestFileError(file, c.line, `case '${c.name}': ${errorLine(e)}`);
    }
    const failed = set.results.find((r) => !r.successful);
    if (failed !== undefined) throw new TestFileError(file, c.line, `case '${c.name}': the rules do not load: ${failed.errors[0]?.message ?? 'error'}`);
    names = new Set(set.rules.map((r) => r.name));
    knownRules.set(key, names);
  }
  for (const e of [...c.expect, ...c.expectNot]) {
    if (!names.has(e.rule)) throw new TestFileError(file, e.line, `case '${c.name}': no rule named '${e.rule}' in ${c.rules.join(', ')}`);
  }
}

/** Runs a case; a step that cannot be built is the test file's error (TestFileError). */
export async function runCase(file: string, c: TestCase): Promise<CaseResult> {
  const started = process.hrtime.bigint();
  const dir = mkdtempSync(join(tmpdir(), 'gw-rule-test-'));
  try {
    const alertsFile = join(dir, 'alerts.json');
    const outputs = [
      'json_output=true', 'json_include_output_fields_property=true', 'json_include_output_property=true', 'stdout_output.enabled=false',
      'file_output.enabled=true', `file_output.filename=${alertsFile}`, 'file_output.keep_alive=false',
    ];
    const run: RunOptions = {
      rules: c.rules, options: [...CASE_DEFAULTS, ...c.options, ...outputs], disable: [], disableTags: [], tags: [], durationSeconds: 0,
      verbose: false, listRules: false, validate: [], dryRun: false, unbuffered: true,
    };
    let options: RunOptions;
    switch (c.events.kind) {
      case 'capture':
        options = { ...run, capture: c.events.path };
        break;
      case 'steps': {
        const capture = join(dir, 'events.scap');
        try {
          writeScenario(c.events.steps, capture);
        } catch (e) {
          if (e instanceof StepError) throw new TestFileError(file, e.line, `case '${c.name}': ${e.message}`);
          throw e;
        }
        options = { ...run, capture };
        break;
      }
      case 'audit':
      case 'audit_file': {
        const log = c.events.kind === 'audit_file' ? c.events.path : join(dir, 'audit.jsonl');
        if (c.events.kind === 'audit') writeFileSync(log, c.events.events.map((e) => `${JSON.stringify(e)}\n`).join(''));
        const config = join(dir, 'k8s-audit.yaml');
        writeFileSync(config, K8S_AUDIT_CONFIG);
        options = {
          ...run, config, enableSources: ['k8s_audit'],
          options: [...run.options, 'engine.kind=nodriver', `plugins[0].open_params=${log}`],
        };
        break;
      }
    }
    const { status, stderr } = await withStderrCaught(() => runDetection(options));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (status !== 0) {
      const why = stderr.split('\n').find((l) => l.startsWith('Error: ')) ?? stderr.split('\n')[0];
      return { case: c, failures: [`ghostwatch run failed (exit ${status}): ${escapeControls(why)}`], alerts: [], seconds };
    }
    const alerts = readAlerts(alertsFile);
    return { case: c, failures: compare(c, alerts), alerts, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs f with what it writes on stderr kept (and not shown): a case's messages go into its report. */
async function withStderrCaught(f: () => Promise<number>): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const keep = (chunk: string | Uint8Array): boolean => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  process.stderr.write = keep;
  try {
    return { status: await f(), stderr };
  } catch (e) {
    return { status: 1, stderr: `Error: ${errorLine(e)}\n${stderr}` };
  } finally {
    process.stderr.write = write;
  }
}

function readAlerts(path: string): SeenAlert[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => {
    const a = JSON.parse(l) as { rule?: unknown; output?: unknown; output_fields?: Record<string, unknown> };
    return { rule: String(a.rule), output: typeof a.output === 'string' ? a.output : '', outputFields: a.output_fields ?? {} };
  });
}

/** The differences between the alerts and the case's expectations, one line each. */
export function compare(c: TestCase, alerts: readonly SeenAlert[]): string[] {
  const failures: string[] = [];
  for (const e of c.expect) {
    const ofRule = alerts.filter((a) => a.rule === e.rule);
    const matching = ofRule.filter((a) => fieldsMatch(a, e));
    const ok = e.count === undefined ? matching.length > 0 : matching.length === e.count;
    if (ok) continue;
    const wanted = `${e.count === undefined ? 'at least 1 alert' : `${e.count} alert${e.count === 1 ? '' : 's'}`}${describeFields(e)}`;
    const got = matching.length === ofRule.length
      ? `got ${ofRule.length}`
      : `got ${matching.length} (${ofRule.length} of the rule, with ${ofRule.slice(0, 3).map((a) => differingFields(a, e)).join('; ')})`;
    failures.push(`rule '${e.rule}': expected ${wanted}, ${got}`);
  }
  for (const n of c.expectNot) {
    const fired = alerts.filter((a) => a.rule === n.rule);
    if (fired.length > 0) failures.push(`rule '${n.rule}': expected no alert, got ${fired.length} (first: ${fired[0].output})`);
  }
  if (c.noAlerts && alerts.length > 0) {
    failures.push(`expected no alert, got ${alerts.length}: ${[...new Set(alerts.map((a) => a.rule))].map((r) => `'${r}'`).join(', ')}`);
  }
  return failures.map((f) => escapeControls(f));
}

function fieldText(v: unknown): string {
  return v === null || v === undefined ? '<NA>' : typeof v === 'string' ? v : JSON.stringify(v);
}

function fieldsMatch(a: SeenAlert, e: Expectation): boolean {
  for (const [k, v] of e.outputFields) if (fieldText(a.outputFields[k]) !== v) return false;
  return true;
}

function describeFields(e: Expectation): string {
  if (e.outputFields.size === 0) return '';
  return ` with ${[...e.outputFields].map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

/** An alert's values of the fields the expectation names. */
function differingFields(a: SeenAlert, e: Expectation): string {
  return [...e.outputFields.keys()].map((k) => `${k}=${k in a.outputFields ? fieldText(a.outputFields[k]) : '(not in the output)'}`).join(' ');
}
