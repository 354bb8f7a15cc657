// Process and thread lifecycle: clone/fork/vfork/clone3 (parent and child sides), execve/execveat
// (every version), exit, working directory, credentials, sessions, limits and memory counters.
// Parameter positions are those of each event version (they only ever grow by appending).
import type { Event } from '../../capture/event.js';
import type { Core } from '../core.js';
import { E } from '../event-ids.js';
import { CLONE_STALE_TIME_NS, CloneFlag, EXECVEAT_EMPTY_PATH, ExeFlag, FdFlag, NO_ID, RLIMIT_NOFILE } from '../../capture/flags.js';
import { concatenatePaths } from '../paths.js';
import { dropUnprintable } from '../net-format.js';
import type { ThreadEntry } from '../threads.js';
import { cgroupList, envList, rawStr, strList } from './params.js';
import { dirfdBase } from './files.js';

/** Where a clone exit version keeps its flags, uid and gid, and which optional parameters it has. */
interface CloneLayout { flags: number; uid: number; gid: number; hasComm: boolean; hasMem: boolean; v20: boolean }
const CLONE_11: CloneLayout = { flags: 8, uid: 9, gid: 10, hasComm: false, hasMem: false, v20: false };
const CLONE_16: CloneLayout = { flags: 13, uid: 14, gid: 15, hasComm: false, hasMem: true, v20: false };
const CLONE_17: CloneLayout = { flags: 14, uid: 15, gid: 16, hasComm: true, hasMem: true, v20: false };
/** Version 20 (and clone3) also carry cgroups and the ids inside the pid namespace. */
const CLONE_20: CloneLayout = { flags: 15, uid: 16, gid: 17, hasComm: true, hasMem: true, v20: true };
const CLONE_LAYOUTS: ReadonlyMap<number, CloneLayout> = new Map([
  [E.CLONE_11_X, CLONE_11], [E.CLONE_16_X, CLONE_16], [E.FORK_X, CLONE_16], [E.VFORK_X, CLONE_16],
  [E.CLONE_17_X, CLONE_17], [E.FORK_17_X, CLONE_17], [E.VFORK_17_X, CLONE_17],
  [E.CLONE_20_X, CLONE_20], [E.FORK_20_X, CLONE_20], [E.VFORK_20_X, CLONE_20], [E.CLONE3_X, CLONE_20],
]);

/** Copy what a new process inherits from the thread that cloned it. */
function inherit(t: ThreadEntry, p: ThreadEntry, isThread: boolean): void {
  t.comm = p.comm;
  t.exe = p.exe;
  t.exepath = p.exepath;
  t.exeWritable = p.exeWritable;
  t.args = p.args;
  t.root = p.root;
  t.sid = p.sid;
  t.vpgid = p.vpgid;
  t.pgid = p.pgid;
  t.tty = p.tty;
  t.loginuid = p.loginuid;
  // A child runs the same executable with the same capabilities until it calls execve or capset.
  t.capInheritable = p.capInheritable;
  t.capPermitted = p.capPermitted;
  t.capEffective = p.capEffective;
  t.exeIno = p.exeIno;
  t.exeInoCtime = p.exeInoCtime;
  t.exeInoMtime = p.exeInoMtime;
  t.exeUpperLayer = p.exeUpperLayer;
  t.exeLowerLayer = p.exeLowerLayer;
  t.exeFromMemfd = p.exeFromMemfd;
  if (!isThread) t.ownEnv = p.ownEnv;
}

