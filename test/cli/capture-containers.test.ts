// `ghostwatch capture` while real containers run (root only): a Kubernetes pod that containerd runs
// through CRI, and a podman container. The capture holds each container's description (the
// `container` event) before the container's first events, in the form Debian's sysdig 0.29.3
// reads: sysdig and `ghostwatch events -r` show the same container.name and image.
//
// sysdig 0.29.3 (libs of 2022) does not know podman's cgroup layout without systemd
// (/libpod_parent/libpod-<id>, this machine's): it shows podman's processes as the host's, and
// only ghostwatch names their container. The pod's cgroup (/kubepods/besteffort/pod<uid>/<id>)
// is one both know.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../helpers.js';
import { containerdSkipReason, startContainerd, TEST_IMAGE, type Containerd } from '../support/containerd.js';
import { buildImage, podman, podmanRm, podmanRmLeftovers, podmanSkipReason, startPodmanService, testContainerName, type PodmanService } from '../support/podman.js';
import { sysdigSkip } from '../support/sysdig.js';

const GHOSTWATCH = join(repoRoot, 'bin', 'ghostwatch');
const IMAGE = 'localhost/gw-busybox:1.0';
const skip = process.getuid?.() !== 0 ? 'needs root (loading eBPF programs)'
  : !existsSync('/sys/kernel/btf/vmlinux') ? 'needs a kernel with BTF (/sys/kernel/btf/vmlinux)'
    : sysdigSkip || podmanSkipReason() || containerdSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function print(tool: 'sysdig' | 'ghostwatch', file: string, format: string, filter: string): string[] {
  const [cmd, args] = tool === 'sysdig' ? ['sysdig', ['-r', file]] : [GHOSTWATCH, ['events', '-r', file]];
  const r = spawnSync(cmd, [...args, '-p', format, filter], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('capturing real containers', { skip }, () => {
  let tmp: string;
  let capture: string;
  let ctd: Containerd;
  let service: PodmanService;
  let podId = '';
  const podmanName = testContainerName('captured');
  /** Stops what before() started, last first (before() may have failed half-way). */
  const teardown: (() => unknown)[] = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gw-capture-ctr-'));
    teardown.push(() => rmSync(tmp, { recursive: true, force: true }));
    capture = join(tmp, 'containers.scap');
    await podmanRmLeftovers();
    await buildImage(IMAGE);
    ctd = await startContainerd();
    teardown.push(() => ctd.stop());
    service = await startPodmanService();
    teardown.push(() => service.stop());
    const child = spawn(GHOSTWATCH, ['capture', '-w', capture, '--cri', ctd.socket, '--podman', service.socket], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const done = new Promise<number | null>((r) => child.on('close', r));
    for (const end = Date.now() + 20_000; !existsSync(capture); await sleep(50)) assert.ok(Date.now() < end, `the capture did not start: ${stderr}`);
    const pod = await ctd.runPod({ name: 'web-1', namespace: 'shop', labels: { app: 'web' } });
    podId = await ctd.createContainer(pod, { name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'cat /etc/hostname; sleep 1'] });
    await podman(['run', '--rm', '--name', podmanName, IMAGE, 'cat', '/etc/hostname']);
    await sleep(2000);
    child.kill('SIGINT');
    assert.equal(await done, 0, stderr);
  });

  after(async () => {
    await podmanRm([podmanName]).catch(() => {});
    for (const stop of teardown.reverse()) await stop();
  });

  it('the container events read the same in sysdig and ghostwatch', () => {
    const format = '%evt.num %container.id %container.name %container.image %container.image.repository %container.image.tag';
    const ours = print('ghostwatch', capture, format, 'evt.type=container');
    assert.deepEqual(print('sysdig', capture, format, 'evt.type=container'), ours);
    assert.ok(ours.some((l) => l.endsWith(` ${podmanName} ${IMAGE} localhost/gw-busybox 1.0`)), ours.join('\n'));
    assert.ok(ours.some((l) => l.includes(` app ${TEST_IMAGE} `)), ours.join('\n'));
    // container.type: sysdig 0.29.3 prints podman's type (11) as "containerd"; ghostwatch names it.
    const types = print('ghostwatch', capture, '%container.name %container.type', 'evt.type=container');
    assert.ok(types.includes(`${podmanName} podman`) && types.includes('app containerd'), types.join('\n'));
  });

  it("the pod's processes carry their container and pod in both, from their first event on", () => {
    const id = podId.slice(0, 12);
    const format = '%evt.num %evt.type %proc.name %container.name %container.image %k8s.pod.name %k8s.ns.name';
    const filter = `container.id=${id} and evt.type in (execve, open, openat)`;
    const ours = print('ghostwatch', capture, format, filter);
    assert.deepEqual(print('sysdig', capture, format, filter), ours);
    assert.ok(ours.length > 0 && ours.every((l) => l.includes(` app ${TEST_IMAGE} web-1 shop`)), ours.join('\n'));
    assert.ok(ours.some((l) => / execve sh app /.test(l)), `the pod's entrypoint is missing:\n${ours.join('\n')}`);
  });

  it("podman's processes carry their container in ghostwatch", () => {
    const format = '%evt.num %proc.name %container.name %container.image';
    const ours = print('ghostwatch', capture, format, `container.name=${podmanName} and evt.type=execve and evt.dir=<`);
    assert.ok(ours.some((l) => l.endsWith(` cat ${podmanName} ${IMAGE}`)), `the entrypoint is missing:\n${ours.join('\n')}`);
  });
});
