// File descriptors that are not sockets: opens (with path resolution against the cwd or a dirfd),
// close (removal deferred to the next event), dup/fcntl copies, pipes, and the single-fd calls
// (eventfd, signalfd, timerfd, inotify, epoll, io_uring, bpf, memfd, pidfd).
import type { Event } from '../../capture/event.js';
import type { Core } from '../core.js';
import { E } from '../event-ids.js';
import { FdEntry } from '../fdinfo.js';
import { AT_FDCWD, CANCELED_FD, CloneFlag, CreatFlag, FCNTL_F_DUPFD, FCNTL_F_DUPFD_CLOEXEC, FdFlag, OpenFlag, TRACER_DEVICE } from '../../capture/flags.js';
import { concatenatePaths } from '../paths.js';
import type { ThreadEntry } from '../threads.js';
import { FdType } from '../types.js';
import { rawStr } from './params.js';

/**
 * The directory a dirfd-relative path starts from (sinsp's parse_dirfd): "." for absolute paths,
 * the cwd for AT_FDCWD, else the dirfd's name plus '/' ("<UNKNOWN>" when the fd is not known).
 * For the event's own arguments, looking the dirfd up makes it the event's fd, as in sinsp.
 */
export function dirfdBase(c: Core, t: ThreadEntry, name: string, dirfd: number, ownEvent = true): string {
  if (name.startsWith('/')) return '.';
  if (dirfd === AT_FDCWD) return t.cwd;
  const fd = c.getFd(t, dirfd);
  if (ownEvent) c.curFd = fd;
  if (fd === undefined) return '<UNKNOWN>';
  // sinsp tests the character past the name's end for '/', so it always appends one.
  return fd.name + '/';
}

/** open, creat, openat, openat2, open_by_handle_at exits. */
export function openExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined) return;
  const type = evt.type;
  const enter = type === E.OPEN_BY_HANDLE_AT_X ? undefined : c.retrieveEnter(t, evt);
  const fd = evt.paramInt(0);
  let name: string, nameLen: number, flags: number, dev = 0, ino = 0;
  let base: string;
  /** The overlayfs layer bits the exit event adds (kept when the enter event's flags replace its own). */
  let layer = 0;
  // An enter event whose name is usable overrides the exit's copy of the arguments: its name, read
  // once (the exit's is then not read at all), or undefined.
  const enterName = (i: number, minParams: number): string | undefined => {
    if (enter === undefined || enter.nparams < minParams || enter.paramLen(i) === 0) return undefined;
    const n = rawStr(enter, i);
    return n === '(NULL)' ? undefined : n;
  };

  if (type === E.OPEN_X) {
    flags = evt.paramUint(2);
    layer = flags;
    if (evt.nparams > 4) dev = evt.paramUint(4);
    if (evt.nparams > 5) ino = evt.paramUint(5);
    const fromEnter = enterName(0, 2);
    if (enter !== undefined && fromEnter !== undefined) {
      name = fromEnter;
      nameLen = enter.paramLen(0);
      flags = enter.paramUint(1);
    } else {
      name = rawStr(evt, 1);
      nameLen = evt.paramLen(1);
    }
    base = t.cwd;
  } else if (type === E.CREAT_X) {
    flags = 0;
    if (evt.nparams > 3) dev = evt.paramUint(3);
    if (evt.nparams > 4) ino = evt.paramUint(4);
    if (evt.nparams > 5) {
      const cf = evt.paramUint(5);
      layer = (cf & CreatFlag.FD_UPPER_LAYER) !== 0 ? OpenFlag.FD_UPPER_LAYER : (cf & CreatFlag.FD_LOWER_LAYER) !== 0 ? OpenFlag.FD_LOWER_LAYER : 0;
    }
    const fromEnter = enterName(0, 1);
    if (enter !== undefined && fromEnter !== undefined) {
      name = fromEnter;
      nameLen = enter.paramLen(0);
    } else {
      name = rawStr(evt, 1);
      nameLen = evt.paramLen(1);
    }
    base = t.cwd;
  } else if (type === E.OPENAT_X) {
    // The oldest openat has its arguments only in the enter event.
    const src = enter ?? (t.enterStored ? t.enter : undefined);
    if (src === undefined) return;
    name = rawStr(src, 1);
    nameLen = src.paramLen(1);
    flags = src.paramUint(2);
    base = dirfdBase(c, t, name, src.paramInt(0));
  } else if (type === E.OPENAT_2_X || type === E.OPENAT2_X) {
    flags = evt.paramUint(3);
    layer = flags;
    let dirfd = evt.paramInt(1);
    if (type === E.OPENAT_2_X && evt.nparams > 5) dev = evt.paramUint(5);
    const inoIdx = type === E.OPENAT_2_X ? 6 : 7;
    if (evt.nparams > inoIdx) {
      dev = evt.paramUint(inoIdx - 1);
      ino = evt.paramUint(inoIdx);
    }
    const fromEnter = enterName(1, 3);
    if (enter !== undefined && fromEnter !== undefined) {
      name = fromEnter;
      nameLen = enter.paramLen(1);
      flags = enter.paramUint(2);
      dirfd = enter.paramInt(0);
    } else {
      name = rawStr(evt, 2);
      nameLen = evt.paramLen(2);
    }
    base = dirfdBase(c, t, name, dirfd);
  } else {
    // open_by_handle_at: the driver always gives an absolute path.
    flags = evt.paramUint(2);
    layer = flags;
    name = rawStr(evt, 3);
    nameLen = evt.paramLen(3);
    if (evt.nparams > 4) dev = evt.paramUint(4);
    if (evt.nparams > 5) ino = evt.paramUint(5);
    base = '';
  }

  if (fd < 0) return;
  const e = new FdEntry();
  e.type = (flags & OpenFlag.DIRECTORY) !== 0 ? FdType.DIRECTORY : FdType.FILE_V2;
  e.openFlags = flags;
  e.dev = dev;
  e.ino = ino;
  e.nameRaw = name;
  e.name = concatenatePaths(base, name, nameLen);
  e.flags |= e.name === TRACER_DEVICE ? FdFlag.IS_TRACER_FILE : FdFlag.IS_NOT_TRACER_FD;
  if ((layer & OpenFlag.FD_UPPER_LAYER) !== 0) e.flags |= FdFlag.OVERLAY_UPPER;
  if ((layer & OpenFlag.FD_LOWER_LAYER) !== 0) e.flags |= FdFlag.OVERLAY_LOWER;
  c.curFd = c.addFd(t, fd, e);
}

