// Audit events out of what kube-apiserver sends (or a log line holds): one audit.k8s.io Event
// (kind: Event), an EventList (kind: EventList, its items), or a JSON array of either. Each event
// becomes an AuditEvent: its time (stageTimestamp, RFC 3339 with nanoseconds, as the plugin takes
// it), its JSON value (parsed once, handed to the fields) and its bytes (compact JSON, what jevt.obj
// and evt.plugininfo print and maxEventSize measures). An item that is not an event, has no usable
// stageTimestamp, or is larger than maxEventSize is counted and left out; the others are kept.
import type { Json } from '../../fields/json.js';
import { isJsonArray, jsonChild } from '../../fields/json.js';

export interface AuditEvent {
  /** stageTimestamp, in nanoseconds since the epoch. */
  readonly tsNs: bigint;
  readonly value: Json;
  readonly data: Buffer;
}

/** What one payload held. */
export interface Payload {
  readonly events: AuditEvent[];
  /** Items that are not audit events, or have no usable stageTimestamp. */
  invalid: number;
  /** Events over maxEventSize. */
  tooLarge: number;
  /** Whether the payload was recognized at all (an Event, an EventList or an array). */
  readonly recognized: boolean;
}

/** The audit events of a parsed payload. */
export function auditEventsOf(payload: Json, maxEventSize: number): Payload {
  const out: Payload = { events: [], invalid: 0, tooLarge: 0, recognized: false };
  const recognized = collect(payload, maxEventSize, out);
  return { ...out, recognized };
}

/** Whether `v` is an Event or an EventList with its items. */
function isEventOrList(v: Json): boolean {
  const kind = jsonChild(v, 'kind');
  return kind === 'Event' || (kind === 'EventList' && isJsonArray(jsonChild(v, 'items')));
}

/**
 * Adds what `root` holds to `out`; false when it is neither an event, an event list nor an array.
 * Arrays nest; they are walked without recursion, so nothing a client sends can exhaust the stack.
 */
function collect(root: Json, maxEventSize: number, out: Payload): boolean {
  if (!isJsonArray(root) && !isEventOrList(root)) return false;
  const pending: Json[] = [root];
  while (pending.length > 0) {
    const v = pending.pop()!;
    if (isJsonArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pending.push(v[i]);
    } else if (jsonChild(v, 'kind') === 'Event') {
      addEvent(v, maxEventSize, out);
    } else if (isEventOrList(v)) {
      for (const item of jsonChild(v, 'items') as readonly Json[]) addEvent(item, maxEventSize, out);
    } else {
      out.invalid++;
    }
  }
  return true;
}

function addEvent(v: Json, maxEventSize: number, out: Payload): void {
  const stamp = jsonChild(v, 'stageTimestamp');
  const tsNs = typeof stamp === 'string' ? parseRfc3339Nano(stamp) : undefined;
  if (tsNs === undefined) {
    out.invalid++;
    return;
  }
  let text: string;
  try {
    text = JSON.stringify(v);
  } catch {
    // Nesting too deep to write out again: not an event anyone sends.
    out.invalid++;
    return;
  }
  // A string's length bounds its UTF-8 size from below; measure exactly only near the limit.
  if (text.length > maxEventSize || (text.length * 3 > maxEventSize && Buffer.byteLength(text) > maxEventSize)) {
    out.tooLarge++;
    return;
  }
  out.events.push({ tsNs, value: v, data: Buffer.from(text, 'utf8') });
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Nanoseconds since the epoch of an RFC 3339 time (Go's time.RFC3339Nano); undefined when it is not one. */
export function parseRfc3339Nano(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m.at(7) ?? '';
  const ns = fraction === '' ? 0n : BigInt(fraction.slice(0, 9).padEnd(9, '0'));
  let offsetMin = 0;
  if (m.at(8) === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000;
  return BigInt(ms) * 1_000_000n + ns;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
