// `run -L`/`-l` with json_output: Falco's describe_rule JSON, built from the rule loader's data.
// Compiled conditions are checked against the texts Falco's own unit tests expect
// (unit_tests/engine/test_rule_loader.cpp); the shapes against the stock rule packs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILT_IN_PLUGINS } from '../../src/cli/plugins.js';
import { DescribeError, describeRulesJson, loadRules, readRulesFiles, type RuleSet, type RulesDescription, sortKeys } from '../../src/rules/index.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';

function load(content: string, opts: Parameters<typeof loadRules>[1] = {}): RuleSet {
  const set = loadRules([{ name: 'rules.yaml', content }], opts);
  assert.ok(set.successful, JSON.stringify(set.results.map((r) => r.errors)));
  return set;
}

const describeAll = (set: RuleSet): RulesDescription => sortKeys(describeRulesJson(set, { plugins: BUILT_IN_PLUGINS }));
const compiled = (set: RuleSet, rule: string): string => describeRulesJson(set, { ruleName: rule }).rules[0].details.condition_compiled;

describe('condition_compiled is libsinsp\'s text of the compiled condition', () => {
  it('lists appended to, then expanded', () => {
    const set = load(`
- list: shell_binaries
  items: [ash, bash, csh, ksh, sh, tcsh, zsh, dash]
- rule: legit_rule
  desc: legit rule description
  condition: evt.type=open and proc.name in (shell_binaries)
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
- list: shell_binaries
  items: [pwsh]
  override:
    items: append
`);
    assert.equal(compiled(set, 'legit_rule'), '(evt.type = open and proc.name in (ash, bash, csh, ksh, sh, tcsh, zsh, dash, pwsh))');
  });

  it('macros inlined with their appends, each and/or in parentheses', () => {
    const set = load(`
- macro: interactive
  condition: >
    ((proc.aname=sshd and proc.name != sshd) or
    proc.name=systemd-logind or proc.name=login)
- rule: legit_rule
  desc: legit rule description
  condition: evt.type=open and interactive
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
- macro: interactive
  condition: or proc.name = ssh
  override:
    condition: append
`);
    assert.equal(compiled(set, 'legit_rule'),
      '(evt.type = open and (((proc.aname = sshd and proc.name != sshd) or proc.name = systemd-logind or proc.name = login) or proc.name = ssh))');
  });

  it('exceptions folded in, values with blanks quoted; transformers kept', () => {
    const set = load(`
- rule: test_rule
  desc: test rule
  condition: proc.cmdline contains curl or proc.cmdline contains wget
  output: command=%proc.cmdline
  priority: INFO
  exceptions:
    - name: test_exception
      fields: [proc.cmdline]
      comps: [contains]
      values:
        - [curl 127.0.0.1]
- rule: upper
  desc: d
  condition: evt.type = open and not proc.name = toupper(proc.pname)
  output: o
  priority: INFO
`);
    assert.equal(compiled(set, 'test_rule'), '((proc.cmdline contains curl or proc.cmdline contains wget) and not proc.cmdline contains "curl 127.0.0.1")');
    assert.equal(compiled(set, 'upper'), '(evt.type = open and not proc.name = toupper(proc.pname))');
  });
});

