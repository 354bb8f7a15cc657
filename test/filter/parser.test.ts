import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseCondition, printCondition, FilterSyntaxError } from '../../src/filter/index.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';

/** The tree without positions, for comparisons. */
function shape(text: string): unknown {
  return stripPos(parseCondition(text));
}

function stripPos(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripPos);
  if (x === null || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) if (k !== 'pos' && k !== 'opPos') out[k] = stripPos(v);
  return out;
}

const field = (name: string, arg?: string) => (arg === undefined ? { kind: 'field', name } : { kind: 'field', name, arg });
const val = (value: string, quoted = false) => ({ kind: 'value', value, quoted });
const check = (name: string, op: string, value: string, quoted = false) => ({ kind: 'binary', op, left: field(name), right: val(value, quoted) });
const id = (name: string) => ({ kind: 'identifier', name });

function syntaxError(text: string): FilterSyntaxError {
  try {
    parseCondition(text);
  } catch (e) {
    assert.ok(e instanceof FilterSyntaxError, `expected a FilterSyntaxError, got ${String(e)}`);
    return e;
  }
  assert.fail(`'${text}' parsed`);
}

describe('parseCondition: structure', () => {
  it('reads a field check with a bare value', () => {
    assert.deepEqual(shape('proc.name=cat'), check('proc.name', '=', 'cat'));
    assert.deepEqual(shape('  fd.name = /etc/passwd  '), check('fd.name', '=', '/etc/passwd'));
  });

  it('gives not precedence over and, and and over or', () => {
    assert.deepEqual(shape('not a and b or c'), {
      kind: 'or',
      children: [{ kind: 'and', children: [{ kind: 'not', child: id('a') }, id('b')] }, id('c')],
    });
    assert.deepEqual(shape('a or b and c'), { kind: 'or', children: [id('a'), { kind: 'and', children: [id('b'), id('c')] }] });
  });

  it('keeps and/or chains flat and parenthesized groups nested', () => {
    assert.deepEqual(shape('a and b and c'), { kind: 'and', children: [id('a'), id('b'), id('c')] });
    assert.deepEqual(shape('a and (b and c)'), { kind: 'and', children: [id('a'), { kind: 'and', children: [id('b'), id('c')] }] });
  });

  it('cancels an even number of nots and accepts not( and and( without a blank', () => {
    assert.deepEqual(shape('not not a'), id('a'));
    assert.deepEqual(shape('not(a)'), { kind: 'not', child: id('a') });
    assert.deepEqual(shape('a and(b)or(c)'), { kind: 'or', children: [{ kind: 'and', children: [id('a'), id('b')] }, id('c')] });
  });

  it('reads identifiers that only start like keywords as identifiers', () => {
    assert.deepEqual(shape('nothing and orange'), { kind: 'and', children: [id('nothing'), id('orange')] });
    assert.deepEqual(shape('notx.y = 1'), check('notx.y', '=', '1'));
  });

  it('reads every operator', () => {
    for (const op of ['=', '==', '!=', '<', '<=', '>', '>=']) {
      assert.deepEqual(shape(`evt.num${op}3`), check('evt.num', op, '3'));
    }
    for (const op of ['contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex']) {
      assert.deepEqual(shape(`proc.name ${op} x`), check('proc.name', op, 'x'));
    }
    for (const op of ['in', 'intersects', 'pmatch']) {
      assert.deepEqual(shape(`fd.name ${op} (a)`), { kind: 'binary', op, left: field('fd.name'), right: { kind: 'list', items: [{ value: 'a', quoted: false }] } });
    }
    assert.deepEqual(shape('proc.name exists'), { kind: 'unary', op: 'exists', left: field('proc.name') });
  });

  it('needs a blank after word operators but not after symbols or list operators', () => {
    assert.deepEqual(shape('fd.name in(a,b)'), {
      kind: 'binary', op: 'in', left: field('fd.name'),
      right: { kind: 'list', items: [{ value: 'a', quoted: false }, { value: 'b', quoted: false }] },
    });
    assert.equal(syntaxError('proc.name containsx').reason.startsWith('expected a valid check operator'), true);
  });

  it('reads field arguments in brackets, quoted or bare', () => {
    assert.deepEqual(shape('proc.aname[2]=bash'), { kind: 'binary', op: '=', left: field('proc.aname', '2'), right: val('bash') });
    assert.deepEqual(shape('proc.env[HOME] exists'), { kind: 'unary', op: 'exists', left: field('proc.env', 'HOME') });
    assert.deepEqual(shape('evt.arg["a b"] exists'), { kind: 'unary', op: 'exists', left: field('evt.arg', 'a b') });
    assert.deepEqual(shape('evt.arg.fd = 3'), check('evt.arg.fd', '=', '3'));
  });

  it('reads lists with both quote kinds, blanks and the empty list', () => {
    assert.deepEqual(shape(`evt.type in ( open ,"a b",'c' )`), {
      kind: 'binary', op: 'in', left: field('evt.type'),
      right: { kind: 'list', items: [{ value: 'open', quoted: false }, { value: 'a b', quoted: true }, { value: 'c', quoted: true }] },
    });
    assert.deepEqual(shape('evt.type in ()'), { kind: 'binary', op: 'in', left: field('evt.type'), right: { kind: 'list', items: [] } });
    assert.equal(syntaxError('evt.type in (a,)').col, 16);
  });

  it('reads a bare identifier after a list operator as a list name', () => {
    assert.deepEqual(shape('proc.name in shell_binaries'), check('proc.name', 'in', 'shell_binaries'));
  });

  it('unescapes quoted strings', () => {
    assert.deepEqual(shape(String.raw`proc.name = "a\"b\\c\n\t\x41\/"`), check('proc.name', '=', 'a"b\\c\n\tA/', true));
    assert.deepEqual(shape(String.raw`proc.name = 'it\'s'`), check('proc.name', '=', "it's", true));
  });

  it("keeps unknown escapes and reads Falco's \\<space> as a backslash", () => {
    assert.deepEqual(shape(String.raw`proc.cmdline regex "a\d+"`), check('proc.cmdline', 'regex', String.raw`a\d+`, true));
    assert.deepEqual(shape(String.raw`proc.args contains "\ "`), check('proc.args', 'contains', '\\', true));
    assert.equal(syntaxError(String.raw`proc.name = "\x4"`).reason, 'truncated hex char escape sequence');
  });

  it('accepts sysdig-style bare values with = and , (evt.args contains fd=3)', () => {
    assert.deepEqual(shape('evt.args contains fd=3'), check('evt.args', 'contains', 'fd=3'));
    assert.deepEqual(shape('evt.type=open,close'), check('evt.type', '=', 'open,close'));
    // The value stops at a parenthesis, so a closing one ends the group (Falco's stock rules rely on it).
    assert.deepEqual(shape(String.raw`(proc.args endswith \)`), check('proc.args', 'endswith', '\\'));
  });

  it('reads transformers and val()', () => {
    assert.deepEqual(shape('tolower(proc.name) = val(proc.pname)'), {
      kind: 'binary', op: '=',
      left: { kind: 'transformer', name: 'tolower', operand: field('proc.name') },
      right: { kind: 'transformer', name: 'val', operand: field('proc.pname') },
    });
    assert.deepEqual(shape('len(basename( fd.name )) > 3'), {
      kind: 'binary', op: '>',
      left: { kind: 'transformer', name: 'len', operand: { kind: 'transformer', name: 'basename', operand: field('fd.name') } },
      right: val('3'),
    });
    assert.deepEqual(shape('proc.name in toupper(proc.pname)'), {
      kind: 'binary', op: 'in', left: field('proc.name'), right: { kind: 'transformer', name: 'toupper', operand: field('proc.pname') },
    });
  });

  it('parses every condition of the stock Falco rule packs', (t) => {
    const dir = sharedPath('falco', 'rules');
    if (dir === undefined) { t.skip(SHARED_MISSING); return; }
    let n = 0;
    for (const file of ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco_rules-1.0.1.yaml']) {
      const doc = parseYaml(readFileSync(`${dir}/${file}`, 'utf8')) as { condition?: string }[];
      for (const item of doc) {
        if (typeof item.condition !== 'string') continue;
        const ast = parseCondition(item.condition);
        // and prints back to a text that parses to the same tree
        assert.deepEqual(stripPos(parseCondition(printCondition(ast))), stripPos(ast), item.condition);
        n++;
      }
    }
    assert.ok(n > 300, `only ${n} conditions`);
  });
});

