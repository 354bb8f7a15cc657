// Event parameters as sysdig 0.29.3 prints them (libsinsp 2022, sinsp_evt::get_param_as_str): each
// parameter has a value ("3", "-2", "4097") and maybe a resolved form ("<f>/etc/passwd", "ENOENT",
// "O_RDONLY|O_CLOEXEC"). evt.info / evt.args show `name=value(resolved) ` for every parameter,
// evt.arg.NAME the resolved form when there is one, else the value. Resolution reads the state the
// engine attached to the event: its thread's fd table and cwd; other threads, users and groups.
import type { Event } from '../capture/event.js';
import { EVENT_TABLE, legacyParamCount } from '../capture/event-table.js';
import { ParamType, PrintFormat, type EventInfo, type NameValue, type ParamInfo } from '../capture/event-types.js';
import { errnoName, LEGACY_SYSCALL_COUNT, signalName, SYSCALL_NAMES } from '../capture/names.js';
import {
  cStringEnd, formatG, ipv4At, ipv6At, isIpv4MappedIpv6, padded9, renderBuffer, resolvePath, sanitizedString, sanitizeText,
  type BufferFormat,
} from './render-text.js';
import { FdType, type StateView, type ThreadInfo } from '../state/types.js';

export type { BufferFormat } from './render-text.js';

export interface RenderOptions {
  /** How byte buffers print (sysdig -A, -x, -X, -b; 'normal' by default). */
  readonly bufferFormat: BufferFormat;
  /** In 'normal' mode, byte buffers longer than this are cut with '...' (sysdig: 80, 0 with -v). */
  readonly maxBufferLen: number;
  /** Other threads (a pid parameter shows its comm), users and groups (uid/gid parameters). */
  readonly state?: Pick<StateView, 'thread' | 'mainThread' | 'user' | 'group'>;
  /**
   * Every parameter the event carries is visible, also those sysdig 0.29.3 does not know (rules on
   * live events, whose exit events carry the call's arguments). Off: sysdig's view.
   */
  readonly allParams?: boolean;
}

/** sysdig's defaults: normal buffers cut at 80 characters. */
export const DEFAULT_RENDER_OPTIONS: RenderOptions = { bufferFormat: 'normal', maxBufferLen: 80 };

const T = ParamType;
const GENERIC_E = 0;
const GENERIC_X = 1;
const AT_FDCWD = -100;
const TWO32 = 4294967296;
/** libsinsp copies a path parameter into a 1024-byte buffer (it grows only for other types). */
const PATH_STORAGE = 1024;
const PPM_AF_UNIX = 1;
const PPM_AF_INET = 2;
const PPM_AF_INET6 = 10;
const SCAP_L4_TCP = 2;
const SCAP_L4_UDP = 3;
const SCAP_L4_ICMP = 4;
const SCAP_L4_RAW = 5;

/** The letter sysdig shows for each fd type, in `fd=3(<f>/etc/passwd)` and fd.typechar. */
const FD_TYPECHARS: ReadonlyMap<number, string> = new Map([
  [FdType.FILE, 'f'], [FdType.FILE_V2, 'f'], [FdType.DIRECTORY, 'd'], [FdType.IPV4_SOCK, '4'],
  [FdType.IPV4_SERVSOCK, '4'], [FdType.IPV6_SOCK, '6'], [FdType.IPV6_SERVSOCK, '6'], [FdType.FIFO, 'p'],
  [FdType.UNIX_SOCK, 'u'], [FdType.EVENT, 'e'], [FdType.UNKNOWN, 'o'], [FdType.UNSUPPORTED, 'X'],
  [FdType.SIGNALFD, 's'], [FdType.EVENTPOLL, 'l'], [FdType.INOTIFY, 'i'], [FdType.TIMERFD, 't'],
  [FdType.NETLINK, 'n'],
]);

/** fd.typechar: the type letter of an fd, '?' for types sysdig 0.29.3 has no letter for. */
export function fdTypeChar(type: FdType): string {
  return FD_TYPECHARS.get(type) ?? '?';
}

