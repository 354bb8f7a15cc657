// ContainerMetadata: how the runtimes are asked (which sockets, in which order, how often) and what
// reaches the sink. The runtime clients here are test doubles: this tests the orchestration only.
// The real clients are exercised against real runtimes in test/sources/containers/docker.test.ts
// and cri.test.ts, and the whole path (probe, state, runtimes, alerts) in
// test/e2e/live-containers.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, describe, it, mock } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ContainerMetadata, DEFAULT_ENGINES, type ContainerMetadataConfig, type EngineConfig,
} from '../../../src/sources/containers/metadata.js';
import {
  partialContainer, RuntimeType, type EngineName, type RuntimeClient, type RuntimeContainer, type RuntimeEvent,
} from '../../../src/sources/containers/runtime.js';

const root = mkdtempSync(join(tmpdir(), 'gw-metadata-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A fresh HOST_ROOT with these socket paths present (as plain files: only their existence is checked). */
function hostRoot(...sockets: string[]): string {
  const dir = join(root, `h${dirs++}`);
  mkdirSync(dir);
  for (const s of sockets) {
    mkdirSync(dirname(join(dir, s)), { recursive: true });
    writeFileSync(join(dir, s), '');
  }
  return dir;
}

/** One socket per engine, so that each engine has a client of its own. */
const SOCKETS: Readonly<Record<EngineName, string>> = {
  docker: '/run/docker.sock', podman: '/run/podman/podman.sock', containerd: '/run/containerd-plain.sock', cri: '/run/crio/crio.sock',
};
const ALL_ENGINES: Record<EngineName, EngineConfig> = {
  docker: { enabled: true, sockets: [SOCKETS.docker] },
  podman: { enabled: true, sockets: [SOCKETS.podman] },
  containerd: { enabled: true, sockets: [SOCKETS.containerd] },
  cri: { enabled: true, sockets: [SOCKETS.cri] },
};

const fullId = (c: string): string => c.repeat(64);
const A = fullId('a'), B = fullId('b'), C = fullId('c'), D = fullId('d');

function ctr(id: string, type: number, name: string, extra: Partial<RuntimeContainer> = {}): RuntimeContainer {
  return { ...partialContainer(id, type, name, `docker.io/library/${name}:1.0`, { app: name }), ...extra };
}

/** A runtime client double: containers by whole id; every call is logged as '<engine> <call> <short id>'. */
class FakeRuntime implements RuntimeClient {
  readonly containers = new Map<string, RuntimeContainer>();
  /** inspect never answers: it rejects only when its signal aborts (a hung runtime). */
  hang = false;
  /** The event stream breaks as soon as it is opened. */
  brokenWatch = false;
  onEvent: ((e: RuntimeEvent) => void) | undefined;
  closed = false;

  constructor(readonly engine: EngineName, readonly socket: string, private readonly log: string[]) {}

  inspect(id: string, signal: AbortSignal): Promise<RuntimeContainer | undefined> {
    this.log.push(`${this.engine} inspect ${id}`);
    if (this.hang) {
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    }
    const found = [...this.containers.values()].find((c) => c.fullId.startsWith(id));
    return Promise.resolve(found);
  }

  list(): Promise<string[]> {
    this.log.push(`${this.engine} list`);
    return Promise.resolve([...this.containers.keys()]);
  }

  watch(onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): () => void {
    if (this.brokenWatch) queueMicrotask(() => onError(new Error('stream reset')));
    else this.onEvent = onEvent;
    return () => {
      this.onEvent = undefined;
    };
  }

  emit(e: RuntimeEvent): void {
    assert.ok(this.onEvent !== undefined, `${this.engine} is watched`);
    this.onEvent(e);
  }

  close(): void {
    this.closed = true;
  }
}

interface Setup {
  readonly metadata: ContainerMetadata;
  /** The doubles, by engine (made whether or not their socket exists; `made` says which were asked for). */
  readonly runtimes: Record<EngineName, FakeRuntime>;
  /** The client factory's calls. */
  readonly made: { engine: EngineName; socket: string; labelMaxLen: number }[];
  readonly log: string[];
  readonly sink: { containers: string[]; removed: string[]; warnings: string[] };
}

const opened: ContainerMetadata[] = [];
afterEach(() => {
  for (const m of opened.splice(0)) m.close();
  mock.timers.reset();
});

function setup(config: Partial<ContainerMetadataConfig> & { hostRoot: string }): Setup {
  const log: string[] = [];
  const made: Setup['made'] = [];
  const sink: Setup['sink'] = { containers: [], removed: [], warnings: [] };
  const runtimes = {} as Record<EngineName, FakeRuntime>;
  for (const e of ['docker', 'podman', 'containerd', 'cri'] as const) runtimes[e] = new FakeRuntime(e, '', log);
  const metadata = new ContainerMetadata(
    { engines: ALL_ENGINES, labelMaxLen: 100, lookupTimeoutMs: 1000, ...config },
    (engine, socket, opts) => {
      made.push({ engine, socket, labelMaxLen: opts.labelMaxLen });
      const r = runtimes[engine];
      (r as { socket: string }).socket = socket;
      return Promise.resolve(r);
    },
    {
      container: (json) => sink.containers.push(json),
      removed: (id) => sink.removed.push(id),
      warn: (m) => sink.warnings.push(m),
    },
  );
  opened.push(metadata);
  return { metadata, runtimes, made, log, sink };
}

/** The `container` object of sinsp's JSON. */
const parsed = (json: string): Record<string, unknown> => (JSON.parse(json) as { container: Record<string, unknown> }).container;

/** Resolves when `check` holds (polling on real timers); fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Let pending promise callbacks run (for tests whose timers are mocked). */
const settle = async (turns = 20): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
};

describe('ContainerMetadata: start', () => {
  it('lists and describes the containers each runtime already has (sinsp JSON, lookup_state 1)', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker, SOCKETS.cri) });
    s.runtimes.docker.containers.set(A, ctr(A, RuntimeType.DOCKER, 'web', { privileged: true }));
    s.runtimes.docker.containers.set(B, ctr(B, RuntimeType.DOCKER, 'db'));
    s.runtimes.cri.containers.set(C, ctr(C, RuntimeType.CRI, 'pod-app', { podSandboxId: D }));
    await s.metadata.start();
    const byId = new Map(s.sink.containers.map((j) => [parsed(j).id, parsed(j)]));
    assert.deepEqual([...byId.keys()].sort(), ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']);
    const web = byId.get('aaaaaaaaaaaa')!;
    assert.equal(web.full_id, A);
    assert.equal(web.name, 'web');
    assert.equal(web.type, RuntimeType.DOCKER);
    assert.equal(web.lookup_state, 1);
    assert.equal(web.privileged, true);
    assert.equal(web.imagerepo, 'docker.io/library/web');
    assert.equal(web.imagetag, '1.0');
    assert.equal(byId.get('cccccccccccc')!.pod_sandbox_id, D);
    assert.equal(s.metadata.counters.described, 3);
    assert.equal(s.metadata.counters.lookups, 0, 'the start listing is not a lookup');
    assert.equal(s.metadata.size, 3);
    assert.deepEqual(s.sink.warnings, []);
  });

  it('skips sockets that do not exist, quietly, and disabled engines even when their socket exists', async () => {
    const s = setup({
      hostRoot: hostRoot(SOCKETS.docker, SOCKETS.podman),
      engines: { ...ALL_ENGINES, podman: { enabled: false, sockets: [SOCKETS.podman] } },
    });
    await s.metadata.start();
    assert.deepEqual(s.made.map((m) => m.engine), ['docker']);
    assert.deepEqual(s.sink.warnings, []);
  });

  it('prefixes HOST_ROOT to every socket path, and passes label_max_len to the clients', async () => {
    const dir = hostRoot(SOCKETS.docker);
    const s = setup({ hostRoot: dir, labelMaxLen: 7 });
    await s.metadata.start();
    assert.deepEqual(s.made, [{ engine: 'docker', socket: join(dir, SOCKETS.docker), labelMaxLen: 7 }]);
    // The same socket path without the prefix does not exist: nothing is connected.
    const bare = setup({ hostRoot: join(dir, 'elsewhere') });
    await bare.metadata.start();
    assert.deepEqual(bare.made, []);
  });

  it("Falco's default sockets: one shared by the containerd and cri engines is asked once", async () => {
    const dir = hostRoot('/run/host-containerd/containerd.sock');
    const s = setup({ hostRoot: dir, engines: DEFAULT_ENGINES });
    await s.metadata.start();
    assert.deepEqual(s.made.map((m) => [m.engine, m.socket]), [['cri', join(dir, '/run/host-containerd/containerd.sock')]]);
  });

  it('close() stops watching and closes the clients', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    await s.metadata.start();
    assert.ok(s.runtimes.docker.onEvent !== undefined);
    s.metadata.close();
    assert.equal(s.runtimes.docker.onEvent, undefined);
    assert.equal(s.runtimes.docker.closed, true);
  });
});

