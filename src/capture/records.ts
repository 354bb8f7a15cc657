// What a capture's header blocks carry, decoded: the machine, the processes and their open fds,
// the network interfaces, the users and groups. The reader produces these; the state engine
// seeds its tables from them; the writer serialises them back.
import type { FdType } from './event-types.js';

/**
 * libscap's limits on header-list strings, in bytes (scap.h): sysdig refuses a capture with a
 * longer one, and libscap's /proc scan reads no more.
 */
export const SCAP_MAX = {
  PATH: 1024,
  ARGS: 4096,
  ENV: 4096,
  CGROUPS: 4096,
  /** fd names must be shorter than PATH. */
  FD_NAME: 1023,
  /** User and group names, home directories, shells. */
  CREDENTIAL: 255,
} as const;

export interface MachineInfo {
  numCpus: number;
  memoryBytes: number;
  maxPid: number;
  hostname: string;
  bootTime: number;
}

/** One thread of a process list block (any version: fields a version lacks keep their defaults). */
export interface ProcRecord {
  tid: number; pid: number; ptid: number; sid: number; vpgid: number; pgid: number;
  comm: string; exe: string; exepath: string; args: string[]; env: string[]; cwd: string; root: string;
  fdlimit: number; flags: number; uid: number; gid: number; loginuid: number; tty: number;
  vmsizeKb: number; vmrssKb: number; vmswapKb: number; pfmajor: number; pfminor: number;
  vtid: number; vpid: number;
  cgroups: [string, string][];
  exeWritable: boolean; exeUpperLayer: boolean; exeFromMemfd: boolean;
  /** v9 entries of newer writers only. */
  exeLowerLayer?: boolean;
  capInheritable: bigint; capPermitted: bigint; capEffective: bigint;
  exeIno: number; exeInoCtime: number; exeInoMtime: number;
  cloneTs: number; pidnsInitStartTs: number;
}

/** One fd of an fd list block. Socket fields are set for socket types only. */
export interface FdRecord {
  /** The process (tgid) that owns the fd. */
  pid: number;
  fd: number;
  ino: number;
  type: FdType;
  /** Path for files, directories, fifos, unix sockets...; empty for IP sockets. */
  name: string;
  openFlags: number;
  dev: number;
  mountId: number;
  sip: number | Uint8Array; dip: number | Uint8Array; sport: number; dport: number; l4proto: number;
  unixSource: bigint; unixDest: bigint;
}

/** IPv4 addresses use the FdInfo encoding (the 4 bytes read little-endian). */
export interface IfaceRecord { name: string; ipv4: number; netmask: number; bcast: number; linkspeed: number }
export interface Iface6Record { name: string; addr: Uint8Array; netmask: Uint8Array; bcast: Uint8Array; linkspeed: number }
export interface UserRecord { uid: number; gid: number; name: string; home: string; shell: string; container: string }
export interface GroupRecord { gid: number; name: string; container: string }

/** Everything a capture says before its first event. */
export interface CaptureHeader {
  major: number;
  minor: number;
  machine: MachineInfo | undefined;
  procs: ProcRecord[];
  fds: FdRecord[];
  ifaces: IfaceRecord[];
  ifaces6: Iface6Record[];
  users: UserRecord[];
  groups: GroupRecord[];
}
