// Container metadata, live: asks the container runtimes (Docker Engine API for docker and podman,
// CRI for containerd and CRI-O) what a container is, and hands each answer over as sinsp's
// container JSON, which the live source turns into a `container` event in the stream. Nothing here
// ever blocks the event path: every question is asynchronous and bounded by a timeout, and the
// answer (or the failure) arrives later as an event.
//
// Three ways a container becomes known, as in Falco's container plugin:
// - at start, every container the runtimes already have (they lead a capture, as in sysdig's);
// - from each runtime's event stream, so a new container is known before its first process runs;
// - on demand, when the state meets a container id in a cgroup that nobody has described yet.
import { existsSync } from 'node:fs';
import { containerJson, type ClientOptions, type EngineName, type RuntimeClient, type RuntimeContainer, RuntimeType } from './runtime.js';

export interface EngineConfig {
  readonly enabled: boolean;
  /** Socket paths as on the host (HOST_ROOT is prefixed when set). */
  readonly sockets: readonly string[];
}

export interface ContainerMetadataConfig {
  readonly engines: Readonly<Record<EngineName, EngineConfig>>;
  /** Labels with longer values are left out (the container plugin's label_max_len). */
  readonly labelMaxLen: number;
  /** How long one question to a runtime may take before it counts as failed. */
  readonly lookupTimeoutMs: number;
  /** Prefix of every host path (HOST_ROOT, for ghostwatch running in a pod with the host at /host). */
  readonly hostRoot: string;
}

/** Falco's container plugin defaults. */
export const DEFAULT_ENGINES: Readonly<Record<EngineName, EngineConfig>> = {
  docker: { enabled: true, sockets: ['/var/run/docker.sock'] },
  podman: { enabled: true, sockets: ['/run/podman/podman.sock'] },
  containerd: { enabled: true, sockets: ['/run/host-containerd/containerd.sock'] },
  cri: {
    enabled: true,
    sockets: ['/run/containerd/containerd.sock', '/run/crio/crio.sock', '/run/k3s/containerd/containerd.sock', '/run/host-containerd/containerd.sock'],
  },
};

export type ClientFactory = (engine: EngineName, socket: string, opts: ClientOptions) => Promise<RuntimeClient>;

export interface MetadataCounters {
  /** Containers described (from the start listing, the event streams and lookups). */
  described: number;
  /** On-demand lookups asked, and how many ended without an answer (not found, error or timeout). */
  lookups: number;
  failures: number;
  timeouts: number;
}

export interface MetadataSink {
  /** A container is known, as sinsp's container JSON. */
  container(json: string): void;
  /** The runtime removed the container (short id). */
  removed(id: string): void;
  /** A runtime misbehaves (one line; rate-limited by the caller's logger or here). */
  warn(message: string): void;
}

/** Engines asked first for a container whose cgroup layout says which runtime made it. */
const PREFERRED: Readonly<Record<number, readonly EngineName[]>> = {
  [RuntimeType.PODMAN]: ['podman', 'docker', 'cri', 'containerd'],
  [RuntimeType.DOCKER]: ['docker', 'podman', 'cri', 'containerd'],
  [RuntimeType.CRI]: ['cri', 'containerd', 'docker', 'podman'],
};
const ENGINE_ORDER: readonly EngineName[] = ['podman', 'docker', 'cri', 'containerd'];
/** How soon a runtime whose socket was missing or whose event stream broke is tried again. */
const RETRY_MS = 5000;
/**
 * A removed container is forgotten this much later: its last events may still be on their way
 * through the ring buffer and the state when the runtime reports the removal.
 */
const REMOVE_GRACE_MS = 5000;
/** What events said of containers, kept for those that are gone before they can be inspected. */
const PARTIALS_KEPT = 512;
/**
 * How often the containers described are checked against what the runtimes still have: a
 * container that lived between two polls of a runtime without an event stream is never reported
 * removed.
 */
const RECONCILE_MS = 3000;
/** A container no runtime could describe is forgotten this much later, to be asked about again (its runtime may have been down). */
const FAILED_RETRY_MS = 30_000;
/** How long a lookup that no runtime answered waits for a runtime event naming the container. */
const EVENT_WAIT_MS = 1500;
const EVENT_POLL_MS = 50;
/** The same socket can be configured for two engines (containerd and cri): ask it once. */
const socketKey = (socket: string) => socket;

interface Runtime {
  readonly engine: EngineName;
  readonly socket: string;
  client: RuntimeClient | undefined;
  /** When the socket was last found missing or the client last failed to start (ms). */
  triedAt: number;
  stopWatch: (() => void) | undefined;
  /** Only one warning per outage. */
  warned: boolean;
}

