// The CRI client against a real containerd (its CRI plugin, runc), with pods created as a kubelet
// creates them (test/support/containerd.ts); its mapping of the answers on fixtures; and its
// behaviour when the runtime hangs or answers garbage.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  changes, cniJsonOf, criClient, describeImage, describeSandbox, privilegedIn, runtimeTypeOf,
  type CriClient, type CriSandboxStatus,
} from '../../../src/sources/containers/cri.js';
import { loadCriApi } from '../../../src/sources/containers/cri-api.js';
import { RuntimeType, type RuntimeEvent } from '../../../src/sources/containers/runtime.js';
import {
  containerdSkipReason, podNetworkSkipReason, startContainerd, TEST_IMAGE, type Containerd,
} from '../../support/containerd.js';

const LABEL_MAX_LEN = 100;
const timeout = (ms = 5000) => AbortSignal.timeout(ms);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CRI answers mapped as libsinsp maps them', () => {
  test('the runtime type comes from the runtime name Version() answers', () => {
    assert.equal(runtimeTypeOf('containerd'), RuntimeType.CONTAINERD);
    assert.equal(runtimeTypeOf('cri-o'), RuntimeType.CRIO);
    assert.equal(runtimeTypeOf('some-other-runtime'), RuntimeType.CRI);
  });

  test('a repository digest in image_ref gives repository and digest; the tag comes from the image', () => {
    const status = { image: { image: 'registry.local:5000/team/app:2.1' }, imageRef: 'registry.local:5000/team/app@sha256:abc' };
    assert.deepEqual(describeImage(status, {}), {
      image: 'registry.local:5000/team/app:2.1', imageRepo: 'registry.local:5000/team/app', imageTag: '2.1', imageDigest: 'sha256:abc',
    });
  });

  test('an image_ref that is only an id is kept as the digest', () => {
    const status = { image: { image: 'docker.io/library/busybox:1.36' }, imageRef: 'sha256:0123' };
    assert.deepEqual(describeImage(status, {}), {
      image: 'docker.io/library/busybox:1.36', imageRepo: 'docker.io/library/busybox', imageTag: '1.36', imageDigest: 'sha256:0123',
    });
  });

  test('an image named by its id is named from the OCI annotations', () => {
    const info = { runtimeSpec: { annotations: { 'io.kubernetes.cri.image-name': 'quay.io/org/tool:v3' } } };
    assert.deepEqual(describeImage({ image: { image: 'sha256:0123' }, imageRef: '' }, info), {
      image: 'quay.io/org/tool:v3', imageRepo: 'quay.io/org/tool', imageTag: 'v3', imageDigest: '',
    });
    const crio = { runtimeSpec: { annotations: { 'io.kubernetes.cri-o.ImageName': 'quay.io/org/tool:v4' } } };
    assert.equal(describeImage({ image: null, imageRef: '' }, crio).imageTag, 'v4');
  });

  test('privileged is read from the OCI spec, then the kubelet config, then CRI-O\'s flag', () => {
    assert.equal(privilegedIn({ runtimeSpec: { linux: { security_context: { privileged: false } } }, privileged: true }), false);
    assert.equal(privilegedIn({ config: { linux: { security_context: { privileged: true } } } }), true);
    assert.equal(privilegedIn({ privileged: true }), true);
    assert.equal(privilegedIn({ privileged: 'yes' }), false);
    assert.equal(privilegedIn({}), false);
  });

  test('the CNI result keeps the pod\'s interfaces without loopback, host veths, MAC and netns', () => {
    const info = {
      cniResult: {
        Interfaces: {
          eth0: { IPConfigs: [{ IP: '10.1.2.3', Gateway: '10.1.2.1' }], Mac: '0a:58:0a:01:02:03', Sandbox: '/var/run/netns/cni-1' },
          lo: { IPConfigs: [{ IP: '127.0.0.1' }] },
          veth1234: { IPConfigs: null, Mac: 'aa:bb' },
          cni0: { IPConfigs: null, Mac: 'cc:dd' },
        },
        DNS: [{}],
      },
    };
    assert.equal(cniJsonOf(info), '{"eth0":{"IPConfigs":[{"IP":"10.1.2.3","Gateway":"10.1.2.1"}]},"cni0":{"IPConfigs":null}}');
    const crio = { runtimeSpec: { annotations: { 'io.kubernetes.cri-o.CNIResult': '{"cniVersion":"1.0.0"}' } } };
    assert.equal(cniJsonOf(crio), '{"cniVersion":"1.0.0"}');
    assert.equal(cniJsonOf({ runtimeSpec: { annotations: { 'io.kubernetes.cri-o.CNIResult': 'x'.repeat(5000) } } }).length, 4096);
    assert.equal(cniJsonOf({}), '');
  });

  test('a sandbox is described with the pod\'s labels, its own id as pod id and the pod\'s first IPv4', () => {
    const pod: CriSandboxStatus = {
      id: 'f'.repeat(64), metadata: { name: 'web-1', uid: 'u-1', namespace: 'shop' }, createdAt: '1700000000123456789',
      network: { ip: 'fd00::5', additionalIps: [{ ip: '10.0.0.5' }] },
      linux: { namespaces: { options: { network: 'POD', pid: 'NODE', ipc: 'POD' } } },
      labels: { app: 'web', huge: 'x'.repeat(LABEL_MAX_LEN + 1) },
    };
    const c = describeSandbox(pod, {}, RuntimeType.CONTAINERD, LABEL_MAX_LEN);
    assert.equal(c.isPodSandbox, true);
    assert.equal(c.podSandboxId, pod.id);
    assert.equal(c.name, 'web-1');
    assert.equal(c.createdTime, 1700000000);
    assert.equal(c.ip, '10.0.0.5');
    assert.deepEqual([c.hostNetwork, c.hostPid, c.hostIpc], [false, true, false]);
    assert.deepEqual(c.podSandboxLabels, { app: 'web' });
    assert.deepEqual(c.labels, {
      app: 'web', 'io.kubernetes.sandbox.id': pod.id,
      'io.kubernetes.pod.uid': 'u-1', 'io.kubernetes.pod.name': 'web-1', 'io.kubernetes.pod.namespace': 'shop',
    });
  });

  test('polling turns two listings into create, start, stop and remove events', () => {
    const before = new Map([['a', true], ['b', false], ['c', true], ['d', true]]);
    const after = new Map([['a', true], ['b', true], ['c', false], ['e', true], ['f', false]]);
    assert.deepEqual(changes(before, after), [
      { kind: 'start', fullId: 'b' }, { kind: 'stop', fullId: 'c' },
      { kind: 'create', fullId: 'e' }, { kind: 'start', fullId: 'e' },
      { kind: 'create', fullId: 'f' },
      { kind: 'remove', fullId: 'd' },
    ]);
  });
});