describe("Falco's details of rules, macros and lists", () => {
  const set = load(`
- required_engine_version: 0.31.0
- required_plugin_versions:
  - name: container
    version: 0.1.0
    alternatives:
      - name: other
        version: 1.0.0
- list: shells
  items: [bash, sh]
- list: all_shells
  items: [shells, zsh]
- macro: spawned
  condition: evt.type in (execve, execveat) and evt.dir = <
- macro: unused_macro
  condition: proc.name = nobody
- rule: Shell in container
  desc: a shell in a container
  condition: spawned and proc.name in (all_shells) and container.id != host and proc.aname[2] exists
  output: shell %proc.name in %container.name (%proc.aname[2])
  priority: WARNING
  tags: [shell, container]
  exceptions:
    - name: known
      fields: [proc.pname, proc.cwd]
      comps: [=, startswith]
      values:
        - [sshd, /root]
- rule: Open of etc
  desc: an open
  condition: evt.type = open and fd.name startswith /etc
  output: file=%fd.name
  priority: INFO
  enabled: false
`, { extraOutputFields: [{ key: 'cmd', format: '%proc.cmdline', raw: false }, { key: 'proc.pid', format: '%proc.pid', raw: true }] });
  const d = describeAll(set);

  it('the document: engine and plugin requirements, rules, macros, lists', () => {
    assert.deepEqual(Object.keys(d), ['lists', 'macros', 'required_engine_version', 'required_plugin_versions', 'rules']);
    assert.equal(d.required_engine_version, '0.31.0');
    assert.deepEqual(d.required_plugin_versions, [{ alternatives: [{ name: 'other', version: '1.0.0' }], name: 'container', version: '0.1.0' }]);
    assert.deepEqual(d.rules.map((r) => r.info.name), ['Shell in container', 'Open of etc']);
  });

  it('a rule: its definition, and what compiling it found', () => {
    const r = d.rules[0];
    assert.deepEqual(r.info, {
      capture: false, capture_duration: 0,
      condition: 'spawned and proc.name in (all_shells) and container.id != host and proc.aname[2] exists',
      description: 'a shell in a container', enabled: true, name: 'Shell in container',
      output: 'shell %proc.name in %container.name (%proc.aname[2])', priority: 'Warning', source: 'syscall', tags: ['container', 'shell'],
    });
    assert.deepEqual(Object.keys(r.details), [
      'condition_compiled', 'condition_fields', 'condition_operators', 'events', 'exception_fields', 'exception_names', 'exception_operators',
      'extra_output_formatted_fields', 'lists', 'macros', 'output_compiled', 'output_fields', 'plugins',
    ]);
    assert.equal(r.details.condition_compiled,
      // Falco folds exceptions in as "(condition) and not (...)".
      '(((evt.type in (execve, execveat) and evt.dir = <) and proc.name in (bash, sh, zsh) and container.id != host and proc.aname[2] exists) '
      + 'and not (proc.pname = sshd and proc.cwd startswith /root))');
    assert.deepEqual(r.details.condition_fields, ['container.id', 'evt.dir', 'evt.type', 'proc.aname[2]', 'proc.cwd', 'proc.name', 'proc.pname']);
    assert.deepEqual(r.details.condition_operators, ['!=', '=', 'exists', 'in', 'startswith']);
    assert.deepEqual(r.details.events, ['asyncevent', 'execve', 'execveat']);
    assert.deepEqual(r.details.exception_names, ['known']);
    assert.deepEqual(r.details.exception_operators, ['=', 'startswith']);
    assert.deepEqual(r.details.exception_fields, ['proc.cwd', 'proc.pname']);
    assert.deepEqual(r.details.macros, ['spawned']);
    assert.deepEqual(r.details.lists, ['all_shells']);
    assert.deepEqual(r.details.extra_output_formatted_fields, { cmd: '%proc.cmdline' });
    assert.deepEqual(r.details.output_fields, ['%proc.cmdline', '%proc.pid', 'proc.name', 'container.name', 'proc.aname[2]']);
    // container.* is a field of Falco's container plugin, built into ghostwatch.
    assert.deepEqual(r.details.plugins, ['container']);
    assert.deepEqual(d.rules[1].details.plugins, []);
    assert.equal(d.rules[1].info.enabled, false);
  });

  it('macros: used or not, compiled condition, event types; lists: their references and compiled items', () => {
    const [spawned, unused] = d.macros;
    assert.deepEqual(spawned, {
      details: {
        condition_compiled: '(evt.type in (execve, execveat) and evt.dir = <)', condition_fields: ['evt.dir', 'evt.type'],
        condition_operators: ['=', 'in'], events: ['asyncevent', 'execve', 'execveat'], lists: [], macros: [], plugins: [], used: true,
      },
      info: { condition: 'evt.type in (execve, execveat) and evt.dir = <', name: 'spawned' },
    });
    assert.equal(unused.details.used, false);
    assert.deepEqual(d.lists, [
      { details: { items_compiled: ['bash', 'sh'], lists: [], plugins: [], used: true }, info: { items: ['bash', 'sh'], name: 'shells' } },
      { details: { items_compiled: ['bash', 'sh', 'zsh'], lists: ['shells'], plugins: [], used: true }, info: { items: ['zsh'], name: 'all_shells' } },
    ]);
  });

  it('-l RULE: that rule only; a rule not loaded is an error', () => {
    const one = sortKeys(describeRulesJson(set, { ruleName: 'Open of etc' }));
    assert.deepEqual(Object.keys(one), ['rules']);
    assert.equal(one.rules.length, 1);
    assert.equal(one.rules[0].details.condition_compiled, '(evt.type = open and fd.name startswith /etc)');
    assert.throws(() => describeRulesJson(set, { ruleName: 'nope' }), (e) => e instanceof DescribeError && e.message === 'Rule "nope" is not loaded');
  });
});

describe('the stock rule packs', { skip: sharedPath('falco', 'rules') === undefined ? SHARED_MISSING : false }, () => {
  it('every rule, macro and list of falco_rules.yaml and falco-incubating_rules.yaml is described', () => {
    const dir = sharedPath('falco', 'rules')!;
    const set = loadRules(readRulesFiles([`${dir}/falco_rules.yaml`, `${dir}/falco-incubating_rules.yaml`]));
    assert.ok(set.successful);
    const d = describeAll(set);
    assert.equal(d.rules.length, set.rules.length);
    assert.equal(d.macros.length, set.definitions.macros.length);
    assert.equal(d.lists.length, set.definitions.lists.length);
    for (const r of d.rules) {
      assert.equal(typeof r.details.condition_compiled, 'string');
      assert.ok(r.details.events.includes('asyncevent'), r.info.name);
      assert.ok(r.details.condition_fields.length > 0, r.info.name);
    }
    const shell = d.rules.find((r) => r.info.name === 'Terminal shell in container');
    assert.ok(shell);
    assert.ok(shell.details.macros.includes('spawned_process') && shell.details.plugins.includes('container'));
    const pkg = d.lists.find((l) => l.info.name === 'package_mgmt_binaries');
    assert.ok(pkg);
    assert.deepEqual(pkg.details.lists, ['deb_binaries', 'python_package_managers', 'rpm_binaries']);
    // Every macro the rules name is reported used.
    const named = new Set(d.rules.flatMap((r) => r.details.macros));
    for (const m of d.macros) if (named.has(m.info.name)) assert.equal(m.details.used, true, m.info.name);
  });
});
