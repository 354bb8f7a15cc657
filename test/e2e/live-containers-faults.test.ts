// `ghostwatch run` live when the container runtimes misbehave or churn (root only): a runtime that
// accepts connections and never answers (the real podman service, stopped with SIGSTOP), a socket
// that answers garbage (a test double: no real runtime sends garbage), and 200 containers created
// and removed through containerd's CRI. Events keep flowing, the failures are counted and said once,
// nothing crashes, and the tables shrink back once the containers are gone.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { containerdSkipReason, startContainerd, TEST_IMAGE, type Containerd } from '../support/containerd.js';
import { buildImage, podman, podmanRm, podmanRmLeftovers, podmanSkipReason, startPodmanService, testContainerName, type PodmanService } from '../support/podman.js';
import { incubatingPack, killLeftovers, liveSkipReason, LiveRun, runProgram, stablePack } from './live.js';

const IMAGE = 'localhost/gw-busybox:1.0';
const skip = liveSkipReason() || podmanSkipReason() || containerdSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Lookups give up after this long in these tests (the default is 2 s). */
const LOOKUP_TIMEOUT_MS = 500;

/** `ghostwatch run` with the stock packs, asking only the runtimes given. */
function watch(sockets: { podman?: string; cri?: string }): LiveRun {
  return new LiveRun([
    '-r', stablePack!, '-r', incubatingPack!, '-o', 'json_output=true', '-v',
    '-o', `plugins[0].init_config.lookup_timeout_ms=${LOOKUP_TIMEOUT_MS}`,
    '-o', `plugins[0].init_config.engines.podman.sockets[0]=${sockets.podman ?? '/nonexistent/podman.sock'}`,
    '-o', `plugins[0].init_config.engines.cri.sockets[0]=${sockets.cri ?? '/nonexistent/cri.sock'}`,
    '-o', 'plugins[0].init_config.engines.docker.enabled=false',
  ]);
}

