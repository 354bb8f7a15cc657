// The rule language as Falco 0.63's loader implements it: lists, macros, rules, append and
// override, enabled, versions, event-type warnings, unknown keys. Expected conditions are written
// as Falco prints compiled conditions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MSG } from '../../src/rules/codes.js';
import { checkPluginRequirements, snippetOf } from '../../src/rules/index.js';
import { conditionText, errorMessages, load, loadMany, normalized, only, rule, warningCodes, warningMessages } from './helpers.js';

const RULE = (name: string, condition: string, extra = ''): string => `
- rule: ${name}
  desc: a rule
  condition: ${condition}
  output: command=%proc.cmdline
  priority: INFO
${extra}`;

describe('lists', () => {
  it('are inlined, with appends (override and append: true)', () => {
    const set = load(`
- list: shell_binaries
  items: [ash, bash, csh, ksh, sh, tcsh, zsh, dash]
${RULE('legit_rule', 'evt.type=open and proc.name in (shell_binaries)')}
- list: shell_binaries
  items: [pwsh]
  override:
    items: append
- list: shell_binaries
  items: [fish]
  append: true
`);
    assert.deepEqual(errorMessages(set), []);
    assert.equal(conditionText(set, 'legit_rule'), normalized('evt.type = open and proc.name in (ash, bash, csh, ksh, sh, tcsh, zsh, dash, pwsh, fish)'));
    assert.deepEqual(warningMessages(set), [MSG.WARNING_APPEND]);
  });

  it('are substituted wherever their name stands alone, not inside other words', () => {
    const set = load(`
- list: cat_binaries
  items: [cat]
${RULE('bare', 'evt.type=open and (proc.name=cat_binaries or proc.name= cat_binaries)')}
${RULE('substring', 'evt.type=open and fd.name in (file_cat_binaries)')}
`);
    assert.equal(conditionText(set, 'bare'), normalized('evt.type = open and (proc.name = cat or proc.name = cat)'));
    assert.equal(conditionText(set, 'substring'), normalized('evt.type = open and fd.name in (file_cat_binaries)'));
  });

  it('quote items with spaces, and an empty list takes its comma with it', () => {
    const set = load(`
- list: my_list
  items: [non_escaped_val, "escaped val"]
- list: empty
  items: []
${RULE('r', 'evt.type=open and proc.cmdline in (my_list, empty, other)')}
`);
    assert.equal(conditionText(set, 'r'), normalized('evt.type = open and proc.cmdline in (non_escaped_val, "escaped val", other)'));
  });

  it('refer to lists defined before them only', () => {
    const set = load(`
- list: a
  items: [b_item]
- list: b
  items: [a, own]
- list: c
  items: [later]
- list: later
  items: [x]
${RULE('r', 'evt.type=open and proc.name in (b, c)')}
`);
    // c's item 'later' is a list defined after c: it stays a word, then the text substitution of
    // 'later' (a list itself) replaces it.
    assert.equal(conditionText(set, 'r'), normalized('evt.type = open and proc.name in (b_item, own, x)'));
    assert.deepEqual(warningCodes(set), []);
  });

  it('unused lists are reported, lists used by lists are not', () => {
    const set = load(`
- list: used_by_list
  items: [a]
- list: unused
  items: [b]
- list: used
  items: [used_by_list]
${RULE('r', 'evt.type=open and proc.name in (used)')}
`);
    const unused = only(set).warnings.filter((w) => w.code === 'LOAD_UNUSED_LIST');
    assert.deepEqual(unused.map((w) => [w.message, w.context.last.itemName]), [['List not referred to by any other rule/macro', 'unused']]);
  });

  it('an invalid name is a warning', () => {
    const set = load(`
- list: test list
  items: [open, openat]
${RULE('r', 'evt.type in (test list)')}
`);
    assert.ok(warningMessages(set).some((m) => m.startsWith('List has an invalid name. List names should match a regular expression: ([^()"\'[:space:]=,]+)')));
  });

  it('without items is an error', () => {
    const set = load('- list: bad\n  no_items: x\n');
    assert.deepEqual(errorMessages(set), ["Item has no mapping for key 'items'"]);
    // The first error stops the item: its unknown keys are not looked at.
    assert.deepEqual(warningCodes(set), []);
  });
});

