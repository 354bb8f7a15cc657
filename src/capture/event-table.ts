// The event table: for every event type id of the scap format, its name, direction, category,
// flags and parameters. Ids, names and parameters are those of the latest libs, so captures from
// any driver version can be read; where sysdig 0.29.3's table (libs of March 2022) differs in a
// way that changes what it prints, its version wins and a comment names what newer libs have:
// - parameter names, types, print formats and flags tables of the 2022 parameters;
// - names of the unused exit events (NA1, NA2...) and of sysdigevent;
// - categories and flags (sysdig's semantics: e.g. mmap does not use its fd, close enter is current).
// Parameters newer drivers appended are listed after a '|': sysdig 0.29.3 reads only the ones
// before it (EventInfo.legacyParams), so evt.info and evt.arg.NAME must not show the others.
// Events newer than 2022 keep the latest definitions, with categories stripped of the event-source
// bits (EC_SYSCALL...) and without OLD_VERSION / CONVERTER_MANAGED, which there only mean "the
// libs convert this enter event away".
//
// Parameter notation: 'name:TYPE[:FORMAT][:ref]', comma separated. TYPE is a ParamType key, FORMAT a
// PrintFormat key (default: DEC for numbers, HEX for FLAGS16/32, OCT for MODE, NA for strings and
// buffers); ref is a flags table (flag-tables.ts), the shapes of a DYN parameter, or for FSRELPATH
// the index of its dirfd parameter.
import { EventFlag, ParamType, PrintFormat, type EventInfo, type NameValue, type ParamInfo } from './event-types.js';
import { FLAG_TABLES } from './flag-tables.js';
import { LongestPrefix } from './longest-prefix.js';

/** Event categories (ppm_event_category, without the event-source bits of newer libs). */
export const EventCategory = {
  UNKNOWN: 0, OTHER: 1, FILE: 2, NET: 3, IPC: 4, MEMORY: 5, PROCESS: 6, SLEEP: 7, SYSTEM: 8, SIGNAL: 9,
  USER: 10, TIME: 11, PROCESSING: 12, IO_READ: 32, IO_WRITE: 33, IO_OTHER: 34, WAIT: 64, SCHEDULER: 128,
  INTERNAL: 256,
} as const;
/** Bit shared by the three I/O categories. */
export const EC_IO_BASE = 32;

const shape = (type: ParamType, fmt: PrintFormat): ParamInfo => ({ name: '', type, fmt });
const T = ParamType;
const F = PrintFormat;

/** What a DYN parameter may hold, selected by its leading index byte. */
const DYN_SHAPES: Readonly<Record<string, readonly ParamInfo[]>> = {
  sockopt: [shape(T.BYTEBUF, F.HEX), shape(T.ERRNO, F.DEC), shape(T.UINT32, F.DEC), shape(T.UINT64, F.DEC), shape(T.RELTIME, F.DEC)],
  ptrace: [shape(T.UINT64, F.HEX), shape(T.SIGTYPE, F.DEC)],
  bpf: [shape(T.FD, F.DEC), shape(T.ERRNO, F.DEC)],
  keyctl: [shape(T.INT64, F.DEC), shape(T.CHARBUF, F.NA)],
};

const STRING_TYPES: ReadonlySet<number> = new Set([
  T.NONE, T.CHARBUF, T.BYTEBUF, T.SOCKADDR, T.SOCKTUPLE, T.FSPATH, T.CHARBUFARRAY, T.CHARBUF_PAIR_ARRAY, T.FSRELPATH,
]);

function defaultFormat(type: ParamType): PrintFormat {
  if (STRING_TYPES.has(type)) return F.NA;
  if (type === T.FLAGS16 || type === T.FLAGS32) return F.HEX;
  if (type === T.MODE) return F.OCT;
  return F.DEC;
}

function parseParam(spec: string, event: string): ParamInfo {
  const [name, typeName = '', ...rest] = spec.split(':');
  if (name === '' || !Object.hasOwn(T, typeName)) throw new Error(`event table: bad parameter '${spec}' of ${event}`);
  const type = (T as Record<string, ParamType>)[typeName];
  let fmt = defaultFormat(type);
  let flags: readonly NameValue[] | undefined;
  let dirfdParam: number | undefined;
  let dyn: readonly ParamInfo[] | undefined;
  for (const part of rest) {
    if (Object.hasOwn(F, part)) fmt = (F as Record<string, PrintFormat>)[part];
    else if (/^\d+$/.test(part)) dirfdParam = Number(part);
    else if (Object.hasOwn(FLAG_TABLES, part)) flags = FLAG_TABLES[part];
    else if (Object.hasOwn(DYN_SHAPES, part)) dyn = DYN_SHAPES[part];
    else throw new Error(`event table: unknown '${part}' in parameter '${spec}' of ${event}`);
  }
  return { name, type, fmt, ...(flags && { flags }), ...(dirfdParam !== undefined && { dirfdParam }), ...(dyn && { dyn }) };
}

/** Even ids are enter events, odd ids exit events. */
function e(id: number, name: string, category: number, flags: number, spec: string): EventInfo {
  const [legacy, ...newer] = spec.split(' | ');
  const parse = (s: string): ParamInfo[] => (s ? s.split(', ').map((p) => parseParam(p, name)) : []);
  const params = parse(legacy);
  const legacyParams = newer.length === 0 ? undefined : params.length;
  for (const s of newer) params.push(...parse(s));
  return { id, name, dir: id % 2 === 0 ? '>' : '<', category, flags, params, ...(legacyParams !== undefined && { legacyParams }) };
}

const { CREATES_FD, DESTROYS_FD, USES_FD, READS_FROM_FD, WRITES_TO_FD, MODIFIES_STATE, UNUSED, WAITS,
  SKIPPARSERESET, OLD_VERSION, LARGE_PAYLOAD } = EventFlag;
const { UNKNOWN, OTHER, FILE, NET, IPC, MEMORY, PROCESS, SLEEP, SYSTEM, SIGNAL, USER, TIME, IO_READ, IO_WRITE,
  IO_OTHER, WAIT, SCHEDULER, INTERNAL } = EventCategory;

