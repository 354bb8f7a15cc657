// Questions about a condition that the rules engine asks before compiling it: which fields it
// reads, which macros and lists it refers to.
import type { Expr, FieldExpr, Operand, RightOperand } from './ast.js';
import { isListOp } from './operators.js';

export type Node = Expr | Operand | RightOperand;

/** Calls `visit` on every node, parents before children, left to right. */
export function forEachNode(e: Node, visit: (n: Node) => void): void {
  visit(e);
  switch (e.kind) {
    case 'and':
    case 'or':
      for (const c of e.children) forEachNode(c, visit);
      break;
    case 'not':
      forEachNode(e.child, visit);
      break;
    case 'unary':
      forEachNode(e.left, visit);
      break;
    case 'binary':
      forEachNode(e.left, visit);
      forEachNode(e.right, visit);
      break;
    case 'transformer':
      forEachNode(e.operand, visit);
      break;
    default:
      break;
  }
}

/** Every field reference (including those inside transformers and val()), in order of appearance. */
export function fieldsOf(e: Expr): FieldExpr[] {
  const out: FieldExpr[] = [];
  forEachNode(e, (n) => {
    if (n.kind === 'field') out.push(n);
  });
  return out;
}

/** The names used as conditions (macro references), each once, in order of appearance. */
export function macrosOf(e: Expr): string[] {
  const out = new Set<string>();
  forEachNode(e, (n) => {
    if (n.kind === 'identifier') out.add(n.name);
  });
  return [...out];
}

/**
 * The bare words that may name a list: unquoted items of list literals and the identifier right of
 * in/intersects/pmatch (`proc.name in shell_binaries`). Each once, in order of appearance.
 */
export function listCandidatesOf(e: Expr): string[] {
  const out = new Set<string>();
  forEachNode(e, (n) => {
    if (n.kind !== 'binary' || !isListOp(n.op)) return;
    const r = n.right;
    if (r.kind === 'value' && !r.quoted) out.add(r.value);
    if (r.kind === 'list') for (const i of r.items) if (!i.quoted) out.add(i.value);
  });
  return [...out];
}
