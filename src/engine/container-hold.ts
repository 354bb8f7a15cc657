// Rules judge an event of a new container once its runtime has described it. The first event of
// a container the state meets in a cgroup starts a lookup that answers a moment later (podman
// answers only once the container has started: its first process has already run by then). So
// that "Launch Privileged Container" can see container.privileged on that very first process,
// the rules pause at such an event: the events that follow are kept, in order, and judged once the
// description arrives (it is read ahead of them), or when the pause has lasted its limit. The
// kernel's events keep being read meanwhile; only judging them waits, and never for long.
import { Event } from '../capture/event.js';

const CONTAINER_EVENTS = new Set([272, 324]); // CONTAINER_JSON_E, CONTAINER_JSON_2_E
/** Containers for which a pause already ran out, remembered so that they do not pause again. */
const GAVE_UP_KEPT = 1024;

export interface HoldOptions {
  /** Longest pause (ms). */
  readonly maxMs: number;
  /** Most events kept during a pause. */
  readonly maxEvents: number;
  /** Whether the container's description is still awaited. */
  readonly pending: (containerId: string) => boolean;
  /** Read a container event's description now, ahead of the events kept before it. */
  readonly learn: (evt: Event) => void;
  readonly now?: () => number;
}

/** What the detection loop does with one event: update the state (false: not shown), then judge it. */
export interface EventSteps {
  parse(evt: Event): boolean;
  judge(evt: Event): void;
}

export class ContainerHold {
  /** Pauses, and those that ended at their limit rather than with a description. */
  pauses = 0;
  expired = 0;
  private readonly queue: Event[] = [];
  private head = 0;
  private readonly free: Event[] = [];
  /** The event whose judgement waits, and the container it waits for. */
  private readonly waiting = new Event();
  private waitingFor: string | undefined = undefined;
  private deadline = 0;
  private timer: NodeJS.Timeout | undefined = undefined;
  private readonly gaveUp = new Set<string>();
  private readonly now: () => number;

  constructor(
    private readonly o: HoldOptions,
    private readonly steps: EventSteps,
  ) {
    this.now = o.now ?? Date.now;
  }

  /** Handle an event from the stream (valid during this call only). */
  offer(evt: Event): void {
    if (this.waitingFor === undefined && this.head === this.queue.length) {
      this.run(evt);
      return;
    }
    if (CONTAINER_EVENTS.has(evt.type)) this.o.learn(evt);
    this.keep(evt);
    this.pump();
  }

  /** The stream ended: judge everything kept, without waiting any longer. */
  finish(): void {
    if (this.waitingFor !== undefined) this.resume(true);
    this.pump();
    clearTimeout(this.timer);
  }

  private run(evt: Event): void {
    if (!this.steps.parse(evt)) return;
    const id = evt.thread?.containerId;
    if (id && this.o.pending(id) && !this.gaveUp.has(id)) {
      this.pauses++;
      this.waiting.copyFrom(evt);
      this.waitingFor = id;
      this.deadline = this.now() + this.o.maxMs;
      this.timer = setTimeout(() => this.pump(), this.o.maxMs + 1);
      return;
    }
    this.steps.judge(evt);
  }

  /** Judge what can be judged, in order. */
  private pump(): void {
    if (this.waitingFor !== undefined) {
      const described = !this.o.pending(this.waitingFor);
      const full = this.queue.length - this.head >= this.o.maxEvents;
      if (!described && !full && this.now() < this.deadline) return;
      this.resume(!described);
    }
    while (this.waitingFor === undefined && this.head < this.queue.length) {
      const e = this.queue[this.head];
      this.queue[this.head++] = undefined as unknown as Event;
      this.run(e);
      this.free.push(e);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
  }

  private resume(gaveUp: boolean): void {
    clearTimeout(this.timer);
    const id = this.waitingFor!;
    this.waitingFor = undefined;
    if (gaveUp) {
      this.expired++;
      this.gaveUp.add(id);
      if (this.gaveUp.size > GAVE_UP_KEPT) this.gaveUp.delete(this.gaveUp.values().next().value!);
    }
    this.steps.judge(this.waiting);
  }

  private keep(evt: Event): void {
    const e = this.free.pop() ?? new Event();
    e.copyFrom(evt);
    this.queue.push(e);
  }
}