describe('macros', () => {
  it('are inlined, appended, and see only macros defined before them', () => {
    const set = load(`
- macro: interactive
  condition: >
    ((proc.aname=sshd and proc.name != sshd) or
    proc.name=systemd-logind or proc.name=login)
${RULE('legit_rule', 'evt.type=open and interactive')}
- macro: interactive
  condition: or proc.name = ssh
  override:
    condition: append
`);
    assert.deepEqual(errorMessages(set), []);
    assert.equal(
      conditionText(set, 'legit_rule'),
      normalized('(evt.type = open and (((proc.aname = sshd and proc.name != sshd) or proc.name = systemd-logind or proc.name = login) or proc.name = ssh))'),
    );
  });

  it('referring to a later macro is an undefined macro', () => {
    const set = load(`
- macro: first
  condition: second
- macro: second
  condition: evt.type = open
${RULE('r', 'first')}
`);
    const e = only(set).errors.at(0);
    assert.equal(e?.code, 'LOAD_ERR_VALIDATE');
    assert.equal(e.message, "Undefined macro 'second' used in filter.");
    assert.equal(e.context.locations[1]?.itemName, 'first');
    assert.equal(e.context.last.itemType, 'condition expression');
  });

  it('a redefined macro that refers to itself loops', () => {
    const set = load(`
- macro: a
  condition: evt.type = open
- macro: a
  condition: a and proc.name = cat
${RULE('r', 'a')}
`);
    assert.deepEqual(errorMessages(set), ["reference loop in macro 'a'"]);
  });

  it('append or override before the macro exists', () => {
    const base = `
- macro: open_simple
  condition: evt.type in (open,openat)
${RULE('test_rule', 'open_simple')}`;
    const append = load(`
- macro: open_simple
  condition: or evt.type = openat2
  override:
    condition: append
${base}`);
    assert.deepEqual(errorMessages(append), [MSG.ERROR_NO_PREVIOUS_MACRO]);
    const replace = load(`
- macro: open_simple
  condition: or evt.type = openat2
  override:
    condition: replace
${base}`);
    assert.equal(conditionText(replace, 'test_rule'), normalized('evt.type in (open, openat)'));
    const after = load(`${base}
- macro: open_simple
  condition: or evt.type = openat2
  append: true
`);
    assert.equal(conditionText(after, 'test_rule'), normalized('(evt.type in (open, openat) or evt.type = openat2)'));
  });

  it('unused macros are reported; macros used by unused macros are not', () => {
    const set = load(`
- macro: inner
  condition: evt.type = open
- macro: outer
  condition: inner and proc.name = cat
${RULE('r', 'evt.type = close')}
`);
    assert.deepEqual(
      only(set).warnings.map((w) => [w.code, w.context.last.itemName]),
      [['LOAD_UNUSED_MACRO', 'outer']],
    );
  });

  it('an invalid name is a warning', () => {
    const set = load('- macro: test-macro\n  condition: evt.type = close\n');
    assert.ok(warningMessages(set).includes('Macro has an invalid name. Macro names should match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)'));
  });

  it('a condition that does not parse is a compile error', () => {
    const set = load('- macro: m\n  condition: evt.type = open and\n');
    const e = only(set).errors.at(0);
    assert.equal(e?.code, 'LOAD_ERR_COMPILE_CONDITION');
    assert.equal(e.context.locations[1]?.itemName, 'm');
    assert.equal(e.context.last.name, '"evt.type = open and"');
  });
});

