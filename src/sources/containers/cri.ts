// A Kubernetes CRI (runtime.v1) client over gRPC, for containerd's CRI plugin, CRI-O and any other
// CRI runtime: engine 'cri', and engine 'containerd' (the host's containerd socket seen from a pod,
// which serves the same API). It describes a container or a pod sandbox as libsinsp's CRI lookup and
// Falco's container plugin (go-worker cri.go) do:
// - a container from ContainerStatus (verbose: its "info" JSON carries the OCI spec, the config the
//   kubelet sent and the sandbox id), completed with its pod from PodSandboxStatus: the pod's labels,
//   IP, CNI result and host namespaces, and io.kubernetes.pod.{name,namespace,uid} labels from the
//   sandbox metadata;
// - an id that is no container may be a pod sandbox (the pause container has a cgroup of its own):
//   PodSandboxStatus alone then describes it, with the pod's labels as its labels.
// Events come from GetContainerEvents; runtimes without it (containerd before 1.7) are polled.
import type * as Grpc from '@grpc/grpc-js';
import { loadCriApi } from './cri-api.js';
import {
  RuntimeType, splitImageRef,
  keepShortLabels, type ClientOptions, type RuntimeClient, type RuntimeContainer, type RuntimeEvent, type RuntimeMount,
} from './runtime.js';

/** A CRI client of the runtime at `socket` (the path connected to), speaking for `engine`. */
export function criClient(engine: 'cri' | 'containerd', socket: string, opts: ClientOptions): CriClient {
  return new CriClient(engine, socket, opts.labelMaxLen);
}

/** How often the runtime is listed when it cannot stream events. */
export const POLL_INTERVAL_MS = 500;
/** How long one listing of a polled runtime may take before the watch counts as broken. */
const POLL_TIMEOUT_MS = 10_000;
/** libsinsp's bound on the CNI result kept (MAX_CNIRESULT_LENGTH). */
const MAX_CNI_JSON = 4096;
/** containerd answers up to 16 MiB; gRPC's default limit for a client is 4 MiB. */
const MAX_MESSAGE = 16 << 20;

// ---- Decoded messages (cri-api.ts: camelCase, enums by name, int64 as decimal strings, absent
// messages as null). Only the fields read here.

interface CriMount {
  readonly containerPath: string;
  readonly hostPath: string;
  readonly readonly: boolean;
  readonly propagation: string;
}

interface NamespaceOption {
  readonly network: string;
  readonly pid: string;
  readonly ipc: string;
}

export interface CriContainerStatus {
  readonly id: string;
  readonly metadata: { readonly name: string } | null;
  readonly createdAt: string;
  readonly image: { readonly image: string } | null;
  readonly imageRef: string;
  /** Set by runtimes of CRI 1.31 and later only. */
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly mounts: readonly CriMount[];
  readonly user: { readonly linux: { readonly uid: string } | null } | null;
}

export interface CriSandboxStatus {
  readonly id: string;
  readonly metadata: { readonly name: string; readonly uid: string; readonly namespace: string } | null;
  readonly createdAt: string;
  readonly network: { readonly ip: string; readonly additionalIps: readonly { readonly ip: string }[] } | null;
  readonly linux: { readonly namespaces: { readonly options: NamespaceOption | null } | null } | null;
  readonly labels: Readonly<Record<string, string>>;
}

interface StatusResponse<S> {
  readonly status: S | null;
  readonly info: Readonly<Partial<Record<string, string>>>;
}

type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

interface ContainerEvent {
  readonly containerId: string;
  readonly containerEventType: string;
}

/** gRPC status codes read here (@grpc/grpc-js `status`, without loading it). */
const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

// ---- What the client asks

/** A failed call: one line naming the socket; `code` is the gRPC status when the runtime sent one. */
export class CriError extends Error {
  constructor(message: string, readonly code?: number) {
    super(message.replace(/\s+/g, ' ').trim());
  }
}

interface Stubs {
  readonly runtime: Grpc.Client;
  readonly image: Grpc.Client;
}

