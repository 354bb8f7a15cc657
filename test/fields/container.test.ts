import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputFormat } from '../../src/fields/format.js';
import { createRegistry } from '../../src/fields/registry.js';
import type { ThreadInfo } from '../../src/state/types.js';
import { container, fakeState, i64, ip4, makeEvent, thread, TS } from './events.js';

const sandbox = container({
  id: 'aaaaaaaaaaaa', type: 'containerd',
  labels: { app: 'web', 'io.kubernetes.pod.name': 'web-1', tier: '', 'annotation.x': 'y' },
});
const web = container({
  id: 'bbbbbbbbbbbb', type: 'containerd', name: 'nginx', image: 'nginx:1.25', imageRepo: 'nginx', imageTag: '1.25',
  imageId: 'sha1', privileged: true, startTs: 1_700_000_000_000_000_000,
  mounts: [
    { source: '/var/run/docker.sock', dest: '/var/run/docker.sock', mode: '', rw: true, propagation: 'rprivate' },
    { source: '/etc/nginx', dest: '/etc/nginx', mode: 'ro', rw: false, propagation: 'rprivate' },
  ],
  labels: {
    'io.kubernetes.pod.name': 'web-1', 'io.kubernetes.pod.namespace': 'prod', 'io.kubernetes.pod.uid': 'uid-1',
    'io.kubernetes.sandbox.id': 'aaaaaaaaaaaaffffffff',
  },
});
const lxc = container({ id: 'cccccccccccc', type: 'lxc', privileged: true });
const inWeb = thread({ tid: 10, comm: 'nginx', containerId: 'bbbbbbbbbbbb' });
const onHost = thread({ tid: 11, comm: 'sshd' });
const inLxc = thread({ tid: 12, containerId: 'cccccccccccc' });
const unknown = thread({ tid: 13, containerId: 'dddddddddddd' });
const registry = createRegistry(fakeState({ containers: [sandbox, web, lxc] }));
const r = (field: string, t = inWeb, arg?: string) =>
  registry.bind(field, arg).render(makeEvent({ type: 'brk>', params: [i64(0)], thread: t }));

describe('container fields', () => {
  it('describe the container', () => {
    assert.equal(r('container.id'), 'bbbbbbbbbbbb');
    assert.equal(r('container.name'), 'nginx');
    assert.equal(r('container.image'), 'nginx:1.25');
    assert.equal(r('container.image.repository'), 'nginx');
    assert.equal(r('container.image.tag'), '1.25');
    assert.equal(r('container.image.digest'), undefined);
    assert.equal(r('container.type'), 'containerd');
    assert.equal(r('container.privileged'), 'true');
    assert.equal(r('container.start_ts'), '1700000000000000000');
    assert.equal(r('container.info'), 'nginx (id=bbbbbbbbbbbb)');
  });

  it('say host for host processes and nothing for unknown containers', () => {
    assert.equal(r('container.id', onHost), 'host');
    assert.equal(r('container.name', onHost), 'host');
    assert.equal(r('container.type', onHost), 'host');
    assert.equal(r('container.image', onHost), undefined);
    assert.equal(r('container.start_ts', onHost), undefined);
    assert.equal(r('container.id', unknown), 'dddddddddddd');
    assert.equal(r('container.name', unknown), undefined);
    assert.equal(r('container.info', unknown), '<NA> (id=dddddddddddd)');
  });

  it('know privileges only for docker-compatible runtimes', () => {
    assert.equal(r('container.privileged', inLxc), undefined);
  });

  it('select mounts by index or by a glob on the source (on the destination for .source)', () => {
    assert.equal(r('container.mounts'), '/var/run/docker.sock:/var/run/docker.sock::true:rprivate,/etc/nginx:/etc/nginx:ro:false:rprivate');
    assert.equal(r('container.mount', inWeb, '1'), '/etc/nginx:/etc/nginx:ro:false:rprivate');
    assert.equal(r('container.mount.dest', inWeb, '/var/run/docker.sock'), '/var/run/docker.sock');
    assert.equal(r('container.mount.mode', inWeb, '/etc/*'), 'ro');
    assert.equal(r('container.mount.rdwr', inWeb, '0'), 'true');
    assert.equal(r('container.mount.source', inWeb, '/etc/ngin?'), '/etc/nginx');
    assert.equal(r('container.mount.propagation', inWeb, '5'), undefined);
    assert.equal(registry.match('container.mount.dest[/etc/nginx] x', 0).end, 'container.mount.dest[/etc/nginx]'.length);
  });
});

