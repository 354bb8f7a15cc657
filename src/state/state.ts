// The state engine's entry points. seed() takes what the capture header says (processes and their
// fds, interfaces, users, machine); process() is called for every event, in order, and does what
// sinsp's parser does before an event is filtered and printed: find the thread (inferring unknown
// ones), track the fd the event is about, run the event's handler, and say whether it is shown.
//
// Deferred work, as in sinsp: a closed fd and an exited thread stay in the tables until the start
// of the next process() call, so the close/procexit event itself still shows them. The copy of an
// enter event is dropped as soon as its exit event has been shown.
//
// Filtering: sysdig filters inside this step, and the order matters. Set `filter` and process()
// runs it before the handler for events that do not modify state (which are then not parsed when
// they are filtered out) and after it for those that do; process() returns false for events that
// must not be shown (filtered out, state-only events, the container events leading a capture).
import { DUMP_FLAG_STATE_ONLY, type Event } from '../capture/event.js';
import { EVENT_TABLE } from '../capture/event-table.js';
import { EventFlag, ParamType, type EventInfo } from '../capture/event-types.js';
import type { CaptureHeader } from '../capture/records.js';
import { Core, type Handler } from './core.js';
import { E, checkEventIds } from './event-ids.js';
import { CANCELED_FD, CloneFlag, FdFlag, NO_ID } from '../capture/flags.js';
import { buildHandlers } from './parsers/index.js';
import { importHeader } from './seed.js';
import type { ThreadEntry } from './threads.js';
import type { ContainerInfo, GroupInfo, StateView, ThreadInfo, UserInfo } from './types.js';

const TWO32 = 4294967296;
/** What a filtered-out event leaves as the thread's last enter type: matches no exit event. */
const NO_EVENT = 1 << 20;
const FD_EVENT = EventFlag.CREATES_FD | EventFlag.USES_FD | EventFlag.DESTROYS_FD;
const CLONE_EXITS: readonly number[] = [
  E.CLONE_11_X, E.CLONE_16_X, E.CLONE_17_X, E.CLONE_20_X, E.FORK_X, E.FORK_17_X, E.FORK_20_X, E.VFORK_X,
  E.VFORK_17_X, E.VFORK_20_X, E.CLONE3_X,
];

/**
 * For exit events that use an fd: the parameter newer drivers append with that fd (the first FD
 * parameter past the 2022 ones, or past the return value for events sysdig 0.29.3 lacks), -1 when none.
 */
function exitFdParams(table: readonly EventInfo[], legacyCount: number): Int16Array {
  const out = new Int16Array(table.length).fill(-1);
  for (const info of table) {
    if (info.dir !== '<' || (info.flags & EventFlag.USES_FD) === 0) continue;
    const from = info.legacyParams ?? (info.id >= legacyCount ? 1 : info.params.length);
    for (let i = Math.max(1, from); i < info.params.length; i++) {
      if (info.params[i].type === ParamType.FD) {
        out[info.id] = i;
        break;
      }
    }
  }
  return out;
}

const KEEPS_STATE = EventFlag.MODIFIES_STATE | EventFlag.CREATES_FD | EventFlag.DESTROYS_FD;

/** Whether events of this type change the tables: a filtered capture keeps them, hidden (sysdig -F). */
export function stateNeeds(type: number): boolean {
  return ((EVENT_TABLE[type]?.flags ?? 0) & KEEPS_STATE) !== 0;
}

export class State extends Core implements StateView {
  /** The event filter, run where sysdig runs it (see the file comment); undefined shows everything. */
  filter: ((evt: Event) => boolean) | undefined = undefined;
  /** Timestamp of the first event that is not a container description (evt.reltime's origin). */
  firstEventTs: bigint | undefined = undefined;
  /** IPv6 addresses of the machine's interfaces. */
  readonly localIpv6: Uint8Array[] = this.ipv6Ifaces;

  private readonly handlers: (Handler | undefined)[];
  private readonly flagsById: Uint32Array;
  private readonly exitFd: Int16Array;
  /** 1 for the events whose thread is not inferred when unknown (see reset()). */
  private readonly noInfer: Uint8Array;
  /** The header's processes, imported once the container events leading the capture are read. */
  private pending: CaptureHeader | undefined = undefined;

