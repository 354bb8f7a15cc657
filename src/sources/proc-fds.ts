// The open fds of a process from /proc/PID/fd and fdinfo, classified as libscap does: files (with
// their open flags, device and mount), directories, pipes and fifos, sockets (named through the
// network namespace's socket tables), anonymous-inode fds (eventfd, signalfd, timerfd, inotify,
// epoll, io_uring, userfaultfd, pidfd, bpf objects) and memfds.
import { readdirSync } from 'node:fs';
import type { FdRecord } from '../capture/records.js';
import { FdType } from '../capture/event-types.js';
import { kernelDev, readLink, readText, statOf } from './proc-files.js';
import { readSockets, type SocketFacts } from './proc-sockets.js';

/** Socket tables already read, by network namespace inode. */
export type SocketCache = Map<bigint, Map<number, SocketFacts>>;

const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFIFO = 0o010000, S_IFSOCK = 0o140000;

const ANON_TYPES: Readonly<Record<string, FdType>> = {
  '[eventfd]': FdType.EVENT, '[signalfd]': FdType.SIGNALFD, '[eventpoll]': FdType.EVENTPOLL, inotify: FdType.INOTIFY,
  '[timerfd]': FdType.TIMERFD, '[io_uring]': FdType.IOURING, '[userfaultfd]': FdType.USERFAULTFD, '[pidfd]': FdType.PIDFD,
  'bpf-map': FdType.BPF, 'bpf-prog': FdType.BPF, 'bpf-link': FdType.BPF, bpf_iter: FdType.BPF,
};

/** Linux open flags (x86_64 values) and their PPM_O_* counterparts, as fdinfo's octal flags carry them. */
const OPEN_FLAGS: readonly [linux: number, ppm: number][] = [
  [0o100, 1 << 2], [0o2000, 1 << 3], [0o10000, 1 << 4], [0o200, 1 << 5], [0o4000, 1 << 6], [0o4010000, 1 << 7],
  [0o1000, 1 << 8], [0o40000, 1 << 9], [0o200000, 1 << 10], [0o100000, 1 << 11], [0o2000000, 1 << 12],
  [0o20200000, 1 << 13],
];

/** fdinfo's flags in PPM_O_* bits. */
export function ppmOpenFlags(linux: number): number {
  const acc = linux & 3;
  let r = acc === 1 ? 2 : acc === 2 ? 3 : 1; // PPM_O_WRONLY, PPM_O_RDWR, PPM_O_RDONLY
  for (const [l, p] of OPEN_FLAGS) if ((linux & l) === l) r |= p;
  return r >>> 0;
}

/** The fds of process pid (dir: /proc/PID/); sockets unknown to the tables are left out, as in libscap. */
export function readFds(dir: string, pid: number, sockets: SocketCache): FdRecord[] {
  let names: string[];
  try {
    names = readdirSync(`${dir}fd`);
  } catch {
    return [];
  }
  const out: FdRecord[] = [];
  for (const name of names) {
    const fd = Number(name);
    const path = `${dir}fd/${name}`;
    const link = readLink(path);
    const st = statOf(path);
    if (link === undefined || st === undefined) continue;
    const r = classify(dir, fd, link, st.mode, st.ino, st.dev, sockets);
    if (r !== undefined) out.push({ pid, fd, ...r });
  }
  return out;
}

function classify(dir: string, fd: number, link: string, modeBig: bigint, ino: bigint, dev: bigint, sockets: SocketCache): SocketFacts | undefined {
  const mode = Number(modeBig) & S_IFMT;
  const base: SocketFacts = {
    ino: Number(ino), type: FdType.FILE, name: link, openFlags: 0, dev: 0, mountId: 0,
    sip: 0, dip: 0, sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n,
  };
  if (mode === S_IFSOCK) {
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m === null) return { ...base, type: FdType.UNSUPPORTED };
    return socketsOf(dir, sockets).get(Number(m[1]));
  }
  if (mode === S_IFIFO) return { ...base, type: FdType.FIFO };
  if (link.startsWith('anon_inode:')) return { ...base, type: ANON_TYPES[link.slice('anon_inode:'.length)] ?? FdType.UNSUPPORTED, name: '' };
  if (link.startsWith('/memfd:')) return { ...base, type: FdType.MEMFD };
  if (mode === S_IFDIR) return { ...base, type: FdType.DIRECTORY };
  const info = readText(`${dir}fdinfo/${fd}`) ?? '';
  const flags = /^flags:\s*([0-7]+)$/m.exec(info);
  const mnt = /^mnt_id:\s*(\d+)$/m.exec(info);
  return {
    ...base,
    openFlags: flags === null ? 0 : ppmOpenFlags(parseInt(flags[1], 8)),
    mountId: mnt === null ? 0 : Number(mnt[1]),
    dev: kernelDev(dev),
  };
}

function socketsOf(dir: string, cache: SocketCache): Map<number, SocketFacts> {
  const ns = statOf(`${dir}ns/net`)?.ino ?? 0n;
  let table = cache.get(ns);
  if (table === undefined) {
    table = readSockets(`${dir}net/`);
    cache.set(ns, table);
  }
  return table;
}
