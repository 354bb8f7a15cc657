// Containers: which container a thread runs in, found from its cgroups the way sinsp's container
// engines do it when reading a capture (podman, docker, cri-o/containerd, lxc, libvirt-lxc, bpm;
// nothing is asked of a runtime), and what the capture's container events say about each one.
import type { ContainerInfo } from './types.js';
import type { ThreadEntry } from './threads.js';

/** sinsp_container_type values, with the names container.type prints. */
export const ContainerType = {
  DOCKER: 0, LXC: 1, LIBVIRT_LXC: 2, MESOS: 3, RKT: 4, CUSTOM: 5, CRI: 6, CONTAINERD: 7, CRIO: 8,
  BPM: 9, STATIC: 10, PODMAN: 11,
} as const;
const TYPE_NAMES = ['docker', 'lxc', 'libvirt-lxc', 'mesos', 'rkt', 'custom', 'cri', 'containerd', 'cri-o', 'bpm', 'static', 'podman'];

/** Container lookup states (sinsp_container_lookup_state). */
const LOOKUP_STARTED = 0, LOOKUP_SUCCESSFUL = 1, LOOKUP_FAILED = 2;

/** Thread categories (sinsp's command_category), kept in ThreadInfo.category. */
export const Category = { NONE: 0, CONTAINER: 1, HEALTHCHECK: 2, LIVENESS_PROBE: 3, READINESS_PROBE: 4 } as const;
const PROBE_KEYS = ['Healthcheck', 'LivenessProbe', 'ReadinessProbe'];

/** A container with every optional field of ContainerInfo present. */
export type Container = ContainerInfo & Required<Pick<ContainerInfo,
  'typeId' | 'fullId' | 'lookupSuccessful' | 'isPodSandbox' | 'createdTime' | 'ip' | 'probes' | 'cniJson' | 'hostPid'
  | 'hostNetwork' | 'hostIpc' | 'podSandboxId' | 'podSandboxLabels'>>;

export function newContainer(id: string, type: number): Container {
  return {
    id, type: TYPE_NAMES[type] ?? '', typeId: type, name: '', image: '', imageId: '', imageRepo: '', imageTag: '',
    imageDigest: '', privileged: false, mounts: [], labels: {}, startTs: 0, fullId: '', lookupSuccessful: true,
    isPodSandbox: false, createdTime: 0, ip: 0, probes: [], cniJson: '', hostPid: false, hostNetwork: false, hostIpc: false,
    podSandboxId: '', podSandboxLabels: {},
  };
}

interface CgroupLayout { prefix: string; suffix: string }
const DOCKER_LAYOUT: CgroupLayout[] = [{ prefix: '/', suffix: '' }, { prefix: '/docker-', suffix: '.scope' }];
// Falco's container plugin also knows podman without systemd (this sandbox's /libpod_parent/libpod-<id>),
// the systemd sub-cgroup (.scope/container), and the split cgroup mode (libpod-payload-).
const PODMAN_LAYOUT: CgroupLayout[] = [
  { prefix: '/libpod-', suffix: '.scope' }, { prefix: '/libpod-', suffix: '.scope/container' }, { prefix: '/libpod-', suffix: '' },
  { prefix: '/libpod-payload-', suffix: '.scope' }, { prefix: '/libpod-payload-', suffix: '.scope/container' },
  { prefix: '/libpod-payload-', suffix: '' },
];
// The kubepods hierarchies end the same way: /kubepods/<qos>/pod<uid>/<id> (cgroupfs) or
// /kubepods.slice/.../cri-containerd-<id>.scope, crio-<id>.scope, docker-<id>.scope (systemd).
const CRI_LAYOUT: CgroupLayout[] = [
  { prefix: '/', suffix: '' }, { prefix: '/crio-', suffix: '' }, { prefix: '/cri-containerd-', suffix: '.scope' },
  { prefix: '/crio-', suffix: '.scope' }, { prefix: ':cri-containerd:', suffix: '' }, { prefix: '/docker-', suffix: '.scope' },
  { prefix: '/nerdctl-', suffix: '.scope' },
];
const ID_LENGTH = 64;
const SHORT_ID_LENGTH = 12;
const HEX = /^[0-9a-fA-F]$/;

/** A container id read from a cgroup: the short one (container.id) and the whole one. */
export interface CgroupId { readonly id: string; readonly fullId: string }

