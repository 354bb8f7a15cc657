// Alerts about a container the runtime has not described yet. The event was matched at once (a
// rule never waits), but an alert that says container.name=<NA> for a container started a moment
// ago is of little use: the alert is held until the container's description arrives in the
// stream, or a deadline passes, and only its container and k8s fields are filled in then (every
// other field was read when the event happened). Alerts about other containers and the host are
// not held back by these; those about one container keep their order.

interface Held<A> {
  readonly containerId: string;
  readonly deadline: number;
  readonly render: () => A;
}

/** How often held alerts are checked while any are held. */
const CHECK_MS = 20;

/** Holds alerts of type A (an Alert; a string in tests). */
export class ContainerWait<A> {
  private held: Held<A>[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Alerts sent only when their deadline passed, the container still undescribed. */
  expired = 0;

  constructor(
    /** Longest an alert is held (ms). */
    private readonly maxWaitMs: number,
    /** Whether the runtime's description of this container is still awaited. */
    private readonly pending: (containerId: string) => boolean,
    private readonly send: (alert: A) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** An alert whose container is being looked up: rendered once it is described, or at the deadline. */
  hold(containerId: string, render: () => A): void {
    this.held.push({ containerId, deadline: this.now() + this.maxWaitMs, render });
    this.timer ??= setInterval(() => this.release(), CHECK_MS);
  }

  /** Send the held alerts that can go. */
  release(): void {
    const now = this.now();
    const still: Held<A>[] = [];
    for (const h of this.held) {
      const waiting = this.pending(h.containerId);
      // An earlier alert about the same container still held keeps this one behind it.
      if ((waiting && now < h.deadline) || still.some((s) => s.containerId === h.containerId)) {
        still.push(h);
        continue;
      }
      if (waiting) this.expired++;
      this.send(h.render());
    }
    this.held = still;
    if (still.length === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** At the end of a run: everything held goes out as it is. */
  flush(): void {
    for (const h of this.held.splice(0)) this.send(h.render());
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
