// The live system as an event source with the capture reader's interface: header(h) once, with what
// a /proc scan found, then event(e) for every event the probe sends, so the state engine, filters,
// rules and writer downstream cannot tell it from a capture file.
//
// Order, as libscap's: the probe is attached first, then /proc is scanned. A process started in
// between is then both in the scan and in the events (the events update it), where the other
// order would lose it entirely.
//
// Containers: what the container runtimes say arrives as `container` events in the same stream
// (sinsp's container JSON event), between two probe events: first every container the runtimes
// already have, right after the header (they lead the stream, as in a capture), then each one
// as it is created or looked up.
import { readlinkSync } from 'node:fs';
import { Event } from '../capture/event.js';
import type { CaptureHandlers } from '../capture/reader.js';
import type { CaptureHeader } from '../capture/records.js';
import { ProbeError, startProbe, type OpenFilter, type Probe, type ProbeCounts, type SyscallChange } from '../probe/index.js';
import { ContainerMetadata, type ContainerMetadataConfig, type MetadataCounters } from './containers/metadata.js';
import type { ClientOptions, EngineName, RuntimeClient } from './containers/runtime.js';
import { scanProc } from './proc-scan.js';

export { probeSyscalls, type BaseSyscalls } from './syscall-set.js';

export interface LiveOptions {
  /** Events to capture (probe event names, see probeSyscalls). */
  readonly syscalls: readonly string[];
  /** Ring buffer size in KiB, a power of 2 (default: the probe's). */
  readonly ringKb?: number;
  /** Processes whose events are not captured (default: this one). */
  readonly ignorePids?: readonly number[];
  /**
   * Where the host's root is mounted when ghostwatch runs in a container (HOST_ROOT, e.g. /host): its
   * proc and etc are read there, so that the host's processes and users are known, and ghostwatch's
   * own process is named by its host pid (the probe reports host pids). Empty: ghostwatch is on the host.
   */
  readonly hostRoot?: string;
  /** Called with the probe's counts about once a second and at the end. */
  readonly onCounts?: (counts: ProbeCounts) => void;
  /** Ask the container runtimes about the containers (none: container ids from cgroups only). */
  readonly containers?: ContainerMetadataConfig;
  /** A container runtime misbehaves (one line per outage). */
  readonly onWarning?: (message: string) => void;
  /** Bytes of each I/O buffer the events carry (sysdig's snaplen; default 0: none). */
  readonly snaplen?: number;
  /** Capture mode (`capture`, live `events`): enter events too, and with allSyscalls every other call. */
  readonly enterEvents?: boolean;
  readonly allSyscalls?: boolean;
  /** Opens for the probe to keep back (detection only; none: every open is sent). */
  readonly openFilter?: OpenFilter;
}

export interface LiveSource {
  /** The scan the stream starts from. */
  readonly header: CaptureHeader;
  /** Deliver the header, then every event until stop() (or a handler returns false). Once only. */
  read(handlers: CaptureHandlers): Promise<void>;
  /** Detach the probe; read() resolves once the events already captured are delivered. */
  stop(): Promise<void>;
  /** Events lost because the ring buffer was full, in total and per event name. */
  drops(): { total: number; byEvent: Record<string, number> };
  /** Events sent and dropped, per event type id. */
  counts(): ProbeCounts;
  /** The probe's loader process (its CPU and memory are ghostwatch's too). */
  readonly probePid: number;
  /** For the state's container table: asks the runtimes about a container first seen in a cgroup. */
  readonly containerLookups: { request(id: string, fullId: string, typeHint: number): void };
  /** Called (between two events) when a runtime removed a container, by its short id. */
  onContainerRemoved: ((id: string) => void) | undefined;
  /** The container lookups' counters, undefined without runtimes. */
  containerCounters(): MetadataCounters | undefined;
  /** Events delivered so far, and the time of the last one (ns since the epoch, 0 before the first). */
  progress(): { readonly events: number; readonly lastTs: number };
  /** The events captured now (sorted). */
  readonly syscalls: readonly string[];
  /**
   * Capture these events from now on, attaching and detaching only the difference: the stream,
   * the other programs and everything read so far are untouched. Rejects (nothing changed) when
   * an event cannot be attached.
   */
  setSyscalls(names: readonly string[]): Promise<SyscallChange>;
  /** Keep back these opens from now on (undefined: none); in turn with setSyscalls(). */
  setOpenFilter(filter: OpenFilter | undefined): Promise<void>;
}

