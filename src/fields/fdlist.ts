// The fdlist class: the fds a poll or ppoll call waits on, each looked up in the thread's fd table,
// as comma-separated lists.
import type { Event } from '../capture/event.js';
import { ParamType, PrintFormat } from '../capture/event-types.js';
import { FdType, type FdInfo } from '../state/types.js';
import { ipv4ToString, ipv6ToString } from './print.js';
import type { FieldClass, FieldSpec } from './spec.js';

const POLL_E = 80;
const POLL_X = 81;
const PPOLL_E = 254;
const PPOLL_X = 255;
/** Each polled fd is an int64 fd and an int16 events mask. */
const ENTRY = 10;

/** One item per polled fd; undefined leaves the fd out of the list. */
type Item = (fd: number, info: FdInfo | undefined) => string | undefined;

function fdList(name: string, fmt: PrintFormat, desc: string, item: Item): FieldSpec {
  return {
    name, type: ParamType.CHARBUF, printFormat: fmt, arg: 'none', desc,
    get: (e: Event) => {
      const param = e.type === POLL_E || e.type === PPOLL_E ? 0 : e.type === POLL_X || e.type === PPOLL_X ? 1 : -1;
      const t = e.thread;
      if (param < 0 || t === undefined || e.paramLen(param) < 2) return undefined;
      const buf = e.paramBytes(param);
      const n = buf.readUInt16LE(0);
      const parts: string[] = [];
      for (let j = 0, p = 2; j < n && p + ENTRY <= buf.length; j++, p += ENTRY) {
        const fd = Number(buf.readBigInt64LE(p));
        const s = item(fd, fd >= 0 ? t.fds.get(fd) : undefined);
        if (s !== undefined) parts.push(s);
      }
      return parts.length === 0 ? undefined : parts.join(',');
    },
  };
}

const ipText = (ip: number | Uint8Array): string => (typeof ip === 'number' ? ipv4ToString(ip) : ipv6ToString(ip));
const isIp = (i: FdInfo | undefined): boolean => i !== undefined && (i.type === FdType.IPV4_SOCK || i.type === FdType.IPV6_SOCK);

export const FDLIST_CLASS: FieldClass = {
  name: 'fdlist',
  desc: 'Poll event related fields.',
  fields: [
    fdList('fdlist.nums', PrintFormat.ID, "for poll events, this is a comma-separated list of the FD numbers in the 'fds' argument, returned as a string.",
      (fd) => String(fd)),
    fdList('fdlist.names', PrintFormat.NA, "for poll events, this is a comma-separated list of the FD names in the 'fds' argument, returned as a string.",
      (_fd, i) => (i === undefined || i.name === '' ? '<NA>' : i.name)),
    fdList('fdlist.cips', PrintFormat.NA, "for poll events, this is a comma-separated list of the client IP addresses in the 'fds' argument, returned as a string.",
      (_fd, i) => (i !== undefined && isIp(i) ? ipText(i.sip) : undefined)),
    fdList('fdlist.sips', PrintFormat.NA, "for poll events, this is a comma-separated list of the server IP addresses in the 'fds' argument, returned as a string.",
      (_fd, i) => {
        if (i === undefined) return undefined;
        if (isIp(i)) return ipText(i.dip);
        // sysdig prints a server socket's IPv6 address as if it were IPv4 (its first 4 bytes).
        if (i.type === FdType.IPV4_SERVSOCK) return ipText(i.sip);
        if (i.type === FdType.IPV6_SERVSOCK && typeof i.sip !== 'number') return `${i.sip[0]}.${i.sip[1]}.${i.sip[2]}.${i.sip[3]}`;
        return undefined;
      }),
    fdList('fdlist.cports', PrintFormat.DEC, "for TCP/UDP FDs, for poll events, this is a comma-separated list of the client TCP/UDP ports in the 'fds' argument, returned as a string.",
      (_fd, i) => (i !== undefined && isIp(i) ? String(i.sport) : undefined)),
    fdList('fdlist.sports', PrintFormat.DEC, "for poll events, this is a comma-separated list of the server TCP/UDP ports in the 'fds' argument, returned as a string.",
      (_fd, i) => (i !== undefined && isIp(i) ? String(i.dport) : undefined)),
  ],
};
