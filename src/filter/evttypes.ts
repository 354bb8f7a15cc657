// The event types a condition can match, derived as Falco does (libsinsp's ppm_event_codes, which
// Falco uses to index rules by event type): `and` intersects its children's sets, `or` unites them,
// `evt.type = X`, `!= X` and `in (...)` give X's types or their complement, any other check gives
// every type. Negation is pushed down to the checks (De Morgan), where only the evt.type checks
// are complemented: `not proc.name = x` still matches every type. Checks on evt.num that can never
// or always hold (evt.num = 0, evt.num > 0: numbering starts at 1) give no type or every type.
import type { BinaryOp, Expr, Operand, RightOperand } from './ast.js';
import { FilterCompileError } from './errors.js';
import { parseInteger } from './values.js';

export interface EventTypeUniverse {
  /** Every event type id: what a condition with no evt.type check matches. */
  readonly all: readonly number[];
  /** The ids of the events with this name (both directions); none for an unknown name. */
  idsOf(name: string): readonly number[];
}

/**
 * The ids of the event types for which the condition can be true. Expand macros first
 * (expandReferences): a macro name left in the tree counts as matching every type.
 * Throws FilterCompileError ('evttype') for evt.type under a transformer or compared with a field.
 */
export function eventTypesOf(ast: Expr, universe: EventTypeUniverse): Set<number> {
  return new Resolver(universe).visit(ast, false);
}

class Resolver {
  private readonly all: ReadonlySet<number>;

  constructor(private readonly universe: EventTypeUniverse) {
    this.all = new Set(universe.all);
  }

  visit(e: Expr, negated: boolean): Set<number> {
    switch (e.kind) {
      case 'and':
      case 'or': {
        // Under negation, and becomes or and vice versa.
        const unite = (e.kind === 'or') !== negated;
        let acc = unite ? new Set<number>() : new Set(this.all);
        for (const c of e.children) {
          const s = this.visit(c, negated);
          acc = unite ? union(acc, s) : intersection(acc, s);
        }
        return acc;
      }
      case 'not':
        return this.visit(e.child, !negated);
      case 'identifier':
        return new Set(this.all);
      case 'unary': {
        // `evt.type exists` holds for every type, so its negation for none.
        const isType = this.isEventTypeField(e.left);
        return isType && negated ? new Set() : new Set(this.all);
      }
      case 'binary': {
        const invariant = evtNumInvariant(e.left, e.op, e.right);
        if (invariant !== undefined) return (invariant === 'all') !== negated ? new Set(this.all) : new Set();
        if (!(e.op === '=' || e.op === '==' || e.op === '!=' || e.op === 'in') || !this.isEventTypeField(e.left)) {
          return new Set(this.all);
        }
        const r = e.right;
        if (r.kind === 'field' || r.kind === 'transformer') {
          throw new FilterCompileError('evttype', 'right-hand field comparisons on `evt.type`/`syscall.type` checks are not supported by event code search', r.pos);
        }
        const names = r.kind === 'value' ? [r.value] : r.items.map((i) => i.value);
        const ids = new Set<number>();
        for (const n of names) for (const id of this.universe.idsOf(n)) ids.add(id);
        // `!=` complements, and so does an odd number of enclosing nots.
        return (e.op === '!=') !== negated ? this.complement(ids) : ids;
      }
    }
  }

  private complement(s: ReadonlySet<number>): Set<number> {
    const out = new Set<number>();
    for (const id of this.all) if (!s.has(id)) out.add(id);
    return out;
  }

  /** Whether an operand is the bare evt.type (or syscall.type) field; under a transformer it is an error. */
  private isEventTypeField(o: Operand): boolean {
    if (o.kind === 'field') return (o.name === 'evt.type' || o.name === 'syscall.type') && o.arg === undefined;
    if (this.isEventTypeField(o.operand)) {
      throw new FilterCompileError('evttype', 'event code search does not support `evt.type` checks with transformers', o.pos);
    }
    return false;
  }
}

function union(a: Set<number>, b: ReadonlySet<number>): Set<number> {
  for (const x of b) a.add(x);
  return a;
}

function intersection(a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> {
  const out = new Set<number>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}

function tryParseU64(text: string): number | undefined {
  try {
    return parseInteger(text, 64, false);
  } catch {
    return undefined;
  }
}

/** Checks on a bare evt.num that hold for no event ('none') or every event ('all'), since numbering starts at 1. */
function evtNumInvariant(left: Operand, op: BinaryOp, right: RightOperand): 'none' | 'all' | undefined {
  if (left.kind !== 'field' || left.name !== 'evt.num' || left.arg !== undefined) return undefined;
  if (op === 'in') {
    if (right.kind !== 'list') return undefined;
    return right.items.every((i) => tryParseU64(i.value) === 0) ? 'none' : undefined;
  }
  if (right.kind !== 'value') return undefined;
  const n = tryParseU64(right.value);
  if (n === undefined) return undefined;
  switch (op) {
    case '=': case '==': return n === 0 ? 'none' : undefined;
    case '!=': return n === 0 ? 'all' : undefined;
    case '<': return n <= 1 ? 'none' : undefined;
    case '<=': return n === 0 ? 'none' : undefined;
    case '>': return n === 0 ? 'all' : undefined;
    case '>=': return n <= 1 ? 'all' : undefined;
    default: return undefined;
  }
}
