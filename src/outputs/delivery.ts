// The delivery layer: one Delivery under each output (target.ts's DeliveryTarget), so that an
// output is only an adapter that delivers a batch and says whether it arrived.
//
// - Each output has its own queue, bounded by Falco's outputs_queue.capacity (0: unbounded, Falco's
//   default). When it is full the OLDEST alert waiting is dropped and counted (Falco drops the new
//   one; an alert about what happens now is worth more than one the receiver missed long ago).
// - Alerts are taken from the queue in batches; one attempt delivers a batch and has a deadline
//   (output_timeout): an output that never answers is aborted, not waited for.
// - An output that retries (network outputs) gets its batch back at the head of its queue and
//   tries again after an exponential backoff with full jitter (a random wait between 0 and
//   min(cap, base * 2^attempt): many ghostwatch instances do not hammer a receiver that comes
//   back in step), until the alert is delivered or older than delivery.max_age_s. A local output
//   (stdout, file, program) does not retry: its failed alerts are lost and counted.
// - enqueue() never waits: the code that reads the kernel hands the alert over and goes on; each
//   output drains its queue on its own, so one slow or dead output never delays another.
// - A failure is reported once per outage (and at most once per REPORT_INTERVAL_MS), the recovery
//   too, with how long it lasted and what was retried or lost.
// - With a spool (spool.ts), an alert is written to disk before its first attempt and removed once
//   delivered, so that a restart sends again what a crash left undelivered.
import type { Spool } from './spool.js';
import type { Alert, DeliveryStats, DeliveryTarget } from './target.js';

export interface DeliverySettings {
  /** outputs_queue.capacity: alerts waiting per output, 0 for no bound. */
  readonly capacity: number;
  /** The deadline of one attempt (output_timeout), and at close, how long without progress before giving up. */
  readonly attemptTimeoutMs: number;
  /** delivery.max_age_s, in ms: an alert older than this is no longer retried. */
  readonly maxAgeMs: number;
  /** Most alerts in one attempt. */
  readonly batchSize: number;
  /** First retry's upper bound and the highest (ms). */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

export const DEFAULT_BACKOFF = { backoffBaseMs: 100, backoffMaxMs: 5000 } as const;

/** Where failures (error) and recoveries (notice) are said. */
export interface DeliveryReports {
  error(message: string): void;
  notice(message: string): void;
}

/** An alert waiting, with when it was first queued (its age counts from then, across restarts with a spool). */
export interface QueuedAlert {
  readonly alert: Alert;
  readonly queuedAt: number;
  /** Attempts that failed for it. */
  failures: number;
}

/** The least time between two failure reports of one output. */
const REPORT_INTERVAL_MS = 10_000;
/** While closing, retries wait at most this long: the deadline, not the backoff, decides when to stop. */
const CLOSING_RETRY_MS = 100;

export class Delivery {
  private queue: QueuedAlert[] = [];
  private head = 0;
  private inFlight: readonly QueuedAlert[] = [];
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private closing = false;
  private giveUp = false;
  private wakeRetry: (() => void) | undefined;
  private sent = 0;
  private retried = 0;
  private dropped = 0;
  /** Alerts dropped because the queue was full (Falco's outputs_queue drops). */
  queueDrops = 0;
  /** Alerts handled (delivered or given up): the progress close() watches. */
  private handled = 0;
  private outage: { since: number; reported: boolean; retried: Set<string>; lost: number } | undefined;
  private lastReport = -Infinity;

  constructor(
    readonly target: DeliveryTarget,
    private readonly settings: DeliverySettings,
    private readonly reports: DeliveryReports,
    private readonly spool?: Spool,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    // What a previous run left in the spool goes first, with its uuid and its age.
    for (const q of spool?.restored() ?? []) this.push(q);
    if (this.length > 0) this.startDrain();
  }

  get name(): string {
    return this.target.name;
  }

  /** Queues the alert; never waits. */
  enqueue(alert: Alert): void {
    const q: QueuedAlert = { alert, queuedAt: this.now(), failures: 0 };
    if (this.spool !== undefined && !this.spool.append(q)) {
      this.dropped++;
      this.handled++;
      this.failed(`${this.name} output: the spool is full (delivery.spool_max_bytes); new alerts are dropped until it has room`, 1);
      return;
    }
    this.push(q);
    this.startDrain();
  }

  stats(): DeliveryStats {
    const oldest = this.inFlight.at(0) ?? this.queue.at(this.head);
    return {
      output: this.name,
      sent: this.sent,
      retried: this.retried,
      dropped: this.dropped,
      spooled: this.spool?.pending ?? 0,
      oldestAgeMs: oldest === undefined ? 0 : Math.max(0, this.now() - oldest.queuedAt),
    };
  }

  reopen(): void {
    this.target.reopen?.();
  }

