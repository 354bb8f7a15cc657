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
  const positions = positionsOf(universe);
  const found = new Resolver(universe, positions).visit(ast, false);
  const out = new Set<number>();
  universe.all.forEach((id, i) => found.has(i) && out.add(id));
  return out;
}

/** Where each id stands in universe.all: the bit that stands for it in a TypeBits. */
const POSITIONS = new WeakMap<EventTypeUniverse, ReadonlyMap<number, number>>();

function positionsOf(universe: EventTypeUniverse): ReadonlyMap<number, number> {
  let positions = POSITIONS.get(universe);
  if (positions === undefined) {
    positions = new Map(universe.all.map((id, i) => [id, i]));
    POSITIONS.set(universe, positions);
  }
  return positions;
}

/**
 * A set of event types as bits, one per position in universe.all: a rule's condition has hundreds
 * of checks, each giving a set of hundreds of types, and sets of numbers made that the slowest
 * part of loading the rules.
 */
class TypeBits {
  private constructor(private readonly words: Uint32Array, private readonly size: number) {}

  static none(size: number): TypeBits {
    return new TypeBits(new Uint32Array((size + 31) >>> 5), size);
  }

  static all(size: number): TypeBits {
    return TypeBits.none(size).complement();
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }

  /** Into this set. */
  unite(other: TypeBits): void {
    for (let w = 0; w < this.words.length; w++) this.words[w] |= other.words[w];
  }

  /** Into this set. */
  intersect(other: TypeBits): void {
    for (let w = 0; w < this.words.length; w++) this.words[w] &= other.words[w];
  }

  complement(): TypeBits {
    const out = TypeBits.none(this.size);
    for (let w = 0; w < this.words.length; w++) out.words[w] = ~this.words[w];
    // Bits past the last type stay clear.
    const tail = this.size & 31;
    if (tail !== 0) out.words[out.words.length - 1] &= (1 << tail) - 1;
    return out;
  }
}

class Resolver {
  private readonly size: number;

  constructor(private readonly universe: EventTypeUniverse, private readonly positions: ReadonlyMap<number, number>) {
    this.size = universe.all.length;
  }

  visit(e: Expr, negated: boolean): TypeBits {
    switch (e.kind) {
      case 'and':
      case 'or': {
        // Under negation, and becomes or and vice versa.
        const unite = (e.kind === 'or') !== negated;
        const acc = unite ? TypeBits.none(this.size) : TypeBits.all(this.size);
        for (const c of e.children) {
          const s = this.visit(c, negated);
          if (unite) acc.unite(s);
          else acc.intersect(s);
        }
        return acc;
      }
      case 'not':
        return this.visit(e.child, !negated);
      case 'identifier':
        return TypeBits.all(this.size);
      case 'unary': {
        // `evt.type exists` holds for every type, so its negation for none.
        const isType = this.isEventTypeField(e.left);
        return isType && negated ? TypeBits.none(this.size) : TypeBits.all(this.size);
      }
      case 'binary': {
        const invariant = evtNumInvariant(e.left, e.op, e.right);
        if (invariant !== undefined) return (invariant === 'all') !== negated ? TypeBits.all(this.size) : TypeBits.none(this.size);
        if (!(e.op === '=' || e.op === '==' || e.op === '!=' || e.op === 'in') || !this.isEventTypeField(e.left)) {
          return TypeBits.all(this.size);
        }
        const r = e.right;
        if (r.kind === 'field' || r.kind === 'transformer') {
          throw new FilterCompileError('evttype', 'right-hand field comparisons on `evt.type`/`syscall.type` checks are not supported by event code search', r.pos);
        }
        const names = r.kind === 'value' ? [r.value] : r.items.map((i) => i.value);
        const ids = TypeBits.none(this.size);
        for (const n of names) {
          for (const id of this.universe.idsOf(n)) {
            const at = this.positions.get(id);
            if (at !== undefined) ids.add(at);
          }
        }
        // `!=` complements, and so does an odd number of enclosing nots.
        return (e.op === '!=') !== negated ? ids.complement() : ids;
      }
    }
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