export class ContainerMetadata {
  readonly counters: MetadataCounters = { described: 0, lookups: 0, failures: 0, timeouts: 0 };
  private readonly runtimes: Runtime[] = [];
  /** The last description given of each container (its JSON), by short id; pruned when the runtime removes it. */
  private readonly known = new Map<string, string>();
  /** Lookups in flight, by short id. */
  private readonly inFlight = new Set<string>();
  /** What runtime events said of recent containers (name, image, labels), by short id, oldest first. */
  private readonly partials = new Map<string, RuntimeContainer>();
  private readonly removals = new Set<NodeJS.Timeout>();
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  /** When each container no runtime could describe failed (ms), by short id. */
  private readonly failed = new Map<string, number>();
  /** Containers whose removal is scheduled. */
  private readonly leaving = new Set<string>();

  constructor(
    private readonly config: ContainerMetadataConfig,
    private readonly makeClient: ClientFactory,
    private readonly sink: MetadataSink,
  ) {
    const seen = new Set<string>();
    for (const engine of ENGINE_ORDER) {
      const e = config.engines[engine];
      if (!e.enabled) continue;
      for (const socket of e.sockets) {
        const path = config.hostRoot + socket;
        if (seen.has(socketKey(path))) continue;
        seen.add(socketKey(path));
        this.runtimes.push({ engine, socket: path, client: undefined, triedAt: -Infinity, stopWatch: undefined, warned: false });
      }
    }
  }

  /** Containers the runtimes tracked here know about (for the churn check and -v). */
  get size(): number {
    return this.known.size;
  }

  /**
   * Connect to the runtimes whose socket exists, describe every container they have, and follow
   * their events. Resolves when the start listing is done or after one lookup timeout, whichever
   * comes first: a runtime that does not answer never holds the start up longer.
   */
  async start(): Promise<void> {
    const listings = this.runtimes.map((r) => this.connect(r));
    await Promise.race([Promise.allSettled(listings), sleep(this.config.lookupTimeoutMs)]);
    this.retryTimer = setInterval(() => {
      for (const r of this.runtimes) if (r.client === undefined || r.stopWatch === undefined) void this.connect(r);
    }, RETRY_MS);
    this.retryTimer.unref();
    this.reconcileTimer = setInterval(() => void this.reconcile(), RECONCILE_MS);
    this.reconcileTimer.unref();
  }

  /**
   * The state met a container nobody described yet: ask the runtimes, the likely one first. The
   * answer, or a failed-lookup description, reaches the sink once.
   */
  lookup(id: string, fullId: string, typeHint: number): void {
    if (this.closed || this.inFlight.has(id)) return;
    // Described already (the state had forgotten it): the same description again, in a later turn.
    const json = this.known.get(id);
    if (json !== undefined) {
      queueMicrotask(() => this.closed || this.sink.container(json));
      return;
    }
    this.inFlight.add(id);
    this.counters.lookups++;
    void this.ask(id, fullId, typeHint).finally(() => this.inFlight.delete(id));
  }

  close(): void {
    this.closed = true;
    clearInterval(this.retryTimer);
    clearInterval(this.reconcileTimer);
    for (const t of this.removals) clearTimeout(t);
    this.removals.clear();
    for (const r of this.runtimes) {
      r.stopWatch?.();
      r.stopWatch = undefined;
      r.client?.close();
      r.client = undefined;
    }
  }

  private async ask(id: string, fullId: string, typeHint: number): Promise<void> {
    const order = PREFERRED[typeHint] ?? ENGINE_ORDER;
    const candidates = [...this.runtimes].sort((a, b) => order.indexOf(a.engine) - order.indexOf(b.engine));
    let timedOut = false;
    for (const r of candidates) {
      const client = await this.clientOf(r);
      if (client === undefined || this.closed) continue;
      const signal = AbortSignal.timeout(this.config.lookupTimeoutMs);
      try {
        const c = await client.inspect(fullId || id, signal);
        if (c !== undefined) {
          this.describe(c);
          return;
        }
      } catch (err) {
        if (signal.aborted) timedOut = true;
        this.warnOnce(r, `container lookup of ${id} on ${r.socket} failed: ${message(err)}`);
      }
    }
    // A container that lived a moment may be gone before any runtime was asked: what its
    // runtime's events said of it (they can lag the system calls) is still a description.
    const watched = this.runtimes.some((r) => r.stopWatch !== undefined);
    for (let waited = 0; watched && !this.closed && waited < EVENT_WAIT_MS && !timedOut; waited += EVENT_POLL_MS) {
      const partial = this.partials.get(id);
      if (partial !== undefined) {
        this.describe(partial);
        return;
      }
      await sleep(EVENT_POLL_MS);
    }
    if (this.closed) return;
    this.counters.failures++;
    if (timedOut) this.counters.timeouts++;
    this.failed.set(id, Date.now());
    this.sink.container(failedLookupJson(id, fullId, typeHint));
  }

  /** Give a description, unless the same one was already given (a lookup and an event may both bring it). */
  private describe(c: RuntimeContainer): void {
    if (this.closed) return;
    const id = c.fullId.slice(0, 12);
    const json = containerJson(c);
    if (this.known.get(id) === json) return;
    this.known.set(id, json);
    this.counters.described++;
    this.sink.container(json);
  }