/**
 * The id when the cgroup ends with prefix + 64 hex digits + suffix (runc's layout). The hex check
 * mirrors sinsp's and the container plugin's, which compare the first bad character's absolute
 * position to 64.
 */
function matchOneId(cgroup: string, { prefix, suffix }: CgroupLayout): CgroupId | undefined {
  let start = cgroup.lastIndexOf(prefix);
  if (start < 0) return undefined;
  start += prefix.length;
  if (!cgroup.endsWith(suffix)) return undefined;
  const end = cgroup.length - suffix.length;
  if (end - start !== ID_LENGTH) return undefined;
  for (let i = start; i < ID_LENGTH; i++) if (!HEX.test(cgroup[i])) return undefined;
  const fullId = cgroup.substring(start, end);
  return { id: fullId.substring(0, SHORT_ID_LENGTH), fullId };
}

type Cgroups = readonly (readonly [string, string])[];

function matchRuncCgroups(cgroups: Cgroups, layouts: CgroupLayout[]): CgroupId | undefined {
  for (const [, cgroup] of cgroups) {
    if (cgroup.length <= ID_LENGTH) continue;
    for (const l of layouts) {
      const id = matchOneId(cgroup, l);
      if (id !== undefined) return id;
    }
  }
  return undefined;
}

function matchLxc(cgroups: Cgroups): string | undefined {
  for (const [, cgroup] of cgroups) {
    for (const marker of LXC_MARKERS) {
      const pos = cgroup.indexOf(marker);
      if (pos < 0) continue;
      const start = pos + marker.length;
      const end = cgroup.indexOf('/', start);
      return cgroup.substring(start, end < 0 ? undefined : end);
    }
  }
  return undefined;
}
const LXC_MARKERS = ['/lxc/', '/lxc.payload/'];

function matchLibvirtLxc(cgroups: Cgroups): string | undefined {
  for (const [, cgroup] of cgroups) {
    let pos = cgroup.indexOf('.libvirt-lxc');
    if (pos >= 0 && pos === cgroup.length - '.libvirt-lxc'.length) {
      const slash = cgroup.lastIndexOf('/');
      if (slash >= 0) return cgroup.substring(slash + 1, pos);
    }
    pos = cgroup.indexOf('-lxc\\x2');
    if (pos >= 0) {
      const scope = cgroup.indexOf('.scope');
      if (scope >= 0 && scope === cgroup.length - '.scope'.length) {
        // sizeof("-lxc\\x2") counts the NUL: the id starts one character after the marker.
        const skip = '-lxc\\x2'.length + 1;
        return cgroup.slice(pos + skip, scope);
      }
    }
    pos = cgroup.indexOf('/libvirt/lxc/');
    if (pos >= 0) return cgroup.substring(pos + '/libvirt/lxc/'.length);
  }
  return undefined;
}

function matchBpm(cgroups: Cgroups): string | undefined {
  for (const [, cgroup] of cgroups) {
    const pos = cgroup.indexOf('bpm-');
    if (pos < 0) continue;
    const start = pos + 4;
    const end = cgroup.indexOf('.scope', start);
    const id = cgroup.substring(start, end < 0 ? undefined : end);
    if (id.length > 0 && /^[A-Za-z0-9._-]+$/.test(id)) return id;
  }
  return undefined;
}

/** The id each container engine reads from a cgroup list (undefined: that engine sees none). */
interface CgroupMatch {
  readonly podman: CgroupId | undefined;
  readonly docker: CgroupId | undefined;
  readonly cri: CgroupId | undefined;
  readonly lxc: string | undefined;
  readonly libvirtLxc: string | undefined;
  readonly bpm: string | undefined;
}

function matchCgroups(cgroups: Cgroups): CgroupMatch {
  return {
    // Rootless podman is only recognised by asking /proc, which a capture cannot answer.
    podman: matchRuncCgroups(cgroups, PODMAN_LAYOUT),
    docker: matchRuncCgroups(cgroups, DOCKER_LAYOUT),
    cri: matchRuncCgroups(cgroups, CRI_LAYOUT),
    lxc: matchLxc(cgroups),
    libvirtLxc: matchLibvirtLxc(cgroups),
    bpm: matchBpm(cgroups),
  };
}

/**
 * Live: what the state asks of the container runtimes. request() is called once for each container
 * first seen in a cgroup; the answer comes back later as a `container` event in the stream.
 */
export interface ContainerLookups {
  request(id: string, fullId: string, typeHint: number): void;
}

