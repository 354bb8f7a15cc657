// The container class, and the k8s and mesos classes that hang off it. Host processes (no container
// id) report 'host' for id, name and type and no value for the rest. Kubernetes fields come from the
// labels the container runtime puts on a pod's containers, as sysdig 0.29.3 does when it has no
// API server to ask; mesos fields need the Mesos API and never have a value here.
import type { Event } from '../capture/event.js';
import { ParamType, PrintFormat } from '../capture/event-types.js';
import type { ContainerInfo, ThreadInfo } from '../state/types.js';
import { dotKey, indexOrKey, mountSelector, syntaxError } from './args.js';
import { ipv4ToString } from '../state/net-format.js';
import { globMatch } from './glob.js';
import type { ArgValue, FieldClass, FieldContext, FieldSpec } from './spec.js';
import { FieldError, type FieldValue } from './types.js';

const T = ParamType;
const F = PrintFormat;

type Mount = ContainerInfo['mounts'][number];

/** The event's container, or undefined for host processes and unknown containers. */
function containerOf(e: Event, c: FieldContext): ContainerInfo | undefined {
  const id = e.thread?.containerId;
  return id ? c.state.container(id) : undefined;
}

/** A field of the container: host processes have `hostValue`; unknown containers none. */
function ctr(name: string, desc: string, read: (ci: ContainerInfo, t: ThreadInfo) => FieldValue, hostValue?: string, type: ParamType = T.CHARBUF): FieldSpec {
  return {
    name, type, arg: 'none', desc,
    get: (e, c) => {
      const t = e.thread;
      if (t === undefined) return undefined;
      if (t.containerId === '') return hostValue;
      const ci = c.state.container(t.containerId);
      return ci && read(ci, t);
    },
  };
}

const nonEmpty = (s: string): string | undefined => (s === '' ? undefined : s);

/** When the container started: its init's start (the pid namespace's), else what the runtime said. */
function startTs(t: ThreadInfo, c: FieldContext): number {
  return t.pidnsInitStartTs || (c.state.container(t.containerId)?.startTs ?? 0);
}
const DOCKER_COMPATIBLE = new Set(['docker', 'cri', 'containerd', 'cri-o', 'podman']);
const mountText = (m: Mount): string => `${m.source}:${m.dest}:${m.mode}:${m.rw ? 'true' : 'false'}:${m.propagation}`;

/** The mount selected by index, or by a glob on its source (or on its destination, for container.mount.source). */
function findMount(ci: ContainerInfo, arg: ArgValue, byDest: boolean): Mount | undefined {
  if (typeof arg === 'number') return arg >= 0 ? ci.mounts[arg] : undefined;
  if (arg === undefined) return undefined;
  return ci.mounts.find((m) => globMatch(arg, byDest ? m.dest : m.source));
}

function mountField(name: string, desc: string, read: (m: Mount) => string, byDest = false): FieldSpec {
  return {
    name, type: T.CHARBUF, arg: 'index-or-key', argRequired: true, desc,
    parseArg: (text, start, pos) => {
      if (name === 'container.mount' && text[pos] === '.') throw new FieldError(`filter syntax error: ${text.slice(start)}`);
      return mountSelector(text, start, pos);
    },
    checkArg: indexOrKey,
    get: (e, c, arg) => {
      const ci = containerOf(e, c);
      const m = ci && findMount(ci, arg, byDest);
      return m && read(m);
    },
  };
}

/** Container labels other than annotations and the runtime's own, as 'key:value, key2' (sorted by key). */
function labelList(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .filter((k) => !k.startsWith('annotation.') && !k.startsWith('io.kubernetes.'))
    .map((k) => (labels[k] === '' ? k : `${k}:${labels[k]}`))
    .join(', ');
}

