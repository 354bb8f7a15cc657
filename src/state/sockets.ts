// Socket fds: creating them from socket()'s arguments, updating their addresses from the tuples
// events carry (connect, accept, sendto/recvfrom...), and the names sinsp gives them. Tuples arrive
// packed as the driver writes them: family byte, then addresses and ports (ports in host order).
import { FdType } from './types.js';
import { FdEntry, SockOff } from './fdinfo.js';
import { AddressFamily, L4 } from '../capture/flags.js';
import {
  dropUnprintable, hex64, ipv4ToString, ipv4TupleToString, ipv6ToString, ipv6TupleToString, isIpv4MappedIpv6,
} from './net-format.js';

const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3;
const IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_RAW = 255;

/** A new socket fd for socket(domain, type, protocol); unknown families still get an (UNKNOWN) entry. */
export function newSocket(domain: number, type: number, protocol: number): FdEntry {
  const fd = new FdEntry();
  const s = fd.sockBuf();
  fd.type = FdType.UNKNOWN;
  if (domain === AddressFamily.UNIX) {
    fd.type = FdType.UNIX_SOCK;
  } else if (domain === AddressFamily.INET || domain === AddressFamily.INET6) {
    fd.type = domain === AddressFamily.INET ? FdType.IPV4_SOCK : FdType.IPV6_SOCK;
    let l4: number = L4.UNKNOWN;
    if (protocol === IPPROTO_TCP) l4 = type === SOCK_RAW ? L4.RAW : L4.TCP;
    else if (protocol === IPPROTO_UDP) l4 = type === SOCK_RAW ? L4.RAW : L4.UDP;
    else if (protocol === IPPROTO_IP) {
      // The type may carry SOCK_NONBLOCK / SOCK_CLOEXEC in its upper bits.
      if ((type & 0xff) === SOCK_STREAM) l4 = L4.TCP;
      else if ((type & 0xff) === SOCK_DGRAM) l4 = L4.UDP;
    } else if (protocol === IPPROTO_ICMP) l4 = type === SOCK_RAW ? L4.RAW : L4.ICMP;
    else if (protocol === IPPROTO_RAW) l4 = L4.RAW;
    s[domain === AddressFamily.INET ? SockOff.V4_L4 : SockOff.V6_L4] = l4;
  } else if (domain === AddressFamily.NETLINK) {
    fd.type = FdType.NETLINK;
  }
  return fd;
}

/** Set the IPv4 view's addresses (sinsp's update_ipv4_addresses_and_ports); true when something changed. */
export function updateIpv4(fd: FdEntry, tsip: number, tsport: number, tdip: number, tdport: number): boolean {
  const s = fd.sockBuf();
  const sip = s.readUInt32LE(SockOff.V4_SIP), dip = s.readUInt32LE(SockOff.V4_DIP);
  const sport = s.readUInt16LE(SockOff.V4_SPORT), dport = s.readUInt16LE(SockOff.V4_DPORT);
  if (fd.type === FdType.IPV4_SOCK) {
    const same = tsip === sip && tsport === sport && tdip === dip && tdport === dport;
    const swapped = tdip === sip && tdport === sport && tsip === dip && tsport === dport;
    if (same || swapped) return false;
  }
  let changed = false;
  if (sip !== tsip) { s.writeUInt32LE(tsip, SockOff.V4_SIP); changed = true; }
  if (sport !== tsport) { s.writeUInt16LE(tsport, SockOff.V4_SPORT); changed = true; }
  if (dip === 0) { s.writeUInt32LE(tdip, SockOff.V4_DIP); changed = true; }
  if (dport === 0) { s.writeUInt16LE(tdport, SockOff.V4_DPORT); changed = true; }
  return changed;
}

/** IPv4 tuple at b[o] (family, sip, sport, dip, dport). */
export function setIpv4FromTuple(fd: FdEntry, b: Buffer, o: number): boolean {
  return updateIpv4(fd, b.readUInt32LE(o + 1), b.readUInt16LE(o + 5), b.readUInt32LE(o + 7), b.readUInt16LE(o + 11));
}

