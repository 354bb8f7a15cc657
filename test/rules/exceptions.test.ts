// Rule exceptions: validation, appending, and how they are folded into the condition (expected
// conditions written as Falco prints compiled conditions).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditionText, errorMessages, load, normalized, only, warningCodes, warningMessages } from './helpers.js';

const BASE = `
- rule: test_rule
  desc: test rule
  condition: evt.type = open
  output: command=%proc.cmdline
  priority: INFO
`;

describe('exceptions folded into the condition', () => {
  it('a single-field list comparison, values quoted when they have a space', () => {
    const set = load(`${BASE}  exceptions:
    - name: ex
      fields: proc.name
      comps: in
      values: [cat, grep, "my tool"]
    - name: paths
      fields: proc.exepath
      comps: pmatch
      values: [/usr/bin/]
`);
    assert.equal(
      conditionText(set, 'test_rule'),
      normalized('(evt.type = open) and not (proc.name in (cat, grep, "my tool")) and not (proc.exepath pmatch (/usr/bin/))'),
    );
    assert.deepEqual(warningCodes(set), []);
  });

  it('tuples of fields, comps defaulting to =', () => {
    const set = load(`
- rule: test_rule
  desc: test rule
  condition: proc.cmdline contains curl or proc.cmdline contains wget
  output: command=%proc.cmdline
  priority: INFO
  warn_evttypes: false
  exceptions:
    - name: test_exception
      fields: [proc.cmdline]
      comps: [contains]
      values:
        - [curl 127.0.0.1]
    - name: pairs
      fields: [proc.name, fd.name]
      values:
        - [agent, /var/log]
        - [other, "/tmp/a b"]
`);
    assert.equal(
      conditionText(set, 'test_rule'),
      normalized(
        '((proc.cmdline contains curl or proc.cmdline contains wget) and not proc.cmdline contains "curl 127.0.0.1" and not ((proc.name = agent and fd.name = /var/log) or (proc.name = other and fd.name = "/tmp/a b")))',
      ),
    );
    assert.deepEqual([...only(set).warnings], []);
  });

  it('list values and list references inside tuples', () => {
    const set = load(`
- list: cmdlines
  items: [cat /dev/zero, "cat /dev/null"]
${BASE}  exceptions:
    - name: ex
      fields: [proc.name, proc.cmdline]
      comps: [=, in]
      values:
        - [cat, cmdlines]
        - [dog, [a, b c]]
`);
    assert.equal(
      conditionText(set, 'test_rule'),
      normalized('(evt.type = open) and not ((proc.name = cat and proc.cmdline in ("cat /dev/zero", "cat /dev/null")) or (proc.name = dog and proc.cmdline in (a, "b c")))'),
    );
  });

  it('no values: the rule is unchanged', () => {
    const set = load(`${BASE}  exceptions:
    - name: ex
      fields: [proc.name]
`);
    assert.equal(conditionText(set, 'test_rule'), normalized('evt.type = open'));
  });

  it('fields with transformers', () => {
    for (const field of ['tolower(proc.name)', '"tolower(proc.name)"', '"tolower( proc.name)"']) {
      const set = load(`${BASE}  exceptions:
    - name: ex
      fields: [${field}]
      comps: [=]
      values:
        - [test]
`);
      assert.equal(conditionText(set, 'test_rule'), normalized('(evt.type = open and not tolower(proc.name) = test)'), field);
      assert.deepEqual(warningCodes(set), [], field);
    }
  });

  it('values that look like fields or transformers are warned about', () => {
    const cases: [string, string, string | undefined][] = [
      ['[proc.pname]', 'evt.type = open and not proc.name = proc.pname', "'proc.pname' may be a valid field misused as a const string value"],
      ['["proc.pname "]', 'evt.type = open and not proc.name = "proc.pname "', "'proc.pname ' may be a valid field misused as a const string value"],
      ['[toupper(proc.pname)]', 'evt.type = open and not proc.name = toupper(proc.pname)', undefined],
      ['[toupper( proc.pname)]', 'evt.type = open and not proc.name = "toupper( proc.pname)"', "'toupper( proc.pname)' may be a valid field transformer misused as a const string value"],
    ];
    for (const [value, condition, warning] of cases) {
      const set = load(`${BASE}  exceptions:
    - name: ex
      fields: [proc.name]
      comps: [=]
      values:
        - ${value}
`);
      assert.equal(conditionText(set, 'test_rule'), normalized(condition), value);
      assert.deepEqual(warningMessages(set), warning === undefined ? [] : [warning], value);
    }
  });
});

