// The two evt classes: fields every event has (number, times, source, async type, hostname) and
// fields of syscall events (direction, type, category, arguments, return value, latency, I/O and
// error counters). Argument
// rendering is the event renderer's (src/fields/render.ts); this file picks what to render.
import type { Event } from '../capture/event.js';
import { EC_IO_BASE, EventCategory, EVENT_TABLE, EVENT_TYPE_NAMES, findLongestParam } from '../capture/event-table.js';
import { EventFlag, ParamType, PrintFormat, type EventInfo } from '../capture/event-types.js';
import { SYSCALL_CATEGORIES, SYSCALL_NAMES } from '../capture/names.js';
import { findParam, renderArg, renderInfo, renderParamText, renderRawArg, visibleParamCount, type RenderOptions } from './render.js';
import { E } from '../state/event-ids.js';
import { AT_FDCWD } from '../capture/flags.js';
import { concatenatePaths } from '../state/paths.js';
import { FdType } from '../state/types.js';
import { processOf, isMainThread } from './ancestry.js';
import { bracketNumber, indexOrKey, syntaxError } from './args.js';
import { printUnsigned64 } from './print.js';
import type { ArgValue, FieldClass, FieldContext, FieldSpec } from './spec.js';
import { humanDuration, secondsDotNs, tsToIso8601, tsToString } from './time.js';
import { FieldError, type FieldValue } from './types.js';

const T = ParamType;
const F = PrintFormat;
const NS = 1_000_000_000n;
const GENERIC_E = 0;
const GENERIC_X = 1;
const INFRASTRUCTURE_EVENT_E = 286;
/** PPM_O_* and PPM_S_IX* bits of open's flags and mode. */
const O_RDONLY = 1 << 0;
const O_WRONLY = 1 << 1;
const O_CREAT = 1 << 2;
const O_TMPFILE = 1 << 13;
const O_F_CREATED = 1 << 14;
const S_IXANY = (1 << 6) | (1 << 3) | (1 << 0);

const isEnter = (e: Event): boolean => (e.type & 1) === 0;
const infoOf = (e: Event): EventInfo | undefined => EVENT_TABLE[e.type];
const flagsOf = (e: Event): number => infoOf(e)?.flags ?? 0;
const categoryOf = (e: Event): number => infoOf(e)?.category ?? EventCategory.UNKNOWN;
const isInternal = (e: Event): boolean => (categoryOf(e) & EventCategory.INTERNAL) !== 0;

/** The first visible parameter with this name, as a signed number; undefined when absent. */
function intParam(e: Event, name: string): number | undefined {
  const i = findParam(e, name);
  return i < 0 ? undefined : e.paramInt(i);
}

/** The event's result: its 'res' parameter, or the 'fd' an fd-creating exit returns. */
function result(e: Event): { index: number; value: number } | undefined {
  let i = findParam(e, 'res');
  if (i < 0 && (flagsOf(e) & EventFlag.CREATES_FD) !== 0 && !isEnter(e)) i = findParam(e, 'fd');
  return i < 0 ? undefined : { index: i, value: e.paramInt(i) };
}

/** The names evt.type can be compared with: every event's, and every system call's. */
const EVENT_TYPE_NAMES_AND_SYSCALLS: ReadonlySet<string> = new Set([...EVENT_TYPE_NAMES, ...SYSCALL_NAMES.slice(1)]);

/** Whether evt.type can be compared with this name: an event's or a system call's. */
export function isEventTypeName(name: string): boolean {
  return EVENT_TYPE_NAMES_AND_SYSCALLS.has(name);
}

/**
 * A literal compared with evt.type must name an event or a system call, whatever the operator
 * (sinsp's validate_filter_value; sysdig and Falco both refuse the filter: "unknown event type opne").
 */
function checkEventTypeName(text: string): void {
  if (!isEventTypeName(text)) throw new FieldError(`unknown event type ${text}`);
}

/** The event type's name; generic syscall events name their syscall. */
function typeName(e: Event): string {
  if (e.type === GENERIC_E || e.type === GENERIC_X) return SYSCALL_NAMES[e.paramUint(0)] ?? '<unknown>';
  return infoOf(e)?.name ?? 'NA';
}

function categoryName(e: Event): string {
  if (e.type === GENERIC_E || e.type === GENERIC_X) return plainCategoryName(SYSCALL_CATEGORIES[e.paramUint(0)] ?? 0);
  const cat = categoryOf(e);
  if ((cat & EC_IO_BASE) === 0) return plainCategoryName(cat);
  switch (e.fd?.type) {
    case FdType.FILE: case FdType.FILE_V2: case FdType.DIRECTORY:
      return 'file';
    case FdType.IPV4_SOCK: case FdType.IPV6_SOCK: case FdType.IPV4_SERVSOCK: case FdType.IPV6_SERVSOCK:
      return 'net';
    case FdType.FIFO: case FdType.UNIX_SOCK: case FdType.EVENT: case FdType.SIGNALFD: case FdType.INOTIFY:
      return 'ipc';
    default:
      return 'unknown';
  }
}