  constructor(table: readonly EventInfo[] = EVENT_TABLE) {
    super(table);
    checkEventIds(table);
    this.handlers = buildHandlers(table.length);
    this.flagsById = Uint32Array.from(table, (info) => info.flags);
    this.exitFd = exitFdParams(table, E.CLONE3_X + 1);
    this.noInfer = new Uint8Array(table.length);
    for (const id of [...CLONE_EXITS, E.SCHEDSWITCH_6_E]) this.noInfer[id] = 1;
  }

  /** Take the capture header. Its processes are imported before the first non-container event. */
  seed(h: CaptureHeader): void {
    this.hostname = h.machine?.hostname ?? '';
    this.pending = h;
  }

  /** Update the state for one event and set evt.thread / evt.fd / evt.fdNum; false when it is not shown. */
  process(evt: Event): boolean {
    this.runDeferred();
    const type = evt.type;
    if (this.firstEventTs === undefined && type !== E.CONTAINER_JSON_E && type !== E.CONTAINER_JSON_2_E) this.firstEventTs = evt.ts();
    const isContainer = type === E.CONTAINER_E || type === E.CONTAINER_JSON_E || type === E.CONTAINER_JSON_2_E;
    // sinsp reads the container events that open a capture before importing its processes, and never shows them.
    const leading = this.pending !== undefined && isContainer;
    if (this.pending !== undefined && !isContainer) this.importPending();

    const flags = this.flagsById[type] ?? 0;
    this.hidden = false;
    this.reset(evt, flags);

    const filter = leading ? undefined : this.filter;
    const early = filter !== undefined && (flags & EventFlag.MODIFIES_STATE) === 0;
    if (early) {
      this.expose(evt, flags);
      if (!filter(evt)) {
        const t = this.cur;
        if (t !== undefined && (flags & EventFlag.SKIPPARSERESET) === 0 && type !== E.SCHEDSWITCH_6_E) t.lastEventType = NO_EVENT;
        return false;
      }
    }

    this.handlers[type]?.(this, evt);

    let shown = !leading && !this.hidden;
    if (filter !== undefined && !early) {
      this.expose(evt, flags);
      if (!filter(evt)) return false;
      shown = true;
    }
    if ((evt.dumpFlags & DUMP_FLAG_STATE_ONLY) !== 0) shown = false;
    this.expose(evt, flags);
    const fd = this.curFd;
    if (fd !== undefined) fd.nameChanged = fd.name !== fd.oldName;
    // Once an exit event is shown, the copy of its enter event is released.
    const t = this.cur;
    if (shown && (type & 1) === 1 && t !== undefined) t.enterStored = t.enterValid = false;
    return shown;
  }

  /** sinsp's reset(): the event's thread, latency, enter/exit pairing and the fd it uses. */
  private reset(evt: Event, flags: number): void {
    this.curFd = undefined;
    const type = evt.type;
    if ((flags & EventFlag.SKIPPARSERESET) !== 0) {
      this.cur = type === E.PROCINFO_E ? this.threads.find(evt.tid, false) : undefined;
      return;
    }
    if (type === E.CONTAINER_JSON_E || type === E.CONTAINER_JSON_2_E) {
      this.cur = undefined;
      return;
    }
    // A clone's child may not exist yet and scheduler events come from kernel threads: no inference.
    const infer = this.noInfer[type] === 0;
    const t = this.threads.get(evt.tid, infer, false);
    this.cur = t;
    if (t === undefined || type === E.SCHEDSWITCH_6_E) return;
    if (infer) t.flags |= CloneFlag.ACTIVE;

    if ((type & 1) === 0) {
      t.lastEventFd = -1;
      t.lastEventType = type;
      if ((flags & EventFlag.USES_FD) !== 0) {
        t.lastEventFd = evt.paramInt(0);
        this.curFd = this.getFd(t, t.lastEventFd);
      }
      t.latency = 0;
      t.enterTsHi = evt.tsHi;
      t.enterTsLo = evt.tsLo;
      return;
    }

    if (t.enterTsHi !== 0 || t.enterTsLo !== 0) t.latency = (evt.tsHi - t.enterTsHi) * TWO32 + (evt.tsLo - t.enterTsLo);
    if (type === t.lastEventType + 1) {
      t.enterValid = true;
    } else {
      t.enterValid = false;
      if (t.lastEventType !== E.TRACER_E) {
        // Newer drivers send no enter event; their exit event names the fd itself.
        const p = this.exitFd[type];
        if (p >= 0 && evt.nparams > p) {
          t.lastEventFd = evt.paramInt(p);
          this.curFd = this.getFd(t, t.lastEventFd);
        }
        return;
      }
    }
    if ((flags & EventFlag.USES_FD) === 0) return;
    if (type === E.COPY_FILE_RANGE_X) t.lastEventFd = evt.paramInt(1);
    const fd = this.getFd(t, t.lastEventFd);
    this.curFd = fd;
    if (fd === undefined || (fd.flags & FdFlag.CLOSE_CANCELED) === 0) return;
    // A close cancelled by a reopen of the same fd: the parked old entry goes now.
    fd.flags &= ~FdFlag.CLOSE_CANCELED;
    if (this.getFd(t, CANCELED_FD) !== undefined) this.eraseFd(t, CANCELED_FD);
  }

