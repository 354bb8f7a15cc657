import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { State } from '../../src/state/state.js';
import { Category, ContainerTable, ContainerType } from '../../src/state/containers.js';
import { E } from '../../src/state/event-ids.js';
import { ThreadTable, type ThreadEntry } from '../../src/state/threads.js';
import { cgroupsOf } from '../../src/sources/proc-thread.js';
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
  assert.equal(c.thread.containerId, 'abc');
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

// ---- Every cgroup layout of Falco's container plugin, read live and from a capture ----

const SHORT = ID.slice(0, 12);
const POD_UID = '0a1b2c3d-4e5f-6789-abcd-ef0123456789';
/** systemd slices spell the pod uid with underscores. */
const POD_SLICE = POD_UID.replaceAll('-', '_');

/** [what, cgroup, the engine that recognises it first (podman, then docker, then CRI, as the plugin tries them)]. */
const LAYOUTS: [string, string, number][] = [
  ['docker (cgroupfs)', `/docker/${ID}`, ContainerType.DOCKER],
  ['docker (systemd)', `/system.slice/docker-${ID}.scope`, ContainerType.DOCKER],
  // The docker matcher's "/<id>" layout comes before the CRI one, in the plugin as in sinsp.
  ['kubepods (cgroupfs)', `/kubepods/burstable/pod${POD_UID}/${ID}`, ContainerType.DOCKER],
  ['containerd (kubepods, systemd)',
    `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE}.slice/cri-containerd-${ID}.scope`, ContainerType.CRI],
  ['containerd without SystemdCgroup', `/system.slice/containerd.service/kubepods-burstable-pod${POD_SLICE}.slice:cri-containerd:${ID}`, ContainerType.CRI],
  ['cri-o (kubepods, systemd)', `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_SLICE}.slice/crio-${ID}.scope`, ContainerType.CRI],
  ['cri-o (cgroupfs)', `/kubepods/besteffort/pod${POD_UID}/crio-${ID}`, ContainerType.CRI],
  ['nerdctl (systemd)', `/system.slice/nerdctl-${ID}.scope`, ContainerType.CRI],
  ['cri-dockerd', `/kubepods.slice/kubepods-pod${POD_SLICE}.slice/docker-${ID}.scope`, ContainerType.DOCKER],
  ['podman (systemd)', `/machine.slice/libpod-${ID}.scope`, ContainerType.PODMAN],
  ['podman (systemd sub-cgroup)', `/machine.slice/libpod-${ID}.scope/container`, ContainerType.PODMAN],
  ['podman without systemd (this host\'s)', `/libpod_parent/libpod-${ID}`, ContainerType.PODMAN],
  ['podman split cgroups (systemd)', `/machine.slice/libpod-payload-${ID}.scope`, ContainerType.PODMAN],
  ['podman split cgroups (sub-cgroup)', `/machine.slice/libpod-payload-${ID}.scope/container`, ContainerType.PODMAN],
  ['podman split cgroups (no systemd)', `/libpod_parent/libpod-payload-${ID}`, ContainerType.PODMAN],
];

/** Cgroups of processes on the host (or of runtimes' helpers): no container. */
const HOST_CGROUPS: [string, string][] = [
  ['root', '/'],
  ['user session', '/user.slice/user-1000.slice/session-2.scope'],
  ['init', '/init.scope'],
  ['this sandbox', '/process_api/0123456789abcdef0123456789abcdef'],
  ['podman\'s conmon without systemd', '/libpod_parent/conmon'],
  ['podman\'s conmon (systemd)', `/machine.slice/libpod-conmon-${ID}.scope`],
  ['the docker daemon', '/system.slice/docker.service'],
  ['a pod slice (not a container)', `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE}.slice`],
  ['63 hex digits', `/docker/${ID.slice(1)}`],
  ['65 hex digits', `/docker/${ID}0`],
  ['a non-hex digit in the id', `/docker/${ID.slice(0, 20)}g${ID.slice(21)}`],
];

interface Request { id: string; fullId: string; type: number }

/** A live container table: its requests are recorded. */
function liveTable(): { table: ContainerTable; requests: Request[] } {
  const requests: Request[] = [];
  const table = new ContainerTable();
  table.lookups = { request: (id, fullId, type) => requests.push({ id, fullId, type }) };
  return { table, requests };
}

const threads = new ThreadTable();
/** A thread with these cgroups, resolved by `table`. */
function resolved(table: ContainerTable, cgroups: [string, string][], vpid = 7): ThreadEntry {
  const t = threads.create();
  t.tid = 10;
  t.vpid = vpid;
  t.cgroups = cgroups;
  table.resolve(t, () => undefined);
  return t;
}