const CATEGORY_NAMES: ReadonlyMap<number, string> = new Map([
  [EventCategory.OTHER, 'other'], [EventCategory.FILE, 'file'], [EventCategory.NET, 'net'], [EventCategory.IPC, 'IPC'],
  [EventCategory.MEMORY, 'memory'], [EventCategory.PROCESS, 'process'], [EventCategory.SLEEP, 'sleep'],
  [EventCategory.SYSTEM, 'system'], [EventCategory.SIGNAL, 'signal'], [EventCategory.USER, 'user'],
  [EventCategory.TIME, 'time'], [EventCategory.PROCESSING, 'processing'], [EventCategory.WAIT, 'wait'],
  [EventCategory.SCHEDULER, 'scheduler'],
]);

function plainCategoryName(cat: number): string {
  return CATEGORY_NAMES.get(cat) ?? 'unknown';
}

/** 1 when the event failed (negative res, or a negative fd from an fd-creating exit), else none. */
function errorCount(e: Event): number | undefined {
  const i = findParam(e, 'res');
  if (i >= 0) return e.paramInt(i) < 0 ? 1 : undefined;
  if ((flagsOf(e) & EventFlag.CREATES_FD) !== 0 && !isEnter(e)) {
    const fd = intParam(e, 'fd');
    if (fd !== undefined && fd < 0) return 1;
  }
  return undefined;
}

const FILE_TYPES = new Set<number>([FdType.FILE, FdType.FILE_V2, FdType.DIRECTORY]);
const NET_TYPES = new Set<number>([FdType.IPV4_SOCK, FdType.IPV6_SOCK, FdType.IPV4_SERVSOCK, FdType.IPV6_SERVSOCK, FdType.UNIX_SOCK]);
const FILE_OPENS = new Set<number>([E.OPEN_X, E.CREAT_X, E.OPENAT_X, E.OPENAT_2_X, E.OPENAT2_X]);
const NET_OPENS = new Set<number>([E.ACCEPT_X, E.ACCEPT_5_X, E.ACCEPT4_X, E.ACCEPT4_5_X, E.CONNECT_X]);

/** Error counters by what failed: decided by the fd's type, or by the event when it has no fd. */
function errorCountOf(kind: 'file' | 'net' | 'memory' | 'other'): (e: Event) => FieldValue {
  return (e) => {
    if (kind === 'memory') return categoryOf(e) === EventCategory.MEMORY ? errorCount(e) : undefined;
    const fd = e.fd;
    let matches: boolean;
    if (fd !== undefined) {
      const isFile = FILE_TYPES.has(fd.type);
      const isNet = NET_TYPES.has(fd.type);
      matches = kind === 'file' ? isFile : kind === 'net' ? isNet : !isFile && !isNet;
    } else {
      const isFile = FILE_OPENS.has(e.type);
      const isNet = NET_OPENS.has(e.type);
      matches = kind === 'file' ? isFile : kind === 'net' ? isNet : !isFile && !isNet && categoryOf(e) !== EventCategory.MEMORY;
    }
    return matches ? errorCount(e) : undefined;
  };
}

/** The bytes an I/O exit moved (its non-negative res), for events on an fd that pass `when`. */
function bufferLength(when: (e: Event) => boolean): (e: Event) => FieldValue {
  return (e) => {
    if (e.fd === undefined || !when(e) || isEnter(e)) return undefined;
    const res = e.paramInt(0);
    return res >= 0 ? res : undefined;
  };
}
const isIo = (e: Event): boolean => (categoryOf(e) & EC_IO_BASE) !== 0;
const isRead = (e: Event): boolean => categoryOf(e) === EventCategory.IO_READ;
const isWrite = (e: Event): boolean => categoryOf(e) === EventCategory.IO_WRITE;
const onFile = (e: Event): boolean => e.fd?.type === FdType.FILE || e.fd?.type === FdType.FILE_V2;
const onNet = (e: Event): boolean => e.fd !== undefined && e.fd.type >= FdType.IPV4_SOCK && e.fd.type <= FdType.IPV6_SERVSOCK;

/** evt.is_open_read/write/exec: what an open, openat, openat2 or creat asked for. */
function openCheck(kind: 'read' | 'write' | 'exec'): (e: Event) => FieldValue {
  return (e) => {
    if (e.type === E.OPEN_X || e.type === E.OPENAT_E || e.type === E.OPENAT_2_X || e.type === E.OPENAT2_X) {
      const newer = e.type === E.OPENAT_2_X || e.type === E.OPENAT2_X;
      const flags = e.paramUint(newer ? 3 : 2);
      if (kind === 'read') return (flags & O_RDONLY) !== 0;
      if (kind === 'write') return (flags & O_WRONLY) !== 0;
      return (flags & (O_TMPFILE | O_CREAT)) !== 0 && (e.paramUint(newer ? 4 : 3) & S_IXANY) !== 0;
    }
    if (kind === 'exec' && e.type === E.CREAT_X) return (e.paramUint(2) & S_IXANY) !== 0;
    return false;
  };
}