export class ContainerTable {
  /** Set when a metadata source answers lookups (live); a capture has none and carries its containers. */
  lookups: ContainerLookups | undefined = undefined;
  private readonly map = new Map<string, Container>();
  /** Container ids already registered, per engine type (sinsp's m_lookups). */
  private readonly registered = new Map<string, Set<number>>();
  /**
   * What the engines read from each cgroup list. Matching is pure, and the parsers share one list
   * among the processes that carry the same cgroups, so each distinct list is matched once.
   */
  private readonly matches = new WeakMap<Cgroups, CgroupMatch>();

  get(id: string): Container | undefined {
    return this.map.get(id);
  }

  add(c: Container): void {
    let types = this.registered.get(c.id);
    if (types === undefined) this.registered.set(c.id, (types = new Set()));
    types.add(c.typeId);
    this.map.set(c.id, c);
  }

  /** Forget a container the runtime removed. */
  remove(id: string): void {
    this.map.delete(id);
    this.registered.delete(id);
  }

  get size(): number {
    return this.map.size;
  }

  private shouldLookup(id: string, type: number): boolean {
    return !(this.registered.get(id)?.has(type) ?? false);
  }

  /** Set t.containerId (and t.category) from t's cgroups, registering containers first seen here. */
  resolve(t: ThreadEntry, parentOf: (t: ThreadEntry) => ThreadEntry | undefined): void {
    t.containerId = '';
    let m = this.matches.get(t.cgroups);
    if (m === undefined) this.matches.set(t.cgroups, (m = matchCgroups(t.cgroups)));
    if (this.lookups !== undefined && this.resolveLive(t, m, this.lookups)) {
      this.identifyCategory(t, parentOf);
      return;
    }
    // Engines are tried in sinsp's order; a docker-like engine whose container is known but whose
    // lookup failed lets the later ones try too. Without a CRI runtime to ask, the CRI id is
    // recorded but the search goes on.
    const runc = (m.podman !== undefined && this.runcEngine(t, m.podman, ContainerType.PODMAN))
      || (m.docker !== undefined && this.runcEngine(t, m.docker, ContainerType.DOCKER));
    if (!runc) {
      if (m.cri !== undefined) t.containerId = m.cri.id;
      if (m.lxc !== undefined) this.named(t, m.lxc, ContainerType.LXC);
      else if (m.libvirtLxc !== undefined) this.named(t, m.libvirtLxc, ContainerType.LIBVIRT_LXC);
      else if (m.bpm !== undefined) this.named(t, m.bpm, ContainerType.BPM);
    }
    this.identifyCategory(t, parentOf);
  }

  private runcEngine(t: ThreadEntry, { id }: CgroupId, type: number): boolean {
    t.containerId = id;
    const known = this.map.get(id);
    if (known === undefined) {
      this.add(newContainer(id, type));
      return true;
    }
    return known.lookupSuccessful;
  }

  /**
   * Live, as Falco's container plugin: the first runc-style id (podman, docker, then the CRI
   * layouts) is the container; a new one is registered as pending and looked up. False when no
   * runc-style layout matched (lxc and the others are then tried as for a capture).
   */
  private resolveLive(t: ThreadEntry, m: CgroupMatch, lookups: ContainerLookups): boolean {
    const [hit, type] = m.podman !== undefined ? [m.podman, ContainerType.PODMAN]
      : m.docker !== undefined ? [m.docker, ContainerType.DOCKER]
        : m.cri !== undefined ? [m.cri, ContainerType.CRI] : [undefined, 0];
    if (hit === undefined) return false;
    t.containerId = hit.id;
    if (!this.map.has(hit.id)) {
      const c = newContainer(hit.id, type);
      c.fullId = hit.fullId;
      c.lookupPending = true;
      this.add(c);
      lookups.request(hit.id, hit.fullId, type);
    }
    return true;
  }

  /** Engines whose container name is its id. */
  private named(t: ThreadEntry, id: string, type: number): void {
    t.containerId = id;
    if (this.shouldLookup(id, type)) {
      const c = newContainer(id, type);
      c.name = id;
      this.add(c);
    }
  }

