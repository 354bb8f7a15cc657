// The thread table, as sinsp keeps it: one entry per thread id, the main thread (tid == pid) owning
// the process's fd table, cwd and environment; threads seen in events but never announced get an
// inferred "<NA>" entry; a process's main thread is kept while other threads still reference it.
import type { Event } from '../capture/event.js';
import type { ThreadInfo } from './types.js';
import { FdEntry } from './fdinfo.js';
import { CloneFlag, NO_ID } from '../capture/flags.js';

/**
 * Zero for the number fields that may hold values past 2^31 (ids like 0xffffffff, timestamps):
 * -0 is stored as a float from the start, so V8 does not change the objects' shape (and throw
 * away the code optimised for it) the first time such a value arrives. -0 behaves as 0 in every
 * comparison, as a Map key and when printed.
 */
export const FLOAT_ZERO = -0;

export class ThreadEntry implements ThreadInfo {
  tid = 0;
  pid = -1;
  ptid = -1;
  sid = -1;
  vtid = -1;
  vpid = -1;
  vpgid = -1;
  pgid = -1;
  comm = '';
  exe = '';
  exepath = '';
  args: string[] = [];
  root = '';
  uid = FLOAT_ZERO;
  gid = FLOAT_ZERO;
  loginuid = 0;
  flags: number = CloneFlag.NAME_CHANGED;
  fdlimit = -1;
  tty = 0;
  capInheritable = 0n;
  capPermitted = 0n;
  capEffective = 0n;
  cgroups: [string, string][] = [];
  containerId = '';
  cloneTs = 0n;
  pidnsInitStartTs = FLOAT_ZERO;
  exeIno = FLOAT_ZERO;
  exeInoCtime = FLOAT_ZERO;
  exeInoMtime = FLOAT_ZERO;
  exeInoCtimeDurationPidnsStart = FLOAT_ZERO;
  exeFromMemfd = false;
  exeUpperLayer = false;
  exeLowerLayer = false;
  exeWritable = false;
  vmsizeKb = 0;
  vmrssKb = 0;
  vmswapKb = 0;
  pfmajor = 0;
  pfminor = 0;
  incomplete = false;
  category = 0;

  /** This thread's own fd table; threads sharing their process's files use the main thread's. */
  readonly ownFds = new Map<number, FdEntry>();
  /** This thread's own cwd and environment; readers see the main thread's (sinsp's get_cwd/get_env). */
  ownCwd = '';
  ownEnv: string[] = [];

  /** The fd the last enter event was about (sinsp's m_lastevent_fd). */
  lastEventFd = 0;
  /** Type of the last enter event, -1 when none. */
  lastEventType = -1;
  /** The last stored enter event, and whether it is the one the current exit event matches. */
  enter: Event | undefined = undefined;
  enterStored = false;
  enterValid = false;
  latency = FLOAT_ZERO;
  /** Timestamp of the last enter event (two exact 32-bit halves), 0/0 when none. */
  enterTsHi = 0;
  enterTsLo = FLOAT_ZERO;
  /** Threads of this process that keep it in the table after it exits. */
  nchilds = 0;
  /** Set once the entry has left the table. */
  removed = false;
  private mainCache: ThreadEntry | undefined = undefined;

  constructor(private readonly table: ThreadTable) {}

  isMainThread(): boolean {
    return this.tid === this.pid || (this.flags & CloneFlag.IS_MAIN_THREAD) !== 0;
  }

  /** The main thread of this thread's process; inferred (and added) when unknown, as sinsp does. */
  mainThread(): ThreadEntry {
    if (this.isMainThread()) return this;
    const cached = this.mainCache;
    if (cached !== undefined && !cached.removed) return cached;
    const main = this.table.get(this.pid, true, true);
    this.mainCache = main;
    return main ?? this;
  }

  get fds(): Map<number, FdEntry> {
    return (this.flags & CloneFlag.CLONE_FILES) === 0 ? this.ownFds : this.mainThread().ownFds;
  }

  get cwd(): string {
    return this.mainThread().ownCwd;
  }