describe('cgroup layouts', () => {
  it('live: each layout gives container.id (12 hex) and the full id, and asks the engine that recognised it', () => {
    for (const [what, cgroup, type] of LAYOUTS) {
      const { table, requests } = liveTable();
      const t = resolved(table, [['cpu', cgroup]]);
      assert.equal(t.containerId, SHORT, what);
      assert.deepEqual(requests, [{ id: SHORT, fullId: ID, type }], what);
      const c = table.get(SHORT)!;
      assert.equal(c.fullId, ID, what);
      assert.equal(c.typeId, type, what);
      assert.equal(c.lookupPending, true, what);
    }
  });

  it('capture (no runtime to ask): the same ids; docker and podman register a bare container, CRI layouts none (sysdig 0.29.3)', () => {
    for (const [what, cgroup, type] of LAYOUTS) {
      const table = new ContainerTable();
      const t = resolved(table, [['cpu', cgroup]]);
      assert.equal(t.containerId, SHORT, what);
      if (type === ContainerType.CRI) {
        assert.equal(table.get(SHORT), undefined, what);
        assert.equal(table.size, 0, what);
      } else {
        assert.equal(table.get(SHORT)?.typeId, type, what);
        assert.equal(table.get(SHORT)?.lookupPending, undefined, `${what}: nothing is pending without lookups`);
      }
    }
  });

  it('host cgroups give no container, live or not', () => {
    for (const [what, cgroup] of HOST_CGROUPS) {
      const { table, requests } = liveTable();
      assert.equal(resolved(table, [['cpu', cgroup], ['memory', cgroup]]).containerId, '', what);
      assert.deepEqual(requests, [], what);
      assert.equal(table.size, 0, what);
      assert.equal(resolved(new ContainerTable(), [['cpu', cgroup]]).containerId, '', `${what} (capture)`);
    }
  });

  it('cgroup v1: the container is found in whichever of several subsystems names it', () => {
    const v1 = [
      '12:blkio:/', '11:cpu,cpuacct:/', '10:devices:/user.slice',
      `9:memory:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE}.slice/cri-containerd-${ID}.scope`,
      '1:name=systemd:/user.slice/user-1000.slice/session-2.scope', '0::/',
    ].join('\n');
    const cgroups = cgroupsOf(v1);
    assert.ok(cgroups.length >= 6, 'several subsystems');
    const { table, requests } = liveTable();
    assert.equal(resolved(table, cgroups).containerId, SHORT);
    assert.deepEqual(requests, [{ id: SHORT, fullId: ID, type: ContainerType.CRI }]);
  });

  it('cgroup v2: the unified line (0::/path) alone names the container', () => {
    const cgroups = cgroupsOf(`0::/machine.slice/libpod-${ID}.scope/container\n`);
    assert.deepEqual(cgroups.map(([c]) => c), ['cpu', 'memory', 'cpuset']);
    const { table, requests } = liveTable();
    assert.equal(resolved(table, cgroups).containerId, SHORT);
    assert.deepEqual(requests, [{ id: SHORT, fullId: ID, type: ContainerType.PODMAN }]);
    assert.equal(resolved(liveTable().table, cgroupsOf('0::/user.slice/user-1000.slice/session-3.scope\n')).containerId, '');
  });

  it('podman is preferred over docker when both layouts appear in one list', () => {
    const other = 'f'.repeat(64);
    const { table, requests } = liveTable();
    const t = resolved(table, [['cpu', `/docker/${other}`], ['memory', `/machine.slice/libpod-${ID}.scope`]]);
    assert.equal(t.containerId, SHORT);
    assert.deepEqual(requests.map((r) => r.type), [ContainerType.PODMAN]);
  });

  it('live: lxc containers are still named after their id, with no lookup', () => {
    const { table, requests } = liveTable();
    assert.equal(resolved(table, [['cpu', '/lxc/web01/init.scope']]).containerId, 'web01');
    assert.equal(table.get('web01')?.name, 'web01');
    assert.deepEqual(requests, []);
  });
});