describe('exceptions validated', () => {
  const withException = (body: string): string => `${BASE}  exceptions:\n${body}`;

  it('as Falco validates them', () => {
    const cases: [string, string][] = [
      ['    - name: ex1\n', "Item has no mapping for key 'fields'"],
      ['    - fields: [proc.name]\n', "Item has no mapping for key 'name'"],
      ['    - name: ex1\n      fields: [not.exist]\n', "'not.exist' is not a supported filter field"],
      ['    - name: ex1\n      fields: [proc.name, fd.name]\n      comps: [=]\n', 'Fields and comps lists must have equal length'],
      ['    - name: ex1\n      fields: [proc.name, fd.name]\n      comps: [=, no-comp]\n', "'no-comp' is not a supported comparison operator"],
      ['    - name: ex1\n      fields: [proc.name, fd.name]\n      values:\n        - [nginx]\n', 'Fields and values lists must have equal length'],
      ['    - name: ex1\n      fields: proc.name\n      comps: =\n', 'When fields is a single value, comps must be one of (in, pmatch, intersects) or a modifier operator (e.g. startswith oneof)'],
      ['    - name: ex1\n      fields: proc.name\n      comps: [in]\n', 'Fields and comps must both be strings'],
      ['    - name: ex1\n      fields: proc.name\n      values:\n        - [a, b]\n', 'Expected values array to contain a list of strings'],
      ['    - name: ex1\n      fields: [proc.name]\n      comps: [frobulate oneof]\n', "'frobulate oneof' is not a supported comparison operator"],
      ['    - name: ex1\n      fields: [proc.name]\n      comps: [in oneof]\n', "'in oneof' is not a supported comparison operator"],
      ['    - name: ex1\n      fields: [proc.pid]\n      comps: [">= oneof"]\n', "'>= oneof' is not a supported comparison operator"],
      ['    - name: ex1\n      fields: [proc.name]\n      comps: [oneof]\n', "'oneof' is not a supported comparison operator"],
      ['    - name: ex1\n      fields: [proc.name]\n      values: x\n', 'Rule exception values must be a sequence'],
      ['    - not a mapping\n', 'Rule exception must be a mapping'],
    ];
    for (const [body, message] of cases) {
      const set = load(withException(body));
      assert.deepEqual(errorMessages(set), [message], body);
      assert.equal(only(set).errors[0]?.context.locations.some((l) => l.itemType === 'exception'), true, body);
    }
    assert.deepEqual(errorMessages(load(`${BASE}  exceptions: x\n`)), ['Rule exceptions must be a sequence']);
  });

  it('comparison operators are trimmed', () => {
    const set = load(withException('    - name: ex\n      fields: [proc.name, fd.name]\n      comps: ["  contains  ", " = "]\n      values:\n        - [agent, /etc]\n'));
    assert.equal(conditionText(set, 'test_rule'), normalized('evt.type = open and not (proc.name contains agent and fd.name = /etc)'));
  });

  it('names must be unique', () => {
    const set = load(withException('    - name: e\n      fields: [proc.name]\n      values: [[a]]\n    - name: e\n      fields: [proc.name]\n      values: [[b]]\n'));
    assert.deepEqual(only(set).warnings.map((w) => [w.code, w.message]), [['LOAD_EXCEPTION_NAME_NOT_UNIQUE', "Multiple definitions of exception 'e' in the same rule"]]);
  });
});

describe('exceptions appended', () => {
  const ruleWith = `${BASE}  exceptions:
    - name: ex
      fields: [proc.cmdline]
      comps: [contains]
      values:
        - [curl 127.0.0.1]
`;

  it('values of an existing exception, or a whole new exception', () => {
    const set = load(`${ruleWith}
- rule: test_rule
  exceptions:
    - name: ex
      values:
        - [wget]
    - name: new
      fields: proc.name
      values: [cat]
  override:
    exceptions: append
`);
    assert.equal(
      conditionText(set, 'test_rule'),
      normalized('(evt.type = open) and not (proc.cmdline contains "curl 127.0.0.1" or proc.cmdline contains wget) and not (proc.name in (cat))'),
    );
  });

  it('an append without values is warned about', () => {
    for (const how of ['  append: true', '  override:\n    exceptions: append']) {
      const set = load(`${ruleWith}\n- rule: test_rule\n  exceptions:\n    - name: ex\n      value: curl 1.1.1.1\n${how}\n`);
      assert.ok(warningMessages(set).includes('Overriding/appending exception with no values'), how);
      assert.equal(only(set).schemaValid, false);
    }
  });

  it('errors', () => {
    const cases: [string, string][] = [
      ['    - name: other\n      values: [[x]]\n', 'Rule exception must have fields property with a list of fields'],
      ['    - name: other\n      fields: [proc.name]\n', 'Rule exception must have values property with a list of values'],
      ['    - name: ex\n      fields: [proc.name]\n      values: [[x]]\n', 'Can not append exception fields to existing exception, only values'],
      ['    - name: ex\n      comps: [=]\n      values: [[x]]\n', 'Can not append exception comps to existing exception, only values'],
    ];
    for (const [body, message] of cases) {
      const set = load(`${ruleWith}\n- rule: test_rule\n  exceptions:\n${body}  append: true\n`);
      assert.deepEqual(errorMessages(set), [message], body);
    }
  });

  it('replacing requires whole exceptions', () => {
    const set = load(`${ruleWith}
- rule: test_rule
  exceptions:
    - name: ex
      values: [[id]]
  override:
    exceptions: replace
`);
    assert.deepEqual(errorMessages(set), ["Item has no mapping for key 'fields'"]);
    assert.deepEqual(warningCodes(set), []);
  });
});
