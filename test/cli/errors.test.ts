// Errors that tell the truth (issue 15): each error is one line on stderr with exit status 1, says
// what is wrong where it is wrong, and nothing half-done is printed before it. Command-line
// errors, filters, -p formats, rules files (run and -V place an item alike), rule warnings and
// configuration errors, each checked by its exact line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedPath } from '../helpers.js';
import { assertOneLineError, catWrite, ghostwatch, QUIET_CONFIG, type Result, scratch, skip } from './harness.js';

const { dir, file } = scratch('gw-errors-');
const QUIET = file('quiet.yaml', QUIET_CONFIG);
const run = (...args: string[]) => ghostwatch(['run', ...args], dir);
const events = (...args: string[]) => ghostwatch(['events', ...args], dir);

/** A rules file with one rule: `condition`, then `extra` lines (or, with no output, no output key). */
function ruleFile(name: string, condition: string, extra = '', output = true): string {
  return file(name, `- rule: r\n  desc: d\n  condition: ${condition}\n${output ? '  output: o\n' : ''}  priority: INFO\n${extra}`);
}

/** Exactly `line` on stderr, exit status 1, nothing on stdout. */
function assertOnly(r: Result, line: string): void {
  assert.equal(r.stderr, `${line}\n`);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
}

interface LocationJson {
  item_type: string;
  item_name: string;
  position: { line: number; column: number; name: string };
}
interface ContextJson {
  locations: LocationJson[];
  snippet: string;
}
/** The first error of -V's JSON for one file. */
function firstError(r: Result): { message: string; context: ContextJson } {
  const res = JSON.parse(r.stdout.split('\n')[0]) as { falco_load_results: { errors: { message: string; context: ContextJson }[] }[] };
  return res.falco_load_results[0].errors[0];
}

