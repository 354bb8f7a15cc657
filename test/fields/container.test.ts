import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/fields/registry.js';
import { container, fakeState, i64, makeEvent, thread } from './events.js';

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
