// Importing a capture's header into the state, as sinsp does when it opens a capture: the process
// list (each thread with its fds, cwd, environment and container), interfaces, users and groups;
// then the parent/child counts, and the direction of connections whose local port is a listening one.
import type { CaptureHeader, FdRecord, ProcRecord } from '../capture/records.js';
import type { Core } from './core.js';
import { FdEntry, SockOff } from './fdinfo.js';
import { CloneFlag, FdFlag, L4, MAX_FD_TABLE_SIZE, TRACER_DEVICE } from '../capture/flags.js';
import { ipv4ToString, ipv4TupleToString, ipv6ToString, ipv6TupleToString, isIpv4MappedIpv6 } from './net-format.js';
import { cgroupPairs } from './parsers/params.js';
import { setCwd } from './parsers/process.js';
import { swapAddresses } from './sockets.js';
import type { ThreadEntry } from './threads.js';
import { FdType } from './types.js';

export function importHeader(c: Core, h: CaptureHeader): void {
  const fdsByTid = new Map<number, FdRecord[]>();
  for (const r of h.fds) {
    const list = fdsByTid.get(r.pid);
    if (list === undefined) fdsByTid.set(r.pid, [r]);
    else list.push(r);
  }
  for (const p of h.procs) c.threads.add(threadFromRecord(c, p, fdsByTid.get(p.tid) ?? []), true);
  for (const i of h.ifaces) {
    c.ipv4Ifaces.push({ addr: i.ipv4, netmask: i.netmask });
    c.localIpv4.push(i.ipv4);
  }
  for (const i of h.ifaces6) c.ipv6Ifaces.push(i.addr);
  for (const u of h.users) c.users.set(u.uid, { uid: u.uid, gid: u.gid, name: u.name, home: u.home, shell: u.shell });
  for (const g of h.groups) c.groups.set(g.gid, { gid: g.gid, name: g.name });
  c.threads.recountChildren();
  fixSocketDirections(c);
}

/** A thread from the process list (sinsp's threadinfo init from /proc data). */
function threadFromRecord(c: Core, p: ProcRecord, fds: FdRecord[]): ThreadEntry {
  const t = c.threads.create();
  t.tid = p.tid;
  t.pid = p.pid;
  t.ptid = p.ptid;
  t.sid = p.sid;
  t.vpgid = p.vpgid;
  t.pgid = p.pgid;
  t.comm = p.comm;
  t.exe = p.exe;
  t.exepath = p.exepath;
  t.exeWritable = p.exeWritable;
  t.exeUpperLayer = p.exeUpperLayer;
  t.exeLowerLayer = p.exeLowerLayer === true;
  t.exeFromMemfd = p.exeFromMemfd;
  t.args = p.args;
  if (t.tid === t.pid) {
    const env = p.env.slice();
    while (env.length > 0 && env[env.length - 1] === '') env.pop();
    t.ownEnv = env;
    const cwd = Buffer.from(p.cwd, 'utf8').toString('latin1');
    setCwd(t, cwd, cwd.length);
  }
  t.flags |= p.flags | CloneFlag.ACTIVE;
  t.fdlimit = p.fdlimit;
  t.uid = p.uid;
  t.gid = p.gid;
  t.vmsizeKb = p.vmsizeKb;
  t.vmrssKb = p.vmrssKb;
  t.vmswapKb = p.vmswapKb;
  t.pfmajor = p.pfmajor;
  t.pfminor = p.pfminor;
  t.vtid = p.vtid;
  t.vpid = p.vpid;
  t.cloneTs = BigInt(Math.round(p.cloneTs));
  t.pidnsInitStartTs = p.pidnsInitStartTs;
  t.tty = p.tty;
  t.loginuid = p.loginuid;
  t.capInheritable = p.capInheritable;
  t.capPermitted = p.capPermitted;
  t.capEffective = p.capEffective;
  t.exeIno = p.exeIno;
  t.exeInoCtime = p.exeInoCtime;
  t.exeInoMtime = p.exeInoMtime;
  // sinsp parses the raw "subsys=path" list: rebuild it from the reader's pairs.
  t.cgroups = cgroupPairs(p.cgroups.map(([k, v]) => `${k}=${v}`));
  t.root = p.root;
  c.resolveContainer(t);
  for (const r of fds) {
    const e = fdFromRecord(c, r);
    if (e !== undefined && (t.ownFds.size < MAX_FD_TABLE_SIZE || t.ownFds.has(r.fd))) t.ownFds.set(r.fd, e);
  }
  return t;
}