/** The second letter of a socket's type: its L4 protocol. */
function l4protoChar(l4proto: number): string {
  switch (l4proto) {
    case SCAP_L4_TCP: return 't';
    case SCAP_L4_UDP: return 'u';
    case SCAP_L4_ICMP: return 'i';
    case SCAP_L4_RAW: return 'r';
    default: return '';
  }
}

function isSocket(type: FdType): boolean {
  return type === FdType.IPV4_SOCK || type === FdType.IPV6_SOCK || type === FdType.IPV4_SERVSOCK || type === FdType.IPV6_SERVSOCK;
}

/** How many parameters sysdig shows: those the capture has, of those sysdig 0.29.3 knows (all with opts.allParams). */
export function visibleParamCount(evt: Event, opts?: Pick<RenderOptions, 'allParams'>): number {
  if (evt.type >= EVENT_TABLE.length) return 0;
  const info = EVENT_TABLE[evt.type];
  return Math.min(evt.nparams, opts?.allParams === true ? info.params.length : legacyParamCount(info));
}

/** Index of the first visible parameter with this name, -1 if none (evt.arg.NAME). */
export function findParam(evt: Event, name: string, opts?: Pick<RenderOptions, 'allParams'>): number {
  if (evt.type >= EVENT_TABLE.length) return -1;
  const info = EVENT_TABLE[evt.type];
  const n = visibleParamCount(evt, opts);
  for (let i = 0; i < n; i++) if (info.params[i].name === name) return i;
  return -1;
}

/** The two parts of a rendered parameter. One instance is reused: read it before the next call. */
export interface ParamText {
  value: string;
  /** '' when the value has no resolved form. */
  resolved: string;
}

const scratch: ParamText = { value: '', resolved: '' };

/**
 * Render parameter i of evt into the shared ParamText (valid until the next call). i must be below
 * visibleParamCount(evt) for sysdig-compatible output.
 */
export function renderParamText(evt: Event, i: number, opts: RenderOptions): ParamText {
  scratch.value = '';
  scratch.resolved = '';
  if (evt.type >= EVENT_TABLE.length) return scratch;
  const info = EVENT_TABLE[evt.type];
  if (i >= info.params.length) return scratch;
  const outer = info.params[i];
  let start = evt.paramOffset(i);
  let len = evt.paramLen(i);
  let p: ParamInfo = outer;
  if (outer.type === T.DYN && outer.dyn !== undefined && len !== 0) {
    const index = evt.buf[start];
    if (index < outer.dyn.length) {
      p = outer.dyn[index];
      start++;
      len--;
    }
  }
  renderValue(evt, i, info, outer, p.type, start, len, opts);
  return scratch;
}

/** `value` or `value(resolved)`: one parameter as evt.info shows it. */
export function renderParam(evt: Event, i: number, opts: RenderOptions): string {
  const t = renderParamText(evt, i, opts);
  return t.resolved === '' ? t.value : `${t.value}(${t.resolved})`;
}

/** evt.arg.NAME / evt.arg[N]: the resolved form when there is one, else the value. */
export function renderArg(evt: Event, i: number, opts: RenderOptions): string {
  const t = renderParamText(evt, i, opts);
  return t.resolved === '' ? t.value : t.resolved;
}

/**
 * evt.info / evt.args: `name=value(resolved) ` for each visible parameter, each followed by a space
 * (sysdig keeps the trailing one). Generic syscall events show nothing.
 */
