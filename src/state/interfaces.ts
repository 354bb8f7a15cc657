// The machine's network interfaces, used to complete a datagram socket's tuple when the kernel
// reported one side as unspecified (sinsp_network_interfaces::update_fd).
import type { Core } from './core.js';
import type { FdEntry } from './fdinfo.js';
import { SockOff } from './fdinfo.js';
import { FdType } from './types.js';

/** 127.0.0.1 in the FdInfo encoding. */
const LOOPBACK = 0x0100007f;
const IPV6_LOOPBACK = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

/** The local address a packet to `dest` would leave from: exact match, same subnet, or the first non-loopback. */
function inferIpv4(c: Core, dest: number): number {
  for (const i of c.ipv4Ifaces) if (i.addr === dest) return i.addr;
  for (const i of c.ipv4Ifaces) if (((i.addr & i.netmask) >>> 0) === ((dest & i.netmask) >>> 0)) return i.addr;
  for (const i of c.ipv4Ifaces) if (i.addr !== LOOPBACK) return i.addr;
  return 0;
}

function inferIpv6(c: Core, dest: Buffer): Buffer {
  for (const a of c.ipv6Ifaces) if (dest.equals(a)) return Buffer.from(a);
  // Same subnet: the first 64 bits match.
  for (const a of c.ipv6Ifaces) if (dest.compare(a, 0, 8, 0, 8) === 0) return Buffer.from(a);
  for (const a of c.ipv6Ifaces) if (!IPV6_LOOPBACK.equals(a)) return Buffer.from(a);
  return Buffer.alloc(16);
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Fill in the missing local or remote address of an IPv4/IPv6 socket from the interface list. */
export function patchFromInterfaces(c: Core, fd: FdEntry): void {
  const s = fd.sockBuf();
  if (fd.type === FdType.IPV4_SOCK) {
    const sip = s.readUInt32LE(SockOff.V4_SIP), dip = s.readUInt32LE(SockOff.V4_DIP);
    if (sip !== 0 && dip !== 0) return;
    const sameAddrAndPort = (addr: number, other: number): boolean =>
      addr === other && s.readUInt16LE(SockOff.V4_SPORT) === s.readUInt16LE(SockOff.V4_DPORT);
    if (sip === 0) {
      const a = inferIpv4(c, dip);
      if (sameAddrAndPort(a, dip)) return;
      s.writeUInt32LE(a, SockOff.V4_SIP);
    } else {
      const a = inferIpv4(c, sip);
      if (sameAddrAndPort(a, sip)) return;
      s.writeUInt32LE(a, SockOff.V4_DIP);
    }
  } else if (fd.type === FdType.IPV6_SOCK) {
    const sip = s.subarray(SockOff.V6_SIP, SockOff.V6_SIP + 16), dip = s.subarray(SockOff.V6_DIP, SockOff.V6_DIP + 16);
    if (!isZero(sip) && !isZero(dip)) return;
    const samePorts = s.readUInt16LE(SockOff.V6_SPORT) === s.readUInt16LE(SockOff.V6_DPORT);
    if (isZero(sip)) {
      const a = inferIpv6(c, dip);
      if (a.equals(dip) && samePorts) return;
      a.copy(s, SockOff.V6_SIP);
    } else {
      const a = inferIpv6(c, sip);
      if (a.equals(sip) && samePorts) return;
      a.copy(s, SockOff.V6_DIP);
    }
  }
}
