import { test } from 'node:test';
import assert from 'node:assert/strict';
import { State } from '../../src/state/state.js';
import { Category } from '../../src/state/containers.js';
import { E } from '../../src/state/event-ids.js';
import { ev, header, list, proc } from './event-builder.js';

const ID = '3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e';

function stateWith(cgroups: [string, string][]): State {
  const s = new State();
  s.seed(header([proc({ tid: 10, cgroups, vpid: 7 })]));
  return s;
}

test('container ids come from the runtimes\' cgroup layouts', () => {
  const cases: [string, string, string | undefined][] = [
    ['docker', `/docker/${ID}`, 'docker'],
    ['docker (systemd)', `/system.slice/docker-${ID}.scope`, 'docker'],
    ['podman', `/machine.slice/libpod-${ID}.scope/container`, 'podman'],
    ['cri-o', `/kubepods/besteffort/pod1/crio-${ID}`, undefined],
    ['containerd (systemd)', `/kubepods.slice/kubepods-pod1.slice/cri-containerd-${ID}.scope`, undefined],
    ['containerd', `/system.slice/containerd.service/kubepods-pod1.slice:cri-containerd:${ID}`, undefined],
  ];
  for (const [what, cgroup, type] of cases) {
    const s = stateWith([['cpu', cgroup]]);
    const t = s.thread(10)!;
    assert.equal(t.containerId, ID.slice(0, 12), what);
    // Without a runtime to ask, docker-like engines register a bare container; CRI ones do not.
    assert.equal(s.container(t.containerId)?.type, type, what);
  }
});

test('lxc and libvirt-lxc containers are named after their id; the host has none', () => {
  assert.equal(stateWith([['cpu', '/lxc/web01/init.scope']]).thread(10)!.containerId, 'web01');
  const lv = stateWith([['cpu', '/machine.slice/machine-lxc\\x2d1234\\x2dvm1.scope']]);
  assert.equal(lv.thread(10)!.containerId, '1234\\x2dvm1');
  assert.equal(lv.container('1234\\x2dvm1')?.name, '1234\\x2dvm1');
  const host = stateWith([['cpu', '/user.slice/user-1000.slice/session-2.scope']]);
  assert.equal(host.thread(10)!.containerId, '');
  assert.equal(stateWith([['cpu', '/docker/xyz']]).thread(10)!.containerId, '', 'not 64 hex digits');
});

test('a container JSON event describes the container; leading ones are read before the processes', () => {
  const s = new State();
  s.seed(header([proc({ tid: 10, cgroups: [['cpuset', `/docker/${ID}`]], vpid: 1 })]));
  const json = JSON.stringify({
    container: {
      id: ID.slice(0, 12), type: 0, name: 'web', image: 'nginx:1.21', imageid: 'abc', imagerepo: 'nginx', imagetag: '1.21',
      privileged: true, lookup_state: 1,
      Mounts: [{ Source: '/data', Destination: '/usr/share/nginx', Mode: 'ro', RW: false, Propagation: 'rprivate' }],
      labels: { 'b.label': '2', 'a.label': '1' }, ip: '172.17.0.2',
    },
  });
  const c = ev(E.CONTAINER_JSON_2_E, -1, [json]);
  assert.equal(s.process(c), false, 'leading container events are not shown');
  s.process(ev(E.CLOSE_E, 10, [3]));
  const t = s.thread(10)!;
  const info = s.container(t.containerId)!;
  assert.equal(info.name, 'web');
  assert.equal(info.image, 'nginx:1.21');
  assert.equal(info.privileged, true);
  assert.deepEqual(Object.keys(info.labels), ['a.label', 'b.label']);
  assert.deepEqual(info.mounts[0], { source: '/data', dest: '/usr/share/nginx', mode: 'ro', rw: false, propagation: 'rprivate' });
  assert.equal(info.ip, 0x020011ac);
  assert.equal(t.category, Category.CONTAINER, 'the container\'s init process');
});

test('a container event later in the capture is shown, with a stand-in thread', () => {
  const s = new State();
  s.seed(header([proc({ tid: 10 })]));
  s.process(ev(E.CLOSE_E, 10, [3]));
  const c = ev(E.CONTAINER_JSON_E, -1, [JSON.stringify({ container: { id: 'abc', type: 0, name: 'x', lookup_state: 1 } })]);
  assert.equal(s.process(c), true);
  assert.equal(c.thread?.comm, 'container:abc');
  assert.equal(c.thread?.containerId, 'abc');
  const failed = ev(E.CONTAINER_JSON_E, -1, [JSON.stringify({ container: { id: 'def', lookup_state: 2 } })]);
  assert.equal(s.process(failed), false, 'a failed lookup is recorded but not shown');
  assert.equal(s.container('def')?.lookupSuccessful, false);
});

test('execve and clone re-resolve the container from their cgroups', () => {
  const s = new State();
  s.seed(header([proc({ tid: 10 })]));
  s.process(ev(E.EXECVE_19_X, 10, [
    0, 'sh', list([]), 10, 10, 1, '', 1024, 0, 0, { u32: 0 }, { u32: 0 }, { u32: 0 }, 'sh',
    list([`cpu=/docker/${ID}`, 'perf=/', 'mem_cgroup=/x']), list([]), { i32: 0 }, 0, { i32: 0 }, { u32: 0 },
  ]));
  const t = s.thread(10)!;
  assert.equal(t.containerId, ID.slice(0, 12));
  assert.deepEqual(t.cgroups.map(([k]) => k), ['cpu', 'perf_event', 'memory']);
});