/**
 * evt.is_open_create (newer libs, exit events only): the driver marked the open as having created
 * the file, or an O_TMPFILE open succeeded.
 */
function openCreates(e: Event): boolean {
  let flagsAt: number;
  switch (e.type) {
    case E.OPEN_X: case E.OPEN_BY_HANDLE_AT_X: flagsAt = 2; break;
    case E.OPENAT_2_X: case E.OPENAT2_X: flagsAt = 3; break;
    default: return false;
  }
  if (e.nparams <= flagsAt) return false;
  const flags = e.paramUint(flagsAt);
  if ((flags & O_F_CREATED) !== 0) return true;
  return (flags & O_TMPFILE) !== 0 && e.paramInt(0) >= 0;
}

/** The (dirfd, path) parameter names evt.abspath joins, by event type and which path (0/1: source, 2: destination). */
function abspathParams(type: number, which: number): [string, string] | undefined {
  const dst = which === 2;
  switch (type) {
    case 177: case 319: return dst ? ['newdirfd', 'newpath'] : ['olddirfd', 'oldpath']; // renameat, renameat2
    case 181: return ['linkdirfd', 'linkpath']; // symlinkat
    case E.OPENAT_E: case E.OPENAT_2_X: case E.OPENAT2_X: return ['dirfd', 'name'];
    case 106: case 311: return dst ? ['newdir', 'newpath'] : ['olddir', 'oldpath']; // linkat
    case 110: case 303: return ['dirfd', 'name']; // unlinkat
    case 305: return ['dirfd', 'path']; // mkdirat
    case 313: return ['dirfd', 'filename']; // fchmodat
    default: return undefined;
  }
}

function abspath(e: Event, c: FieldContext, which: number): string | undefined {
  const t = e.thread;
  const names = abspathParams(e.type, which);
  if (t === undefined || names === undefined) return undefined;
  const di = findParam(e, names[0]);
  const pi = findParam(e, names[1]);
  if (di < 0 || pi < 0) return undefined;
  const dirfd = e.paramInt(di);
  const path = e.paramStr(pi);
  let dir: string;
  if (path.startsWith('/')) dir = '.';
  else if (dirfd === AT_FDCWD) dir = processOf(c.state, t).cwd;
  else {
    const fd = t.fds.get(dirfd);
    dir = fd === undefined ? '<UNKNOWN>/' : `${fd.name}/`;
  }
  return concatenatePaths(dir, path, e.paramLen(pi));
}

/** One part of an infrastructure event's description ('Event: start; ID: ...; name: ...'). */
function infraPart(prefix: string, read: (part: string, value: string) => string): (e: Event) => FieldValue {
  return (e) => {
    if (e.type !== INFRASTRUCTURE_EVENT_E) return undefined;
    for (const raw of e.paramStr(2).split(';')) {
      const part = raw.trim();
      if (!part.startsWith(prefix)) continue;
      const value = part.split(':')[1] ?? '';
      return read(part, value);
    }
    return undefined;
  };
}

function infraImage(part: string, value: string): string {
  if (value.includes('@')) return value.slice(0, value.indexOf('@')).trim();
  if (value.includes('sha256')) return part.slice(part.indexOf(':') + 1).trim();
  return value.trim();
}

/** The run's first event time, as the state records it (else the first this field saw). */
function firstTs(c: FieldContext, seen: { ts: bigint | undefined }, e: Event): bigint {
  if (c.state.firstEventTs !== undefined) return c.state.firstEventTs;
  if (seen.ts === undefined) seen.ts = e.ts();
  return seen.ts;
}

/** A time field extracted as a (possibly rounded) number but printed exactly from a bigint. */
function exactTime(name: string, type: ParamType, fmt: PrintFormat, desc: string, value: (e: Event, c: FieldContext, seen: { ts: bigint | undefined }) => bigint): FieldSpec {
  return {
    // keepsState: the relative times remember the first event they saw.
    name, type, printFormat: fmt, arg: 'none', desc, keepsState: true,
    make: (c) => {
      const seen = { ts: undefined as bigint | undefined };
      return {
        extract: (e) => Number(value(e, c, seen)),
        render: (e) => printUnsigned64(value(e, c, seen), fmt),
      };
    },
  };
}

const simple = (name: string, type: ParamType, fmt: PrintFormat, desc: string, get: FieldSpec['get'], extra: Partial<FieldSpec> = {}): FieldSpec =>
  ({ name, type, printFormat: fmt, arg: 'none', desc, ...extra, get });

