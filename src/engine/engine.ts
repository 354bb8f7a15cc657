// The detection engine: each running rule's condition compiled once, and the rules indexed by event
// type, so an event meets only the rules that can match it. A slot lists its rules in load order
// (rules that match any type are in every slot), as Falco's event-type index keeps them, and the
// first rule that matches wins (Falco's `rule_matching: first`), or every one with `all`.
import { EVENT_TABLE } from '../capture/event-table.js';
import type { Event } from '../capture/event.js';
import type { FieldRegistry } from '../fields/types.js';
import { compileCondition, type Predicate } from '../filter/index.js';
import type { LoadedRule } from '../rules/index.js';

export interface RunningRule {
  readonly rule: LoadedRule;
  readonly matches: Predicate;
}

export class RuleCompileError extends Error {}

const NONE: readonly RunningRule[] = [];

export class RuleEngine {
  readonly rules: readonly RunningRule[];
  private readonly byType: (readonly RunningRule[])[];

  constructor(rules: readonly LoadedRule[], registry: FieldRegistry) {
    this.rules = rules.map((rule) => ({ rule, matches: compile(rule, registry) }));
    const slots: RunningRule[][] = EVENT_TABLE.map(() => []);
    for (const r of this.rules) {
      if (r.rule.evttypes === 'all') for (const slot of slots) slot.push(r);
      else for (const type of r.rule.evttypes) slots[type]?.push(r);
    }
    this.byType = slots.map((s) => (s.length === 0 ? NONE : s));
  }

  /** The first rule the event matches, or undefined. */
  first(evt: Event): RunningRule | undefined {
    const slot = this.byType[evt.type] ?? NONE;
    for (let i = 0; i < slot.length; i++) {
      const r = slot[i]!;
      if (r.matches(evt)) return r;
    }
    return undefined;
  }

  /** Every rule the event matches, in load order, into `out` (cleared first); returns how many. */
  all(evt: Event, out: RunningRule[]): number {
    out.length = 0;
    const slot = this.byType[evt.type] ?? NONE;
    for (let i = 0; i < slot.length; i++) {
      const r = slot[i]!;
      if (r.matches(evt)) out.push(r);
    }
    return out.length;
  }
}

function compile(rule: LoadedRule, registry: FieldRegistry): Predicate {
  try {
    return compileCondition(rule.condition, registry);
  } catch (e) {
    throw new RuleCompileError(`rule '${rule.name}': ${e instanceof Error ? e.message : String(e)}`);
  }
}
