// The fd class: the file descriptor an event creates, uses or destroys, from the state's fd table.
// When the event has no known fd (a failed open, an fd the capture never saw opened), a few fields
// fall back on what the event itself says: the name an open or connect exit carries, the type its
// syscall implies.
import type { Event } from '../capture/event.js';
import { EVENT_TABLE } from '../capture/event-table.js';
import { EventFlag, ParamType, PrintFormat } from '../capture/event-types.js';
import { fdTypeChar, renderParamText } from './render.js';
import { E } from '../state/event-ids.js';
import { AT_FDCWD, FdFlag, L4 } from '../capture/flags.js';
import { dropUnprintable } from '../state/net-format.js';
import { concatenatePaths } from '../state/paths.js';
import { FdType, type FdInfo, type ThreadInfo } from '../state/types.js';
import { processOf } from './ancestry.js';
import { parseInt32 } from './args.js';
import type { FieldClass, FieldContext, FieldSpec } from './spec.js';
import type { FieldValue } from './types.js';

const T = ParamType;
const F = PrintFormat;
const FD_EVENT = EventFlag.CREATES_FD | EventFlag.USES_FD | EventFlag.DESTROYS_FD;
const CONTAINER_JSON_2_E = 324;

/** Whether sysdig looks at an fd for this event: fd events of known threads only. */
function hasFdContext(e: Event): e is Event & { thread: ThreadInfo } {
  return e.thread !== undefined && ((EVENT_TABLE[e.type]?.flags ?? 0) & FD_EVENT) !== 0;
}

type FdRead = (fd: FdInfo, e: Event & { thread: ThreadInfo }, c: FieldContext) => FieldValue;

/** A field of the event's fd; <NA> when the event has none, unless `noFd` says what to show then. */
function fdField(name: string, type: ParamType, fmt: PrintFormat, desc: string, read: FdRead, noFd?: (e: Event & { thread: ThreadInfo }, c: FieldContext) => FieldValue, extra: Partial<FieldSpec> = {}): FieldSpec {
  return {
    name, type, printFormat: fmt, arg: 'none', desc, ...extra,
    get: (e, c) => {
      if (!hasFdContext(e)) return undefined;
      return e.fd !== undefined ? read(e.fd, e, c) : noFd?.(e, c);
    },
  };
}

/** A path-like field, whose output drops unprintable characters (conditions see them raw). */
function sanitized(spec: FieldSpec): FieldSpec {
  const get = spec.get;
  if (get === undefined) throw new Error(`${spec.name}: a sanitized field reads its value with get`);
  return {
    ...spec,
    make: (c, arg) => {
      const extract = (e: Event): FieldValue => get(e, c, arg);
      const print = (v: FieldValue): string | undefined => (v === undefined ? undefined : dropUnprintable(String(v)));
      return { extract, render: (e) => print(extract(e)), print };
    },
  };
}

const isIp = (t: number): boolean => t === FdType.IPV4_SOCK || t === FdType.IPV6_SOCK;
const isServSock = (t: number): boolean => t === FdType.IPV4_SERVSOCK || t === FdType.IPV6_SERVSOCK;
const isFile = (t: number): boolean => t === FdType.FILE || t === FdType.FILE_V2;
const roleNone = (fd: FdInfo): boolean => !fd.isServer && !fd.isRoleClient;

/** Whether an address is one of this machine's (for a thread in a container: never, for IPv6). */
function isLocal(c: FieldContext, t: ThreadInfo, ip: number | Uint8Array): boolean {
  if (typeof ip === 'number') return c.state.localIpv4.includes(ip);
  if (t.containerId !== '') return false;
  // sinsp compares the first 8 bytes (the network part) with each interface's.
  return (c.state.localIpv6 ?? []).some((a) => a.subarray(0, 8).every((b, i) => b === ip[i]));
}