export const GEN_EVENT_CLASS: FieldClass = {
  name: 'evt',
  shortDesc: 'All event types',
  desc: 'These fields can be used for all event types',
  fields: [
    simple('evt.num', T.UINT64, F.ID, 'event number.', (e) => e.num),
    simple('evt.time', T.CHARBUF, F.NA, 'event timestamp as a time string that includes the nanosecond part.',
      (e, c) => tsToString(e.ts(), false, true, c.utcOffset)),
    simple('evt.time.s', T.CHARBUF, F.NA, 'event timestamp as a time string with no nanoseconds.',
      (e, c) => tsToString(e.ts(), false, false, c.utcOffset)),
    simple('evt.time.iso8601', T.CHARBUF, F.NA, 'event timestamp in ISO 8601 format, including nanoseconds and time zone offset (in UTC).',
      (e) => tsToIso8601(e.ts())),
    simple('evt.datetime', T.CHARBUF, F.NA, 'event timestamp as a time string that includes the date.',
      (e, c) => tsToString(e.ts(), true, true, c.utcOffset)),
    simple('evt.datetime.s', T.CHARBUF, F.NA, 'event timestamp as a datetime string with no nanoseconds.',
      (e, c) => tsToString(e.ts(), true, false, c.utcOffset)),
    exactTime('evt.rawtime', T.ABSTIME, F.DEC, 'absolute event timestamp, i.e. nanoseconds from epoch.', (e) => e.ts()),
    exactTime('evt.rawtime.s', T.ABSTIME, F.DEC, 'integer part of the event timestamp (e.g. seconds since epoch).', (e) => e.ts() / NS),
    exactTime('evt.rawtime.ns', T.ABSTIME, F.PADDED_DEC, 'fractional part of the absolute event timestamp.', (e) => e.ts() % NS),
    exactTime('evt.reltime', T.RELTIME, F.PADDED_DEC, 'number of nanoseconds from the beginning of the capture.',
      (e, c, seen) => e.ts() - firstTs(c, seen, e)),
    exactTime('evt.reltime.s', T.RELTIME, F.DEC, 'number of seconds from the beginning of the capture.',
      (e, c, seen) => (e.ts() - firstTs(c, seen, e)) / NS),
    exactTime('evt.reltime.ns', T.RELTIME, F.PADDED_DEC, 'fractional part (in ns) of the time from the beginning of the capture.',
      (e, c, seen) => (e.ts() - firstTs(c, seen, e)) % NS),
    simple('evt.pluginname', T.CHARBUF, F.NA, 'if the event comes from a plugin, the name of the plugin that generated it. The plugin must be currently loaded.',
      () => undefined),
    simple('evt.plugininfo', T.CHARBUF, F.NA, 'if the event comes from a plugin, a summary of the event as formatted by the plugin. The plugin must be currently loaded.',
      () => undefined),
    // Every event ghostwatch sees comes from the syscall source (the container events included).
    simple('evt.source', T.CHARBUF, F.NA, 'the name of the source that produced the event.', () => 'syscall'),
    simple('evt.is_async', T.BOOL, F.NA, "'true' for asynchronous events (meta-events such as container or procinfo events), 'false' otherwise.",
      (e) => META_EVENTS.has(e.type)),
    simple('evt.asynctype', T.CHARBUF, F.NA, "If the event is asynchronous, the type of the event (e.g. 'container').",
      asyncType),
    {
      name: 'evt.hostname', type: T.CHARBUF, arg: 'none',
      desc: 'The hostname of the underlying host. The FALCO_HOSTNAME environment variable overrides it, which is useful in Kubernetes, where a DaemonSet can set it to the name of the node.',
      // Read once per use of the field: the environment does not change while events flow.
      make: (c) => {
        const override = process.env.FALCO_HOSTNAME;
        return { extract: () => (override !== undefined ? override : c.state.hostname === '' ? undefined : c.state.hostname) };
      },
    },
  ],
};

/** libsinsp's meta-events (EC_METAEVENT): events the engine or a runtime produces, not a system call. */
const ASYNCEVENT_E = 402;
const META_EVENTS: ReadonlySet<number> = new Set([
  148, 149, // drop
  196, // scapevent
  E.CONTAINER_E, E.PROCINFO_E, 244 /* cpu_hotplug */, 260 /* k8s */, 268 /* tracer */, 270 /* mesos */,
  E.CONTAINER_JSON_E, 280 /* notification */, INFRASTRUCTURE_EVENT_E, E.CONTAINER_JSON_2_E,
  354, 356, 358, 360, // useradded, userdeleted, groupadded, groupdeleted
  ASYNCEVENT_E,
]);

/** The name of a meta-event; a plugin's async event names itself in its 'name' parameter. */
function asyncType(e: Event): FieldValue {
  if (!META_EVENTS.has(e.type)) return undefined;
  if (e.type === ASYNCEVENT_E) return e.paramStr(1);
  // The table keeps the name sysdig 0.29.3 prints for 196; libsinsp now calls it scapevent.
  return e.type === 196 ? 'scapevent' : infoOf(e)?.name;
}

/** Latency fields: of the thread's last enter/exit pair; none for internal events, 0 without a thread. */
function latencyField(name: string, fmt: PrintFormat, desc: string, pick: (ns: number) => number): FieldSpec {
  return simple(name, T.RELTIME, fmt, desc, (e, c) => {
    const t = e.thread;
    if (t === undefined) return 0;
    return isInternal(e) ? undefined : pick(c.state.latency(t));
  });
}

