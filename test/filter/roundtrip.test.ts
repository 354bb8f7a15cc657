// Property: any well-formed condition tree prints to a text that parses back to the same tree.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { parseCondition, printCondition } from '../../src/filter/index.js';
import type { BinaryOp, Expr, ListItem, Operand, RightOperand, TransformerName } from '../../src/filter/ast.js';
import { BARE_ITEM_FULL, BARE_VALUE_FULL } from '../../src/filter/lexer.js';

const POS = { index: 0, line: 1, col: 1 };
const KEYWORDS = new Set(['and', 'or', 'not']);

function stripPos(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripPos);
  if (x === null || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) if (k !== 'pos' && k !== 'opPos') out[k] = stripPos(v);
  return out;
}

const word = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,6}$/);
const identifier = word.filter((w) => !KEYWORDS.has(w));
const fieldName = fc.array(word, { minLength: 2, maxLength: 3 }).map((ws) => ws.join('.'));
const text = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 }), word);

/** A literal, quoted when the grammar needs it and sometimes when it does not. */
const literal = (bare: RegExp): fc.Arbitrary<ListItem> =>
  fc.tuple(text, fc.boolean()).map(([value, q]) => ({ value, quoted: q || !bare.test(value) }));

const field: fc.Arbitrary<Operand> = fc
  .tuple(fieldName, fc.option(text, { nil: undefined }))
  .map(([name, arg]) => (arg === undefined ? { kind: 'field', name, pos: POS } : { kind: 'field', name, arg, pos: POS }));

const transformerName = fc.constantFrom<TransformerName>('tolower', 'toupper', 'b64', 'basename', 'len');
const operand: fc.Arbitrary<Operand> = fc.letrec<{ op: Operand }>((tie) => ({
  op: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    field,
    fc.tuple(transformerName, tie('op')).map(([name, o]): Operand => ({ kind: 'transformer', name, operand: o, pos: POS })),
  ),
})).op;

const rhsOperand: fc.Arbitrary<RightOperand> = fc.oneof(
  field.map((f): RightOperand => ({ kind: 'transformer', name: 'val', operand: f, pos: POS })),
  fc.tuple(transformerName, operand).map(([name, o]): RightOperand => ({ kind: 'transformer', name, operand: o, pos: POS })),
);

const scalarOp = fc.constantFrom<BinaryOp>(
  '=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex',
);
const listOp = fc.constantFrom<BinaryOp>('in', 'intersects', 'pmatch');

const check: fc.Arbitrary<Expr> = fc.oneof(
  operand.map((left): Expr => ({ kind: 'unary', op: 'exists', left, pos: POS })),
  fc
    .tuple(operand, scalarOp, fc.oneof(literal(BARE_VALUE_FULL).map((l): RightOperand => ({ kind: 'value', ...l, pos: POS })), rhsOperand))
    .map(([left, op, right]): Expr => ({ kind: 'binary', op, left, right, pos: POS })),
  fc
    .tuple(
      operand,
      listOp,
      fc.oneof(
        fc.array(literal(BARE_ITEM_FULL), { maxLength: 4 }).map((items): RightOperand => ({ kind: 'list', items, pos: POS })),
        identifier.map((value): RightOperand => ({ kind: 'value', value, quoted: false, pos: POS })),
        rhsOperand,
      ),
    )
    .map(([left, op, right]): Expr => ({ kind: 'binary', op, left, right, pos: POS })),
  identifier.map((name): Expr => ({ kind: 'identifier', name, pos: POS })),
);

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    check,
    tie('e').map((child): Expr => ({ kind: 'not', child, pos: POS })),
    fc.tuple(fc.constantFrom('and', 'or'), fc.array(tie('e'), { minLength: 2, maxLength: 4 }))
      .map(([kind, children]): Expr => ({ kind, children, pos: POS })),
  ),
})).e;

it('parse(print(tree)) is the tree, and printing is stable', () => {
  fc.assert(
    fc.property(expr, (tree) => {
      const printed = printCondition(tree);
      const reparsed = parseCondition(printed);
      assert.deepEqual(stripPos(reparsed), stripPos(tree), printed);
      assert.equal(printCondition(reparsed), printed);
    }),
    { numRuns: 2000 },
  );
});
