// Sockets: socket(), socketpair(), bind (server address), connect (client tuple), accept (the new
// connected fd), and the tuples of datagram I/O (sendto/sendmsg/recvfrom/recvmsg), which rename an
// fd that has no name yet or is not TCP.
import type { Event } from '../../capture/event.js';
import { EventFlag } from '../../capture/event-types.js';
import type { Core } from '../core.js';
import { E } from '../event-ids.js';
import { FdEntry, SockOff } from '../fdinfo.js';
import { AddressFamily, FdFlag, L4 } from '../../capture/flags.js';
import { isIpv4MappedIpv6 } from '../net-format.js';
import {
  newSocket, setIpv4FromTuple, setIpv4MappedFromTuple, setIpv6FromTuple, setUnixFromTuple, socketName,
  sockaddrParamString, swapAddresses, tupleParamString,
} from '../sockets.js';
import type { ThreadEntry } from '../threads.js';
import { FdType } from '../types.js';
import { patchFromInterfaces } from '../interfaces.js';

const EINPROGRESS = 115;

export function socketExit(c: Core, evt: Event): void {
  const fd = evt.paramInt(0);
  const t = c.cur;
  if (fd < 0 || t === undefined) return;
  const enter = c.retrieveEnter(t, evt);
  let domain: number, type: number, proto: number;
  if (enter !== undefined) {
    domain = enter.paramUint(0); type = enter.paramUint(1); proto = enter.paramUint(2);
  } else if (c.isModern(evt)) {
    domain = evt.paramUint(1); type = evt.paramUint(2); proto = evt.paramUint(3);
  } else {
    return;
  }
  c.curFd = c.addFd(t, fd, newSocket(domain, type, proto));
}

export function socketpairExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (evt.paramInt(0) < 0 || t === undefined) return;
  const e = new FdEntry();
  e.type = FdType.UNIX_SOCK;
  const s = e.sockBuf();
  s.writeBigUInt64LE(evt.paramBigUint(3), SockOff.UNIX_SRC);
  s.writeBigUInt64LE(evt.paramBigUint(4), SockOff.UNIX_DST);
  const second = e.clone();
  c.curFd = c.addFd(t, evt.paramInt(1), e);
  c.addFd(t, evt.paramInt(2), second);
}

/** bind: a non-zero port makes the fd a server socket named after its address. */
export function bindExit(c: Core, evt: Event): void {
  const fd = c.curFd;
  if (fd === undefined || evt.paramInt(0) < 0) return;
  const len = evt.paramLen(1);
  if (len === 0) return;
  const b = evt.buf, o = evt.paramOffset(1);
  const s = fd.sockBuf();
  const family = b[o];
  if (family === AddressFamily.INET) {
    const port = b.readUInt16LE(o + 5);
    if (port > 0) {
      fd.type = FdType.IPV4_SERVSOCK;
      s.writeUInt32LE(b.readUInt32LE(o + 1), SockOff.V4S_IP);
      s.writeUInt16LE(port, SockOff.V4S_PORT);
      s[SockOff.V4S_L4] = s[SockOff.V4_L4];
      fd.flags |= FdFlag.ROLE_SERVER;
    }
  } else if (family === AddressFamily.INET6) {
    const port = b.readUInt16LE(o + 17);
    if (port > 0) {
      if (isIpv4MappedIpv6(b, o + 1)) {
        fd.type = FdType.IPV4_SERVSOCK;
        s[SockOff.V4S_L4] = s[SockOff.V6_L4];
        s.writeUInt32LE(b.readUInt32LE(o + 13), SockOff.V4S_IP);
        s.writeUInt16LE(port, SockOff.V4S_PORT);
      } else {
        fd.type = FdType.IPV6_SERVSOCK;
        s.writeUInt16LE(port, SockOff.V6S_PORT);
        b.copy(s, SockOff.V6S_IP, o + 1, o + 17);
        s[SockOff.V6S_L4] = s[SockOff.V6_L4];
      }
      fd.flags |= FdFlag.ROLE_SERVER;
    }
  }
  fd.name = sockaddrParamString(b, o, len);
}