export function renderInfo(evt: Event, opts: RenderOptions): string {
  if (evt.type >= EVENT_TABLE.length || evt.type === GENERIC_E || evt.type === GENERIC_X) return '';
  const info = EVENT_TABLE[evt.type];
  const n = visibleParamCount(evt, opts);
  let s = '';
  for (let i = 0; i < n; i++) {
    const t = renderParamText(evt, i, opts);
    s += info.params[i].name + '=' + t.value + (t.resolved === '' ? ' ' : `(${t.resolved}) `);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------

function renderValue(
  evt: Event, i: number, info: EventInfo, outer: ParamInfo, type: ParamType, start: number, len: number,
  opts: RenderOptions,
): void {
  const buf = evt.buf;
  const fmt = outer.fmt;
  switch (type) {
    case T.INT8: case T.INT16: case T.INT32:
      scratch.value = formatSmall(readInt(buf, start, len), false, fmt);
      return;
    case T.UINT8: case T.UINT16: case T.UINT32:
      scratch.value = formatSmall(readUint(buf, start, len), type === T.UINT32, fmt);
      return;
    case T.INT64: case T.UINT64:
      scratch.value = format64(buf, start, len, fmt);
      return;
    case T.FD: case T.FD32:
      renderFd(evt, readInt(buf, start, len));
      return;
    case T.PID: case T.PID32: {
      const pid = readInt(buf, start, len);
      scratch.value = int64Text(buf, start, len);
      const t = opts.state?.thread(pid);
      if (t !== undefined) scratch.resolved = t.comm;
      return;
    }
    case T.ERRNO: {
      const res = readInt(buf, start, len);
      scratch.value = int64Text(buf, start, len);
      if (res < 0) scratch.resolved = errnoName(res | 0);
      return;
    }
    case T.CHARBUF:
      scratch.value = buf.toString('utf8', start, cStringEnd(buf, start, start + len));
      return;
    case T.FSPATH: case T.FSRELPATH:
      renderPath(evt, info, outer, start, len, opts);
      return;
    case T.BYTEBUF:
      scratch.value = renderBuffer(buf, start, start + len, opts.bufferFormat, opts.maxBufferLen);
      return;
    case T.SOCKADDR:
      scratch.value = sockaddrText(buf, start, len);
      return;
    case T.SOCKTUPLE:
      scratch.value = socktupleText(buf, start, len);
      return;
    case T.FDLIST:
      scratch.value = fdlistText(evt.thread, buf, start, len);
      return;
    case T.SYSCALLID: {
      const id = readUint(buf, start, len);
      if (id >= LEGACY_SYSCALL_COUNT) {
        scratch.value = '<unknown syscall>';
      } else {
        scratch.value = String(id);
        scratch.resolved = SYSCALL_NAMES[id];
      }
      return;
    }
    case T.SIGTYPE: {
      const sig = readUint(buf, start, len);
      scratch.value = String(sig);
      scratch.resolved = signalName(sig);
      return;
    }
    case T.RELTIME: {
      if (len === 8 && buf.readUInt32LE(start) === 0xffffffff && buf.readUInt32LE(start + 4) === 0xffffffff) {
        scratch.value = 'none';
        return;
      }
      const ns = readUint(buf, start, len);
      scratch.value = uint64Text(buf, start, len);
      scratch.resolved = formatG(ns / 1e9) + 's';
      return;
    }
    case T.FLAGS8: case T.FLAGS16: case T.FLAGS32: {
      const v = readUint(buf, start, len);
      scratch.value = String(v);
      scratch.resolved = bitflagNames(v, outer.flags);
      return;
    }
    case T.ENUMFLAGS8: case T.ENUMFLAGS16: case T.ENUMFLAGS32: {
      const v = readUint(buf, start, len);
      scratch.value = String(v);
      scratch.resolved = enumNames(v, outer.flags);
      return;
    }
    case T.MODE: {
      const v = readUint(buf, start, len);
      scratch.value = formatSmall(v, true, fmt);
      scratch.resolved = bitflagNames(v, outer.flags);
      return;
    }
    case T.UID: case T.GID: {
      const id = readUint(buf, start, len);
      if (id === 0xffffffff) {
        scratch.value = '-1';
        scratch.resolved = '<NONE>';
        return;
      }
      scratch.value = String(id | 0);
      const name = type === T.UID ? opts.state?.user(id)?.name : opts.state?.group(id)?.name;
      scratch.resolved = name === undefined ? '<NA>' : sanitizeText(name);
      return;
    }
    case T.SIGSET: {
      const v = readUint(buf, start, len);
      let s = '';
      for (let sig = 0; sig < 32; sig++) {
        if (((v >>> sig) & 1) === 0) continue;
        const name = signalName(sig + 1);
        if (name !== '') s += (s === '' ? '' : ' ') + name;
      }
      scratch.value = s;
      return;
    }
    case T.ABSTIME:
      scratch.value = absTimeText(buf, start, len);
      return;
    case T.PORT: case T.L4PROTO: case T.SOCKFAMILY:
      scratch.value = String(readUint(buf, start, len));
      return;
    case T.BOOL:
      scratch.value = readUint(buf, start, len) !== 0 ? 'true' : 'false';
      return;
    case T.IPV4ADDR:
      scratch.value = len >= 4 ? ipv4At(buf, start) : '';
      return;
    case T.IPV6ADDR:
      scratch.value = len >= 16 ? ipv6At(buf, start) : '';
      return;
    case T.DYN:
      scratch.value = 'INVALID DYNAMIC PARAMETER';
      return;
    default:
      scratch.value = '(n.a.)';
  }
}

/** `3` + `<f>/etc/passwd`, `-100` + `AT_FDCWD`, `-2` + `ENOENT`; nothing resolved without a thread. */
function renderFd(evt: Event, fd: number): void {
  scratch.value = String(fd);
  const thread = evt.thread;
  if (thread === undefined) return;
  if (fd >= 0) {
    const fdinfo = thread.fds.get(fd);
    if (fdinfo === undefined) return;
    const proto = isSocket(fdinfo.type) ? l4protoChar(fdinfo.l4proto) : '';
    scratch.resolved = '<' + fdTypeChar(fdinfo.type) + proto + '>' + sanitizeText(fdinfo.name);
  } else if (fd === AT_FDCWD) {
    scratch.resolved = 'AT_FDCWD';
  } else {
    scratch.resolved = errnoName(fd | 0);
  }
}

/**
 * A path: its printable characters; resolved, when relative and the thread is known, against the
 * cwd (FSPATH) or the directory of its dirfd parameter (FSRELPATH).
 */
function renderPath(evt: Event, info: EventInfo, outer: ParamInfo, start: number, len: number, opts: RenderOptions): void {
  const buf = evt.buf;
  const text = sanitizedString(buf, start, start + len);
  const room = Math.min(len, PATH_STORAGE) - 1;
  scratch.value = text.length > room ? text.slice(0, Math.max(room, 0)) : text;
  const thread = evt.thread;
  if (thread === undefined || len === 0) return;
  if (len >= 4 && buf.toString('latin1', start, start + 4) === '<NA>') return;
  const base = baseDir(evt, thread, info, outer, opts);
  scratch.resolved = resolvePath(base, buf, start, start + len);
}

/** What a relative path parameter is relative to (libsinsp's get_base_dir). */
function baseDir(evt: Event, thread: ThreadInfo, info: EventInfo, outer: ParamInfo, opts: RenderOptions): string {
  const cwd = (opts.state?.mainThread(thread) ?? thread).cwd;
  if (outer.type !== T.FSRELPATH) return cwd;
  const k = outer.dirfdParam ?? 0;
  if (k >= info.params.length || info.params[k].type !== T.FD || k >= evt.nparams) return cwd;
  const dirfd = evt.paramInt(k);
  if (dirfd === AT_FDCWD) return cwd;
  const dir = dirfd >= 0 ? thread.fds.get(dirfd) : undefined;
  if (dir === undefined || dir.name === '') return '';
  return sanitizeText(dir.name) + '/';
}

/** sysdig's flags resolution: walk the table, taking every flag whose bits are all set. */
function bitflagNames(value: number, table: readonly NameValue[] | undefined): string {
  if (table === undefined) return '';
  let rest = value;
  let s = '';
  let k = 0;
  // An entry equal to the whole value ends the walk, and is named last.
  for (; k < table.length && table[k].value !== value; k++) {
    const f = table[k].value;
    if (f !== 0 && rest !== 0 && ((rest & f) >>> 0) === f) {
      s += (s === '' ? '' : '|') + table[k].name;
      rest = (rest & ~f) >>> 0;
    }
  }
  if (k < table.length) s += (s === '' ? '' : '|') + table[k].name;
  return s;
}

/** Newer libs' enum resolution: every name whose value is exactly the value. */
function enumNames(value: number, table: readonly NameValue[] | undefined): string {
  if (table === undefined) return '';
  let s = '';
  for (const f of table) if (f.value === value) s += (s === '' ? '' : '|') + f.name;
  return s;
}

// --- numbers --------------------------------------------------------------------------------

/** Little-endian signed integer of the parameter's own width (1, 2, 4 or 8 bytes). */
function readInt(buf: Buffer, o: number, len: number): number {
  switch (len) {
    case 1: return buf.readInt8(o);
    case 2: return buf.readInt16LE(o);
    case 4: return buf.readInt32LE(o);
    case 8: return buf.readInt32LE(o + 4) * TWO32 + buf.readUInt32LE(o);
    default: return 0;
  }
}

function readUint(buf: Buffer, o: number, len: number): number {
  switch (len) {
    case 1: return buf[o];
    case 2: return buf.readUInt16LE(o);
    case 4: return buf.readUInt32LE(o);
    case 8: return buf.readUInt32LE(o + 4) * TWO32 + buf.readUInt32LE(o);
    default: return 0;
  }
}

/** A signed 64-bit value in decimal, exact beyond 2^53. */
function int64Text(buf: Buffer, o: number, len: number): string {
  const v = readInt(buf, o, len);
  return Number.isSafeInteger(v) ? String(v) : String(buf.readBigInt64LE(o));
}

function uint64Text(buf: Buffer, o: number, len: number): string {
  const v = readUint(buf, o, len);
  return Number.isSafeInteger(v) ? String(v) : String(buf.readBigUInt64LE(o));
}

/**
 * An up-to-32-bit value the way printf prints it (the width C promotes it to): HEX as unsigned
 * upper-case, OCT as unsigned with a leading 0, decimal signed — so a UINT32 prints as the int32
 * it reinterprets to (`%d`), as sysdig does.
 */
function formatSmall(v: number, asInt32: boolean, fmt: PrintFormat): string {
  switch (fmt) {
    case PrintFormat.HEX: return (v >>> 0).toString(16).toUpperCase();
    case PrintFormat.OCT: return v === 0 ? '0' : '0' + (v >>> 0).toString(8);
    case PrintFormat.PADDED_DEC: return padded9(asInt32 ? v | 0 : v);
    default: return String(asInt32 ? v | 0 : v);
  }
}

/** A 64-bit value: HEX / OCT unsigned, decimal signed (libsinsp reads UINT64 as int64 for %d). */
function format64(buf: Buffer, o: number, len: number, fmt: PrintFormat): string {
  if (len !== 8) return formatSmall(readInt(buf, o, len), false, fmt);
  switch (fmt) {
    case PrintFormat.HEX: return buf.readBigUInt64LE(o).toString(16).toUpperCase();
    case PrintFormat.OCT: {
      const u = buf.readBigUInt64LE(o);
      return u === 0n ? '0' : '0' + u.toString(8);
    }
    case PrintFormat.PADDED_DEC: return padded9(buf.readBigInt64LE(o));
    default: return int64Text(buf, o, len);
  }
}

/** ABSTIME (newer events only): local "YYYY-MM-DD HH:MM:SS.nnnnnnnnn +hhmm". */
function absTimeText(buf: Buffer, o: number, len: number): string {
  if (len !== 8) return '';
  const ns = buf.readBigUInt64LE(o);
  const d = new Date(Number(ns / 1000000n));
  const two = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const abs = Math.abs(off);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:`
    + `${two(d.getSeconds())}.${String(ns % 1000000000n).padStart(9, '0')} ${off < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

// --- strings and addresses ------------------------------------------------------------------

function sockaddrText(buf: Buffer, o: number, len: number): string {
  if (len === 0) return 'NULL';
  const family = buf[o];
  if (family === PPM_AF_UNIX) return sanitizedString(buf, o + 1, o + len);
  if (family === PPM_AF_INET) {
    return len === 7 ? `${ipv4At(buf, o + 1)}:${buf.readUInt16LE(o + 5)}` : 'INVALID IPv4';
  }
  if (family === PPM_AF_INET6) {
    return len === 19 ? `${ipv6At(buf, o + 1)}:${buf.readUInt16LE(o + 17)}` : 'INVALID IPv6';
  }
  return `family ${buf.readInt8(o)}`;
}

function socktupleText(buf: Buffer, o: number, len: number): string {
  if (len === 0) return 'NULL';
  const family = buf[o];
  if (family === PPM_AF_INET) {
    if (len !== 13) return 'INVALID IPv4';
    return `${ipv4At(buf, o + 1)}:${buf.readUInt16LE(o + 5)}->${ipv4At(buf, o + 7)}:${buf.readUInt16LE(o + 11)}`;
  }
  if (family === PPM_AF_INET6) {
    if (len !== 37) return 'INVALID IPv6';
    const sport = buf.readUInt16LE(o + 17);
    const dport = buf.readUInt16LE(o + 35);
    if (isIpv4MappedIpv6(buf, o + 1) && isIpv4MappedIpv6(buf, o + 19)) {
      return `${ipv4At(buf, o + 13)}:${sport}->${ipv4At(buf, o + 31)}:${dport}`;
    }
    return `${ipv6At(buf, o + 1)}:${sport}->${ipv6At(buf, o + 19)}:${dport}`;
  }
  if (family === PPM_AF_UNIX) {
    if (len < 17) return '';
    const src = buf.readBigUInt64LE(o + 1).toString(16);
    const dst = buf.readBigUInt64LE(o + 9).toString(16);
    return `${src}->${dst} ${sanitizedString(buf, o + 17, o + len)}`;
  }
  return `family ${buf.readInt8(o)}`;
}

/** `fd:<typechar><flags hex>` for each polled fd, space separated; needs the thread (else ''). */
function fdlistText(thread: ThreadInfo | undefined, buf: Buffer, o: number, len: number): string {
  if (thread === undefined || len < 2) return '';
  const n = buf.readUInt16LE(o);
  let s = '';
  for (let j = 0, p = o + 2; j < n && p + 10 <= o + len; j++, p += 10) {
    const fd = readInt(buf, p, 8);
    const fdinfo = fd >= 0 ? thread.fds.get(fd) : undefined;
    const tch = fdinfo === undefined ? '?' : fdTypeChar(fdinfo.type);
    const flags = buf.readInt16LE(p + 8) >>> 0;
    s += (j === 0 ? '' : ' ') + uint64Text(buf, p, 8) + ':' + tch + flags.toString(16);
  }
  return s;
}

// --- evt.rawarg -------------------------------------------------------------------------------

/**
 * evt.rawarg.NAME: parameter i read as `type` (the type findLongestParam gives for NAME, whatever
 * this event's parameter is) and printed the way libsinsp prints a raw value without a format:
 * 64-bit signed numbers, C strings, booleans, addresses. undefined where libsinsp prints nothing
 * (narrow integers, sockaddrs); throws for types it rejects ("wrong event type 14").
 */
export function renderRawArg(evt: Event, i: number, type: ParamType): string | undefined {
  const buf = evt.buf;
  const o = evt.paramOffset(i);
  const len = evt.paramLen(i);
  switch (type) {
    case T.INT64: case T.PID: case T.ERRNO:
      return int64Text(buf, o, len);
    case T.CHARBUF: case T.FSPATH: case T.FSRELPATH: case T.BYTEBUF:
      return buf.toString('utf8', o, cStringEnd(buf, o, o + len));
    case T.BOOL:
      return readUint(buf, o, len) !== 0 ? 'true' : 'false';
    case T.IPV4ADDR:
      return ipv4At(buf, o);
    case T.IPV6ADDR:
      return ipv6At(buf, o);
    case T.IPADDR:
      if (len === 4) return ipv4At(buf, o);
      if (len === 16) return ipv6At(buf, o);
      throw new Error(`rawval_to_string called with IP address of incorrect size ${len}`);
    case T.DOUBLE:
      return buf.readDoubleLE(o).toFixed(1);
    case T.INT8: case T.INT16: case T.INT32: case T.UINT8: case T.UINT16: case T.UINT32: case T.UINT64:
    case T.L4PROTO: case T.PORT: case T.RELTIME: case T.ABSTIME: case T.SOCKADDR: case T.SOCKFAMILY:
      return undefined;
    default:
      throw new Error(`wrong event type ${type}`);
  }
}
