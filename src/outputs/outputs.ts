// The configured outputs as one: every alert is queued for each of them (delivery.ts), in the
// order configured, and each delivers on its own. close() gives each output time to deliver what
// waits, as long as it makes progress: one that handles no alert for output_timeout milliseconds
// is given up (Falco's watchdog on blocked outputs); the outputs close side by side.
import type { Delivery } from './delivery.js';
import type { Alert, DeliveryStats } from './target.js';

export class Outputs {
  constructor(private readonly list: readonly Delivery[]) {}

  get size(): number {
    return this.list.length;
  }

  send(alert: Alert): void {
    for (const d of this.list) d.enqueue(alert);
  }

  reopen(): void {
    for (const d of this.list) d.reopen();
  }

  /** Each output's delivery counters, in the order configured. */
  stats(): DeliveryStats[] {
    return this.list.map((d) => d.stats());
  }

  /** Alerts dropped because an output's queue was full (Falco's falcosecurity_falco_outputs_queue_num_drops_total). */
  queueDrops(): number {
    return this.list.reduce((n, d) => n + d.queueDrops, 0);
  }

  /** Resolves to false when an output stopped making progress for output_timeout before it had delivered everything. */
  async close(): Promise<boolean> {
    const done = await Promise.all(this.list.map((d) => d.close()));
    return done.every(Boolean);
  }
}
