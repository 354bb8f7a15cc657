// The event names the loaded rules can match, for asking the live probe only what they need
// (probeSyscalls then adds what the state engine needs and applies base_syscalls).
import { EVENT_TABLE } from '../capture/event-table.js';
import type { LoadedRule } from '../rules/index.js';

/** Names of the event types the rules are indexed under; 'all' when a rule matches every type. */
export function ruleEventNames(rules: readonly LoadedRule[]): Set<string> | 'all' {
  const names = new Set<string>();
  for (const r of rules) {
    if (r.evttypes === 'all') return 'all';
    for (const id of r.evttypes) {
      const name = EVENT_TABLE[id]?.name;
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}