export function cloneExit(c: Core, evt: Event): void {
  const L = CLONE_LAYOUTS.get(evt.type) ?? CLONE_20;
  let tid = evt.tid;
  let childTid = evt.paramInt(0);
  const flags = evt.paramUint(L.flags);
  if (childTid < 0) return;
  let vtid = tid, vpid = -1;
  if (L.v20) {
    vtid = evt.paramInt(18);
    vpid = evt.paramInt(19);
  }
  const inContainer = (flags & CloneFlag.CHILD_IN_PIDNS) !== 0 || tid !== vtid;
  const isThread = (flags & CloneFlag.CLONE_THREAD) !== 0;
  let inverted = false;
  let collision = false;

  if (childTid === 0) {
    // The child's side. An entry older than a clone can be is a leftover whose exit we missed.
    let t = c.cur;
    if (t !== undefined && t.cloneTs !== 0n && Number(evt.ts() - t.cloneTs) > CLONE_STALE_TIME_NS) {
      c.threads.remove(tid, true);
      c.cur = t = undefined;
    }
    const parentTid = evt.paramInt(isThread ? 4 : 5);
    if (t !== undefined) {
      // The parent already created the entry; it could not know the ids inside a pid namespace.
      if (inContainer) {
        t.vtid = vtid;
        t.vpid = vpid;
      }
      t.pidnsInitStartTs = pidnsInitStart(evt) || t.pidnsInitStartTs;
      return;
    }
    // The child returned first (or the parent's exit was lost, or it runs in a container).
    inverted = true;
    childTid = tid;
    tid = parentTid;
  } else if (inContainer) {
    // The parent only sees the child's id inside the namespace: let the child's exit add it.
    return;
  }

  let parent = c.threads.get(tid, true, true);
  if (parent === undefined) return;
  const validParent = !(parent.comm === '<NA>' && parent.uid === NO_ID);

  const existing = c.threads.get(childTid, false, true);
  if (existing !== undefined) {
    if ((existing.flags & CloneFlag.CLONE_INVERTED) !== 0) return;
    c.threads.remove(childTid, true);
    collision = true;
  }

  const t = c.threads.create();
  t.tid = childTid;
  t.ptid = tid;
  const exe = evt.paramStr(1);
  const comm = L.hasComm ? evt.paramStr(13) : exe;
  if (validParent) {
    inherit(t, parent, isThread);
  } else {
    // The parent is an inferred entry: start it afresh and give both what the event says.
    c.threads.remove(tid, true);
    collision = true;
    parent = c.threads.get(tid, true, true);
    if (parent === undefined) return;
    if (parent.comm !== '<NA>' && parent.uid !== NO_ID) {
      inherit(t, parent, isThread);
    } else {
      t.exe = exe;
      t.comm = comm;
      t.args = strList(evt, 2);
      parent.comm = comm;
      parent.exe = exe;
      parent.exepath = t.exepath;
      parent.args = strList(evt, 2);
    }
  }

  t.pid = isThread ? evt.paramInt(4) : childTid;
  t.flags = flags;
  if (!isThread) {
    // A new process starts with a copy of its parent's fds and working directory.
    for (const [fd, e] of parent.fds) {
      const copy = e.clone();
      copy.flags |= FdFlag.IS_CLONED;
      t.ownFds.set(fd, copy);
    }
    t.ownCwd = parent.cwd;
  }
  if (inverted) t.flags |= CloneFlag.CLONE_INVERTED;
  t.exe = exe;
  t.comm = comm;
  t.args = strList(evt, 2);
  t.fdlimit = evt.paramInt(7);
  if (L.hasMem) {
    t.pfmajor = evt.paramUint(8);
    t.pfminor = evt.paramUint(9);
    t.vmsizeKb = evt.paramUint(10);
    t.vmrssKb = evt.paramUint(11);
    t.vmswapKb = evt.paramUint(12);
  }
  t.uid = evt.paramUint(L.uid);
  t.gid = evt.paramUint(L.gid);
  if (inContainer) {
    t.vtid = vtid;
    t.vpid = vpid;
  } else {
    t.vtid = t.tid;
    t.vpid = t.pid;
  }
  if (L.v20) {
    t.cgroups = cgroupList(evt, 14);
    c.resolveContainer(t);
  }
  t.cloneTs = evt.ts();
  t.pidnsInitStartTs = pidnsInitStart(evt) || parent.pidnsInitStartTs;
  c.threads.add(t, false);
  // The calling thread may have been replaced, or (a child running before its parent) just
  // created: look it up again, as sinsp does for an event without a thread.
  if (collision || inverted) c.cur = c.threads.get(evt.tid, false, false);
}

/** The child's clone exit event of newer drivers: when its pid namespace's init started (0: unknown). */
function pidnsInitStart(evt: Event): number {
  return evt.nparams > PIDNS_INIT_START_PARAM ? evt.paramUint(PIDNS_INIT_START_PARAM) : 0;
}
const PIDNS_INIT_START_PARAM = 20;

