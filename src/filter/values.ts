// Literal values of a condition, parsed once at compile time to the type of the field they are
// compared with, the way libsinsp's string_to_rawval reads them (numbers as sscanf("%d") does,
// addresses as inet_pton does, ports by number or service name). Errors are thrown as plain Errors
// carrying libsinsp's wording; the compiler adds the position.
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { ParamType } from '../capture/event-types.js';

/**
 * An IP address as fields return it: IPv4 as a number in the FdInfo encoding (the 4 address bytes
 * read little-endian: a.b.c.d = a + b*2^8 + c*2^16 + d*2^24), IPv6 as 16 bytes.
 */
export type IpLiteral = number | Buffer;

/** An IP network: the address and the prefix length in bits. */
export interface NetLiteral {
  readonly v4: boolean;
  /** IPv4: the network part (already masked) and the mask, as unsigned 32-bit numbers in the address encoding. */
  readonly ip: number;
  readonly mask: number;
  /** IPv6: the address and prefix length. */
  readonly bytes: Buffer;
  readonly bits: number;
}

const TWO64 = 1n << 64n;
const U64_MAX = TWO64 - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const SCANF_INT = /^[ \t\n\v\f\r]*([+-]?\d+)$/;

/** An integer as sscanf("%d"/"%u") into a `bits`-wide variable: out-of-range values wrap as in C. */
export function parseInteger(text: string, bits: 8 | 16 | 32 | 64, signed: boolean): number {
  const m = SCANF_INT.exec(text);
  if (m === null) throw new Error(`${text} is not a valid number`);
  let n = BigInt(m[1]);
  if (signed) {
    if (n > I64_MAX) n = I64_MAX;
    if (n < I64_MIN) n = I64_MIN;
    return Number(BigInt.asIntN(bits, n));
  }
  // strtoul: a magnitude beyond 64 bits saturates, a negative number wraps around.
  if (n > U64_MAX || -n > U64_MAX) n = U64_MAX;
  else if (n < 0n) n += TWO64;
  return Number(BigInt.asUintN(bits, n));
}

/** IPv4 dotted quad as inet_pton reads it (exactly four decimal parts, no leading zeros), in the address encoding. */
export function parseIpv4(text: string): number | undefined {
  const bytes = ipv4Bytes(text);
  return bytes === undefined ? undefined : bytes.readUInt32LE(0);
}

function ipv4Bytes(text: string): Buffer | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

/** The mask of a /bits IPv4 network, in the address encoding. */
function ipv4Mask(bits: number): number {
  const out = Buffer.alloc(4);
  if (bits > 0) out.writeUInt32BE((0xffffffff << (32 - bits)) >>> 0, 0);
  return out.readUInt32LE(0);
}

export function parseIpv6(text: string): Buffer | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const out = Buffer.alloc(16);
  let head = text;
  let tailV4: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tailV4 = ipv4Bytes(text.slice(lastColon + 1))?.readUInt32BE(0);
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.split('::') as [string, string | undefined];
  const groups = (s: string | undefined): number[] => (s ? s.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)) : []);
  const l = groups(left);
  const r = groups(right);
  const all = right === undefined ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  if (all.length !== 8) return undefined;
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (tailV4 !== undefined) out.writeUInt32BE(tailV4, 12);
  return out;
}

export function parseIpLiteral(text: string, type: ParamType): IpLiteral {
  const v4 = type === ParamType.IPV4ADDR || (type === ParamType.IPADDR && text.includes('.'));
  if (v4) {
    const ip = parseIpv4(text);
    if (ip === undefined) throw new Error(`unrecognized IPv4 address ${text}`);
    return ip;
  }
  const ip = parseIpv6(text);
  if (ip === undefined) throw new Error(`unrecognized IPv6 address ${text}`);
  return ip;
}