/** IPv6 tuple at b[o] whose addresses are IPv4-mapped: use their IPv4 parts. */
export function setIpv4MappedFromTuple(fd: FdEntry, b: Buffer, o: number): boolean {
  return updateIpv4(fd, b.readUInt32LE(o + 13), b.readUInt16LE(o + 17), b.readUInt32LE(o + 31), b.readUInt16LE(o + 35));
}

/** IPv6 tuple at b[o] (family, sip[16], sport, dip[16], dport). */
export function setIpv6FromTuple(fd: FdEntry, b: Buffer, o: number): boolean {
  const s = fd.sockBuf();
  const tsport = b.readUInt16LE(o + 17), tdport = b.readUInt16LE(o + 35);
  const eq = (so: number, bo: number): boolean => s.compare(b, bo, bo + 16, so, so + 16) === 0;
  const sport = s.readUInt16LE(SockOff.V6_SPORT), dport = s.readUInt16LE(SockOff.V6_DPORT);
  if (fd.type === FdType.IPV6_SOCK) {
    const same = eq(SockOff.V6_SIP, o + 1) && tsport === sport && eq(SockOff.V6_DIP, o + 19) && tdport === dport;
    const swapped = eq(SockOff.V6_SIP, o + 19) && tdport === sport && eq(SockOff.V6_DIP, o + 1) && tsport === dport;
    if (same || swapped) return false;
  }
  let changed = false;
  if (!eq(SockOff.V6_SIP, o + 1)) { b.copy(s, SockOff.V6_SIP, o + 1, o + 17); changed = true; }
  if (sport !== tsport) { s.writeUInt16LE(tsport, SockOff.V6_SPORT); changed = true; }
  if (isZero(s, SockOff.V6_DIP, 16)) { b.copy(s, SockOff.V6_DIP, o + 19, o + 35); changed = true; }
  if (dport === 0) { s.writeUInt16LE(tdport, SockOff.V6_DPORT); changed = true; }
  return changed;
}

/**
 * Unix tuple at b[o] (family, source pointer, destination pointer, path) of `len` bytes. sinsp also
 * reads a plain unix sockaddr this way, taking path bytes for pointers: what is missing reads as 0.
 */
export function setUnixFromTuple(fd: FdEntry, b: Buffer, o: number, len: number): void {
  const s = fd.sockBuf();
  s.fill(0, SockOff.UNIX_SRC, SockOff.UNIX_DST + 8);
  b.copy(s, SockOff.UNIX_SRC, o + 1, o + Math.min(len, 17));
}

export function swapAddresses(fd: FdEntry): void {
  const s = fd.sockBuf();
  if (fd.type === FdType.IPV4_SOCK) {
    const sip = s.readUInt32LE(SockOff.V4_SIP), sport = s.readUInt16LE(SockOff.V4_SPORT);
    s.writeUInt32LE(s.readUInt32LE(SockOff.V4_DIP), SockOff.V4_SIP);
    s.writeUInt16LE(s.readUInt16LE(SockOff.V4_DPORT), SockOff.V4_SPORT);
    s.writeUInt32LE(sip, SockOff.V4_DIP);
    s.writeUInt16LE(sport, SockOff.V4_DPORT);
  } else {
    const sip = Buffer.from(s.subarray(SockOff.V6_SIP, SockOff.V6_SIP + 16));
    const sport = s.readUInt16LE(SockOff.V6_SPORT);
    s.copy(s, SockOff.V6_SIP, SockOff.V6_DIP, SockOff.V6_DIP + 16);
    s.writeUInt16LE(s.readUInt16LE(SockOff.V6_DPORT), SockOff.V6_SPORT);
    sip.copy(s, SockOff.V6_DIP);
    s.writeUInt16LE(sport, SockOff.V6_DPORT);
  }
}