export function closeEnter(c: Core): void {
  const t = c.cur;
  if (t === undefined) return;
  c.curFd = c.getFd(t, t.lastEventFd);
  if (c.curFd !== undefined) c.curFd.flags |= FdFlag.CLOSE_IN_PROGRESS;
}

export function closeExit(c: Core, evt: Event): void {
  const t = c.cur, fd = c.curFd;
  if (evt.paramInt(0) >= 0) {
    if (fd === undefined || t === undefined) return;
    if ((fd.flags & FdFlag.CLOSE_CANCELED) !== 0) {
      // The fd was reopened while the close was in flight: remove the parked old entry instead.
      fd.flags &= ~FdFlag.CLOSE_CANCELED;
      if (c.getFd(t, CANCELED_FD) !== undefined) c.eraseFd(t, CANCELED_FD);
    } else {
      c.eraseFd(t, t.lastEventFd);
    }
  } else if (fd !== undefined) {
    fd.flags &= ~FdFlag.CLOSE_IN_PROGRESS;
  }
}

/** dup, dup2, dup3: the new fd is a copy of the old one. */
export function dupExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined) return;
  const res = evt.paramInt(0);
  if (res < 0) return;
  // Shell pipelines dup their pipe ends onto stdin/stdout.
  if (res === 0) t.flags |= CloneFlag.PIPE_DST;
  if (res === 1) t.flags |= CloneFlag.PIPE_SRC;
  if (c.curFd === undefined) return;
  const copy = c.curFd.clone();
  if (evt.type === E.DUP2_X || evt.type === E.DUP3_X || evt.type === E.DUP_1_X) {
    copy.openFlags &= ~OpenFlag.CLOEXEC;
    if (evt.type === E.DUP3_X && (evt.paramUint(3) & OpenFlag.CLOEXEC) !== 0) copy.openFlags |= OpenFlag.CLOEXEC;
  }
  c.curFd = c.addFd(t, res, copy);
}

export function fcntlEnter(c: Core, evt: Event): void {
  const cmd = evt.paramUint(1);
  if (cmd === FCNTL_F_DUPFD || cmd === FCNTL_F_DUPFD_CLOEXEC) c.storeEnter(c.cur, evt);
}