  /**
   * Delivers what waits, as long as each output_timeout sees progress; then releases the output.
   * Resolves to false when alerts were left undelivered (reported, and kept by the spool if any).
   */
  async close(): Promise<boolean> {
    this.closing = true;
    this.wakeRetry?.();
    let handled = -1;
    while (this.draining && this.handled !== handled) {
      handled = this.handled;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.drained, new Promise((resolve) => (timer = setTimeout(resolve, this.settings.attemptTimeoutMs)))]);
      clearTimeout(timer);
    }
    const left = this.length + this.inFlight.length;
    this.giveUp = true;
    this.wakeRetry?.();
    if (this.spool !== undefined) {
      this.spool.close();
      if (left > 0) this.reports.error(`${this.name} output: ${left} alerts not delivered at exit; the spool keeps them for the next start`);
    } else if (left > 0) {
      this.dropped += left;
      this.reports.error(`${this.name} output: ${left} alerts not delivered at exit, lost`);
    }
    if (this.outage !== undefined && this.outage.lost > 0 && !this.target.retry) {
      this.reports.error(`${this.name} output: ${this.outage.lost} alerts were lost while it failed`);
    }
    await this.target.close();
    return left === 0;
  }

  private get length(): number {
    return this.queue.length - this.head;
  }

  private push(q: QueuedAlert): void {
    this.queue.push(q);
    const cap = this.settings.capacity;
    if (cap > 0 && this.length > cap) this.dropOldest(this.length - cap);
  }

  private dropOldest(n: number): void {
    const gone = this.queue.slice(this.head, this.head + n);
    this.head += n;
    this.dropped += n;
    this.queueDrops += n;
    this.handled += n;
    this.spool?.ack(gone);
  }

  private take(n: number): QueuedAlert[] {
    const batch = this.queue.slice(this.head, this.head + n);
    this.head += batch.length;
    // Compact once the consumed part dominates, so the array does not grow forever.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  private putBack(batch: readonly QueuedAlert[]): void {
    if (this.head >= batch.length) {
      this.head -= batch.length;
      for (let i = 0; i < batch.length; i++) this.queue[this.head + i] = batch[i];
    } else {
      this.queue = [...batch, ...this.queue.slice(this.head)];
      this.head = 0;
    }
    const cap = this.settings.capacity;
    if (cap > 0 && this.length > cap) this.dropOldest(this.length - cap);
  }

  private startDrain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drained = this.drain().finally(() => (this.draining = false));
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    while (this.length > 0 && !this.giveUp) {
      const batch = this.take(this.settings.batchSize);
      this.inFlight = batch;
      this.spool?.flush();
      const error = await this.attempt(batch);
      this.inFlight = [];
      if (error === undefined) {
        attempt = 0;
        this.delivered(batch);
        continue;
      }
      // close() may have given up during the attempt.
      if (this.givenUp()) {
        this.putBack(batch);
        return;
      }
      if (!this.target.retry) {
        this.lose(batch, error);
        continue;
      }
      this.retried++;
      const now = this.now();
      const young = batch.filter((q) => now - q.queuedAt < this.settings.maxAgeMs);
      for (const q of young) q.failures++;
      const tooOld = batch.length - young.length;
      this.failed(error, 0);
      if (tooOld > 0) {
        const old = batch.filter((q) => !young.includes(q));
        this.dropped += tooOld;
        this.handled += tooOld;
        this.outage!.lost += tooOld;
        for (const q of old) this.outage!.retried.delete(q.alert.uuid);
        this.spool?.ack(old);
      }
      for (const q of young) this.outage!.retried.add(q.alert.uuid);
      this.putBack(young);
      await this.sleep(this.backoff(attempt++));
    }
  }

  private givenUp(): boolean {
    return this.giveUp;
  }

  /** One attempt at the batch: undefined when it arrived, else why not. */
  private async attempt(batch: readonly QueuedAlert[]): Promise<string | undefined> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((resolve) => {
      timer = setTimeout(() => {
        const why = `${this.name} output: no answer within ${this.settings.attemptTimeoutMs} ms (output_timeout)`;
        abort.abort(new Error(why));
        resolve(why);
      }, this.settings.attemptTimeoutMs);
    });
    const alerts = batch.map((q) => q.alert);
    try {
      return await Promise.race([this.target.deliver(alerts, abort.signal).then(() => undefined, (e: unknown) => errorText(e)), deadline]);
    } catch (e) {
      return errorText(e);
    } finally {
      clearTimeout(timer);
    }
  }

  private delivered(batch: readonly QueuedAlert[]): void {
    this.sent += batch.length;
    this.handled += batch.length;
    this.spool?.ack(batch);
    const o = this.outage;
    if (o === undefined) return;
    this.outage = undefined;
    if (!o.reported) return;
    const seconds = Math.round((this.now() - o.since) / 1000);
    // The backlog: this batch and what queued behind it while the output was down.
    const backlog = batch.length + this.length;
    const what = this.target.retry
      ? `${o.retried.size} alerts retried, ${backlog} were waiting${o.lost > 0 ? `, ${o.lost} too old and dropped` : ''}`
      : `${o.lost} alerts lost`;
    this.reports.notice(`${this.name} output: delivering again after ${seconds} s, ${what}`);
  }

  private lose(batch: readonly QueuedAlert[], error: string): void {
    this.dropped += batch.length;
    this.handled += batch.length;
    this.spool?.ack(batch);
    this.failed(error, batch.length);
  }

  /** A failure: the first of an outage is reported (rate-limited), the others counted. */
  private failed(error: string, lost: number): void {
    if (this.outage === undefined) {
      const now = this.now();
      const report = now - this.lastReport >= REPORT_INTERVAL_MS;
      this.outage = { since: now, reported: report, retried: new Set(), lost: 0 };
      if (report) {
        this.lastReport = now;
        this.reports.error(this.target.retry ? `${error}; retrying (the alerts wait in its queue)` : error);
      }
    }
    this.outage.lost += lost;
  }

  /** Full jitter: a random wait up to the exponential bound (shorter while closing). */
  private backoff(attempt: number): number {
    const bound = Math.min(this.settings.backoffMaxMs, this.settings.backoffBaseMs * 2 ** Math.min(attempt, 30));
    return Math.floor(this.random() * (this.closing ? Math.min(bound, CLOSING_RETRY_MS) : bound));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeRetry = done;
    }).then(() => {
      this.wakeRetry = undefined;
    });
  }
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/[\r\n]+/g, ' ');
}