/** Where an execve exit version keeps comm, environment, cgroups and tty (-1: absent). */
interface ExecveLayout { comm: number; env: number; cgroups: number; tty: number; mem: boolean; vpgid: boolean }
const EXECVE_LAYOUTS: ReadonlyMap<number, ExecveLayout> = new Map([
  [E.EXECVE_8_X, { comm: -1, env: -1, cgroups: -1, tty: -1, mem: false, vpgid: false }],
  [E.EXECVE_13_X, { comm: -1, env: -1, cgroups: -1, tty: -1, mem: true, vpgid: false }],
  [E.EXECVE_14_X, { comm: -1, env: 13, cgroups: -1, tty: -1, mem: true, vpgid: false }],
  [E.EXECVE_15_X, { comm: 13, env: 14, cgroups: -1, tty: -1, mem: true, vpgid: false }],
  [E.EXECVE_16_X, { comm: 13, env: 15, cgroups: 14, tty: -1, mem: true, vpgid: false }],
  [E.EXECVE_17_X, { comm: 13, env: 15, cgroups: 14, tty: 16, mem: true, vpgid: false }],
  [E.EXECVE_18_X, { comm: 13, env: 15, cgroups: 14, tty: 16, mem: true, vpgid: false }],
]);
/** Version 19 and execveat: everything, plus the process group. */
const EXECVE_19: ExecveLayout = { comm: 13, env: 15, cgroups: 14, tty: 16, mem: true, vpgid: true };

export function execveExit(c: Core, evt: Event): void {
  if (evt.paramInt(0) < 0) return;
  const t = c.cur;
  if (t === undefined) return;
  const L = EXECVE_LAYOUTS.get(evt.type) ?? EXECVE_19;
  t.exe = evt.paramStr(1);
  t.comm = L.comm < 0 ? t.exe : evt.paramStr(L.comm);
  t.args = strList(evt, 2);
  t.pid = evt.paramInt(4);
  // An inferred entry at least learns its parent.
  if (t.ptid === -1) t.ptid = evt.paramInt(5);
  t.incomplete = false;
  t.fdlimit = evt.paramInt(7);
  if (L.mem) {
    t.pfmajor = evt.paramUint(8);
    t.pfminor = evt.paramUint(9);
    t.vmsizeKb = evt.paramUint(10);
    t.vmrssKb = evt.paramUint(11);
    t.vmswapKb = evt.paramUint(12);
  }
  if (L.env >= 0) t.ownEnv = envList(evt, L.env);
  if (L.cgroups >= 0) {
    // Container runtimes move the process into its cgroups just before the execve.
    t.cgroups = cgroupList(evt, L.cgroups);
    c.resolveContainer(t);
  }
  if (L.tty >= 0) t.tty = evt.paramInt(L.tty);
  if (evt.type === E.EXECVE_18_X || evt.type === E.EXECVE_19_X) {
    const enter = c.retrieveEnter(t, evt);
    if (enter !== undefined) {
      const filename = rawStr(enter, 0);
      t.exepath = filename.startsWith('<NA>') ? '<NA>' : concatenatePaths(t.cwd, filename, enter.paramLen(0));
    }
  } else if (evt.type === E.EXECVEAT_X) {
    const enter = c.retrieveEnter(t, evt);
    if (enter !== undefined) t.exepath = execveatPath(c, t, enter);
  }
  if (L.vpgid) t.vpgid = evt.paramInt(17);
  if (evt.nparams > 18) t.loginuid = evt.paramInt(18);
  if (evt.nparams > 19) {
    const f = evt.paramUint(19);
    t.exeWritable = (f & ExeFlag.WRITABLE) !== 0;
    t.exeUpperLayer = (f & ExeFlag.UPPER_LAYER) !== 0;
    t.exeFromMemfd = (f & ExeFlag.FROM_MEMFD) !== 0;
    t.exeLowerLayer = (f & ExeFlag.LOWER_LAYER) !== 0;
  }
  modernExecveParams(t, evt);

  // Only the pipe, main-thread and inverted-clone marks survive an execve.
  const keep = t.flags & (CloneFlag.PIPE_SRC | CloneFlag.PIPE_DST | CloneFlag.IS_MAIN_THREAD | CloneFlag.CLONE_INVERTED);
  t.flags = CloneFlag.ACTIVE | keep | CloneFlag.NAME_CHANGED;
}

