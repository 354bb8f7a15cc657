// Detection over a capture: reader → state (every event parsed, as Falco's inspector does) →
// drop monitor → the rules that can match the event's type → alerts, rate limited, to the outputs.
// Every match is counted, whether its alert is sent or rate limited, as Falco counts them.
import type { Event } from '../capture/event.js';
import { readCapture } from '../capture/reader.js';
import type { LoadedRule } from '../rules/index.js';
import type { State } from '../state/state.js';
import type { DropMonitor } from './drops.js';
import type { RuleEngine, RunningRule } from './engine.js';
import type { DetectionStats } from './stats.js';
import type { TokenBucket } from './token-bucket.js';

export interface Detection {
  readonly state: State;
  readonly engine: RuleEngine;
  readonly stats: DetectionStats;
  /** Every matching rule (rule_matching: all) or only the first. */
  readonly matchAll: boolean;
  /** Sends the alert of a rule for this event. */
  readonly alert: (rule: LoadedRule, evt: Event) => void;
  /** Called for a match the rate limiter holds back. */
  readonly limited: (rule: LoadedRule) => void;
  readonly limiter?: TokenBucket;
  readonly clock: () => number;
  readonly drops?: DropMonitor;
  /** Stop after this many nanoseconds of event time (0: read everything). */
  readonly durationNs: number;
  /** Checked at each event: true stops the reading (a signal). */
  readonly stopRequested: () => boolean;
}

export interface DetectionResult {
  /** Events read and evaluated. */
  readonly events: number;
  /** The drop monitor's exit action stopped the run. */
  readonly stoppedByDrops: boolean;
}

export async function detect(capture: string, d: Detection): Promise<DetectionResult> {
  let events = 0;
  let firstTs = 0;
  let stoppedByDrops = false;
  const matches: RunningRule[] = [];

  const matched = (rule: LoadedRule, evt: Event) => {
    d.stats.count(rule);
    if (d.limiter === undefined || d.limiter.claim(d.clock())) d.alert(rule, evt);
    else d.limited(rule);
  };

  await readCapture(capture, {
    header: (h) => d.state.seed(h),
    event: (evt) => {
      if (d.stopRequested()) return false;
      if (!d.state.process(evt)) return;
      const ts = evt.tsNum();
      if (firstTs === 0) firstTs = ts;
      else if (d.durationNs > 0 && ts - firstTs >= d.durationNs) return false;
      // A capture file records no drops.
      if (d.drops !== undefined && !d.drops.event(ts, evt, events, 0)) {
        stoppedByDrops = true;
        return false;
      }
      if (d.matchAll) {
        const n = d.engine.all(evt, matches);
        for (let i = 0; i < n; i++) matched(matches[i]!.rule, evt);
      } else {
        const r = d.engine.first(evt);
        if (r !== undefined) matched(r.rule, evt);
      }
      events++;
    },
  });
  return { events, stoppedByDrops };
}