/** The name an fd-creating exit event carries when the fd itself is unknown (or the connect failed). */
function nameFromEvent(e: Event & { thread: ThreadInfo }, c: FieldContext, raw = false): string | undefined {
  if ((e.type & 1) === 0) return undefined;
  switch (e.type) {
    case E.OPEN_X: case E.ACCEPT_X: case E.ACCEPT_5_X: case E.ACCEPT4_X: case E.ACCEPT4_5_X: case E.ACCEPT4_6_X:
    case E.CREAT_X: case E.CONNECT_X: {
      const text = renderParamText(e, 1, c.render);
      return text.resolved !== '' ? text.resolved : text.value;
    }
    case E.OPENAT_X: {
      const enter = c.state.enterEvent(e.thread);
      if (enter === undefined) return undefined;
      return openatPath(e, c, enter, 1, 0, raw);
    }
    case E.OPENAT_2_X: case E.OPENAT2_X:
      return openatPath(e, c, e, 2, 1, raw);
    case E.OPEN_BY_HANDLE_AT_X:
      return e.paramStr(3);
    default:
      return '';
  }
}

/** An openat path made absolute against its dirfd (or the cwd), as sinsp builds the fd name. */
function openatPath(e: Event & { thread: ThreadInfo }, c: FieldContext, src: Event, nameIdx: number, dirfdIdx: number, raw: boolean): string {
  const name = src.paramStr(nameIdx);
  if (raw) return name;
  const dirfd = src.paramInt(dirfdIdx);
  let dir: string;
  if (name.startsWith('/')) dir = '.';
  else if (dirfd === AT_FDCWD) dir = processOf(c.state, e.thread).cwd;
  else {
    const fd = e.thread.fds.get(dirfd);
    dir = fd === undefined ? '<UNKNOWN>' : `${fd.name}/`;
  }
  return concatenatePaths(dir, name, src.paramLen(nameIdx));
}

/** fd.name: the fd's name; a failed connect shows the address it tried. */
function fdName(e: Event & { thread: ThreadInfo }, c: FieldContext): string | undefined {
  const fd = e.fd;
  if (fd === undefined || (e.type === E.CONNECT_X && e.paramInt(0) < 0)) return nameFromEvent(e, c);
  return fd.name;
}

/** The directory part of a file path: '/' when the only slash leads, the whole path when it ends in a slash. */
function dirName(path: string): string {
  const pos = path.lastIndexOf('/');
  if (pos <= 0) return '/';
  return pos < path.length - 1 ? path.slice(0, pos) : path;
}

function fdDirectory(e: Event & { thread: ThreadInfo }, c: FieldContext): string | undefined {
  const fd = e.fd;
  if (fd === undefined) {
    const name = nameFromEvent(e, c);
    return name === undefined ? undefined : dirName(dropUnprintable(name));
  }
  if (isFile(fd.type)) return dirName(fd.name);
  return fd.type === FdType.DIRECTORY ? fd.name : undefined;
}

/** The type letter an fd-creating syscall implies when its fd is unknown ('o' for others). */
function typeCharFromEvent(e: Event): string {
  switch (e.type & ~1) {
    case E.OPEN_E: case E.OPENAT_E: case E.OPENAT_2_E: case E.OPENAT2_E: case E.CREAT_E: return 'f';
    case E.SOCKET_E: case E.ACCEPT_X - 1: case E.ACCEPT_5_X - 1: case E.ACCEPT4_X - 1: case E.ACCEPT4_5_X - 1: return '4';
    case E.PIPE_X - 1: return 'p';
    case E.EVENTFD_E: return 'e';
    case E.SIGNALFD_X - 1: return 's';
    case E.TIMERFD_CREATE_X - 1: return 't';
    case E.INOTIFY_INIT_X - 1: return 'i';
    default: return 'o';
  }
}

const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [FdType.FILE, 'file'], [FdType.FILE_V2, 'file'], [FdType.DIRECTORY, 'directory'], [FdType.IPV4_SOCK, 'ipv4'],
  [FdType.IPV4_SERVSOCK, 'ipv4'], [FdType.IPV6_SOCK, 'ipv6'], [FdType.IPV6_SERVSOCK, 'ipv6'], [FdType.UNIX_SOCK, 'unix'],
  [FdType.FIFO, 'pipe'], [FdType.EVENT, 'event'], [FdType.SIGNALFD, 'signalfd'], [FdType.EVENTPOLL, 'eventpoll'],
  [FdType.INOTIFY, 'inotify'], [FdType.TIMERFD, 'timerfd'], [FdType.NETLINK, 'netlink'],
]);