/** An fd from the fd list (sinsp's add_fd_from_scap). */
function fdFromRecord(c: Core, r: FdRecord): FdEntry | undefined {
  const e = new FdEntry();
  e.type = r.type;
  e.flags = FdFlag.FROM_PROC;
  e.ino = r.ino;
  switch (r.type) {
    case FdType.IPV4_SOCK: {
      const s = e.sockBuf();
      s.writeUInt32LE(r.sip as number, SockOff.V4_SIP);
      s.writeUInt32LE(r.dip as number, SockOff.V4_DIP);
      s.writeUInt16LE(r.sport, SockOff.V4_SPORT);
      s.writeUInt16LE(r.dport, SockOff.V4_DPORT);
      s[SockOff.V4_L4] = r.l4proto;
      if (r.l4proto === L4.TCP) e.flags |= FdFlag.SOCKET_CONNECTED;
      e.name = ipv4TupleToString(r.sip as number, r.sport, r.dip as number, r.dport);
      break;
    }
    case FdType.IPV4_SERVSOCK: {
      const s = e.sockBuf();
      s.writeUInt32LE(r.sip as number, SockOff.V4S_IP);
      s.writeUInt16LE(r.sport, SockOff.V4S_PORT);
      s[SockOff.V4S_L4] = r.l4proto;
      e.name = `${ipv4ToString(r.sip as number)}:${r.sport}`;
      c.serverPorts.add(r.sport);
      break;
    }
    case FdType.IPV6_SOCK: {
      const s = e.sockBuf();
      const sip = Buffer.from(r.sip as Uint8Array), dip = Buffer.from(r.dip as Uint8Array);
      if (r.l4proto === L4.TCP) e.flags |= FdFlag.SOCKET_CONNECTED;
      if (isIpv4MappedIpv6(sip) && isIpv4MappedIpv6(dip)) {
        e.type = FdType.IPV4_SOCK;
        s.writeUInt32LE(sip.readUInt32LE(12), SockOff.V4_SIP);
        s.writeUInt32LE(dip.readUInt32LE(12), SockOff.V4_DIP);
        s.writeUInt16LE(r.sport, SockOff.V4_SPORT);
        s.writeUInt16LE(r.dport, SockOff.V4_DPORT);
        s[SockOff.V4_L4] = r.l4proto;
        e.name = ipv4TupleToString(sip.readUInt32LE(12), r.sport, dip.readUInt32LE(12), r.dport);
      } else {
        sip.copy(s, SockOff.V6_SIP);
        dip.copy(s, SockOff.V6_DIP);
        s.writeUInt16LE(r.sport, SockOff.V6_SPORT);
        s.writeUInt16LE(r.dport, SockOff.V6_DPORT);
        s[SockOff.V6_L4] = r.l4proto;
        e.name = ipv6TupleToString(sip, r.sport, dip, r.dport);
      }
      break;
    }
    case FdType.IPV6_SERVSOCK: {
      const s = e.sockBuf();
      Buffer.from(r.sip as Uint8Array).copy(s, SockOff.V6S_IP);
      s.writeUInt16LE(r.sport, SockOff.V6S_PORT);
      s[SockOff.V6S_L4] = r.l4proto;
      e.name = `${ipv6ToString(r.sip as Uint8Array)}:${r.sport}`;
      c.serverPorts.add(r.sport);
      break;
    }
    case FdType.UNIX_SOCK: {
      const s = e.sockBuf();
      s.writeBigUInt64LE(r.unixSource, SockOff.UNIX_SRC);
      s.writeBigUInt64LE(r.unixDest, SockOff.UNIX_DST);
      e.name = r.name;
      e.flags |= r.name === '' ? FdFlag.ROLE_CLIENT : FdFlag.ROLE_SERVER;
      break;
    }
    case FdType.UNINITIALIZED: case FdType.UNKNOWN:
      return undefined;
    default:
      e.name = r.name;
      e.openFlags = r.openFlags;
      e.dev = r.dev;
      e.mountId = r.mountId;
      e.flags |= r.name === TRACER_DEVICE ? FdFlag.IS_TRACER_FILE : FdFlag.IS_NOT_TRACER_FD;
  }
  return e;
}

/** Connections from the fd lists whose local port is a listening port were accepted: server side. */
function fixSocketDirections(c: Core): void {
  for (const t of c.threads.values()) {
    for (const e of t.ownFds.values()) {
      if (e.type !== FdType.IPV4_SOCK) continue;
      if (c.serverPorts.has(e.sport)) {
        swapAddresses(e);
        e.name = ipv4TupleToString(e.sip as number, e.sport, e.dip as number, e.dport);
        e.flags |= FdFlag.ROLE_SERVER;
      } else {
        e.flags |= FdFlag.ROLE_CLIENT;
      }
    }
  }
}
