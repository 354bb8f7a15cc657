// sysdig's -j: each event as one JSON object of the format's fields, as libsinsp builds it (its
// formatter's tojson, written by jsoncpp 1.9's FastWriter): keys are the fields as written, sorted;
// the time fields are the raw nanoseconds (evt.outputtime too, whatever -t says), latencies and
// deltas their nanoseconds; numeric fields printed in decimal are numbers, in hex or octal strings,
// in no format null; booleans true/false; text, paths, buffers and addresses strings; a missing
// value is null (and, without a leading '*', drops the line as in text output). Other types
// (errno, fd, flags... of evt.rawarg) are sysdig's error "wrong event type N". Each field is
// extracted twice per event, as libsinsp does, which shows in fields that remember the previous
// event (evt.deltatime is always 0).
import type { Event } from '../capture/event.js';
import { ParamType, PrintFormat } from '../capture/event-types.js';
import type { LineSink, OutputFormat } from './format.js';
import { FieldError, type BoundField } from './types.js';

/** Fields whose JSON value is the event's timestamp. */
const TIMESTAMP_FIELDS: ReadonlySet<string> = new Set([
  'evt.outputtime', 'evt.time', 'evt.time.s', 'evt.time.iso8601', 'evt.datetime', 'evt.datetime.s',
]);
/** Fields whose JSON value is their nanoseconds (or seconds) as an integer, whatever their print format. */
const INTEGER_FIELDS: ReadonlySet<string> = new Set([
  'evt.rawtime', 'evt.rawtime.s', 'evt.rawtime.ns', 'evt.reltime', 'evt.reltime.s', 'evt.reltime.ns',
  'evt.latency', 'evt.latency.s', 'evt.latency.ns', 'evt.deltatime', 'evt.deltatime.s', 'evt.deltatime.ns',
]);

const T = ParamType;
const F = PrintFormat;
/** Numbers: JSON numbers in decimal or id format, strings in hex or octal (and, for 64-bit signed ones, any other). */
const SIGNED_64: ReadonlySet<number> = new Set([T.INT64, T.PID]);
const SMALL_INTEGERS: ReadonlySet<number> = new Set([T.INT8, T.INT16, T.INT32, T.UINT8, T.L4PROTO, T.UINT16, T.PORT, T.UINT32]);
const UNSIGNED_64: ReadonlySet<number> = new Set([T.UINT64, T.RELTIME, T.ABSTIME]);
const TEXT: ReadonlySet<number> = new Set([T.CHARBUF, T.FSPATH, T.BYTEBUF, T.IPV4ADDR, T.IPV6ADDR, T.IPADDR, T.FSRELPATH]);

/** A JSON value already written as text ('null' for none). */
type Json = string;

export class JsonFormat {
  /** Each field once, keyed by its text, in key order. */
  private readonly keys: readonly string[];
  private readonly values = new Map<string, Json>();

  constructor(private readonly format: OutputFormat) {
    this.keys = [...new Set(format.fields.map((f) => f.text))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The event's line, with its newline, into `out`; nothing when a value is missing and the format requires all. */
  write(evt: Event, out: LineSink): void {
    let complete = true;
    for (const f of this.format.fields) {
      const first = jsonOf(f, evt);
      if (!complete) continue;
      if (first === 'null' && this.format.requireAll) {
        complete = false;
        continue;
      }
      this.values.set(f.text, jsonOf(f, evt));
    }
    if (!complete) return;
    out.text('{');
    this.keys.forEach((k, i) => {
      out.text(`${i === 0 ? '' : ','}${quote(k)}:${this.values.get(k) ?? 'null'}`);
    });
    out.text('}');
    out.endLine();
  }
}

function jsonOf(f: BoundField, evt: Event): Json {
  const name = f.def.name;
  if (TIMESTAMP_FIELDS.has(name)) return evt.ts().toString();
  if (INTEGER_FIELDS.has(name)) return integer(f.render(evt));
  if (name === 'evt.count') return '1';
  const type = f.type;
  const fmt = f.def.printFormat ?? F.NA;
  if (TEXT.has(type)) {
    const s = f.render(evt);
    return s === undefined ? 'null' : quote(s);
  }
  if (type === T.BOOL) {
    const v = f.extract(evt);
    return v === undefined ? 'null' : v === true || (typeof v === 'number' && v !== 0) ? 'true' : 'false';
  }
  const decimal = fmt === F.DEC || fmt === F.ID;
  if (SIGNED_64.has(type) || SMALL_INTEGERS.has(type) || UNSIGNED_64.has(type)) {
    const s = f.render(evt);
    if (s === undefined) return 'null';
    if (decimal) return integer(s);
    const asText = fmt === F.HEX || fmt === F.OCT || SIGNED_64.has(type) || (UNSIGNED_64.has(type) && fmt === F.PADDED_DEC);
    return asText ? quote(s) : 'null';
  }
  if (f.extract(evt) === undefined) return 'null';
  throw new FieldError(`wrong event type ${type}`);
}

/** A printed integer as a JSON number (leading zeros of padded formats dropped). */
function integer(s: string | undefined): Json {
  if (s === undefined || !/^-?\d+$/.test(s)) return 'null';
  return BigInt(s).toString();
}

/**
 * A JSON string as jsoncpp 1.9 writes it: `"`, `\` and the control characters escaped (\b \f \n \r
 * \t, others \u00XX), every character past ASCII as \uXXXX (UTF-16 units, lowercase hex).
 */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c >= 0x80) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}