describe('errors that tell the truth', { skip }, () => {
  it("commander's own errors (a bad number, an unknown option, a missing value) are one line \"Error: ...\"", async () => {
    const cases: [string[], string][] = [
      [['run', '-M', 'abc'], "Error: option '-M <seconds>' argument 'abc' is invalid. -M takes a whole number."],
      [['run', '-M', '1.5'], "Error: option '-M <seconds>' argument '1.5' is invalid. -M takes a whole number."],
      [['capture', '-M', 'abc'], "Error: option '-M <seconds>' argument 'abc' is invalid. -M takes a whole number."],
      [['events', '-n', 'abc'], "Error: option '-n, --number <count>' argument 'abc' is invalid. -n takes a whole number."],
      [['run', '--bogus'], "Error: unknown option '--bogus'"],
      [['run', '--verson'], "Error: unknown option '--verson' (Did you mean --version?)"],
      [['events', '-r'], "Error: option '-r, --read <capture>' argument missing"],
      [['capture'], "Error: required option '-w, --write <file>' not specified"],
      [['bogus'], "Error: unknown command 'bogus'"],
    ];
    for (const [args, line] of cases) assertOnly(await ghostwatch(args, dir), line);
  });

  it('events rejects an unknown event type, with the check run uses', async () => {
    assertOnly(await events('-r', catWrite!, 'evt.type=opne'), 'ghostwatch: filter error at index 9, line 1, column 10: unknown event type opne');
    // In a list: at the item.
    assertOnly(await events('-r', catWrite!, 'evt.type in (open, opne)'), 'ghostwatch: filter error at index 19, line 1, column 20: unknown event type opne');
    const rules = ruleFile('opne.yaml', 'evt.type=opne');
    assertOneLineError(await run('-r', rules, '-c', QUIET, '-e', catWrite!),
      /^Error: .*opne\.yaml: Invalid: LOAD_ERR_COMPILE_CONDITION \(Error compiling condition\): unknown event type opne \(rule 'r' at .*opne\.yaml:0:2, condition expression at "evt\.type=opne":3:23\)$/m);
  });

  it('a line whose field fails is not printed at all, only the error (as sysdig)', async () => {
    assertOnly(await events('-r', catWrite!, '-p', '%evt.num %evt.type %evt.rawarg.flags'), 'ghostwatch: wrong event type 30');
    // With '*' every event prints: the lines before the failing event, whole, and nothing of it.
    const r = await events('-r', catWrite!, '-p', '*%evt.num %evt.type %evt.rawarg.flags');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'ghostwatch: wrong event type 30\n');
    assert.match(r.stdout, /\n135 access <NA>\n$/);
  });

  it('run and -V place the same item at the same place, in Falco\'s numbering (0-based YAML marks)', async () => {
    const rules = ruleFile('noout.yaml', 'evt.type = open', '', false);
    assertOneLineError(await run('-r', rules, '-c', QUIET, '-e', catWrite!),
      new RegExp(`^Error: ${rules}: Invalid: LOAD_ERR_YAML_VALIDATE \\(Error validating internal structure of YAML file\\): Item has no mapping for key 'output' \\(rule 'r' at ${rules}:0:2\\)$`, 'm'));
    const v = await run('-V', rules, '-c', QUIET);
    assert.equal(v.status, 1);
    assert.match(v.stdout, new RegExp(`^    rule 'r': \\(${rules}:0:2\\)$`, 'm'));
    assert.match(v.stderr, new RegExp(`\\(rule 'r' at ${rules}:0:2\\)\n$`));
    const j = firstError(await run('-V', rules, '-c', QUIET, '-o', 'json_output=true'));
    assert.deepEqual(j.context.locations.map((l) => [l.item_type, l.item_name, l.position.line, l.position.column]), [['rules content', '', 0, 0], ['rule', 'r', 0, 2]]);
  });

  it('an undefined macro is pointed at where the condition uses it, the caret under it', async () => {
    const rules = ruleFile('macro.yaml', 'evt.type=open and my_undefined_macro');
    const j = firstError(await run('-V', rules, '-c', QUIET, '-o', 'json_output=true'));
    assert.equal(j.message, "Undefined macro 'my_undefined_macro' used in filter.");
    assert.deepEqual(j.context.locations.map((l) => [l.item_type, l.position.line, l.position.column]),
      [['rules content', 0, 0], ['rule', 0, 2], ['rule condition', 2, 13], ['condition expression', 3, 32]]);
    assert.equal(j.context.snippet, 'evt.type=open and my_undefined_macro\n                  ^\n');
    assertOneLineError(await run('-r', rules, '-c', QUIET, '-e', catWrite!),
      /Undefined macro 'my_undefined_macro' used in filter\. \(rule 'r' at .*macro\.yaml:0:2, condition expression at "evt\.type=open and\.\.\.":3:32\)$/m);
  });

  it('an error inside a macro is pointed at in the macro, the rule that uses it kept in the chain', async () => {
    const rules = file('in-macro.yaml', '- macro: is_cat\n  condition: proc.name = cat and proc.nobody = x\n'
      + '- rule: r\n  desc: d\n  condition: evt.type=open and is_cat\n  output: o\n  priority: INFO\n');
    const j = firstError(await run('-V', rules, '-c', QUIET, '-o', 'json_output=true'));
    assert.deepEqual(j.context.locations.map((l) => [l.item_type, l.item_name, l.position.line, l.position.column]), [
      ['rules content', '', 0, 0], ['rule', 'r', 2, 2], ['rule condition', '', 4, 13], ['condition expression', '', 5, 32],
      ['macro', 'is_cat', 0, 2], ['macro condition', '', 1, 13], ['condition expression', '', 2, 34],
    ]);
    assert.equal(j.context.snippet, 'proc.name = cat and proc.nobody = x\n                    ^\n');
    assertOneLineError(await run('-r', rules, '-c', QUIET, '-e', catWrite!),
      /nonexistent field proc\.nobody \(macro 'is_cat' at .*in-macro\.yaml:0:2, condition expression at "proc\.name = cat a\.\.\.":2:34\)$/m);
  });

  it("an operator error points at the operator, in run, -V and events", async () => {
    const rules = ruleFile('op.yaml', 'fd.port glob 1');
    const j = firstError(await run('-V', rules, '-c', QUIET, '-o', 'json_output=true'));
    assert.equal(j.message, "'glob' operator not supported for numeric filters");
    assert.deepEqual(j.context.locations.at(-1)?.position, { column: 22, line: 3, name: '"fd.port glob 1"', offset: 41 });
    assert.equal(j.context.snippet, 'fd.port glob 1\n        ^\n');
    assertOneLineError(await run('-r', rules, '-c', QUIET, '-e', catWrite!),
      /'glob' operator not supported for numeric filters \(rule 'r' at .*op\.yaml:0:2, condition expression at "fd\.port glob 1":3:22\)$/m);
    assertOnly(await events('-r', catWrite!, 'fd.port glob 1'), "ghostwatch: filter error at index 8, line 1, column 9: 'glob' operator not supported for numeric filters");
  });

  it('-V prints the warnings it found, and run warns of a misspelt key without -v', async () => {
    const rules = ruleFile('typo.yaml', 'evt.type = open', '  enabeld: false\n');
    const line = `Warning: ${rules}: LOAD_UNKNOWN_KEY (Unknown key in item definition): Unknown key 'enabeld'. The key will be ignored. (rule 'r' at ${rules}:0:2)\n`;
    // ghostwatch's log off: one line per warning.
    const v = await run('-V', rules, '-c', QUIET);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout, `${rules}: Ok, with warnings\n`);
    assert.equal(v.stderr, line);
    const r = await run('-r', rules, '-c', QUIET, '-e', catWrite!);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, line);
    // The log on: as Falco logs them, the load result in full at warning level.
    for (const args of [['-V', rules], ['-r', rules, '-e', catWrite!]]) {
      const logged = await run(...args, '-c', QUIET, '-o', 'log_stderr=true', '-o', 'log_level=warning');
      assert.equal(logged.status, 0, logged.stderr);
      assert.match(logged.stderr, new RegExp(`^\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}: ${rules}: Ok, with warnings\n`));
      assert.ok(logged.stderr.includes(`    rule 'r': (${rules}:0:2)\n------\n- rule: r\n  ^\n------\n`
        + "LOAD_UNKNOWN_KEY (Unknown key in item definition): Unknown key 'enabeld'. The key will be ignored.\n"), logged.stderr);
    }
  });

  it("a bad append_output or -p format is the configuration's or the option's error, not a rule's", async () => {
    const stock = sharedPath('falco', 'rules', 'falco_rules.yaml');
    const incubating = sharedPath('falco', 'rules', 'falco-incubating_rules.yaml');
    assert.ok(stock !== undefined && incubating !== undefined);
    const config = file('append.yaml', `${QUIET_CONFIG}append_output:\n  - match: {source: syscall}\n    extra_output: "bogus=%proc.bogus"\n`);
    assertOnly(await run('-r', stock, '-r', incubating, '-c', config, '-e', catWrite!),
      `Error: Error reading config file (${config}), line 5: 'append_output.extra_output' is not a valid output format: invalid formatting token proc.bogus`);
    const fields = file('fields.yaml', `${QUIET_CONFIG}append_output:\n  - extra_fields:\n      - bogus: "%proc.bogus"\n`);
    assertOnly(await run('-V', stock, '-c', fields),
      `Error: Error reading config file (${fields}), line 5: 'append_output.extra_fields.bogus' is not a valid output format: invalid formatting token proc.bogus`);
    assertOnly(await run('-r', stock, '-c', QUIET, '-o', 'append_output[].extra_output=%proc.nope', '-e', catWrite!),
      "Error: Error in config option set with -o: 'append_output.extra_output' is not a valid output format: invalid formatting token proc.nope");
    assertOnly(await run('-r', stock, '-c', QUIET, '-p', '%proc.nope', '-e', catWrite!), "Error: -p '%proc.nope' is not a valid output format: invalid formatting token proc.nope");
    // A format for another source's rules is not checked against the syscall fields.
    const other = file('other.yaml', `${QUIET_CONFIG}append_output:\n  - match: {source: k8s_audit}\n    extra_output: "%ka.user.name"\n`);
    assert.equal((await run('-r', stock, '-c', other, '--dry-run')).status, 0);
  });

  it('run reports the first rules file that fails, not what follows from it in the next', async () => {
    const first = file('first.yaml', '- list: my_list\n  items: [cat]\n- rule: r\n  desc: d\n  condition: proc.name in (my_list) and evt.type=opne\n  output: o\n  priority: INFO\n');
    const second = file('second.yaml', '- list: my_list\n  items: [dog]\n  append: true\n');
    assertOneLineError(await run('-r', first, '-r', second, '-c', QUIET, '-e', catWrite!),
      new RegExp(`^Error: ${first}: Invalid: LOAD_ERR_COMPILE_CONDITION \\(Error compiling condition\\): unknown event type opne \\(rule 'r' at ${first}:2:2, condition expression at "proc\\.name in \\( ca\\.\\.\\.":5:48\\)$`, 'm'));
  });
});