describe('k8s fields', () => {
  it('come from the container labels the runtime sets', () => {
    assert.equal(r('k8s.pod.name'), 'web-1');
    assert.equal(r('k8s.ns.name'), 'prod');
    assert.equal(r('k8s.pod.id'), 'uid-1');
    assert.equal(r('k8s.pod.name', onHost), undefined);
  });

  it('read pod labels from the pod\'s sandbox container', () => {
    assert.equal(r('k8s.pod.label.app'), 'web');
    assert.equal(r('k8s.pod.label.nosuch'), undefined);
    assert.equal(r('k8s.pod.labels'), 'app:web, tier');
  });

  it('need the API server for the rest', () => {
    assert.equal(r('k8s.deployment.name'), undefined);
    assert.equal(r('k8s.ns.label.team'), undefined);
    assert.equal(r('mesos.task.name'), undefined);
  });
});

// ---- The container plugin's fields (Falco 0.41+) ----

const POD_SANDBOX = 'f'.repeat(64);
const APP_FULL = '1234567890ab' + 'c'.repeat(52);
/** A CRI pod's sandbox (pause container): the pod's IP and CNI result are its. */
const podSandbox = container({
  id: POD_SANDBOX.slice(0, 12), fullId: POD_SANDBOX, type: 'cri', isPodSandbox: true, ip: ip4(10, 88, 0, 7),
  cniJson: '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}]}',
  labels: { app: 'api', 'io.kubernetes.pod.name': 'api-1', 'pod-template-hash': '5d8f' },
});
/** A container of that pod, as Falco's container plugin describes it (with the pod's labels). */
const app = container({
  id: APP_FULL.slice(0, 12), fullId: APP_FULL, type: 'cri', name: 'api', ip: ip4(10, 88, 0, 9), cniJson: '{"own":true}',
  hostPid: true, hostNetwork: false, hostIpc: true, podSandboxId: POD_SANDBOX,
  podSandboxLabels: { team: 'core', 'app.kubernetes.io/name': 'api' }, startTs: Number(TS) - 7_000_000_000,
  labels: {
    foo: 'bar', 'app.kubernetes.io/name': 'api', 'io.kubernetes.pod.name': 'api-1', 'io.kubernetes.pod.namespace': 'prod',
    'io.kubernetes.pod.uid': '3e41dc6b-08a8-44db-bc2a-3724b18ab19a', 'annotation.io.kubernetes.x': 'y', empty: '',
  },
});
/** A container of the same pod described without IP, CNI result or pod labels (sinsp before the plugin): the sandbox answers. */
const sidecar = container({
  id: 'dddddddddddd', fullId: 'd'.repeat(64), type: 'cri', name: 'sidecar',
  labels: { 'io.kubernetes.pod.name': 'api-1', 'io.kubernetes.sandbox.id': POD_SANDBOX },
});
/** A docker container: no pod, no labels. */
const plain = container({ id: 'eeeeeeeeeeee', fullId: 'e'.repeat(64), type: 'docker', name: 'plain' });
const inApp = thread({ tid: 20, containerId: app.id, pidnsInitStartTs: Number(TS) - 5_000_000_000 });
const inSidecar = thread({ tid: 21, containerId: sidecar.id });
const inPlain = thread({ tid: 22, containerId: plain.id });
const inUnknown = thread({ tid: 23, containerId: '999999999999' });
const pods = createRegistry(fakeState({ containers: [podSandbox, app, sidecar, plain] }));
const evtOf = (t: ThreadInfo) => makeEvent({ type: 'brk>', params: [i64(0)], thread: t });
const p = (field: string, t = inApp, arg?: string) => pods.bind(field, arg).render(evtOf(t));
const line = (format: string, t = inApp) => OutputFormat.parse(pods, format).format(evtOf(t));