type UnaryMethod = (request: object, callback: (err: Grpc.ServiceError | null, res: unknown) => void) => Grpc.ClientUnaryCall;

export class CriClient implements RuntimeClient {
  /**
   * How the last watch() follows the runtime: 'events' once GetContainerEvents streams, 'polling'
   * when the runtime does not implement it (containerd 1.6); undefined before it is known.
   */
  watchSource: 'events' | 'polling' | undefined;

  private stubs: Promise<Stubs> | undefined;
  private runtimeType: Promise<number> | undefined;
  private closed = false;
  /** Cancels every call and watch in flight (close()). */
  private readonly inFlight = new Set<() => void>();

  constructor(
    readonly engine: 'cri' | 'containerd',
    readonly socket: string,
    private readonly labelMaxLen: number,
  ) {}

  async inspect(id: string, signal: AbortSignal): Promise<RuntimeContainer | undefined> {
    if (id === '') return undefined;
    const [type, container] = await Promise.all([
      this.typeOfRuntime(signal),
      this.unlessNotFound(this.call<StatusResponse<CriContainerStatus>>('runtime', 'ContainerStatus', { containerId: id, verbose: true }, signal)),
    ]);
    if (container !== undefined) return this.describeContainer(container, type, signal);
    const sandbox = await this.unlessNotFound(this.sandboxStatus(id, signal));
    return sandbox === undefined ? undefined : describeSandbox(sandbox.status, sandbox.info, type, this.labelMaxLen);
  }

  async list(signal: AbortSignal): Promise<string[]> {
    return [...(await this.running(signal)).keys()];
  }

