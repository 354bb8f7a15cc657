// --config-schema and --rule-schema hold what ghostwatch accepts: config/ghostwatch.yaml validates
// against the first, every stock rule pack and every legacy-suite rules file Falco's suite loads
// without error against the second (with YAML's types, as an editor checks them). Files the
// suite expects to fail, and files that break the schema, are refused by both the schema and the
// loader's own check.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { configJsonSchema, type JsonSchema, ruleJsonSchema } from '../../src/config/json-schema.js';
import { checkJsonSchema } from '../../src/config/json-schema-check.js';
import { loadConfig } from '../../src/config/load.js';
import { checkSchema } from '../../src/rules/schema.js';
import { parseYamlDocuments } from '../../src/rules/yaml.js';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';

const yamlDocs = (text: string): unknown[] => parseAllDocuments(text).map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
const violations = (schema: JsonSchema, text: string) => yamlDocs(text).flatMap((doc) => checkJsonSchema(schema, doc));

describe('--config-schema', () => {
  const schema = configJsonSchema();

  it('config/ghostwatch.yaml is valid', () => {
    assert.deepEqual(violations(schema, readFileSync(join(repoRoot, 'config', 'ghostwatch.yaml'), 'utf8')), []);
  });

  it('covers every key ghostwatch accepts: a file of them all is valid, and loads', () => {
    const text = `
engine: {kind: modern_ebpf, modern_ebpf: {cpus_for_each_buffer: 2, buf_size_preset: 4, drop_failed_exit: false, disable_iterators: false},
         replay: {capture_file: /x.scap}, kmod: {buf_size_preset: 4, drop_failed_exit: false}}
rules_files: [/nonexistent]
rules: [{disable: {rule: x}}, {enable: {tag: y}}]
append_output: [{match: {source: syscall, tags: [a], rule: r}, extra_output: "pid=%proc.pid", extra_fields: [proc.name, {cmd: "%proc.cmdline"}]}, {suggested_output: true}]
plugins:
  - name: container
    library_path: libcontainer.so
    init_config: {label_max_len: 100, lookup_timeout_ms: 2000, new_container_wait_ms: 500, engines: {docker: {enabled: true, sockets: [/var/run/docker.sock]}, lxc: {enabled: false}}}
  - name: k8saudit
    library_path: libk8saudit.so
    init_config: ""
    open_params: "http://:9765/k8s-audit"
load_plugins: [container]
json_output: true
outputs: {rate: 0.5, max_burst: 10}
syscall_event_drops: {threshold: .1, actions: [log, alert], rate: .03333, max_burst: 1, simulate_drops: false}
falco_libs: {thread_table_auto_purging_interval_s: 60, snaplen: 80}
metrics: {enabled: false, interval: 15m}
`;
    assert.deepEqual(violations(schema, text), []);
    assert.doesNotThrow(() => loadConfig(writeTemp(text)));
  });

  it('refuses an unknown key, a value of the wrong type, a container init_config the plugin refuses', () => {
    assert.match(JSON.stringify(violations(schema, 'foo: 1\n')), /property 'foo' is not allowed/);
    assert.notDeepEqual(violations(schema, 'plugins: [{name: container, init_config: {lookup_timeout_ms: 0}}]\n'), []);
    assert.notDeepEqual(violations(schema, 'plugins: [{name: container, init_config: {nope: 1}}]\n'), []);
    assert.notDeepEqual(violations(schema, 'json_output: 3\n'), []);
  });

  const legacyFalcoYaml = sharedPath('falco', 'legacy-tests', 'falco.yaml');
  it("the legacy suite's falco.yaml is valid", { skip: legacyFalcoYaml === undefined ? SHARED_MISSING : false }, () => {
    assert.deepEqual(violations(schema, readFileSync(legacyFalcoYaml!, 'utf8')), []);
  });
});

function writeTemp(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'gw-schema-')), 'config.yaml');
  writeFileSync(p, text);
  return p;
}

const legacy = sharedPath('falco', 'legacy-tests');
describe('--rule-schema', { skip: legacy === undefined ? SHARED_MISSING : false }, () => {
  const schema = ruleJsonSchema();

  it('every stock rule pack is valid', () => {
    const dir = sharedPath('falco', 'rules')!;
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 5);
    for (const f of files) assert.deepEqual(violations(schema, readFileSync(join(dir, f), 'utf8')), [], f);
  });

  it('every rules file of the legacy suite that Falco loads without error is valid', () => {
    const meant = validLegacyFiles(legacy!);
    assert.ok(meant.size > 40, `${meant.size} files`);
    for (const f of meant) assert.deepEqual(violations(schema, readFileSync(f, 'utf8')), [], f);
  });

  it("the schema and the loader's own check agree on every legacy rules file", () => {
    const dir = join(legacy!, 'rules');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      let loaderOk: boolean;
      try {
        loaderOk = parseYamlDocuments(text).flatMap(checkSchema).every((s) => s === 'ok');
      } catch {
        continue; // not YAML: neither check runs
      }
      // An empty value (`condition:`) passes the loader's weak types (yaml-cpp reads it as text) but not YAML's.
      if (/^\s*-?\s*\w+:\s*$/m.test(text) && f.startsWith('invalid_')) continue;
      assert.equal(violations(schema, text).length === 0, loaderOk, f);
    }
  });
});

/** The rules files of the legacy cases that expect no validation error and exit status 0. */
function validLegacyFiles(root: string): Set<string> {
  const out = new Set<string>();
  for (const suite of ['falco_tests.yaml', 'falco_tests_exceptions.yaml']) {
    const cases = (parseAllDocuments(readFileSync(join(root, suite), 'utf8'))[0].toJS() as { trace_files: Record<string, Record<string, unknown>> }).trace_files;
    for (const c of Object.values(cases)) {
      if (c.validate_errors !== undefined || (c.exit_status !== undefined && c.exit_status !== 0)) continue;
      const files = [c.rules_file, c.validate_rules_file].flat().filter((f): f is string => typeof f === 'string' && f.startsWith('rules/'));
      for (const f of files) {
        const p = join(root, f);
        if (statSync(p).isDirectory()) for (const x of readdirSync(p).filter((n) => n.endsWith('.yaml'))) out.add(join(p, x));
        else out.add(p);
      }
    }
  }
  return out;
}
