// The container class, and the k8s and mesos classes that hang off it. Host processes (no container
// id) report 'host' for id, name and type and no value for the rest. Kubernetes fields come from the
// labels the container runtime puts on a pod's containers, as sysdig 0.29.3 does when it has no
// API server to ask; mesos fields need the Mesos API and never have a value here.
import type { Event } from '../capture/event.js';
import { ParamType, PrintFormat } from '../capture/event-types.js';
import type { ContainerInfo, ThreadInfo } from '../state/types.js';
import { dotKey, indexOrKey, mountSelector } from './args.js';
import { globMatch } from '../filter/glob.js';
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

export const CONTAINER_CLASS: FieldClass = {
  name: 'container',
  desc: "Container information. If the event is not happening inside a container, both id and name will be set to 'host'.",
  fields: [
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
        const ts = (t as ThreadInfo & { pidnsInitStartTs?: number }).pidnsInitStartTs ?? c.state.container(t.containerId)?.startTs ?? 0;
        return ts === 0 ? undefined : ts;
      },
    },
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
  ],
};

/** Container labels other than annotations and the runtime's own, as 'key:value, key2' (sorted by key). */
function labelList(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .filter((k) => !k.startsWith('annotation.') && !k.startsWith('io.kubernetes.'))
    .map((k) => (labels[k] === '' ? k : `${k}:${labels[k]}`))
    .join(', ');
}

/** The pod's sandbox container (which carries the pod labels), named by the io.kubernetes.sandbox.id label. */
function sandboxOf(ci: ContainerInfo, c: FieldContext): ContainerInfo | undefined {
  const id = ci.labels['io.kubernetes.sandbox.id'];
  return id === undefined ? undefined : c.state.container(id.slice(0, 12));
}

const hasLabels = (ci: ContainerInfo | undefined): ci is ContainerInfo => ci !== undefined && Object.keys(ci.labels).length > 0;

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

const labelKey = (text: string, start: number, pos: number) => dotKey(text, start, pos, /[A-Za-z0-9/_.-]/);
const LABEL_ARG: Partial<FieldSpec> = { arg: 'key', argRequired: true, parseArg: labelKey, checkArg: (a) => a };

export const K8S_CLASS: FieldClass = {
  name: 'k8s',
  desc: 'Kubernetes related context. Available when configured to fetch k8s meta-data from API Server.',
  fields: [
    k8sLabel('k8s.pod.name', 'Kubernetes pod name.', 'io.kubernetes.pod.name'),
    k8sLabel('k8s.pod.id', 'Kubernetes pod id.', 'io.kubernetes.pod.uid'),
    {
      name: 'k8s.pod.label', type: T.CHARBUF, ...LABEL_ARG, arg: 'key',
      desc: "Kubernetes pod label. E.g. 'k8s.pod.label.foo'.",
      get: (e, c, arg) => {
        const ci = containerOf(e, c);
        const sandbox = hasLabels(ci) ? sandboxOf(ci, c) : undefined;
        return hasLabels(sandbox) ? sandbox.labels[arg as string] : undefined;
      },
    },
    {
      name: 'k8s.pod.labels', type: T.CHARBUF, arg: 'none',
      desc: "Kubernetes pod comma-separated key/value labels. E.g. 'foo1:bar1,foo2:bar2'.",
      get: (e, c) => {
        const ci = containerOf(e, c);
        const sandbox = hasLabels(ci) ? sandboxOf(ci, c) : undefined;
        return hasLabels(sandbox) ? labelList(sandbox.labels) : undefined;
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
  ],
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