  watch(onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): () => void {
    let stop: () => void = () => {};
    let stopped = false;
    let failed = false;
    const cancel = () => {
      stopped = true;
      this.inFlight.delete(cancel);
      stop();
    };
    const fail = (err: Error) => {
      if (stopped || failed) return;
      failed = true;
      cancel();
      onError(err);
    };
    const deliver = (e: RuntimeEvent) => {
      if (stopped) return;
      try {
        onEvent(e);
      } catch (err) {
        fail(this.error('watch', `the event handler threw: ${(err as Error).message}`));
      }
    };
    this.inFlight.add(cancel);
    this.connect().then((stubs) => {
      if (stopped) return;
      const stream = (stubs.runtime as unknown as { GetContainerEvents(req: object): Grpc.ClientReadableStream<ContainerEvent> })
        .GetContainerEvents({});
      stop = () => stream.cancel();
      stream.on('data', (e: ContainerEvent) => {
        this.watchSource = 'events';
        const kind = EVENT_KIND[e.containerEventType];
        if (kind !== undefined && e.containerId !== '') deliver({ kind, fullId: e.containerId });
      });
      let streamFailed = false;
      stream.on('error', (err: Grpc.ServiceError) => {
        streamFailed = true;
        if (stopped) return;
        const code: number = err.code;
        if (code === UNIMPLEMENTED) {
          // containerd 1.6 has no GetContainerEvents: list the runtime every POLL_INTERVAL_MS and
          // report what appeared, started, stopped and disappeared in between.
          this.watchSource = 'polling';
          stop = this.poll(deliver, fail);
        } else fail(this.error('GetContainerEvents', err.details || err.message, err.code));
      });
      // grpc-js ends the stream after an error too.
      stream.on('end', () => {
        if (!streamFailed) fail(this.error('GetContainerEvents', 'the runtime ended the event stream'));
      });
    }, (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
    return cancel;
  }

  close(): void {
    this.closed = true;
    for (const cancel of [...this.inFlight]) cancel();
    void this.stubs?.then((s) => s.runtime.close(), () => {});
  }

  /** Whole id → whether it runs (a container) or is ready (a sandbox), for every one the runtime has. */
  private async running(signal: AbortSignal): Promise<Map<string, boolean>> {
    const [containers, sandboxes] = await Promise.all([
      this.call<{ containers: readonly { id: string; state: ContainerState }[] }>('runtime', 'ListContainers', {}, signal),
      this.call<{ items: readonly { id: string; state: SandboxState }[] }>('runtime', 'ListPodSandbox', {}, signal),
    ]);
    const running = new Map<string, boolean>();
    for (const c of containers.containers) running.set(c.id, c.state === 'CONTAINER_RUNNING');
    for (const s of sandboxes.items) running.set(s.id, s.state === 'SANDBOX_READY');
    return running;
  }

  private poll(onEvent: (e: RuntimeEvent) => void, fail: (err: Error) => void): () => void {
    let known: Map<string, boolean> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const tick = () => {
      this.running(AbortSignal.timeout(POLL_TIMEOUT_MS)).then((now) => {
        if (stopped) return;
        if (known !== undefined) for (const e of changes(known, now)) onEvent(e);
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- onEvent may end the watch (microsoft/TypeScript#9998)
        if (stopped) return;
        known = now;
        timer = setTimeout(tick, POLL_INTERVAL_MS);
      }, fail);
    };
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  private async describeContainer(res: StatusResponse<CriContainerStatus>, type: number, signal: AbortSignal): Promise<RuntimeContainer> {
    const status = res.status;
    if (status === null || status.id === '') throw this.error('ContainerStatus', 'the answer has no container status');
    const info = this.verboseInfo('ContainerStatus', res.info);
    const sandboxId = stringAt(info, 'sandboxID') || (await this.sandboxIdOf(status.id, signal));
    const [sandbox, imageId] = await Promise.all([
      sandboxId === '' ? undefined : this.unlessNotFound(this.sandboxStatus(sandboxId, signal)),
      this.imageIdOf(status, info, signal),
    ]);
    const pod = sandbox?.status;
    return {
      ...describeImage(status, info),
      fullId: status.id,
      type,
      name: status.metadata?.name ?? '',
      imageId,
      privileged: privilegedIn(info),
      mounts: status.mounts.map(mountOf),
      labels: {
        ...keepShortLabels(status.labels, this.labelMaxLen),
        ...(sandboxId === '' ? {} : { 'io.kubernetes.sandbox.id': sandboxId }),
        ...(pod?.metadata ? podLabels(pod.metadata) : {}),
      },
      createdTime: secondsOf(status.createdAt),
      ...describePod(pod, sandbox?.info, this.labelMaxLen),
      user: userOf(status, info),
      isPodSandbox: false,
      podSandboxId: sandboxId,
    };
  }

  /** The sandbox of a container whose status did not say (a runtime without verbose info). */
  private async sandboxIdOf(id: string, signal: AbortSignal): Promise<string> {
    const res = await this.call<{ containers: readonly { podSandboxId: string }[] }>('runtime', 'ListContainers', { filter: { id } }, signal);
    return res.containers[0]?.podSandboxId ?? '';
  }

  /**
   * The image id without "sha256:": from the status (CRI 1.31+), else the image the kubelet created
   * the container with when that is an id (it sends the id it pulled), else ImageStatus.
   */
  private async imageIdOf(status: CriContainerStatus, info: JsonObject, signal: AbortSignal): Promise<string> {
    const configured = stringAt(objectAt(objectAt(info, 'config'), 'image'), 'image');
    const known = status.imageId || (configured.startsWith('sha256:') ? configured : '');
    if (known !== '') return withoutSha256(known);
    const ref = status.imageRef || status.image?.image || '';
    if (ref === '') return '';
    const res = await this.call<{ image: { id: string } | null }>('image', 'ImageStatus', { image: { image: ref } }, signal);
    return withoutSha256(res.image?.id ?? '');
  }

  private sandboxStatus(id: string, signal: AbortSignal): Promise<{ status: CriSandboxStatus; info: JsonObject }> {
    return this.call<StatusResponse<CriSandboxStatus>>('runtime', 'PodSandboxStatus', { podSandboxId: id, verbose: true }, signal).then((res) => {
      if (res.status === null || res.status.id === '') throw this.error('PodSandboxStatus', 'the answer has no sandbox status');
      return { status: res.status, info: this.verboseInfo('PodSandboxStatus', res.info) };
    });
  }

  /** RuntimeType of the runtime, from its Version (asked once). */
  private typeOfRuntime(signal: AbortSignal): Promise<number> {
    if (this.runtimeType === undefined) {
      const asked = this.call<{ runtimeName: string }>('runtime', 'Version', {}, signal).then((v) => runtimeTypeOf(v.runtimeName));
      this.runtimeType = asked;
      asked.catch(() => {
        if (this.runtimeType === asked) this.runtimeType = undefined;
      });
    }
    return this.runtimeType;
  }

  private async unlessNotFound<T>(answer: Promise<T>): Promise<T | undefined> {
    try {
      return await answer;
    } catch (e) {
      if (e instanceof CriError && e.code === NOT_FOUND) return undefined;
      throw e;
    }
  }

  /** One unary call; rejects with a CriError, at the latest when `signal` aborts or close() is called. */
  private async call<T>(service: keyof Stubs, method: string, request: object, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw this.error(method, abortedBy(signal));
    const stubs = await this.connect();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | undefined, res?: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        this.inFlight.delete(cancel);
        if (err !== undefined) {
          pending.cancel();
          reject(err);
        } else if (typeof res !== 'object' || res === null) reject(this.error(method, 'the answer is empty'));
        else resolve(res as T);
      };
      const onAbort = () => settle(this.error(method, abortedBy(signal)));
      const cancel = () => settle(this.error(method, 'the client was closed'));
      const stub = stubs[service] as unknown as Record<string, UnaryMethod>;
      const pending = stub[method].call(stub, request, (err, res) => {
        settle(err === null ? undefined : this.error(method, err.details || err.message, err.code), res);
      });
      signal.addEventListener('abort', onAbort, { once: true });
      this.inFlight.add(cancel);
    });
  }

  private connect(): Promise<Stubs> {
    if (this.closed) return Promise.reject(this.error('connect', 'the client was closed'));
    this.stubs ??= loadCriApi().then(({ grpc, RuntimeService, ImageService }) => {
      const credentials = grpc.credentials.createInsecure();
      const options = { 'grpc.max_receive_message_length': MAX_MESSAGE };
      const runtime = new RuntimeService(`unix:${this.socket}`, credentials, options);
      const image = new ImageService(`unix:${this.socket}`, credentials, { ...options, channelOverride: runtime.getChannel() });
      return { runtime, image };
    });
    return this.stubs;
  }

  /** The "info" JSON of a verbose status ({} when the runtime sent none). */
  private verboseInfo(method: string, info: Readonly<Partial<Record<string, string>>>): JsonObject {
    const text = info.info;
    if (text === undefined || text === '') return {};
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.error(method, `the verbose info is not JSON: ${text.slice(0, 80)}`);
    }
    if (!isObject(json)) throw this.error(method, 'the verbose info is not a JSON object');
    return json;
  }

