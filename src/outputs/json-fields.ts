// The value of a field in an alert's JSON `output_fields`, typed as libsinsp types it: integers
// printed in decimal are JSON numbers (exact to 64 bits: taken from the printed text), booleans
// are true/false, everything else is the printed text; a field without a value is null. The event
// time fields (evt.time, evt.time.iso8601...) give the event's timestamp in nanoseconds.
import type { Event } from '../capture/event.js';
import { ParamType as T, PrintFormat as F } from '../capture/event-types.js';
import type { BoundField } from '../fields/types.js';

const EVENT_TIME_FIELDS = new Set(['evt.time', 'evt.time.s', 'evt.time.iso8601', 'evt.datetime', 'evt.datetime.s', 'evt.outputtime']);

const INTEGER_TYPES = new Set<number>([
  T.INT8, T.INT16, T.INT32, T.INT64, T.UINT8, T.UINT16, T.UINT32, T.UINT64, T.PID, T.PORT, T.L4PROTO,
  T.RELTIME, T.ABSTIME, T.FD, T.ERRNO, T.UID, T.GID, T.FD32, T.PID32,
]);
const DECIMAL_FORMATS = new Set<number | undefined>([undefined, F.NA, F.DEC, F.ID]);
const INTEGER_TEXT = /^-?\d+$/;

/** The field's value for this event as JSON text. */
export function fieldJson(field: BoundField, evt: Event): string {
  if (EVENT_TIME_FIELDS.has(field.text)) return evt.ts().toString();
  const text = field.render(evt);
  if (text === undefined) return 'null';
  if (field.type === T.BOOL) return field.extract(evt) ? 'true' : 'false';
  if (INTEGER_TYPES.has(field.type) && DECIMAL_FORMATS.has(field.def.printFormat)) {
    if (INTEGER_TEXT.test(text)) return text;
    const v = field.extract(evt);
    if (typeof v === 'number' && Number.isFinite(v)) return String(Math.trunc(v));
  }
  if (field.type === T.DOUBLE && Number.isFinite(Number(text)) && text.trim() !== '') return String(Number(text));
  return JSON.stringify(text);
}