/** fcntl F_DUPFD / F_DUPFD_CLOEXEC: a copy of the fd (only those enter events are kept). */
export function fcntlExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (c.retrieveEnter(t, evt) === undefined) {
    const cmd = evt.paramUint(2);
    if (!c.isModern(evt) || (cmd !== FCNTL_F_DUPFD && cmd !== FCNTL_F_DUPFD_CLOEXEC)) return;
  }
  const res = evt.paramInt(0);
  if (res < 0 || t === undefined || c.curFd === undefined) return;
  c.curFd = c.addFd(t, res, c.curFd.clone());
}

/** pipe, pipe2: two fifo ends sharing an inode. */
export function pipeExit(c: Core, evt: Event): void {
  if (evt.paramInt(0) < 0) return;
  const t = c.cur;
  if (t === undefined) return;
  const ino = evt.paramUint(3);
  const flags = evt.type === E.PIPE2_X ? evt.paramUint(4) : 0;
  for (const i of [1, 2]) {
    const e = new FdEntry();
    e.type = FdType.FIFO;
    e.ino = ino;
    e.openFlags = flags;
    c.curFd = c.addFd(t, evt.paramInt(i), e);
  }
}

/** The fd type and where its open flags are, for calls that return one new fd of a fixed type. */
const SINGLE_FD: ReadonlyMap<number, { type: FdType; flagsParam: number }> = new Map([
  [E.EVENTFD_X, { type: FdType.EVENT, flagsParam: -1 }],
  [E.EVENTFD2_X, { type: FdType.EVENT, flagsParam: 1 }],
  [E.SIGNALFD_X, { type: FdType.SIGNALFD, flagsParam: -1 }],
  [E.SIGNALFD4_X, { type: FdType.SIGNALFD, flagsParam: 1 }],
  [E.TIMERFD_CREATE_X, { type: FdType.TIMERFD, flagsParam: -1 }],
  [E.INOTIFY_INIT_X, { type: FdType.INOTIFY, flagsParam: -1 }],
  [E.INOTIFY_INIT1_X, { type: FdType.INOTIFY, flagsParam: 1 }],
  [E.EPOLL_CREATE_X, { type: FdType.EVENTPOLL, flagsParam: -1 }],
  [E.EPOLL_CREATE1_X, { type: FdType.EVENTPOLL, flagsParam: -1 }],
  [E.IO_URING_SETUP_X, { type: FdType.IOURING, flagsParam: -1 }],
  [E.BPF_2_X, { type: FdType.BPF, flagsParam: -1 }],
]);

export function singleFdExit(c: Core, evt: Event): void {
  const t = c.cur;
  const kind = SINGLE_FD.get(evt.type);
  const fd = evt.paramInt(0);
  if (t === undefined || kind === undefined || fd < 0) return;
  const e = new FdEntry();
  e.type = kind.type;
  if (kind.flagsParam >= 0) e.openFlags = evt.paramUint(kind.flagsParam);
  c.curFd = c.addFd(t, fd, e);
}

export function memfdCreateExit(c: Core, evt: Event): void {
  const t = c.cur;
  const fd = evt.paramInt(0);
  if (t === undefined || fd < 0) return;
  const e = new FdEntry();
  e.type = FdType.MEMFD;
  e.name = evt.paramStr(1);
  e.openFlags = evt.paramUint(2);
  c.curFd = c.addFd(t, fd, e);
}

export function pidfdOpenExit(c: Core, evt: Event): void {
  const t = c.cur;
  const fd = evt.paramInt(0);
  if (t === undefined || fd < 0) return;
  const e = new FdEntry();
  e.type = FdType.PIDFD;
  e.pid = evt.paramInt(1);
  e.name = `/proc/${e.pid}`;
  e.openFlags = evt.paramUint(2);
  c.curFd = c.addFd(t, fd, e);
}

/** pidfd_getfd: a copy of another process's fd, always close-on-exec. */
export function pidfdGetfdExit(c: Core, evt: Event): void {
  const t = c.cur;
  const fd = evt.paramInt(0);
  if (t === undefined || fd < 0) return;
  const pidfd = c.getFd(t, evt.paramInt(1));
  if (pidfd === undefined || pidfd.type !== FdType.PIDFD) return;
  const owner = c.threads.find(pidfd.pid, true);
  const target = owner === undefined ? undefined : c.getFd(owner, evt.paramInt(2));
  if (target === undefined) return;
  const copy = target.clone();
  copy.openFlags |= OpenFlag.CLOEXEC;
  c.curFd = c.addFd(t, fd, copy);
}