describe('rules: append and override', () => {
  const base = RULE('legit_rule', 'evt.type=open').replace('desc: a rule', 'desc: legit rule description');

  it('override append of desc, condition and output', () => {
    const set = load(`${base}
- rule: legit_rule
  desc: with append
  condition: and proc.name = cat
  output: proc=%proc.name
  override:
    desc: append
    condition: append
    output: append
`);
    const r = rule(set, 'legit_rule');
    assert.equal(conditionText(set, 'legit_rule'), normalized('evt.type = open and proc.name = cat'));
    assert.equal(r.output, 'command=%proc.cmdline proc=%proc.name');
    assert.equal(r.desc, 'legit rule description with append');
    assert.deepEqual(warningMessages(set), []);
  });

  it('append: true appends the condition, with a deprecation warning', () => {
    const set = load(`${base}
- rule: legit_rule
  condition: and proc.name = cat
  append: true
`);
    assert.equal(conditionText(set, 'legit_rule'), normalized('(evt.type = open and proc.name = cat)'));
    assert.deepEqual(only(set).warnings.map((w) => [w.code, w.message]), [['LOAD_DEPRECATED_ITEM', MSG.WARNING_APPEND]]);
  });

  it('override replace, and append and replace together', () => {
    const set = load(`${base}
- rule: legit_rule
  desc: a replaced legit description
  condition: and proc.name = cat
  priority: WARNING
  tags: [b, a]
  override:
    desc: replace
    condition: append
    priority: replace
    tags: append
`);
    const r = rule(set, 'legit_rule');
    assert.equal(conditionText(set, 'legit_rule'), normalized('evt.type = open and proc.name = cat'));
    assert.equal(r.desc, 'a replaced legit description');
    assert.equal(r.priority, 4);
    assert.deepEqual(r.tags, ['a', 'b']);
  });

  it('override errors', () => {
    const cases: [string, string][] = [
      ['  priority: WARNING\n  override:\n    priority: append\n', "Key 'priority' cannot be appended to, use 'replace' instead"],
      ['  override:\n    source: replace\n', "Key 'source' cannot be replaced"],
      ['  priority: WARNING\n  override:\n    priority: merge\n', "Invalid override operation for key 'priority': 'merge'. Allowed values are: replace "],
      ['  desc: x\n  override:\n    desc: replace\n    condition: append\n', "An append override for 'condition' was specified but 'condition' is not defined"],
      ['  condition: and proc.name = cat\n  priority: WARNING\n  override:\n    condition: append\n', "Unexpected key 'priority': no corresponding entry under 'override' is defined."],
      ['  condition: and proc.name = cat\n  append: true\n  override:\n    condition: append\n', MSG.ERROR_OVERRIDE_APPEND],
    ];
    for (const [body, message] of cases) {
      const set = load(`${base}\n- rule: legit_rule\n${body}`);
      assert.deepEqual(errorMessages(set), [message], body);
    }
  });

  it('the error context of an override key points at the key', () => {
    const set = load(`${base}
- rule: legit_rule
  priority: WARNING
  override:
    priority: append
`);
    const e = only(set).errors.at(0);
    assert.equal(e?.code, 'LOAD_ERR_YAML_VALIDATE');
    assert.deepEqual(e.context.locations.slice(1).map((l) => [l.itemType, l.itemName]), [['rule', 'legit_rule'], ['overrides', ''], ['overrides', 'priority']]);
  });

  it('append or override of a rule that does not exist', () => {
    assert.deepEqual(errorMessages(load('- rule: r\n  condition: and x\n  override:\n    condition: append\n')), [MSG.ERROR_NO_PREVIOUS_RULE_APPEND]);
    assert.deepEqual(errorMessages(load('- rule: r\n  condition: x\n  override:\n    condition: replace\n')), [MSG.ERROR_NO_PREVIOUS_RULE_REPLACE]);
    assert.deepEqual(errorMessages(load('- rule: r\n  condition: and x\n  append: true\n')), [MSG.ERROR_NO_PREVIOUS_RULE_APPEND]);
  });

  it('an append with nothing to append', () => {
    const set = load(`${base}\n- rule: legit_rule\n  append: true\n`);
    assert.deepEqual(errorMessages(set), ['Appended rule must have exceptions or condition property']);
  });

  it('a redefinition replaces the rule in place', () => {
    const set = load(`${base}
${RULE('other', 'evt.type = close')}
- rule: legit_rule
  desc: redefined
  condition: proc.name = cat and evt.type = execve
  output: x
  priority: WARNING
`);
    assert.deepEqual(set.rules.map((r) => r.name), ['legit_rule', 'other']);
    assert.equal(conditionText(set, 'legit_rule'), normalized('proc.name = cat and evt.type = execve'));
  });

  it('a rule redefined with another source is an error', () => {
    const set = load(`
- rule: LD_PRELOAD trick
  desc: Some desc
  condition: ka.verb = GET
  output: some output
  priority: INFO
  source: k8s_audit
- rule: LD_PRELOAD trick
  desc: Some desc
  condition: and 1 = 2
  output: Some output
  priority: INFO
  source: syscall
  append: true
`);
    assert.deepEqual(errorMessages(set), ['Rule has been re-defined with a different source']);
  });

  it('an empty source in an append matches any source', () => {
    for (const source of ['', '""']) {
      const set = load(`${RULE('r', 'evt.type=execve')}
- rule: r
  condition: and proc.name=apache
  source: ${source}
  append: true
`);
      assert.deepEqual(errorMessages(set), [], source);
    }
  });
});

