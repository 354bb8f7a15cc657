// The sockets of a network namespace by inode, from its /proc/PID/net tables (tcp, udp, raw, unix,
// netlink and their IPv6 versions), as libscap reads them to name the sockets of the fd scan.
import type { FdRecord } from '../capture/records.js';
import { L4 } from '../capture/flags.js';
import { FdType } from '../capture/event-types.js';
import { readText } from './proc-files.js';

/** What a socket's fd record says, without the owning process and fd number. */
export type SocketFacts = Omit<FdRecord, 'pid' | 'fd'>;

const IP_TABLES: readonly [file: string, l4: number][] = [
  ['tcp', L4.TCP], ['udp', L4.UDP], ['raw', L4.RAW], ['tcp6', L4.TCP], ['udp6', L4.UDP], ['raw6', L4.RAW],
];

/** Every socket listed in the tables under netDir (/proc/PID/net/), by inode. */
export function readSockets(netDir: string): Map<number, SocketFacts> {
  const out = new Map<number, SocketFacts>();
  for (const [file, l4] of IP_TABLES) {
    for (const line of lines(readText(netDir + file))) {
      const s = file.endsWith('6') ? ipv6Socket(line, l4) : ipv4Socket(line, l4);
      if (s !== undefined) out.set(s.ino, s);
    }
  }
  for (const line of lines(readText(`${netDir}unix`))) {
    const s = unixSocket(line);
    if (s !== undefined) out.set(s.ino, s);
  }
  for (const line of lines(readText(`${netDir}netlink`))) {
    const ino = Number(line.trim().split(/\s+/)[9]);
    if (Number.isInteger(ino) && ino > 0) out.set(ino, base(ino, FdType.NETLINK));
  }
  return out;
}

/** Data lines of a table (the first line is its header). */
function lines(text: string | undefined): string[] {
  return text === undefined ? [] : text.split('\n').slice(1).filter((l) => l.trim() !== '');
}

function base(ino: number, type: FdType): SocketFacts {
  return { ino, type, name: '', openFlags: 0, dev: 0, mountId: 0, sip: 0, dip: 0, sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n };
}

/**
 * "sl: local rem st tx:rx tr:tm retrnsmt uid timeout inode": addresses as HEXIP:HEXPORT, the IP
 * being the address's bytes read as a host-order word: the capture's own encoding of IPv4.
 */
function ipv4Socket(line: string, l4: number): SocketFacts | undefined {
  const f = line.trim().split(/\s+/);
  const [sip, sport] = hexPair(f[1]);
  const [dip, dport] = hexPair(f[2]);
  const ino = Number(f[9]);
  if (!(ino > 0) || sip === undefined || dip === undefined) return undefined;
  // Nothing at the other end: a listening (or unconnected) socket, which sysdig calls a server socket.
  if (dip === 0) return { ...base(ino, FdType.IPV4_SERVSOCK), sip, sport, l4proto: l4 };
  return { ...base(ino, FdType.IPV4_SOCK), sip, sport, dip, dport, l4proto: l4 };
}

function ipv6Socket(line: string, l4: number): SocketFacts | undefined {
  const f = line.trim().split(/\s+/);
  const local = ipv6Pair(f[1]);
  const remote = ipv6Pair(f[2]);
  const ino = Number(f[9]);
  if (!(ino > 0) || local === undefined || remote === undefined) return undefined;
  if (remote[0].every((b) => b === 0)) return { ...base(ino, FdType.IPV6_SERVSOCK), sip: local[0], dip: new Uint8Array(16), sport: local[1], l4proto: l4 };
  return { ...base(ino, FdType.IPV6_SOCK), sip: local[0], sport: local[1], dip: remote[0], dport: remote[1], l4proto: l4 };
}

function hexPair(s: string | undefined): [number | undefined, number] {
  const m = s === undefined ? null : /^([0-9A-Fa-f]{8}):([0-9A-Fa-f]{4})$/.exec(s);
  return m === null ? [undefined, 0] : [parseInt(m[1], 16) >>> 0, parseInt(m[2], 16)];
}

/** An IPv6 address as 4 host-order words in hex: the bytes are each word written little-endian. */
function ipv6Pair(s: string | undefined): [Uint8Array, number] | undefined {
  const m = s === undefined ? null : /^([0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(s);
  if (m === null) return undefined;
  const addr = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) addr.writeUInt32LE(parseInt(m[1].slice(8 * i, 8 * i + 8), 16) >>> 0, 4 * i);
  return [new Uint8Array(addr), parseInt(m[2], 16)];
}

/** "Num RefCount Protocol Flags Type St Inode Path": Num is the socket's kernel address. */
function unixSocket(line: string): SocketFacts | undefined {
  const m = /^([0-9A-Fa-f]+):\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\d+)(?:\s+(.*))?$/.exec(line.trim());
  if (m === null) return undefined;
  const ino = Number(m[2]);
  return { ...base(ino, FdType.UNIX_SOCK), name: m.at(3) ?? '', unixSource: BigInt(`0x${m[1]}`) };
}
