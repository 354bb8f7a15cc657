// Macro references replaced by the macros' conditions (Falco's filter_macro_resolver): a bare
// identifier standing for a condition names a macro; its condition is substituted, and macros
// inside it in turn. A macro met again inside its own expansion is a reference loop. Which macros
// can be referred to is the caller's business (a macro sees only the macros defined before it).
import type { Expr, Pos } from '../filter/ast.js';

export interface MacroResolution {
  readonly expr: Expr;
  /** Names of the macros substituted, nested ones included. */
  readonly resolved: ReadonlySet<string>;
  /** Reference loops, in order of discovery. */
  readonly errors: readonly { readonly message: string; readonly pos: Pos }[];
  /** Identifiers that name no visible macro, in order of discovery. */
  readonly unknown: readonly { readonly name: string; readonly pos: Pos }[];
}

export function resolveMacros(e: Expr, lookup: (name: string) => Expr | undefined): MacroResolution {
  const resolved = new Set<string>();
  const errors: { message: string; pos: Pos }[] = [];
  const unknown: { name: string; pos: Pos }[] = [];
  const path: string[] = [];

  const visit = (n: Expr): Expr => {
    switch (n.kind) {
      case 'and':
      case 'or': {
        const children = n.children.map(visit);
        return children.every((c, i) => c === n.children[i]) ? n : { ...n, children };
      }
      case 'not': {
        const child = visit(n.child);
        return child === n.child ? n : { ...n, child };
      }
      case 'identifier': {
        const body = lookup(n.name);
        if (body === undefined) {
          unknown.push({ name: n.name, pos: n.pos });
          return n;
        }
        if (path.includes(n.name)) {
          errors.push({ message: `reference loop in macro '${n.name}'`, pos: n.pos });
          unknown.push({ name: n.name, pos: n.pos });
          return n;
        }
        path.push(n.name);
        const expanded = visit(body);
        path.pop();
        resolved.add(n.name);
        return expanded;
      }
      default:
        return n;
    }
  };

  return { expr: visit(e), resolved, errors, unknown };
}
