// The stock Falco rule packs load, and with nothing Falco 0.63 would not report: no error, no
// warning for the current packs (the sandbox pack on top of stable and incubating too); for the 2023 one-file pack, only Falco 0.63's deprecation
// warnings (conditions using evt.dir, outputs using %container.info). The rule files of the legacy
// suite's detection cases load too.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { eventTypesOf } from '../../src/filter/evttypes.js';
import { SYSCALL_EVENT_UNIVERSE } from '../../src/rules/event-universe.js';
import { checkPluginRequirements, loadRules, type RulesFile } from '../../src/rules/index.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';

const rulesDir = sharedPath('falco', 'rules');
const legacyDir = sharedPath('falco', 'legacy-tests');

function read(dir: string, ...names: string[]): RulesFile[] {
  return names.map((n) => ({ name: n, content: readFileSync(join(dir, n), 'utf8') }));
}

function codes(set: ReturnType<typeof loadRules>): string[] {
  return set.results.flatMap((r) => [...r.errors, ...r.warnings].map((x) => `${r.name}: ${x.code} ${x.message}`));
}

describe('stock rule packs', { skip: rulesDir === undefined ? SHARED_MISSING : false }, () => {
  if (rulesDir === undefined) return;

  it('falco_rules.yaml and falco-incubating_rules.yaml load with no error or warning', () => {
    const set = loadRules(read(rulesDir, 'falco_rules.yaml', 'falco-incubating_rules.yaml'));
    assert.deepEqual(codes(set), []);
    assert.ok(set.results.every((r) => r.schemaValid === true));
    assert.equal(set.rules.length, 25 + 31);
    assert.equal(set.requiredEngineVersion, '0.57.0');
    // The container plugin they require is provided by ghostwatch itself.
    assert.deepEqual(set.requiredPluginVersions, [[{ name: 'container', version: '0.4.0' }], [{ name: 'container', version: '0.4.0' }]]);
    assert.equal(checkPluginRequirements(set.requiredPluginVersions), undefined);
  });

  it('each current pack loads alone', () => {
    for (const pack of ['falco_rules.yaml', 'falco-incubating_rules.yaml']) {
      assert.deepEqual(codes(loadRules(read(rulesDir, pack))), [], pack);
    }
  });

  it('falco-sandbox_rules.yaml loads on top of stable and incubating with no error or warning', () => {
    const set = loadRules(read(rulesDir, 'falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'));
    assert.deepEqual(codes(set), []);
    assert.ok(set.results.every((r) => r.schemaValid === true));
    const sandbox = set.rules.filter((r) => r.file === 'falco-sandbox_rules.yaml');
    assert.equal(sandbox.length, 37);
    assert.equal(set.rules.length, 25 + 31 + 37);
    // The rule that needs proc.is_vpgid_leader, a field of newer libsinsp.
    const recon = sandbox.find((r) => r.name === 'Basic Interactive Reconnaissance');
    assert.ok(recon !== undefined && recon.evttypes !== 'all');
    assert.equal(checkPluginRequirements(set.requiredPluginVersions), undefined);
    // Alone, too.
    assert.deepEqual(codes(loadRules(read(rulesDir, 'falco-sandbox_rules.yaml'))), []);
  });

  it('rules keep their properties and get event types', () => {
    const set = loadRules(read(rulesDir, 'falco_rules.yaml'));
    const shell = set.rules.find((r) => r.name === 'Terminal shell in container');
    assert.ok(shell !== undefined);
    assert.equal(shell.priority, 5); // NOTICE
    assert.equal(shell.source, 'syscall');
    assert.ok(shell.tags.includes('container') && shell.tags.includes('shell'));
    assert.deepEqual([...shell.tags], [...shell.tags].sort());
    assert.notEqual(shell.evttypes, 'all');
    assert.ok(shell.evttypes !== 'all' && shell.evttypes.size > 0 && shell.evttypes.size <= 100);
    assert.equal(shell.file, 'falco_rules.yaml');
    assert.ok(shell.output.includes('%proc.cmdline'));
  });

  it("rules' event types are eventTypesOf their whole condition", () => {
    const packs = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml', 'falco_rules-1.0.1.yaml'];
    const rules = packs.flatMap((p) => loadRules(read(rulesDir, p)).rules);
    assert.equal(rules.length, 25 + 31 + 37 + 80);
    for (const r of rules) {
      const whole = eventTypesOf(r.condition, SYSCALL_EVENT_UNIVERSE);
      const types = r.evttypes === 'all' ? new Set(SYSCALL_EVENT_UNIVERSE.all) : r.evttypes;
      assert.deepEqual([...types].sort((a, b) => a - b), [...whole].sort((a, b) => a - b), r.name);
    }
  });

  it('falco_rules-1.0.1.yaml loads with only deprecation warnings', () => {
    const set = loadRules(read(rulesDir, 'falco_rules-1.0.1.yaml'));
    const result = set.results.at(0);
    assert.ok(result !== undefined);
    assert.deepEqual(result.errors, []);
    assert.equal(set.rules.length, 80);
    const kinds = new Set(result.warnings.map((w) => (w.deprecatedField !== undefined ? `field ${w.deprecatedField}` : w.message.slice(0, 16))));
    assert.deepEqual([...kinds].sort(), ['field evt.dir']);
    assert.ok(result.warnings.every((w) => w.code === 'LOAD_DEPRECATED_ITEM'));
    assert.equal(set.requiredEngineVersion, '0.17.0');
  });
});

describe('legacy suite rule files', { skip: legacyDir === undefined ? SHARED_MISSING : false }, () => {
  if (legacyDir === undefined) return;
  const stockPack = '../rules/falco_rules-1.0.1.yaml';

  it('load for every detection case', () => {
    let cases = 0;
    for (const suite of ['falco_tests.yaml', 'falco_tests_exceptions.yaml']) {
      const all = (parse(readFileSync(join(legacyDir, suite), 'utf8').replace('!mux', '')) as { trace_files: Record<string, { rules_file?: string | string[]; validate_rules_file?: unknown }> }).trace_files;
      for (const [name, c] of Object.entries(all)) {
        if (c.validate_rules_file !== undefined) continue;
        cases++;
        const paths = c.rules_file === undefined ? [stockPack] : [c.rules_file].flat().map((p) => (p.startsWith('BUILD_DIR') ? stockPack : p));
        const files = paths.flatMap((p) =>
          statSync(join(legacyDir, p)).isDirectory() ? readdirSync(join(legacyDir, p)).sort().map((n) => `${p}/${n}`) : [p],
        );
        const set = loadRules(read(legacyDir, ...files));
        assert.ok(set.successful, `${name}: ${codes(set).join('\n')}`);
      }
    }
    assert.equal(cases, 93);
  });
});
