// What the loader reports on its stats channel, one JSON object per line: {"ready":...} once
// attached, then cumulative counts per event type id of the events sent, of those lost because
// the ring buffer was full, and of those the kernel kept back (the open filter).
import { EVENT_TABLE } from '../capture/event-table.js';

export interface ProbeCounts {
  /** Event type id → events the probe sent. */
  readonly events: ReadonlyMap<number, number>;
  /** Event type id → events lost because the ring buffer was full (or too large to send). */
  readonly drops: ReadonlyMap<number, number>;
  /** Event type id → events the probe kept back because no rule could match them (open-filter.ts). */
  readonly filtered: ReadonlyMap<number, number>;
  readonly totalEvents: number;
  readonly totalDrops: number;
  readonly totalFiltered: number;
}

export const NO_COUNTS: ProbeCounts = { events: new Map(), drops: new Map(), filtered: new Map(), totalEvents: 0, totalDrops: 0, totalFiltered: 0 };

export interface StatsLine {
  ready?: boolean;
  final?: boolean;
  events?: Record<string, number>;
  drops?: Record<string, number>;
  filtered?: Record<string, number>;
}

function toMap(counts: Record<string, number> | undefined): [Map<number, number>, number] {
  const map = new Map<number, number>();
  let total = 0;
  for (const [type, n] of Object.entries(counts ?? {})) {
    map.set(Number(type), n);
    total += n;
  }
  return [map, total];
}

export function countsFrom(line: StatsLine): ProbeCounts {
  const [events, totalEvents] = toMap(line.events);
  const [drops, totalDrops] = toMap(line.drops);
  const [filtered, totalFiltered] = toMap(line.filtered);
  return { events, drops, filtered, totalEvents, totalDrops, totalFiltered };
}

/** Counts keyed by event name (e.g. "openat"), the way drop alerts and stats show them. */
export function byEventName(counts: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [type, n] of counts) {
    const name = EVENT_TABLE[type]?.name ?? `type${type}`;
    out[name] = (out[name] ?? 0) + n;
  }
  return out;
}
