// Rewriting live events into the events Debian's sysdig 0.29.3 (libs of March 2022) reads, so a
// capture recorded by ghostwatch prints the same in sysdig and in ghostwatch.
//
// The probe emits only exit events, each the newest version of its system call's event, carrying
// the call's arguments as well as its result. sysdig 0.29.3 differs in four ways:
// - it skips event types it does not know (ids >= LEGACY_EVENT_COUNT): dup2, dup3, the newer dup,
//   accept4, pipe2, memfd_create, setreuid, setregid... Each is written as the 2022 event its
//   driver produced for that call: dup/dup2/dup3 as dup, accept4 as the old accept4, pipe2 as pipe,
//   and calls it had no event for as the generic syscall event;
// - it reads only the parameters it knows (EventInfo.legacyParams): the rest are dropped;
// - it takes the fd of an exit event from the enter event before it (no enter: no fd, so a close
//   does not remove its fd, a read shows no file). In capture mode the probe sends the 2022 enter
//   event of each call itself, at the call's start (ProbeEnters); otherwise an enter event is
//   synthesized before every exit whose enter parameters the exit carries (a 2022 driver always
//   sent both), with the exit's timestamp. The child's return from clone/fork has no enter event,
//   as in a 2022 capture;
// - it expects every string parameter to end with a NUL: an empty one is written as a lone NUL.
// Generic syscall events come from the probe with the call's x86_64 number only: their syscall id
// is the one sysdig 0.29.3's driver gave that number (native-syscalls.ts).
import { EVENT_TABLE, LEGACY_EVENT_COUNT, legacyParamCount } from './event-table.js';
import { ParamType, type EventInfo } from './event-types.js';
import { Event } from './event.js';
import { ppmScOfNative } from './native-syscalls.js';

const HEADER = 26;
const GENERIC_E = 0;
const GENERIC_X = 1;
/** Bits newer drivers add to an open's flags once the file is open: not part of the call's arguments. */
const OPENED_FILE_BITS = (1 << 14) | (1 << 15) | (1 << 16);
const CLONE_EXITS: ReadonlySet<number> = new Set([15, 157, 183, 185, 217, 219, 221, 223, 225, 227, 335]);
/** Parameter types read as NUL-terminated strings. */
const STRING_TYPES: ReadonlySet<number> = new Set([ParamType.CHARBUF, ParamType.FSPATH, ParamType.FSRELPATH]);
/** open, openat (2), openat2 enter events: their flags parameter. */
const OPEN_ENTERS: ReadonlySet<number> = new Set([2, 306, 326]);

/** Newer exit events and the 2022 exit event that stands for them. */
const TO_2022: ReadonlyMap<number, number> = new Map([
  [363, 125], // dup2 → dup
  [365, 125], // dup3 → dup
  [367, 125], // dup (newer) → dup
  [389, 249], // accept4 → accept (the 2022 accept4 event)
  [393, 61], // pipe2 → pipe
  [395, 139], // inotify_init1 → inotify_init
  [397, 63], // eventfd2 → eventfd
  [399, 127], // signalfd4 → signalfd
]);

/** Exit parameters found under another name in the newer event, by target event id and parameter name. */
const RENAMED: ReadonlyMap<number, Readonly<Record<string, string>>> = new Map([[124, { fd: 'oldfd' }]]);

/**
 * Newer exit events of calls the 2022 driver had no event for: it sent the generic syscall event
 * with the call's PPM_SC id (0 when its table did not know the call) and the x86_64 syscall number.
 */
const AS_GENERIC: ReadonlyMap<number, { sc: number; native: number }> = new Map([
  [337, { sc: 0, native: 304 }], // open_by_handle_at
  [353, { sc: 115, native: 126 }], // capset
  [375, { sc: 165, native: 213 }], // epoll_create
  [377, { sc: 227, native: 291 }], // epoll_create1
  [405, { sc: 0, native: 319 }], // memfd_create
  [407, { sc: 0, native: 438 }], // pidfd_getfd
  [409, { sc: 0, native: 434 }], // pidfd_open
  [427, { sc: 123, native: 113 }], // setreuid
  [429, { sc: 124, native: 114 }], // setregid
  [411, { sc: 76, native: 175 }], // init_module
  [413, { sc: 314, native: 313 }], // finit_module
]);

