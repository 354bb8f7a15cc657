// The shape of the event table: what every event type is called and what parameters it carries.
// Numeric values are the scap format's own (ppm_param_type, ppm_print_format, ppm_event_flags),
// so a capture written by Falco/sysdig and one written by ghostwatch mean the same thing.

/** Wire type of one event parameter. */
export const ParamType = {
  NONE: 0, INT8: 1, INT16: 2, INT32: 3, INT64: 4, UINT8: 5, UINT16: 6, UINT32: 7, UINT64: 8,
  CHARBUF: 9, BYTEBUF: 10, ERRNO: 11, SOCKADDR: 12, SOCKTUPLE: 13, FD: 14, PID: 15, FDLIST: 16,
  FSPATH: 17, SYSCALLID: 18, SIGTYPE: 19, RELTIME: 20, ABSTIME: 21, PORT: 22, L4PROTO: 23,
  SOCKFAMILY: 24, BOOL: 25, IPV4ADDR: 26, DYN: 27, FLAGS8: 28, FLAGS16: 29, FLAGS32: 30, UID: 31,
  GID: 32, DOUBLE: 33, SIGSET: 34, CHARBUFARRAY: 35, CHARBUF_PAIR_ARRAY: 36, IPV4NET: 37,
  IPV6ADDR: 38, IPV6NET: 39, IPADDR: 40, IPNET: 41, MODE: 42, FSRELPATH: 43, ENUMFLAGS8: 44,
  ENUMFLAGS16: 45, ENUMFLAGS32: 46, FD32: 47, PID32: 48,
} as const;
export type ParamType = (typeof ParamType)[keyof typeof ParamType];

/** How a numeric parameter is printed. */
export const PrintFormat = { NA: 0, DEC: 1, HEX: 2, PADDED_DEC: 3, ID: 4, DIR: 5, OCT: 6 } as const;
export type PrintFormat = (typeof PrintFormat)[keyof typeof PrintFormat];

/** Event flags (ppm_event_flags). */
export const EventFlag = {
  CREATES_FD: 1 << 0, DESTROYS_FD: 1 << 1, USES_FD: 1 << 2, READS_FROM_FD: 1 << 3,
  WRITES_TO_FD: 1 << 4, MODIFIES_STATE: 1 << 5, UNUSED: 1 << 6, WAITS: 1 << 7,
  SKIPPARSERESET: 1 << 8, OLD_VERSION: 1 << 9, LARGE_PAYLOAD: 1 << 11, CONVERTER_MANAGED: 1 << 12,
} as const;

/** A named value of a flags or enum parameter, e.g. { name: 'O_RDONLY', value: 1 }. */
export interface NameValue { readonly name: string; readonly value: number }

export interface ParamInfo {
  readonly name: string;
  readonly type: ParamType;
  readonly fmt: PrintFormat;
  /** Flags/enum parameters: their names. */
  readonly flags?: readonly NameValue[];
  /** FSRELPATH parameters: index of the dirfd parameter the path is relative to. */
  readonly dirfdParam?: number;
  /** DYN parameters: the possible shapes, selected by the leading index byte. */
  readonly dyn?: readonly ParamInfo[];
}

export interface EventInfo {
  /** Event type id (index in the table). */
  readonly id: number;
  /** Name as sysdig prints it, e.g. 'open'. */
  readonly name: string;
  /** '>' for enter events, '<' for exit events. */
  readonly dir: '>' | '<';
  /** Category bits (ppm_event_category). */
  readonly category: number;
  /** EventFlag bits. */
  readonly flags: number;
  readonly params: readonly ParamInfo[];
  /**
   * When newer drivers appended parameters: how many leading ones sysdig 0.29.3 (libs 2022) knows.
   * It shows only those in evt.info / evt.args and finds only those by name. Absent: all of them.
   */
  readonly legacyParams?: number;
}

/** fd types (scap_fd_type numbering), with the one-letter code sysdig prints in fd.typechar and in `fd=3(<f>/etc/passwd)`. */
export const FdType = {
  UNINITIALIZED: -1, UNKNOWN: 0, FILE: 1, DIRECTORY: 2, IPV4_SOCK: 3, IPV6_SOCK: 4, IPV4_SERVSOCK: 5,
  IPV6_SERVSOCK: 6, FIFO: 7, UNIX_SOCK: 8, EVENT: 9, UNSUPPORTED: 10, SIGNALFD: 11, EVENTPOLL: 12,
  INOTIFY: 13, TIMERFD: 14, NETLINK: 15, FILE_V2: 16, BPF: 17, USERFAULTFD: 18, IOURING: 19,
  MEMFD: 20, PIDFD: 21,
} as const;
export type FdType = (typeof FdType)[keyof typeof FdType];
