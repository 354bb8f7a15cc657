// The state ghostwatch rebuilds from the event stream: threads with their fd tables, users, groups,
// containers. These are the domain types the fields read; the state engine keeps them current.
import type { Event } from '../capture/event.js';
import { FdType } from '../capture/event-types.js';

/** The fd types are the capture format's (scap_fd_type); the state and the fields name them from here too. */
export { FdType };

export interface FdInfo {
  type: FdType;
  /** Open flags (PPM_O_* as carried by the event), 0 when unknown. */
  openFlags: number;
  /** The name sysdig shows in fd.name: a path, a socket tuple, a pipe id... */
  name: string;
  /** The name as the event carried it, before path resolution (fd.nameraw). */
  nameRaw: string;
  /** Sockets: IPv4 as the 4 address bytes read as a little-endian uint32 (a.b.c.d = a + b<<8 + c<<16 + d<<24,
   *  as the capture stores it), IPv6 as 16 bytes; ports; L4 protocol (SCAP_L4_*).
   *  Server sockets (IPV4_SERVSOCK/IPV6_SERVSOCK): sip/sport/l4proto are the bound address, dip/dport 0.
   *  l4proto is what sinsp's get_l4proto() reports: SCAP_L4_NA (1) for non-sockets and for IPv4/IPv6
   *  sockets that have no client/server role yet (unless raw). */
  sip: number | Uint8Array;
  dip: number | Uint8Array;
  sport: number;
  dport: number;
  l4proto: number;
  /** Unix sockets: the source and destination kernel pointers. */
  unixSource?: bigint;
  unixDest?: bigint;
  /** Whether the socket role is known: true when this process is the server side. */
  isServer?: boolean;
  isRoleClient?: boolean;
  /** Set when a connect()/accept() completed (fd.connected). */
  connected?: boolean;
  /** Device and inode, when the capture carries them. */
  dev: number;
  ino: number;
  mountId?: number;
  /** Set when the fd's name changed during the event being processed (fd.name_changed). */
  nameChanged?: boolean;
  /** sinsp's per-fd flag bits (FdFlag in src/state/flags.ts: role, connection state, cloned...). */
  flags?: number;
  /** pidfds: the process the fd refers to. */
  pid?: number;
}

export interface ThreadInfo {
  tid: number;
  pid: number;
  ptid: number;
  sid: number;
  vtid: number;
  vpid: number;
  vpgid: number;
  pgid: number;
  /** Command name (comm), e.g. 'bash'. */
  comm: string;
  /** argv[0]. */
  exe: string;
  /** Full executable path. */
  exepath: string;
  args: string[];
  env: string[];
  cwd: string;
  root: string;
  uid: number;
  gid: number;
  loginuid: number;
  flags: number;
  fdlimit: number;
  tty: number;
  capInheritable: bigint;
  capPermitted: bigint;
  capEffective: bigint;
  /** [subsystem, path] pairs from /proc/PID/cgroup or the execve event. */
  cgroups: [string, string][];
  containerId: string;
  /** Start time of the thread (clone/execve ts), ns since the epoch. */
  /** When the thread was created (its clone's exit, ns since the epoch), exact; 0n when unknown. */
  cloneTs: bigint;
  /** When the init of the thread's pid namespace started (a container's start), ns since the epoch; 0 when unknown. */
  pidnsInitStartTs: number;
  exeIno: number;
  exeInoCtime: number;
  exeInoMtime: number;
  /** Set at execve (sinsp keeps it there only): ns from the pid namespace's start to the executable's ctime, 0 when unknown or negative. */
  exeInoCtimeDurationPidnsStart?: number;
  exeFromMemfd: boolean;
  exeUpperLayer: boolean;
  /** The executable is in the lower layer of an overlayfs (an image's file); unknown reads as false. */
  exeLowerLayer?: boolean;
  exeWritable: boolean;
  vmsizeKb: number;
  vmrssKb: number;
  vmswapKb: number;
  pfmajor: number;
  pfminor: number;
  /** The process's fd table; threads of one process share the main thread's table. */
  fds: Map<number, FdInfo>;
  /** Set when the thread was inferred from an event rather than seen in a process list or clone
   *  (comm and exe are then "<NA>"); cleared when an execve fills it in. */
  incomplete: boolean;
  /** Why the thread runs (Category in src/state/containers.ts): none, container, health/liveness/readiness probe. */
  category?: number;
  /** How many threads of this process keep its main thread alive (sinsp's m_nchilds). */
  nchilds?: number;
}

