// Builds scap events in memory for the state engine's unit tests: a v2 event header (ts, tid, len,
// type, nparams), the u16 parameter lengths, then the parameter data, little-endian.
import { Event } from '../../src/capture/event.js';
import type { CaptureHeader, FdRecord, ProcRecord } from '../../src/capture/records.js';
import { FdType } from '../../src/state/types.js';

/** A parameter: numbers are 64-bit signed, strings NUL-terminated, Buffers raw; or an explicit width. */
export type Param = number | bigint | string | Buffer | { u8: number } | { u16: number } | { u32: number } | { i32: number };

function encode(p: Param): Buffer {
  if (typeof p === 'number') {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(p));
    return b;
  }
  if (typeof p === 'bigint') {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(p);
    return b;
  }
  if (typeof p === 'string') return Buffer.from(p + '\0', 'utf8');
  if (Buffer.isBuffer(p)) return p;
  if ('u8' in p) return Buffer.from([p.u8]);
  const b = Buffer.alloc('u16' in p ? 2 : 4);
  if ('u16' in p) b.writeUInt16LE(p.u16);
  else if ('u32' in p) b.writeUInt32LE(p.u32 >>> 0);
  else b.writeInt32LE(p.i32);
  return b;
}

let clock = 1_000_000_000_000_000_000n;

/** One event of `type` by thread `tid`; timestamps advance by 1 µs per event unless given. */
export function ev(type: number, tid: number, params: Param[], opts: { ts?: bigint; cpu?: number; dumpFlags?: number } = {}): Event {
  const data = params.map(encode);
  const len = 26 + 2 * data.length + data.reduce((n, d) => n + d.length, 0);
  const buf = Buffer.alloc(len);
  const ts = opts.ts ?? (clock += 1000n);
  buf.writeBigUInt64LE(ts, 0);
  buf.writeBigInt64LE(BigInt(tid), 8);
  buf.writeUInt32LE(len, 16);
  buf.writeUInt16LE(type, 20);
  buf.writeUInt32LE(data.length, 22);
  let p = 26;
  for (const d of data) {
    buf.writeUInt16LE(d.length, p);
    p += 2;
  }
  for (const d of data) {
    d.copy(buf, p);
    p += d.length;
  }
  const e = new Event();
  e.reset(buf, 0, 26, 2, data.length);
  e.cpu = opts.cpu ?? 0;
  e.dumpFlags = opts.dumpFlags ?? 0;
  return e;
}

/** NUL-separated list (args, env, cgroups). */
export function list(items: string[]): Buffer {
  return Buffer.from(items.map((s) => s + '\0').join(''), 'utf8');
}

/** "a.b.c.d" as the 4 address bytes. */
function ip4(s: string): Buffer {
  return Buffer.from(s.split('.').map(Number));
}

function port(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

export function tuple4(sip: string, sport: number, dip: string, dport: number): Buffer {
  return Buffer.concat([Buffer.from([2]), ip4(sip), port(sport), ip4(dip), port(dport)]);
}

export function sockaddr4(ip: string, p: number): Buffer {
  return Buffer.concat([Buffer.from([2]), ip4(ip), port(p)]);
}

export function tupleUnix(src: bigint, dst: bigint, path: string): Buffer {
  const b = Buffer.alloc(17);
  b[0] = 1;
  b.writeBigUInt64LE(src, 1);
  b.writeBigUInt64LE(dst, 9);
  return Buffer.concat([b, Buffer.from(path + '\0')]);
}

/** The FdInfo encoding of an IPv4 address. */
export function ipv4(s: string): number {
  return ip4(s).readUInt32LE(0);
}

export function proc(p: Partial<ProcRecord> & { tid: number }): ProcRecord {
  return {
    pid: p.tid, ptid: 1, sid: 0, vpgid: 0, pgid: 0, comm: 'proc', exe: 'proc', exepath: '/usr/bin/proc', args: [],
    env: [], cwd: '/', root: '/', fdlimit: 1024, flags: 0, uid: 0, gid: 0, loginuid: -1, tty: 0, vmsizeKb: 0,
    vmrssKb: 0, vmswapKb: 0, pfmajor: 0, pfminor: 0, vtid: p.tid, vpid: p.pid ?? p.tid, cgroups: [],
    exeWritable: false, exeUpperLayer: false, exeFromMemfd: false, capInheritable: 0n, capPermitted: 0n,
    capEffective: 0n, exeIno: 0, exeInoCtime: 0, exeInoMtime: 0, cloneTs: 0, pidnsInitStartTs: 0, ...p,
  };
}

export function fileFd(pid: number, fd: number, name: string): FdRecord {
  return {
    pid, fd, ino: 0, type: FdType.FILE, name, openFlags: 0, dev: 0, mountId: 0, sip: 0, dip: 0, sport: 0,
    dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n,
  };
}

export function header(procs: ProcRecord[], fds: FdRecord[] = []): CaptureHeader {
  return {
    major: 1, minor: 0, machine: { numCpus: 1, memoryBytes: 0, maxPid: 0, hostname: 'testhost', bootTime: 0 },
    procs, fds, ifaces: [{ name: 'lo', ipv4: ipv4('127.0.0.1'), netmask: ipv4('255.0.0.0'), bcast: 0, linkspeed: 0 },
      { name: 'eth0', ipv4: ipv4('10.0.0.5'), netmask: ipv4('255.255.255.0'), bcast: 0, linkspeed: 0 }],
    ifaces6: [], users: [{ uid: 0, gid: 0, name: 'root', home: '/root', shell: '/bin/bash', container: '' }],
    groups: [{ gid: 0, name: 'root', container: '' }],
  };
}
