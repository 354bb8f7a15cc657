// Decoders for the blocks that come before the events: machine info, process lists (every
// version, v1..v9), fd lists, interface lists and user/group lists. Each reads one block body
// through a bounds-checked Cursor; later block versions only append fields, so one decoder per
// kind handles every version by testing the version before each optional field.
import { BlockType, PROCLIST_VERSION } from './blocks.js';
import { Cursor, splitNul } from './cursor.js';
import type { FdRecord, GroupRecord, Iface6Record, IfaceRecord, MachineInfo, ProcRecord, UserRecord } from './records.js';
import { FdType } from './event-types.js';

const NO_UID = 0xffffffff;

export function decodeMachineInfo(c: Cursor): MachineInfo {
  const numCpus = c.u32();
  const memoryBytes = c.u64();
  const maxPid = c.u64();
  const hostname = c.str(128);
  const bootTime = c.left >= 8 ? c.u64() : 0;
  return { numCpus, memoryBytes, maxPid, hostname, bootTime };
}

function emptyProc(): ProcRecord {
  return {
    tid: 0, pid: 0, ptid: 0, sid: -1, vpgid: -1, pgid: -1, comm: '', exe: '', exepath: '', args: [], env: [],
    cwd: '', root: '', fdlimit: 0, flags: 0, uid: 0, gid: 0, loginuid: -1, tty: 0, vmsizeKb: 0, vmrssKb: 0,
    vmswapKb: 0, pfmajor: 0, pfminor: 0, vtid: -1, vpid: -1, cgroups: [], exeWritable: false,
    exeUpperLayer: false, exeFromMemfd: false, capInheritable: 0n, capPermitted: 0n, capEffective: 0n,
    exeIno: 0, exeInoCtime: 0, exeInoMtime: 0, cloneTs: 0, pidnsInitStartTs: 0,
  };
}

/** "cpuset=/a\0cpu=/b\0" → [['cpuset','/a'], ['cpu','/b']] */
export function parseCgroups(b: Buffer): [string, string][] {
  return splitNul(b).map((s) => {
    const eq = s.indexOf('=');
    return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
  });
}

export function decodeProclist(c: Cursor, blockType: number, out: ProcRecord[]): void {
  const v = PROCLIST_VERSION.get(blockType)!;
  while (c.left >= 4) {
    const start = c.pos;
    const subLen = v >= 9 ? c.u32() : 0;
    const p = emptyProc();
    p.tid = c.i64();
    p.pid = c.i64();
    p.ptid = c.i64();
    if (v >= 6) p.sid = c.i64();
    if (v >= 8) p.vpgid = c.i64();
    p.comm = c.lstr();
    p.exe = c.lstr();
    if (v >= 7) p.exepath = c.lstr();
    p.args = splitNul(c.bytes(c.u16()));
    p.cwd = c.lstr();
    p.fdlimit = c.i64();
    p.flags = c.u32();
    p.uid = c.u32();
    p.gid = c.u32();
    if (v >= 2) {
      p.vmsizeKb = c.u32();
      p.vmrssKb = c.u32();
      p.vmswapKb = c.u32();
      p.pfmajor = c.u64();
      p.pfminor = c.u64();
      if (v >= 3) p.env = splitNul(c.bytes(c.u16()));
      if (v >= 4) {
        p.vtid = c.i64();
        p.vpid = c.i64();
        p.cgroups = parseCgroups(c.bytes(c.u16()));
        if (v >= 5) p.root = c.lstr();
      }
    }
    if (subLen > 0) {
      // v9 entries may carry fields appended by later writers; each is present only if it fits.
      const end = start + subLen;
      const fits = (n: number) => c.pos + n <= end;
      // Writers before 0.10 put loginuid right after root; later ones put pidns start and tty first.
      if (end - c.pos > 29) {
        if (fits(8)) p.pidnsInitStartTs = c.u64();
        if (fits(4)) p.tty = c.u32();
      }
      if (fits(4)) { const l = c.u32(); p.loginuid = l === NO_UID ? -1 : l | 0; }
      if (fits(1)) p.exeWritable = c.u8() !== 0;
      if (fits(8)) p.capInheritable = c.big64();
      if (fits(8)) p.capPermitted = c.big64();
      if (fits(8)) p.capEffective = c.big64();
      if (fits(1)) p.exeUpperLayer = c.u8() !== 0;
      if (fits(8)) p.exeIno = c.u64();
      if (fits(8)) p.exeInoCtime = c.u64();
      if (fits(8)) p.exeInoMtime = c.u64();
      if (fits(1)) p.exeFromMemfd = c.u8() !== 0;
      if (fits(1)) p.exeLowerLayer = c.u8() !== 0;
      if (fits(8)) p.pgid = c.i64();
      if (c.pos > end) throw new RangeError(`process entry longer than its declared ${subLen} bytes`);
      c.pos = end;
    }
    out.push(p);
  }
}

function noSocket(pid: number, fd: number, ino: number, type: FdType, name: string): FdRecord {
  return {
    pid, fd, ino, type, name, openFlags: 0, dev: 0, mountId: 0, sip: 0, dip: 0, sport: 0, dport: 0,
    l4proto: 0, unixSource: 0n, unixDest: 0n,
  };
}