/** The fd's type as newer libsinsp names it (get_typestring), with the types sysdig 0.29.3 left unnamed. */
const TYPE_STRINGS: ReadonlyMap<number, string> = new Map([
  ...TYPE_NAMES, [FdType.BPF, 'bpf'], [FdType.USERFAULTFD, 'userfaultfd'], [FdType.IOURING, 'io_uring'],
  [FdType.MEMFD, 'memfd'], [FdType.PIDFD, 'pidfd'],
]);

export function fdTypeString(fd: FdInfo): string {
  return TYPE_STRINGS.get(fd.type) ?? '<NA>';
}

/** The L4 protocol sinsp reports: raw always, tcp/udp/icmp once the socket's role is known. */
function l4proto(fd: FdInfo): number {
  if (isIp(fd.type)) {
    if (fd.l4proto === L4.RAW) return L4.RAW;
    return roleNone(fd) ? L4.NA : fd.l4proto;
  }
  return isServSock(fd.type) ? fd.l4proto : L4.NA;
}

const L4_NAMES: ReadonlyMap<number, string> = new Map([[L4.TCP, 'tcp'], [L4.UDP, 'udp'], [L4.ICMP, 'icmp'], [L4.RAW, 'raw']]);

/** An address as a field value: IPv4 as its number, IPv6 as a Buffer over the same bytes. */
function ipValue(ip: number | Uint8Array): number | Buffer {
  return typeof ip === 'number' ? ip : Buffer.from(ip.buffer, ip.byteOffset, 16);
}

// Socket endpoints. "Client" is the socket's source, "server" its destination (or a server socket's
// bound address); "local" and "remote" depend on whether the source address is this machine's.
const clientIp: FdRead = (fd) => (isIp(fd.type) && !roleNone(fd) ? ipValue(fd.sip) : undefined);
const serverIp: FdRead = (fd) => {
  if (roleNone(fd)) return undefined;
  if (isIp(fd.type)) return ipValue(fd.dip);
  return isServSock(fd.type) ? ipValue(fd.sip) : undefined;
};
const clientPort: FdRead = (fd) => {
  if (roleNone(fd)) return undefined;
  // sysdig falls through to the client protocol here, which has no number to give.
  return isIp(fd.type) ? fd.sport : 0;
};
const serverPort: FdRead = (fd) => {
  if (isIp(fd.type)) return roleNone(fd) ? undefined : fd.dport;
  return isServSock(fd.type) ? fd.sport : undefined;
};
/** Without name resolution a port's "protocol" is its number; sockets that are not IP sockets have ''. */
const clientProto: FdRead = (fd) => (roleNone(fd) ? undefined : isIp(fd.type) ? String(fd.sport) : '');
const serverProto: FdRead = (fd) => {
  if (isIp(fd.type)) return roleNone(fd) ? undefined : String(fd.dport);
  return isServSock(fd.type) ? '' : undefined;
};
function localRemote(local: boolean, pick: (fd: FdInfo, srcIsLocal: boolean) => number | Uint8Array): FdRead {
  return (fd, e, c) => {
    if (!isIp(fd.type) || roleNone(fd)) return undefined;
    const v = pick(fd, isLocal(c, e.thread, fd.sip) === local);
    return typeof v === 'number' ? v : ipValue(v);
  };
}
const localIp = localRemote(true, (fd, src) => (src ? fd.sip : fd.dip));
const remoteIp = localRemote(false, (fd, src) => (src ? fd.sip : fd.dip));
const localPort = localRemote(true, (fd, src) => (src ? fd.sport : fd.dport));
const remotePort = localRemote(false, (fd, src) => (src ? fd.sport : fd.dport));
const asText = (read: FdRead): FdRead => (fd, e, c) => {
  const v = read(fd, e, c);
  return v === undefined ? undefined : String(v);
};