describe("the container plugin's container fields", () => {
  it('container.full_id is the whole id; the host\'s is "host"; an undescribed container has none', () => {
    assert.equal(p('container.full_id'), APP_FULL);
    assert.equal(p('container.id'), '1234567890ab');
    assert.equal(p('container.full_id', onHost), 'host');
    assert.equal(p('container.full_id', inUnknown), undefined);
  });

  it('container.ip and container.cni.json come from the runtime', () => {
    assert.equal(p('container.ip'), '10.88.0.9');
    assert.equal(p('container.cni.json'), '{"own":true}');
    assert.equal(p('container.ip', inPlain), undefined);
    assert.equal(p('container.cni.json', inPlain), undefined);
    assert.equal(p('container.ip', onHost), undefined);
  });

  it('container.host_pid, host_network and host_ipc say whether the container shares the host\'s namespaces', () => {
    assert.equal(p('container.host_pid'), 'true');
    assert.equal(p('container.host_network'), 'false');
    assert.equal(p('container.host_ipc'), 'true');
    assert.equal(p('container.host_pid', inPlain), 'false');
    assert.equal(p('container.host_pid', onHost), undefined);
    assert.equal(p('container.host_pid', inUnknown), undefined);
  });

  it('container.duration is the time since the container started (its init\'s pid namespace, else the runtime\'s start)', () => {
    assert.equal(p('container.duration'), '5000000000');
    const noInit = thread({ tid: 24, containerId: app.id });
    assert.equal(p('container.duration', noInit), '7000000000');
    assert.equal(p('container.duration', inPlain), undefined, 'no start known');
    assert.equal(p('container.duration', onHost), undefined);
  });

  it('container.label takes its key after a dot or in brackets; keys may hold dots, slashes and dashes', () => {
    assert.equal(line('%container.label.foo'), 'bar');
    assert.equal(line('%container.label[foo]'), 'bar');
    assert.equal(line('%container.label.app.kubernetes.io/name|'), 'api|');
    assert.equal(line('[%container.label[app.kubernetes.io/name]]'), '[api]');
    assert.equal(p('container.label', inApp, 'foo'), 'bar');
    assert.equal(line('*%container.label.nosuch'), '<NA>');
    assert.equal(line('*%container.label.foo', onHost), '<NA>');
    assert.equal(pods.match('container.label[foo] x', 0).end, 'container.label[foo]'.length);
    assert.equal(pods.match('container.label.foo x', 0).end, 'container.label.foo'.length);
  });

  it('container.labels lists key:value pairs sorted, without annotations and the runtime\'s own io.kubernetes labels', () => {
    assert.equal(p('container.labels'), 'app.kubernetes.io/name:api, empty, foo:bar');
    assert.equal(p('container.labels', inPlain), '');
    assert.equal(p('container.labels', onHost), undefined);
  });

  it('are marked as coming from the runtime, except those read from the thread', () => {
    const fromThread = ['container.id', 'container.start_ts', 'container.duration'];
    for (const def of pods.defs.filter((d) => d.name.startsWith('container.') || d.name.startsWith('k8s.'))) {
      assert.equal(def.fromRuntime === true, !fromThread.includes(def.name), def.name);
    }
  });
});

describe("the container plugin's k8s fields", () => {
  it('k8s.pod.uid, sandbox_id (12 characters) and full_sandbox_id', () => {
    assert.equal(p('k8s.pod.uid'), '3e41dc6b-08a8-44db-bc2a-3724b18ab19a');
    assert.equal(p('k8s.pod.sandbox_id'), POD_SANDBOX.slice(0, 12));
    assert.equal(p('k8s.pod.full_sandbox_id'), POD_SANDBOX);
    // Without pod_sandbox_id, the label CRI runtimes set names the sandbox.
    assert.equal(p('k8s.pod.sandbox_id', inSidecar), POD_SANDBOX.slice(0, 12));
    assert.equal(p('k8s.pod.full_sandbox_id', inSidecar), POD_SANDBOX);
    assert.equal(p('k8s.pod.sandbox_id', inPlain), undefined);
    assert.equal(p('k8s.pod.uid', onHost), undefined);
  });

  it('k8s.pod.ip and k8s.pod.cni.json: the container\'s own, else its sandbox\'s', () => {
    assert.equal(p('k8s.pod.ip'), '10.88.0.9');
    assert.equal(p('k8s.pod.cni.json'), '{"own":true}');
    assert.equal(p('k8s.pod.ip', inSidecar), '10.88.0.7');
    assert.equal(p('k8s.pod.cni.json', inSidecar), '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}]}');
    assert.equal(p('container.ip', inSidecar), undefined, 'container.ip does not fall back');
    assert.equal(p('k8s.pod.ip', inPlain), undefined);
    assert.equal(p('k8s.pod.ip', onHost), undefined);
  });

  it('k8s.pod.label(s) come from the pod labels the runtime gave with the container', () => {
    assert.equal(line('%k8s.pod.label.team'), 'core');
    assert.equal(line('%k8s.pod.label[app.kubernetes.io/name]'), 'api');
    assert.equal(line('*%k8s.pod.label.foo'), '<NA>', 'a container label is not a pod label');
    assert.equal(p('k8s.pod.labels'), 'app.kubernetes.io/name:api, team:core');
  });

  it('k8s.pod.label(s) fall back to the sandbox container\'s labels', () => {
    assert.equal(line('%k8s.pod.label.app', inSidecar), 'api');
    assert.equal(line('%k8s.pod.label[pod-template-hash]', inSidecar), '5d8f');
    assert.equal(p('k8s.pod.labels', inSidecar), 'app:api, pod-template-hash:5d8f');
    assert.equal(p('k8s.pod.labels', inPlain), undefined);
    assert.equal(p('k8s.pod.labels', onHost), undefined);
  });
});