/** A label key after the field name: '.KEY' or '[KEY]' (keys may hold '.', '/', '-'). */
function labelKey(text: string, start: number, pos: number) {
  if (text[pos] !== '[') return dotKey(text, start, pos, /[A-Za-z0-9/_.-]/);
  const close = text.indexOf(']', pos);
  if (close < 0) syntaxError(text, start);
  return { arg: text.slice(pos + 1, close), end: close + 1 };
}
const LABEL_ARG: Partial<FieldSpec> = { arg: 'key', argRequired: true, parseArg: labelKey, checkArg: (a) => a };

/** Fields of the container and its pod that are not read from the thread itself. */
const FROM_THREAD = new Set(['container.id', 'container.start_ts', 'container.duration']);
const markRuntime = (fields: readonly FieldSpec[]): FieldSpec[] =>
  fields.map((f) => (FROM_THREAD.has(f.name) ? f : { ...f, fromRuntime: true }));

export const CONTAINER_CLASS: FieldClass = {
  name: 'container',
  desc: "Container information. If the event is not happening inside a container, both id and name will be set to 'host'.",
  fields: markRuntime([
    {
      name: 'container.id', type: T.CHARBUF, arg: 'none',
      desc: 'the container id.',
      get: (e) => (e.thread ? e.thread.containerId || 'host' : undefined),
    },
    ctr('container.name', 'the container name.', (ci) => nonEmpty(ci.name), 'host'),
    ctr('container.image', 'the container image name (e.g. falcosecurity/falco:latest for docker).', (ci) => nonEmpty(ci.image)),
    ctr('container.image.id', 'the container image id (e.g. 6f7e2741b66b).', (ci) => nonEmpty(ci.imageId)),
    ctr('container.type', 'the container type, eg: docker or rkt', (ci) => ci.type, 'host'),
    ctr('container.privileged', 'true for containers running as privileged, false otherwise',
      (ci) => (DOCKER_COMPATIBLE.has(ci.type) ? ci.privileged : undefined), undefined, T.BOOL),
    ctr('container.mounts', 'A space-separated list of mount information. Each item in the list has the format <source>:<dest>:<mode>:<rdrw>:<propagation>',
      (ci) => ci.mounts.map(mountText).join(',')),
    mountField('container.mount',
      'Information about a single mount, specified by number (e.g. container.mount[0]) or mount source (container.mount[/usr/local]). The pathname can be a glob (container.mount[/usr/local/*]), in which case the first matching mount will be returned. The information has the format <source>:<dest>:<mode>:<rdrw>:<propagation>. If there is no mount with the specified index or matching the provided source, returns the string "none" instead of a NULL value.',
      mountText),
    mountField('container.mount.source',
      'the mount source, specified by number (e.g. container.mount.source[0]) or mount destination (container.mount.source[/host/lib/modules]). The pathname can be a glob.',
      (m) => m.source, true),
    mountField('container.mount.dest',
      'the mount destination, specified by number (e.g. container.mount.dest[0]) or mount source (container.mount.dest[/lib/modules]). The pathname can be a glob.',
      (m) => m.dest),
    mountField('container.mount.mode',
      'the mount mode, specified by number (e.g. container.mount.mode[0]) or mount source (container.mount.mode[/usr/local]). The pathname can be a glob.',
      (m) => m.mode),
    mountField('container.mount.rdwr',
      'the mount rdwr value, specified by number (e.g. container.mount.rdwr[0]) or mount source (container.mount.rdwr[/usr/local]). The pathname can be a glob.',
      (m) => (m.rw ? 'true' : 'false')),
    mountField('container.mount.propagation',
      'the mount propagation value, specified by number (e.g. container.mount.propagation[0]) or mount source (container.mount.propagation[/usr/local]). The pathname can be a glob.',
      (m) => m.propagation),
    ctr('container.image.repository', 'the container image repository (e.g. falcosecurity/falco).', (ci) => nonEmpty(ci.imageRepo)),
    ctr('container.image.tag', 'the container image tag (e.g. stable, latest).', (ci) => nonEmpty(ci.imageTag)),
    ctr('container.image.digest', 'the container image registry digest (e.g. sha256:d977378f890d445c15e51795296e4e5062f109ce6da83e0a355fc4ad8699d27).', (ci) => nonEmpty(ci.imageDigest)),
    // Health probes are not tracked: a known container has none, which sysdig reports as NONE.
    ctr('container.healthcheck', 'The container\'s health check. Will be the null value ("N/A") if no healthcheck configured, "NONE" if configured but explicitly not created, and the healthcheck command line otherwise', () => 'NONE'),
    ctr('container.liveness_probe', 'The container\'s liveness probe. Will be the null value ("N/A") if no liveness probe configured, the liveness probe command line otherwise', () => 'NONE'),
    ctr('container.readiness_probe', 'The container\'s readiness probe. Will be the null value ("N/A") if no readiness probe configured, the readiness probe command line otherwise', () => 'NONE'),
    // Newer than sysdig 0.29.3.
    {
      name: 'container.start_ts', type: T.UINT64, printFormat: F.DEC, arg: 'none',
      desc: 'Container start as epoch timestamp in nanoseconds, from the start of the PID namespace of the container\'s init process.',
      get: (e, c) => {
        const t = e.thread;
        if (t === undefined || t.containerId === '') return undefined;
        const ts = startTs(t, c);
        return ts === 0 ? undefined : ts;
      },
    },
    {
      name: 'container.duration', type: T.RELTIME, printFormat: F.DEC, arg: 'none',
      desc: 'Number of nanoseconds since container.start_ts.',
      get: (e, c) => {
        const t = e.thread;
        if (t === undefined || t.containerId === '') return undefined;
        const ts = startTs(t, c);
        return ts === 0 ? undefined : e.tsNum() - ts;
      },
    },
    // The container plugin's fields (Falco 0.41+), newer than sysdig 0.29.3.
    ctr('container.full_id', 'The full container ID, e.g. 3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e.',
      (ci) => nonEmpty(ci.fullId ?? ''), 'host'),
    ctr('container.ip', "The container's / pod's primary IPv4 address as retrieved from the container engine.",
      (ci) => (ci.ip ? ipv4ToString(ci.ip) : undefined)),
    ctr('container.cni.json', "The container's / pod's CNI result field from the respective pod status info (CRI runtimes).",
      (ci) => nonEmpty(ci.cniJson ?? '')),
    ctr('container.host_pid', "'true' if the container is running in the host PID namespace, 'false' otherwise.", (ci) => ci.hostPid === true, undefined, T.BOOL),
    ctr('container.host_network', "'true' if the container is running in the host network namespace, 'false' otherwise.", (ci) => ci.hostNetwork === true, undefined, T.BOOL),
    ctr('container.host_ipc', "'true' if the container is running in the host IPC namespace, 'false' otherwise.", (ci) => ci.hostIpc === true, undefined, T.BOOL),
    {
      name: 'container.label', type: T.CHARBUF, ...LABEL_ARG, arg: 'key',
      desc: "Container label. E.g. 'container.label.foo' or 'container.label[foo]'.",
      get: (e, c, arg) => containerOf(e, c)?.labels[arg as string],
    },
    ctr('container.labels', "Container comma-separated key/value labels. E.g. 'foo1:bar1, foo2:bar2'.", (ci) => labelList(ci.labels)),
    {
      name: 'container.info', type: T.CHARBUF, arg: 'none',
      desc: "The container's name and id as Falco's %container.info output placeholder shows them by default: '<name> (id=<id>)'.",
      get: (e, c) => {
        const t = e.thread;
        if (t === undefined) return undefined;
        if (t.containerId === '') return 'host (id=host)';
        const name = c.state.container(t.containerId)?.name;
        return `${name || '<NA>'} (id=${t.containerId})`;
      },
    },
  ]),
};