describe('ContainerMetadata: runtime events', () => {
  it('a create event describes the new container at once', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.podman) });
    await s.metadata.start();
    assert.deepEqual(s.sink.containers, []);
    s.runtimes.podman.containers.set(A, ctr(A, RuntimeType.PODMAN, 'fresh'));
    s.runtimes.podman.emit({ kind: 'create', fullId: A });
    await until(() => s.sink.containers.length === 1, 'the description');
    assert.equal(parsed(s.sink.containers[0]).name, 'fresh');
    assert.equal(parsed(s.sink.containers[0]).lookup_state, 1);
    // Its start event does not describe it again.
    s.runtimes.podman.emit({ kind: 'start', fullId: A });
    await sleep(20);
    assert.equal(s.sink.containers.length, 1);
    assert.equal(s.metadata.counters.described, 1);
  });

  it('a container gone before it could be inspected is described from what its event said', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    await s.metadata.start();
    const partial = partialContainer(B, RuntimeType.DOCKER, 'shortlived', 'busybox:1.36', { team: 'x' });
    s.runtimes.docker.emit({ kind: 'create', fullId: B, partial });
    await until(() => s.sink.containers.length === 1, 'the description');
    assert.deepEqual(s.log.filter((l) => l.includes('inspect')), [`docker inspect ${B}`], 'it was inspected first');
    const c = parsed(s.sink.containers[0]);
    assert.equal(c.id, 'bbbbbbbbbbbb');
    assert.equal(c.name, 'shortlived');
    assert.equal(c.imagerepo, 'busybox');
    assert.equal(c.imagetag, '1.36');
    assert.deepEqual(c.labels, { team: 'x' });
    assert.equal(c.lookup_state, 1);
  });

  it('a remove event forgets the container after the grace period (the sink hears it once)', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    s.runtimes.docker.containers.set(A, ctr(A, RuntimeType.DOCKER, 'web'));
    const started = s.metadata.start();
    await settle();
    await started;
    assert.equal(s.metadata.size, 1);
    s.runtimes.docker.emit({ kind: 'remove', fullId: A });
    s.runtimes.docker.emit({ kind: 'remove', fullId: A });
    mock.timers.tick(4999);
    assert.deepEqual(s.sink.removed, [], 'its last events may still be on their way');
    assert.equal(s.metadata.size, 1);
    mock.timers.tick(1);
    assert.deepEqual(s.sink.removed, ['aaaaaaaaaaaa']);
    assert.equal(s.metadata.size, 0);
  });

  it('a remove event for a container never described describes it from the event first', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    const started = s.metadata.start();
    await settle();
    await started;
    s.runtimes.docker.emit({ kind: 'remove', fullId: C, partial: partialContainer(C, RuntimeType.DOCKER, 'blink', 'alpine', {}) });
    assert.deepEqual(s.sink.containers.map((j) => parsed(j).name), ['blink']);
    mock.timers.tick(5000);
    assert.deepEqual(s.sink.removed, ['cccccccccccc']);
  });

  it('containers the runtimes no longer list are forgotten (checked every 3 s), after the grace period', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    s.runtimes.docker.containers.set(A, ctr(A, RuntimeType.DOCKER, 'web'));
    s.runtimes.docker.containers.set(B, ctr(B, RuntimeType.DOCKER, 'db'));
    const started = s.metadata.start();
    await settle();
    await started;
    s.runtimes.docker.containers.delete(B); // gone without an event
    mock.timers.tick(3000);
    await settle();
    mock.timers.tick(5000);
    assert.deepEqual(s.sink.removed, ['bbbbbbbbbbbb']);
    assert.equal(s.metadata.size, 1);
  });
});