/** The executable path of an execveat: pathname relative to dirfd, or dirfd itself with AT_EMPTY_PATH. */
function execveatPath(c: Core, t: ThreadEntry, enter: Event): string {
  const dirfd = enter.paramInt(0);
  const pathname = rawStr(enter, 1);
  if (pathname.startsWith('<NA>')) return '<NA>';
  const flags = enter.paramUint(2);
  const base = dirfdBase(c, t, pathname, dirfd, false);
  if ((flags & EXECVEAT_EMPTY_PATH) !== 0 && pathname.length === 0) return concatenatePaths(base, base, enter.paramLen(1));
  return concatenatePaths(base, pathname, enter.paramLen(1));
}

/** Parameters newer drivers append to execve's exit: capabilities, executable inode, ids, trusted path. */
function modernExecveParams(t: ThreadEntry, evt: Event): void {
  if (evt.nparams > 22 && evt.paramLen(22) > 0) {
    t.capInheritable = evt.paramBigUint(20);
    t.capPermitted = evt.paramBigUint(21);
    t.capEffective = evt.paramBigUint(22);
  }
  if (evt.nparams > 25 && evt.paramLen(25) > 0) {
    t.exeIno = evt.paramUint(23);
    t.exeInoCtime = evt.paramUint(24);
    t.exeInoMtime = evt.paramUint(25);
    // sinsp computes this one here only: a forked child has none until it execs.
    if (t.pidnsInitStartTs !== 0 && t.exeInoCtime > t.pidnsInitStartTs) {
      t.exeInoCtimeDurationPidnsStart = t.exeInoCtime - t.pidnsInitStartTs;
    }
  }
  if (evt.nparams > 26 && evt.paramLen(26) > 0) t.uid = evt.paramUint(26);
  if (evt.nparams > 27 && evt.paramLen(27) > 0) t.exepath = evt.paramStr(27);
  if (evt.nparams > 28 && evt.paramLen(28) > 0) t.pgid = evt.paramInt(28);
  if (evt.nparams > 29 && evt.paramLen(29) > 0) t.gid = evt.paramUint(29);
}

/** Thread exit: flagged now, removed before the next event so this one still shows it. */
export function procexit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined) return;
  t.flags |= CloneFlag.CLOSED;
  c.tidToRemove = evt.tid;
}

/** sinsp's set_cwd: resolve against the process's cwd, which always ends with '/'. */
export function setCwd(t: ThreadEntry, path: string, pathLen: number): void {
  const main = t.mainThread();
  let cwd = concatenatePaths(main.ownCwd, path, pathLen);
  if (cwd.length === 0 || cwd[cwd.length - 1] !== '/') cwd += '/';
  main.ownCwd = cwd;
}

export function chdirExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined || evt.paramInt(0) < 0) return;
  setCwd(t, rawStr(evt, 1), evt.paramLen(1));
}

export function fchdirExit(c: Core, evt: Event): void {
  if (evt.paramInt(0) < 0) return;
  const t = c.cur, fd = c.curFd;
  if (t === undefined || fd === undefined) return;
  setCwd(t, fd.name, fd.name.length);
}

export function getcwdExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined || evt.paramInt(0) < 0) return;
  setCwd(t, rawStr(evt, 1), evt.paramLen(1));
}

export function chrootExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined || evt.paramInt(0) !== 0) return;
  // sinsp keeps the parameter as it prints it: resolved against the cwd when relative.
  const path = rawStr(evt, 1);
  const len = evt.paramLen(1);
  const relative = len !== 0 && !path.startsWith('/') && !path.startsWith('<NA>');
  t.root = relative ? concatenatePaths(t.cwd, path, len) : dropUnprintable(path);
  c.resolveContainer(t);
}

export function setsidExit(c: Core, evt: Event): void {
  const res = evt.paramInt(0);
  if (res >= 0 && c.cur !== undefined) c.cur.sid = res;
}