const hasLabels = (ci: ContainerInfo | undefined): ci is ContainerInfo => ci !== undefined && Object.keys(ci.labels).length > 0;

/** The whole id of the container's pod sandbox: what the runtime said, else the label CRI runtimes set. */
function sandboxId(ci: ContainerInfo): string | undefined {
  return ci.podSandboxId || ci.labels['io.kubernetes.sandbox.id'] || undefined;
}

/** The pod's sandbox container (which carries the pod labels and its IP). */
function sandboxOf(ci: ContainerInfo, c: FieldContext): ContainerInfo | undefined {
  const id = sandboxId(ci);
  return id === undefined ? undefined : c.state.container(id.slice(0, 12));
}

/**
 * The pod's labels: those the runtime gave with the container (Falco's container plugin), else
 * those of the pod's sandbox container (sinsp before the plugin).
 */
function podLabels(ci: ContainerInfo | undefined, c: FieldContext): Record<string, string> | undefined {
  if (ci === undefined) return undefined;
  if (ci.podSandboxLabels !== undefined && Object.keys(ci.podSandboxLabels).length > 0) return ci.podSandboxLabels;
  const sandbox = hasLabels(ci) ? sandboxOf(ci, c) : undefined;
  return hasLabels(sandbox) ? sandbox.labels : undefined;
}