/**
 * Where a written parameter comes from: a parameter of the source event, a constant, bpf's
 * result (see BPF_PLAN), or the syscall id of the x86_64 call number in parameter `ppmScOf`.
 */
type Source = { from: number } | { constant: number } | { bpfResult: true } | { ppmScOf: number };

interface Plan {
  exitId: number;
  exitParams: Source[];
  /** -1: no enter event is written. */
  enterId: number;
  enterParams: Source[];
  /** Parameter index of open flags in the enter event, -1 when none. */
  enterOpenFlags: number;
  /** Clone family: no enter event before the child's return (res 0). */
  childHasNoEnter: boolean;
}

/** Width in bytes of a fixed-size parameter type, 0 for variable-size ones. */
export function fixedWidth(t: ParamType): number {
  switch (t) {
    case ParamType.INT8: case ParamType.UINT8: case ParamType.FLAGS8: case ParamType.ENUMFLAGS8: case ParamType.SIGTYPE:
    case ParamType.L4PROTO: case ParamType.SOCKFAMILY:
      return 1;
    case ParamType.INT16: case ParamType.UINT16: case ParamType.FLAGS16: case ParamType.ENUMFLAGS16: case ParamType.PORT:
    case ParamType.SYSCALLID:
      return 2;
    case ParamType.INT32: case ParamType.UINT32: case ParamType.FLAGS32: case ParamType.ENUMFLAGS32: case ParamType.UID:
    case ParamType.GID: case ParamType.MODE: case ParamType.FD32: case ParamType.PID32: case ParamType.IPV4ADDR:
    case ParamType.SIGSET: case ParamType.BOOL:
      return 4;
    case ParamType.INT64: case ParamType.UINT64: case ParamType.ERRNO: case ParamType.FD: case ParamType.PID:
    case ParamType.RELTIME: case ParamType.ABSTIME: case ParamType.DOUBLE:
      return 8;
    default:
      return 0;
  }
}

/** The source parameters for each of target's 2022 parameters, by name; undefined when one is missing. */
function byName(target: EventInfo, source: EventInfo): Source[] | undefined {
  const renamed = RENAMED.get(target.id) ?? {};
  const out: Source[] = [];
  for (let i = 0; i < legacyParamCount(target); i++) {
    const name = target.params[i].name;
    const from = source.params.findIndex((p) => p.name === (renamed[name] ?? name));
    if (from < 0) return undefined;
    out.push({ from });
  }
  return out;
}

/** bpf(2) */
const BPF_2_X = 369;
const BPF_PROG_LOAD = 5;
const BPF_MAP_CREATE = 0;
/**
 * The 2022 bpf events: the command on the enter event; on the exit one parameter whose first byte
 * says what follows, the new fd (0) for a successful map or program creation, else the result (1).
 */
const BPF_PLAN: Plan = {
  exitId: 297, exitParams: [{ bpfResult: true }],
  enterId: 296, enterParams: [{ from: 1 }],
  enterOpenFlags: -1, childHasNoEnter: false,
};

/** The probe's generic events (ID, nativeID): ID is named from nativeID. */
const GENERIC_E_PLAN: Plan = {
  exitId: GENERIC_E, exitParams: [{ ppmScOf: 1 }, { from: 1 }],
  enterId: -1, enterParams: [], enterOpenFlags: -1, childHasNoEnter: false,
};
const GENERIC_X_PLAN: Plan = {
  exitId: GENERIC_X, exitParams: [{ ppmScOf: 1 }],
  enterId: GENERIC_E, enterParams: [{ ppmScOf: 1 }, { from: 1 }], enterOpenFlags: -1, childHasNoEnter: false,
};