describe('rules: enabled', () => {
  it('enabled: false keeps the rule, disabled', () => {
    const set = load(RULE('r', 'evt.type = close', '  enabled: false'));
    assert.equal(rule(set, 'r').enabled, false);
    assert.deepEqual(warningCodes(set), []);
  });

  it('a standalone enabled item enables an existing rule, deprecated', () => {
    const set = load(`${RULE('r', 'evt.type = close', '  enabled: false')}\n- rule: r\n  enabled: true\n`);
    assert.equal(rule(set, 'r').enabled, true);
    assert.deepEqual(warningMessages(set), [MSG.WARNING_ENABLED]);
    assert.deepEqual(errorMessages(load('- rule: nope\n  enabled: true\n')), ["Rule has 'enabled' key but no rule by that name already exists"]);
  });

  it('override replace of enabled, which must be given', () => {
    const ok = load(`${RULE('r', 'evt.type = close', '  enabled: false')}
- rule: r
  condition: and proc.name = cat
  enabled: true
  override:
    condition: append
    enabled: replace
`);
    assert.equal(rule(ok, 'r').enabled, true);
    assert.deepEqual(warningCodes(ok), []);
    const missing = load(`${RULE('r', 'evt.type = close', '  enabled: false')}
- rule: r
  condition: and proc.name = cat
  override:
    condition: append
    enabled: replace
`);
    assert.deepEqual(errorMessages(missing), ["An replace override for 'enabled' was specified but 'enabled' is not defined"]);
  });

  it('append: true ignores enabled', () => {
    const set = load(`${RULE('r', 'evt.type = close', '  enabled: false')}\n- rule: r\n  condition: and proc.name = cat\n  append: true\n  enabled: true\n`);
    assert.equal(rule(set, 'r').enabled, false);
  });
});