  private error(method: string, what: string, code?: number): CriError {
    return new CriError(`${this.engine} socket ${this.socket}: ${method}: ${what}`, code);
  }
}

const EVENT_KIND: Readonly<Partial<Record<string, RuntimeEvent['kind']>>> = {
  CONTAINER_CREATED_EVENT: 'create',
  CONTAINER_STARTED_EVENT: 'start',
  CONTAINER_STOPPED_EVENT: 'stop',
  CONTAINER_DELETED_EVENT: 'remove',
};

function abortedBy(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : String(reason);
  return `no answer before the signal aborted (${why})`;
}

// ---- Mapping the answers (pure; exported for the tests)

/** libsinsp's container type by the runtime_name Version() answers. */
export function runtimeTypeOf(runtimeName: string): number {
  if (runtimeName === 'containerd') return RuntimeType.CONTAINERD;
  if (runtimeName === 'cri-o') return RuntimeType.CRIO;
  return RuntimeType.CRI;
}

/**
 * The events that turn the runtime's listing `before` into `after` (whole id → running or ready):
 * a new id is created (and started when it runs), a known one started or stopped when that
 * changed, and a missing one removed.
 */
export function changes(before: ReadonlyMap<string, boolean>, after: ReadonlyMap<string, boolean>): RuntimeEvent[] {
  const events: RuntimeEvent[] = [];
  for (const [fullId, running] of after) {
    const was = before.get(fullId);
    if (was === undefined) events.push({ kind: 'create', fullId });
    if (running && was !== true) events.push({ kind: 'start', fullId });
    if (!running && was === true) events.push({ kind: 'stop', fullId });
  }
  for (const fullId of before.keys()) {
    if (!after.has(fullId)) events.push({ kind: 'remove', fullId });
  }
  return events;
}