/**
 * Puts the filter of opens in force, at start or after a hot reload. A filter the probe refuses
 * leaves every open sent, which is only slower: resolves to why (one line), undefined once in force.
 */
export function trySetOpenFilter(target: { setOpenFilter(filter: OpenFilter): Promise<void> }, filter: OpenFilter): Promise<string | undefined> {
  return target.setOpenFilter(filter).then(
    () => undefined,
    (e: unknown) => `the kernel filter of opens is off: ${e instanceof Error ? e.message : String(e)}`,
  );
}

/** Attach the probe and scan /proc; rejects with a ProbeError (one line: not root, no BTF...) when the probe cannot start. */
export async function openLive(opts: LiveOptions): Promise<LiveSource> {
  const hostRoot = opts.hostRoot ?? '';
  const probe = await startProbe({
    syscalls: opts.syscalls,
    ...(opts.ringKb !== undefined && { ringKb: opts.ringKb }),
    ignorePids: opts.ignorePids ?? [hostPid(hostRoot)],
    ...(opts.onCounts !== undefined && { onCounts: opts.onCounts }),
    ...(opts.snaplen !== undefined && { snaplen: opts.snaplen }),
    ...(opts.enterEvents !== undefined && { enterEvents: opts.enterEvents }),
    ...(opts.allSyscalls !== undefined && { allSyscalls: opts.allSyscalls }),
  });
  let header: CaptureHeader;
  try {
    header = scanProc({ proc: `${hostRoot}/proc`, etc: `${hostRoot}/etc` });
    // After the scan: an fd the scan found was opened before the filter, so its close is sent.
    const refused = opts.openFilter === undefined ? undefined : await trySetOpenFilter(probe, opts.openFilter);
    if (refused !== undefined) opts.onWarning?.(refused);
  } catch (err) {
    await probe.stop();
    throw err;
  }
  const live = new Live(probe, header);
  if (opts.containers !== undefined) {
    const metadata = new ContainerMetadata(opts.containers, runtimeClient, {
      container: (json) => live.container(json),
      removed: (id) => live.onContainerRemoved?.(id),
      warn: (m) => opts.onWarning?.(m),
    });
    live.metadata = metadata;
    await metadata.start();
  }
  return live;
}

/** A client for the runtime's API, loaded only when a runtime socket is there (gRPC is large). */
async function runtimeClient(engine: EngineName, socket: string, opts: ClientOptions): Promise<RuntimeClient> {
  if (engine === 'docker' || engine === 'podman') return (await import('./containers/docker.js')).dockerClient(engine, socket, opts);
  return (await import('./containers/cri.js')).criClient(engine, socket, opts);
}

/** libscap's event header: ts u64, tid u64, len u32, type u16, nparams u32. */
const EVENT_HEADER = 26;
const CONTAINER_JSON_2_E = 324;

class Live implements LiveSource {
  metadata: ContainerMetadata | undefined = undefined;
  onContainerRemoved: ((id: string) => void) | undefined = undefined;
  readonly containerLookups = {
    request: (id: string, fullId: string, typeHint: number) => this.metadata?.lookup(id, fullId, typeHint),
  };
  private handlers: CaptureHandlers | undefined = undefined;
  /** Container events waiting for the stream's header (the start listing leads the stream). */
  private readonly leading: Buffer[] = [];
  private readonly injected = new Event();
  private lastTs = 0;
  private num = 0;
  private ended = false;

  constructor(
    private readonly probe: Probe,
    readonly header: CaptureHeader,
  ) {}

