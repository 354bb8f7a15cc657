// The capture format's numeric constants, as the state engine and the /proc scan use them: clone
// flags (PPM_CL_*, including the ones sinsp adds for its own bookkeeping), open flags, address
// families, L4 protocols and the per-fd flags sinsp keeps. Values are the scap/driver ABI's own.

/** Thread flags: clone() flags as the driver reports them plus sinsp's bookkeeping bits. */
export const CloneFlag = {
  CLONE_FILES: 1 << 0,
  CLONE_FS: 1 << 1,
  CLONE_THREAD: 1 << 13,
  /** The child's clone() returned before the parent's: the child created its own entry. */
  CLONE_INVERTED: 1 << 16,
  NAME_CHANGED: 1 << 17,
  /** The thread exited (procexit seen); it is removed before the next event. */
  CLOSED: 1 << 18,
  ACTIVE: 1 << 19,
  CLONE_NEWUSER: 1 << 20,
  PIPE_SRC: 1 << 21,
  PIPE_DST: 1 << 22,
  CHILD_IN_PIDNS: 1 << 29,
  IS_MAIN_THREAD: 1 << 30,
} as const;

/** PPM_O_* open flags. */
export const OpenFlag = {
  RDONLY: 1 << 0,
  DIRECTORY: 1 << 10,
  CLOEXEC: 1 << 12,
  /** Added by newer drivers' exit events: the opened file is in an overlayfs's upper or lower layer. */
  FD_UPPER_LAYER: 1 << 15,
  FD_LOWER_LAYER: 1 << 16,
} as const;

/** creat's exit event carries the layer bits apart, in its creat_flags parameter. */
export const CreatFlag = { FD_UPPER_LAYER: 1 << 0, FD_LOWER_LAYER: 1 << 1 } as const;

export const AddressFamily = { UNIX: 1, INET: 2, INET6: 10, NETLINK: 16 } as const;

/** SCAP_L4_* protocol numbers. */
export const L4 = { UNKNOWN: 0, NA: 1, TCP: 2, UDP: 3, ICMP: 4, RAW: 5 } as const;

/** Per-fd flags (sinsp_fdinfo::flags). */
export const FdFlag = {
  FROM_PROC: 1 << 0,
  ROLE_CLIENT: 1 << 2,
  ROLE_SERVER: 1 << 3,
  CLOSE_IN_PROGRESS: 1 << 4,
  CLOSE_CANCELED: 1 << 5,
  IS_TRACER_FILE: 1 << 7,
  IS_NOT_TRACER_FD: 1 << 9,
  SOCKET_CONNECTED: 1 << 13,
  IS_CLONED: 1 << 14,
  CONNECTION_PENDING: 1 << 15,
  CONNECTION_FAILED: 1 << 16,
  /** The file is in the upper (written) or lower (image) layer of an overlayfs. */
  OVERLAY_UPPER: 1 << 17,
  OVERLAY_LOWER: 1 << 18,
} as const;

/** PPM_EXE_* bits of the execve exit event's flags parameter. */
export const ExeFlag = { WRITABLE: 1 << 0, UPPER_LAYER: 1 << 1, FROM_MEMFD: 1 << 2, LOWER_LAYER: 1 << 3 } as const;

/** The dirfd value meaning "relative to the current working directory". */
export const AT_FDCWD = -100;
/** execveat flag: the path is empty and dirfd is the file to execute. */
export const EXECVEAT_EMPTY_PATH = 1 << 0;
export const FCNTL_F_DUPFD = 1;
export const FCNTL_F_DUPFD_CLOEXEC = 26;
export const RLIMIT_NOFILE = 7;
/** A uid/gid nobody has: what unknown threads carry. */
export const NO_ID = 0xffffffff;
/** The fd number sinsp parks a replaced fd under while a close() of it is in flight. */
export const CANCELED_FD = Number.MAX_SAFE_INTEGER;
/** A clone older than this (ns) whose child entry is still around is assumed stale. */
export const CLONE_STALE_TIME_NS = 2_000_000_000;
/** Largest fd table sinsp keeps per process. */
export const MAX_FD_TABLE_SIZE = 4096;
/** The device sinsp uses for tracer injection: fds opened on it are marked. */
export const TRACER_DEVICE = '/dev/null';