/** A pod field: from the container when it has it, else from its sandbox (a sandbox answers for itself). */
function podField(name: string, desc: string, read: (ci: ContainerInfo) => string | undefined): FieldSpec {
  return {
    name, type: T.CHARBUF, arg: 'none', desc,
    get: (e, c) => {
      const ci = containerOf(e, c);
      if (ci === undefined) return undefined;
      const own = read(ci);
      if (own !== undefined) return own;
      const sandbox = sandboxOf(ci, c);
      return sandbox === undefined || sandbox === ci ? undefined : read(sandbox);
    },
  };
}

/** A k8s field read from the container's own labels. */
function k8sLabel(name: string, desc: string, label: string): FieldSpec {
  return {
    name, type: T.CHARBUF, arg: 'none', desc,
    get: (e, c) => {
      const ci = containerOf(e, c);
      return hasLabels(ci) ? ci.labels[label] : undefined;
    },
  };
}

/** A k8s field that needs the API server. */
function k8sApi(name: string, desc: string, extra: Partial<FieldSpec> = {}): FieldSpec {
  return { name, type: T.CHARBUF, arg: 'none', desc, ...extra, get: () => undefined };
}

export const K8S_CLASS: FieldClass = {
  name: 'k8s',
  desc: 'Kubernetes related context. Available when configured to fetch k8s meta-data from API Server.',
  fields: markRuntime([
    k8sLabel('k8s.pod.name', 'Kubernetes pod name.', 'io.kubernetes.pod.name'),
    k8sLabel('k8s.pod.id', 'Kubernetes pod id.', 'io.kubernetes.pod.uid'),
    k8sLabel('k8s.pod.uid', 'The Kubernetes pod UID, e.g. 3e41dc6b-08a8-44db-bc2a-3724b18ab19a.', 'io.kubernetes.pod.uid'),
    {
      name: 'k8s.pod.sandbox_id', type: T.CHARBUF, arg: 'none',
      desc: 'The truncated Kubernetes pod sandbox ID (first 12 characters), e.g 63060edc2d3a.',
      get: (e, c) => {
        const ci = containerOf(e, c);
        return ci && sandboxId(ci)?.slice(0, 12);
      },
    },
    {
      name: 'k8s.pod.full_sandbox_id', type: T.CHARBUF, arg: 'none',
      desc: 'The full Kubernetes pod / sandbox ID, e.g 63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a.',
      get: (e, c) => {
        const ci = containerOf(e, c);
        return ci && sandboxId(ci);
      },
    },
    podField('k8s.pod.ip', 'The Kubernetes pod IPv4 address, the same as container.ip (the containers of a pod share its network).',
      (ci) => (ci.ip ? ipv4ToString(ci.ip) : undefined)),
    podField('k8s.pod.cni.json', "The Kubernetes pod's CNI result, the same as container.cni.json.", (ci) => nonEmpty(ci.cniJson ?? '')),
    {
      name: 'k8s.pod.label', type: T.CHARBUF, ...LABEL_ARG, arg: 'key',
      desc: "Kubernetes pod label. E.g. 'k8s.pod.label.foo'.",
      get: (e, c, arg) => podLabels(containerOf(e, c), c)?.[arg as string],
    },
    {
      name: 'k8s.pod.labels', type: T.CHARBUF, arg: 'none',
      desc: "Kubernetes pod comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'.",
      get: (e, c) => {
        const labels = podLabels(containerOf(e, c), c);
        return labels && labelList(labels);
      },
    },
    k8sApi('k8s.rc.name', 'Kubernetes replication controller name.'),
    k8sApi('k8s.rc.id', 'Kubernetes replication controller id.'),
    k8sApi('k8s.rc.label', "Kubernetes replication controller label. E.g. 'k8s.rc.label.foo'.", LABEL_ARG),
    k8sApi('k8s.rc.labels', "Kubernetes replication controller comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'."),
    k8sApi('k8s.svc.name', 'Kubernetes service name (can return more than one value, concatenated).'),
    k8sApi('k8s.svc.id', 'Kubernetes service id (can return more than one value, concatenated).'),
    k8sApi('k8s.svc.label', "Kubernetes service label. E.g. 'k8s.svc.label.foo' (can return more than one value, concatenated).", LABEL_ARG),
    k8sApi('k8s.svc.labels', "Kubernetes service comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'."),
    k8sLabel('k8s.ns.name', 'Kubernetes namespace name.', 'io.kubernetes.pod.namespace'),
    k8sApi('k8s.ns.id', 'Kubernetes namespace id.'),
    k8sApi('k8s.ns.label', "Kubernetes namespace label. E.g. 'k8s.ns.label.foo'.", LABEL_ARG),
    k8sApi('k8s.ns.labels', "Kubernetes namespace comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'."),
    k8sApi('k8s.rs.name', 'Kubernetes replica set name.'),
    k8sApi('k8s.rs.id', 'Kubernetes replica set id.'),
    k8sApi('k8s.rs.label', "Kubernetes replica set label. E.g. 'k8s.rs.label.foo'.", LABEL_ARG),
    k8sApi('k8s.rs.labels', "Kubernetes replica set comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'."),
    k8sApi('k8s.deployment.name', 'Kubernetes deployment name.'),
    k8sApi('k8s.deployment.id', 'Kubernetes deployment id.'),
    k8sApi('k8s.deployment.label', "Kubernetes deployment label. E.g. 'k8s.rs.label.foo'.", LABEL_ARG),
    k8sApi('k8s.deployment.labels', "Kubernetes deployment comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'."),
  ]),
};

/** Mesos and Marathon fields: they need the Mesos API, so they never have a value. */
const mesos = (name: string, desc: string, extra: Partial<FieldSpec> = {}): FieldSpec => k8sApi(name, desc, extra);

export const MESOS_CLASS: FieldClass = {
  name: 'mesos',
  desc: 'Mesos related context.',
  fields: [
    mesos('mesos.task.name', 'Mesos task name.'),
    mesos('mesos.task.id', 'Mesos task id.'),
    mesos('mesos.task.label', "Mesos task label. E.g. 'mesos.task.label.foo'.", LABEL_ARG),
    mesos('mesos.task.labels', "Mesos task comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'."),
    mesos('mesos.framework.name', 'Mesos framework name.'),
    mesos('mesos.framework.id', 'Mesos framework id.'),
    mesos('marathon.app.name', 'Marathon app name.'),
    mesos('marathon.app.id', 'Marathon app id.'),
    mesos('marathon.app.label', "Marathon app label. E.g. 'marathon.app.label.foo'.", LABEL_ARG),
    mesos('marathon.app.labels', "Marathon app comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'."),
    mesos('marathon.group.name', 'Marathon group name.'),
    mesos('marathon.group.id', 'Marathon group id.'),
  ],
};
