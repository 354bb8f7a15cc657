// Alerts about a container the runtime has not described yet. The event was matched at once (a
// rule never waits), but an alert that says container.name=<NA> for a container started a moment
// ago is of little use: the alert is held, in order, until the container's description arrives in
// the stream or a deadline passes, and only its container and k8s fields are filled in then (every
// other field was read when the event happened). Alerts behind a held one wait with it, so the
// outputs still receive alerts in the order of their events.

interface Held {
  readonly containerId: string;
  readonly deadline: number;
  readonly render: () => string;
}

/** How often held alerts are checked while any are held. */
const CHECK_MS = 20;

export class ContainerWait {
  private readonly queue: Held[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Alerts sent only when their deadline passed, the container still undescribed. */
  expired = 0;

  constructor(
    /** Longest an alert is held (ms). */
    private readonly maxWaitMs: number,
    /** Whether the runtime's description of this container is still awaited. */
    private readonly pending: (containerId: string) => boolean,
    private readonly send: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** An alert whose container is being looked up: rendered once it is described, or at the deadline. */
  hold(containerId: string, render: () => string): void {
    this.queue.push({ containerId, deadline: this.now() + this.maxWaitMs, render });
    this.timer ??= setInterval(() => this.release(), CHECK_MS);
  }

  /** An alert ready now: sent at once, unless held alerts are ahead of it. */
  pass(line: string): void {
    if (this.queue.length === 0) this.send(line);
    else this.queue.push({ containerId: '', deadline: 0, render: () => line });
  }

  /** Send the held alerts that can go, in order. */
  release(): void {
    const now = this.now();
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const waiting = head.containerId !== '' && this.pending(head.containerId);
      if (waiting && now < head.deadline) break;
      if (waiting) this.expired++;
      this.queue.shift();
      this.send(head.render());
    }
    if (this.queue.length === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** At the end of a run: everything held goes out as it is. */
  flush(): void {
    for (const h of this.queue.splice(0)) this.send(h.render());
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
