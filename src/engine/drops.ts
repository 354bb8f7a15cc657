// Watching for dropped events, as Falco's syscall_event_drops does: once per second of event time,
// the drops since the last check (from the event source's counters) are compared with the events
// seen; above the threshold, the configured actions run, at most as often as a token bucket on
// event time allows. `simulate_drops` reports one drop every second (to test the actions).
// A capture file records no drops, so there only simulated drops occur.
import type { DropAction } from '../config/config.js';
import { TokenBucket } from './token-bucket.js';

export const DROP_RULE = 'Falco internal: syscall event drop';

export interface DropActions {
  /** The `log` action (a debug message). */
  log(message: string): void;
  /** The `alert` action: an alert of the internal source at this (exact) time, with these output fields. */
  alert(tsNs: bigint, message: string, fields: Record<string, string>): void;
  /** The `exit` action: a critical message before ghostwatch stops. */
  critical(message: string): void;
}

/** What the event source adds to a drop alert (the live probe: eBPF, drops per event type). */
export interface DropSource {
  readonly ebpf: boolean;
  /** Output fields describing the drops since the previous check (e.g. n_drops_buffer_total). */
  details(): Record<string, string>;
  /** Called at the end of each once-a-second check. */
  checked(): void;
}

export interface DropSettings {
  readonly threshold: number;
  readonly actions: ReadonlySet<DropAction>;
  readonly rate: number;
  readonly maxBurst: number;
  readonly simulateDrops: boolean;
}

const SECOND = 1e9;
const ACTION_ORDER: readonly DropAction[] = ['ignore', 'log', 'alert', 'exit'];

export class DropMonitor {
  private nextCheck = 0;
  private lastEvents = 0;
  private lastDrops = 0;
  private readonly bucket: TokenBucket;
  private readonly threshold: number;
  private detected = 0;
  private actionsTaken = 0;

  constructor(
    private readonly settings: DropSettings,
    private readonly actions: DropActions,
    startNs: number,
    private readonly source?: DropSource,
  ) {
    this.bucket = new TokenBucket(settings.rate, settings.maxBurst, startNs);
    this.threshold = settings.simulateDrops ? 0 : settings.threshold;
  }

  /**
   * Called for each event (its time, as a number and exactly) with the source's counters so far
   * (events delivered, events dropped); false when the exit action asks to stop.
   */
  event(tsNs: number, at: { ts(): bigint }, totalEvents: number, totalDrops: number): boolean {
    if (this.nextCheck === 0) this.nextCheck = tsNs + SECOND;
    if (this.nextCheck >= tsNs) return true;
    this.nextCheck = tsNs + SECOND;
    const go = this.check(tsNs, at, totalEvents, totalDrops);
    this.source?.checked();
    return go;
  }

  private check(tsNs: number, at: { ts(): bigint }, totalEvents: number, totalDrops: number): boolean {
    const events = totalEvents - this.lastEvents;
    let drops = totalDrops - this.lastDrops;
    this.lastEvents = totalEvents;
    this.lastDrops = totalDrops;
    if (this.settings.simulateDrops) drops++;
    if (drops <= 0 || drops / events <= this.threshold) return true;
    this.detected++;
    if (!this.bucket.claim(tsNs)) return true;
    this.actionsTaken++;
    return this.act(at.ts(), events, drops);
  }

  /** What Falco prints at the end of a run. */
  summary(): string {
    return `Syscall event drop monitoring:\n   - event drop detected: ${this.detected} occurrences\n   - num times actions taken: ${this.actionsTaken}\n`;
  }

  /** Every configured action, in Falco's order (ignore, log, alert, exit); false when exit is one. */
  private act(tsNs: bigint, events: number, drops: number): boolean {
    const message = `${DROP_RULE}. ${drops} system calls dropped in last second.`;
    for (const action of ACTION_ORDER) {
      if (!this.settings.actions.has(action)) continue;
      switch (action) {
        case 'ignore':
          break;
        case 'log':
          this.actions.log(message);
          break;
        case 'alert':
          this.actions.alert(tsNs, message, {
            ebpf_enabled: this.source?.ebpf === true ? '1' : '0', n_drops: String(drops), n_evts: String(events), ...this.source?.details(),
          });
          break;
        case 'exit':
          this.actions.critical(message);
          this.actions.critical('Exiting.');
          return false;
      }
    }
    return true;
  }
}