describe('rules: properties', () => {
  it('priorities in any case, and info', () => {
    const spellings: [string, number][] = [
      ['EMERGENCY', 0], ['alert', 1], ['Critical', 2], ['ERROR', 3], ['warning', 4], ['Notice', 5], ['INFORMATIONAL', 6], ['info', 6], ['Debug', 7],
    ];
    for (const [text, p] of spellings) assert.equal(rule(load(RULE('r', 'evt.type = close').replace('INFO', text)), 'r').priority, p, text);
    const bad = load(RULE('r', 'evt.type = close').replace('INFO', 'Important'));
    assert.deepEqual(errorMessages(bad), ['Invalid priority']);
    assert.equal(only(bad).errors[0]?.context.last.itemType, 'rule priority');
  });

  it('required properties', () => {
    assert.deepEqual(errorMessages(load('- rule: r\n  desc: d\n  condition: evt.type=fork\n  priority: INFO\n')), ["Item has no mapping for key 'output'"]);
    assert.deepEqual(errorMessages(load('- rule:\n  desc: d\n')), ["Mapping for key 'rule' is empty"]);
    assert.deepEqual(errorMessages(load(RULE('r', 'evt.type = open', '  tags: web'))), ['Value is not a sequence']);
    assert.deepEqual(errorMessages(load(RULE('r', 'evt.type = open', '  enabled: maybe'))), ["Can't decode YAML scalar value"]);
    assert.deepEqual(errorMessages(load(RULE('r', 'evt.type = open', '  capture_duration: "not_a_number"'))), ["Can't decode YAML scalar value"]);
  });

  it("booleans in yaml-cpp's spellings", () => {
    for (const [text, value] of [['yes', true], ['On', true], ['TRUE', true], ['y', true], ['no', false], ['OFF', false], ['False', false]] as const) {
      assert.equal(rule(load(RULE('r', 'evt.type = open', `  enabled: ${text}`)), 'r').enabled, value, text);
    }
  });

  it('output is trimmed, tags are a sorted set, capture fields are kept', () => {
    const set = load(RULE('r', 'evt.type = open', '  tags: [z, a, z]\n  capture: true\n  capture_duration: 10000').replace('output: command=%proc.cmdline', 'output: >\n    command=%proc.cmdline\n'));
    const r = rule(set, 'r');
    assert.equal(r.output, 'command=%proc.cmdline');
    assert.deepEqual(r.tags, ['a', 'z']);
    assert.equal(r.capture, true);
    assert.equal(r.captureDuration, 10000);
    assert.equal(r.line, 2);
    assert.equal(r.column, 3);
  });

  it('unknown keys are warnings', () => {
    const set = load(`${RULE('r', 'evt.type = close', '  typo_field: some_value')}
- list: my_list
  items: [cat]
  priority: INFO
`);
    assert.deepEqual(
      only(set).warnings.filter((w) => w.code === 'LOAD_UNKNOWN_KEY').map((w) => w.message),
      ["Unknown key 'typo_field'. The key will be ignored.", "Unknown key 'priority'. The key will be ignored."],
    );
  });

  it('unknown items are warnings, non-mapping items errors', () => {
    const set = load('- foo: bar\n');
    assert.deepEqual(only(set).warnings.map((w) => [w.code, w.message]), [['LOAD_UNKNOWN_ITEM', 'Unknown top level item']]);
    assert.deepEqual(errorMessages(load('- foo\n')), ['Unexpected element type. Each element should be a yaml associative array.']);
    assert.deepEqual(errorMessages(load('foo: bar\n')), ['Rules content is not yaml array of objects']);
    assert.deepEqual(errorMessages(load('This is not yaml\n')), ['Rules content is not yaml']);
  });

  it('rules of an unknown source are skipped with a warning', () => {
    const set = load(RULE('r', 'ka.verb = GET', '  source: k8s_audit'));
    assert.equal(set.successful, true);
    assert.deepEqual(set.rules, []);
    assert.deepEqual(warningMessages(set), ['Unknown source k8s_audit, skipping']);
    assert.deepEqual(set.otherSourceRules.map((r) => [r.name, r.source, r.condition]), [['r', 'k8s_audit', 'ka.verb = GET']]);
  });

  it('%container.info stays a field, and an extra output format takes its place', () => {
    const text = RULE('r', 'evt.type = open').replace('command=%proc.cmdline', 'command=%proc.cmdline %container.info x');
    const plain = load(text);
    assert.equal(rule(plain, 'r').output, 'command=%proc.cmdline %container.info x');
    assert.deepEqual(only(plain).warnings, []);
    const withFormat = load(text, { extraOutputFormats: [{ format: 'container=%container.name' }] });
    assert.equal(rule(withFormat, 'r').output, 'command=%proc.cmdline container=%container.name x');
  });

  describe("the container plugin's suggested output fields (append_output.suggested_output)", () => {
    const SUGGESTED_TEXT = 'container_id=%container.id container_name=%container.name'
      + ' container_image_repository=%container.image.repository container_image_tag=%container.image.tag'
      + ' k8s_pod_name=%k8s.pod.name k8s_ns_name=%k8s.ns.name';
    /** What the configuration reads from suggested_output: true. */
    const suggested = (match: { tags?: string[] } = {}) => SUGGESTED_TEXT.split(' ').map((format) => ({ ...match, format, suggested: true }));
    const withInfo = RULE('r', 'evt.type = open').replace('command=%proc.cmdline', 'command=%proc.cmdline %container.info x');

    it('are appended after the output, in order', () => {
      const set = load(RULE('r', 'evt.type = open'), { extraOutputFormats: suggested() });
      assert.deepEqual(errorMessages(set), []);
      assert.equal(rule(set, 'r').output, `command=%proc.cmdline ${SUGGESTED_TEXT}`);
    });

    it('leave %container.info empty', () => {
      const set = load(withInfo, { extraOutputFormats: suggested() });
      assert.equal(rule(set, 'r').output, `command=%proc.cmdline  x ${SUGGESTED_TEXT}`);
      assert.deepEqual(only(set).warnings, []);
    });

    it('an extra format (-pc, -pk, -p) still takes the place of %container.info; the suggested fields follow the output', () => {
      const pc = { format: 'container=%container.name (id=%container.id)' };
      const after = load(withInfo, { extraOutputFormats: [pc, ...suggested()] });
      assert.equal(rule(after, 'r').output, `command=%proc.cmdline container=%container.name (id=%container.id) x ${SUGGESTED_TEXT}`);
      const before = load(withInfo, { extraOutputFormats: [...suggested(), pc] });
      assert.equal(rule(before, 'r').output, `command=%proc.cmdline container=%container.name (id=%container.id) x ${SUGGESTED_TEXT}`);
    });

    it('apply only to the rules their entry matches', () => {
      const set = load(`${RULE('a', 'evt.type = open', '  tags: [container]')}${RULE('b', 'evt.type = open').replace('command=%proc.cmdline', 'command=%proc.cmdline %container.info')}`, {
        extraOutputFormats: suggested({ tags: ['container'] }),
      });
      assert.equal(rule(set, 'a').output, `command=%proc.cmdline ${SUGGESTED_TEXT}`);
      assert.equal(rule(set, 'b').output, 'command=%proc.cmdline %container.info', 'not matched: %container.info is kept');
    });
  });

  it('extra output formats and fields from the configuration', () => {
    const set = load(`${RULE('a', 'evt.type = open', '  tags: [t]')}${RULE('b', 'evt.type = open')}`, {
      extraOutputFormats: [{ format: 'pid=%proc.pid', tags: ['t'] }],
      extraOutputFields: [{ key: 'name', format: '%proc.name', rule: 'b' }],
    });
    assert.equal(rule(set, 'a').output, 'command=%proc.cmdline pid=%proc.pid');
    assert.equal(rule(set, 'b').output, 'command=%proc.cmdline');
    assert.deepEqual([...rule(set, 'b').extraOutputFields], [['name', { format: '%proc.name', raw: false }]]);
  });
});