export interface UserInfo { uid: number; gid: number; name: string; home: string; shell: string }
export interface GroupInfo { gid: number; name: string }

export interface ContainerInfo {
  id: string;
  type: string;
  name: string;
  image: string;
  imageId: string;
  imageRepo: string;
  imageTag: string;
  imageDigest: string;
  privileged: boolean;
  mounts: { source: string; dest: string; mode: string; rw: boolean; propagation: string }[];
  labels: Record<string, string>;
  startTs: number;
  /** sinsp_container_type number (ContainerType in src/state/containers.ts); `type` is its name. */
  typeId?: number;
  fullId?: string;
  /** False when the runtime lookup failed (or never finished when the capture was written). */
  lookupSuccessful?: boolean;
  /** Live: first seen in a cgroup, and the runtime has not answered yet. */
  lookupPending?: boolean;
  isPodSandbox?: boolean;
  /** Creation time, seconds since the epoch, as the container JSON gives it. */
  createdTime?: number;
  /** The container's IPv4 address in the FdInfo encoding, 0 when unknown. */
  ip?: number;
  /** Health/liveness/readiness probes: the Category they give matching processes, and their command. */
  probes?: { type: number; exe: string; args: string[] }[];
  /** CRI: the pod's CNI result, as JSON text. */
  cniJson?: string;
  hostPid?: boolean;
  hostNetwork?: boolean;
  hostIpc?: boolean;
  /** CRI: the whole id of the container's pod sandbox, and the pod's labels. */
  podSandboxId?: string;
  podSandboxLabels?: Record<string, string>;
}

// The state fills in each event's thread and fd: declared here, with the types only the state knows,
// so that the capture stage does not depend on the state.
declare module '../capture/event.js' {
  interface Event {
    /** The event's thread, set by the state engine before filters and formatters run. */
    thread: ThreadInfo | undefined;
    /** The fd the event is about, set by the state engine. */
    fd: FdInfo | undefined;
  }
}

/**
 * What the fields read from the state engine. Event-specific context (the event's thread and fd)
 * is on the Event itself (evt.thread, evt.fd, evt.fdNum); this is the rest.
 */
export interface StateView {
  thread(tid: number): ThreadInfo | undefined;
  /** The main thread (tid == pid) of t's process; like sinsp, an unknown one is inferred ("<NA>"). */
  mainThread(t: ThreadInfo): ThreadInfo;
  /** The thread that created t's process (tid == t.ptid, as sinsp's get_parent_thread), if known. */
  parent(t: ThreadInfo): ThreadInfo | undefined;
  /** For an exit event: the matching enter event of the same thread, if it was seen just before. */
  enterEvent(t: ThreadInfo): Event | undefined;
  /** Latency of the current exit event in ns (exit ts - enter ts), 0 when unknown. */
  latency(t: ThreadInfo): number;
  user(uid: number): UserInfo | undefined;
  group(gid: number): GroupInfo | undefined;
  container(id: string): ContainerInfo | undefined;
  readonly hostname: string;
  /** IPv4 addresses of the machine's interfaces, in the FdInfo encoding (for fd.lip/server-side guesses). */
  readonly localIpv4: readonly number[];
}

/** A state that knows no thread, user or container: for fields bound without events behind them, or events of no thread. */
export function emptyStateView(hostname: string): StateView {
  return {
    thread: () => undefined,
    mainThread: (t) => t,
    parent: () => undefined,
    enterEvent: () => undefined,
    latency: () => 0,
    user: () => undefined,
    group: () => undefined,
    container: () => undefined,
    hostname,
    localIpv4: [],
  };
}