describe('ContainerMetadata: lookups', () => {
  /** Four runtimes, each on its own socket; only `owner` has the container. */
  async function lookupOrder(typeHint: number, owner: EngineName): Promise<string[]> {
    const s = setup({ hostRoot: hostRoot(...Object.values(SOCKETS)) });
    await s.metadata.start();
    s.log.length = 0;
    s.runtimes[owner].containers.set(A, ctr(A, RuntimeType.DOCKER, 'found'));
    s.metadata.lookup('aaaaaaaaaaaa', A, typeHint);
    await until(() => s.sink.containers.length === 1, 'the description');
    await sleep(20);
    assert.equal(s.sink.containers.length, 1, 'one description');
    assert.equal(parsed(s.sink.containers[0]).name, 'found');
    assert.equal(s.metadata.counters.lookups, 1);
    assert.equal(s.metadata.counters.failures, 0);
    return s.log.map((l) => l.split(' ')[0]);
  }

  it('asks the runtimes in the order the cgroup layout suggests, by the whole id, until one answers', async () => {
    assert.deepEqual(await lookupOrder(RuntimeType.PODMAN, 'containerd'), ['podman', 'docker', 'cri', 'containerd']);
    assert.deepEqual(await lookupOrder(RuntimeType.DOCKER, 'containerd'), ['docker', 'podman', 'cri', 'containerd']);
    assert.deepEqual(await lookupOrder(RuntimeType.CRI, 'podman'), ['cri', 'containerd', 'docker', 'podman']);
    assert.deepEqual(await lookupOrder(RuntimeType.CRI, 'cri'), ['cri']);
    assert.deepEqual(await lookupOrder(99, 'containerd'), ['podman', 'docker', 'cri', 'containerd'], 'no hint: the engines\' order');
  });

  it('the runtime is asked by the whole id', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    await s.metadata.start();
    s.runtimes.docker.containers.set(A, ctr(A, RuntimeType.DOCKER, 'web'));
    s.metadata.lookup('aaaaaaaaaaaa', A, RuntimeType.DOCKER);
    await until(() => s.sink.containers.length === 1, 'the description');
    assert.deepEqual(s.log.filter((l) => l.includes('inspect')), [`docker inspect ${A}`]);
  });

  it('a lookup already in flight is not asked again', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    await s.metadata.start();
    s.runtimes.docker.containers.set(A, ctr(A, RuntimeType.DOCKER, 'web'));
    s.metadata.lookup('aaaaaaaaaaaa', A, RuntimeType.DOCKER);
    s.metadata.lookup('aaaaaaaaaaaa', A, RuntimeType.DOCKER);
    await until(() => s.sink.containers.length === 1, 'the description');
    await sleep(20);
    assert.equal(s.sink.containers.length, 1);
    assert.equal(s.metadata.counters.lookups, 1);
    assert.equal(s.log.filter((l) => l.includes('inspect')).length, 1);
  });

  it('a container already described is described again from memory, without asking the runtimes', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    s.runtimes.docker.containers.set(A, ctr(A, RuntimeType.DOCKER, 'web'));
    await s.metadata.start();
    assert.equal(s.sink.containers.length, 1);
    s.log.length = 0;
    s.metadata.lookup('aaaaaaaaaaaa', A, RuntimeType.DOCKER);
    assert.equal(s.sink.containers.length, 1, 'in a later turn, not during the call');
    await settle(2);
    assert.equal(s.sink.containers.length, 2);
    assert.equal(s.sink.containers[1], s.sink.containers[0]);
    assert.deepEqual(s.log, []);
    assert.equal(s.metadata.counters.lookups, 0);
  });

  it('a runtime that never answers: the lookup times out, a failed description (lookup_state 2) is given, one warning only', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker), lookupTimeoutMs: 50 });
    await s.metadata.start();
    s.runtimes.docker.hang = true;
    s.metadata.lookup('aaaaaaaaaaaa', A, RuntimeType.PODMAN);
    s.metadata.lookup('bbbbbbbbbbbb', B, RuntimeType.DOCKER);
    await until(() => s.sink.containers.length === 2, 'two failed descriptions');
    const failed = s.sink.containers.map(parsed).sort((x, y) => String(x.id).localeCompare(String(y.id)));
    assert.deepEqual(failed, [
      { id: 'aaaaaaaaaaaa', full_id: A, type: RuntimeType.PODMAN, lookup_state: 2 },
      { id: 'bbbbbbbbbbbb', full_id: B, type: RuntimeType.DOCKER, lookup_state: 2 },
    ]);
    assert.deepEqual(s.metadata.counters, { described: 0, lookups: 2, failures: 2, timeouts: 2 });
    assert.equal(s.sink.warnings.length, 1, s.sink.warnings.join(' | '));
    assert.match(s.sink.warnings[0], /container lookup of (aaaaaaaaaaaa|bbbbbbbbbbbb) on .*docker\.sock failed/);
    assert.doesNotMatch(s.sink.warnings[0], /\n/);
  });

  it('a container no runtime could describe is forgotten 30 s later, so that it is asked about again', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 });
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker), lookupTimeoutMs: 20 });
    const started = s.metadata.start();
    await settle();
    await started;
    s.runtimes.docker.hang = true;
    s.metadata.lookup('aaaaaaaaaaaa', A, RuntimeType.DOCKER);
    // The lookup's timeout is a real one (AbortSignal.timeout): wait for it without timers.
    const deadline = performance.now() + 3000;
    while (s.sink.containers.length === 0 && performance.now() < deadline) await settle(1);
    assert.equal(parsed(s.sink.containers[0]).lookup_state, 2);
    mock.timers.tick(27_000);
    await settle();
    assert.deepEqual(s.sink.removed, [], 'not before 30 s');
    mock.timers.tick(3_000);
    await settle();
    assert.deepEqual(s.sink.removed, ['aaaaaaaaaaaa']);
    mock.timers.tick(30_000);
    await settle();
    assert.deepEqual(s.sink.removed, ['aaaaaaaaaaaa'], 'once');
  });

  it('a container no runtime has, with no event stream to wait for: a failed description, not counted as a timeout', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    s.runtimes.docker.brokenWatch = true;
    await s.metadata.start();
    await settle();
    s.metadata.lookup('dddddddddddd', D, RuntimeType.DOCKER);
    await until(() => s.sink.containers.length === 1, 'the failed description', 1000);
    assert.equal(parsed(s.sink.containers[0]).lookup_state, 2);
    assert.deepEqual(s.metadata.counters, { described: 0, lookups: 1, failures: 1, timeouts: 0 });
  });

  it('a lookup no runtime answers is described by a runtime event naming the container, once', async () => {
    const s = setup({ hostRoot: hostRoot(SOCKETS.docker) });
    await s.metadata.start();
    s.metadata.lookup('cccccccccccc', C, RuntimeType.DOCKER);
    await until(() => s.log.some((l) => l.includes('inspect')), 'the inspect');
    await sleep(10);
    // The container is already gone; its runtime's event (which lags) still names it.
    s.runtimes.docker.emit({ kind: 'remove', fullId: C, partial: partialContainer(C, RuntimeType.DOCKER, 'gone', 'alpine:3', {}) });
    await sleep(200);
    assert.deepEqual(s.sink.containers.map((j) => [parsed(j).name, parsed(j).lookup_state]), [['gone', 1]]);
    assert.equal(s.metadata.counters.described, 1);
    assert.equal(s.metadata.counters.failures, 0);
  });
});