/** Falco's names of the CRI mount propagations. */
const PROPAGATION: Readonly<Record<string, string>> = {
  PROPAGATION_PRIVATE: 'private',
  PROPAGATION_HOST_TO_CONTAINER: 'rslave',
  PROPAGATION_BIDIRECTIONAL: 'rshared',
};

function mountOf(m: CriMount): RuntimeMount {
  return { source: m.hostPath, dest: m.containerPath, mode: '', rw: !m.readonly, propagation: PROPAGATION[m.propagation] ?? 'unknown' };
}

/**
 * The image fields as libsinsp's parse_cri_image: the image_ref "repo@sha256:..." gives the
 * repository and digest, the status's image its tag; an image_ref that is only "sha256:..." is kept
 * as the digest; a name that is empty or an id is taken from the OCI annotations the runtimes set.
 */
export function describeImage(status: Pick<CriContainerStatus, 'image' | 'imageRef'>, info: JsonObject):
  Pick<RuntimeContainer, 'image' | 'imageRepo' | 'imageTag' | 'imageDigest'> {
  const configured = status.image?.image ?? '';
  const ref = status.imageRef;
  let image = configured;
  let digest = '';
  let tagFromConfigured = false;
  const at = ref.indexOf('sha256:');
  if (at === 0) digest = ref;
  else if (at > 0 && ref[at - 1] === '@') {
    image = ref.slice(0, at - 1);
    digest = ref.slice(at);
    tagFromConfigured = true;
  }
  if (image === '' || image.startsWith('sha256')) {
    const annotations = objectAt(objectAt(info, 'runtimeSpec'), 'annotations');
    const named = stringAt(annotations, 'io.kubernetes.cri.image-name')
      || stringAt(annotations, 'io.kubernetes.cri-o.Image')
      || stringAt(annotations, 'io.kubernetes.cri-o.ImageName');
    if (named !== '') {
      image = named;
      tagFromConfigured = false;
    }
  }
  const split = splitImageRef(image);
  let tag = split.tag;
  if (tagFromConfigured) {
    tag = splitImageRef(configured).tag;
    if (tag !== '') image = `${image}:${tag}`;
  }
  return { image, imageRepo: split.repo, imageTag: tag, imageDigest: digest || split.digest };
}

/**
 * Whether the container is privileged: the OCI spec's security context (older containerd), the
 * kubelet's config as containerd records it, or CRI-O's "privileged".
 */
export function privilegedIn(info: JsonObject): boolean {
  const places = [
    objectAt(objectAt(objectAt(info, 'runtimeSpec'), 'linux'), 'security_context'),
    objectAt(objectAt(objectAt(info, 'config'), 'linux'), 'security_context'),
    info,
  ];
  for (const place of places) {
    const v = place.privileged;
    if (typeof v === 'boolean') return v;
  }
  return false;
}

/** The uid the container's process starts as (libsinsp: the OCI spec's process.user.uid). */
function userOf(status: CriContainerStatus, info: JsonObject): string {
  const uid = objectAt(objectAt(objectAt(info, 'runtimeSpec'), 'process'), 'user').uid;
  if (typeof uid === 'number' && Number.isInteger(uid)) return String(uid);
  return status.user?.linux?.uid ?? '';
}