  get env(): string[] {
    return this.mainThread().ownEnv;
  }
}

/** Removed threads' enter-event copies kept for reuse, so thread churn does not allocate. */
const MAX_SPARE_EVENTS = 256;

export class ThreadTable {
  private readonly map = new Map<number, ThreadEntry>();
  private lastTid = -1;
  private lastThread: ThreadEntry | undefined = undefined;
  private readonly spareEvents: Event[] = [];

  get size(): number {
    return this.map.size;
  }

  values(): IterableIterator<ThreadEntry> {
    return this.map.values();
  }

  create(): ThreadEntry {
    return new ThreadEntry(this);
  }

  /** An Event to keep an enter event in, recycled from removed threads when there is one. */
  takeEvent(): Event | undefined {
    return this.spareEvents.pop();
  }

  /** Look a thread up; the last thread looked up (not lookup-only) is cached. */
  find(tid: number, lookupOnly: boolean): ThreadEntry | undefined {
    if (tid === this.lastTid && this.lastThread !== undefined) return this.lastThread;
    const t = this.map.get(tid);
    if (t !== undefined && !lookupOnly) {
      this.lastTid = tid;
      this.lastThread = t;
    }
    return t;
  }

  /** find(), and when absent and `infer` is set, add an inferred "<NA>" entry for the tid. */
  get(tid: number, infer: boolean, lookupOnly: boolean): ThreadEntry | undefined {
    const t = this.find(tid, lookupOnly);
    if (t !== undefined || !infer) return t;
    const n = this.create();
    n.tid = tid;
    n.pid = tid;
    n.ptid = -1;
    n.comm = '<NA>';
    n.exe = '<NA>';
    n.uid = NO_ID;
    n.gid = NO_ID;
    n.loginuid = -1;
    n.incomplete = true;
    for (const o of this.map.values()) if (o.pid === tid) n.nchilds++;
    this.add(n, false);
    return this.find(tid, lookupOnly);
  }

  /** Add (or replace) an entry; threads of a process count toward their main thread's children. */
  add(t: ThreadEntry, fromProcList: boolean): void {
    this.lastThread = undefined;
    this.lastTid = -1;
    if (!fromProcList) this.countChild(t);
    const old = this.map.get(t.tid);
    if (old !== undefined && old !== t) old.removed = true;
    this.map.set(t.tid, t);
  }

  /** Remove a thread unless live threads still reference it (or `force`). */
  remove(tid: number, force: boolean): void {
    const t = this.map.get(tid);
    if (t === undefined) return;
    const nchilds = t.nchilds;
    if (nchilds !== 0 && !force) return;
    let deadMain: ThreadEntry | undefined;
    if ((t.flags & CloneFlag.CLONE_THREAD) !== 0) {
      const main = this.get(t.pid, false, true);
      if (main !== undefined && main.nchilds > 0) main.nchilds--;
      // A process whose main thread exited first (Go programs do) is gone with its last thread.
      if (main !== undefined && main.nchilds === 0 && (main.flags & CloneFlag.CLOSED) !== 0 && main !== t) deadMain = main;
    }
    this.lastTid = -1;
    this.lastThread = undefined;
    this.map.delete(tid);
    t.removed = true;
    if (t.enter !== undefined && this.spareEvents.length < MAX_SPARE_EVENTS) {
      this.spareEvents.push(t.enter);
      t.enter = undefined;
      t.enterStored = t.enterValid = false;
    }
    if (nchilds !== 0) this.recountChildren();
    if (deadMain !== undefined) this.remove(deadMain.tid, false);
  }

  /** Recompute every main thread's child count from scratch. */
  recountChildren(): void {
    this.lastTid = -1;
    this.lastThread = undefined;
    for (const t of this.map.values()) t.nchilds = 0;
    for (const t of [...this.map.values()]) this.countChild(t);
  }

  private countChild(t: ThreadEntry): void {
    if ((t.flags & CloneFlag.CLONE_THREAD) === 0) return;
    const main = this.get(t.pid, true, true);
    if (main !== undefined) main.nchilds++;
  }
}
