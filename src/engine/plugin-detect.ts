// Detection over the events of a plugin's source (k8s_audit): no state to keep, no drops to watch;
// each event meets the rules of its source (the first that matches, or every one with
// rule_matching: all), each match is counted and its alert sent, rate limited, as for system
// calls. As in Falco, -M counts event time from the source's first event. A rule that fails on an
// event (a value no extractor expected) costs that event only: the failure is reported, the
// source goes on.
import type { Event } from '../capture/event.js';
import type { RunningRule } from './engine.js';
import { judgeEvent, type Judging } from './judge.js';

export interface PluginDetection extends Judging {
  /** Stop once an event comes this many nanoseconds of event time after the first (0: never). */
  readonly durationNs: number;
  /** Called once, when the duration is reached. */
  readonly onDurationReached: () => void;
  /** An event the rules failed on. */
  readonly onError: (e: unknown) => void;
}

export class PluginJudge {
  /** Events judged. */
  events = 0;
  /** Events the rules failed on. */
  errors = 0;
  private firstTs = -1;
  private over = false;
  private readonly matches: RunningRule[] = [];

  constructor(private readonly d: PluginDetection) {}

  /** Whether the duration has been reached: later events are not judged. */
  get finished(): boolean {
    return this.over;
  }

  judge(evt: Event): void {
    if (this.over) return;
    const d = this.d;
    const ts = evt.tsNum();
    if (this.firstTs < 0) this.firstTs = ts;
    else if (d.durationNs > 0 && ts - this.firstTs >= d.durationNs) {
      this.over = true;
      d.onDurationReached();
      return;
    }
    d.rules.boundary();
    try {
      judgeEvent(d, evt, this.matches);
    } catch (e) {
      this.errors++;
      d.onError(e);
    }
    this.events++;
  }
}
