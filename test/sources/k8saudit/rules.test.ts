// Every rule of the k8saudit plugin's k8s_audit_rules.yaml against its own audit event: the event
// that fires it does, the near miss (the same request, one detail changed) does not. Rules the
// stock file keeps quiet (a macro always true or false, for the user to tune) are tuned as a user
// would, with a later rules file, and stay quiet without it. Older versions of the rules file, as
// the k8saudit plugin shipped them, load with no error.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pluginEvent } from '../../../src/capture/plugin-event.js';
import { RuleEngine } from '../../../src/engine/engine.js';
import { K8SAUDIT_PLUGIN_ID } from '../../../src/fields/k8saudit.js';
import { createK8sAuditRegistry, K8S_AUDIT_SOURCE } from '../../../src/fields/k8saudit-source.js';
import { parseRfc3339Nano } from '../../../src/sources/k8saudit/events.js';
import { checkPluginRequirements, defaultSources, loadRules, type RulesFile, type RuleSet } from '../../../src/rules/index.js';
import { SHARED_MISSING, sharedPath } from '../../helpers.js';
import { type JsonObject, RULE_CASES } from './audit-events.js';

const rulesPath = sharedPath('falco', 'rules', 'k8s_audit_rules.yaml');
const registry = createK8sAuditRegistry(true);
const sources = new Map([...defaultSources(), [K8S_AUDIT_SOURCE, registry]]);
const PLUGINS = new Map([['container', 'any'], ['k8saudit', '0.18.0'], ['json', '0.7.4']]);

function load(files: readonly RulesFile[]): RuleSet {
  const set = loadRules(files, { sources });
  assert.deepEqual(set.results.flatMap((r) => [...r.errors, ...r.warnings].map((x) => `${r.name}: ${x.code} ${x.message}`)), []);
  return set;
}

let num = 0;
function eventOf(e: JsonObject) {
  const ts = parseRfc3339Nano(e.stageTimestamp as string);
  assert.ok(ts !== undefined);
  return pluginEvent(K8SAUDIT_PLUGIN_ID, ts, Buffer.from(JSON.stringify(e)), ++num);
}

/** The names of every rule the event matches. */
function matching(engine: RuleEngine, e: JsonObject): string[] {
  const out: Parameters<RuleEngine['all']>[1] = [];
  engine.all(eventOf(e), out);
  return out.map((r) => r.rule.name);
}

describe('k8s_audit_rules.yaml, rule by rule', { skip: rulesPath === undefined ? SHARED_MISSING : false }, () => {
  if (rulesPath === undefined) return;
  const stock: RulesFile = { name: 'k8s_audit_rules.yaml', content: readFileSync(rulesPath, 'utf8') };
  const set = load([stock]);
  const engine = new RuleEngine(set.rules, registry);

  it('loads with no error or warning; its plugin requirements are met by the built-in k8saudit and json', () => {
    assert.equal(set.rules.length, 48);
    assert.ok(set.rules.every((r) => r.source === K8S_AUDIT_SOURCE));
    assert.equal(checkPluginRequirements(set.requiredPluginVersions, PLUGINS), undefined);
    // Without the json plugin, its requirement is not met, as in Falco.
    assert.match(checkPluginRequirements(set.requiredPluginVersions, new Map([['k8saudit', '0.18.0']])) ?? '', /must load one of: json \(>= 0\.7\.0\)/);
  });

  it('has a case for every rule', () => {
    assert.deepEqual(RULE_CASES.map((c) => c.rule).sort(), set.rules.map((r) => r.name).sort());
  });

  for (const c of RULE_CASES) {
    it(c.rule, () => {
      let e = engine;
      if (c.override !== undefined) {
        // Quiet with the stock file alone...
        assert.ok(!matching(engine, c.fire).includes(c.rule), 'fires without the override');
        // ...and tuned by a later file.
        const tuned = load([stock, { name: 'tuning.yaml', content: c.override }]);
        e = new RuleEngine(tuned.rules, registry);
      }
      assert.ok(matching(e, c.fire).includes(c.rule), `does not fire: ${JSON.stringify(c.fire)}`);
      assert.ok(!matching(e, c.miss).includes(c.rule), `the near miss fires: ${JSON.stringify(c.miss)}`);
    });
  }
});

// -- the rules files the k8saudit plugin shipped before ---------------------------------------------

const pluginsRepo = '/work/.mirror/falcosecurity+plugins/repo';
const OLD_RELEASES = [
  'k8saudit-0.1.0', 'k8saudit-0.4.0', 'k8saudit-0.5.0', 'k8saudit-0.5.2', 'k8saudit-0.6.0', 'k8saudit-0.6.1', 'k8saudit-0.7.0',
  'plugins/k8saudit/v0.8.0', 'plugins/k8saudit/v0.9.0', 'plugins/k8saudit/v0.11.0', 'plugins/k8saudit/v0.12.0', 'plugins/k8saudit/v0.17.0',
];

describe('older k8s_audit_rules.yaml releases', { skip: existsSync(pluginsRepo) ? false : 'the falcosecurity/plugins history is not at hand' }, () => {
  for (const tag of OLD_RELEASES) {
    it(`${tag} loads with no error and its plugin requirements are met`, () => {
      const content = execFileSync('git', ['-C', pluginsRepo, 'show', `${tag}:plugins/k8saudit/rules/k8s_audit_rules.yaml`], { encoding: 'utf8' });
      const set = loadRules([{ name: `${tag}.yaml`, content }], { sources });
      assert.deepEqual(set.results.flatMap((r) => r.errors.map((x) => `${x.code} ${x.message}`)), []);
      assert.ok(set.rules.length >= 40, String(set.rules.length));
      assert.equal(checkPluginRequirements(set.requiredPluginVersions, PLUGINS), undefined);
      // The events of today's cases fire the rules of the same name where the old file has them.
      const engine = new RuleEngine(set.rules, registry);
      const names = new Set(set.rules.map((r) => r.name));
      for (const c of RULE_CASES) {
        if (c.override !== undefined || !names.has(c.rule)) continue;
        assert.ok(matching(engine, c.fire).includes(c.rule), `${c.rule} does not fire`);
      }
    });
  }
});