/** connect's enter event: the destination, before the kernel fills in the source. */
export function connectEnter(c: Core, evt: Event): void {
  const fd = c.curFd;
  if (fd === undefined || evt.nparams < 2) return;
  const len = evt.paramLen(1);
  if (len === 0) return;
  const b = evt.buf, o = evt.paramOffset(1);
  const s = fd.sockBuf();
  const family = b[o];
  if (family === AddressFamily.INET) {
    fd.type = FdType.IPV4_SOCK;
    s.writeUInt32LE(b.readUInt32LE(o + 1), SockOff.V4_DIP);
    s.writeUInt16LE(b.readUInt16LE(o + 5), SockOff.V4_DPORT);
  } else if (family === AddressFamily.INET6) {
    const port = b.readUInt16LE(o + 17);
    if (isIpv4MappedIpv6(b, o + 1)) {
      fd.type = FdType.IPV4_SOCK;
      s.writeUInt32LE(b.readUInt32LE(o + 13), SockOff.V4_DIP);
      s.writeUInt16LE(port, SockOff.V4_DPORT);
    } else {
      fd.type = FdType.IPV6_SOCK;
      s.writeUInt16LE(port, SockOff.V6_DPORT);
      b.copy(s, SockOff.V6_DIP, o + 1, o + 17);
    }
  } else {
    fd.name = sockaddrParamString(b, o, len);
    setUnixFromTuple(fd, b, o, len);
  }
}

export function connectExit(c: Core, evt: Event): void {
  const fd = c.curFd;
  if (fd === undefined) return;
  const res = evt.paramInt(0);
  if (res < 0 && res !== -EINPROGRESS) return;
  fd.setConnected();
  const len = evt.paramLen(1);
  if (len === 0) return;
  fillClientSocket(fd, evt.buf, evt.paramOffset(1), len);
}

/** The tuple of a connected client socket (sinsp's fill_client_socket_info). */
function fillClientSocket(fd: FdEntry, b: Buffer, o: number, len: number): void {
  const family = b[o];
  if (family === AddressFamily.INET || family === AddressFamily.INET6) {
    let changed: boolean;
    if (family === AddressFamily.INET6 && !(isIpv4MappedIpv6(b, o + 1) && isIpv4MappedIpv6(b, o + 19))) {
      fd.type = FdType.IPV6_SOCK;
      changed = setIpv6FromTuple(fd, b, o);
    } else {
      fd.type = FdType.IPV4_SOCK;
      changed = family === AddressFamily.INET ? setIpv4FromTuple(fd, b, o) : setIpv4MappedFromTuple(fd, b, o);
    }
    // A UDP server connecting to its peer: keep the local address first.
    if (changed && fd.isServer && fd.isUdpSocket()) swapAddresses(fd);
    fd.name = socketName(fd);
  } else {
    fd.name = tupleParamString(b, o, len);
    setUnixFromTuple(fd, b, o, len);
  }
  if (fd.isRoleNone()) fd.flags |= FdFlag.ROLE_CLIENT;
}

/** accept/accept4: a new connected server-side fd named after the tuple. */
export function acceptExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined) return;
  const fdNum = evt.paramInt(0);
  if (fdNum < 0) return;
  t.lastEventFd = fdNum;
  const len = evt.paramLen(1);
  if (len === 0) return;
  const b = evt.buf, o = evt.paramOffset(1);
  const fd = new FdEntry();
  const s = fd.sockBuf();
  const family = b[o];
  if (family === AddressFamily.INET) {
    setIpv4FromTuple(fd, b, o);
    fd.type = FdType.IPV4_SOCK;
    s[SockOff.V4_L4] = L4.TCP;
  } else if (family === AddressFamily.INET6) {
    if (isIpv4MappedIpv6(b, o + 1) && isIpv4MappedIpv6(b, o + 19)) {
      setIpv4MappedFromTuple(fd, b, o);
      fd.type = FdType.IPV4_SOCK;
      s[SockOff.V4_L4] = L4.TCP;
    } else {
      setIpv6FromTuple(fd, b, o);
      fd.type = FdType.IPV6_SOCK;
      s[SockOff.V6_L4] = L4.TCP;
    }
  } else if (family === AddressFamily.UNIX) {
    fd.type = FdType.UNIX_SOCK;
    setUnixFromTuple(fd, b, o, len);
  } else {
    return;
  }
  fd.name = tupleParamString(b, o, len);
  fd.flags = FdFlag.ROLE_SERVER;
  fd.setConnected();
  c.curFd = c.addFd(t, fdNum, fd);
}

/** sendto's enter on an fd never seen: assume the socket() was missed and it is a UDP socket. */
export function sendtoEnter(c: Core, evt: Event): void {
  const t = c.cur;
  if (c.curFd === undefined && t !== undefined) {
    const fd = evt.paramInt(0);
    const family = evt.paramLen(2) > 0 ? evt.buf[evt.paramOffset(2)] : -1;
    if (fd >= 0 && (family === AddressFamily.INET || family === AddressFamily.INET6)) {
      c.curFd = c.addFd(t, fd, newSocket(family, 2, 17));
    }
  }
  c.storeEnter(t, evt);
}

/**
 * A socket's tuple from a datagram call (sinsp's update_fd); false when nothing changed. A server
 * socket turned into a plain one keeps, in its IPv4 view, what the server address left there.
 */