/**
 * Filter-only fields that stand for both ends of a connection (fd.ip, fd.net, fd.port, fd.proto):
 * a condition holds when either end matches, `!=` when both differ. A server socket has one end.
 * No role is needed, unlike fd.cip and the like.
 */
function bothEnds(name: string, type: ParamType, desc: string, ends: (fd: FdInfo) => FieldValue[] | undefined): FieldSpec {
  const values = (e: Event): FieldValue[] | undefined => (hasFdContext(e) && e.fd !== undefined ? ends(e.fd) : undefined);
  return {
    name, type, arg: 'none', desc, filterOnly: true, neAll: true,
    make: () => ({
      extract: (e) => values(e)?.[0],
      candidates: (e, out) => {
        const v = values(e);
        if (v === undefined) return 0;
        for (let i = 0; i < v.length; i++) out[i] = v[i];
        return v.length;
      },
    }),
  };
}
const ipEnds = (fd: FdInfo): FieldValue[] | undefined => {
  if (isIp(fd.type)) return [ipValue(fd.sip), ipValue(fd.dip)];
  return isServSock(fd.type) ? [ipValue(fd.sip)] : undefined;
};
const portEnds = (fd: FdInfo): FieldValue[] | undefined => {
  if (isIp(fd.type)) return [fd.sport, fd.dport];
  return isServSock(fd.type) ? [fd.sport, fd.sport] : undefined;
};

const withContainer = (t: ThreadInfo, s: string | undefined): string | undefined => (s === undefined ? undefined : `${t.containerId}:${s}`);