/** Deltas between this event and the previous one the field saw. */
function deltaField(name: string, fmt: PrintFormat, desc: string, pick: (ns: bigint) => bigint): FieldSpec {
  return {
    name, type: T.RELTIME, printFormat: fmt, arg: 'none', desc, keepsState: true,
    make: () => {
      let prev: bigint | undefined;
      const next = (e: Event): bigint => {
        const ts = e.ts();
        const d = prev === undefined ? 0n : pick(ts - prev);
        prev = ts;
        return d;
      };
      return { extract: (e) => Number(next(e)), render: (e) => printUnsigned64(next(e), fmt) };
    },
  };
}

/** evt.outputtime: the event time as sysdig's -t option asks for it. */
function outputTime(c: FieldContext): (e: Event) => string {
  const seen = { ts: undefined as bigint | undefined };
  let prev: bigint | undefined;
  return (e) => {
    const ts = e.ts();
    switch (c.timeType) {
      case 'a': return `${ts / NS}.${ts % NS}`;
      case 'r': return secondsDotNs(ts - firstTs(c, seen, e));
      case 'd': return e.thread === undefined ? '0.000000000' : secondsDotNs(BigInt(c.state.latency(e.thread)));
      case 'D': {
        const d = prev === undefined ? 0n : ts - prev;
        prev = ts;
        return secondsDotNs(d);
      }
      default: return tsToString(ts, false, true, c.utcOffset);
    }
  };
}

/** evt.arg.NAME / evt.rawarg.NAME: the parameter name the text starts with (the longest known one). */
function paramNameArg(text: string, start: number, pos: number, allowIndex: boolean): { arg: ArgValue; end: number } {
  if (text[pos] === '[') {
    if (!allowIndex) throw new FieldError('evt.arg fields must be expressed explicitly');
    return bracketNumber(text, start, pos);
  }
  if (text[pos] !== '.') syntaxError(text, start);
  const rest = text.slice(pos + 1);
  const p = findLongestParam(rest);
  if (p === undefined) throw new FieldError(`unknown event argument ${rest}`);
  return { arg: p.name, end: pos + 1 + p.name.length };
}

function checkParamName(arg: string): string {
  const p = findLongestParam(arg);
  if (p === undefined || p.name !== arg) throw new FieldError(`unknown event argument ${arg}`);
  return arg;
}

/** The index of the parameter an evt.arg argument designates in this event, -1 if none. */
function argIndex(e: Event, arg: ArgValue, opts: RenderOptions): number {
  if (typeof arg === 'number') return arg >= 0 && arg < visibleParamCount(e, opts) ? arg : -1;
  return arg === undefined ? -1 : findParam(e, arg, opts);
}

/** A parameter's raw value, read as `type` (evt.rawarg in conditions). */
function rawParam(e: Event, i: number, type: ParamType): FieldValue {
  switch (type) {
    case T.CHARBUF: case T.FSPATH: case T.FSRELPATH: return e.paramStr(i);
    case T.BYTEBUF: case T.SOCKADDR: case T.SOCKTUPLE: case T.FDLIST: case T.IPV6ADDR: return e.paramBytes(i);
    case T.UINT8: case T.UINT16: case T.UINT32: case T.UINT64: case T.FLAGS8: case T.FLAGS16: case T.FLAGS32:
    case T.MODE: case T.UID: case T.GID: case T.PORT: case T.L4PROTO: case T.SOCKFAMILY: case T.IPV4ADDR:
    case T.RELTIME: case T.ABSTIME: case T.SYSCALLID: case T.SIGTYPE: case T.ENUMFLAGS8: case T.ENUMFLAGS16:
    case T.ENUMFLAGS32: case T.BOOL:
      return e.paramUint(i);
    case T.DOUBLE: return e.paramLen(i) === 8 ? e.buf.readDoubleLE(e.paramOffset(i)) : undefined;
    default: return e.paramInt(i);
  }
}

const flag = (bit: number) => (e: Event): boolean => (flagsOf(e) & bit) !== 0;

