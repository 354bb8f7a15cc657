// The detection engine: each running rule's condition compiled once, and the rules indexed by event
// type, so an event meets only the rules that can match it. A slot lists its rules in load order
// (rules that match any type are in every slot), as Falco's event-type index keeps them, and the
// first rule that matches wins (Falco's `rule_matching: first`), or every one with `all`. The
// conditions are compiled as one group: a subexpression several rules share (a macro such as
// open_read) is evaluated once per event.
import { EVENT_TABLE } from '../capture/event-table.js';
import type { Event } from '../capture/event.js';
import type { FieldRegistry } from '../fields/types.js';
import { ConditionGroup, type Predicate } from '../filter/index.js';
import type { LoadedRule } from '../rules/index.js';

export interface RunningRule {
  readonly rule: LoadedRule;
  /** Valid for the event the engine is evaluating (its shared results are kept per event). */
  readonly matches: Predicate;
}

export class RuleCompileError extends Error {}

const NONE: readonly RunningRule[] = [];

export class RuleEngine {
  readonly rules: readonly RunningRule[];
  private readonly byType: (readonly RunningRule[])[];
  private readonly conditions: ConditionGroup;

  constructor(rules: readonly LoadedRule[], registry: FieldRegistry) {
    const group = new ConditionGroup(registry);
    const added = rules.map((rule) => guarded(rule, () => group.add(rule.condition)));
    this.rules = rules.map((rule, i) => ({ rule, matches: guarded(rule, () => group.compile(added[i])) }));
    this.conditions = group;
    const slots: RunningRule[][] = EVENT_TABLE.map(() => []);
    for (const r of this.rules) {
      if (r.rule.evttypes === 'all') for (const slot of slots) slot.push(r);
      else for (const type of r.rule.evttypes) slots[type]?.push(r);
    }
    this.byType = slots.map((s) => (s.length === 0 ? NONE : s));
  }

  /** The first rule the event matches, or undefined. */
  first(evt: Event): RunningRule | undefined {
    this.conditions.nextEvent();
    const slot = this.byType[evt.type] ?? NONE;
    for (let i = 0; i < slot.length; i++) {
      const r = slot[i];
      if (r.matches(evt)) return r;
    }
    return undefined;
  }

  /** Every rule the event matches, in load order, into `out` (cleared first); returns how many. */
  all(evt: Event, out: RunningRule[]): number {
    out.length = 0;
    this.conditions.nextEvent();
    const slot = this.byType[evt.type] ?? NONE;
    for (let i = 0; i < slot.length; i++) {
      const r = slot[i];
      if (r.matches(evt)) out.push(r);
    }
    return out.length;
  }
}

/** What `step` returns; its error as a RuleCompileError naming the rule. */
function guarded<T>(rule: LoadedRule, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw new RuleCompileError(`rule '${rule.name}': ${e instanceof Error ? e.message : String(e)}`);
  }
}
