// Print a condition back as text that parses to the same tree: nested and/or groups are
// parenthesized, values are written bare where the grammar allows it and quoted otherwise.
import type { Expr, ListItem, Operand, RightOperand } from './ast.js';
import { BARE_ITEM_FULL, BARE_VALUE_FULL, FIELD_ARG_FULL, IDENTIFIER_FULL, quote } from './lexer.js';
import { isListOp } from './operators.js';

export function printCondition(e: Expr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return e.children.map((c) => (c.kind === 'and' || c.kind === 'or' ? `(${printCondition(c)})` : printCondition(c))).join(` ${e.kind} `);
    case 'not':
      // `not` binds tighter than and/or; a directly nested `not` needs parentheses too, since
      // `not not x` reads as x.
      return e.child.kind === 'and' || e.child.kind === 'or' || e.child.kind === 'not'
        ? `not (${printCondition(e.child)})`
        : `not ${printCondition(e.child)}`;
    case 'identifier':
      return e.name;
    case 'unary':
      return `${printOperand(e.left)} exists`;
    case 'binary':
      return `${printOperand(e.left)} ${e.op} ${printRight(e.right, isListOp(e.op))}`;
  }
}

export function printOperand(o: Operand): string {
  if (o.kind === 'transformer') return `${o.name}(${printOperand(o.operand)})`;
  if (o.arg === undefined) return o.name;
  return `${o.name}[${FIELD_ARG_FULL.test(o.arg) ? o.arg : quote(o.arg)}]`;
}

function printRight(r: RightOperand, listOp: boolean): string {
  switch (r.kind) {
    case 'value':
      // After a list operator a single value can only be written as a list name (an identifier);
      // anything else goes in a one-item list, which means the same.
      if (listOp) return !r.quoted && IDENTIFIER_FULL.test(r.value) ? r.value : `(${printItem(r, BARE_ITEM_FULL)})`;
      return printItem(r, BARE_VALUE_FULL);
    case 'list':
      return `(${r.items.map((i) => printItem(i, BARE_ITEM_FULL)).join(', ')})`;
    default:
      return printOperand(r);
  }
}

function printItem(i: ListItem, bare: RegExp): string {
  return !i.quoted && bare.test(i.value) ? i.value : quote(i.value);
}