/** The name sinsp gives an IPv4/IPv6 socket from its addresses (sinsp_utils::sockinfo_to_str). */
export function socketName(fd: FdEntry): string {
  const s = fd.sockBuf();
  if (fd.type === FdType.IPV4_SOCK) {
    const l4 = s[SockOff.V4_L4];
    const sip = s.readUInt32LE(SockOff.V4_SIP), dip = s.readUInt32LE(SockOff.V4_DIP);
    if (l4 === L4.TCP || l4 === L4.UDP) {
      return ipv4TupleToString(sip, s.readUInt16LE(SockOff.V4_SPORT), dip, s.readUInt16LE(SockOff.V4_DPORT));
    }
    if (l4 === L4.ICMP || l4 === L4.RAW) return `${ipv4ToString(sip)}->${ipv4ToString(dip)}`;
    return '<unknown>';
  }
  if (fd.type === FdType.IPV6_SOCK) {
    const l4 = s[SockOff.V6_L4];
    const sip6 = s.subarray(SockOff.V6_SIP, SockOff.V6_SIP + 16), dip6 = s.subarray(SockOff.V6_DIP, SockOff.V6_DIP + 16);
    const mapped = isIpv4MappedIpv6(sip6) && isIpv4MappedIpv6(dip6);
    if (l4 === L4.TCP || l4 === L4.UDP) {
      // sinsp reads the ports of a mapped pair through the IPv4 view of the union.
      if (mapped) {
        return ipv4TupleToString(s.readUInt32LE(SockOff.V6_SIP + 12), s.readUInt16LE(SockOff.V4_SPORT),
          s.readUInt32LE(SockOff.V6_DIP + 12), s.readUInt16LE(SockOff.V4_DPORT));
      }
      return ipv6TupleToString(sip6, s.readUInt16LE(SockOff.V6_SPORT), dip6, s.readUInt16LE(SockOff.V6_DPORT));
    }
    if (l4 === L4.ICMP) {
      if (mapped) return `${ipv4ToString(s.readUInt32LE(SockOff.V6_SIP + 12))}->${ipv4ToString(s.readUInt32LE(SockOff.V6_DIP + 12))}`;
      return `${ipv6ToString(sip6)}->${ipv6ToString(dip6)}`;
    }
    return '<unknown>';
  }
  return fd.name;
}

/** A SOCKTUPLE parameter as sinsp prints it (no name resolution). */
export function tupleParamString(b: Buffer, o: number, len: number): string {
  if (len === 0) return 'NULL';
  const family = b[o];
  if (family === AddressFamily.INET) {
    if (len !== 13) return 'INVALID IPv4';
    return ipv4TupleToString(b.readUInt32LE(o + 1), b.readUInt16LE(o + 5), b.readUInt32LE(o + 7), b.readUInt16LE(o + 11));
  }
  if (family === AddressFamily.INET6) {
    if (len !== 37) return 'INVALID IPv6';
    if (isIpv4MappedIpv6(b, o + 1) && isIpv4MappedIpv6(b, o + 19)) {
      return ipv4TupleToString(b.readUInt32LE(o + 13), b.readUInt16LE(o + 17), b.readUInt32LE(o + 31), b.readUInt16LE(o + 35));
    }
    return ipv6TupleToString(b.subarray(o + 1, o + 17), b.readUInt16LE(o + 17), b.subarray(o + 19, o + 35), b.readUInt16LE(o + 35));
  }
  if (family === AddressFamily.UNIX) {
    return `${hex64(b.readBigUInt64LE(o + 1))}->${hex64(b.readBigUInt64LE(o + 9))} ${dropUnprintable(cString(b, o + 17, o + len))}`;
  }
  return `family ${family}`;
}

/** A SOCKADDR parameter as sinsp prints it. */
export function sockaddrParamString(b: Buffer, o: number, len: number): string {
  if (len === 0) return 'NULL';
  const family = b[o];
  if (family === AddressFamily.UNIX) return dropUnprintable(cString(b, o + 1, o + len));
  if (family === AddressFamily.INET) {
    if (len !== 7) return 'INVALID IPv4';
    return `${ipv4ToString(b.readUInt32LE(o + 1))}:${b.readUInt16LE(o + 5)}`;
  }
  if (family === AddressFamily.INET6) {
    if (len !== 19) return 'INVALID IPv6';
    return `${ipv6ToString(b.subarray(o + 1, o + 17))}:${b.readUInt16LE(o + 17)}`;
  }
  return `family ${family}`;
}

/** Bytes from o up to the first NUL (or end), one character per byte. */
function cString(b: Buffer, o: number, end: number): string {
  let z = b.indexOf(0, o);
  if (z < 0 || z > end) z = end;
  return b.toString('latin1', o, z);
}

function isZero(b: Buffer, o: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[o + i] !== 0) return false;
  return true;
}