  async read(handlers: CaptureHandlers): Promise<void> {
    // The probe's stream opens with header blocks of its own (machine only): the scan replaces them.
    // Handing the scan over directly keeps what the capture format's process list cannot carry
    // (tty, capabilities, executable inode...).
    try {
      await this.probe.read({
        header: () => {
          handlers.header(this.header);
          this.handlers = handlers;
          for (const b of this.leading.splice(0)) if (!this.deliver(b)) break;
        },
        event: (e) => {
          e.num = ++this.num;
          this.lastTs = e.tsNum();
          return handlers.event(e);
        },
      });
    } finally {
      this.ended = true;
      this.metadata?.close();
      // Stopped by a handler: detach too, so nothing stays attached for a stream nobody reads.
      await this.probe.stop();
    }
  }

  /**
   * A container described by a runtime, as a `container` event. It is called from the event loop,
   * never from inside the delivery of another event, so it goes into the stream between two events.
   */
  container(json: string): void {
    if (this.ended) return;
    const b = containerEvent(json, Math.max(this.lastTs, Date.now() * 1e6));
    if (this.handlers === undefined) this.leading.push(b);
    else this.deliver(b);
  }

  /** Deliver one built event; false when the reader asked to stop. */
  private deliver(b: Buffer): boolean {
    const e = this.injected;
    e.reset(b, 0, EVENT_HEADER, 4, 1);
    e.len = b.length;
    e.cpu = 0;
    e.dumpFlags = 0;
    e.num = ++this.num;
    this.lastTs = e.tsNum();
    if (this.handlers!.event(e) !== false) return true;
    void this.stop();
    return false;
  }

  containerCounters(): MetadataCounters | undefined {
    return this.metadata?.counters;
  }

  progress(): { events: number; lastTs: number } {
    return { events: this.num, lastTs: this.lastTs };
  }

  get syscalls(): readonly string[] {
    return this.probe.syscalls;
  }

  setSyscalls(names: readonly string[]): Promise<SyscallChange> {
    return this.probe.setSyscalls(names);
  }

  setOpenFilter(filter: OpenFilter | undefined): Promise<void> {
    return this.probe.setOpenFilter(filter);
  }

  stop(): Promise<void> {
    this.metadata?.close();
    return this.probe.stop();
  }

  drops(): { total: number; byEvent: Record<string, number> } {
    return this.probe.drops();
  }

  counts(): ProbeCounts {
    return this.probe.counts();
  }

  get probePid(): number {
    return this.probe.pid;
  }
}

/** A container JSON event (large payload: 32-bit parameter lengths), for no thread (tid -1). */
function containerEvent(json: string, tsNs: number): Buffer {
  const text = Buffer.from(`${json}\0`, 'utf8');
  const b = Buffer.alloc(EVENT_HEADER + 4 + text.length);
  b.writeBigUInt64LE(BigInt(Math.round(tsNs)), 0);
  b.writeBigInt64LE(-1n, 8);
  b.writeUInt32LE(b.length, 16);
  b.writeUInt16LE(CONTAINER_JSON_2_E, 20);
  b.writeUInt32LE(1, 22);
  b.writeUInt32LE(text.length, EVENT_HEADER);
  text.copy(b, EVENT_HEADER + 4);
  return b;
}

/**
 * ghostwatch's own pid as the host sees it: /proc/self of the host's procfs names the reader by its
 * pid in that procfs's namespace (in a pod with its own pid namespace, process.pid is not it).
 */
function hostPid(hostRoot: string): number {
  if (hostRoot === '') return process.pid;
  let pid = NaN;
  try {
    pid = Number(readlinkSync(`${hostRoot}/proc/self`));
  } catch {
    // not mounted: said below
  }
  if (!Number.isInteger(pid) || pid <= 0) throw new ProbeError(`${hostRoot}/proc is not the host's procfs (HOST_ROOT=${hostRoot}): mount the host's /proc there`);
  return pid;
}