function planFor(info: EventInfo): Plan | undefined {
  if (info.id === BPF_2_X) return BPF_PLAN;
  if (info.id === GENERIC_E) return GENERIC_E_PLAN;
  if (info.id === GENERIC_X) return GENERIC_X_PLAN;
  const generic = AS_GENERIC.get(info.id);
  if (generic !== undefined) {
    return {
      exitId: GENERIC_X, exitParams: [{ constant: generic.sc }],
      enterId: GENERIC_E, enterParams: [{ constant: generic.sc }, { constant: generic.native }],
      enterOpenFlags: -1, childHasNoEnter: false,
    };
  }
  const exitId = info.id < LEGACY_EVENT_COUNT ? info.id : TO_2022.get(info.id);
  if (exitId === undefined) return undefined;
  const exit = EVENT_TABLE[exitId];
  const exitParams = exitId === info.id
    ? Array.from({ length: legacyParamCount(exit) }, (_, from) => ({ from }))
    : byName(exit, info);
  if (exitParams === undefined) throw new Error(`compat: ${info.name} (${info.id}) lacks parameters of event ${exitId}`);
  const plan: Plan = { exitId, exitParams, enterId: -1, enterParams: [], enterOpenFlags: -1, childHasNoEnter: CLONE_EXITS.has(exitId) };
  // Enter events are the even ids; enter-only events (procexit...) have no exit to pair.
  if (info.dir === '<') {
    const enter = EVENT_TABLE[exitId - 1];
    const enterParams = byName(enter, info);
    if (enterParams !== undefined) {
      plan.enterId = enter.id;
      plan.enterParams = enterParams;
      if (OPEN_ENTERS.has(enter.id)) plan.enterOpenFlags = enter.params.findIndex((p) => p.name === 'flags');
    }
  }
  return plan;
}

const CONTAINER_JSON_2_E = 324;

/** The plan of every event type, by id; undefined for the types sysdig 0.29.3 cannot be given. */
const PLANS: readonly (Plan | undefined)[] = EVENT_TABLE.map((info) => planFor(info));

export interface ConverterOptions {
  /**
   * The probe sends enter events of its own (capture mode): they are converted like the others,
   * and none is synthesized before an exit.
   */
  readonly probeEnters?: boolean;
}

/**
 * Turns events of any driver version into 2022 events. convert() calls emit with each event to
 * write (the synthesized enter event, then the exit) — an Event valid during the call only.
 * Nothing is allocated per event.
 */
export class LegacyConverter {
  private readonly plans = PLANS;
  private buf = Buffer.alloc(4096);
  private readonly out = new Event();
  private readonly synthesizeEnters: boolean;

  constructor(opts: ConverterOptions = {}) {
    this.synthesizeEnters = opts.probeEnters !== true;
  }

  /** Convert one event; false when sysdig 0.29.3 has no way to show it (nothing is emitted). */
  convert(src: Event, emit: (e: Event) => void): boolean {
    // Container descriptions are written as they come (sysdig 0.29.3 reads the large-payload form).
    if (src.type === CONTAINER_JSON_2_E) {
      emit(src);
      return true;
    }
    const plan = this.plans[src.type];
    if (plan === undefined) return false;
    if (this.synthesizeEnters && plan.enterId >= 0 && !(plan.childHasNoEnter && src.paramInt(0) === 0)) {
      emit(this.build(src, plan.enterId, plan.enterParams, plan.enterOpenFlags));
    }
    emit(this.build(src, plan.exitId, plan.exitParams, -1));
    return true;
  }

