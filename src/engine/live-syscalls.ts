// The event names the loaded rules can match, for asking the live probe only what they need
// (probeSyscalls then adds what the state engine needs and applies base_syscalls).
import { EVENT_TABLE, EventCategory } from '../capture/event-table.js';
import type { LoadedRule } from '../rules/index.js';

/** Names of the event types the rules are indexed under; 'all' when a rule matches every type. */
export function ruleEventNames(rules: readonly LoadedRule[]): Set<string> | 'all' {
  const names = new Set<string>();
  for (const r of rules) {
    if (r.evttypes === 'all') return 'all';
    for (const id of r.evttypes) {
      if (id < EVENT_TABLE.length) names.add(EVENT_TABLE[id].name);
    }
  }
  return names;
}

/**
 * Names of system calls and kernel tracepoints, which a probe captures; not the meta events user
 * space makes (the table keeps container's JSON events in the process category, without libs'
 * meta-event bit).
 */
const KERNEL_EVENT_NAMES: ReadonlySet<string> = new Set(
  EVENT_TABLE.filter((e) => e.category !== EventCategory.INTERNAL && e.name !== 'container').map((e) => e.name),
);

export function isSyscallEvent(name: string): boolean {
  return KERNEL_EVENT_NAMES.has(name);
}
