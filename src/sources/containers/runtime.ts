// What a container runtime tells about one container, and the interface every runtime client
// (Docker Engine API, Kubernetes CRI) offers the container metadata source. A lookup ends as
// sinsp's container JSON (the payload of the `container` event), so a container learnt live and
// one read from a capture reach the state the same way.

/** sinsp_container_type numbers of the runtimes that have a client (container.type names them). */
export const RuntimeType = { DOCKER: 0, CRI: 6, CONTAINERD: 7, CRIO: 8, PODMAN: 11 } as const;

/** The engines of Falco's container plugin configuration that ghostwatch asks over a socket. */
export type EngineName = 'docker' | 'podman' | 'containerd' | 'cri';

export interface ClientOptions {
  /** Label values longer than this (in bytes) are left out, as Falco's label_max_len. */
  readonly labelMaxLen: number;
}

/** The labels whose values are at most maxLen bytes long. */
export function keepShortLabels(labels: Readonly<Record<string, string>>, maxLen: number): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (Buffer.byteLength(value) <= maxLen) kept[key] = value;
  }
  return kept;
}

export interface RuntimeMount {
  readonly source: string;
  readonly dest: string;
  readonly mode: string;
  readonly rw: boolean;
  readonly propagation: string;
}

export interface RuntimeContainer {
  /** The whole id (64 hex digits for runc-based runtimes); container.id is its first 12 characters. */
  readonly fullId: string;
  /** A RuntimeType value. */
  readonly type: number;
  readonly name: string;
  /** The image as the container was created from it (e.g. docker.io/library/busybox:1.36). */
  readonly image: string;
  /** The image id without its "sha256:" prefix. */
  readonly imageId: string;
  readonly imageRepo: string;
  readonly imageTag: string;
  /** "sha256:..." when the runtime knows the registry digest. */
  readonly imageDigest: string;
  readonly privileged: boolean;
  readonly mounts: readonly RuntimeMount[];
  /** Labels; values longer than label_max_len are left out. */
  readonly labels: Readonly<Record<string, string>>;
  /** Seconds since the epoch. */
  readonly createdTime: number;
  /** Primary IPv4 address, '' when none. */
  readonly ip: string;
  /** CRI: the pod's CNI result as JSON text, '' otherwise. */
  readonly cniJson: string;
  readonly hostPid: boolean;
  readonly hostNetwork: boolean;
  readonly hostIpc: boolean;
  /** The user the container runs as, as configured ('' when the image's default). */
  readonly user: string;
  /** True for a Kubernetes pod sandbox (the pause container). */
  readonly isPodSandbox: boolean;
  /** CRI: the full id of the container's pod sandbox ('' otherwise). */
  readonly podSandboxId: string;
  /** CRI: the pod's labels (from the sandbox), {} otherwise. */
  readonly podSandboxLabels: Readonly<Record<string, string>>;
}

/** A change the runtime reports about a container, by its whole id. */
export interface RuntimeEvent {
  readonly kind: 'create' | 'start' | 'stop' | 'remove';
  readonly fullId: string;
  /**
   * What the event itself says of the container (Docker API events carry its name, image and
   * labels): the description of a container already gone when it could be inspected.
   */
  readonly partial?: RuntimeContainer;
}

/** A description with only what an event tells; everything else empty. */
export function partialContainer(fullId: string, type: number, name: string, image: string, labels: Readonly<Record<string, string>>): RuntimeContainer {
  const { repo, tag, digest } = splitImageRef(image);
  return {
    fullId, type, name, image, imageId: '', imageRepo: repo, imageTag: tag, imageDigest: digest, privileged: false,
    mounts: [], labels, createdTime: 0, ip: '', cniJson: '', hostPid: false, hostNetwork: false, hostIpc: false,
    user: '', isPodSandbox: false, podSandboxId: '', podSandboxLabels: {},
  };
}

export interface RuntimeClient {
  readonly engine: EngineName;
  /** The socket path as configured (before HOST_ROOT). */
  readonly socket: string;
  /**
   * Metadata of one container, by its whole id or a unique prefix; undefined when this runtime
   * has no such container. Rejects when the runtime cannot be reached, answers garbage, or the
   * signal aborts (a timeout).
   */
  inspect(id: string, signal: AbortSignal): Promise<RuntimeContainer | undefined>;
  /** The whole ids of the containers the runtime has now (CRI: pod sandboxes too). */
  list(signal: AbortSignal): Promise<string[]>;
  /**
   * Follow the runtime's container events until the returned function is called. onError is
   * called once when the stream cannot be opened or breaks; the caller decides when to watch again.
   */
  watch(onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): () => void;
  /** Release connections; pending calls reject. */
  close(): void;
}

/**
 * sinsp's container JSON for a container the runtime described (lookup_state 1: successful), as
 * the `container` event carries it and sysdig 0.29.3 reads it.
 */
export function containerJson(c: RuntimeContainer): string {
  return JSON.stringify({
    container: {
      id: c.fullId.slice(0, 12), full_id: c.fullId, type: c.type, name: c.name, image: c.image,
      imageid: c.imageId, imagerepo: c.imageRepo, imagetag: c.imageTag, imagedigest: c.imageDigest,
      privileged: c.privileged, is_pod_sandbox: c.isPodSandbox, lookup_state: 1, created_time: c.createdTime,
      Mounts: c.mounts.map((m) => ({ Source: m.source, Destination: m.dest, Mode: m.mode, RW: m.rw, Propagation: m.propagation })),
      labels: c.labels, ip: c.ip, cni_json: c.cniJson, User: c.user,
      host_pid: c.hostPid, host_network: c.hostNetwork, host_ipc: c.hostIpc,
      pod_sandbox_id: c.podSandboxId, pod_sandbox_labels: c.podSandboxLabels,
    },
  });
}

/** "repo:tag" (the registry may have a port: "host:5000/repo:tag") → [repo, tag]; tag '' when none. */
export function splitImageRef(ref: string): { repo: string; tag: string; digest: string } {
  let rest = ref;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { repo: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repo: rest, tag: '', digest };
}