const skip = containerdSkipReason();

describe('CRI client against a real containerd', { skip }, () => {
  let ctd: Containerd;
  let client: CriClient;
  let pod: string;
  let podUid: string;
  let app: string;
  let plain: string;
  /** Stops what before() started, last first (before() may have failed half-way). */
  const teardown: (() => unknown)[] = [];

  before(async () => {
    ctd = await startContainerd({ network: podNetworkSkipReason() === false });
    teardown.push(() => ctd.stop());
    client = criClient('cri', ctd.socket, { labelMaxLen: LABEL_MAX_LEN });
    teardown.push(() => client.close());
    podUid = `uid-${randomBytes(4).toString('hex')}`;
    pod = await ctd.runPod({ name: 'web-1', namespace: 'shop', uid: podUid, labels: { app: 'web' }, privileged: true });
    const shared = ctd.sharedDir();
    app = await ctd.createContainer(pod, {
      name: 'app', command: ['sleep', '300'], privileged: true,
      labels: { tier: 'front', oversized: 'x'.repeat(LABEL_MAX_LEN + 1) },
      mounts: [
        { hostPath: '/etc', containerPath: '/host-etc', readonly: true },
        { hostPath: shared, containerPath: '/slave', propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
        { hostPath: shared, containerPath: '/shared', propagation: 'PROPAGATION_BIDIRECTIONAL' },
      ],
    });
    plain = await ctd.createContainer(pod, { name: 'plain', command: ['sleep', '300'], runAsUser: 1000 });
  });

  after(async () => {
    for (const stop of teardown.reverse()) await stop();
  });

  test('inspect describes a running container as the kubelet created it', async () => {
    const c = await client.inspect(app, timeout());
    assert.ok(c);
    assert.equal(c.fullId, app);
    assert.equal(c.type, RuntimeType.CONTAINERD);
    assert.equal(c.name, 'app');
    assert.equal(c.image, TEST_IMAGE);
    assert.equal(c.imageRepo, 'localhost/gw-test/busybox');
    assert.equal(c.imageTag, '1.0');
    assert.match(c.imageDigest, /^sha256:[0-9a-f]{64}$/);
    assert.match(c.imageId, /^[0-9a-f]{64}$/);
    assert.notEqual(`sha256:${c.imageId}`, c.imageDigest, 'the digest is the manifest\'s, the id the config\'s');
    assert.equal(c.privileged, true);
    assert.equal(c.isPodSandbox, false);
    assert.equal(c.podSandboxId, pod);
    assert.equal(c.user, '0');
    assert.ok(Math.abs(c.createdTime - Date.now() / 1000) < 120, `created ${c.createdTime}`);
    assert.deepEqual(c.labels, {
      tier: 'front',
      'io.kubernetes.container.name': 'app',
      'io.kubernetes.pod.name': 'web-1', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': podUid,
      'io.kubernetes.sandbox.id': pod,
    });
    assert.deepEqual(c.podSandboxLabels, {
      app: 'web', 'io.kubernetes.pod.name': 'web-1', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': podUid,
    });
    assert.deepEqual([c.hostNetwork, c.hostPid, c.hostIpc, c.ip, c.cniJson], [true, false, false, '', '']);
    assert.deepEqual(c.mounts, [
      { source: '/etc', dest: '/host-etc', mode: '', rw: false, propagation: 'private' },
      { source: ctd.sharedDir(), dest: '/slave', mode: '', rw: true, propagation: 'rslave' },
      { source: ctd.sharedDir(), dest: '/shared', mode: '', rw: true, propagation: 'rshared' },
    ]);
  });

  test('an unprivileged container reads as such, with the user it runs as', async () => {
    const c = await client.inspect(plain, timeout());
    assert.ok(c);
    assert.equal(c.privileged, false);
    assert.equal(c.user, '1000');
    assert.deepEqual(c.mounts, []);
  });

  test('inspect of the pod sandbox id describes the pod', async () => {
    const c = await client.inspect(pod, timeout());
    assert.ok(c);
    assert.equal(c.fullId, pod);
    assert.equal(c.isPodSandbox, true);
    assert.equal(c.podSandboxId, pod);
    assert.equal(c.name, 'web-1');
    assert.equal(c.type, RuntimeType.CONTAINERD);
    assert.equal(c.hostNetwork, true);
    assert.deepEqual(c.podSandboxLabels, {
      app: 'web', 'io.kubernetes.pod.name': 'web-1', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': podUid,
    });
    assert.equal(c.labels['io.kubernetes.sandbox.id'], pod);
    assert.equal(c.labels.app, 'web');
  });

  test('containerd resolves a 12-character prefix of a container or sandbox id', async () => {
    assert.equal((await client.inspect(app.slice(0, 12), timeout()))?.fullId, app);
    assert.equal((await client.inspect(pod.slice(0, 12), timeout()))?.fullId, pod);
  });

  test('an id the runtime does not know is undefined', async () => {
    assert.equal(await client.inspect(randomBytes(32).toString('hex'), timeout()), undefined);
    assert.equal(await client.inspect('', timeout()), undefined);
  });

  test('list() gives the containers and the pod sandboxes', async () => {
    const ids = await client.list(timeout());
    for (const id of [app, plain, pod]) assert.ok(ids.includes(id), `${id} in ${ids.join(' ')}`);
  });

  test('the pod\'s processes run in the cgroups a kubelet with cgroupfs gives', () => {
    const dir = `/sys/fs/cgroup/pids/kubepods/besteffort/pod${podUid}/${app}`;
    const [pid] = readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim().split('\n');
    assert.match(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), new RegExp(`:pids:/kubepods/besteffort/pod${podUid}/${app}\\n`));
  });

  test('a pod with a network of its own has its IP and CNI result', { skip: podNetworkSkipReason() }, async () => {
    const netPod = await ctd.runPod({ name: 'net-1', hostNetwork: false });
    try {
      const id = await ctd.createContainer(netPod, { name: 'app', command: ['sleep', '300'] });
      const c = await client.inspect(id, timeout());
      assert.ok(c);
      assert.equal(c.hostNetwork, false);
      assert.match(c.ip, /^10\.231\.0\.\d+$/);
      const cni = JSON.parse(c.cniJson) as Partial<Record<string, { IPConfigs: { IP: string }[] | null }>>;
      assert.equal(cni.eth0?.IPConfigs?.at(0)?.IP, c.ip);
      assert.equal((await client.inspect(netPod, timeout()))?.ip, c.ip);
    } finally {
      await ctd.removePod(netPod);
    }
  });

  test('watch() reports a new container created then removed, by polling on containerd 1.6', async () => {
    const events: RuntimeEvent[] = [];
    const errors: Error[] = [];
    const watcher = criClient('cri', ctd.socket, { labelMaxLen: LABEL_MAX_LEN });
    const stop = watcher.watch((e) => events.push(e), (e) => errors.push(e));
    try {
      // containerd 1.6 answers GetContainerEvents with UNIMPLEMENTED: the client lists instead.
      await until(() => watcher.watchSource === 'polling', 5000, 'the watch to fall back to polling');
      await sleep(800); // the first listing is the baseline
      const id = await ctd.createContainer(pod, { name: 'short', command: ['sleep', '300'] });
      await until(() => events.some((e) => e.fullId === id && e.kind === 'start'), 5000, 'the start event');
      await ctd.removeContainer(id);
      await until(() => events.some((e) => e.fullId === id && e.kind === 'remove'), 5000, 'the remove event');
      assert.deepEqual(events.filter((e) => e.fullId === id).map((e) => e.kind), ['create', 'start', 'remove']);
      assert.deepEqual(errors, []);
    } finally {
      stop();
      watcher.close();
    }
  });

  test('inspect rejects when the signal aborts, on a runtime that accepts and never answers', async () => {
    const fresh = criClient('cri', ctd.socket, { labelMaxLen: LABEL_MAX_LEN });
    process.kill(ctd.pid, 'SIGSTOP');
    try {
      // One client already connected, one connecting now: neither may hang.
      for (const c of [client, fresh]) {
        const started = Date.now();
        await assert.rejects(c.inspect(app, timeout(300)), (e: Error) => {
          assert.match(e.message, new RegExp(`^cri socket ${ctd.socket}: \\w+: no answer before the signal aborted`));
          return true;
        });
        assert.ok(Date.now() - started < 1500, `rejected after ${Date.now() - started} ms`);
      }
    } finally {
      process.kill(ctd.pid, 'SIGCONT');
      fresh.close();
    }
    assert.equal((await client.inspect(app, timeout()))?.fullId, app, 'the client works again once the runtime does');
  });
});

