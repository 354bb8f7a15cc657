// Macro and list references, replaced by what they stand for (Falco's macro and list resolution):
// a bare identifier used as a condition is a macro; a bare word in a list, or a bare identifier
// right of in/intersects/pmatch, that names a list is replaced by the list's items.
import type { Expr, ListItem, RightOperand } from './ast.js';
import { FilterCompileError } from './errors.js';
import { isListOp } from './operators.js';

export interface ReferenceResolvers {
  /** The condition a macro name stands for, or undefined for an unknown macro. */
  readonly resolveMacro?: (name: string) => Expr | undefined;
  /** The items of a list, or undefined when the name is not a list. */
  readonly resolveList?: (name: string) => readonly string[] | undefined;
}

/**
 * The condition with every macro reference replaced by the macro's (expanded) condition and every
 * list reference by the list's items. Throws FilterCompileError ('macro') for an identifier that
 * names no macro (or any identifier, without resolveMacro) and for a macro that refers to itself.
 */
export function expandReferences(e: Expr, resolvers: ReferenceResolvers): Expr {
  return expand(e, resolvers, []);
}

function expand(e: Expr, r: ReferenceResolvers, active: string[]): Expr {
  switch (e.kind) {
    case 'and':
    case 'or':
      return { ...e, children: e.children.map((c) => expand(c, r, active)) };
    case 'not':
      return { ...e, child: expand(e.child, r, active) };
    case 'unary':
      return e;
    case 'binary':
      return isListOp(e.op) && r.resolveList !== undefined ? { ...e, right: expandLists(e.right, r.resolveList) } : e;
    case 'identifier': {
      if (r.resolveMacro === undefined) throw new FilterCompileError('macro', `unexpected identifier '${e.name}'`, e.pos);
      if (active.includes(e.name)) throw new FilterCompileError('macro', `reference loop in macro '${e.name}'`, e.pos);
      const body = r.resolveMacro(e.name);
      if (body === undefined) throw new FilterCompileError('macro', `Undefined macro '${e.name}' used in filter.`, e.pos);
      return expand(body, r, [...active, e.name]);
    }
  }
}

function expandLists(right: RightOperand, resolveList: (name: string) => readonly string[] | undefined): RightOperand {
  // Items that come from a list are literal: mark them quoted so they are never looked up again.
  const literal = (v: string): ListItem => ({ value: v, quoted: true });
  if (right.kind === 'value') {
    const items = right.quoted ? undefined : resolveList(right.value);
    return items === undefined ? right : { kind: 'list', items: items.map(literal), pos: right.pos };
  }
  if (right.kind !== 'list') return right;
  const items: ListItem[] = [];
  for (const item of right.items) {
    const named = item.quoted ? undefined : resolveList(item.value);
    if (named === undefined) items.push(item);
    else for (const v of named) items.push(literal(v));
  }
  return { ...right, items };
}