/** Every event type, indexed by id (ppm_event_code; the comments give its PPME_ name). */
export const EVENT_TABLE: readonly EventInfo[] = [
  e(0, 'syscall', OTHER, 0, 'ID:SYSCALLID, nativeID:UINT16'), // GENERIC_E
  e(1, 'syscall', OTHER, 0, 'ID:SYSCALLID | nativeID:UINT16'), // GENERIC_X
  e(2, 'open', FILE, CREATES_FD | MODIFIES_STATE, 'name:FSPATH, flags:FLAGS32:file_flags, mode:UINT32:OCT'), // SYSCALL_OPEN_E
  e(3, 'open', FILE, CREATES_FD | MODIFIES_STATE, 'fd:FD, name:FSPATH, flags:FLAGS32:file_flags, mode:UINT32:OCT, dev:UINT32:HEX | ino:UINT64'), // SYSCALL_OPEN_X
  e(4, 'close', IO_OTHER, DESTROYS_FD | USES_FD | MODIFIES_STATE, 'fd:FD'), // SYSCALL_CLOSE_E
  e(5, 'close', IO_OTHER, DESTROYS_FD | USES_FD | MODIFIES_STATE, 'res:ERRNO | fd:FD'), // SYSCALL_CLOSE_X
  e(6, 'read', IO_READ, USES_FD | READS_FROM_FD, 'fd:FD, size:UINT32'), // SYSCALL_READ_E
  e(7, 'read', IO_READ, USES_FD | READS_FROM_FD, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32'), // SYSCALL_READ_X
  e(8, 'write', IO_WRITE, USES_FD | WRITES_TO_FD, 'fd:FD, size:UINT32'), // SYSCALL_WRITE_E
  e(9, 'write', IO_WRITE, USES_FD | WRITES_TO_FD, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32'), // SYSCALL_WRITE_X
  e(10, 'brk', MEMORY, OLD_VERSION, 'size:UINT32'), // SYSCALL_BRK_1_E
  e(11, 'brk', MEMORY, OLD_VERSION, 'res:UINT64:HEX'), // SYSCALL_BRK_1_X
  e(12, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_EXECVE_8_E
  e(13, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64'), // SYSCALL_EXECVE_8_X
  e(14, 'clone', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_CLONE_11_E
  e(15, 'clone', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32'), // SYSCALL_CLONE_11_X
  e(16, 'procexit', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // PROCEXIT_E
  e(17, 'NA1', PROCESS, UNUSED, ''), // PROCEXIT_X: latest names it 'NA'
  e(18, 'socket', NET, CREATES_FD | MODIFIES_STATE, 'domain:FLAGS32:DEC:socket_families, type:UINT32, proto:UINT32'), // SOCKET_SOCKET_E: domain: latest has ENUMFLAGS32
  e(19, 'socket', NET, CREATES_FD | MODIFIES_STATE, 'fd:FD | domain:ENUMFLAGS32:socket_families, type:UINT32, proto:UINT32, flags:FLAGS32:file_flags'), // SOCKET_SOCKET_X
  e(20, 'bind', NET, USES_FD | MODIFIES_STATE, 'fd:FD'), // SOCKET_BIND_E
  e(21, 'bind', NET, USES_FD | MODIFIES_STATE, 'res:ERRNO, addr:SOCKADDR | fd:FD'), // SOCKET_BIND_X
  e(22, 'connect', NET, USES_FD | MODIFIES_STATE, 'fd:FD, addr:SOCKADDR'), // SOCKET_CONNECT_E
  e(23, 'connect', NET, USES_FD | MODIFIES_STATE, 'res:ERRNO, tuple:SOCKTUPLE | fd:FD, addr:SOCKADDR'), // SOCKET_CONNECT_X
  e(24, 'listen', NET, USES_FD, 'fd:FD, backlog:UINT32'), // SOCKET_LISTEN_E: backlog: latest has INT32
  e(25, 'listen', NET, USES_FD, 'res:ERRNO | fd:FD, backlog:INT32'), // SOCKET_LISTEN_X
  e(26, 'accept', NET, CREATES_FD | MODIFIES_STATE | OLD_VERSION, ''), // SOCKET_ACCEPT_E
  e(27, 'accept', NET, CREATES_FD | MODIFIES_STATE | OLD_VERSION, 'fd:FD, tuple:SOCKTUPLE, queuepct:UINT8'), // SOCKET_ACCEPT_X
  e(28, 'send', IO_WRITE, USES_FD | WRITES_TO_FD, 'fd:FD, size:UINT32'), // SOCKET_SEND_E
  e(29, 'send', IO_WRITE, USES_FD | WRITES_TO_FD, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32, tuple:SOCKTUPLE'), // SOCKET_SEND_X
  e(30, 'sendto', IO_WRITE, USES_FD | WRITES_TO_FD | MODIFIES_STATE, 'fd:FD, size:UINT32, tuple:SOCKTUPLE'), // SOCKET_SENDTO_E
  e(31, 'sendto', IO_WRITE, USES_FD | WRITES_TO_FD | MODIFIES_STATE, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32, tuple:SOCKTUPLE'), // SOCKET_SENDTO_X
  e(32, 'recv', IO_READ, USES_FD | READS_FROM_FD, 'fd:FD, size:UINT32'), // SOCKET_RECV_E
  e(33, 'recv', IO_READ, USES_FD | READS_FROM_FD, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32, tuple:SOCKTUPLE'), // SOCKET_RECV_X
  e(34, 'recvfrom', IO_READ, USES_FD | READS_FROM_FD | MODIFIES_STATE, 'fd:FD, size:UINT32'), // SOCKET_RECVFROM_E
  e(35, 'recvfrom', IO_READ, USES_FD | READS_FROM_FD | MODIFIES_STATE, 'res:ERRNO, data:BYTEBUF, tuple:SOCKTUPLE | fd:FD, size:UINT32'), // SOCKET_RECVFROM_X
  e(36, 'shutdown', NET, USES_FD | MODIFIES_STATE, 'fd:FD, how:FLAGS8:HEX:shutdown_how'), // SOCKET_SHUTDOWN_E: how: latest has ENUMFLAGS8
  e(37, 'shutdown', NET, USES_FD | MODIFIES_STATE, 'res:ERRNO | fd:FD, how:ENUMFLAGS8:HEX:shutdown_how'), // SOCKET_SHUTDOWN_X
  e(38, 'getsockname', NET, 0, ''), // SOCKET_GETSOCKNAME_E
  e(39, 'getsockname', NET, 0, ''), // SOCKET_GETSOCKNAME_X
  e(40, 'getpeername', NET, 0, ''), // SOCKET_GETPEERNAME_E
  e(41, 'getpeername', NET, 0, ''), // SOCKET_GETPEERNAME_X
  e(42, 'socketpair', IPC, CREATES_FD | MODIFIES_STATE, 'domain:FLAGS32:DEC:socket_families, type:UINT32, proto:UINT32'), // SOCKET_SOCKETPAIR_E: domain: latest has ENUMFLAGS32
  e(43, 'socketpair', IPC, CREATES_FD | MODIFIES_STATE, 'res:ERRNO, fd1:FD, fd2:FD, source:UINT64:HEX, peer:UINT64:HEX | domain:ENUMFLAGS32:socket_families, type:UINT32, proto:UINT32'), // SOCKET_SOCKETPAIR_X
  e(44, 'setsockopt', NET, 0, ''), // SOCKET_SETSOCKOPT_E
  e(45, 'setsockopt', NET, USES_FD, 'res:ERRNO, fd:FD, level:FLAGS8:sockopt_levels, optname:FLAGS8:sockopt_options, val:DYN:sockopt, optlen:UINT32'), // SOCKET_SETSOCKOPT_X: level: latest has ENUMFLAGS8; optname: latest has ENUMFLAGS8
  e(46, 'getsockopt', NET, MODIFIES_STATE, ''), // SOCKET_GETSOCKOPT_E
  e(47, 'getsockopt', NET, USES_FD | MODIFIES_STATE, 'res:ERRNO, fd:FD, level:FLAGS8:sockopt_levels, optname:FLAGS8:sockopt_options, val:DYN:sockopt, optlen:UINT32'), // SOCKET_GETSOCKOPT_X: level: latest has ENUMFLAGS8; optname: latest has ENUMFLAGS8
  e(48, 'sendmsg', IO_WRITE, USES_FD | WRITES_TO_FD | MODIFIES_STATE, 'fd:FD, size:UINT32, tuple:SOCKTUPLE'), // SOCKET_SENDMSG_E
  e(49, 'sendmsg', IO_WRITE, USES_FD | WRITES_TO_FD | MODIFIES_STATE, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32, tuple:SOCKTUPLE'), // SOCKET_SENDMSG_X
  e(50, 'sendmmsg', IO_WRITE, 0, ''), // SOCKET_SENDMMSG_E
  e(51, 'sendmmsg', IO_WRITE, 0, ' | res:ERRNO, fd:FD, size:UINT32, data:BYTEBUF, tuple:SOCKTUPLE'), // SOCKET_SENDMMSG_X
  e(52, 'recvmsg', IO_READ, USES_FD | READS_FROM_FD | MODIFIES_STATE, 'fd:FD'), // SOCKET_RECVMSG_E
  e(53, 'recvmsg', IO_READ, USES_FD | READS_FROM_FD | MODIFIES_STATE, 'res:ERRNO, size:UINT32, data:BYTEBUF, tuple:SOCKTUPLE | msgcontrol:BYTEBUF, fd:FD'), // SOCKET_RECVMSG_X
  e(54, 'recvmmsg', IO_READ, 0, ''), // SOCKET_RECVMMSG_E
  e(55, 'recvmmsg', IO_READ, 0, ' | res:ERRNO, fd:FD, size:UINT32, data:BYTEBUF, tuple:SOCKTUPLE, msgcontrol:BYTEBUF'), // SOCKET_RECVMMSG_X
  e(56, 'accept', NET, CREATES_FD | MODIFIES_STATE | OLD_VERSION, 'flags:INT32:HEX'), // SOCKET_ACCEPT4_E
  e(57, 'accept', NET, CREATES_FD | MODIFIES_STATE | OLD_VERSION, 'fd:FD, tuple:SOCKTUPLE, queuepct:UINT8'), // SOCKET_ACCEPT4_X
  e(58, 'creat', FILE, CREATES_FD | MODIFIES_STATE, 'name:FSPATH, mode:UINT32:OCT'), // SYSCALL_CREAT_E
  e(59, 'creat', FILE, CREATES_FD | MODIFIES_STATE, 'fd:FD, name:FSPATH, mode:UINT32:OCT, dev:UINT32:HEX | ino:UINT64, creat_flags:FLAGS16:creat_flags'), // SYSCALL_CREAT_X
  e(60, 'pipe', IPC, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_PIPE_E
  e(61, 'pipe', IPC, CREATES_FD | MODIFIES_STATE, 'res:ERRNO, fd1:FD, fd2:FD, ino:UINT64'), // SYSCALL_PIPE_X
  e(62, 'eventfd', IPC, CREATES_FD | MODIFIES_STATE, 'initval:UINT64, flags:FLAGS32'), // SYSCALL_EVENTFD_E: flags: latest has UINT32
  e(63, 'eventfd', IPC, CREATES_FD | MODIFIES_STATE, 'res:FD | initval:UINT64, flags:UINT32:HEX'), // SYSCALL_EVENTFD_X
  e(64, 'futex', IPC, 0, 'addr:UINT64:HEX, op:FLAGS16:futex_operations, val:UINT64'), // SYSCALL_FUTEX_E
  e(65, 'futex', IPC, 0, 'res:ERRNO | addr:UINT64:HEX, op:FLAGS16:futex_operations, val:UINT64'), // SYSCALL_FUTEX_X
  e(66, 'stat', FILE, 0, ''), // SYSCALL_STAT_E
  e(67, 'stat', FILE, 0, 'res:ERRNO, path:FSPATH'), // SYSCALL_STAT_X
  e(68, 'lstat', FILE, 0, ''), // SYSCALL_LSTAT_E
  e(69, 'lstat', FILE, 0, 'res:ERRNO, path:FSPATH'), // SYSCALL_LSTAT_X
  e(70, 'fstat', FILE, USES_FD, 'fd:FD:NA'), // SYSCALL_FSTAT_E
  e(71, 'fstat', FILE, USES_FD, 'res:ERRNO | fd:FD:NA'), // SYSCALL_FSTAT_X
  e(72, 'stat64', FILE, 0, ''), // SYSCALL_STAT64_E
  e(73, 'stat64', FILE, 0, 'res:ERRNO, path:FSPATH'), // SYSCALL_STAT64_X
  e(74, 'lstat64', FILE, 0, ''), // SYSCALL_LSTAT64_E
  e(75, 'lstat64', FILE, 0, 'res:ERRNO, path:FSPATH'), // SYSCALL_LSTAT64_X
  e(76, 'fstat64', FILE, USES_FD, 'fd:FD:NA'), // SYSCALL_FSTAT64_E
  e(77, 'fstat64', FILE, USES_FD, 'res:ERRNO'), // SYSCALL_FSTAT64_X
  e(78, 'epoll_wait', WAIT, WAITS, 'maxevents:ERRNO'), // SYSCALL_EPOLLWAIT_E
  e(79, 'epoll_wait', WAIT, WAITS, 'res:ERRNO | maxevents:ERRNO'), // SYSCALL_EPOLLWAIT_X
  e(80, 'poll', WAIT, WAITS, 'fds:FDLIST, timeout:INT64'), // SYSCALL_POLL_E
  e(81, 'poll', WAIT, WAITS, 'res:ERRNO, fds:FDLIST | timeout:INT64'), // SYSCALL_POLL_X
  e(82, 'select', WAIT, WAITS, ''), // SYSCALL_SELECT_E
  e(83, 'select', WAIT, WAITS, 'res:ERRNO'), // SYSCALL_SELECT_X
  e(84, 'select', WAIT, WAITS, ''), // SYSCALL_NEWSELECT_E
  e(85, 'select', WAIT, WAITS, 'res:ERRNO'), // SYSCALL_NEWSELECT_X
  e(86, 'lseek', FILE, USES_FD, 'fd:FD, offset:UINT64, whence:FLAGS8:lseek_whence'), // SYSCALL_LSEEK_E: whence: latest has ENUMFLAGS8
  e(87, 'lseek', FILE, USES_FD, 'res:ERRNO | fd:FD, offset:UINT64, whence:ENUMFLAGS8:lseek_whence'), // SYSCALL_LSEEK_X
  e(88, 'llseek', FILE, USES_FD, 'fd:FD, offset:UINT64, whence:FLAGS8:lseek_whence'), // SYSCALL_LLSEEK_E: whence: latest has ENUMFLAGS8
  e(89, 'llseek', FILE, USES_FD, 'res:ERRNO | fd:FD, offset:UINT64, whence:ENUMFLAGS8:lseek_whence'), // SYSCALL_LLSEEK_X
  e(90, 'ioctl', IO_OTHER, USES_FD | OLD_VERSION, 'fd:FD, request:UINT64:HEX'), // SYSCALL_IOCTL_2_E
  e(91, 'ioctl', IO_OTHER, USES_FD | OLD_VERSION, 'res:ERRNO'), // SYSCALL_IOCTL_2_X
  e(92, 'getcwd', FILE, 0, ''), // SYSCALL_GETCWD_E
  e(93, 'getcwd', FILE, 0, 'res:ERRNO, path:CHARBUF'), // SYSCALL_GETCWD_X
  e(94, 'chdir', FILE, MODIFIES_STATE, ''), // SYSCALL_CHDIR_E
  e(95, 'chdir', FILE, MODIFIES_STATE, 'res:ERRNO, path:CHARBUF'), // SYSCALL_CHDIR_X
  e(96, 'fchdir', FILE, USES_FD | MODIFIES_STATE, 'fd:FD:NA'), // SYSCALL_FCHDIR_E
  e(97, 'fchdir', FILE, USES_FD | MODIFIES_STATE, 'res:ERRNO | fd:FD:NA'), // SYSCALL_FCHDIR_X
  e(98, 'mkdir', FILE, 0, 'path:FSPATH, mode:UINT32:HEX'), // SYSCALL_MKDIR_E
  e(99, 'mkdir', FILE, 0, 'res:ERRNO'), // SYSCALL_MKDIR_X
  e(100, 'rmdir', FILE, 0, 'path:FSPATH'), // SYSCALL_RMDIR_E
  e(101, 'rmdir', FILE, 0, 'res:ERRNO'), // SYSCALL_RMDIR_X
  e(102, 'openat', FILE, CREATES_FD | MODIFIES_STATE | OLD_VERSION, 'dirfd:FD, name:CHARBUF, flags:FLAGS32:file_flags, mode:UINT32:OCT'), // SYSCALL_OPENAT_E
  e(103, 'openat', FILE, CREATES_FD | MODIFIES_STATE | OLD_VERSION, 'fd:FD'), // SYSCALL_OPENAT_X
  e(104, 'link', FILE, OLD_VERSION, 'oldpath:FSPATH, newpath:FSPATH'), // SYSCALL_LINK_E
  e(105, 'link', FILE, OLD_VERSION, 'res:ERRNO'), // SYSCALL_LINK_X
  e(106, 'linkat', FILE, OLD_VERSION, 'olddir:FD, oldpath:CHARBUF, newdir:FD, newpath:CHARBUF'), // SYSCALL_LINKAT_E
  e(107, 'linkat', FILE, OLD_VERSION, 'res:ERRNO'), // SYSCALL_LINKAT_X
  e(108, 'unlink', FILE, OLD_VERSION, 'path:FSPATH'), // SYSCALL_UNLINK_E
  e(109, 'unlink', FILE, OLD_VERSION, 'res:ERRNO'), // SYSCALL_UNLINK_X
  e(110, 'unlinkat', FILE, OLD_VERSION, 'dirfd:FD, name:CHARBUF'), // SYSCALL_UNLINKAT_E
  e(111, 'unlinkat', FILE, OLD_VERSION, 'res:ERRNO'), // SYSCALL_UNLINKAT_X
  e(112, 'pread', IO_READ, USES_FD | READS_FROM_FD, 'fd:FD, size:UINT32, pos:UINT64'), // SYSCALL_PREAD_E
  e(113, 'pread', IO_READ, USES_FD | READS_FROM_FD, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32, pos:UINT64'), // SYSCALL_PREAD_X
  e(114, 'pwrite', IO_WRITE, USES_FD | WRITES_TO_FD, 'fd:FD, size:UINT32, pos:UINT64'), // SYSCALL_PWRITE_E
  e(115, 'pwrite', IO_WRITE, USES_FD | WRITES_TO_FD, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32, pos:UINT64'), // SYSCALL_PWRITE_X
  e(116, 'readv', IO_READ, USES_FD | READS_FROM_FD, 'fd:FD'), // SYSCALL_READV_E
  e(117, 'readv', IO_READ, USES_FD | READS_FROM_FD, 'res:ERRNO, size:UINT32, data:BYTEBUF | fd:FD'), // SYSCALL_READV_X
  e(118, 'writev', IO_WRITE, USES_FD | WRITES_TO_FD, 'fd:FD, size:UINT32'), // SYSCALL_WRITEV_E
  e(119, 'writev', IO_WRITE, USES_FD | WRITES_TO_FD, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32'), // SYSCALL_WRITEV_X
  e(120, 'preadv', IO_READ, USES_FD | READS_FROM_FD, 'fd:FD, pos:UINT64'), // SYSCALL_PREADV_E
  e(121, 'preadv', IO_READ, USES_FD | READS_FROM_FD, 'res:ERRNO, size:UINT32, data:BYTEBUF | fd:FD, pos:UINT64'), // SYSCALL_PREADV_X
  e(122, 'pwritev', IO_WRITE, USES_FD | WRITES_TO_FD, 'fd:FD, size:UINT32, pos:UINT64'), // SYSCALL_PWRITEV_E
  e(123, 'pwritev', IO_WRITE, USES_FD | WRITES_TO_FD, 'res:ERRNO, data:BYTEBUF | fd:FD, size:UINT32, pos:UINT64'), // SYSCALL_PWRITEV_X
  e(124, 'dup', IO_OTHER, CREATES_FD | USES_FD | MODIFIES_STATE, 'fd:FD'), // SYSCALL_DUP_E
  e(125, 'dup', IO_OTHER, CREATES_FD | USES_FD | MODIFIES_STATE, 'res:FD'), // SYSCALL_DUP_X
  e(126, 'signalfd', SIGNAL, CREATES_FD | MODIFIES_STATE, 'fd:FD, mask:UINT32:HEX, flags:FLAGS8:HEX'), // SYSCALL_SIGNALFD_E: flags: latest has UINT8
  e(127, 'signalfd', SIGNAL, CREATES_FD | MODIFIES_STATE, 'res:FD | fd:FD, mask:UINT32:HEX, flags:UINT8:HEX'), // SYSCALL_SIGNALFD_X
  e(128, 'kill', SIGNAL, 0, 'pid:PID, sig:SIGTYPE'), // SYSCALL_KILL_E
  e(129, 'kill', SIGNAL, 0, 'res:ERRNO | pid:PID, sig:SIGTYPE'), // SYSCALL_KILL_X
  e(130, 'tkill', SIGNAL, 0, 'tid:PID, sig:SIGTYPE'), // SYSCALL_TKILL_E
  e(131, 'tkill', SIGNAL, 0, 'res:ERRNO | tid:PID, sig:SIGTYPE'), // SYSCALL_TKILL_X
  e(132, 'tgkill', SIGNAL, 0, 'pid:PID, tid:PID, sig:SIGTYPE'), // SYSCALL_TGKILL_E
  e(133, 'tgkill', SIGNAL, 0, 'res:ERRNO | pid:PID, tid:PID, sig:SIGTYPE'), // SYSCALL_TGKILL_X
  e(134, 'nanosleep', SLEEP, WAITS, 'interval:RELTIME'), // SYSCALL_NANOSLEEP_E
  e(135, 'nanosleep', SLEEP, WAITS, 'res:ERRNO | interval:RELTIME'), // SYSCALL_NANOSLEEP_X
  e(136, 'timerfd_create', TIME, CREATES_FD | MODIFIES_STATE, 'clockid:UINT8, flags:FLAGS8:HEX'), // SYSCALL_TIMERFD_CREATE_E: flags: latest has UINT8
  e(137, 'timerfd_create', TIME, CREATES_FD | MODIFIES_STATE, 'res:FD | clockid:UINT8, flags:UINT8:HEX'), // SYSCALL_TIMERFD_CREATE_X
  e(138, 'inotify_init', IPC, CREATES_FD | MODIFIES_STATE, 'flags:FLAGS8:HEX'), // SYSCALL_INOTIFY_INIT_E: flags: latest has UINT8
  e(139, 'inotify_init', IPC, CREATES_FD | MODIFIES_STATE, 'res:FD | flags:UINT8:HEX'), // SYSCALL_INOTIFY_INIT_X
  e(140, 'getrlimit', PROCESS, 0, 'resource:FLAGS8:rlimit_resources'), // SYSCALL_GETRLIMIT_E: resource: latest has ENUMFLAGS8
  e(141, 'getrlimit', PROCESS, 0, 'res:ERRNO, cur:INT64, max:INT64 | resource:ENUMFLAGS8:rlimit_resources'), // SYSCALL_GETRLIMIT_X
  e(142, 'setrlimit', PROCESS, 0, 'resource:FLAGS8:rlimit_resources'), // SYSCALL_SETRLIMIT_E: resource: latest has ENUMFLAGS8
  e(143, 'setrlimit', PROCESS, 0, 'res:ERRNO, cur:INT64, max:INT64 | resource:ENUMFLAGS8:rlimit_resources'), // SYSCALL_SETRLIMIT_X
  e(144, 'prlimit', PROCESS, 0, 'pid:PID, resource:FLAGS8:rlimit_resources'), // SYSCALL_PRLIMIT_E: resource: latest has ENUMFLAGS8
  e(145, 'prlimit', PROCESS, 0, 'res:ERRNO, newcur:INT64, newmax:INT64, oldcur:INT64, oldmax:INT64 | pid:INT64, resource:ENUMFLAGS8:rlimit_resources'), // SYSCALL_PRLIMIT_X
  e(146, 'switch', SCHEDULER, SKIPPARSERESET | OLD_VERSION, 'next:PID'), // SCHEDSWITCH_1_E
  e(147, 'NA2', SCHEDULER, UNUSED | SKIPPARSERESET | OLD_VERSION, ''), // SCHEDSWITCH_1_X: latest names it 'NA'
  e(148, 'drop', INTERNAL, SKIPPARSERESET, 'ratio:UINT32'), // DROP_E
  e(149, 'drop', INTERNAL, SKIPPARSERESET, 'ratio:UINT32'), // DROP_X
  e(150, 'fcntl', IO_OTHER, USES_FD | MODIFIES_STATE, 'fd:FD, cmd:FLAGS8:fcntl_commands'), // SYSCALL_FCNTL_E: cmd: latest has ENUMFLAGS8
  e(151, 'fcntl', IO_OTHER, USES_FD | MODIFIES_STATE, 'res:FD | fd:FD, cmd:ENUMFLAGS8:fcntl_commands, arg:UINT64:HEX'), // SYSCALL_FCNTL_X
  e(152, 'switch', SCHEDULER, 0, 'next:PID, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32'), // SCHEDSWITCH_6_E
  e(153, 'NA2', SCHEDULER, UNUSED, ''), // SCHEDSWITCH_6_X: latest names it 'NA'
  e(154, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_EXECVE_13_E
  e(155, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32'), // SYSCALL_EXECVE_13_X
  e(156, 'clone', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_CLONE_16_E
  e(157, 'clone', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32'), // SYSCALL_CLONE_16_X
  e(158, 'brk', MEMORY, 0, 'addr:UINT64:HEX'), // SYSCALL_BRK_4_E
  e(159, 'brk', MEMORY, 0, 'res:UINT64:HEX, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32 | addr:UINT64:HEX'), // SYSCALL_BRK_4_X
  e(160, 'mmap', MEMORY, 0, 'addr:UINT64:HEX, length:UINT64, prot:FLAGS32:prot_flags, flags:FLAGS32:mmap_flags, fd:FD, offset:UINT64'), // SYSCALL_MMAP_E
  e(161, 'mmap', MEMORY, 0, 'res:UINT64:HEX, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32 | addr:UINT64:HEX, length:UINT64, prot:FLAGS32:prot_flags, flags:FLAGS32:mmap_flags, fd:FD, offset:UINT64'), // SYSCALL_MMAP_X: res: latest has ERRNO
  e(162, 'mmap2', MEMORY, 0, 'addr:UINT64:HEX, length:UINT64, prot:FLAGS32:prot_flags, flags:FLAGS32:mmap_flags, fd:FD, pgoffset:UINT64'), // SYSCALL_MMAP2_E
  e(163, 'mmap2', MEMORY, 0, 'res:UINT64:HEX, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32 | addr:UINT64:HEX, length:UINT64, prot:FLAGS32:prot_flags, flags:FLAGS32:mmap_flags, fd:FD, pgoffset:UINT64'), // SYSCALL_MMAP2_X: res: latest has ERRNO
  e(164, 'munmap', MEMORY, 0, 'addr:UINT64:HEX, length:UINT64'), // SYSCALL_MUNMAP_E
  e(165, 'munmap', MEMORY, 0, 'res:ERRNO, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32 | addr:UINT64:HEX, length:UINT64'), // SYSCALL_MUNMAP_X
  e(166, 'splice', IO_OTHER, USES_FD, 'fd_in:FD, fd_out:FD, size:UINT64, flags:FLAGS32:splice_flags'), // SYSCALL_SPLICE_E
  e(167, 'splice', IO_OTHER, USES_FD, 'res:ERRNO | fd_in:FD, fd_out:FD, size:UINT64, flags:FLAGS32:splice_flags'), // SYSCALL_SPLICE_X
  e(168, 'ptrace', PROCESS, 0, 'request:FLAGS16:DEC:ptrace_requests, pid:PID'), // SYSCALL_PTRACE_E: request: latest has ENUMFLAGS16
  e(169, 'ptrace', PROCESS, 0, 'res:ERRNO, addr:DYN:HEX:ptrace, data:DYN:HEX:ptrace | request:ENUMFLAGS16:ptrace_requests, pid:PID'), // SYSCALL_PTRACE_X
  e(170, 'ioctl', IO_OTHER, USES_FD, 'fd:FD, request:UINT64:HEX, argument:UINT64:HEX'), // SYSCALL_IOCTL_3_E
  e(171, 'ioctl', IO_OTHER, USES_FD, 'res:ERRNO | fd:FD, request:UINT64:HEX, argument:UINT64:HEX'), // SYSCALL_IOCTL_3_X
  e(172, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_EXECVE_14_E
  e(173, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, env:BYTEBUF'), // SYSCALL_EXECVE_14_X
  e(174, 'rename', FILE, 0, ''), // SYSCALL_RENAME_E
  e(175, 'rename', FILE, 0, 'res:ERRNO, oldpath:FSPATH, newpath:FSPATH'), // SYSCALL_RENAME_X
  e(176, 'renameat', FILE, 0, ''), // SYSCALL_RENAMEAT_E
  e(177, 'renameat', FILE, 0, 'res:ERRNO, olddirfd:FD, oldpath:FSRELPATH:1, newdirfd:FD, newpath:FSRELPATH:3'), // SYSCALL_RENAMEAT_X
  e(178, 'symlink', FILE, 0, ''), // SYSCALL_SYMLINK_E
  e(179, 'symlink', FILE, 0, 'res:ERRNO, target:CHARBUF, linkpath:FSPATH'), // SYSCALL_SYMLINK_X
  e(180, 'symlinkat', FILE, 0, ''), // SYSCALL_SYMLINKAT_E
  e(181, 'symlinkat', FILE, 0, 'res:ERRNO, target:CHARBUF, linkdirfd:FD, linkpath:FSRELPATH:2'), // SYSCALL_SYMLINKAT_X
  e(182, 'fork', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_FORK_E
  e(183, 'fork', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32'), // SYSCALL_FORK_X
  e(184, 'vfork', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_VFORK_E
  e(185, 'vfork', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32'), // SYSCALL_VFORK_X
  e(186, 'procexit', PROCESS, MODIFIES_STATE, 'status:ERRNO, ret:ERRNO, sig:SIGTYPE, core:UINT8 | reaper_tid:PID'), // PROCEXIT_1_E
  e(187, 'NA1', PROCESS, UNUSED, ''), // PROCEXIT_1_X: latest names it 'NA'
  e(188, 'sendfile', IO_WRITE, USES_FD, 'out_fd:FD, in_fd:FD, offset:UINT64, size:UINT64'), // SYSCALL_SENDFILE_E
  e(189, 'sendfile', IO_WRITE, USES_FD, 'res:ERRNO, offset:UINT64 | out_fd:FD, in_fd:FD, size:UINT64'), // SYSCALL_SENDFILE_X
  e(190, 'quotactl', USER, 0, 'cmd:FLAGS16:DEC:quotactl_cmds, type:FLAGS8:quotactl_types, id:UINT32, quota_fmt:FLAGS8:quotactl_quota_fmts'), // SYSCALL_QUOTACTL_E
  e(191, 'quotactl', USER, 0, 'res:ERRNO, special:CHARBUF, quotafilepath:CHARBUF, dqb_bhardlimit:UINT64, dqb_bsoftlimit:UINT64, dqb_curspace:UINT64, dqb_ihardlimit:UINT64, dqb_isoftlimit:UINT64, dqb_btime:RELTIME, dqb_itime:RELTIME, dqi_bgrace:RELTIME, dqi_igrace:RELTIME, dqi_flags:FLAGS8:quotactl_dqi_flags, quota_fmt_out:FLAGS8:quotactl_quota_fmts | cmd:FLAGS16:DEC:quotactl_cmds, type:FLAGS8:quotactl_types, id:UINT32, quota_fmt:FLAGS8:quotactl_quota_fmts'), // SYSCALL_QUOTACTL_X
  e(192, 'setresuid', USER, MODIFIES_STATE, 'ruid:UID, euid:UID, suid:UID'), // SYSCALL_SETRESUID_E
  e(193, 'setresuid', USER, MODIFIES_STATE, 'res:ERRNO | ruid:UID, euid:UID, suid:UID'), // SYSCALL_SETRESUID_X
  e(194, 'setresgid', USER, MODIFIES_STATE, 'rgid:GID, egid:GID, sgid:GID'), // SYSCALL_SETRESGID_E
  e(195, 'setresgid', USER, MODIFIES_STATE, 'res:ERRNO | rgid:GID, egid:GID, sgid:GID'), // SYSCALL_SETRESGID_X
  e(196, 'sysdigevent', INTERNAL, SKIPPARSERESET, 'event_type:UINT32, event_data:UINT64'), // SCAPEVENT_E: latest names it 'scapevent'
  e(197, 'sysdigevent', INTERNAL, UNUSED, ''), // SCAPEVENT_X: latest names it 'NA'
  e(198, 'setuid', USER, MODIFIES_STATE, 'uid:UID'), // SYSCALL_SETUID_E
  e(199, 'setuid', USER, MODIFIES_STATE, 'res:ERRNO | uid:UID'), // SYSCALL_SETUID_X
  e(200, 'setgid', USER, MODIFIES_STATE, 'gid:GID'), // SYSCALL_SETGID_E
  e(201, 'setgid', USER, MODIFIES_STATE, 'res:ERRNO | gid:GID'), // SYSCALL_SETGID_X
  e(202, 'getuid', USER, 0, ''), // SYSCALL_GETUID_E
  e(203, 'getuid', USER, 0, 'uid:UID'), // SYSCALL_GETUID_X
  e(204, 'geteuid', USER, 0, ''), // SYSCALL_GETEUID_E
  e(205, 'geteuid', USER, 0, 'euid:UID'), // SYSCALL_GETEUID_X
  e(206, 'getgid', USER, 0, ''), // SYSCALL_GETGID_E
  e(207, 'getgid', USER, 0, 'gid:GID'), // SYSCALL_GETGID_X
  e(208, 'getegid', USER, 0, ''), // SYSCALL_GETEGID_E
  e(209, 'getegid', USER, 0, 'egid:GID'), // SYSCALL_GETEGID_X
  e(210, 'getresuid', USER, 0, ''), // SYSCALL_GETRESUID_E
  e(211, 'getresuid', USER, 0, 'res:ERRNO, ruid:UID, euid:UID, suid:UID'), // SYSCALL_GETRESUID_X
  e(212, 'getresgid', USER, 0, ''), // SYSCALL_GETRESGID_E
  e(213, 'getresgid', USER, 0, 'res:ERRNO, rgid:GID, egid:GID, sgid:GID'), // SYSCALL_GETRESGID_X
  e(214, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_EXECVE_15_E
  e(215, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, env:BYTEBUF'), // SYSCALL_EXECVE_15_X
  e(216, 'clone', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_CLONE_17_E
  e(217, 'clone', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32'), // SYSCALL_CLONE_17_X
  e(218, 'fork', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_FORK_17_E
  e(219, 'fork', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32'), // SYSCALL_FORK_17_X
  e(220, 'vfork', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_VFORK_17_E
  e(221, 'vfork', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32'), // SYSCALL_VFORK_17_X
  e(222, 'clone', PROCESS, MODIFIES_STATE, ''), // SYSCALL_CLONE_20_E
  e(223, 'clone', PROCESS, MODIFIES_STATE, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32, vtid:PID, vpid:PID | pidns_init_start_ts:UINT64'), // SYSCALL_CLONE_20_X
  e(224, 'fork', PROCESS, MODIFIES_STATE, ''), // SYSCALL_FORK_20_E
  e(225, 'fork', PROCESS, MODIFIES_STATE, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32, vtid:PID, vpid:PID | pidns_init_start_ts:UINT64'), // SYSCALL_FORK_20_X
  e(226, 'vfork', PROCESS, MODIFIES_STATE, ''), // SYSCALL_VFORK_20_E
  e(227, 'vfork', PROCESS, MODIFIES_STATE, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32, vtid:PID, vpid:PID | pidns_init_start_ts:UINT64'), // SYSCALL_VFORK_20_X
  e(228, 'container', INTERNAL, MODIFIES_STATE | SKIPPARSERESET | OLD_VERSION, 'id:CHARBUF, type:UINT32, name:CHARBUF, image:CHARBUF'), // CONTAINER_E
  e(229, 'container', INTERNAL, UNUSED | OLD_VERSION, ''), // CONTAINER_X: latest names it 'NA'
  e(230, 'execve', PROCESS, MODIFIES_STATE, ''), // SYSCALL_EXECVE_16_E
  e(231, 'execve', PROCESS, MODIFIES_STATE, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, env:BYTEBUF'), // SYSCALL_EXECVE_16_X
  e(232, 'signaldeliver', SIGNAL, 0, 'spid:PID, dpid:PID, sig:SIGTYPE'), // SIGNALDELIVER_E
  e(233, 'signaldeliver', SIGNAL, UNUSED, ''), // SIGNALDELIVER_X: latest names it 'NA'
  e(234, 'procinfo', INTERNAL, SKIPPARSERESET, 'cpu_usr:UINT64, cpu_sys:UINT64'), // PROCINFO_E
  e(235, 'NA2', INTERNAL, UNUSED, ''), // PROCINFO_X: latest names it 'NA'
  e(236, 'getdents', FILE, USES_FD, 'fd:FD:NA'), // SYSCALL_GETDENTS_E
  e(237, 'getdents', FILE, USES_FD, 'res:ERRNO | fd:FD:NA'), // SYSCALL_GETDENTS_X
  e(238, 'getdents64', FILE, USES_FD, 'fd:FD:NA'), // SYSCALL_GETDENTS64_E
  e(239, 'getdents64', FILE, USES_FD, 'res:ERRNO | fd:FD:NA'), // SYSCALL_GETDENTS64_X
  e(240, 'setns', PROCESS, USES_FD, 'fd:FD:NA, nstype:FLAGS32:clone_flags'), // SYSCALL_SETNS_E
  e(241, 'setns', PROCESS, USES_FD, 'res:ERRNO | fd:FD:NA, nstype:FLAGS32:clone_flags'), // SYSCALL_SETNS_X
  e(242, 'flock', FILE, USES_FD, 'fd:FD:NA, operation:FLAGS32:flock_flags'), // SYSCALL_FLOCK_E
  e(243, 'flock', FILE, USES_FD, 'res:ERRNO | fd:FD:NA, operation:FLAGS32:flock_flags'), // SYSCALL_FLOCK_X
  e(244, 'cpu_hotplug', SYSTEM, MODIFIES_STATE | SKIPPARSERESET, 'cpu:UINT32, action:UINT32'), // CPU_HOTPLUG_E
  e(245, 'NA2', SYSTEM, UNUSED, ''), // CPU_HOTPLUG_X: latest names it 'NA'
  e(246, 'accept', NET, CREATES_FD | MODIFIES_STATE, ''), // SOCKET_ACCEPT_5_E
  e(247, 'accept', NET, CREATES_FD | MODIFIES_STATE, 'fd:FD, tuple:SOCKTUPLE, queuepct:UINT8, queuelen:UINT32, queuemax:UINT32'), // SOCKET_ACCEPT_5_X
  e(248, 'accept', NET, CREATES_FD | MODIFIES_STATE, 'flags:INT32:HEX'), // SOCKET_ACCEPT4_5_E
  e(249, 'accept', NET, CREATES_FD | MODIFIES_STATE, 'fd:FD, tuple:SOCKTUPLE, queuepct:UINT8, queuelen:UINT32, queuemax:UINT32'), // SOCKET_ACCEPT4_5_X
  e(250, 'semop', PROCESS, 0, 'semid:INT32'), // SYSCALL_SEMOP_E
  e(251, 'semop', PROCESS, 0, 'res:ERRNO, nsops:UINT32, sem_num_0:UINT16, sem_op_0:INT16, sem_flg_0:FLAGS16:semop_flags, sem_num_1:UINT16, sem_op_1:INT16, sem_flg_1:FLAGS16:semop_flags | semid:INT32'), // SYSCALL_SEMOP_X
  e(252, 'semctl', PROCESS, 0, 'semid:INT32, semnum:INT32, cmd:FLAGS16:semctl_commands, val:INT32'), // SYSCALL_SEMCTL_E
  e(253, 'semctl', PROCESS, 0, 'res:ERRNO | semid:INT32, semnum:INT32, cmd:FLAGS16:semctl_commands, val:INT32'), // SYSCALL_SEMCTL_X
  e(254, 'ppoll', WAIT, WAITS, 'fds:FDLIST, timeout:RELTIME, sigmask:SIGSET'), // SYSCALL_PPOLL_E
  e(255, 'ppoll', WAIT, WAITS, 'res:ERRNO, fds:FDLIST | timeout:RELTIME, sigmask:SIGSET'), // SYSCALL_PPOLL_X
  e(256, 'mount', FILE, MODIFIES_STATE, 'flags:FLAGS32:mount_flags'), // SYSCALL_MOUNT_E
  e(257, 'mount', FILE, MODIFIES_STATE, 'res:ERRNO, dev:CHARBUF, dir:FSPATH, type:CHARBUF | flags:FLAGS32:mount_flags'), // SYSCALL_MOUNT_X
  e(258, 'umount', FILE, MODIFIES_STATE, 'flags:FLAGS32:umount_flags'), // SYSCALL_UMOUNT_E
  e(259, 'umount', FILE, MODIFIES_STATE, 'res:ERRNO, name:FSPATH'), // SYSCALL_UMOUNT_X
  e(260, 'k8s', INTERNAL, MODIFIES_STATE | SKIPPARSERESET, 'json:CHARBUF'), // K8S_E
  e(261, 'NA3', SYSTEM, UNUSED, ''), // K8S_X: latest names it 'NA'
  e(262, 'semget', PROCESS, 0, 'key:INT32:HEX, nsems:INT32, semflg:FLAGS32:semget_flags'), // SYSCALL_SEMGET_E
  e(263, 'semget', PROCESS, 0, 'res:ERRNO | key:INT32:HEX, nsems:INT32, semflg:FLAGS32:semget_flags'), // SYSCALL_SEMGET_X
  e(264, 'access', FILE, 0, 'mode:FLAGS32:access_flags'), // SYSCALL_ACCESS_E
  e(265, 'access', FILE, 0, 'res:ERRNO, name:FSPATH | mode:FLAGS32:access_flags'), // SYSCALL_ACCESS_X
  e(266, 'chroot', PROCESS, MODIFIES_STATE, ''), // SYSCALL_CHROOT_E
  e(267, 'chroot', PROCESS, MODIFIES_STATE, 'res:ERRNO, path:FSPATH'), // SYSCALL_CHROOT_X
  e(268, 'tracer', OTHER, 0, 'id:INT64, tags:CHARBUFARRAY, args:CHARBUF_PAIR_ARRAY'), // TRACER_E
  e(269, 'tracer', OTHER, 0, 'id:INT64, tags:CHARBUFARRAY, args:CHARBUF_PAIR_ARRAY'), // TRACER_X: latest names it 'NA'
  e(270, 'mesos', INTERNAL, MODIFIES_STATE | SKIPPARSERESET, 'json:CHARBUF'), // MESOS_E
  e(271, 'NA4', SYSTEM, UNUSED, ''), // MESOS_X: latest names it 'NA'
  e(272, 'container', PROCESS, MODIFIES_STATE, 'json:CHARBUF'), // CONTAINER_JSON_E
  e(273, 'container', PROCESS, UNUSED, ''), // CONTAINER_JSON_X: latest names it 'NA'
  e(274, 'setsid', PROCESS, MODIFIES_STATE, ''), // SYSCALL_SETSID_E
  e(275, 'setsid', PROCESS, MODIFIES_STATE, 'res:PID'), // SYSCALL_SETSID_X
  e(276, 'mkdir', FILE, 0, 'mode:UINT32:HEX'), // SYSCALL_MKDIR_2_E
  e(277, 'mkdir', FILE, 0, 'res:ERRNO, path:FSPATH | mode:UINT32:HEX'), // SYSCALL_MKDIR_2_X
  e(278, 'rmdir', FILE, 0, ''), // SYSCALL_RMDIR_2_E
  e(279, 'rmdir', FILE, 0, 'res:ERRNO, path:FSPATH'), // SYSCALL_RMDIR_2_X
  e(280, 'notification', OTHER, SKIPPARSERESET, 'id:CHARBUF:DEC, desc:CHARBUF'), // NOTIFICATION_E
  e(281, 'NA4', SYSTEM, UNUSED, ''), // NOTIFICATION_X: latest names it 'NA'
  e(282, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, ''), // SYSCALL_EXECVE_17_E
  e(283, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, env:BYTEBUF, tty:INT32'), // SYSCALL_EXECVE_17_X
  e(284, 'unshare', PROCESS, 0, 'flags:FLAGS32:clone_flags'), // SYSCALL_UNSHARE_E
  e(285, 'unshare', PROCESS, 0, 'res:ERRNO | flags:FLAGS32:clone_flags'), // SYSCALL_UNSHARE_X
  e(286, 'infra', INTERNAL, SKIPPARSERESET, 'source:CHARBUF:DEC, name:CHARBUF, description:CHARBUF, scope:CHARBUF'), // INFRASTRUCTURE_EVENT_E
  e(287, 'NA4', SYSTEM, UNUSED, ''), // INFRASTRUCTURE_EVENT_X: latest names it 'NA'
  e(288, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, 'filename:FSPATH'), // SYSCALL_EXECVE_18_E
  e(289, 'execve', PROCESS, MODIFIES_STATE | OLD_VERSION, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, env:BYTEBUF, tty:INT32'), // SYSCALL_EXECVE_18_X
  e(290, 'page_fault', OTHER, SKIPPARSERESET, 'addr:UINT64:HEX, ip:UINT64:HEX, error:FLAGS32:pf_flags'), // PAGE_FAULT_E
  e(291, 'NA5', OTHER, UNUSED, ''), // PAGE_FAULT_X: latest names it 'NA'
  e(292, 'execve', PROCESS, MODIFIES_STATE, 'filename:FSPATH'), // SYSCALL_EXECVE_19_E
  e(293, 'execve', PROCESS, MODIFIES_STATE, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, env:BYTEBUF, tty:INT32, pgid:PID, loginuid:INT32, flags:FLAGS32:execve_flags | cap_inheritable:UINT64:HEX, cap_permitted:UINT64:HEX, cap_effective:UINT64:HEX, exe_ino:UINT64, exe_ino_ctime:ABSTIME, exe_ino_mtime:ABSTIME, uid:UID, trusted_exepath:FSPATH, pgid:PID:NA, gid:GID, filename:FSPATH'), // SYSCALL_EXECVE_19_X: tty: latest has UINT32; pgid: latest has 'vpgid'; loginuid: latest has UID
  e(294, 'setpgid', PROCESS, MODIFIES_STATE, 'pid:PID, pgid:PID'), // SYSCALL_SETPGID_E
  e(295, 'setpgid', PROCESS, MODIFIES_STATE, 'res:PID | pid:PID, pgid:PID'), // SYSCALL_SETPGID_X: res: latest has ERRNO
  e(296, 'bpf', OTHER, CREATES_FD, 'cmd:INT64'), // SYSCALL_BPF_E
  e(297, 'bpf', OTHER, CREATES_FD, 'res_or_fd:DYN:bpf'), // SYSCALL_BPF_X
  e(298, 'seccomp', OTHER, 0, 'op:UINT64 | flags:UINT64:HEX'), // SYSCALL_SECCOMP_E
  e(299, 'seccomp', OTHER, 0, 'res:ERRNO | op:UINT64, flags:UINT64:HEX'), // SYSCALL_SECCOMP_X
  e(300, 'unlink', FILE, 0, ''), // SYSCALL_UNLINK_2_E
  e(301, 'unlink', FILE, 0, 'res:ERRNO, path:FSPATH'), // SYSCALL_UNLINK_2_X
  e(302, 'unlinkat', FILE, 0, ''), // SYSCALL_UNLINKAT_2_E
  e(303, 'unlinkat', FILE, 0, 'res:ERRNO, dirfd:FD, name:FSRELPATH:1, flags:FLAGS32:unlinkat_flags'), // SYSCALL_UNLINKAT_2_X
  e(304, 'mkdirat', FILE, 0, ''), // SYSCALL_MKDIRAT_E
  e(305, 'mkdirat', FILE, 0, 'res:ERRNO, dirfd:FD, path:FSRELPATH:1, mode:UINT32:HEX'), // SYSCALL_MKDIRAT_X
  e(306, 'openat', FILE, CREATES_FD | MODIFIES_STATE, 'dirfd:FD, name:FSRELPATH:0, flags:FLAGS32:file_flags, mode:UINT32:OCT'), // SYSCALL_OPENAT_2_E
  e(307, 'openat', FILE, CREATES_FD | MODIFIES_STATE, 'fd:FD, dirfd:FD, name:FSRELPATH:1, flags:FLAGS32:file_flags, mode:UINT32:OCT, dev:UINT32:HEX | ino:UINT64'), // SYSCALL_OPENAT_2_X
  e(308, 'link', FILE, 0, ''), // SYSCALL_LINK_2_E
  e(309, 'link', FILE, 0, 'res:ERRNO, oldpath:FSPATH, newpath:FSPATH'), // SYSCALL_LINK_2_X
  e(310, 'linkat', FILE, 0, ''), // SYSCALL_LINKAT_2_E
  e(311, 'linkat', FILE, 0, 'res:ERRNO, olddir:FD, oldpath:FSRELPATH:1, newdir:FD, newpath:FSRELPATH:3, flags:FLAGS32:linkat_flags'), // SYSCALL_LINKAT_2_X
  e(312, 'fchmodat', FILE, 0, ''), // SYSCALL_FCHMODAT_E
  e(313, 'fchmodat', FILE, 0, 'res:ERRNO, dirfd:FD, filename:FSRELPATH:1, mode:MODE:chmod_mode'), // SYSCALL_FCHMODAT_X
  e(314, 'chmod', FILE, 0, ''), // SYSCALL_CHMOD_E
  e(315, 'chmod', FILE, 0, 'res:ERRNO, filename:FSPATH, mode:MODE:chmod_mode'), // SYSCALL_CHMOD_X
  e(316, 'fchmod', FILE, 0, ''), // SYSCALL_FCHMOD_E
  e(317, 'fchmod', FILE, 0, 'res:ERRNO, fd:FD, mode:MODE:chmod_mode'), // SYSCALL_FCHMOD_X
  e(318, 'renameat2', FILE, 0, ''), // SYSCALL_RENAMEAT2_E
  e(319, 'renameat2', FILE, 0, 'res:ERRNO, olddirfd:FD, oldpath:FSRELPATH:1, newdirfd:FD, newpath:FSRELPATH:3, flags:FLAGS32:renameat2_flags'), // SYSCALL_RENAMEAT2_X
  e(320, 'userfaultfd', FILE, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_USERFAULTFD_E
  e(321, 'userfaultfd', FILE, CREATES_FD | MODIFIES_STATE, 'res:ERRNO, flags:FLAGS32:file_flags'), // SYSCALL_USERFAULTFD_X
  e(322, 'pluginevent', OTHER, LARGE_PAYLOAD, 'plugin ID:UINT32, event_data:BYTEBUF'), // PLUGINEVENT_E: plugin ID: latest has 'plugin_id'
  e(323, 'pluginevent', OTHER, UNUSED, ''), // PLUGINEVENT_X: latest names it 'NA'
  e(324, 'container', PROCESS, MODIFIES_STATE | LARGE_PAYLOAD, 'json:CHARBUF'), // CONTAINER_JSON_2_E
  e(325, 'container', PROCESS, UNUSED, ''), // CONTAINER_JSON_2_X: latest names it 'NA'
  e(326, 'openat2', FILE, CREATES_FD | MODIFIES_STATE, 'dirfd:FD, name:FSRELPATH:1, flags:FLAGS32:file_flags, mode:UINT32:OCT, resolve:FLAGS32:openat2_flags'), // SYSCALL_OPENAT2_E: name: latest has dirfd 0
  e(327, 'openat2', FILE, CREATES_FD | MODIFIES_STATE, 'fd:FD, dirfd:FD, name:FSRELPATH:1, flags:FLAGS32:file_flags, mode:UINT32:OCT, resolve:FLAGS32:openat2_flags | dev:UINT32:HEX, ino:UINT64'), // SYSCALL_OPENAT2_X
  e(328, 'mprotect', MEMORY, 0, 'addr:UINT64:HEX, length:UINT64, prot:FLAGS32:prot_flags'), // SYSCALL_MPROTECT_E
  e(329, 'mprotect', MEMORY, 0, 'res:ERRNO | addr:UINT64:HEX, length:UINT64, prot:FLAGS32:prot_flags'), // SYSCALL_MPROTECT_X
  e(330, 'execveat', PROCESS, MODIFIES_STATE, 'dirfd:FD, pathname:FSRELPATH:0, flags:FLAGS32:execveat_flags'), // SYSCALL_EXECVEAT_E
  e(331, 'execveat', PROCESS, MODIFIES_STATE, 'res:ERRNO, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:UINT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, env:BYTEBUF, tty:INT32, pgid:PID, loginuid:INT32, flags:FLAGS32:execve_flags | cap_inheritable:UINT64:HEX, cap_permitted:UINT64:HEX, cap_effective:UINT64:HEX, exe_ino:UINT64, exe_ino_ctime:ABSTIME, exe_ino_mtime:ABSTIME, uid:UID, trusted_exepath:FSPATH, pgid:PID:NA, gid:GID'), // SYSCALL_EXECVEAT_X: tty: latest has UINT32; pgid: latest has 'vpgid'; loginuid: latest has UID
  e(332, 'copy_file_range', FILE, USES_FD | READS_FROM_FD | WRITES_TO_FD, 'fdin:FD, offin:UINT64, len:UINT64'), // SYSCALL_COPY_FILE_RANGE_E
  e(333, 'copy_file_range', FILE, USES_FD | READS_FROM_FD | WRITES_TO_FD, 'res:ERRNO, fdout:FD, offout:UINT64 | fdin:FD, offin:UINT64, len:UINT64'), // SYSCALL_COPY_FILE_RANGE_X
  e(334, 'clone3', PROCESS, MODIFIES_STATE, ''), // SYSCALL_CLONE3_E
  e(335, 'clone3', PROCESS, MODIFIES_STATE, 'res:PID, exe:CHARBUF, args:BYTEBUF, tid:PID, pid:PID, ptid:PID, cwd:CHARBUF, fdlimit:INT64, pgft_maj:UINT64, pgft_min:UINT64, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, comm:CHARBUF, cgroups:BYTEBUF, flags:FLAGS32:clone_flags, uid:UINT32, gid:UINT32, vtid:PID, vpid:PID | pidns_init_start_ts:UINT64'), // SYSCALL_CLONE3_X
  e(336, 'open_by_handle_at', FILE, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_OPEN_BY_HANDLE_AT_E
  e(337, 'open_by_handle_at', FILE, CREATES_FD | MODIFIES_STATE, 'fd:FD, mountfd:FD, flags:FLAGS32:file_flags, path:FSPATH, dev:UINT32:HEX, ino:UINT64'), // SYSCALL_OPEN_BY_HANDLE_AT_X
  e(338, 'io_uring_setup', IO_OTHER, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_IO_URING_SETUP_E
  e(339, 'io_uring_setup', IO_OTHER, CREATES_FD | MODIFIES_STATE, 'res:ERRNO, entries:UINT32, sq_entries:UINT32, cq_entries:UINT32, flags:FLAGS32:io_uring_setup_flags, sq_thread_cpu:UINT32, sq_thread_idle:UINT32, features:FLAGS32:io_uring_setup_feats'), // SYSCALL_IO_URING_SETUP_X
  e(340, 'io_uring_enter', IO_OTHER, 0, ''), // SYSCALL_IO_URING_ENTER_E
  e(341, 'io_uring_enter', IO_OTHER, USES_FD, 'res:ERRNO, fd:FD, to_submit:UINT32, min_complete:UINT32, flags:FLAGS32:io_uring_enter_flags, sig:SIGSET'), // SYSCALL_IO_URING_ENTER_X
  e(342, 'io_uring_register', IO_OTHER, 0, ''), // SYSCALL_IO_URING_REGISTER_E
  e(343, 'io_uring_register', IO_OTHER, USES_FD, 'res:ERRNO, fd:FD, opcode:ENUMFLAGS16:io_uring_register_opcodes, arg:UINT64:HEX, nr_args:UINT32'), // SYSCALL_IO_URING_REGISTER_X
  e(344, 'mlock', MEMORY, 0, ''), // SYSCALL_MLOCK_E
  e(345, 'mlock', MEMORY, 0, 'res:ERRNO, addr:UINT64:HEX, len:UINT64'), // SYSCALL_MLOCK_X
  e(346, 'munlock', MEMORY, 0, ''), // SYSCALL_MUNLOCK_E
  e(347, 'munlock', MEMORY, 0, 'res:ERRNO, addr:UINT64:HEX, len:UINT64'), // SYSCALL_MUNLOCK_X
  e(348, 'mlockall', MEMORY, 0, ''), // SYSCALL_MLOCKALL_E
  e(349, 'mlockall', MEMORY, 0, 'res:ERRNO, flags:FLAGS32:mlockall_flags'), // SYSCALL_MLOCKALL_X
  e(350, 'munlockall', MEMORY, 0, ''), // SYSCALL_MUNLOCKALL_E
  e(351, 'munlockall', MEMORY, 0, 'res:ERRNO'), // SYSCALL_MUNLOCKALL_X
  e(352, 'capset', PROCESS, MODIFIES_STATE, ''), // SYSCALL_CAPSET_E
  e(353, 'capset', PROCESS, MODIFIES_STATE, 'res:ERRNO, cap_inheritable:UINT64:HEX, cap_permitted:UINT64:HEX, cap_effective:UINT64:HEX'), // SYSCALL_CAPSET_X
  e(354, 'useradded', PROCESS, MODIFIES_STATE, 'uid:UINT32, gid:UINT32, name:CHARBUF, home:CHARBUF, shell:CHARBUF, container_id:CHARBUF'), // USER_ADDED_E
  e(355, 'NA', UNKNOWN, UNUSED, ''), // USER_ADDED_X
  e(356, 'userdeleted', PROCESS, MODIFIES_STATE, 'uid:UINT32, gid:UINT32, name:CHARBUF, home:CHARBUF, shell:CHARBUF, container_id:CHARBUF'), // USER_DELETED_E
  e(357, 'NA', UNKNOWN, UNUSED, ''), // USER_DELETED_X
  e(358, 'groupadded', PROCESS, MODIFIES_STATE, 'gid:UINT32, name:CHARBUF, container_id:CHARBUF'), // GROUP_ADDED_E
  e(359, 'NA', UNKNOWN, UNUSED, ''), // GROUP_ADDED_X
  e(360, 'groupdeleted', PROCESS, MODIFIES_STATE, 'gid:UINT32, name:CHARBUF, container_id:CHARBUF'), // GROUP_DELETED_E
  e(361, 'NA', UNKNOWN, UNUSED, ''), // GROUP_DELETED_X
  e(362, 'dup2', IO_OTHER, CREATES_FD | USES_FD | MODIFIES_STATE, 'fd:FD'), // SYSCALL_DUP2_E
  e(363, 'dup2', IO_OTHER, CREATES_FD | USES_FD | MODIFIES_STATE, 'res:FD, oldfd:FD, newfd:FD'), // SYSCALL_DUP2_X
  e(364, 'dup3', IO_OTHER, CREATES_FD | USES_FD | MODIFIES_STATE, 'fd:FD'), // SYSCALL_DUP3_E
  e(365, 'dup3', IO_OTHER, CREATES_FD | USES_FD | MODIFIES_STATE, 'res:FD, oldfd:FD, newfd:FD, flags:FLAGS32:file_flags'), // SYSCALL_DUP3_X
  e(366, 'dup', IO_OTHER, CREATES_FD | USES_FD | MODIFIES_STATE, 'fd:FD'), // SYSCALL_DUP_1_E
  e(367, 'dup', IO_OTHER, CREATES_FD | USES_FD | MODIFIES_STATE, 'res:FD, oldfd:FD'), // SYSCALL_DUP_1_X
  e(368, 'bpf', OTHER, CREATES_FD, 'cmd:INT64'), // SYSCALL_BPF_2_E
  e(369, 'bpf', OTHER, CREATES_FD, 'fd:FD, cmd:ENUMFLAGS32:bpf_commands'), // SYSCALL_BPF_2_X
  e(370, 'mlock2', MEMORY, 0, ''), // SYSCALL_MLOCK2_E
  e(371, 'mlock2', MEMORY, 0, 'res:ERRNO, addr:UINT64:HEX, len:UINT64, flags:FLAGS32:mlock2_flags'), // SYSCALL_MLOCK2_X
  e(372, 'fsconfig', SYSTEM, 0, ''), // SYSCALL_FSCONFIG_E
  e(373, 'fsconfig', SYSTEM, USES_FD, 'res:ERRNO, fd:FD, cmd:ENUMFLAGS32:fsconfig_cmds, key:CHARBUF, value_bytebuf:BYTEBUF, value_charbuf:CHARBUF, aux:INT32'), // SYSCALL_FSCONFIG_X
  e(374, 'epoll_create', WAIT, CREATES_FD | MODIFIES_STATE, 'size:INT32'), // SYSCALL_EPOLL_CREATE_E
  e(375, 'epoll_create', WAIT, CREATES_FD | MODIFIES_STATE, 'res:ERRNO, size:INT32'), // SYSCALL_EPOLL_CREATE_X
  e(376, 'epoll_create1', WAIT, CREATES_FD | MODIFIES_STATE, 'flags:FLAGS32:epoll_create1_flags'), // SYSCALL_EPOLL_CREATE1_E
  e(377, 'epoll_create1', WAIT, CREATES_FD | MODIFIES_STATE, 'res:ERRNO, flags:FLAGS32:epoll_create1_flags'), // SYSCALL_EPOLL_CREATE1_X
  e(378, 'chown', FILE, 0, ''), // SYSCALL_CHOWN_E
  e(379, 'chown', FILE, 0, 'res:ERRNO, path:FSPATH, uid:UINT32, gid:UINT32'), // SYSCALL_CHOWN_X
  e(380, 'lchown', FILE, 0, ''), // SYSCALL_LCHOWN_E
  e(381, 'lchown', FILE, 0, 'res:ERRNO, path:FSPATH, uid:UINT32, gid:UINT32'), // SYSCALL_LCHOWN_X
  e(382, 'fchown', FILE, 0, ''), // SYSCALL_FCHOWN_E
  e(383, 'fchown', FILE, USES_FD, 'res:ERRNO, fd:FD, uid:UINT32, gid:UINT32'), // SYSCALL_FCHOWN_X
  e(384, 'fchownat', FILE, 0, ''), // SYSCALL_FCHOWNAT_E
  e(385, 'fchownat', FILE, USES_FD, 'res:ERRNO, dirfd:FD, pathname:FSRELPATH:1, uid:UINT32, gid:UINT32, flags:FLAGS32:fchownat_flags'), // SYSCALL_FCHOWNAT_X
  e(386, 'umount', FILE, MODIFIES_STATE, ''), // SYSCALL_UMOUNT_1_E
  e(387, 'umount', FILE, MODIFIES_STATE, 'res:ERRNO, name:FSPATH'), // SYSCALL_UMOUNT_1_X
  e(388, 'accept4', NET, CREATES_FD | MODIFIES_STATE, 'flags:INT32:HEX'), // SOCKET_ACCEPT4_6_E
  e(389, 'accept4', NET, CREATES_FD | MODIFIES_STATE, 'fd:FD, tuple:SOCKTUPLE, queuepct:UINT8, queuelen:UINT32, queuemax:UINT32, flags:INT32:HEX'), // SOCKET_ACCEPT4_6_X
  e(390, 'umount2', FILE, MODIFIES_STATE, 'flags:FLAGS32:umount_flags'), // SYSCALL_UMOUNT2_E
  e(391, 'umount2', FILE, MODIFIES_STATE, 'res:ERRNO, name:FSPATH, flags:FLAGS32:umount_flags'), // SYSCALL_UMOUNT2_X
  e(392, 'pipe2', IPC, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_PIPE2_E
  e(393, 'pipe2', IPC, CREATES_FD | MODIFIES_STATE, 'res:ERRNO, fd1:FD, fd2:FD, ino:UINT64, flags:FLAGS32:file_flags'), // SYSCALL_PIPE2_X
  e(394, 'inotify_init1', IPC, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_INOTIFY_INIT1_E
  e(395, 'inotify_init1', IPC, CREATES_FD | MODIFIES_STATE, 'res:FD, flags:FLAGS16:file_flags'), // SYSCALL_INOTIFY_INIT1_X
  e(396, 'eventfd2', IPC, CREATES_FD | MODIFIES_STATE, 'initval:UINT64'), // SYSCALL_EVENTFD2_E
  e(397, 'eventfd2', IPC, CREATES_FD | MODIFIES_STATE, 'res:FD, flags:FLAGS16:file_flags, initval:UINT64'), // SYSCALL_EVENTFD2_X
  e(398, 'signalfd4', SIGNAL, CREATES_FD | MODIFIES_STATE, 'fd:FD, mask:UINT32:HEX'), // SYSCALL_SIGNALFD4_E
  e(399, 'signalfd4', SIGNAL, CREATES_FD | MODIFIES_STATE, 'res:FD, flags:FLAGS16:file_flags, fd:FD, mask:UINT32:HEX'), // SYSCALL_SIGNALFD4_X
  e(400, 'prctl', PROCESS, MODIFIES_STATE, ''), // SYSCALL_PRCTL_E
  e(401, 'prctl', PROCESS, MODIFIES_STATE, 'res:ERRNO, option:ENUMFLAGS32:prctl_options, arg2_str:CHARBUF, arg2_int:INT64'), // SYSCALL_PRCTL_X
  e(402, 'asyncevent', OTHER, LARGE_PAYLOAD, 'plugin_id:UINT32, name:CHARBUF, data:BYTEBUF'), // ASYNCEVENT_E
  e(403, 'NA', UNKNOWN, UNUSED, ''), // ASYNCEVENT_X
  e(404, 'memfd_create', MEMORY, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_MEMFD_CREATE_E
  e(405, 'memfd_create', MEMORY, CREATES_FD | MODIFIES_STATE, 'fd:FD, name:CHARBUF, flags:FLAGS32:memfd_create_flags'), // SYSCALL_MEMFD_CREATE_X
  e(406, 'pidfd_getfd', PROCESS, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_PIDFD_GETFD_E
  e(407, 'pidfd_getfd', PROCESS, CREATES_FD | MODIFIES_STATE, 'fd:FD, pid_fd:FD, target_fd:FD, flags:UINT32:HEX'), // SYSCALL_PIDFD_GETFD_X
  e(408, 'pidfd_open', PROCESS, CREATES_FD | MODIFIES_STATE, ''), // SYSCALL_PIDFD_OPEN_E
  e(409, 'pidfd_open', PROCESS, CREATES_FD | MODIFIES_STATE, 'fd:FD, pid:PID, flags:FLAGS32:pidfd_open_flags'), // SYSCALL_PIDFD_OPEN_X
  e(410, 'init_module', OTHER, 0, ''), // SYSCALL_INIT_MODULE_E
  e(411, 'init_module', OTHER, 0, 'res:ERRNO, img:BYTEBUF, length:UINT64, uargs:CHARBUF'), // SYSCALL_INIT_MODULE_X
  e(412, 'finit_module', OTHER, 0, ''), // SYSCALL_FINIT_MODULE_E
  e(413, 'finit_module', OTHER, USES_FD | READS_FROM_FD, 'res:ERRNO, fd:FD, uargs:CHARBUF, flags:FLAGS32:finit_module_flags'), // SYSCALL_FINIT_MODULE_X
  e(414, 'mknod', OTHER, 0, ''), // SYSCALL_MKNOD_E
  e(415, 'mknod', OTHER, 0, 'res:ERRNO, path:FSPATH, mode:MODE:mknod_mode, dev:UINT32'), // SYSCALL_MKNOD_X
  e(416, 'mknodat', OTHER, 0, ''), // SYSCALL_MKNODAT_E
  e(417, 'mknodat', OTHER, USES_FD, 'res:ERRNO, dirfd:FD, path:FSRELPATH:1, mode:MODE:mknod_mode, dev:UINT32'), // SYSCALL_MKNODAT_X
  e(418, 'newfstatat', FILE, 0, ''), // SYSCALL_NEWFSTATAT_E
  e(419, 'newfstatat', FILE, USES_FD, 'res:ERRNO, dirfd:FD, path:FSRELPATH:1, flags:FLAGS32:newfstatat_flags'), // SYSCALL_NEWFSTATAT_X
  e(420, 'process_vm_readv', IPC, 0, ''), // SYSCALL_PROCESS_VM_READV_E
  e(421, 'process_vm_readv', IPC, 0, 'res:INT64, pid:PID, data:BYTEBUF'), // SYSCALL_PROCESS_VM_READV_X
  e(422, 'process_vm_writev', IPC, 0, ''), // SYSCALL_PROCESS_VM_WRITEV_E
  e(423, 'process_vm_writev', IPC, 0, 'res:INT64, pid:PID, data:BYTEBUF'), // SYSCALL_PROCESS_VM_WRITEV_X
  e(424, 'delete_module', OTHER, 0, ''), // SYSCALL_DELETE_MODULE_E
  e(425, 'delete_module', OTHER, 0, 'res:ERRNO, name:CHARBUF, flags:FLAGS32:delete_module_flags'), // SYSCALL_DELETE_MODULE_X
  e(426, 'setreuid', USER, MODIFIES_STATE, ''), // SYSCALL_SETREUID_E
  e(427, 'setreuid', USER, MODIFIES_STATE, 'res:ERRNO, ruid:UID, euid:UID'), // SYSCALL_SETREUID_X
  e(428, 'setregid', USER, 0, ''), // SYSCALL_SETREGID_E
  e(429, 'setregid', USER, MODIFIES_STATE, 'res:ERRNO, rgid:UID, egid:UID'), // SYSCALL_SETREGID_X
  e(430, 'task', PROCESS, MODIFIES_STATE, 'ppid:PID32, pgid:PID32, vpgid:PID32, sid:PID32, comm:CHARBUF, argv:CHARBUFARRAY, exepath:FSPATH, flags:FLAGS32:execve_flags, env:CHARBUFARRAY, cwd:CHARBUF, fdlimit:UINT64, euid:UID, egid:GID, cap_permitted:UINT64:HEX, cap_effective:UINT64:HEX, cap_inheritable:UINT64:HEX, exe_ino_num:UINT64, exe_ino_ctime:ABSTIME, exe_ino_mtime:ABSTIME, vm_size:UINT32, vm_rss:UINT32, vm_swap:UINT32, pgft_maj:UINT64, pgft_min:UINT64, vtgid:PID32, vpid:PID32, pidns_init_start_ts:UINT64, cgroups:CHARBUFARRAY, root:FSPATH, start_time:ABSTIME, tty:UINT32, loginuid:UID'), // ITER_TASK_E
  e(431, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_X
  e(432, 'task_file_pipe', FILE, MODIFIES_STATE, 'fd:FD32, path:FSPATH, ino_num:UINT64'), // ITER_TASK_FILE_PIPE_E
  e(433, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_PIPE_X
  e(434, 'task_file_memfd', FILE, MODIFIES_STATE, 'fd:FD32, path:FSPATH, ino_num:UINT64'), // ITER_TASK_FILE_MEMFD_E
  e(435, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_MEMFD_X
  e(436, 'task_file_regular', FILE, MODIFIES_STATE, 'fd:FD32, path:FSPATH, flags:FLAGS32:file_flags, mnt_id:UINT32, ino_num:UINT64'), // ITER_TASK_FILE_REGULAR_E
  e(437, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_REGULAR_X
  e(438, 'task_file_directory', FILE, MODIFIES_STATE, 'fd:FD32, path:FSPATH, ino_num:UINT64'), // ITER_TASK_FILE_DIRECTORY_E
  e(439, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_DIRECTORY_X
  e(440, 'task_file_socket_inet', FILE, MODIFIES_STATE, 'fd:FD32, sk_type:UINT16, sk_proto:UINT16, local_ip:IPV4ADDR:HEX, local_port:PORT:HEX, remote_ip:IPV4ADDR:HEX, remote_port:PORT:HEX, ino_num:UINT64'), // ITER_TASK_FILE_SOCKET_INET_E
  e(441, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_SOCKET_INET_X
  e(442, 'task_file_socket_inet6', FILE, MODIFIES_STATE, 'fd:FD32, sk_type:UINT16, sk_proto:UINT16, local_ip:IPV6ADDR:HEX, local_port:PORT:HEX, remote_ip:IPV6ADDR:HEX, remote_port:PORT:HEX, ino_num:UINT64'), // ITER_TASK_FILE_SOCKET_INET6_E
  e(443, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_SOCKET_INET6_X
  e(444, 'task_file_socket_unix', FILE, MODIFIES_STATE, 'fd:FD32, sk_type:UINT16, sk_proto:UINT16, sk_pointer:UINT64:NA, sun_path:FSPATH, ino_num:UINT64'), // ITER_TASK_FILE_SOCKET_UNIX_E
  e(445, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_SOCKET_UNIX_X
  e(446, 'task_file_socket_netlink', FILE, MODIFIES_STATE, 'fd:FD32, sk_type:UINT16, sk_proto:UINT16, ino_num:UINT64'), // ITER_TASK_FILE_SOCKET_NETLINK_E
  e(447, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_SOCKET_NETLINK_X
  e(448, 'task_file_anon_inode', FILE, MODIFIES_STATE, 'fd:FD32, fd_type:FLAGS8:anon_inode_fd_types, path:FSPATH, ino_num:UINT64'), // ITER_TASK_FILE_ANON_INODE_E
  e(449, 'NA', UNKNOWN, UNUSED, ''), // ITER_TASK_FILE_ANON_INODE_X
  e(450, 'NA', UNKNOWN, UNUSED, ''), // SYSCALL_CLOSE_RANGE_E
  e(451, 'close_range', IO_OTHER, MODIFIES_STATE, 'res:ERRNO, first:UINT32, last:UINT32, flags:FLAGS32:close_range_flags'), // SYSCALL_CLOSE_RANGE_X
  e(452, 'NA', UNKNOWN, UNUSED, ''), // SYSCALL_KEYCTL_E
  e(453, 'keyctl', OTHER, 0, 'res:ERRNO, operation:ENUMFLAGS32:keyctl_operations, arg2:DYN:keyctl, arg3:DYN:keyctl, arg4:DYN:keyctl, arg5:DYN:keyctl'), // SYSCALL_KEYCTL_X
];

for (let i = 0; i < EVENT_TABLE.length; i++) {
  if (EVENT_TABLE[i].id !== i) throw new Error(`event table: entry ${i} has id ${EVENT_TABLE[i].id}`);
}

/** The number of event types sysdig 0.29.3 knows (its PPM_EVENT_MAX). */
export const LEGACY_EVENT_COUNT = 336;

const idsByKey = new Map<string, number[]>();
for (const info of EVENT_TABLE) {
  const key = info.dir + info.name;
  const ids = idsByKey.get(key);
  if (ids) ids.push(info.id);
  else idsByKey.set(key, [info.id]);
}

/** Every id with this name and direction, oldest first (e.g. all versions of execve's exit). */
export function eventId(name: string, dir: '>' | '<'): readonly number[] {
  return idsByKey.get(dir + name) ?? [];
}

/** Every event type name of the table (including the NA* names of unused events). */
export const EVENT_TYPE_NAMES: ReadonlySet<string> = new Set(EVENT_TABLE.map((info) => info.name));

/** How many parameters of an event of this type sysdig 0.29.3 reads. */
export function legacyParamCount(info: EventInfo): number {
  return info.legacyParams ?? info.params.length;
}

/**
 * The parameter that `evt.arg.NAME` / `evt.rawarg.NAME` refers to, the way libsinsp finds it: the
 * longest parameter name that starts `name` (so 'fd.x' finds 'fd'), first in table order, among the
 * parameters sysdig 0.29.3 knows. Its type is what evt.rawarg renders every event's value as.
 */
export function findLongestParam(name: string): ParamInfo | undefined {
  legacyParams ??= new LongestPrefix(EVENT_TABLE.slice(0, LEGACY_EVENT_COUNT).flatMap((info) => info.params.slice(0, legacyParamCount(info))), (p) => p.name);
  return legacyParams.find(name);
}
let legacyParams: LongestPrefix<ParamInfo> | undefined;
