// The Docker Engine API client against a real runtime: podman's Docker-compatible service, started
// on a socket of its own (no Docker engine runs in CI), with busybox containers. Answers a real
// runtime never gives (broken HTTP, text where JSON belongs) come from a small unix-socket server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerClient } from '../../../src/sources/containers/docker.js';
import { RuntimeType, type RuntimeClient, type RuntimeEvent } from '../../../src/sources/containers/runtime.js';
import {
  buildImage, podman, podmanRm, podmanRmLeftovers, podmanRun, podmanSkipReason, startPodmanService, testContainerName,
  type PodmanService,
} from '../../support/podman.js';

const IMAGE = 'localhost/gw-busybox:1.0';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (s: number) => AbortSignal.timeout(s * 1000);

/** Resolves when `check` holds, polling; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** An error message of one line that names the socket. */
function oneLineNaming(socket: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.doesNotMatch(err.message, /\n/);
    assert.ok(err.message.includes(socket), `"${err.message}" names ${socket}`);
    assert.match(err.message, pattern);
    return true;
  };
}

const skip = podmanSkipReason();

// Each test carries the skip (not the suite) so that the summary counts the skipped checks.
describe('against podman’s Docker-compatible service', () => {
  let service: PodmanService;
  let client: RuntimeClient;
  let bindDir: string;
  const names: string[] = [];
  let plain = '';
  let host = '';
  let startedAt = 0;
  /** Stops what before() started, last first (before() may have failed half-way). */
  const teardown: (() => unknown)[] = [];

  before(async () => {
    if (skip !== false) return;
    await podmanRmLeftovers();
    await buildImage(IMAGE);
    service = await startPodmanService();
    teardown.push(() => service.stop());
    client = dockerClient('podman', service.socket, { labelMaxLen: 100 });
    teardown.push(() => client.close());
    bindDir = mkdtempSync(join(tmpdir(), 'gw-bind-'));
    teardown.push(() => rmSync(bindDir, { recursive: true, force: true }));
    startedAt = Math.floor(Date.now() / 1000);
    const [a, b] = [testContainerName('plain'), testContainerName('host')];
    names.push(a, b);
    plain = await podmanRun(['-d', '--name', a, '--user', '1000', '--label', 'app=web', '--label', 'team=blue',
      '--label', `big=${'x'.repeat(101)}`, '-v', `${bindDir}:/data:ro`, IMAGE, 'sleep', '300']);
    host = await podmanRun(['-d', '--name', b, '--privileged', '--net=host', '--pid=host', '--ipc=host',
      '-v', `${bindDir}:/data`, IMAGE, 'sleep', '300']);
  });

  after(async () => {
    if (skip !== false) return;
    await podmanRm(names);
    for (const stop of teardown.reverse()) await stop();
  });

  test('inspect maps a bridged container: name, image, ids, labels, mounts, address, user', { skip }, async () => {
    const c = await client.inspect(plain, seconds(5));
    assert.ok(c !== undefined);
    const [image] = JSON.parse(await podman(['image', 'inspect', IMAGE])) as { Id: string; Digest: string }[];
    assert.match(c.fullId, /^[0-9a-f]{64}$/);
    assert.equal(c.fullId, plain);
    assert.equal(c.type, RuntimeType.PODMAN);
    assert.equal(c.name, names[0]);
    assert.equal(c.image, IMAGE);
    assert.equal(c.imageRepo, 'localhost/gw-busybox');
    assert.equal(c.imageTag, '1.0');
    assert.equal(c.imageId, image.Id);
    assert.match(c.imageId, /^[0-9a-f]{64}$/);
    assert.equal(c.imageDigest, image.Digest);
    assert.match(c.imageDigest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(c.privileged, false);
    // podman 4.3 leaves Mode empty for a ":ro" bind (Docker says "ro"); RW says it.
    assert.deepEqual(c.mounts, [{ source: bindDir, dest: '/data', mode: '', rw: false, propagation: 'rprivate' }]);
    assert.deepEqual(c.labels, { app: 'web', team: 'blue' }, 'the 101-byte label is over labelMaxLen');
    assert.equal(c.ip, await podman(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', plain]));
    assert.match(c.ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.deepEqual([c.hostNetwork, c.hostPid, c.hostIpc], [false, false, false]);
    assert.equal(c.user, '1000');
    assert.ok(c.createdTime >= startedAt - 1 && c.createdTime <= Date.now() / 1000 + 1, `created ${c.createdTime}`);
    assert.equal(c.isPodSandbox, false);
    assert.deepEqual([c.cniJson, c.podSandboxId, c.podSandboxLabels], ['', '', {}]);
  });

  test('inspect maps a privileged container sharing the host network, pid and ipc namespaces', { skip }, async () => {
    const c = await client.inspect(host, seconds(5));
    assert.ok(c !== undefined);
    assert.equal(c.name, names[1]);
    assert.equal(c.privileged, true);
    assert.deepEqual([c.hostNetwork, c.hostPid], [true, true]);
    // podman 4.3 says IpcMode "shareable" for --ipc=host although the container is in the host's
    // ipc namespace: hostIpc can only be what the runtime says.
    const ipcMode = await podman(['inspect', '--format', '{{.HostConfig.IpcMode}}', host]);
    assert.equal(c.hostIpc, ipcMode === 'host');
    assert.equal(c.ip, '');
    assert.deepEqual(c.mounts.map((m) => [m.source, m.dest, m.rw]), [[bindDir, '/data', true]]);
    assert.deepEqual(c.labels, {});
    assert.equal(c.user, '');
  });

  test('as engine "docker" the type is DOCKER and repo and tag come from the image’s RepoDigests and RepoTags', { skip }, async () => {
    const docker = dockerClient('docker', service.socket, { labelMaxLen: 100 });
    const c = await docker.inspect(plain, seconds(5));
    assert.ok(c !== undefined);
    assert.equal(c.type, RuntimeType.DOCKER);
    assert.deepEqual([c.imageRepo, c.imageTag], ['localhost/gw-busybox', '1.0']);
    assert.match(c.imageDigest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(docker.engine, 'docker');
    assert.equal(docker.socket, service.socket);
  });

  test('inspect finds a container by the 12-character prefix of its id', { skip }, async () => {
    const c = await client.inspect(plain.slice(0, 12), seconds(5));
    assert.equal(c?.fullId, plain);
  });

  test('inspect of a container the runtime does not have resolves undefined', { skip }, async () => {
    assert.equal(await client.inspect(testContainerName('absent'), seconds(5)), undefined);
    assert.equal(await client.inspect('f'.repeat(64), seconds(5)), undefined);
  });

  test('list gives the whole ids of all containers', { skip }, async () => {
    const ids = await client.list(seconds(5));
    assert.ok(ids.includes(plain) && ids.includes(host), `${plain} and ${host} in ${ids.join(' ')}`);
  });

  test('watch reports create, start, stop and remove of a new container within a second', { skip }, async (t) => {
    const events: (RuntimeEvent & { at: number })[] = [];
    const errors: Error[] = [];
    const stop = client.watch((e) => events.push({ ...e, at: Date.now() }), (e) => errors.push(e));
    try {
      const name = testContainerName('short');
      names.push(name);
      const run = Date.now();
      const id = await podmanRun(['-d', '--name', name, IMAGE, 'sh', '-c', 'exit 0']);
      const kinds = () => events.filter((e) => e.fullId === id).map((e) => e.kind);
      await until(() => kinds().includes('stop'), 2000, 'the stop event');
      const removed = Date.now();
      await podmanRm([name]);
      await until(() => kinds().includes('remove'), 2000, 'the remove event');
      assert.deepEqual(kinds(), ['create', 'start', 'stop', 'remove']);
      const after = (kind: string, from: number) => events.find((e) => e.fullId === id && e.kind === kind)!.at - from;
      t.diagnostic(`events received: create ${after('create', run)} ms after \`podman run\` started, remove ${after('remove', removed)} ms after \`podman rm\` started`);
    } finally {
      stop();
    }
    await sleep(100);
    assert.deepEqual(errors, [], 'stopping the watch calls no onError');
  });

  // How long an inspect takes is reported, not asserted (timings belong to benchmarks): what is
  // asserted is that a hundred in a row, on the one connection, all answer the same.
  test('a hundred inspects in a row all answer the same container', { skip }, async (t) => {
    const ms: number[] = [];
    const first = await client.inspect(plain, seconds(5));
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const c = await client.inspect(plain, seconds(5));
      ms.push(performance.now() - t0);
      assert.deepEqual(c, first);
    }
    ms.sort((x, y) => x - y);
    t.diagnostic(`inspect (container + image, 2 requests): median ${ms[50].toFixed(2)} ms, p95 ${ms[95].toFixed(2)} ms, max ${ms[99].toFixed(2)} ms`);
  });

  test('a runtime that accepts and never answers (SIGSTOPped) makes calls reject when the signal aborts', { skip }, async () => {
    const errors: Error[] = [];
    const stopWatch = client.watch(() => {}, (e) => errors.push(e));
    process.kill(service.pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      await assert.rejects(client.inspect(plain, AbortSignal.timeout(300)), oneLineNaming(service.socket, /no answer before the signal aborted/));
      await assert.rejects(client.list(AbortSignal.timeout(300)), oneLineNaming(service.socket, /no answer/));
      const took = Date.now() - t0;
      assert.ok(took < 1500, `rejected after ${took} ms`);
    } finally {
      process.kill(service.pid, 'SIGCONT');
    }
    assert.equal((await client.inspect(plain, seconds(5)))?.fullId, plain, 'answers again once continued');
    stopWatch();
    assert.deepEqual(errors, []);
  });

  test('watch calls onError once when the runtime goes away', { skip }, async () => {
    const errors: Error[] = [];
    client.watch(() => {}, (e) => errors.push(e));
    await sleep(200);
    await service.stop();
    await until(() => errors.length > 0, 5000, 'onError');
    await sleep(200);
    assert.equal(errors.length, 1);
    oneLineNaming(service.socket, /GET \/events/)(errors[0]);
    await assert.rejects(client.inspect(plain, seconds(5)), oneLineNaming(service.socket, /ENOENT|ECONNREFUSED/));
  });
});

// ---- A test double for answers real runtimes do not give.

/** A unix-socket server that answers each connection's first request with `answer`. */
async function fakeRuntime(answer: (conn: Socket) => void): Promise<{ socket: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-fake-'));
  const socket = join(dir, 'docker.sock');
  const conns = new Set<Socket>();
  const server: Server = createServer((conn) => {
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    conn.on('error', () => {});
    conn.once('data', () => answer(conn));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    async close() {
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const http = (status: string, body: string, headers = '') =>
  `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`;

const CONTAINER = JSON.stringify({ Id: 'a'.repeat(64), Name: '/x', Image: 'sha256:' + 'b'.repeat(64), Config: { Image: 'x:1' } });

describe('answers no real runtime gives (a test double)', () => {
  const bad: [string, (conn: Socket) => void, RegExp][] = [
    ['not HTTP', (c) => c.end('garbage\r\n\r\n'), /Parse Error|HPE_/],
    ['a body that is not JSON', (c) => c.end(http('200 OK', 'hello')), /the answer is not JSON: hello/],
    ['JSON of the wrong shape', (c) => c.end(http('200 OK', '[1, 2]')), /unexpected answer: the container is not an object/],
    ['a field of the wrong type', (c) => c.end(http('200 OK', JSON.stringify({ Id: 'a'.repeat(64), Config: { Labels: { a: 1 } } }))), /container\.Config\.Labels\.a is not a string/],
    ['an error of several lines', (c) => c.end(http('500 Internal Server Error', JSON.stringify({ message: 'it broke\nbadly' }))), /HTTP 500: it broke badly$/],
    ['404 for a path it does not serve', (c) => c.end(http('404 Not Found', '{"message":"page not found"}')), /HTTP 404: page not found/],
    ['a connection closed mid-answer', (c) => { c.write(http('200 OK', CONTAINER).slice(0, -10)); c.destroy(); }, /closed before the answer was complete|aborted/],
  ];
  for (const [what, answer, pattern] of bad) {
    test(`inspect rejects with one line naming the socket for ${what}`, async () => {
      const fake = await fakeRuntime(answer);
      try {
        const client = dockerClient('docker', fake.socket, { labelMaxLen: 100 });
        await assert.rejects(client.inspect('a'.repeat(12), seconds(2)), oneLineNaming(fake.socket, pattern));
      } finally {
        await fake.close();
      }
    });
  }

  test('list rejects when the answer is not a list of containers with ids', async () => {
    const fake = await fakeRuntime((c) => c.end(http('200 OK', '[{"Names":["/x"]}]')));
    try {
      const client = dockerClient('docker', fake.socket, { labelMaxLen: 100 });
      await assert.rejects(client.list(seconds(2)), oneLineNaming(fake.socket, /containers\[0\] has no Id/));
    } finally {
      await fake.close();
    }
  });

  test('a socket nobody listens on rejects inspect and fails watch once', async () => {
    const socket = join(tmpdir(), `gw-absent-${process.pid}.sock`);
    const client = dockerClient('podman', socket, { labelMaxLen: 100 });
    await assert.rejects(client.inspect('abc', seconds(2)), oneLineNaming(socket, /ENOENT/));
    const errors: Error[] = [];
    client.watch(() => assert.fail('no event'), (e) => errors.push(e));
    await until(() => errors.length > 0, 2000, 'onError');
    await sleep(50);
    assert.equal(errors.length, 1);
    oneLineNaming(socket, /ENOENT/)(errors[0]);
  });

  test('an aborted signal and close() reject pending calls to a runtime that never answers', async () => {
    const fake = await fakeRuntime(() => {});
    try {
      const client = dockerClient('docker', fake.socket, { labelMaxLen: 100 });
      const controller = new AbortController();
      const pending = client.inspect('abc', controller.signal);
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(pending, oneLineNaming(fake.socket, /no answer before the signal aborted/));
      const closed = client.list(seconds(10));
      setTimeout(() => client.close(), 50);
      await assert.rejects(closed, oneLineNaming(fake.socket, /the client was closed/));
      await assert.rejects(client.inspect('abc', AbortSignal.abort()), /no answer before the signal aborted/);
    } finally {
      await fake.close();
    }
  });

  /** A chunked event stream that sends `lines` then, unless `keepOpen`, ends. */
  const stream = (lines: string[], keepOpen = false) => (c: Socket) => {
    c.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (const line of lines) c.write(`${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`);
    if (!keepOpen) c.end('0\r\n\r\n');
  };
  const event = (Action: string, ID: string) => JSON.stringify({ Type: 'container', Action, Actor: { ID, Attributes: {} } }) + '\n';

  test('watch maps Docker’s and podman’s action names and ignores the others', async () => {
    const actions = ['create', 'start', 'exec_start: sh', 'kill', 'die', 'died', 'stop', 'cleanup', 'destroy', 'remove'];
    const fake = await fakeRuntime(stream([...actions.map((a, i) => event(a, String(i))), '{"status":"start","id":"old"}\n'], true));
    try {
      const client = dockerClient('docker', fake.socket, { labelMaxLen: 100 });
      const events: RuntimeEvent[] = [];
      const errors: Error[] = [];
      const stop = client.watch((e) => events.push(e), (e) => errors.push(e));
      await until(() => events.length === 7, 2000, 'the events');
      stop();
      await sleep(50);
      assert.deepEqual(events.map((e) => `${e.kind} ${e.fullId}`), ['create 0', 'start 1', 'stop 4', 'stop 5', 'remove 8', 'remove 9', 'start old']);
      assert.deepEqual(errors, []);
    } finally {
      await fake.close();
    }
  });

  const failing: [string, (conn: Socket) => void, RegExp][] = [
    ['a line that is not JSON', stream([event('start', 'x'), 'not json\n'], true), /an event is not JSON: not json/],
    ['a stream the runtime ends', stream([event('start', 'x')]), /the runtime ended the stream/],
    ['a connection that breaks', (c) => { stream([event('start', 'x')], true)(c); setTimeout(() => c.destroy(), 20); }, /closed|aborted/],
    ['an HTTP error', (c) => c.end(http('400 Bad Request', '{"message":"invalid filter"}')), /HTTP 400: invalid filter/],
  ];
  for (const [what, answer, pattern] of failing) {
    test(`watch calls onError once for ${what}`, async () => {
      const fake = await fakeRuntime(answer);
      try {
        const client = dockerClient('docker', fake.socket, { labelMaxLen: 100 });
        const errors: Error[] = [];
        client.watch(() => {}, (e) => errors.push(e));
        await until(() => errors.length > 0, 2000, 'onError');
        await sleep(50);
        assert.equal(errors.length, 1);
        oneLineNaming(fake.socket, pattern)(errors[0]);
      } finally {
        await fake.close();
      }
    });
  }

  test('an event handler that throws ends the watch through onError, not the process', async () => {
    const fake = await fakeRuntime(stream([event('start', 'x'), event('start', 'y')], true));
    try {
      const client = dockerClient('docker', fake.socket, { labelMaxLen: 100 });
      const errors: Error[] = [];
      const seen: string[] = [];
      client.watch((e) => {
        seen.push(e.fullId);
        throw new Error('handler bug');
      }, (e) => errors.push(e));
      await until(() => errors.length > 0, 2000, 'onError');
      await sleep(50);
      assert.deepEqual(seen, ['x']);
      assert.equal(errors.length, 1);
      oneLineNaming(fake.socket, /the event handler threw: handler bug/)(errors[0]);
    } finally {
      await fake.close();
    }
  });
});