  /** The runtime's client, connecting when its socket has appeared since it was last tried. */
  private async clientOf(r: Runtime): Promise<RuntimeClient | undefined> {
    if (r.client !== undefined) return r.client;
    await this.connect(r);
    return r.client;
  }

  /** Open the client (if the socket exists), list its containers and follow its events. */
  private async connect(r: Runtime): Promise<void> {
    if (this.closed) return;
    if (r.client === undefined) {
      const now = Date.now();
      if (now - r.triedAt < RETRY_MS) return;
      r.triedAt = now;
      // Sockets that do not exist are skipped quietly: most hosts run one runtime, not all.
      if (!existsSync(r.socket)) return;
      try {
        r.client = await this.makeClient(r.engine, r.socket, { labelMaxLen: this.config.labelMaxLen });
      } catch (err) {
        this.warnOnce(r, `cannot use the ${r.engine} socket ${r.socket}: ${message(err)}`);
        return;
      }
    }
    if (r.stopWatch === undefined) this.watch(r, r.client);
    await this.listAll(r, r.client);
  }

  private watch(r: Runtime, client: RuntimeClient): void {
    r.stopWatch = client.watch(
      (e) => {
        const id = e.fullId.slice(0, 12);
        if (e.partial !== undefined) this.keepPartial(id, e.partial);
        if (e.kind === 'remove') {
          if (!this.known.has(id) && e.partial !== undefined) this.describe(e.partial);
          this.forgetLater(id);
          return;
        }
        // create and start: described once, as soon as the runtime has it (before its first process).
        if (e.kind === 'create' || !this.known.has(id)) void this.describeById(r, client, e.fullId);
      },
      (err) => {
        r.stopWatch = undefined;
        this.warnOnce(r, `the ${r.engine} event stream of ${r.socket} stopped: ${message(err)}`);
      },
    );
  }

  private async listAll(r: Runtime, client: RuntimeClient): Promise<void> {
    let ids: string[];
    try {
      ids = await client.list(AbortSignal.timeout(this.config.lookupTimeoutMs));
    } catch (err) {
      this.warnOnce(r, `cannot list the containers of ${r.socket}: ${message(err)}`);
      return;
    }
    r.warned = false;
    await Promise.all(ids.filter((id) => !this.known.has(id.slice(0, 12))).map((id) => this.describeById(r, client, id)));
  }

  /** Inspect a container a runtime reported; one already gone is described by what its events said. */
  private async describeById(r: Runtime, client: RuntimeClient, fullId: string): Promise<void> {
    const id = fullId.slice(0, 12);
    try {
      const c = await client.inspect(fullId, AbortSignal.timeout(this.config.lookupTimeoutMs));
      if (c !== undefined) { this.describe(c); return; }
    } catch (err) {
      this.warnOnce(r, `container lookup of ${id} on ${r.socket} failed: ${message(err)}`);
    }
    const partial = this.partials.get(id);
    if (partial !== undefined && !this.known.has(id)) this.describe(partial);
  }

  private keepPartial(id: string, c: RuntimeContainer): void {
    this.partials.delete(id);
    this.partials.set(id, c);
    if (this.partials.size > PARTIALS_KEPT) this.partials.delete(this.partials.keys().next().value!);
  }

  /** Forget the containers the runtimes no longer have, and let the undescribed ones be asked about again. */
  private async reconcile(): Promise<void> {
    for (const [id, at] of this.failed) {
      if (Date.now() - at < FAILED_RETRY_MS) continue;
      this.failed.delete(id);
      this.sink.removed(id);
    }
    const clients = this.runtimes.flatMap((r) => (r.client === undefined ? [] : [r.client]));
    if (clients.length === 0 || this.known.size === 0) return;
    const alive = new Set<string>();
    try {
      for (const client of clients) for (const id of await client.list(AbortSignal.timeout(this.config.lookupTimeoutMs))) alive.add(id.slice(0, 12));
    } catch {
      return; // a runtime that cannot list now says nothing of its containers: try again later
    }
    for (const id of this.known.keys()) if (!alive.has(id)) this.forgetLater(id);
  }

  /** The runtime removed the container: the state forgets it after a grace period. */
  private forgetLater(id: string): void {
    if (this.leaving.has(id) || this.closed) return;
    this.leaving.add(id);
    const t = setTimeout(() => {
      this.removals.delete(t);
      this.leaving.delete(id);
      this.known.delete(id);
      this.partials.delete(id);
      this.sink.removed(id);
    }, REMOVE_GRACE_MS);
    t.unref();
    this.removals.add(t);
  }

  private warnOnce(r: Runtime, msg: string): void {
    if (r.warned || this.closed) return;
    r.warned = true;
    this.sink.warn(msg);
  }
}

/** What the state records when no runtime could describe a container: sinsp's lookup_state 2 (failed). */
function failedLookupJson(id: string, fullId: string, type: number): string {
  return JSON.stringify({ container: { id, full_id: fullId, type, lookup_state: 2 } });
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/[\r\n]+/g, ' ');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