export const FD_CLASS: FieldClass = {
  name: 'fd',
  desc: 'Every syscall that has a file descriptor in its arguments has these fields set with information related to the file.',
  fields: [
    {
      name: 'fd.num', type: T.INT64, printFormat: F.ID, arg: 'none',
      desc: 'the unique number identifying the file descriptor.',
      get: (e) => (hasFdContext(e) ? e.fdNum : undefined),
    },
    fdField('fd.type', T.CHARBUF, F.DEC,
      "type of FD. Can be 'file', 'directory', 'ipv4', 'ipv6', 'unix', 'pipe', 'event', 'signalfd', 'eventpoll', 'inotify' or 'signalfd'.",
      (fd) => TYPE_NAMES.get(fd.type) ?? '<NA>'),
    fdField('fd.typechar', T.CHARBUF, F.DEC,
      "type of FD as a single character. Can be 'f' for file, 4 for IPv4 socket, 6 for IPv6 socket, 'u' for unix socket, p for pipe, 'e' for eventfd, 's' for signalfd, 'l' for eventpoll, 'i' for inotify, 'o' for unknown.",
      (fd) => fdTypeChar(fd.type), typeCharFromEvent),
    sanitized({
      name: 'fd.name', type: T.CHARBUF, arg: 'none',
      desc: 'FD full name. If the fd is a file, this field contains the full path. If the FD is a socket, this field contain the connection tuple.',
      get: (e, c) => (hasFdContext(e) ? fdName(e, c) : undefined),
    }),
    sanitized({
      name: 'fd.directory', type: T.CHARBUF, arg: 'none',
      desc: 'If the fd is a file, the directory that contains it.',
      get: (e, c) => (hasFdContext(e) ? fdDirectory(e, c) : undefined),
    }),
    sanitized(fdField('fd.filename', T.CHARBUF, F.NA,
      'If the fd is a file, the filename without the path.',
      (fd) => {
        if (!isFile(fd.type)) return undefined;
        const pos = fd.name.lastIndexOf('/');
        if (pos < 0) return '/';
        return pos < fd.name.length - 1 ? fd.name.slice(pos + 1) : fd.name;
      })),
    bothEnds('fd.ip', T.IPADDR, 'matches the ip address (client or server) of the fd.', ipEnds),
    fdField('fd.cip', T.IPADDR, F.NA, 'client IP address.', clientIp),
    fdField('fd.sip', T.IPADDR, F.NA, 'server IP address.', serverIp),
    fdField('fd.lip', T.IPADDR, F.NA, 'local IP address.', localIp),
    fdField('fd.rip', T.IPADDR, F.NA, 'remote IP address.', remoteIp),
    { ...bothEnds('fd.port', T.PORT, 'matches the port (either client or server) of the fd.', portEnds), printFormat: F.DEC },
    fdField('fd.cport', T.PORT, F.DEC, 'for TCP/UDP FDs, the client port.', clientPort),
    fdField('fd.sport', T.PORT, F.DEC, 'for TCP/UDP FDs, server port.', serverPort),
    fdField('fd.lport', T.PORT, F.DEC, 'for TCP/UDP FDs, the local port.', localPort),
    fdField('fd.rport', T.PORT, F.DEC, 'for TCP/UDP FDs, the remote port.', remotePort),
    fdField('fd.l4proto', T.CHARBUF, F.NA, "the IP protocol of a socket. Can be 'tcp', 'udp', 'icmp' or 'raw'.",
      (fd) => L4_NAMES.get(l4proto(fd)) ?? '<NA>'),
    fdField('fd.sockfamily', T.CHARBUF, F.NA, "the socket family for socket events. Can be 'ip' or 'unix'.",
      (fd) => (isIp(fd.type) || isServSock(fd.type) ? 'ip' : fd.type === FdType.UNIX_SOCK ? 'unix' : undefined)),
    fdField('fd.is_server', T.BOOL, F.NA, "'true' if the process owning this FD is the server endpoint in the connection.",
      (fd, e, c) => isServSock(fd.type) || (isIp(fd.type) && isLocal(c, e.thread, fd.dip))),
    {
      name: 'fd.uid', type: T.CHARBUF, arg: 'none',
      desc: 'a unique identifier for the FD, created by chaining the FD number and the thread ID.',
      get: (e) => (hasFdContext(e) && e.type !== E.CONTAINER_JSON_E && e.type !== CONTAINER_JSON_2_E ? `${e.thread.tid}${e.fdNum}` : undefined),
    },
    sanitized({
      name: 'fd.containername', type: T.CHARBUF, arg: 'none',
      desc: 'chaining of the container ID and the FD name. Useful when trying to identify which container an FD belongs to.',
      get: (e, c) => (hasFdContext(e) ? withContainer(e.thread, fdName(e, c)) : undefined),
    }),
    sanitized({
      name: 'fd.containerdirectory', type: T.CHARBUF, arg: 'none',
      desc: 'chaining of the container ID and the directory name. Useful when trying to identify which container a directory belongs to.',
      get: (e, c) => (hasFdContext(e) ? withContainer(e.thread, fdDirectory(e, c)) : undefined),
    }),
    bothEnds('fd.proto', T.PORT, 'matches the protocol (either client or server) of the fd.', portEnds),
    fdField('fd.cproto', T.CHARBUF, F.NA, 'for TCP/UDP FDs, the client protocol.', clientProto),
    fdField('fd.sproto', T.CHARBUF, F.NA, 'for TCP/UDP FDs, server protocol.', serverProto),
    fdField('fd.lproto', T.CHARBUF, F.NA, 'for TCP/UDP FDs, the local protocol.', asText(localPort)),
    fdField('fd.rproto', T.CHARBUF, F.NA, 'for TCP/UDP FDs, the remote protocol.', asText(remotePort)),
    bothEnds('fd.net', T.IPNET, 'matches the IP network (client or server) of the fd.', ipEnds),
    fdField('fd.cnet', T.IPNET, F.NA, 'matches the client IP network of the fd.', clientIp, undefined, { filterOnly: true }),
    fdField('fd.snet', T.IPNET, F.NA, 'matches the server IP network of the fd.', serverIp, undefined, { filterOnly: true }),
    fdField('fd.lnet', T.IPNET, F.NA, 'matches the local IP network of the fd.', localIp, undefined, { filterOnly: true }),
    fdField('fd.rnet', T.IPNET, F.NA, 'matches the remote IP network of the fd.', remoteIp, undefined, { filterOnly: true }),
    fdField('fd.connected', T.BOOL, F.NA, "for TCP/UDP FDs, 'true' if the socket is connected.",
      (fd) => fd.connected === true),
    fdField('fd.name_changed', T.BOOL, F.NA, 'True when an event changes the name of an fd used by this event. This can occur in some cases such as udp connections where the connection tuple changes.',
      (fd) => fd.nameChanged === true),
    // Domain names need DNS lookups sysdig does not do by default: no value.
    fdField('fd.cip.name', T.CHARBUF, F.NA, 'Domain name associated with the client IP address.', () => undefined),
    fdField('fd.sip.name', T.CHARBUF, F.NA, 'Domain name associated with the server IP address.', () => undefined),
    fdField('fd.lip.name', T.CHARBUF, F.NA, 'Domain name associated with the local IP address.', () => undefined),
    fdField('fd.rip.name', T.CHARBUF, F.NA, 'Domain name associated with the remote IP address.', () => undefined),
    fdField('fd.dev', T.INT32, F.HEX, 'device number (major/minor) containing the referenced file', (fd) => fd.dev | 0),
    fdField('fd.dev.major', T.INT32, F.DEC, 'major device number containing the referenced file', (fd) => (fd.dev & 0xfff00) >>> 8),
    fdField('fd.dev.minor', T.INT32, F.DEC, 'minor device number containing the referenced file',
      (fd) => (fd.dev & 0xff) | ((fd.dev >>> 12) & 0xfff00)),
    // Newer than sysdig 0.29.3.
    {
      name: 'fd.nameraw', type: T.CHARBUF, arg: 'none',
      desc: 'FD full name raw. Just like fd.name, but only used if fd is a file path. File path is kept raw with limited sanitization and without deriving the absolute path.',
      get: (e, c) => {
        if (!hasFdContext(e)) return undefined;
        const name = e.fd !== undefined ? e.fd.nameRaw : nameFromEvent(e, c, true);
        return name?.replace(/\/{2,}/g, '/');
      },
    },
    {
      name: 'fd.types', type: T.CHARBUF, printFormat: F.DEC, arg: 'index', isList: true,
      desc: 'List of FD types in use by the process (each type once). Can be passed an fd number, e.g. fd.types[0] gives the type of stdin as a single item list.',
      parseArg: (text, _start, pos) => {
        const close = text.indexOf(']', pos);
        if (text[pos] !== '[' || close < 0) return { arg: undefined, end: pos };
        return { arg: parseInt32(text.slice(pos + 1, close)), end: close + 1 };
      },
      checkArg: parseInt32,
      make: (_c, arg) => {
        const extract = (e: Event): FieldValue => (hasFdContext(e) ? fdTypes(e.thread, arg as number | undefined) : undefined);
        return {
          extract,
          render: (e) => {
            const v = extract(e) as readonly string[] | undefined;
            return v === undefined ? undefined : `(${v.join(',')})`;
          },
        };
      },
    },
    fdField('fd.ino', T.INT64, F.DEC, 'inode number of the referenced file', (fd) => fd.ino),
    fdField('fd.is_upper_layer', T.BOOL, F.NA, "'true' if the fd is of a file in the upper layer of an overlayfs.",
      (fd) => ((fd.flags ?? 0) & FdFlag.OVERLAY_UPPER) !== 0),
    fdField('fd.is_lower_layer', T.BOOL, F.NA, "'true' if the fd is of a file in the lower layer of an overlayfs.",
      (fd) => ((fd.flags ?? 0) & FdFlag.OVERLAY_LOWER) !== 0),
  ],
};

/** fd.types: the distinct types of the thread's open fds (in fd order), or of fd N alone. */
function fdTypes(t: ThreadInfo, num: number | undefined): string[] | undefined {
  if (num !== undefined) {
    const fd = t.fds.get(num);
    return fd === undefined ? undefined : [fdTypeString(fd)];
  }
  const fds = [...t.fds].sort(([a], [b]) => a - b);
  const out: string[] = [];
  for (const [, fd] of fds) {
    const type = fdTypeString(fd);
    if (!out.includes(type)) out.push(type);
  }
  return out;
}