describe('live detection when container runtimes misbehave', { skip }, () => {
  let tmp: string;
  const names: string[] = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gw-faults-'));
    await podmanRmLeftovers();
    await buildImage(IMAGE);
  });

  after(async () => {
    await killLeftovers();
    await podmanRm(names).catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  });

  function podmanName(what: string): string {
    const n = testContainerName(what);
    names.push(n);
    return n;
  }

  it('a runtime that never answers: lookups time out and are counted, events keep flowing, names come back with the runtime', async () => {
    const service: PodmanService = await startPodmanService();
    try {
      process.kill(service.pid, 'SIGSTOP');
      const gw = watch({ podman: service.socket });
      await gw.ready();
      const hung = podmanName('hung');
      await podman(['run', '--rm', '--name', hung, IMAGE, 'cat', '/etc/shadow']);
      // Meanwhile, on the host: its alert is not held back by the container's lookup.
      const reader = join(tmp, 'hostcat');
      copyFileSync('/bin/cat', reader);
      const host = await runProgram(reader, ['/etc/shadow']);
      const hostAlert = await gw.alert((a) => a.rule === 'Read sensitive file untrusted' && a.output_fields['proc.name'] === 'hostcat');
      assert.ok(hostAlert !== undefined, 'no alert for the host read');
      assert.ok(hostAlert.receivedAt - host.endedAt < 1000, `the host alert came ${hostAlert.receivedAt - host.endedAt} ms after the action`);
      const a = await gw.alert((x) => x.rule === 'Read sensitive file untrusted' && x.output_fields['proc.name'] === 'cat'
        && x.output_fields['container.id'] !== 'host', 8000);
      assert.ok(a !== undefined, 'no alert for the read in the container');
      assert.match(String(a.output_fields['container.id']), /^[0-9a-f]{12}$/);
      assert.equal(a.output_fields['container.name'], null);
      process.kill(service.pid, 'SIGCONT');
      const back = podmanName('back');
      // The service answers the questions queued while it was stopped first.
      await sleep(1000);
      await podman(['run', '--rm', '--name', back, IMAGE, 'cat', '/etc/shadow']);
      const named = await gw.alert((x) => x.rule === 'Read sensitive file untrusted' && x.output_fields['container.name'] === back, 8000);
      assert.ok(named !== undefined, `no alert naming ${back} once the runtime answers again`);
      gw.signal('SIGINT');
      const end = await gw.finished;
      assert.equal(end.status, 0, end.stderr);
      const m = /(\d+) lookups failed \((\d+) timed out\)/.exec(end.stderr);
      assert.ok(m !== null && Number(m[2]) >= 1, `no timed-out lookup counted:\n${end.stderr}`);
    } finally {
      process.kill(service.pid, 'SIGCONT');
      await service.stop();
    }
  });

  it('a runtime that answers garbage: one warning, no crash, alerts still come', async () => {
    // A test double: no real runtime answers this. Every request gets an HTTP answer whose body is not JSON.
    const socket = join(tmp, 'garbage.sock');
    const server: Server = createServer((c) => {
      c.on('data', () => c.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"Id": [garbage'));
      c.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      const gw = watch({ podman: socket });
      await gw.ready();
      for (const what of ['garbage1', 'garbage2']) {
        const name = podmanName(what);
        await podman(['run', '--rm', '--name', name, IMAGE, 'cat', '/etc/shadow']);
      }
      for (let i = 0; i < 2; i++) {
        const a = await gw.alert((x) => x.rule === 'Read sensitive file untrusted' && x.output_fields['proc.name'] === 'cat'
          && x.output_fields['container.id'] !== 'host', 8000, i === 0 ? 0 : gw.alerts.findIndex((x) => x.output_fields['proc.name'] === 'cat') + 1);
        assert.ok(a !== undefined, `alert ${i + 1} for a read in a container is missing`);
      }
      gw.signal('SIGINT');
      const end = await gw.finished;
      assert.equal(end.status, 0, end.stderr);
      const warnings = end.stderr.split('\n').filter((l) => l.includes(socket));
      assert.equal(warnings.length, 1, `expected one warning about ${socket}:\n${warnings.join('\n')}`);
    } finally {
      server.close();
    }
  });

  it('container churn: 200 containers created and removed leave the tables as they were', async () => {
    const ctd: Containerd = await startContainerd();
    try {
      const pod = await ctd.runPod({ name: 'churn', namespace: 'load' });
      const gw = watch({ cri: ctd.socket });
      await gw.ready();
      await sleep(1000);
      for (let i = 0; i < 200; i++) {
        const id = await ctd.createContainer(pod, { name: `c${i}`, image: TEST_IMAGE, command: ['sleep', '30'] });
        await ctd.stopContainer(id);
        await ctd.removeContainer(id);
      }
      // Removals are seen by polling the runtime (containerd 1.6 has no event stream) or checking what
      // it still has (every 3 s), then forgotten after a grace period (5 s).
      await sleep(10_000);
      gw.signal('SIGINT');
      const end = await gw.finished;
      assert.equal(end.status, 0, end.stderr);
      const described = /Containers: (\d+) described/.exec(end.stderr);
      assert.ok(described !== null && Number(described[1]) >= 200, `not every container was described:\n${end.stderr}`);
      const tables = /State tables: (\d+) threads, (\d+) containers \(at the first event: (\d+) threads, (\d+) containers\)/.exec(end.stderr);
      assert.ok(tables !== null, end.stderr);
      const [threads, containers, threadsBefore, containersBefore] = tables.slice(1).map(Number) as [number, number, number, number];
      assert.equal(containers, containersBefore, `containers in the table: ${containersBefore} before, ${containers} after`);
      assert.ok(threads <= threadsBefore + 30, `threads in the table: ${threadsBefore} before, ${threads} after`);
    } finally {
      await ctd.stop();
    }
  });
});
