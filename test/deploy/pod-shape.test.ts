// The image run as the DaemonSet runs it (root only, podman): `npm run image`'s image, with only the
// capabilities BPF, PERFMON, SYS_RESOURCE and SYS_PTRACE (not privileged), seccomp and AppArmor
// unconfined as for a pod without a profile, its own pid namespace, the host's /proc at /host/proc,
// /etc at /host/etc, /sys/kernel, and the podman socket under /host/run, HOST_ROOT=/host. A host
// attack must be reported with the host process's name, command line and user; an attack in a
// neighbouring container with that container's name; SIGTERM must end it, probe detached, well
// within a pod's grace period.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';
import { liveSkipReason, runProgram, type Alert } from '../e2e/live.js';
import { buildImage, podman, podmanRm, podmanSkipReason, startPodmanService, testContainerName, type PodmanService } from '../support/podman.js';

const GHOSTWATCH_IMAGE = 'localhost/ghostwatch:pod-shape-test';
const NEIGHBOUR_IMAGE = 'localhost/gw-busybox:1.0';
const skip = liveSkipReason() || podmanSkipReason() || (sharedPath('falco', 'rules', 'falco_rules.yaml') === undefined ? SHARED_MISSING : false);
/** Kubernetes' default terminationGracePeriodSeconds. */
const GRACE_S = 30;

/** The capabilities the pod is given, with their bits (linux/capability.h). */
const CAPS: Record<string, bigint> = { CAP_SYS_PTRACE: 19n, CAP_SYS_RESOURCE: 24n, CAP_PERFMON: 38n, CAP_BPF: 39n };

/** The capabilities any process here can have (this one's bounding set). */
function hostCapabilities(): bigint {
  return BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
}

/** The probe loaders running on the host that came from the image. */
function imageLoaders(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('/opt/ghostwatch/native/build/ghostwatch-probe')) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

