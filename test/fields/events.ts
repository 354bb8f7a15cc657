// Hand-built events and state for the field tests: an Event over bytes laid out as the reader
// delivers them, and a StateView over plain tables.
import type { Event } from '../../src/capture/event.js';
import { eventId } from '../../src/capture/event-table.js';
import type { ContainerInfo, FdInfo, GroupInfo, StateView, ThreadInfo, UserInfo } from '../../src/state/types.js';
import { FdType } from '../../src/state/types.js';
import type { StateExtras } from '../../src/fields/spec.js';
import { ev } from '../state/event-builder.js';

// Parameter encoders.
export const i64 = (n: number | bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
};
export const u64 = (n: number | bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
export const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
export const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
export const str = (s: string): Buffer => Buffer.from(`${s}\0`, 'latin1');
export const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

export interface EventSpec {
  /** An event type id, or 'name<' / 'name>' for the newest id with that name and direction. */
  type: number | string;
  params?: Buffer[];
  ts?: bigint;
  tid?: number;
  cpu?: number;
  num?: number;
  thread?: ThreadInfo;
  fd?: FdInfo;
  fdNum?: number;
}

export const TS = 1470327477881730713n;

/** An event as the reader and state engine would hand it over. */
export function makeEvent(spec: EventSpec): Event {
  const type = typeof spec.type === 'number' ? spec.type : typeId(spec.type);
  const e = ev(type, spec.tid ?? spec.thread?.tid ?? 1, spec.params ?? [], { ts: spec.ts ?? TS, cpu: spec.cpu ?? 0 });
  e.num = spec.num ?? 1;
  e.thread = spec.thread;
  e.fd = spec.fd;
  e.fdNum = spec.fdNum ?? -1;
  return e;
}

function typeId(name: string): number {
  const dir = name.endsWith('<') ? '<' : '>';
  const ids = eventId(name.slice(0, -1), dir);
  const id = ids.at(-1);
  if (id === undefined) throw new Error(`no event ${name}`);
  return id;
}

export function thread(t: Partial<ThreadInfo> & { tid: number }): ThreadInfo {
  return {
    pid: t.tid, ptid: -1, sid: -1, vtid: -1, vpid: -1, vpgid: -1, pgid: -1, comm: '', exe: '', exepath: '', args: [], env: [],
    cwd: '/', root: '/', uid: 0, gid: 0, loginuid: -1, flags: 0, fdlimit: 1024, tty: 0, capInheritable: 0n, capPermitted: 0n,
    capEffective: 0n, cgroups: [], containerId: '', cloneTs: 0n, pidnsInitStartTs: 0, exeIno: 0, exeInoCtime: 0, exeInoMtime: 0, exeFromMemfd: false,
    exeUpperLayer: false, exeWritable: false, vmsizeKb: 0, vmrssKb: 0, vmswapKb: 0, pfmajor: 0, pfminor: 0, fds: new Map(),
    incomplete: false, ...t,
  };
}

export function fdInfo(f: Partial<FdInfo>): FdInfo {
  return { type: FdType.FILE, openFlags: 0, name: '', nameRaw: '', sip: 0, dip: 0, sport: 0, dport: 0, l4proto: 0, dev: 0, ino: 0, ...f };
}

/** IPv4 a.b.c.d in the FdInfo encoding. */
export const ip4 = (a: number, b: number, c: number, d: number): number => (a | (b << 8) | (c << 16) | (d << 24)) >>> 0;

export interface FakeStateSpec {
  threads?: ThreadInfo[];
  users?: UserInfo[];
  groups?: GroupInfo[];
  containers?: ContainerInfo[];
  latency?: number;
  enter?: Event;
  localIpv4?: number[];
  firstEventTs?: bigint;
}

export function fakeState(s: FakeStateSpec = {}): StateView & StateExtras {
  const threads = new Map((s.threads ?? []).map((t) => [t.tid, t]));
  return {
    thread: (tid) => threads.get(tid),
    mainThread: (t) => threads.get(t.pid) ?? t,
    parent: (t) => threads.get(t.ptid),
    enterEvent: () => s.enter,
    latency: () => s.latency ?? 0,
    user: (uid) => s.users?.find((u) => u.uid === uid),
    group: (gid) => s.groups?.find((g) => g.gid === gid),
    container: (id) => s.containers?.find((c) => c.id === id),
    hostname: 'host',
    localIpv4: s.localIpv4 ?? [],
    ...(s.firstEventTs !== undefined && { firstEventTs: s.firstEventTs }),
  };
}

export function container(c: Partial<ContainerInfo> & { id: string }): ContainerInfo {
  return {
    type: 'docker', name: '', image: '', imageId: '', imageRepo: '', imageTag: '', imageDigest: '', privileged: false,
    mounts: [], labels: {}, startTs: 0, ...c,
  };
}