  /** Write event `type` with the given parameters (from src) in the scratch buffer. */
  private build(src: Event, type: number, params: readonly Source[], openFlags: number): Event {
    const info = EVENT_TABLE[type];
    const n = params.length;
    let size = HEADER + 2 * n;
    for (let i = 0; i < n; i++) size += this.paramSize(src, info, i, params[i]);
    if (this.buf.length < size) this.buf = Buffer.alloc(size * 2);
    const b = this.buf;
    b.set(src.buf.subarray(src.off, src.off + 16), 0); // ts, tid
    b.writeUInt32LE(size, 16);
    b.writeUInt16LE(type, 20);
    b.writeUInt32LE(n, 22);
    let lens = HEADER;
    let data = HEADER + 2 * n;
    for (let i = 0; i < n; i++) {
      const len = this.writeParam(src, info, i, params[i], data, i === openFlags);
      b.writeUInt16LE(len, lens);
      lens += 2;
      data += len;
    }
    const e = this.out;
    e.reset(b, 0, HEADER, 2, n);
    e.cpu = src.cpu;
    e.dumpFlags = src.dumpFlags;
    e.num = src.num;
    return e;
  }

  /** The length parameter i will have: the 2022 type's width for numbers, at least a NUL for strings. */
  private paramSize(src: Event, info: EventInfo, i: number, s: Source): number {
    const type = info.params[i].type;
    const width = fixedWidth(type);
    if ('constant' in s || 'ppmScOf' in s) return width;
    if ('bpfResult' in s) return 9;
    const len = src.paramLen(s.from);
    if (len === 0) return STRING_TYPES.has(type) ? 1 : 0;
    return width !== 0 ? width : len;
  }

  /** Write parameter i at `at`; returns its length (paramSize's). */
  private writeParam(src: Event, info: EventInfo, i: number, s: Source, at: number, openFlags: boolean): number {
    const b = this.buf;
    const type = info.params[i].type;
    const width = fixedWidth(type);
    if ('constant' in s) {
      writeInt(b, at, width, s.constant);
      return width;
    }
    if ('ppmScOf' in s) {
      writeInt(b, at, width, ppmScOfNative(src.paramInt(s.ppmScOf)));
      return width;
    }
    if ('bpfResult' in s) {
      const res = src.paramInt(0), cmd = src.paramInt(1);
      b[at] = res >= 0 && (cmd === BPF_MAP_CREATE || cmd === BPF_PROG_LOAD) ? 0 : 1;
      writeInt(b, at + 1, 8, res);
      return 9;
    }
    const len = src.paramLen(s.from);
    if (len === 0) {
      // sysdig 0.29.3 reads a string up to its NUL, past the parameter when there is none: an
      // empty string is written as its NUL alone, as 2022 drivers wrote them.
      if (!STRING_TYPES.has(type)) return 0;
      b[at] = 0;
      return 1;
    }
    if (width === 0 || (len === width && !openFlags)) {
      const o = src.paramOffset(s.from);
      b.set(src.buf.subarray(o, o + len), at);
      return len;
    }
    let v = src.paramInt(s.from);
    if (openFlags) v &= ~OPENED_FILE_BITS;
    writeInt(b, at, width, v);
    return width;
  }
}

function writeInt(b: Buffer, at: number, width: number, v: number): void {
  switch (width) {
    case 1: b[at] = v & 0xff; return;
    case 2: b.writeUInt16LE(v & 0xffff, at); return;
    case 4: b.writeUInt32LE(v >>> 0, at); return;
    case 8: b.writeBigInt64LE(BigInt(v), at); return;
  }
}

/**
 * The names of the events that are written as one of these 2022 event types, or are one of them:
 * what a live capture must ask the probe for so that a filter on the written events sees them all
 * (e.g. dup2 and dup3 for `evt.type=dup`).
 */
export function liveEventsWrittenAs(ids: ReadonlySet<number>): Set<string> {
  const names = new Set<string>();
  for (const info of EVENT_TABLE) {
    const plan = PLANS[info.id];
    if (ids.has(info.id) || (plan !== undefined && (ids.has(plan.exitId) || ids.has(plan.enterId)))) names.add(info.name);
  }
  return names;
}
