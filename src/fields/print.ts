// How a field value prints in an output line, by its type and print format, the way libsinsp turns
// an extracted value into text. Quirks kept on purpose because sysdig shows them: unsigned 8/16/32-bit
// values ignore HEX and print in decimal, and an unsigned value whose field declares no print format
// prints as <NA> (undefined here), as evt.type.is does.
import { ParamType, PrintFormat } from '../capture/event-types.js';
import type { FieldValue } from './types.js';
import { ipv4ToString, ipv6ToString } from '../state/net-format.js';

export { ipv4ToString, ipv6ToString };

const T = ParamType;
const F = PrintFormat;

/** Whether printValue prints a safe integer >= 0 of this type and format as its decimal digits, as String() does. */
export function printsDigits(type: ParamType, fmt: PrintFormat): boolean {
  return (type === T.UINT64 || type === T.RELTIME || type === T.ABSTIME) && (fmt === F.DEC || fmt === F.ID);
}

/** The text of a value; undefined when sysdig would print <NA>. */
export function printValue(v: FieldValue, type: ParamType, fmt: PrintFormat): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.join(' ');
  switch (type) {
    case T.INT8: case T.INT16: case T.INT32:
      return printSigned(num(v), fmt, 32, false);
    case T.INT64: case T.PID: case T.ERRNO: case T.FD:
      return printSigned(num(v), fmt, 64, true);
    case T.UINT8: case T.UINT16: case T.UINT32: case T.PORT: case T.L4PROTO:
      return printSmallUnsigned(num(v), fmt);
    case T.UINT64: case T.RELTIME: case T.ABSTIME:
      // Counters and sizes are mostly exact non-negative numbers: no need to go through a bigint.
      if (typeof v === 'number' && printsDigits(type, fmt) && v >= 0 && Number.isSafeInteger(v)) return String(v);
      return printUnsigned64(typeof v === 'number' ? BigInt(Math.trunc(v)) : BigInt(num(v)), fmt);
    case T.BOOL:
      return v === true || (typeof v === 'number' && v !== 0) ? 'true' : 'false';
    case T.IPV4ADDR:
      return ipv4ToString(num(v));
    case T.IPV6ADDR:
      return Buffer.isBuffer(v) || v instanceof Uint8Array ? ipv6ToString(v) : undefined;
    case T.IPADDR:
      if (typeof v === 'number') return ipv4ToString(v);
      return v instanceof Uint8Array ? ipv6ToString(v) : String(v);
    case T.DOUBLE:
      return fixed1(num(v));
    default:
      if (typeof v === 'string') return v;
      if (Buffer.isBuffer(v)) return cString(v);
      return String(v);
  }
}

function num(v: FieldValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return Number(v);
  return 0;
}

/** Signed integers: DEC/ID (and, for 64-bit, anything but OCT/HEX/PADDED) print in decimal. */
function printSigned(v: number, fmt: PrintFormat, bits: 32 | 64, lenient: boolean): string | undefined {
  switch (fmt) {
    case F.DEC: case F.ID: return String(v);
    case F.HEX: return BigInt.asUintN(bits, BigInt(v)).toString(16).toUpperCase();
    case F.OCT: return BigInt.asUintN(bits, BigInt(v)).toString(8);
    case F.PADDED_DEC: return lenient ? padded9(String(Math.abs(v)), v < 0) : undefined;
    default: return lenient ? String(v) : undefined;
  }
}

function printSmallUnsigned(v: number, fmt: PrintFormat): string | undefined {
  switch (fmt) {
    case F.DEC: case F.ID: case F.HEX: return String(v);
    case F.OCT: return v.toString(8);
    default: return undefined;
  }
}

/** 64-bit unsigned values (and times), exact. */
export function printUnsigned64(v: bigint, fmt: PrintFormat): string | undefined {
  const u = BigInt.asUintN(64, v);
  switch (fmt) {
    case F.DEC: case F.ID: return u.toString();
    case F.HEX: return u.toString(16).toUpperCase();
    case F.OCT: return u.toString(8);
    case F.PADDED_DEC: return padded9(u.toString(), false);
    default: return undefined;
  }
}

/** printf's "%09d": at least 9 digits, zero-padded after the sign. */
function padded9(digits: string, negative: boolean): string {
  const width = negative ? 8 : 9;
  return (negative ? '-' : '') + digits.padStart(width, '0');
}

/** printf's "%.1f": rounds the exact binary value, ties to even. */
export function fixed1(v: number): string {
  const scaled = v * 10;
  const isExactTie = Number.isFinite(scaled) && scaled / 10 === v && scaled - Math.floor(scaled) === 0.5;
  if (!isExactTie) return v.toFixed(1);
  const lo = Math.floor(scaled);
  return ((lo % 2 === 0 ? lo : lo + 1) / 10).toFixed(1);
}

/** A buffer as C prints it: up to its first NUL. */
function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.toString('latin1', 0, end < 0 ? b.length : end);
}

/** The type names `ghostwatch fields -v` and sysdig -lv show. */
export function typeName(type: ParamType): string {
  if (type === T.DYN) return 'DYNAMIC';
  for (const [name, value] of Object.entries(T)) if (value === type) return name;
  return 'UNKNOWN';
}