describe('CRI client facing a broken runtime', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-cri-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing socket rejects naming the socket', async () => {
    const socket = join(dir, 'absent.sock');
    const c = criClient('containerd', socket, { labelMaxLen: LABEL_MAX_LEN });
    try {
      await assert.rejects(c.inspect('abc', timeout()), (e: Error) => oneLineNaming(e, `containerd socket ${socket}`));
      const failed = await watchFailure(c);
      assert.match(failed.message, new RegExp(`^containerd socket ${socket}: GetContainerEvents: `));
    } finally {
      c.close();
    }
  });

  // A test double: a unix socket that answers HTTP/1.1 instead of HTTP/2 (a wrong socket configured).
  test('a socket answering something other than gRPC rejects with one line and no crash', async () => {
    const socket = join(dir, 'http1.sock');
    const server = await listen(createServer((conn) => {
      conn.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 7\r\n\r\ngarbage');
      conn.on('error', () => {});
    }), socket);
    const c = criClient('cri', socket, { labelMaxLen: LABEL_MAX_LEN });
    try {
      await assert.rejects(c.inspect('abc', timeout()), (e: Error) => oneLineNaming(e, `cri socket ${socket}`));
      await assert.rejects(c.list(timeout()), (e: Error) => oneLineNaming(e, `cri socket ${socket}`));
    } finally {
      c.close();
      server.close();
    }
  });

  // Test doubles: gRPC servers of the CRI service that answer wrongly, or never.
  test('an answer that is not the expected message rejects saying what was wrong', async () => {
    const { grpc, RuntimeService } = await loadCriApi();
    const socket = join(dir, 'odd.sock');
    const service = { ...RuntimeService.service };
    // ContainerStatus answers bytes that are no protobuf message.
    service.ContainerStatus = { ...service.ContainerStatus, responseSerialize: () => Buffer.from([0xff, 0xff, 0xff, 0xff]) };
    const answers: Record<string, grpcHandler> = {
      Version: (_call, done) => done(null, { runtimeName: 'odd' }),
      ContainerStatus: (_call, done) => done(null, {}),
      PodSandboxStatus: (call, done) => done(null, (call.request as { podSandboxId: string }).podSandboxId === 'nostatus'
        ? {} : { status: { id: 'x' }, info: { info: '{not json' } }),
    };
    const server = await grpcServer(grpc, service, answers, socket);
    const c = criClient('cri', socket, { labelMaxLen: LABEL_MAX_LEN });
    try {
      await assert.rejects(c.inspect('abc', timeout()), (e: Error) => {
        oneLineNaming(e, `cri socket ${socket}: ContainerStatus: `);
        assert.match(e.message, /pars/i);
        return true;
      });
      server.removeService(RuntimeService.service);
      server.addService(RuntimeService.service, {
        ...answers,
        ContainerStatus: (_call: unknown, done: grpcDone) => done({ code: grpc.status.NOT_FOUND, details: 'not found' }),
      });
      await assert.rejects(c.inspect('nostatus', timeout()), /PodSandboxStatus: the answer has no sandbox status$/);
      await assert.rejects(c.inspect('badinfo', timeout()), /PodSandboxStatus: the verbose info is not JSON: \{not json$/);
    } finally {
      c.close();
      server.forceShutdown();
    }
  });

  // A test double for the runtimes that stream events (containerd 1.7+, CRI-O).
  test('watch() follows GetContainerEvents when the runtime streams them', async () => {
    const { grpc, RuntimeService } = await loadCriApi();
    const socket = join(dir, 'events.sock');
    const streamed = ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT'];
    const server = await grpcServer(grpc, RuntimeService.service, {
      GetContainerEvents: ((call: { write(m: object): void; end(): void }) => {
        for (const type of streamed) call.write({ containerId: 'c1', containerEventType: type });
        setTimeout(() => call.end(), 50);
      }) as unknown as grpcHandler,
    }, socket);
    const c = criClient('cri', socket, { labelMaxLen: LABEL_MAX_LEN });
    try {
      const events: RuntimeEvent[] = [];
      const failed = await new Promise<Error>((resolve) => c.watch((e) => events.push(e), resolve));
      assert.equal(c.watchSource, 'events');
      assert.deepEqual(events.map((e) => `${e.kind} ${e.fullId}`), ['create c1', 'start c1', 'stop c1', 'remove c1']);
      assert.match(failed.message, /GetContainerEvents: the runtime ended the event stream$/);
    } finally {
      c.close();
      server.forceShutdown();
    }
  });

  test('a polled runtime that goes away ends the watch with one error', async () => {
    const { grpc, RuntimeService } = await loadCriApi();
    const socket = join(dir, 'polled.sock');
    const server = await grpcServer(grpc, RuntimeService.service, {
      GetContainerEvents: ((call: { emit(ev: string, e: object): void }) => {
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'unknown method' });
      }) as unknown as grpcHandler,
      ListContainers: (_call, done) => done(null, { containers: [{ id: 'c1', state: 'CONTAINER_RUNNING' }] }),
      ListPodSandbox: (_call, done) => done(null, { items: [] }),
    }, socket);
    const c = criClient('cri', socket, { labelMaxLen: LABEL_MAX_LEN });
    try {
      const errors: Error[] = [];
      c.watch(() => assert.fail('no change happened'), (e) => errors.push(e));
      await until(() => c.watchSource === 'polling', 2000, 'polling');
      server.forceShutdown();
      await until(() => errors.length > 0, 5000, 'the error');
      await sleep(1200);
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, new RegExp(`^cri socket ${socket}: List(Containers|PodSandbox): `));
    } finally {
      c.close();
    }
  });

  test('close() rejects the calls in flight', async () => {
    const { grpc, RuntimeService } = await loadCriApi();
    const socket = join(dir, 'silent.sock');
    const server = await grpcServer(grpc, RuntimeService.service, { Version: () => {}, ContainerStatus: () => {} }, socket);
    const c = criClient('cri', socket, { labelMaxLen: LABEL_MAX_LEN });
    try {
      const pending = c.inspect('abc', timeout(60_000));
      await sleep(100);
      c.close();
      await assert.rejects(pending, /: the client was closed$/);
      await assert.rejects(c.list(timeout()), /the client was closed$/);
    } finally {
      server.forceShutdown();
    }
  });
});

type grpcDone = (err: { code: number; details: string } | null, res?: object) => void;
type grpcHandler = (call: { request: unknown }, done: grpcDone) => void;

function oneLineNaming(e: Error, prefix: string): true {
  assert.ok(e.message.startsWith(prefix), e.message);
  assert.doesNotMatch(e.message, /\n/);
  return true;
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function watchFailure(c: CriClient): Promise<Error> {
  return new Promise((resolve) => {
    c.watch(() => assert.fail('no event expected'), resolve);
  });
}

function listen(server: Server, socket: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve(server));
  });
}

async function grpcServer(
  grpc: Awaited<ReturnType<typeof loadCriApi>>['grpc'], service: import('@grpc/grpc-js').ServiceDefinition,
  handlers: Record<string, grpcHandler>, socket: string,
): Promise<import('@grpc/grpc-js').Server> {
  const server = new grpc.Server();
  server.addService(service, handlers);
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
  });
  return server;
}
