// Detection over a capture or the live system: source → state (every event parsed, as Falco's
// inspector does) → drop monitor → the rules that can match the event's type → alerts, rate
// limited, to the outputs. Every match is counted, whether its alert is sent or rate limited, as
// Falco counts them. The rules can be replaced while events flow (a reload): the loop takes the
// new ones between two events (RulesInForce).
import type { Event } from '../capture/event.js';
import { readCapture, type CaptureHandlers } from '../capture/reader.js';
import type { State } from '../state/state.js';
import { ContainerHold, type HoldOptions } from './container-hold.js';
import type { DropMonitor } from './drops.js';
import type { RunningRule } from './engine.js';
import { judgeEvent, type Judging } from './judge.js';

export interface Detection extends Judging {
  readonly state: State;
  readonly drops?: DropMonitor;
  /** Stop after this many nanoseconds of event time (0: read everything). */
  readonly durationNs: number;
  /** Checked at each event: true stops the reading (a signal). */
  readonly stopRequested: () => boolean;
  /** Live: every intervalNs of event time, the threads for which isAlive is false leave the state. */
  readonly purge?: { readonly intervalNs: number; readonly isAlive: (tid: number, pid: number) => boolean };
  /** The source's counters (events it captured, events it lost), for the drop monitor; none for a capture file. */
  readonly sourceCounts?: () => { readonly totalEvents: number; readonly totalDrops: number };
  /** Live with container runtimes: the events of a new container are judged once it is described. */
  readonly hold?: Omit<HoldOptions, 'learn'>;
}

/** Where events come from: a capture file's path, or a source read like one (the live system). */
export type EventSource = string | { read(handlers: CaptureHandlers): Promise<void> };

export interface DetectionResult {
  /** Events read and evaluated. */
  readonly events: number;
  /** The drop monitor's exit action stopped the run. */
  readonly stoppedByDrops: boolean;
  /** Pauses for a new container's description, and those that ran out before it came. */
  readonly holds: { readonly pauses: number; readonly expired: number };
  /** The state's tables when the first event was shown (after the start-up scan). */
  readonly tablesAtStart: { readonly threads: number; readonly containers: number };
}

export async function detect(source: EventSource, d: Detection): Promise<DetectionResult> {
  let events = 0;
  let firstTs = 0;
  let lastPurgeTs = 0;
  let stoppedByDrops = false;
  const matches: RunningRule[] = [];

  let stopped = false;
  let tablesAtStart = { threads: 0, containers: 0 };
  const steps = {
    /** The state sees every event; false for those not shown (and when the run must stop). */
    parse: (evt: Event): boolean => {
      if (stopped || !d.state.process(evt)) return false;
      const ts = evt.tsNum();
      if (firstTs === 0) {
        firstTs = lastPurgeTs = ts;
        tablesAtStart = { threads: d.state.threads.size, containers: d.state.containers.size };
      }
      else if (d.durationNs > 0 && ts - firstTs >= d.durationNs) return !(stopped = true);
      if (d.purge !== undefined && ts - lastPurgeTs >= d.purge.intervalNs) {
        d.state.purgeThreads(d.purge.isAlive);
        lastPurgeTs = ts;
      }
      if (d.drops !== undefined) {
        // A capture file records no drops: its events are all there is.
        const counts = d.sourceCounts?.();
        if (!d.drops.event(ts, evt, counts?.totalEvents ?? events, counts?.totalDrops ?? 0)) {
          stoppedByDrops = stopped = true;
          return false;
        }
      }
      return true;
    },
    judge: (evt: Event): void => {
      judgeEvent(d, evt, matches);
      events++;
    },
  };
  const hold = d.hold === undefined ? undefined : new ContainerHold({ ...d.hold, learn: (e) => d.state.learnContainer(e) }, steps);

  const handlers: CaptureHandlers = {
    header: (h) => d.state.seed(h),
    event: (evt) => {
      if (stopped || d.stopRequested()) return false;
      d.rules.boundary();
      if (hold !== undefined) hold.offer(evt);
      else if (steps.parse(evt)) steps.judge(evt);
      return !stopped;
    },
  };
  if (typeof source === 'string') await readCapture(source, handlers);
  else await source.read(handlers);
  hold?.finish();
  return { events, stoppedByDrops, holds: { pauses: hold?.pauses ?? 0, expired: hold?.expired ?? 0 }, tablesAtStart };
}