describe('live lookups', () => {
  /** A state whose container table asks `requests`, with processes 10, 11, 12 in one container and 20 on the host. */
  function liveState(): { s: State; requests: Request[] } {
    const requests: Request[] = [];
    const s = new State();
    s.containers.lookups = { request: (id, fullId, type) => requests.push({ id, fullId, type }) };
    const cg: [string, string][] = [['cpu', `/machine.slice/libpod-${ID}.scope/container`]];
    s.seed(header([
      proc({ tid: 10, cgroups: cg, vpid: 1 }), proc({ tid: 11, ptid: 10, cgroups: cg, vpid: 2 }),
      proc({ tid: 12, ptid: 10, cgroups: [['cpu', `/machine.slice/libpod-${ID}.scope/container`]], vpid: 3 }),
      proc({ tid: 20, cgroups: [['cpu', '/user.slice']] }),
    ]));
    s.process(ev(E.CLOSE_E, 20, [3]));
    return { s, requests };
  }

  const describedJson = (extra: Record<string, unknown> = {}) => JSON.stringify({
    container: { id: SHORT, full_id: ID, type: ContainerType.PODMAN, name: 'web', image: 'nginx:1', lookup_state: 1, ...extra },
  });

  it('a new container is registered pending with its full id, and requested once however many threads run in it', () => {
    const { s, requests } = liveState();
    assert.deepEqual(requests, [{ id: SHORT, fullId: ID, type: ContainerType.PODMAN }]);
    for (const tid of [10, 11, 12]) assert.equal(s.thread(tid)!.containerId, SHORT);
    assert.equal(s.thread(20)!.containerId, '');
    const c = s.containers.get(SHORT)!;
    assert.equal(c.lookupPending, true);
    assert.equal(c.fullId, ID);
    assert.equal(c.name, '', 'not described yet');
    // A child cloned later in the same container does not ask again.
    s.process(ev(E.CLONE_20_X, 10, [
      13, 'sh', list([]), 10, 10, 1, '', 1024, 0, 0, { u32: 0 }, { u32: 0 }, { u32: 0 }, 'sh',
      list([`cpu=/machine.slice/libpod-${ID}.scope/container`]), { u32: 0 }, { u32: 0 }, { u32: 0 }, 10, 10,
    ]));
    assert.equal(s.thread(13)?.containerId, SHORT);
    assert.equal(requests.length, 1);
  });

  it('the container event (the runtime\'s answer) clears pending and describes it', () => {
    const { s } = liveState();
    const e = ev(E.CONTAINER_JSON_2_E, -1, [describedJson()]);
    assert.equal(s.process(e), true, 'an answer later in the stream is shown');
    const c = s.containers.get(SHORT)!;
    assert.equal(c.lookupPending, undefined);
    assert.equal(c.lookupSuccessful, true);
    assert.equal(c.name, 'web');
    assert.equal(c.fullId, ID);
  });

  it('a failed lookup (lookup_state 2) clears pending too, and is not shown', () => {
    const { s } = liveState();
    const failed = JSON.stringify({ container: { id: SHORT, full_id: ID, type: ContainerType.PODMAN, lookup_state: 2 } });
    assert.equal(s.process(ev(E.CONTAINER_JSON_2_E, -1, [failed])), false);
    assert.equal(s.containers.get(SHORT)?.lookupPending, undefined);
    assert.equal(s.containers.get(SHORT)?.lookupSuccessful, false);
  });

  it('a container described before its first process is not requested', () => {
    const requests: Request[] = [];
    const table = new ContainerTable();
    table.lookups = { request: (id, fullId, type) => requests.push({ id, fullId, type }) };
    table.add(table.parseJson(describedJson())!);
    assert.equal(resolved(table, [['cpu', `/machine.slice/libpod-${ID}.scope`]]).containerId, SHORT);
    assert.deepEqual(requests, []);
    assert.equal(table.get(SHORT)?.name, 'web');
  });

  it('remove() forgets the container: size goes back, and a thread met afterwards asks again', () => {
    const { table, requests } = liveTable();
    resolved(table, [['cpu', `/docker/${ID}`]]);
    const other = 'abcdef012345'.repeat(5) + 'abcd';
    resolved(table, [['cpu', `/docker/${other}`]]);
    assert.equal(table.size, 2);
    table.remove(SHORT);
    assert.equal(table.size, 1);
    assert.equal(table.get(SHORT), undefined);
    assert.equal(table.get(other.slice(0, 12))?.lookupPending, true, 'the other container stays');
    table.remove('nosuchid0000');
    assert.equal(table.size, 1, 'removing an unknown id changes nothing');
    resolved(table, [['cpu', `/docker/${ID}`]]);
    assert.deepEqual(requests.map((r) => r.id), [SHORT, other.slice(0, 12), SHORT]);
  });
});

describe('capture mode (no lookups)', () => {
  it('a CRI-layout id without runtime records the thread\'s container id but registers no container (sysdig 0.29.3)', () => {
    const s = stateWith([['cpu', `/kubepods.slice/kubepods-pod${POD_SLICE}.slice/cri-containerd-${ID}.scope`]]);
    assert.equal(s.thread(10)!.containerId, SHORT);
    assert.equal(s.container(SHORT), undefined);
    assert.equal(s.containers.size, 0);
  });

  it('docker layouts register a bare, successfully looked-up container with no full id and nothing pending', () => {
    const s = stateWith([['cpu', `/docker/${ID}`]]);
    assert.equal(s.thread(10)!.containerId, SHORT);
    const c = s.containers.get(SHORT)!;
    assert.equal(c.type, 'docker');
    assert.equal(c.lookupSuccessful, true);
    assert.equal(c.lookupPending, undefined);
    assert.equal(c.fullId, '');
  });
});