describe('the image in a least-privileged pod', { skip }, () => {
  let service: PodmanService;
  let pod: ChildProcessWithoutNullStreams;
  const podName = testContainerName('ghostwatch-pod');
  const neighbours: string[] = [];
  const alerts: Alert[] = [];
  let log = '';
  const dir = mkdtempSync(join(tmpdir(), 'gw-pod-'));

  before(async () => {
    const built = spawnSync('bash', ['scripts/build-image.sh', GHOSTWATCH_IMAGE], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stdout, /build-image: localhost\/ghostwatch:pod-shape-test, \d+ MiB/);
    await buildImage(NEIGHBOUR_IMAGE);
    service = await startPodmanService();
    pod = spawn('podman', ['run', '--rm', '--name', podName,
      '--cap-drop', 'ALL', '--cap-add', 'BPF,PERFMON,SYS_RESOURCE,SYS_PTRACE',
      '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined',
      '-v', '/proc:/host/proc:ro', '-v', '/etc:/host/etc:ro', '-v', '/sys/kernel:/sys/kernel',
      '-v', `${service.socket}:/host/run/podman/podman.sock`,
      '-e', 'HOST_ROOT=/host', '-e', 'FALCO_HOSTNAME=node-a',
      GHOSTWATCH_IMAGE, 'run', '-c', '/etc/ghostwatch/ghostwatch.yaml', '-o', 'json_output=true', '-o', 'log_stderr=true', '-v']);
    let partial = '';
    pod.stdout.setEncoding('utf8').on('data', (s: string) => {
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('{')) alerts.push(JSON.parse(l) as Alert);
    });
    pod.stderr.setEncoding('utf8').on('data', (s: string) => (log += s));
    for (const end = Date.now() + 60_000; !log.includes('Watching the live system');) {
      assert.ok(Date.now() < end && pod.exitCode === null, `the pod did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (pod.exitCode === null) pod.kill('SIGKILL');
    await podmanRm([podName, ...neighbours]).catch(() => {});
    await service.stop();
    await podman(['rmi', GHOSTWATCH_IMAGE]).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  async function alert(match: (a: Alert) => boolean, what: string): Promise<Alert> {
    for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      const a = alerts.find(match);
      if (a !== undefined) return a;
    }
    assert.fail(`no alert: ${what}; alerts: ${JSON.stringify(alerts.map((a) => a.rule))}\n${log}`);
  }

  it('runs with only its four capabilities, not privileged, in its own pid namespace', async () => {
    const inspect = JSON.parse(await podman(['inspect', podName])) as { HostConfig: { Privileged: boolean; PidMode: string; CapAdd: string[] }; EffectiveCaps: string[] }[];
    assert.equal(inspect[0].HostConfig.Privileged, false);
    assert.notEqual(inspect[0].HostConfig.PidMode, 'host');
    // The four, less those this machine cannot give (here, a sandbox without CAP_SYS_RESOURCE).
    const wanted = Object.entries(CAPS).filter(([, bit]) => hostCapabilities() & (1n << bit)).map(([name]) => name);
    assert.ok(wanted.includes('CAP_BPF') && wanted.includes('CAP_PERFMON'));
    assert.deepEqual([...inspect[0].EffectiveCaps].sort(), wanted.sort());
  });

  it('a host attack names the host process, its command line and user', async () => {
    const reader = join(dir, 'gwpodreader');
    copyFileSync('/bin/cat', reader);
    await runProgram(reader, ['/etc/shadow']);
    const a = await alert((x) => x.rule === 'Read sensitive file untrusted' && x.output_fields['proc.name'] === 'gwpodreader', 'the host read of /etc/shadow');
    assert.equal(a.output_fields['proc.cmdline'], 'gwpodreader /etc/shadow');
    assert.equal(a.output_fields['user.name'], 'root');
    assert.equal(a.output_fields['container.id'], 'host');
    assert.equal(a.hostname, 'node-a');
  });

  it('an attack in a neighbouring container names that container', async () => {
    const name = testContainerName('pod-neighbour');
    neighbours.push(name);
    await podman(['run', '--rm', '--name', name, NEIGHBOUR_IMAGE, 'cat', '/etc/shadow']);
    const a = await alert((x) => x.rule === 'Read sensitive file untrusted' && x.output_fields['container.name'] === name, `the read in container ${name}`);
    assert.equal(a.output_fields['proc.name'], 'cat');
    assert.equal(a.output_fields['container.image.repository'], 'localhost/gw-busybox');
  });

  it('a missing capability or mount is named in one line, exit 1', () => {
    const attempt = (...args: string[]) => spawnSync('podman', ['run', '--rm', '--security-opt', 'seccomp=unconfined', ...args,
      GHOSTWATCH_IMAGE, 'run', '-c', '/etc/ghostwatch/ghostwatch.yaml', '-o', 'log_stderr=false'], { encoding: 'utf8' });
    const noBpf = attempt('--cap-drop', 'ALL', '-v', '/sys/kernel:/sys/kernel');
    assert.equal(noBpf.status, 1);
    assert.match(noBpf.stderr, /^Error: ghostwatch-probe: eBPF is not available: [^\n]*add the capabilities BPF and PERFMON\)\n$/m);
    const noProc = attempt('--cap-drop', 'ALL', '--cap-add', 'BPF,PERFMON', '-v', '/sys/kernel:/sys/kernel', '-e', 'HOST_ROOT=/host');
    assert.equal(noProc.status, 1);
    assert.match(noProc.stderr, /^Error: \/host\/proc is not the host's procfs \(HOST_ROOT=\/host\): mount the host's \/proc there\n$/m);
  });

  it('SIGTERM ends it within the grace period, the probe detached', async () => {
    assert.ok(imageLoaders().length > 0, 'the probe loader runs');
    const exited = new Promise<number | null>((resolve) => pod.on('exit', resolve));
    const started = Date.now();
    await podman(['stop', '--time', String(GRACE_S), podName]);
    const status = await exited;
    const seconds = (Date.now() - started) / 1000;
    assert.equal(status, 0, log);
    assert.ok(seconds < GRACE_S / 3, `stopped after ${seconds} s`);
    assert.match(log, /SIGTERM received, exiting/);
    assert.deepEqual(imageLoaders(), []);
  });
});