/**
 * setuid/setgid/setresuid/setresgid: the new effective id, from the enter event (or, for events of
 * newer drivers, from the exit event's own copy of the arguments).
 */
function credential(
  c: Core, evt: Event, enterIdx: number, exitIdx: number, apply: (t: ThreadEntry, id: number) => void, skipUnset: boolean,
): void {
  if (evt.paramInt(0) < 0) return;
  const t = c.cur;
  const enter = c.retrieveEnter(t, evt);
  let id: number;
  if (enter !== undefined) id = enter.paramUint(enterIdx);
  else if (c.isModern(evt)) id = evt.paramUint(exitIdx);
  else return;
  if (skipUnset && id === NO_ID) return;
  if (t !== undefined) apply(t, id);
}

const setUid = (t: ThreadEntry, id: number): void => { t.uid = id; };
const setGid = (t: ThreadEntry, id: number): void => { t.gid = id; };

export const setuidExit = (c: Core, evt: Event): void => credential(c, evt, 0, 1, setUid, false);
export const setgidExit = (c: Core, evt: Event): void => credential(c, evt, 0, 1, setGid, false);
export const setresuidExit = (c: Core, evt: Event): void => credential(c, evt, 1, 2, setUid, true);
export const setresgidExit = (c: Core, evt: Event): void => credential(c, evt, 1, 2, setGid, true);

/** setreuid/setregid (newer drivers only): the effective id is in the exit event. */
export function setreExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined || evt.paramInt(0) !== 0 || evt.paramLen(2) === 0) return;
  const id = evt.paramUint(2);
  if (evt.type === E.SETREUID_X) t.uid = id;
  else t.gid = id;
}

export function capsetExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined || evt.paramInt(0) < 0) return;
  t.capInheritable = evt.paramBigUint(1);
  t.capPermitted = evt.paramBigUint(2);
  t.capEffective = evt.paramBigUint(3);
}

/** A new user namespace grants every capability inside it. */
export function unshareExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined || evt.paramInt(0) < 0 || !c.isModern(evt)) return;
  if ((evt.paramUint(1) & CloneFlag.CLONE_NEWUSER) === 0) return;
  t.capInheritable = t.capPermitted = t.capEffective = (1n << 41n) - 1n;
}

/** getrlimit/setrlimit of RLIMIT_NOFILE: the process's fd limit. */
export function rlimitExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined || evt.paramInt(0) < 0) return;
  const enter = c.retrieveEnter(t, evt);
  const resource = enter !== undefined ? enter.paramUint(0) : c.isModern(evt) ? evt.paramUint(3) : -1;
  if (resource !== RLIMIT_NOFILE) return;
  const cur = evt.paramInt(1);
  if (cur !== -1) t.mainThread().fdlimit = cur;
}

export function prlimitExit(c: Core, evt: Event): void {
  if (evt.paramInt(0) < 0) return;
  const enter = c.retrieveEnter(c.cur, evt);
  // Newer drivers append the enter event's pid and resource to the exit event.
  const src = enter ?? (c.isModern(evt) ? evt : undefined);
  const at = enter !== undefined ? 0 : 5;
  if (src === undefined || src.paramUint(at + 1) !== RLIMIT_NOFILE) return;
  const newcur = evt.paramInt(1);
  if (newcur === -1) return;
  let tid = src.paramInt(at);
  if (tid === 0) tid = evt.tid;
  const p = c.threads.get(tid, true, true);
  if (p !== undefined) p.mainThread().fdlimit = newcur;
}

/** Scheduler switch (version 6): page faults of the thread, memory of its process. */
export function contextSwitch(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined) return;
  t.pfmajor = evt.paramUint(1);
  t.pfminor = evt.paramUint(2);
  const main = t.mainThread();
  main.vmsizeKb = evt.paramUint(3);
  main.vmrssKb = evt.paramUint(4);
  main.vmswapKb = evt.paramUint(5);
}

/** brk/mmap/munmap exits report the thread's memory. */
export function memoryExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined) return;
  t.vmsizeKb = evt.paramUint(1);
  t.vmrssKb = evt.paramUint(2);
  t.vmswapKb = evt.paramUint(3);
}
