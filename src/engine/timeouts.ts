// Falco's syscall_event_timeouts: when the event source has nothing to give for max_consecutives
// reads in a row, an internal alert says so ("Falco internal: timeouts notification"), with the
// time of the last event seen, and the count starts again. Falco's driver read returns a timeout
// after waiting at most 30 ms for events; ghostwatch's source is pushed to, so a timeout here is a
// 30 ms tick in which no event arrived.

export const TIMEOUT_RULE = 'Falco internal: timeouts notification';
/** The longest wait of one read of Falco's driver, before it reports a timeout. */
export const READ_TIMEOUT_MS = 30;

export interface TimeoutAlert {
  (message: string, fields: Record<string, string>): void;
}

export class TimeoutMonitor {
  private lastEvents = -1;
  private consecutive = 0;

  constructor(
    private readonly maxConsecutives: number,
    /** Events delivered so far and the time of the last one (ns since the epoch; 0: none yet). */
    private readonly progress: () => { readonly events: number; readonly lastTs: number },
    private readonly alert: TimeoutAlert,
    private readonly timeOfDay: (tsNs: number) => string,
  ) {}

  /** One read's worth of time has passed. */
  tick(): void {
    const { events, lastTs } = this.progress();
    if (events !== this.lastEvents) {
      this.lastEvents = events;
      this.consecutive = 0;
      return;
    }
    if (++this.consecutive <= this.maxConsecutives) return;
    this.alert(`${TIMEOUT_RULE}. ${this.maxConsecutives} consecutive timeouts without event.`, {
      last_event_time: lastTs === 0 ? 'none' : this.timeOfDay(lastTs),
    });
    this.consecutive = 0;
  }
}
