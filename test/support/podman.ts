// Real containers for the tests, with podman: a busybox image built locally (nothing can be pulled
// in CI), the podman API service on a private socket, and containers named so that those a failed
// run leaves behind are found and removed by the next one.
//
//   const skip = podmanSkipReason();
//   await buildImage('localhost/gw-busybox:1.0');
//   const service = await startPodmanService();          // service.socket speaks the Docker API
//   const name = testContainerName('web');
//   const id = await podmanRun(['-d', '--name', name, 'localhost/gw-busybox:1.0', 'sleep', '300']);
//   ...
//   await podmanRm([name]);
//   await service.stop();
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX, writeRootfs } from './rootfs.js';
import { processAlive } from '../helpers.js';

/** Why podman tests cannot run here, or false. */
export function podmanSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (rootful podman): podman tests skipped';
  for (const tool of ['podman', 'tar']) {
    if (!onPath(tool)) return `${tool} is not installed: podman tests skipped`;
  }
  if (!onPath('runc') && !onPath('crun')) return 'no OCI runtime (runc or crun) is installed: podman tests skipped';
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing (Debian package busybox-static): podman tests skipped`;
  const linked = spawnSync('ldd', [BUSYBOX], { encoding: 'utf8' });
  if (linked.status === 0 && !/not a dynamic executable|statically linked/.test(linked.stdout + linked.stderr)) {
    return `${BUSYBOX} is dynamically linked (install busybox-static): podman tests skipped`;
  }
  return false;
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

// ---- The podman CLI

/** `podman ARGS`: its stdout, trimmed; rejects with the command and the last line of its stderr. */
export function podman(args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('podman', args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err === null) { resolve(stdout.trim()); return; }
      const why = stderr.trim().split('\n').pop() || err.message;
      reject(new Error(`podman ${args.join(' ')}: ${why}`));
    });
  });
}

/** Every container a test creates is named with this, then the creating process's pid. */
export const TEST_CONTAINER_PREFIX = 'gwtest-';
let named = 0;

/** A container name unique to this process ("gwtest-<pid>-<what>-<n>"); `what` says which test. */
export function testContainerName(what: string): string {
  return `${TEST_CONTAINER_PREFIX}${process.pid}-${what}-${++named}`;
}

/** `podman run ARGS`: its stdout (the whole container id with -d, else what the command wrote). */
export function podmanRun(args: readonly string[]): Promise<string> {
  return podman(['run', ...args]);
}

/** Remove containers by name or id, killing those that run; those already gone are no error. */
export async function podmanRm(names: readonly string[]): Promise<void> {
  if (names.length > 0) await podman(['rm', '--force', '--ignore', '--time', '0', ...names]);
}

/**
 * Remove the test containers whose creating process has ended (left by a run that failed or was
 * killed); those of processes still running, perhaps other tests, stay.
 */
export async function podmanRmLeftovers(): Promise<void> {
  const names = (await podman(['ps', '--all', '--filter', `name=^${TEST_CONTAINER_PREFIX}`, '--format', '{{.Names}}'])).split('\n');
  const orphans = names.filter((name) => {
    const pid = Number(/^gwtest-(\d+)-/.exec(name)?.[1]);
    return Number.isInteger(pid) && pid > 0 && !processAlive(pid);
  });
  await podmanRm(orphans);
}


// ---- The busybox image

/** Changing what the image holds changes this, so images built from an older recipe are rebuilt. */
const RECIPE_VERSION = 1;
/** The image's comment (`podman import --message`) says the recipe; a label would show on every container. */
const RECIPE_COMMENT = 'ghostwatch test image, recipe ';
const built = new Map<string, Promise<void>>();

/**
 * Make sure image `name` (e.g. localhost/gw-busybox:1.0) exists: a static busybox with every applet
 * linked where it usually lives (/bin/sh, /usr/bin/wget, /sbin/ip...), users root, nobody and
 * user (uid 1000), /etc/shadow, and `cmd` as its CMD when given. Built once, with `podman import`;
 * an image already built from the same recipe is kept, so this is quick after the first time.
 */
export function buildImage(name: string, opts: { cmd?: readonly string[] } = {}): Promise<void> {
  const recipe = createHash('sha256').update(JSON.stringify({ RECIPE_VERSION, cmd: opts.cmd ?? null })).digest('hex').slice(0, 16);
  const key = `${name} ${recipe}`;
  let done = built.get(key);
  if (done === undefined) {
    done = importUnlessPresent(name, recipe, opts.cmd);
    built.set(key, done);
    done.catch(() => built.delete(key));
  }
  return done;
}

async function importUnlessPresent(name: string, recipe: string, cmd: readonly string[] | undefined): Promise<void> {
  const present = await podman(['image', 'inspect', '--format', '{{.Id}} {{.Comment}}', name]).catch(() => '');
  const [oldId = '', ...comment] = present.split(' ');
  if (comment.join(' ') === RECIPE_COMMENT + recipe) return;
  const dir = mkdtempSync(join(tmpdir(), 'gw-image-'));
  try {
    const rootfs = join(dir, 'rootfs');
    writeRootfs(rootfs);
    const tar = join(dir, 'rootfs.tar');
    const packed = spawnSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', tar, '.'], { encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`tar of the image rootfs failed: ${packed.stderr.trim()}`);
    const changes = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
    if (cmd !== undefined) changes.push(`CMD ${JSON.stringify(cmd)}`);
    const id = await podman(['import', '--quiet', '--message', RECIPE_COMMENT + recipe, ...changes.flatMap((c) => ['--change', c]), tar, name]);
    // The image of an older recipe, now untagged, unless containers still use it.
    if (oldId !== '' && !id.includes(oldId)) await podman(['rmi', oldId]).catch(() => {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- The API service

export interface PodmanService {
  /** The unix socket it serves the Docker-compatible (and libpod) API on. */
  readonly socket: string;
  /** Its process (SIGSTOP makes a runtime that accepts connections and never answers). */
  readonly pid: number;
  /** End it (SIGTERM, SIGKILL after 3 s) and remove its socket. */
  stop(): Promise<void>;
}

const services = new Set<number>();
// A test that fails before stop() must not leave the service running (it would keep node alive).
process.on('exit', () => {
  for (const pid of services) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** `podman system service` on a socket of its own; resolves once it answers GET /_ping. */
export async function startPodmanService(): Promise<PodmanService> {
  // A short directory: a unix socket path must fit in 108 bytes.
  const dir = mkdtempSync('/tmp/gw-podman-');
  const socket = join(dir, 'podman.sock');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const pid = child.pid!;
  services.add(pid);
  let ended = false;
  void exited.then(() => {
    ended = true;
    services.delete(pid);
  });

  const stop = async () => {
    if (!ended) {
      // A stopped process keeps SIGTERM pending until continued.
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  while (!(await pings(socket))) {
    if (hasExited() || Date.now() > deadline) {
      await stop();
      const why = stderr.trim().split('\n').pop() ?? '';
      throw new Error(`podman system service did not answer on ${socket}${hasExited() ? ` (it exited: ${why})` : ' within 15 s'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { socket, pid, stop };
}

/** Whether the API on `socket` answers GET /_ping with OK. */
function pings(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', agent: false, timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK'));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