describe('conditions and outputs against the fields', () => {
  it('unknown fields, unknown event types, bad outputs', () => {
    assert.deepEqual(errorMessages(load(RULE('r', 'proc.nobody=cat'))), ['filter_check called with nonexistent field proc.nobody']);
    assert.deepEqual(errorMessages(load(RULE('r', 'evt.type in (open, foo)'))), ['unknown event type foo']);
    const out = load(RULE('r', 'evt.type = open').replace('command=%proc.cmdline', '"An open was seen %not_a_real_field"'));
    assert.deepEqual(only(out).errors.map((e) => [e.code, e.message, e.context.last.itemType]), [
      ['LOAD_ERR_COMPILE_OUTPUT', 'invalid formatting token not_a_real_field', 'rule output'],
    ]);
  });

  it('skip-if-unknown-filter turns unknown fields into a warning and skips the rule', () => {
    const set = load(`${RULE('skipped', 'evt.type=open and proc.nobody=cat', '  skip-if-unknown-filter: true')}${RULE('kept', 'evt.type=open')}`);
    assert.deepEqual(set.rules.map((r) => r.name), ['kept']);
    assert.deepEqual(only(set).warnings.map((w) => [w.code, w.message]), [['LOAD_UNKNOWN_FILTER', 'filter_check called with nonexistent field proc.nobody']]);
    const output = load(RULE('r', 'evt.type=open', '  skip-if-unknown-filter: true').replace('%proc.cmdline', '%proc.nobody'));
    assert.deepEqual(warningCodes(output), ['LOAD_UNKNOWN_FILTER']);
  });

  it('the error context points into the condition', () => {
    const set = load(RULE('r', 'evt.type = open and proc.nobody=cat'));
    const e = only(set).errors.at(0);
    assert.deepEqual(e?.context.locations.map((l) => l.itemType), ['rules content', 'rule', 'rule condition', 'condition expression']);
    assert.equal(e.context.last.name, '"evt.type = open a..."');
    // Falco adds the check's 1-based position in the condition (line 1, column 21) to the 0-based
    // position of the condition's value (line 3, column 13).
    assert.deepEqual(e.context.last.position, { offset: 59, line: 4, column: 34 });
  });

  describe('errors point at the token at fault, in the condition it is written in', () => {
    /** The first error: its message, its item types, the last location's position, its snippet. */
    const where = (set: ReturnType<typeof load>) => {
      const e = set.results.flatMap((r) => r.errors)[0];
      return { message: e.message, items: e.context.locations.map((l) => l.itemType), last: e.context.last, snippet: snippetOf(e.context, set.contents) };
    };

    it('an operator at the operator, a value at the value, a list item at the item', () => {
      // The condition's value is at line 3, column 13 (0-based); Falco adds the 1-based spot in the condition.
      const op = where(load(RULE('r', 'fd.port glob 1')));
      assert.equal(op.message, "'glob' operator not supported for numeric filters");
      assert.deepEqual(op.last.position, { offset: 47, line: 4, column: 22 });
      assert.equal(op.snippet, 'fd.port glob 1\n        ^\n');
      const value = where(load(RULE('r', 'evt.type = opne')));
      assert.equal(value.message, 'unknown event type opne');
      assert.equal(value.snippet, 'evt.type = opne\n           ^\n');
      const item = where(load(RULE('r', 'evt.type in (open, opne)')));
      assert.equal(item.snippet, 'evt.type in (open, opne)\n                   ^\n');
    });

    it('an undefined macro in the rule condition, at the reference', () => {
      const m = where(load(RULE('r', 'evt.type = open and nope')));
      assert.equal(m.message, "Undefined macro 'nope' used in filter.");
      assert.deepEqual(m.items, ['rules content', 'rule', 'rule condition', 'condition expression']);
      assert.deepEqual(m.last.position, { offset: 59, line: 4, column: 34 });
      assert.equal(m.snippet, 'evt.type = open and nope\n                    ^\n');
    });

    it('an error inside a macro, in the macro, through the rule that uses it', () => {
      const set = load(`
- macro: is_cat
  condition: proc.name = cat and proc.nobody = x
${RULE('r', 'evt.type = open and is_cat')}`);
      const m = where(set);
      assert.equal(m.message, 'filter_check called with nonexistent field proc.nobody');
      assert.deepEqual(m.items, ['rules content', 'rule', 'rule condition', 'condition expression', 'macro', 'macro condition', 'condition expression']);
      const macro = set.results[0].errors[0].context.locations[4];
      assert.deepEqual([macro.itemName, macro.position.line, macro.position.column], ['is_cat', 1, 2]);
      assert.equal(m.snippet, 'proc.name = cat and proc.nobody = x\n                    ^\n');
    });

    it('a condition with lists substituted, as parsed: the snippet is that text', () => {
      const m = where(load(`
- list: names
  items: [cat]
${RULE('r', 'proc.name in (names) and evt.type = opne')}`));
      assert.equal(m.snippet, 'proc.name in ( cat ) and evt.type = opne\n                                    ^\n');
    });
  });

  it('deprecated and suspicious conditions', () => {
    const set = load(`
- rule: r
  desc: d
  condition: >
    evt.type = close and evt.dir = < and proc.name regex "curl" and proc.name = proc.pname
  output: x=%evt.dir
  priority: INFO
`);
    const ws = only(set).warnings.map((w) => [w.code, w.message]);
    assert.deepEqual(ws, [
      ['LOAD_DEPRECATED_ITEM', "usage of deprecated field 'evt.dir' has been detected in the rule output"],
      ['LOAD_DEPRECATED_ITEM', "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the condition on 'evt.dir'"],
      ['LOAD_COMPILE_CONDITION', "regex check with 'curl' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'"],
      ['LOAD_COMPILE_CONDITION', "'proc.pname' may be a valid field misused as a const string value"],
    ]);
    // The condition warning's snippet is the condition, not the YAML line `condition: >`.
    const snippet = only(set).warnings[1].context;
    assert.equal(snippet.altContent, 'evt.type = close and evt.dir = < and proc.name regex "curl" and proc.name = proc.pname\n');
  });

  it('<NA> compared with ka.* fields is unsafe', () => {
    const set = load(RULE('r', 'evt.type = open and ka.user.name = "<NA>"', '  skip-if-unknown-filter: true'));
    assert.deepEqual(warningCodes(set), ['LOAD_UNSAFE_NA_CHECK', 'LOAD_UNKNOWN_FILTER']);
  });
});