  /** Publish the current thread and fd on the event for the filter and the formatter. */
  private expose(evt: Event, flags: number): void {
    const t = this.cur;
    evt.thread = t;
    evt.fdNum = t === undefined ? -1 : t.lastEventFd;
    let fd = this.curFd;
    if (fd === undefined && t !== undefined && (flags & FD_EVENT) !== 0 && t.lastEventFd !== -1) {
      fd = this.getFd(t, t.lastEventFd);
    }
    if (fd !== undefined) fd.nameChanged = false;
    evt.fd = fd;
  }

  /** The work the previous event deferred: an exited thread, then closed fds, leave the tables. */
  private runDeferred(): void {
    if (this.tidToRemove !== -1) {
      this.threads.remove(this.tidToRemove, false);
      this.tidToRemove = -1;
    }
    const n = this.fdsToRemoveCount;
    if (n !== 0) {
      const t = this.threads.get(this.tidOfFdsToRemove, true, true);
      if (t !== undefined) {
        const table = t.fds;
        for (let i = 0; i < n; i++) table.delete(this.fdsToRemove[i]);
      }
      this.fdsToRemoveCount = 0;
    }
  }

  private importPending(): void {
    const h = this.pending;
    if (h === undefined) return;
    this.pending = undefined;
    importHeader(this, h);
  }

  /**
   * Live only: remove the threads the system no longer has, whose exit was never seen (an event
   * dropped, or an exit just before the probe started). Returns how many were removed.
   */
  purgeThreads(isAlive: (tid: number, pid: number) => boolean): number {
    const gone: ThreadEntry[] = [];
    for (const t of this.threads.values()) if (!isAlive(t.tid, t.pid)) gone.push(t);
    // Threads before their main thread: a main thread removed first would be inferred back for them.
    gone.sort((a, b) => Number(a.tid === a.pid) - Number(b.tid === b.pid));
    for (const t of gone) this.threads.remove(t.tid, true);
    return gone.length;
  }

  // ---- StateView ----

  thread(tid: number): ThreadEntry | undefined {
    this.importPending();
    return this.threads.find(tid, true);
  }

  mainThread(t: ThreadInfo): ThreadInfo {
    return entry(t).mainThread();
  }

  parent(t: ThreadInfo): ThreadInfo | undefined {
    return this.threads.get(t.ptid, false, true);
  }

  /** The thread's stored enter event, while it pairs with the current exit (check its type is the exit's - 1). */
  enterEvent(t: ThreadInfo): Event | undefined {
    const e = entry(t);
    return e.enterStored && e.enterValid ? e.enter : undefined;
  }

  latency(t: ThreadInfo): number {
    return entry(t).latency;
  }

  user(uid: number): UserInfo | undefined {
    return uid === NO_ID ? undefined : this.users.get(uid);
  }

  group(gid: number): GroupInfo | undefined {
    return gid === NO_ID ? undefined : this.groups.get(gid);
  }

  /**
   * Read a container event's description ahead of its turn in the stream (its turn still comes,
   * and changes nothing more): the rules waiting for a new container's description get it now.
   */
  learnContainer(evt: Event): void {
    const info = this.containers.parseJson(evt.paramStr(0));
    if (info !== undefined) this.containers.add(info);
  }

  container(id: string): ContainerInfo | undefined {
    return this.containers.get(id);
  }
}

/** The state's view of a thread it handed out: every ThreadInfo it gives is one of its ThreadEntry objects. */
function entry(t: ThreadInfo): ThreadEntry {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- see above: StateView's users only know the interface
  return t as ThreadEntry;
}
