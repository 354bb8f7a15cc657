// Judging one event against the rules in force, the same for system calls (detect.ts) and plugin
// sources (plugin-detect.ts): every rule it matches (rule_matching: all) or only the first, each
// match counted, and its alert sent or held back by the rate limiter, as Falco counts them.
import type { Event } from '../capture/event.js';
import type { LoadedRule } from '../rules/index.js';
import type { RuleEngine, RunningRule } from './engine.js';
import type { RulesInForce } from './rules-in-force.js';
import type { DetectionStats } from './stats.js';
import type { TokenBucket } from './token-bucket.js';

export interface Judging {
  /** The rules, replaceable between two events; each event raises every rule it matches (matchAll: rule_matching all) or only the first. */
  readonly rules: RulesInForce<{ readonly engine: RuleEngine; readonly matchAll: boolean }>;
  readonly stats: DetectionStats;
  /** Sends the alert of a rule for this event. */
  readonly alert: (rule: LoadedRule, evt: Event) => void;
  /** Called for a match the rate limiter holds back. */
  readonly limited: (rule: LoadedRule) => void;
  readonly limiter?: TokenBucket;
  readonly clock: () => number;
}

/** Judge the event with the rules in force; matches is scratch space, reused from event to event. */
export function judgeEvent(j: Judging, evt: Event, matches: RunningRule[]): void {
  const { engine, matchAll } = j.rules.current;
  if (matchAll) {
    const n = engine.all(evt, matches);
    for (let i = 0; i < n; i++) matched(j, matches[i].rule, evt);
  } else {
    const r = engine.first(evt);
    if (r !== undefined) matched(j, r.rule, evt);
  }
}

function matched(j: Judging, rule: LoadedRule, evt: Event): void {
  j.stats.count(rule);
  if (j.limiter === undefined || j.limiter.claim(j.clock())) j.alert(rule, evt);
  else j.limited(rule);
}