/** The pod's part of a description: its labels, network and host namespaces. */
function describePod(pod: CriSandboxStatus | undefined, podInfo: JsonObject | undefined, labelMaxLen: number):
  Pick<RuntimeContainer, 'podSandboxLabels' | 'ip' | 'cniJson' | 'hostPid' | 'hostNetwork' | 'hostIpc'> {
  const ns = pod?.linux?.namespaces?.options;
  return {
    podSandboxLabels: pod === undefined ? {} : keepShortLabels(pod.labels, labelMaxLen),
    ip: pod === undefined ? '' : podIpv4(pod),
    cniJson: podInfo === undefined ? '' : cniJsonOf(podInfo),
    hostPid: ns?.pid === 'NODE',
    hostNetwork: ns?.network === 'NODE',
    hostIpc: ns?.ipc === 'NODE',
  };
}

/** A pod sandbox (its pause container) as a container: the pod's name, labels and network. */
export function describeSandbox(pod: CriSandboxStatus, podInfo: JsonObject, type: number, labelMaxLen: number): RuntimeContainer {
  const described = describePod(pod, podInfo, labelMaxLen);
  return {
    fullId: pod.id,
    type,
    name: pod.metadata?.name ?? '',
    image: '',
    imageId: '',
    imageRepo: '',
    imageTag: '',
    imageDigest: '',
    privileged: false,
    mounts: [],
    labels: {
      ...described.podSandboxLabels,
      'io.kubernetes.sandbox.id': pod.id,
      ...(pod.metadata ? podLabels(pod.metadata) : {}),
    },
    createdTime: secondsOf(pod.createdAt),
    ...described,
    user: '',
    isPodSandbox: true,
    podSandboxId: pod.id,
  };
}

function podLabels(metadata: NonNullable<CriSandboxStatus['metadata']>): Record<string, string> {
  return {
    'io.kubernetes.pod.uid': metadata.uid,
    'io.kubernetes.pod.name': metadata.name,
    'io.kubernetes.pod.namespace': metadata.namespace,
  };
}

/** The pod's first IPv4 address; '' on the host's network (the runtime reports none). */
function podIpv4(pod: CriSandboxStatus): string {
  if (pod.linux?.namespaces?.options?.network === 'NODE') return '';
  const ips = [pod.network?.ip ?? '', ...(pod.network?.additionalIps ?? []).map((a) => a.ip)];
  return ips.find((ip) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) ?? '';
}

/**
 * The pod's CNI result as libsinsp keeps it: containerd's cniResult.Interfaces without the loopback
 * and host-side veth interfaces, and without their MAC and netns path; CRI-O's annotation as is.
 */
export function cniJsonOf(podInfo: JsonObject): string {
  const interfaces = objectAt(objectAt(podInfo, 'cniResult'), 'Interfaces');
  let json = '';
  if (Object.keys(interfaces).length > 0) {
    const kept: Record<string, unknown> = {};
    for (const [name, iface] of Object.entries(interfaces)) {
      if (name === 'lo' || name.startsWith('veth')) continue;
      kept[name] = isObject(iface) ? Object.fromEntries(Object.entries(iface).filter(([k]) => k !== 'Mac' && k !== 'Sandbox')) : iface;
    }
    json = JSON.stringify(kept);
  } else {
    json = stringAt(objectAt(objectAt(podInfo, 'runtimeSpec'), 'annotations'), 'io.kubernetes.cri-o.CNIResult');
  }
  return json.length > MAX_CNI_JSON ? json.slice(0, MAX_CNI_JSON) : json;
}

/** CRI timestamps are nanoseconds (decimal strings here). */
function secondsOf(nanoseconds: string): number {
  return /^\d+$/.test(nanoseconds) ? Number(BigInt(nanoseconds) / 1_000_000_000n) : 0;
}

function withoutSha256(id: string): string {
  return id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
}

// ---- The verbose "info" JSON, read leniently: what is absent or of another type reads as empty,
// as in libsinsp (runtimes differ in what they put there).

export type JsonObject = { readonly [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectAt(o: JsonObject, key: string): JsonObject {
  const v = o[key];
  return isObject(v) ? v : {};
}

function stringAt(o: JsonObject, key: string): string {
  const v = o[key];
  return typeof v === 'string' ? v : '';
}