export function parseNetLiteral(text: string, type: ParamType): NetLiteral {
  const v4 = type === ParamType.IPV4NET || (type === ParamType.IPNET && text.includes('.'));
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(v4 ? `unrecognized IP network ${text}` : `invalid v6 netmask: ${text}`);
  const addr = text.slice(0, slash);
  const maskText = text.slice(slash + 1);
  const bits = parseInteger(maskText, 8, false);
  if (v4) {
    const ip = parseIpv4(addr);
    if (ip === undefined) throw new Error(`unrecognized IP address ${text}`);
    if (bits > 32) throw new Error(`invalid netmask ${maskText}`);
    const mask = ipv4Mask(bits);
    return { v4: true, ip: (ip & mask) >>> 0, mask, bytes: EMPTY, bits };
  }
  const bytes = parseIpv6(addr);
  if (bytes === undefined) throw new Error(`unrecognized IPv6 address ${text}`);
  if (bits === 0 || bits > 128) throw new Error(`invalid v6 netmask ${maskText}`);
  return { v4: false, ip: 0, mask: 0, bytes, bits };
}

const EMPTY = Buffer.alloc(0);

/** Whether an address (as fields return it) lies in a network. Addresses of the other family never do. */
export function inNet(addr: number | Buffer | Uint8Array, net: NetLiteral): boolean {
  if (typeof addr === 'number') return net.v4 && ((addr & net.mask) >>> 0) === net.ip;
  if (net.v4 || addr.length !== 16) return false;
  const full = net.bits >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== net.bytes[i]) return false;
  const rest = net.bits & 7;
  if (rest === 0) return true;
  const shift = 8 - rest;
  return addr[full] >> shift === net.bytes[full] >> shift;
}

export function parseBool(text: string): number {
  if (text === 'true') return 1;
  if (text === 'false') return 0;
  throw new Error(`filter error: unrecognized boolean value ${text}`);
}

let services: Map<string, number> | undefined;

/** A port by number, or by service name as getservbyname finds it in /etc/services. */
export function parsePort(text: string): number {
  if (text === '') return 0;
  if (/^\d+$/.test(text)) return Number(BigInt.asUintN(16, BigInt(text)));
  services ??= readServices();
  const port = services.get(text);
  if (port === undefined) throw new Error(`unrecognized protocol ${text}`);
  return port;
}

function readServices(): Map<string, number> {
  const map = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync('/etc/services', 'latin1');
  } catch {
    return map;
  }
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    const port = /^(\d+)\//.exec(words[1] ?? '');
    if (port === null) continue;
    for (const name of [words[0], ...words.slice(2)]) if (!map.has(name)) map.set(name, Number(port[1]));
  }
  return map;
}

/** `bcontains`/`bstartswith` take their bytes in hex. */
export function parseHexBytes(text: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new Error('filter error: bcontains and bstartswith operator support hex strings only');
  }
  return Buffer.from(text, 'hex');
}

/** A number literal for a numeric field of this type. */
export function parseNumberLiteral(text: string, type: ParamType): number {
  switch (type) {
    case ParamType.INT8: return parseInteger(text, 8, true);
    case ParamType.INT16: return parseInteger(text, 16, true);
    case ParamType.INT32: case ParamType.FD32: case ParamType.PID32: return parseInteger(text, 32, true);
    case ParamType.INT64: case ParamType.FD: case ParamType.PID: case ParamType.ERRNO: return parseInteger(text, 64, true);
    case ParamType.UINT8: case ParamType.FLAGS8: case ParamType.ENUMFLAGS8: case ParamType.L4PROTO:
    case ParamType.SIGTYPE:
      return parseInteger(text, 8, false);
    case ParamType.UINT16: case ParamType.FLAGS16: case ParamType.ENUMFLAGS16: case ParamType.SYSCALLID:
      return parseInteger(text, 16, false);
    case ParamType.PORT: return parsePort(text);
    case ParamType.UINT32: case ParamType.FLAGS32: case ParamType.ENUMFLAGS32: case ParamType.MODE:
    case ParamType.UID: case ParamType.GID:
      return parseInteger(text, 32, false);
    // Doubles are read as 32-bit integers: libsinsp never parsed fractional literals.
    case ParamType.DOUBLE: return parseInteger(text, 32, true);
    default: return parseInteger(text, 64, false);
  }
}
