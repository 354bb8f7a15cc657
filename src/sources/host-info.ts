// What a capture says about the machine besides its processes: the machine itself, its network
// interfaces and its users and groups.
import { cpus, hostname, networkInterfaces, totalmem } from 'node:os';
import type { GroupRecord, Iface6Record, IfaceRecord, MachineInfo, UserRecord } from '../capture/records.js';
import { readText } from './proc-files.js';

/** When the machine booted, in ns since the epoch (now minus the time since boot). */
export function bootTimeNs(proc = '/proc'): number {
  const up = Number((readText(`${proc}/uptime`) ?? '0').split(' ')[0]);
  return Date.now() * 1e6 - up * 1e9;
}

export function machineInfo(bootTime: number, proc = '/proc'): MachineInfo {
  return {
    numCpus: cpus().length,
    memoryBytes: totalmem(),
    maxPid: Number(readText(`${proc}/sys/kernel/pid_max`)?.trim() ?? 0),
    hostname: hostname(),
    bootTime,
  };
}

/** The IPv4 and IPv6 addresses of the interfaces (getifaddrs, as libscap lists them). */
export function interfaces(): { ifaces: IfaceRecord[]; ifaces6: Iface6Record[] } {
  const ifaces: IfaceRecord[] = [];
  const ifaces6: Iface6Record[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4') {
        const ipv4 = ipv4Word(a.address);
        const netmask = ipv4Word(a.netmask);
        // Loopback has no broadcast address.
        const bcast = a.internal ? 0 : (ipv4 | ~netmask) >>> 0;
        ifaces.push({ name, ipv4, netmask, bcast, linkspeed: 0 });
      } else {
        ifaces6.push({ name, addr: ipv6Bytes(a.address), netmask: ipv6Bytes(a.netmask), bcast: new Uint8Array(16), linkspeed: 0 });
      }
    }
  }
  return { ifaces, ifaces6 };
}

/** a.b.c.d as the capture encodes it: the four bytes read as a little-endian word. */
export function ipv4Word(dotted: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return (a | (b << 8) | (c << 16) | (d << 24)) >>> 0;
}

export function ipv6Bytes(text: string): Uint8Array {
  const halves = text.split('%')[0].split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(halves[0]);
  const tail = halves.at(1);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Users of /etc/passwd and groups of /etc/group (the host's: no container). */
export function usersAndGroups(etc = '/etc'): { users: UserRecord[]; groups: GroupRecord[] } {
  const users: UserRecord[] = [];
  for (const line of (readText(`${etc}/passwd`) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) continue;
    users.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6], container: '' });
  }
  const groups: GroupRecord[] = [];
  for (const line of (readText(`${etc}/group`) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#')) continue;
    groups.push({ name: f[0], gid: Number(f[2]), container: '' });
  }
  return { users, groups };
}