describe('event types', () => {
  const warned = (condition: string, extra = ''): boolean =>
    warningMessages(load(RULE('r', condition, extra))).includes('Rule matches too many evt.type values. This has a significant performance penalty.');

  it('a rule matching more than 100 event types is warned about', () => {
    assert.equal(warned('evt.type = close'), false);
    assert.equal(warned('proc.name = cat'), true);
    assert.equal(warned('not evt.type = execve'), true);
    assert.equal(warned('proc.name = cat', '  warn_evttypes: false'), false);
  });

  it('a rule matching no event type is not', () => {
    assert.equal(warned('evt.num = 0'), false);
    assert.equal(warned('evt.type = open and evt.type = close'), false);
    const set = load(`
- macro: never_true
  condition: (evt.num=0)
- macro: user_known_activity
  condition: (never_true)
${RULE('anchored', 'evt.type = open and not user_known_activity')}
${RULE('placeholder', 'never_true')}
`);
    assert.deepEqual(warningCodes(set), []);
    assert.equal(set.rules.length, 2);
    assert.deepEqual(rule(set, 'placeholder').evttypes, new Set());
  });

  it('the event type set of a rule', () => {
    const set = load(`${RULE('open', 'evt.type in (open, openat) and proc.name = cat')}${RULE('any', 'proc.name = cat', '  warn_evttypes: false')}`);
    const open = rule(set, 'open').evttypes;
    assert.ok(open !== 'all');
    // open, and openat in both its versions.
    assert.deepEqual([...open].sort((a, b) => a - b), [2, 3, 102, 103, 306, 307]);
    assert.equal(rule(set, 'any').evttypes, 'all');
  });
});