describe('parseCondition: errors', () => {
  const cases: [string, number, string][] = [
    ['', 1, 'filter input string is empty'],
    ['proc.name', 10, 'expected a valid check operator'],
    ['proc.name ~ x', 11, 'expected a valid check operator'],
    ['proc.name = cat foo', 17, "unexpected token after 'cat', expecting 'or', 'and'"],
    ['proc.name = cat and', 20, "expected blank or '(' after 'and'"],
    ['proc.name = cat and ', 21, "expected a '(' token, a field check, or an identifier"],
    ['(proc.name = cat', 17, "expected a ')' token"],
    ['proc.name = cat)', 16, "unexpected token after 'cat'"],
    ['a andb', 6, "expected blank or '(' after 'and'"],
    ['proc.name =', 12, 'expected a string value'],
    ['proc.name = "abc', 13, 'unterminated quoted string'],
    ['proc.aname[2 = x', 13, "expected a ']' token"],
    ['proc.name = val(x)', 17, "expected a field within 'val' transformer"],
    ['tolower(proc.name = x', 19, "expected a ')' token closing the transformer"],
    ['proc.name in 3', 14, 'expected a list, an identifier'],
  ];
  for (const [text, col, reason] of cases) {
    it(`'${text}' fails at column ${col}`, () => {
      const e = syntaxError(text);
      assert.equal(e.col, col);
      assert.ok(e.reason.startsWith(reason), e.reason);
      assert.equal(e.message, `filter error at index ${col - 1}, line 1, column ${col}: ${e.reason}`);
    });
  }

  it('counts lines and restarts columns after a line break', () => {
    const e = syntaxError('proc.name = cat and\n  evt.num <');
    assert.equal(e.line, 2);
    assert.equal(e.col, 12);
    assert.equal(e.index, 31);
  });

  it('rejects unparenthesized and/or mixes only when asked to (sysdig 0.29)', () => {
    const strict = { rejectMixedAndOr: true };
    assert.throws(() => parseCondition('a and b or c', strict), /mixes 'and' and 'or' in an ambiguous way/);
    assert.throws(() => parseCondition('a or not b and c', strict), /ambiguous/);
    assert.doesNotThrow(() => parseCondition('(a and b) or c', strict));
    assert.doesNotThrow(() => parseCondition('a and (b or c) and not (d or e)', strict));
    assert.doesNotThrow(() => parseCondition('a and b or c'));
  });

  it('limits nesting depth', () => {
    assert.throws(() => parseCondition(`${'('.repeat(600)}a${')'.repeat(600)}`), /exceeded max depth limit of 1000/);
    assert.doesNotThrow(() => parseCondition(`${'('.repeat(100)}a${')'.repeat(100)}`));
  });
});

describe('printCondition', () => {
  const cases: [string, string][] = [
    ['proc.name=cat', 'proc.name = cat'],
    ['not a and b or c', '(not a and b) or c'],
    ['not (a or b)', 'not (a or b)'],
    ['a and (b and c)', 'a and (b and c)'],
    [`evt.type in (open,'a b', "x\\"y")`, 'evt.type in (open, "a b", "x\\"y")'],
    ['proc.name = "cat"', 'proc.name = "cat"'],
    ['proc.aname["a b"] exists', 'proc.aname["a b"] exists'],
    ['tolower(proc.name)=val(proc.pname)', 'tolower(proc.name) = val(proc.pname)'],
  ];
  for (const [text, printed] of cases) {
    it(`prints '${text}' as '${printed}'`, () => {
      assert.equal(printCondition(parseCondition(text)), printed);
    });
  }
});
