// Every rule of the current k8s_audit_rules.yaml, tested as Falco's falco_k8s_audit_tests.yaml tests
// k8s audit rules: `ghostwatch run -c <the plugins configuration> -o plugins[0].open_params=FILE.json
// --enable-source=k8s_audit -v`, with Falco's harness checking the detection counts of the -v
// summary (harness.ts). Each rule has two cases built from its audit events (audit-events.ts): the
// event that fires it (detect_counts: 1) and the near miss (detect_counts: 0). Every matching rule
// is counted (rule_matching: all), so that a rule earlier in the file does not hide the one tested.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pluginEvent } from '../../src/capture/plugin-event.js';
import { RuleEngine, type RunningRule } from '../../src/engine/engine.js';
import { K8SAUDIT_PLUGIN_ID } from '../../src/fields/k8saudit.js';
import { createK8sAuditRegistry, K8S_AUDIT_SOURCE } from '../../src/fields/k8saudit-source.js';
import { defaultSources, loadRules, PRIORITY_NAMES } from '../../src/rules/index.js';
import { parseRfc3339Nano } from '../../src/sources/k8saudit/events.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';
import { RULE_CASES, type JsonObject } from '../sources/k8saudit/audit-events.js';
import { checkOutcome, commandLine, type LegacyCase, runGhostwatch, skipReason } from './harness.js';

const rulesPath = sharedPath('falco', 'rules', 'k8s_audit_rules.yaml');

/** Falco's test configuration for the k8s audit cases (confs/plugins/k8s_audit.yaml). */
const K8S_AUDIT_CONF = `stdout_output:
  enabled: true

plugins:
  - name: k8saudit
    library_path: BUILD_DIR/k8saudit-plugin-prefix/src/k8saudit-plugin/libk8saudit.so
    init_config: ""
    open_params: "" # to be filled out by each test case
  - name: json
    library_path: BUILD_DIR/json-plugin-prefix/src/json-plugin/libjson.so
    init_config: ""

load_plugins: [k8saudit, json]
`;

const slug = (rule: string) => rule.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

describe('k8s audit rules, Falco-style cases', { skip: rulesPath === undefined ? SHARED_MISSING : false, concurrency: 4 }, () => {
  if (rulesPath === undefined) return;
  // The suite's layout, in a scratch directory: confs/, rules/, trace_files/k8s_audit/.
  const base = mkdtempSync(join(tmpdir(), 'gw-k8s-legacy-'));
  mkdirSync(join(base, 'confs', 'plugins'), { recursive: true });
  mkdirSync(join(base, 'rules', 'k8s_audit'), { recursive: true });
  mkdirSync(join(base, 'trace_files', 'k8s_audit'), { recursive: true });
  writeFileSync(join(base, 'confs', 'plugins', 'k8s_audit.yaml'), K8S_AUDIT_CONF);

  // What the engine says of each event (rule_matching: all), for the cases' detect flag.
  const registry = createK8sAuditRegistry(true);
  const sources = new Map([...defaultSources(), [K8S_AUDIT_SOURCE, registry]]);
  const stock = readFileSync(rulesPath, 'utf8');
  const engines = new Map<string, RuleEngine>();
  const matches = (e: JsonObject, tuning: string | undefined): string[] => {
    let engine = engines.get(tuning ?? '');
    if (engine === undefined) {
      const set = loadRules([{ name: 'k8s_audit_rules.yaml', content: stock }, ...(tuning === undefined ? [] : [{ name: 'tuning.yaml', content: tuning }])], { sources });
      engine = new RuleEngine(set.rules, registry);
      engines.set(tuning ?? '', engine);
    }
    const out: RunningRule[] = [];
    engine.all(pluginEvent(K8SAUDIT_PLUGIN_ID, parseRfc3339Nano(e.stageTimestamp as string)!, Buffer.from(JSON.stringify(e)), 1), out);
    return out.map((r) => r.rule.name);
  };
  const priorities = new Map(loadRules([{ name: 'k8s_audit_rules.yaml', content: stock }], { sources }).rules.map((r) => [r.name, r.priority]));

  for (const c of RULE_CASES) {
    const name = slug(c.rule);
    const rules = [rulesPath];
    if (c.override !== undefined) {
      writeFileSync(join(base, 'rules', 'k8s_audit', `tune_${name}.yaml`), c.override);
      rules.push(`./rules/k8s_audit/tune_${name}.yaml`);
    }
    for (const [kind, event] of [['fires', c.fire], ['near_miss', c.miss]] as const) {
      const trace = `trace_files/k8s_audit/${name}_${kind}.json`;
      writeFileSync(join(base, trace), `${JSON.stringify(event)}\n`);
      const fires = kind === 'fires';
      const others = matches(event, c.override).filter((r) => r !== c.rule);
      const level = PRIORITY_NAMES[priorities.get(c.rule) ?? 4].toUpperCase();
      const legacy: LegacyCase = {
        detect: fires || others.length > 0,
        ...(fires && { detect_level: level === 'INFORMATIONAL' ? 'INFO' : level }),
        enable_source: 'k8s_audit',
        rules_file: rules,
        detect_counts: [{ [c.rule]: fires ? 1 : 0 }],
        conf_file: 'BUILD_DIR/test/confs/plugins/k8s_audit.yaml',
        addl_cmdline_opts: `-o plugins[0].open_params=${trace} -o rule_matching=all`,
      };
      it(`${name}_${kind}`, async () => {
        assert.equal(skipReason(legacy, base), undefined);
        const args = commandLine(legacy);
        const outcome = await runGhostwatch(args, base);
        assert.deepEqual(checkOutcome(legacy, outcome, base), [], `ghostwatch run ${args.join(' ')}\n--- stdout\n${outcome.stdout.slice(0, 3000)}\n--- stderr\n${outcome.stderr.slice(0, 3000)}`);
      });
    }
  }
});