export function decodeFdlist(c: Cursor, blockType: number, out: FdRecord[]): void {
  const pid = c.i64();
  while (c.left >= 4) {
    const start = c.pos;
    const subLen = blockType === BlockType.FDLIST_V2 ? c.u32() : 0;
    const fd = c.i64();
    const ino = c.u64();
    const rawType = c.u8();
    let r: FdRecord;
    switch (rawType) {
      case FdType.IPV4_SOCK:
        r = noSocket(pid, fd, ino, FdType.IPV4_SOCK, '');
        r.sip = c.u32(); r.dip = c.u32(); r.sport = c.u16(); r.dport = c.u16(); r.l4proto = c.u8();
        break;
      case FdType.IPV4_SERVSOCK:
        r = noSocket(pid, fd, ino, FdType.IPV4_SERVSOCK, '');
        r.sip = c.u32(); r.sport = c.u16(); r.l4proto = c.u8();
        break;
      case FdType.IPV6_SOCK:
        r = noSocket(pid, fd, ino, FdType.IPV6_SOCK, '');
        r.sip = Uint8Array.from(c.bytes(16)); r.dip = Uint8Array.from(c.bytes(16));
        r.sport = c.u16(); r.dport = c.u16(); r.l4proto = c.u8();
        break;
      case FdType.IPV6_SERVSOCK:
        r = noSocket(pid, fd, ino, FdType.IPV6_SERVSOCK, '');
        r.sip = Uint8Array.from(c.bytes(16)); r.sport = c.u16(); r.l4proto = c.u8();
        break;
      case FdType.UNIX_SOCK: {
        const src = c.big64();
        const dst = c.big64();
        r = noSocket(pid, fd, ino, FdType.UNIX_SOCK, c.lstr());
        r.unixSource = src; r.unixDest = dst;
        break;
      }
      case FdType.FILE_V2: {
        const flags = c.u32();
        r = noSocket(pid, fd, ino, FdType.FILE, c.lstr());
        r.openFlags = flags;
        if (subLen > 0 && c.pos + 4 <= start + subLen) r.dev = c.u32();
        break;
      }
      case FdType.FIFO: case FdType.FILE: case FdType.DIRECTORY: case FdType.UNSUPPORTED:
      case FdType.EVENT: case FdType.SIGNALFD: case FdType.EVENTPOLL: case FdType.INOTIFY:
      case FdType.TIMERFD: case FdType.NETLINK: case FdType.BPF: case FdType.USERFAULTFD:
      case FdType.IOURING: case FdType.MEMFD: case FdType.PIDFD:
        r = noSocket(pid, fd, ino, rawType, c.lstr());
        break;
      default:
        throw new RangeError(`fd ${fd} of process ${pid} has unknown fd type ${rawType}`);
    }
    if (subLen > 0) {
      if (c.pos > start + subLen) throw new RangeError(`fd entry longer than its declared ${subLen} bytes`);
      c.pos = start + subLen;
    }
    out.push(r);
  }
}

const IF_IPV4 = 1, IF_IPV6 = 2, IF_IPV4_NOLINKSPEED = 3, IF_IPV6_NOLINKSPEED = 4;

export function decodeIflist(c: Cursor, blockType: number, v4: IfaceRecord[], v6: Iface6Record[]): void {
  while (c.left >= 4) {
    const entryLen = blockType === BlockType.IFLIST_V2 ? c.u32() : 0;
    const start = c.pos;
    const type = c.u16();
    const nameLen = c.u16();
    if (type === IF_IPV4 || type === IF_IPV4_NOLINKSPEED) {
      const ipv4 = c.u32(), netmask = c.u32(), bcast = c.u32();
      const linkspeed = type === IF_IPV4 ? c.u64() : 0;
      v4.push({ ipv4, netmask, bcast, linkspeed, name: c.str(nameLen) });
    } else if (type === IF_IPV6 || type === IF_IPV6_NOLINKSPEED) {
      const addr = Uint8Array.from(c.bytes(16)), netmask = Uint8Array.from(c.bytes(16)), bcast = Uint8Array.from(c.bytes(16));
      const linkspeed = type === IF_IPV6 ? c.u64() : 0;
      v6.push({ addr, netmask, bcast, linkspeed, name: c.str(nameLen) });
    } else {
      throw new RangeError(`unknown interface type ${type}`);
    }
    if (entryLen > 0) c.pos = Math.max(c.pos, start + entryLen);
  }
}

const USER_ENTRY = 0;

export function decodeUserlist(c: Cursor, blockType: number, users: UserRecord[], groups: GroupRecord[]): void {
  while (c.left >= 4) {
    const subLen = blockType === BlockType.USERLIST_V2 ? c.u32() : 0;
    const start = c.pos - (subLen > 0 ? 4 : 0);
    const kind = c.u8();
    if (kind === USER_ENTRY) {
      const uid = c.u32(), gid = c.u32();
      const name = c.lstr(), home = c.lstr(), shell = c.lstr();
      users.push({ uid, gid, name, home, shell, container: '' });
    } else {
      const gid = c.u32();
      groups.push({ gid, name: c.lstr(), container: '' });
    }
    if (subLen > 0 && c.pos < start + subLen) c.pos = start + subLen;
  }
}