  /** sinsp's identify_category: container init, inherited category, or a matching health probe. */
  private identifyCategory(t: ThreadEntry, parentOf: (t: ThreadEntry) => ThreadEntry | undefined): void {
    if (t.containerId === '') return;
    if (t.vpid === 1) {
      t.category = Category.CONTAINER;
      return;
    }
    const parent = parentOf(t);
    if (parent !== undefined && parent.category !== Category.NONE) {
      t.category = parent.category;
      return;
    }
    const c = this.map.get(t.containerId);
    if (c === undefined || !c.lookupSuccessful) return;
    const probe = c.probes.find((p) => p.exe === t.exe && sameArgs(p.args, t.args));
    if (probe === undefined) return;
    // Only the probe's first process gets the category: not one under the container's init.
    const seen = new Set<ThreadEntry>();
    for (let p = parentOf(t); p !== undefined && p.tid !== -1 && !seen.has(p); p = parentOf(p)) {
      if (p.vpid === 1 && p.containerId !== '') return;
      seen.add(p);
    }
    t.category = probe.type;
  }

  /** A container JSON event (PPME_CONTAINER_JSON_E / _2_E); undefined when the JSON does not parse. */
  parseJson(json: string): Container | undefined {
    let root: unknown;
    try {
      root = JSON.parse(json);
    } catch {
      return undefined;
    }
    const c = obj(obj(root)?.container) ?? {};
    const info = newContainer(str(c.id) ?? '', 0);
    info.fullId = str(c.full_id) ?? '';
    const type = num(c.type);
    if (type !== undefined) {
      info.typeId = type;
      info.type = TYPE_NAMES[type] ?? '';
    }
    info.name = str(c.name) ?? '';
    info.isPodSandbox = c.is_pod_sandbox === true;
    info.image = str(c.image) ?? '';
    info.imageId = str(c.imageid) ?? '';
    info.imageRepo = str(c.imagerepo) ?? '';
    info.imageTag = str(c.imagetag) ?? '';
    info.imageDigest = str(c.imagedigest) ?? '';
    info.privileged = c.privileged === true;
    const state = num(c.lookup_state);
    if (state !== undefined) {
      // A lookup still running when the capture was written never finishes: sinsp counts it failed.
      const s = state === LOOKUP_STARTED || state === LOOKUP_FAILED ? LOOKUP_FAILED : LOOKUP_SUCCESSFUL;
      info.lookupSuccessful = s === LOOKUP_SUCCESSFUL;
    }
    info.createdTime = num(c.created_time) ?? 0;
    if (Array.isArray(c.Mounts)) {
      for (const m of c.Mounts) {
        const mo = obj(m) ?? {};
        info.mounts.push({
          source: typeof mo.Source === 'string' ? mo.Source : '',
          dest: typeof mo.Destination === 'string' ? mo.Destination : '',
          mode: typeof mo.Mode === 'string' ? mo.Mode : '',
          rw: mo.RW === true,
          propagation: typeof mo.Propagation === 'string' ? mo.Propagation : '',
        });
      }
    }
    PROBE_KEYS.forEach((key, i) => {
      const p = obj(c[key]);
      const exe = p === undefined ? undefined : str(p.exe);
      if (p === undefined || exe === undefined) return;
      const args = Array.isArray(p.args) ? p.args.map(str).filter((a): a is string => a !== undefined) : [];
      info.probes.push({ type: Category.HEALTHCHECK + i, exe, args });
    });
    if (typeof c.ip === 'string') info.ip = ipv4Encoded(c.ip);
    const labels = obj(c.labels);
    if (labels !== undefined) {
      for (const k of Object.keys(labels).sort()) info.labels[k] = str(labels[k]) ?? '';
    }
    // Keys newer than sysdig 0.29.3 (Falco's container plugin writes them too).
    info.cniJson = str(c.cni_json) ?? '';
    info.hostPid = c.host_pid === true;
    info.hostNetwork = c.host_network === true;
    info.hostIpc = c.host_ipc === true;
    info.podSandboxId = str(c.pod_sandbox_id) ?? '';
    const podLabels = obj(c.pod_sandbox_labels);
    if (podLabels !== undefined) {
      for (const k of Object.keys(podLabels).sort()) info.podSandboxLabels[k] = str(podLabels[k]) ?? '';
    }
    return info;
  }
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** jsoncpp's asString for values convertible to a string. */
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** "a.b.c.d" in the FdInfo IPv4 encoding; 0 when not an address. */
function ipv4Encoded(s: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (m === null) return 0;
  const b = m.slice(1).map(Number);
  if (b.some((x) => x > 255)) return 0;
  return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
}
