// What a drop alert says about the live probe's losses, as Falco's drop alert does for its drivers:
// ebpf_enabled=1, and the drops since the previous once-a-second check, in total
// (n_drops_buffer_total) and per event (n_drops_buffer_<name>_exit, _enter for enter-only events
// such as procexit), as Falco names its per-event buffer drop counters.
import { EVENT_TABLE } from '../capture/event-table.js';
import type { DropSource } from './drops.js';

/** The probe's cumulative drop counters, by event type id. */
export interface DropCounters {
  readonly drops: ReadonlyMap<number, number>;
  readonly totalDrops: number;
}

export class ProbeDropSource implements DropSource {
  readonly ebpf = true;
  private last: DropCounters = { drops: new Map(), totalDrops: 0 };

  constructor(private readonly counters: () => DropCounters) {}

  details(): Record<string, string> {
    const now = this.counters();
    const out: Record<string, string> = { n_drops_buffer_total: String(now.totalDrops - this.last.totalDrops) };
    for (const [type, n] of now.drops) {
      const delta = n - (this.last.drops.get(type) ?? 0);
      if (delta > 0) out[`n_drops_buffer_${eventLabel(type)}`] = String(delta);
    }
    return out;
  }

  checked(): void {
    this.last = this.counters();
  }
}

function eventLabel(type: number): string {
  if (type >= EVENT_TABLE.length) return `type${type}`;
  const info = EVENT_TABLE[type];
  return `${info.name}_${info.dir === '>' ? 'enter' : 'exit'}`;
}
