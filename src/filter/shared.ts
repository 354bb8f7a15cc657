// Subexpressions that several conditions have in common. Falco's rule packs inline the same macros
// (open_read, spawned_process, container, shell_procs...) into dozens of rules, and an event meets
// every rule of its type, so the same checks would run again and again on one event. A group of
// conditions compiled together compiles each repeated subexpression once and keeps its result for
// the event being evaluated: the rules after the first that reach it pay one comparison. Field
// values are kept the same way, since different checks read the same fields (proc.name, fd.name).
import type { Event } from '../capture/event.js';
import type { BoundField, FieldValue } from '../fields/types.js';
import type { Expr } from './ast.js';
import { printCondition } from './print.js';

/** A compiled condition: whether the event matches. */
export type Predicate = (evt: Event) => boolean;

/** Which event the remembered results are about: advanced before each new event. */
interface EventClock {
  now: number;
}

export class SharedSubexpressions {
  private readonly clock: EventClock = { now: 0 };
  /** Each subexpression's canonical text, computed once per node. */
  private readonly keys = new WeakMap<Expr, string>();
  private readonly occurrences = new Map<string, number>();
  private readonly compiled = new Map<string, Predicate>();
  /** Per field (by name and argument): the field bound once, and its value kept per event. */
  private readonly fields = new Map<string, { field: BoundField; value: (evt: Event) => FieldValue }>();

  /** Counts the subexpressions of a condition (macros and lists already expanded). */
  count(e: Expr): void {
    const key = this.keyOf(e);
    this.occurrences.set(key, (this.occurrences.get(key) ?? 0) + 1);
    if (e.kind === 'and' || e.kind === 'or') for (const c of e.children) this.count(c);
    else if (e.kind === 'not') this.count(e.child);
  }

  /**
   * The predicate of a subexpression: compiled by `compile` the first time, then shared when the
   * subexpression occurs more than once. `pure` tells whether what `compile` built may be shared
   * (its result depends on the event alone; fields that keep state between events may not).
   */
  predicate(e: Expr, compile: () => { predicate: Predicate; pure: boolean }): Predicate {
    const key = this.keyOf(e);
    if ((this.occurrences.get(key) ?? 0) < 2) return compile().predicate;
    const known = this.compiled.get(key);
    if (known !== undefined) return known;
    const { predicate, pure } = compile();
    if (!pure) return predicate;
    const shared = rememberedPerEvent(predicate, this.clock);
    this.compiled.set(key, shared);
    return shared;
  }

  /**
   * The field, bound by `bind` the first time it is asked for, and a reader of its value that
   * extracts it once per event. A field that keeps state between events is bound anew for each use
   * and read on every call, as each use must see the events it is asked about.
   */
  field(name: string, arg: string | undefined, bind: () => BoundField): { field: BoundField; value: (evt: Event) => FieldValue } {
    const key = JSON.stringify([name, arg]);
    const known = this.fields.get(key);
    if (known !== undefined) return known;
    const field = bind();
    if (field.def.keepsState === true) return { field, value: (evt) => field.extract(evt) };
    const shared = { field, value: valueRememberedPerEvent(field, this.clock) };
    this.fields.set(key, shared);
    return shared;
  }

  /** Forgets the results kept for the previous event: call before evaluating a new one. */
  nextEvent(): void {
    this.clock.now++;
  }

  /** The subexpression as canonical text: equal texts mean equal conditions. */
  private keyOf(e: Expr): string {
    let key = this.keys.get(e);
    if (key !== undefined) return key;
    switch (e.kind) {
      case 'and':
      case 'or':
        // Length-prefixed children: no child's text can be mistaken for a separator.
        key = `${e.kind}(${e.children.map((c) => { const k = this.keyOf(c); return `${k.length}:${k}`; }).join('')})`;
        break;
      case 'not':
        key = `not(${this.keyOf(e.child)})`;
        break;
      default:
        key = printCondition(e);
    }
    this.keys.set(e, key);
    return key;
  }
}

function valueRememberedPerEvent(field: BoundField, clock: EventClock): (evt: Event) => FieldValue {
  let at = -1;
  let value: FieldValue;
  return (evt) => {
    if (at === clock.now) return value;
    value = field.extract(evt);
    at = clock.now;
    return value;
  };
}

function rememberedPerEvent(p: Predicate, clock: EventClock): Predicate {
  let at = -1;
  let result = false;
  return (evt) => {
    if (at === clock.now) return result;
    result = p(evt);
    at = clock.now;
    return result;
  };
}