export const SYSCALL_EVENT_CLASS: FieldClass = {
  name: 'evt',
  shortDesc: 'Syscall events only',
  desc: 'Event fields applicable to syscall events. Note that for most events you can access the individual arguments/parameters of each syscall via evt.arg, e.g. evt.arg.filename.',
  fields: [
    latencyField('evt.latency', F.DEC, 'delta between an exit event and the correspondent enter event, in nanoseconds.', (ns) => ns),
    latencyField('evt.latency.s', F.DEC, 'integer part of the event latency delta.', (ns) => Math.floor(ns / 1e9)),
    latencyField('evt.latency.ns', F.PADDED_DEC, 'fractional part of the event latency delta.', (ns) => ns % 1e9),
    // sysdig scales the log of the latency to a screen width it leaves at -1, which makes every
    // nonzero latency print as 1.
    simple('evt.latency.quantized', T.UINT64, F.DEC, '10-base log of the delta between an exit event and the correspondent enter event.',
      (e, c) => (e.thread === undefined || isInternal(e) || c.state.latency(e.thread) === 0 ? undefined : 1)),
    {
      name: 'evt.latency.human', type: T.CHARBUF, arg: 'none', keepsState: true,
      desc: 'delta between an exit event and the correspondent enter event, as a human readable string (e.g. 10.3ms).',
      make: (c) => {
        // Without a thread sysdig repeats the last value it printed.
        let last = '';
        return {
          extract: (e) => {
            const t = e.thread;
            if (t === undefined) return last;
            if (isInternal(e)) return undefined;
            last = humanDuration(c.state.latency(t));
            return last;
          },
        };
      },
    },
    deltaField('evt.deltatime', F.DEC, 'delta between this event and the previous event, in nanoseconds.', (d) => d),
    deltaField('evt.deltatime.s', F.DEC, 'integer part of the delta between this event and the previous event.', (d) => d / NS),
    deltaField('evt.deltatime.ns', F.PADDED_DEC, 'fractional part of the delta between this event and the previous event.', (d) => d % NS),
    {
      name: 'evt.outputtime', type: T.CHARBUF, arg: 'none', keepsState: true,
      desc: "this depends on -t param, default is %evt.time ('h').",
      make: (c) => ({ extract: outputTime(c) }),
    },
    simple('evt.dir', T.CHARBUF, F.DIR, "event direction can be either '>' for enter events or '<' for exit events.",
      (e) => (isEnter(e) ? '>' : '<')),
    simple('evt.type', T.CHARBUF, F.NA, "The name of the event (e.g. 'open').", typeName, { checkValue: checkEventTypeName }),
    {
      name: 'evt.type.is', type: T.UINT32, arg: 'key', argRequired: true,
      desc: 'allows one to specify an event type, and returns 1 for events that are of that type. For example, evt.type.is.open returns 1 for open events, 0 for any other event.',
      // The type is all the rest of the text: in the middle of a format the field reads nothing.
      parseArg: (text, start, pos) => {
        if (text[pos] !== '.') syntaxError(text, start);
        const rest = text.slice(pos + 1);
        if (/^\d+$/.test(rest)) return { arg: Number(rest), end: text.length };
        return EVENT_TABLE.some((i) => i.name === rest) ? { arg: rest, end: text.length } : { arg: undefined, end: start };
      },
      checkArg: indexOrKey,
      get: (e, _c, arg) => {
        if (typeof arg === 'number') return e.type === arg ? 1 : 0;
        const first = EVENT_TABLE.findIndex((i) => i.name === arg);
        return first >= 0 && (e.type === first || e.type === first + 1) ? 1 : 0;
      },
    },
    simple('syscall.type', T.CHARBUF, F.NA, "For system call events, the name of the system call (e.g. 'open'). Unset for other events (e.g. switch or internal events). Use this field instead of evt.type if you need to make sure that the filtered/printed value is actually a system call.",
      (e) => (e.type === E.SCHEDSWITCH_6_E || (flagsOf(e) & EventFlag.SKIPPARSERESET) !== 0 ? undefined : typeName(e))),
    simple('evt.category', T.CHARBUF, F.NA, "The event category. Example values are 'file' (for file operations like open and close), 'net' (for network operations like socket and bind), memory (for things like brk or mmap), and so on.",
      categoryName),
    simple('evt.cpu', T.INT16, F.ID, 'number of the CPU where this event happened.', (e) => e.cpu),
    simple('evt.args', T.CHARBUF, F.NA, 'all the event arguments, aggregated into a single string.',
      (e, c) => renderInfo(e, c.render)),
    {
      name: 'evt.arg', type: T.CHARBUF, arg: 'index-or-key', argRequired: true,
      desc: "one of the event arguments specified by name or by number. Some events (e.g. return codes or FDs) will be converted into a text representation when possible. E.g. 'evt.arg.fd' or 'evt.arg[0]'.",
      parseArg: (text, start, pos) => paramNameArg(text, start, pos, true),
      checkArg: (a) => (/^\s*[+-]?\d+$/.test(a) ? indexOrKey(a) : checkParamName(a)),
      get: (e, c, arg) => {
        const i = argIndex(e, arg, c.render);
        return i < 0 ? undefined : renderArg(e, i, c.render);
      },
    },
    {
      name: 'evt.rawarg', type: T.DYN, arg: 'key', argRequired: true,
      desc: "one of the event arguments specified by name. E.g. 'evt.rawarg.fd'.",
      parseArg: (text, start, pos) => paramNameArg(text, start, pos, false),
      checkArg: checkParamName,
      typeFor: (arg) => findLongestParam(String(arg))?.type ?? T.DYN,
      make: (c, arg) => {
        const type = findLongestParam(String(arg))?.type ?? T.DYN;
        return {
          extract: (e) => {
            const i = argIndex(e, arg, c.render);
            return i < 0 ? undefined : rawParam(e, i, type);
          },
          render: (e) => {
            const i = argIndex(e, arg, c.render);
            if (i < 0) return undefined;
            try {
              return renderRawArg(e, i, type);
            } catch (err) {
              throw new FieldError((err as Error).message);
            }
          },
        };
      },
    },
    simple('evt.info', T.CHARBUF, F.NA, 'for most events, this field returns the same value as evt.args. However, for some events (like writes to /dev/log) it provides higher level information coming from decoding the arguments.',
      (e, c) => renderInfo(e, c.render)),
    {
      name: 'evt.buffer', type: T.BYTEBUF, arg: 'none',
      desc: "the binary data buffer for events that have one, like read(), recvfrom(), etc. Use this field in filters with 'contains' to search into I/O data buffers.",
      make: (c) => ({
        extract: (e) => {
          const i = findParam(e, 'data');
          return i < 0 ? undefined : e.paramBytes(i);
        },
        render: (e) => {
          const i = findParam(e, 'data');
          return i < 0 ? undefined : renderParamText(e, i, c.render).value;
        },
      }),
    },
    simple('evt.buflen', T.UINT64, F.DEC, 'the length of the binary data buffer for events that have one, like read(), recvfrom(), etc.',
      bufferLength(isIo)),
    {
      name: 'evt.res', type: T.CHARBUF, printFormat: F.DEC, arg: 'none',
      desc: "event return value, as a string. If the event failed, the result is an error code string (e.g. 'ENOENT'), otherwise the result is the string 'SUCCESS'.",
      get: (e, c) => {
        const r = result(e);
        if (r === undefined) return undefined;
        if (r.value >= 0) return 'SUCCESS';
        const text = renderParamText(e, r.index, c.render);
        return text.resolved !== '' ? text.resolved : text.value;
      },
    },
    simple('evt.rawres', T.INT64, F.DEC, 'event return value, as a number (e.g. -2). Useful for range comparisons.',
      (e) => result(e)?.value),
    simple('evt.failed', T.BOOL, F.NA, "'true' for events that returned an error status.",
      (e) => (result(e)?.value ?? 0) < 0),
    simple('evt.is_io', T.BOOL, F.NA, "'true' for events that read or write to FDs, like read(), send, recvfrom(), etc.",
      flag(EventFlag.READS_FROM_FD | EventFlag.WRITES_TO_FD)),
    simple('evt.is_io_read', T.BOOL, F.NA, "'true' for events that read from FDs, like read(), recv(), recvfrom(), etc.",
      flag(EventFlag.READS_FROM_FD)),
    simple('evt.is_io_write', T.BOOL, F.NA, "'true' for events that write to FDs, like write(), send(), etc.",
      flag(EventFlag.WRITES_TO_FD)),
    simple('evt.io_dir', T.CHARBUF, F.NA, "'r' for events that read from FDs, like read(); 'w' for events that write to FDs, like write().",
      (e) => ((flagsOf(e) & EventFlag.WRITES_TO_FD) !== 0 ? 'write' : (flagsOf(e) & EventFlag.READS_FROM_FD) !== 0 ? 'read' : undefined)),
    simple('evt.is_wait', T.BOOL, F.NA, "'true' for events that make the thread wait, e.g. sleep(), select(), poll().",
      flag(EventFlag.WAITS)),
    simple('evt.wait_latency', T.RELTIME, F.DEC, 'for events that make the thread wait (e.g. sleep(), select(), poll()), this is the time spent waiting for the event to return, in nanoseconds.',
      (e, c) => ((flagsOf(e) & EventFlag.WAITS) !== 0 && !isEnter(e) ? (e.thread ? c.state.latency(e.thread) : 0) : undefined)),
    simple('evt.is_syslog', T.BOOL, F.NA, "'true' for events that are writes to /dev/log.",
      (e) => (flagsOf(e) & EventFlag.WRITES_TO_FD) !== 0 && e.fd !== undefined && e.fd.name.includes('/dev/log')),
    simple('evt.count', T.UINT32, F.DEC, 'This filter field always returns 1 and can be used to count events from inside chisels.', () => 1),
    simple('evt.count.error', T.UINT32, F.DEC, 'This filter field returns 1 for events that returned with an error, and can be used to count event failures from inside chisels.',
      errorCount),
    simple('evt.count.error.file', T.UINT32, F.DEC, 'This filter field returns 1 for events that returned with an error and are related to file I/O, and can be used to count event failures from inside chisels.',
      errorCountOf('file')),
    simple('evt.count.error.net', T.UINT32, F.DEC, 'This filter field returns 1 for events that returned with an error and are related to network I/O, and can be used to count event failures from inside chisels.',
      errorCountOf('net')),
    simple('evt.count.error.memory', T.UINT32, F.DEC, 'This filter field returns 1 for events that returned with an error and are related to memory allocation, and can be used to count event failures from inside chisels.',
      errorCountOf('memory')),
    simple('evt.count.error.other', T.UINT32, F.DEC, 'This filter field returns 1 for events that returned with an error and are related to none of the previous categories, and can be used to count event failures from inside chisels.',
      errorCountOf('other')),
    simple('evt.count.exit', T.UINT32, F.DEC, 'This filter field returns 1 for exit events, and can be used to count single events from inside chisels.',
      (e) => (isEnter(e) ? undefined : 1)),
    simple('evt.count.procinfo', T.UINT32, F.DEC, 'This filter field returns 1 for procinfo events generated by process main threads, and can be used to count processes from inside views.',
      (e) => (e.type === E.PROCINFO_E && e.thread !== undefined && isMainThread(e.thread) ? 1 : undefined)),
    simple('evt.count.threadinfo', T.UINT32, F.DEC, 'This filter field returns 1 for procinfo events, and can be used to count processes from inside views.',
      (e) => (e.type === E.PROCINFO_E ? 1 : undefined)),
    {
      name: 'evt.around', type: T.UINT64, printFormat: F.DEC, arg: 'index', argRequired: true, filterOnly: true,
      desc: "Accepts the event if it's around the specified time interval. The syntax is evt.around[T]=D, where T is the value returned by %evt.rawtime for the event and D is a delta in milliseconds. For example, evt.around[1404996934793590564]=1000 will return the events with timestamp with one second before the timestamp and one second after it, for a total of two seconds of capture.",
      parseArg: (text, start, pos) => {
        if (text[pos] === '.') throw new FieldError('wrong syntax for evt.around');
        if (text[pos] !== '[') syntaxError(text, start);
        const close = text.indexOf(']', start);
        const inner = text.slice(pos + 1, close < 0 ? text.length : close);
        if (!/^\s*\d+$/.test(inner)) throw new FieldError(`${inner} is not a valid number`);
        return { arg: inner.trim(), end: close < 0 ? text.length : close + 1 };
      },
      checkArg: (a) => a,
      // Matching needs the comparison's value (a delta), not a field value: conditions handle it.
      get: () => undefined,
    },
    {
      name: 'evt.abspath', type: T.CHARBUF, arg: 'key', argRequired: true,
      desc: "Absolute path calculated from dirfd and name during syscalls like renameat and symlinkat. Use 'evt.abspath.src' or 'evt.abspath.dst' for syscalls that support multiple paths.",
      parseArg: (text, _start, pos) => {
        if (text.startsWith('.src', pos)) return { arg: 'src', end: pos + 4 };
        if (text.startsWith('.dst', pos)) return { arg: 'dst', end: pos + 4 };
        return { arg: undefined, end: pos };
      },
      checkArg: (a) => a,
      get: (e, c, arg) => abspath(e, c, arg === 'src' ? 1 : arg === 'dst' ? 2 : 0),
    },
    simple('evt.buflen.in', T.UINT64, F.DEC, 'the length of the binary data buffer, but only for input I/O events.',
      bufferLength(isRead)),
    simple('evt.buflen.out', T.UINT64, F.DEC, 'the length of the binary data buffer, but only for output I/O events.',
      bufferLength(isWrite)),
    simple('evt.buflen.file', T.UINT64, F.DEC, 'the length of the binary data buffer, but only for file I/O events.',
      bufferLength((e) => isIo(e) && onFile(e))),
    simple('evt.buflen.file.in', T.UINT64, F.DEC, 'the length of the binary data buffer, but only for input file I/O events.',
      bufferLength((e) => isRead(e) && onFile(e))),
    simple('evt.buflen.file.out', T.UINT64, F.DEC, 'the length of the binary data buffer, but only for output file I/O events.',
      bufferLength((e) => isWrite(e) && onFile(e))),
    simple('evt.buflen.net', T.UINT64, F.DEC, 'the length of the binary data buffer, but only for network I/O events.',
      bufferLength((e) => isIo(e) && onNet(e))),
    simple('evt.buflen.net.in', T.UINT64, F.DEC, 'the length of the binary data buffer, but only for input network I/O events.',
      bufferLength((e) => isRead(e) && onNet(e))),
    simple('evt.buflen.net.out', T.UINT64, F.DEC, 'the length of the binary data buffer, but only for output network I/O events.',
      bufferLength((e) => isWrite(e) && onNet(e))),
    simple('evt.is_open_read', T.BOOL, F.NA, "'true' for open/openat/openat2 events where the path was opened for reading",
      openCheck('read')),
    simple('evt.is_open_write', T.BOOL, F.NA, "'true' for open/openat/openat2 events where the path was opened for writing",
      openCheck('write')),
    simple('evt.infra.docker.name', T.CHARBUF, F.NA, 'for docker infrastructure events, the name of the event.',
      infraPart('Event', (_p, v) => v.trim())),
    simple('evt.infra.docker.container.id', T.CHARBUF, F.NA, 'for docker infrastructure events, the id of the impacted container.',
      infraPart('ID', (_p, v) => v.trim().slice(0, 12))),
    simple('evt.infra.docker.container.name', T.CHARBUF, F.NA, 'for docker infrastructure events, the name of the impacted container.',
      infraPart('name', (_p, v) => v.trim())),
    simple('evt.infra.docker.container.image', T.CHARBUF, F.NA, 'for docker infrastructure events, the image name of the impacted container.',
      infraPart('Image', infraImage)),
    simple('evt.is_open_exec', T.BOOL, F.NA, "'true' for open/openat/openat2 or creat events where a file is created with execute permissions",
      openCheck('exec')),
    simple('evt.is_open_create', T.BOOL, F.NA, "'true' for open/openat/openat2/open_by_handle_at events where a file is created.",
      openCreates),
  ],
};