describe('versions and plugins', () => {
  it('required_engine_version: integer, semver, invalid, too new', () => {
    for (const v of ['0.26.0', '26', '17', '0.63.0']) assert.deepEqual(errorMessages(load(`- required_engine_version: ${v}\n`)), [], v);
    assert.deepEqual(errorMessages(load('- required_engine_version: seven\n')), [
      'Unable to parse engine version \'seven\' as a semver string. Expected "x.y.z" semver format.',
    ]);
    assert.deepEqual(errorMessages(load('- required_engine_version: 0.64.0\n')), ['Rules require engine version 0.64.0, but engine version is 0.63.0']);
    assert.deepEqual(errorMessages(load('- required_engine_version: 1.0.0\n')), ['Rules require engine version 1.0.0, but engine version is 0.63.0']);
    assert.equal(load('- required_engine_version: 12\n- required_engine_version: 0.40.1\n').requiredEngineVersion, '0.40.1');
  });

  it('required_plugin_versions: validated, then checked against the plugins at hand', () => {
    const set = load(`
- required_plugin_versions:
  - name: k8saudit
    version: 0.1.0
    alternatives:
      - name: k8saudit-eks
        version: 0.2.0
`);
    assert.deepEqual(errorMessages(set), []);
    assert.equal(
      checkPluginRequirements(set.requiredPluginVersions),
      'Plugin requirement not satisfied, must load one of: k8saudit (>= 0.1.0), k8saudit-eks (>= 0.2.0)',
    );
    assert.equal(checkPluginRequirements(set.requiredPluginVersions, new Map([['k8saudit-eks', '0.3.1']])), undefined);
    assert.equal(
      checkPluginRequirements(set.requiredPluginVersions, new Map([['k8saudit', '1.0.0']])),
      "Plugin 'k8saudit' version '1.0.0' is not compatible with required plugin version '0.1.0'",
    );
    assert.deepEqual(errorMessages(load('- required_plugin_versions:\n  - name: x\n    version: one\n')), ["Invalid required version 'one' for plugin 'x'"]);
    assert.deepEqual(errorMessages(load('- required_plugin_versions: x\n')), ['Value of required_plugin_versions must be a sequence']);
    assert.deepEqual(errorMessages(load('- required_plugin_versions:\n  - name: x\n')), ["Item has no mapping for key 'version'"]);
  });
});

describe('several files', () => {
  it('later files redefine and append to earlier ones; results are per file', () => {
    const set = loadMany({
      'a.yaml': `- macro: m\n  condition: evt.type = open\n${RULE('r', 'm')}`,
      'b.yaml': '- macro: m\n  condition: or evt.type = close\n  override:\n    condition: append\n',
    });
    assert.equal(set.successful, true);
    assert.equal(conditionText(set, 'r'), normalized('evt.type = open or evt.type = close'));
    assert.deepEqual(set.results.map((r) => r.name), ['a.yaml', 'b.yaml']);
  });

  it('a file that fails leaves the rules as they were', () => {
    const set = loadMany({
      'a.yaml': RULE('r', 'evt.type = open'),
      'bad.yaml': `${RULE('r2', 'evt.type = close')}\n- macro: broken\n  condition: (\n`,
      'c.yaml': RULE('r3', 'evt.type = execve'),
    });
    assert.equal(set.successful, false);
    assert.deepEqual(set.results.map((r) => r.successful), [true, false, true]);
    assert.deepEqual(set.rules.map((r) => r.name), ['r', 'r3']);
  });

  it('warnings about every file are given again when a later file loads (as Falco does)', () => {
    const set = loadMany({ 'a.yaml': '- macro: unused\n  condition: evt.type = open\n', 'b.yaml': RULE('r', 'evt.type = open') });
    assert.deepEqual(set.results.map((r) => r.warnings.map((w) => w.context.name)), [['a.yaml'], ['a.yaml']]);
  });
});