function updateFromTuple(c: Core, fd: FdEntry, b: Buffer, o: number, len: number): boolean {
  if (len === 0) return false;
  const s = fd.sockBuf();
  const family = b[o];
  if (family === AddressFamily.INET) {
    if (fd.type === FdType.IPV4_SERVSOCK) s[SockOff.V4_L4] = s[SockOff.V4S_L4];
    fd.type = FdType.IPV4_SOCK;
    if (!setIpv4FromTuple(fd, b, o)) return false;
  } else if (family === AddressFamily.INET6) {
    if (isIpv4MappedIpv6(b, o + 1) && isIpv4MappedIpv6(b, o + 19)) {
      fd.type = FdType.IPV4_SOCK;
      if (!setIpv4MappedFromTuple(fd, b, o)) return false;
    } else if (!setIpv6FromTuple(fd, b, o)) {
      return false;
    }
  } else if (family === AddressFamily.UNIX) {
    fd.type = FdType.UNIX_SOCK;
    setUnixFromTuple(fd, b, o, len);
    return true;
  }
  // A tuple that changes mid-stream cannot be TCP.
  if (fd.type === FdType.IPV4_SOCK && s[SockOff.V4_L4] === L4.UNKNOWN) s[SockOff.V4_L4] = L4.UDP;
  else if (fd.type === FdType.IPV6_SOCK && s[SockOff.V6_L4] === L4.UNKNOWN) s[SockOff.V6_L4] = L4.UDP;
  patchFromInterfaces(c, fd);
  return true;
}

/** The fd role by sinsp's guess: server if this process owns the destination port, else client. */
function guessRole(t: ThreadEntry, fd: FdEntry, incoming: boolean): void {
  const s = fd.sockBuf();
  const dport = s.readUInt16LE(SockOff.V4_DPORT), sport = s.readUInt16LE(SockOff.V4_SPORT);
  let bound = false, usesClientPort = false;
  for (const e of t.fds.values()) {
    if (e.type === FdType.IPV4_SOCK) {
      if (e.sockBuf().readUInt16LE(SockOff.V4_DPORT) === dport) bound = true;
      if (e.sockBuf().readUInt16LE(SockOff.V4_SPORT) === sport) usesClientPort = true;
    } else if (e.type === FdType.IPV4_SERVSOCK && e.sockBuf().readUInt16LE(SockOff.V4S_PORT) === dport) {
      bound = true;
    }
  }
  if (!bound) fd.flags |= FdFlag.ROLE_CLIENT;
  else if (!usesClientPort) fd.flags |= FdFlag.ROLE_SERVER;
  else if (fd.isRoleNone()) fd.flags |= incoming ? FdFlag.ROLE_SERVER : FdFlag.ROLE_CLIENT;
}

/** Where the tuple is, for the datagram calls that carry one. */
function tupleParam(type: number): number {
  switch (type) {
    case E.RECVFROM_X: return 2;
    case E.RECVMSG_X: return 3;
    case E.SENDTO_X: case E.SENDMSG_X: return 2;
    default: return -1;
  }
}

/** read/write family exits: a successful call marks a socket connected and may carry a tuple. */
export function rwExit(c: Core, evt: Event): void {
  const fd = c.curFd;
  const t = c.cur;
  if (fd === undefined || t === undefined || evt.paramInt(0) < 0) return;
  if (fd.type === FdType.IPV4_SOCK || fd.type === FdType.IPV6_SOCK) fd.setConnected();
  const param = tupleParam(evt.type);
  if (param < 0 || (fd.name.length !== 0 && fd.isTcpSocket())) return;
  const incoming = (c.table[evt.type].flags & EventFlag.READS_FROM_FD) !== 0;
  // Reads carry the tuple in the exit event, writes in the enter event.
  let src: Event | undefined = evt;
  if (!incoming) {
    src = c.retrieveEnter(t, evt);
    if (src === undefined) {
      if (!c.isModern(evt)) return;
      src = evt;
    }
  }
  const p = src === evt && !incoming ? 4 : param;
  const b = src.buf, o = src.paramOffset(p), len = src.paramLen(p);
  if (!updateFromTuple(c, fd, b, o, len)) return;
  if (fd.type === FdType.IPV4_SOCK || fd.type === FdType.IPV6_SOCK) {
    if (fd.isRoleNone()) guessRole(t, fd, incoming);
    if (incoming ? fd.isRoleClient : fd.isServer) swapAddresses(fd);
    fd.name = socketName(fd);
  } else {
    fd.name = tupleParamString(b, o, len);
  }
}

/** getsockopt names the fd it is about (from the process's table), as sinsp does for fd fields. */
export function getsockoptExit(c: Core, evt: Event): void {
  const t = c.cur;
  if (t === undefined || evt.nparams === 0) return;
  const fdNum = evt.paramInt(1);
  c.curFd = c.getFd(t.mainThread(), fdNum);
  t.lastEventFd = fdNum;
}
