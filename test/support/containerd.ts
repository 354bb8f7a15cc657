// Real Kubernetes pods for the tests, without Kubernetes: a private containerd (its built-in CRI
// plugin, runc, cgroupfs) started by the test itself, images made locally from /bin/busybox
// (nothing can be pulled in CI), and pods and containers created over CRI as a kubelet creates
// them: the kubelet's labels, a cgroup parent under /kubepods, the image id in CreateContainer.
//
//   const skip = containerdSkipReason();                 // a reason, or false
//   const ctd = await startContainerd();                 // { network: true } for pods with an IP
//   const pod = await ctd.runPod({ name: 'web', namespace: 'shop', labels: { app: 'web' } });
//   const id = await ctd.createContainer(pod, { name: 'app', command: ['sleep', '300'] });
//   ... ctd.socket speaks CRI; ctd.readLog(id) is what the container wrote ...
//   await ctd.removePod(pod);                            // optional: stop() removes everything
//   await ctd.stop();
//
// Everything lives in one directory, /run/gw-ctd-<pid>-<random>: containerd's root, state, socket,
// runc root, CNI state, the pods' logs. stop() removes the pods through CRI, then kills whatever is
// left (containerd, its shims, every process in the pods' cgroups), unmounts what containerd
// mounted there, removes the pods' cgroups and the directory. The same forced clean-up runs when
// the test process exits without stop(), and startContainerd() first cleans up after test
// processes that were killed (their directories are found by the pid in the name).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as Grpc from '@grpc/grpc-js';
import { loadCriApi } from '../../src/sources/containers/cri-api.js';
import { BUSYBOX, writeRootfs } from './rootfs.js';
import { processAlive } from '../helpers.js';

/** The image containers run by default: busybox with its applets where they usually live. */
export const TEST_IMAGE = 'localhost/gw-test/busybox:1.0';
/** The sandbox ("pause") image: the same files, sleeping forever. */
export const PAUSE_IMAGE = 'localhost/gw-test/pause:1.0';

const DIR_PREFIX = 'gw-ctd-';
/** Where the CNI plugins are (Debian's containernetworking-plugins, then the upstream layout). */
const CNI_BIN_DIRS = ['/usr/lib/cni', '/opt/cni/bin'];

/** Why containerd tests cannot run here, or false. */
export function containerdSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (containerd runs containers): containerd tests skipped';
  for (const tool of ['containerd', 'ctr', 'containerd-shim-runc-v2', 'runc', 'tar', 'umount']) {
    if (!onPath(tool)) return `${tool} is not installed (Debian packages containerd, runc): containerd tests skipped`;
  }
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing (Debian package busybox-static): containerd tests skipped`;
  if (!existsSync('/sys/fs/cgroup/cpu') && !existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    return 'no cgroup hierarchy is mounted at /sys/fs/cgroup: containerd tests skipped';
  }
  return false;
}

/** Why pods with a network of their own (startContainerd({ network: true })) cannot run here, or false. */
export function podNetworkSkipReason(): string | false {
  if (cniBinDir() === undefined) return 'the CNI plugins (bridge, host-local, loopback) are not installed: pod network tests skipped';
  if (!onPath('ip')) return 'ip (iproute2) is not installed: pod network tests skipped';
  return false;
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

function cniBinDir(): string | undefined {
  return CNI_BIN_DIRS.find((d) => ['bridge', 'host-local', 'loopback'].every((p) => existsSync(join(d, p))));
}

// ---- The API

export interface PodOptions {
  readonly name: string;
  readonly namespace?: string;
  /** The pod's uid; a random UUID by default. */
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** The host's network (default), or a network namespace of its own (needs startContainerd({ network: true })). */
  readonly hostNetwork?: boolean;
  readonly hostPid?: boolean;
  readonly hostIpc?: boolean;
  /** Allow privileged containers in the pod (the kubelet sets it when one of them is privileged). */
  readonly privileged?: boolean;
}

export interface MountOptions {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readonly?: boolean;
  /** The host path must be on a shared (or, for HOST_TO_CONTAINER, slave) mount but for PRIVATE. */
  readonly propagation?: 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
}

export interface ContainerOptions {
  readonly name: string;
  /** TEST_IMAGE by default. */
  readonly image?: string;
  /** The entrypoint and its arguments (the image's CMD, a shell, when empty). */
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly mounts?: readonly MountOptions[];
  /** Needs a pod run with { privileged: true }. */
  readonly privileged?: boolean;
  readonly runAsUser?: number;
  /** Created only, not started. */
  readonly createOnly?: boolean;
}

export interface Containerd {
  /** The CRI (and containerd) API socket. */
  readonly socket: string;
  /** The directory holding everything this instance made. */
  readonly root: string;
  /** containerd's pid (SIGSTOP makes a runtime that accepts connections and never answers). */
  readonly pid: number;
  readonly snapshotter: 'overlayfs' | 'native';
  /** Run a pod sandbox; resolves to its id. */
  runPod(opts: PodOptions): Promise<string>;
  /** Create a container in the pod and start it; resolves to its id. */
  createContainer(podId: string, opts: ContainerOptions): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Stop a container, killing it after `graceSeconds` (0: at once). */
  stopContainer(id: string, graceSeconds?: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /** Stop the pod's containers and its sandbox. */
  stopPod(podId: string): Promise<void>;
  /** Stop and remove the pod and its containers, and its cgroup. */
  removePod(podId: string): Promise<void>;
  /** What the container wrote to stdout and stderr so far (from its CRI log file). */
  readLog(id: string): string;
  /** A directory on a shared mount, for mounts with HOST_TO_CONTAINER or BIDIRECTIONAL propagation. */
  sharedDir(): string;
  /** Remove every pod, end containerd and everything it started, and remove its files. */
  stop(): Promise<void>;
}

/** A private containerd with the CRI plugin; resolves once its CRI socket answers Version(). */
export async function startContainerd(opts: { network?: boolean } = {}): Promise<Containerd> {
  const noNetwork = opts.network === true && podNetworkSkipReason();
  if (noNetwork) throw new Error(noNetwork);
  cleanUpLeftovers();
  const dir = join('/run', `${DIR_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { mode: 0o711 });
  live.add(dir);
  try {
    return await startIn(dir, opts.network === true);
  } catch (e) {
    forceCleanUp(dir);
    live.delete(dir);
    throw e;
  }
}

// ---- Starting

const live = new Set<string>();
process.on('exit', () => {
  for (const dir of live) forceCleanUp(dir);
});

const files = (dir: string) => ({
  socket: join(dir, 'containerd.sock'),
  config: join(dir, 'config.toml'),
  log: join(dir, 'containerd.log'),
  pid: join(dir, 'containerd.pid'),
  /** The pods' cgroup parents, one a line, for the clean-up. */
  cgroups: join(dir, 'cgroups'),
  /** The CNI bridge's name, when there is one. */
  bridge: join(dir, 'bridge'),
  runcRoot: join(dir, 'runc'),
  logs: join(dir, 'pods'),
});

async function startIn(dir: string, network: boolean): Promise<Containerd> {
  const f = files(dir);
  const snapshotter = overlayWorks(dir) ? 'overlayfs' : 'native';
  const image = writeImageArchive(join(dir, 'image'));
  const bridge = network ? `gw${dir.slice(-6)}` : undefined;
  mkdirSync(join(dir, 'cni'));
  if (bridge !== undefined) {
    writeFileSync(f.bridge, bridge);
    writeFileSync(join(dir, 'cni', '10-gw-test.conflist'), JSON.stringify(cniConfig(bridge, join(dir, 'cni-ipam'))));
  }
  writeFileSync(f.config, containerdConfig(dir, snapshotter, cniBinDir() ?? join(dir, 'cni')));

  const log = openSync(f.log, 'a');
  const child = spawn('containerd', ['--config', f.config], { stdio: ['ignore', log, log] });
  closeSync(log);
  const pid = child.pid!;
  writeFileSync(f.pid, String(pid));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  // containerd must not keep the test process alive (the exit handler ends it); stop() waits for it.
  child.unref();
  const reaped = () => {
    child.ref();
    return exit;
  };

  const deadline = Date.now() + 20_000;
  const notUp = (what: string) => new Error(`containerd ${what} on ${f.socket}${exited() ? ' (it exited)' : ' within 20 s'}: ${lastLogLine(f.log)}`);
  // gRPC backs off for a second after a failed connection: connect once the socket is there.
  while (!existsSync(f.socket)) {
    if (exited() || Date.now() > deadline) throw notUp('made no socket');
    await sleep(20);
  }
  const cri = await criStubs(f.socket);
  try {
    while (!(await callCri(cri.runtime, 'Version', {}, 1000).then(() => true, () => false))) {
      if (exited() || Date.now() > deadline) throw notUp('did not answer');
      await sleep(50);
    }
    const plugins = ctr(f.socket, ['plugins', 'ls']);
    for (const plugin of ['cri', snapshotter]) {
      if (!new RegExp(`^\\S+\\s+${plugin}\\s+.*\\sok\\s*$`, 'm').test(plugins)) {
        throw new Error(`containerd's ${plugin} plugin did not load: ${lastLogLine(f.log)}`);
      }
    }
    ctr(f.socket, ['-n', 'k8s.io', 'images', 'import', '--snapshotter', snapshotter, image]);
  } catch (e) {
    cri.runtime.close();
    throw e;
  }
  return instance(dir, pid, reaped, snapshotter, cri, bridge !== undefined);
}

function overlayWorks(dir: string): boolean {
  const at = join(dir, 'overlay-check');
  for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(at, d), { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o',
    `lowerdir=${at}/lower,upperdir=${at}/upper,workdir=${at}/work`, join(at, 'merged')]);
  if (mounted.status === 0) spawnSync('umount', [join(at, 'merged')]);
  rmSync(at, { recursive: true, force: true });
  return mounted.status === 0;
}

/**
 * containerd's configuration: everything under `dir`; the CRI plugin with runc and cgroupfs as a
 * kubelet with cgroupDriver=cgroupfs expects; no AppArmor profile (the host may have no AppArmor);
 * oom_score_adj no lower than containerd's own (lowering it needs CAP_SYS_RESOURCE, which a
 * sandboxed machine may lack); network namespaces under the state directory.
 */
function containerdConfig(dir: string, snapshotter: string, cniBin: string): string {
  const f = files(dir);
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
[grpc]
  address = "${f.socket}"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  disable_apparmor = true
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${cniBin}"
    conf_dir = "${dir}/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "${snapshotter}"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "${f.runcRoot}"
        SystemdCgroup = false
`;
}

/**
 * A bridge with no address on the host (no route, no masquerading: the pods reach nothing) and
 * addresses from a private range kept in `ipamDir`: enough for a pod to have an IP and a CNI result.
 */
function cniConfig(bridge: string, ipamDir: string): object {
  return {
    cniVersion: '0.4.0',
    name: 'gw-test',
    plugins: [{
      type: 'bridge', bridge, isGateway: false, ipMasq: false,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.231.0.0/24' }]], dataDir: ipamDir },
    }],
  };
}

function ctr(socket: string, args: readonly string[]): string {
  const run = spawnSync('ctr', ['--address', socket, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`ctr ${args.join(' ')}: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`);
  return run.stdout;
}

function lastLogLine(log: string): string {
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  return [...lines].reverse().find((l) => /level=(error|fatal)/.test(l)) ?? lines.at(-1) ?? '(containerd wrote nothing)';
}

// ---- The images: an OCI image layout archive, made here, that `ctr images import` takes

/**
 * TEST_IMAGE and PAUSE_IMAGE, one layer shared, written as an OCI archive in `dir`. Each image is
 * named twice, by tag and by digest ("repo@sha256:..."), as a pulled image is: CRI then reports the
 * repository digest in image_ref as it does for images from a registry.
 */
function writeImageArchive(dir: string): string {
  const layout = join(dir, 'layout');
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const addBlob = (data: Buffer) => {
    const digest = createHash('sha256').update(data).digest('hex');
    writeFileSync(join(blobs, digest), data);
    return { digest: `sha256:${digest}`, size: data.length };
  };

  const rootfs = join(dir, 'rootfs');
  writeRootfs(rootfs);
  const layerTar = join(dir, 'layer.tar');
  tar(['--sort=name', '--mtime=@0', '--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', layerTar, '.']);
  const layer = addBlob(readFileSync(layerTar));

  const manifests = [[TEST_IMAGE, ['/bin/sh']], [PAUSE_IMAGE, ['/bin/sleep', 'inf']]].flatMap(([name, cmd]) => {
    const config = addBlob(Buffer.from(JSON.stringify({
      architecture: goArch(), os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: cmd },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    })));
    const manifest = addBlob(Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    })));
    const repo = (name as string).slice(0, (name as string).lastIndexOf(':'));
    return [name as string, `${repo}@${manifest.digest}`].map((ref) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest,
      annotations: { 'io.containerd.image.name': ref },
    }));
  });
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const archive = join(dir, 'images.tar');
  tar(['-C', layout, '-cf', archive, '.']);
  rmSync(rootfs, { recursive: true, force: true });
  rmSync(layout, { recursive: true, force: true });
  rmSync(layerTar);
  return archive;
}

function goArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
}

function tar(args: readonly string[]): void {
  const run = spawnSync('tar', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tar ${args.join(' ')}: ${run.stderr.trim()}`);
}

// ---- Pods and containers, over CRI

interface CriStubs {
  readonly runtime: Grpc.Client;
  readonly image: Grpc.Client;
}

async function criStubs(socket: string): Promise<CriStubs> {
  const { grpc, RuntimeService, ImageService } = await loadCriApi();
  const runtime = new RuntimeService(`unix:${socket}`, grpc.credentials.createInsecure());
  const image = new ImageService(`unix:${socket}`, grpc.credentials.createInsecure(), { channelOverride: runtime.getChannel() });
  return { runtime, image };
}

type Unary = (req: object, opts: Grpc.CallOptions, cb: (err: Grpc.ServiceError | null, res: unknown) => void) => void;

/** One CRI call with a deadline; rejects with the method and the runtime's message. */
function callCri<T = Record<string, unknown>>(stub: Grpc.Client, method: string, request: object, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = (stub as unknown as Record<string, Unary>)[method];
    fn.call(stub, request, { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err === null) resolve(res as T);
      else reject(new Error(`CRI ${method}: ${err.details || err.message}`));
    });
  });
}

function instance(dir: string, pid: number, reaped: () => Promise<void>, snapshotter: 'overlayfs' | 'native', cri: CriStubs, network: boolean): Containerd {
  const f = files(dir);
  const pods = new Map<string, { config: object; logDir: string }>();
  const containerLogs = new Map<string, string>();
  let stopped: Promise<void> | undefined;

  const runPod = async (opts: PodOptions): Promise<string> => {
    const hostNetwork = opts.hostNetwork ?? true;
    if (!hostNetwork && !network) throw new Error('a pod off the host network needs startContainerd({ network: true })');
    const namespace = opts.namespace ?? 'default';
    const uid = opts.uid ?? randomUUID();
    const cgroupParent = `/kubepods/besteffort/pod${uid}`;
    writeFileSync(f.cgroups, `${cgroupParent}\n`, { flag: 'a' });
    const logDir = join(f.logs, `${namespace}_${opts.name}_${uid}`);
    mkdirSync(logDir, { recursive: true });
    const mode = (host: boolean | undefined, otherwise: string) => (host ? 'NODE' : otherwise);
    const config = {
      metadata: { name: opts.name, uid, namespace, attempt: 0 },
      hostname: hostNetwork ? '' : opts.name,
      logDirectory: logDir,
      // The kubelet labels each sandbox with the pod's name, namespace and uid.
      labels: {
        ...opts.labels,
        'io.kubernetes.pod.name': opts.name, 'io.kubernetes.pod.namespace': namespace, 'io.kubernetes.pod.uid': uid,
      },
      annotations: { ...opts.annotations },
      linux: {
        cgroupParent,
        securityContext: {
          privileged: opts.privileged ?? false,
          namespaceOptions: { network: mode(hostNetwork, 'POD'), pid: mode(opts.hostPid, 'CONTAINER'), ipc: mode(opts.hostIpc, 'POD') },
        },
      },
    };
    const { podSandboxId } = await callCri<{ podSandboxId: string }>(cri.runtime, 'RunPodSandbox', { config }, 60_000);
    pods.set(podSandboxId, { config, logDir });
    return podSandboxId;
  };

  const createContainer = async (podId: string, opts: ContainerOptions): Promise<string> => {
    const pod = pods.get(podId);
    if (pod === undefined) throw new Error(`no pod ${podId} was run by this containerd`);
    const sandbox = pod.config as {
      metadata: { name: string; namespace: string; uid: string };
      linux: { securityContext: { namespaceOptions: Record<string, string> } };
    };
    const imageName = opts.image ?? TEST_IMAGE;
    // The kubelet creates a container from the id of the image it pulled.
    const { image } = await callCri<{ image: { id: string } | null }>(cri.image, 'ImageStatus', { image: { image: imageName } });
    if (image === null) throw new Error(`image ${imageName} is not in containerd (only ${TEST_IMAGE} and ${PAUSE_IMAGE} are imported)`);
    // The kubelet makes the container's log directory.
    mkdirSync(join(pod.logDir, opts.name), { recursive: true });
    const config = {
      metadata: { name: opts.name, attempt: 0 },
      image: { image: image.id, userSpecifiedImage: imageName },
      command: opts.command ?? [],
      envs: Object.entries(opts.env ?? {}).map(([key, value]) => ({ key, value })),
      mounts: (opts.mounts ?? []).map((m) => ({
        hostPath: m.hostPath, containerPath: m.containerPath, readonly: m.readonly ?? false, propagation: m.propagation ?? 'PROPAGATION_PRIVATE',
      })),
      // The kubelet's labels on each container.
      labels: {
        ...opts.labels,
        'io.kubernetes.container.name': opts.name, 'io.kubernetes.pod.name': sandbox.metadata.name,
        'io.kubernetes.pod.namespace': sandbox.metadata.namespace, 'io.kubernetes.pod.uid': sandbox.metadata.uid,
      },
      annotations: { ...opts.annotations },
      logPath: `${opts.name}/0.log`,
      linux: {
        securityContext: {
          privileged: opts.privileged ?? false,
          ...(opts.runAsUser === undefined ? {} : { runAsUser: { value: opts.runAsUser } }),
          // The kubelet's: the pod's network and IPC, a pid namespace of the container's own
          // (its first process is pid 1 there) unless the pod shares the host's.
          namespaceOptions: sandbox.linux.securityContext.namespaceOptions,
        },
      },
    };
    const { containerId } = await callCri<{ containerId: string }>(cri.runtime, 'CreateContainer', { podSandboxId: podId, config, sandboxConfig: pod.config }, 60_000)
      .catch((e: unknown) => {
        throw e instanceof Error && /privileged/.test(e.message) ? new Error(`${e.message} (run the pod with { privileged: true })`) : e;
      });
    containerLogs.set(containerId, join(pod.logDir, opts.name, '0.log'));
    if (opts.createOnly !== true) await startContainer(containerId);
    return containerId;
  };

  const startContainer = async (id: string) => {
    await callCri(cri.runtime, 'StartContainer', { containerId: id }, 60_000);
  };

  const removePod = async (podId: string) => {
    await callCri(cri.runtime, 'StopPodSandbox', { podSandboxId: podId }, 60_000);
    await callCri(cri.runtime, 'RemovePodSandbox', { podSandboxId: podId }, 60_000);
    const pod = pods.get(podId);
    pods.delete(podId);
    if (pod !== undefined) removeCgroup((pod.config as { linux: { cgroupParent: string } }).linux.cgroupParent);
  };

  return {
    socket: f.socket,
    root: dir,
    pid,
    snapshotter,
    runPod,
    createContainer,
    startContainer,
    stopContainer: async (id, graceSeconds = 0) => {
      await callCri(cri.runtime, 'StopContainer', { containerId: id, timeout: graceSeconds }, 60_000 + graceSeconds * 1000);
    },
    removeContainer: async (id) => {
      await callCri(cri.runtime, 'RemoveContainer', { containerId: id }, 60_000);
    },
    stopPod: async (podId) => {
      await callCri(cri.runtime, 'StopPodSandbox', { podSandboxId: podId }, 60_000);
    },
    removePod,
    readLog: (id) => {
      const path = containerLogs.get(id);
      if (path === undefined || !existsSync(path)) return '';
      // CRI log lines: "<time> <stream> <P|F> <text>"; P continues on the next line.
      return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
        const [, , tag, ...text] = l.split(' ');
        return text.join(' ') + (tag === 'P' ? '' : '\n');
      }).join('');
    },
    sharedDir: () => {
      const at = join(dir, 'shared');
      if (!existsSync(at)) {
        mkdirSync(at);
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'gw-shared', at]);
        execFileSync('mount', ['--make-shared', at]);
      }
      return at;
    },
    stop: () => {
      stopped ??= (async () => {
        // Politely first: the pods' containers end, runc deletes their cgroups, the shims exit.
        try {
          process.kill(pid, 'SIGCONT');
          await Promise.all([...pods.keys()].map((id) => removePod(id).catch(() => {})));
        } catch {
          // containerd is gone: the forced clean-up does it all.
        }
        cri.runtime.close();
        forceCleanUp(dir);
        live.delete(dir);
        await reaped(); // else it may linger as a zombie of init
      })();
      return stopped;
    },
  };
}

// ---- Cleaning up, synchronously (it also runs in process.on('exit'))

/** Kill containerd, its shims and every process in its pods, then unmount and remove all it made. */
function forceCleanUp(dir: string): void {
  const f = files(dir);
  const pid = Number(readIfExists(f.pid));
  if (Number.isInteger(pid) && pid > 0 && cmdlineOf(pid).includes(f.config)) {
    kill(pid, 'SIGCONT');
    kill(pid, 'SIGKILL');
  }
  const cgroups = readIfExists(f.cgroups).split('\n').filter((c) => c !== '');
  for (const cgroup of cgroups) killCgroup(cgroup);
  // The shims reparent to init; each names containerd's socket on its command line.
  for (const shim of pidsWhere((cmdline) => cmdline.includes('containerd-shim') && cmdline.includes(f.socket))) kill(shim, 'SIGKILL');
  for (const cgroup of cgroups) removeCgroup(cgroup);
  const bridge = readIfExists(f.bridge);
  if (bridge !== '') spawnSync('ip', ['link', 'delete', bridge]);
  unmountUnder(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** The directories of test processes that ended without cleaning up. */
function cleanUpLeftovers(): void {
  for (const name of readdirSync('/run')) {
    const pid = Number(new RegExp(`^${DIR_PREFIX}(\\d+)-[0-9a-f]+$`).exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) forceCleanUp(join('/run', name));
  }
}

/** The hierarchies of /sys/fs/cgroup (v1 controllers, name=systemd, the v2 "unified" one). */
function cgroupRoots(): string[] {
  const base = '/sys/fs/cgroup';
  if (existsSync(join(base, 'cgroup.controllers'))) return [base];
  return readdirSync(base).map((d) => join(base, d)).filter((d) => existsSync(join(d, 'cgroup.procs')));
}

/** Every directory of the cgroup `path` (like /kubepods/besteffort/pod<uid>), deepest first. */
function cgroupDirs(path: string): string[] {
  const dirs: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) if (entry.isDirectory()) walk(join(d, entry.name));
    dirs.push(d);
  };
  for (const root of cgroupRoots()) walk(join(root, path));
  return dirs;
}

function killCgroup(path: string): void {
  for (const d of cgroupDirs(path)) {
    for (const p of readIfExists(join(d, 'cgroup.procs')).split('\n').filter((s) => s !== '')) kill(Number(p), 'SIGKILL');
  }
}

/**
 * Remove the pod's cgroup (the kubelet would), then /kubepods/besteffort and /kubepods when no
 * other pod is left in them. The pod's processes may take a moment to be reaped.
 */
function removeCgroup(path: string): void {
  const deadline = Date.now() + 5000;
  for (const d of cgroupDirs(path)) {
    for (;;) {
      try {
        rmdirSync(d);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || (code !== 'EBUSY' && code !== 'ENOTEMPTY') || Date.now() > deadline) break;
        sleepSync(20);
      }
    }
  }
  for (let parent = dirname(path); parent !== '/'; parent = dirname(parent)) {
    for (const root of cgroupRoots()) {
      try {
        rmdirSync(join(root, parent));
      } catch {
        // Another pod's cgroup is still in it, or it is gone already.
      }
    }
  }
}

/** Unmount every mount under `dir`, deepest first (rootfs overlays, shm, netns, the shared tmpfs). */
function unmountUnder(dir: string): void {
  const points = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' ') ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of new Set(points)) spawnSync('umount', ['-l', p]);
}

function pidsWhere(match: (cmdline: string) => boolean): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => match(cmdlineOf(pid)));
}

function cmdlineOf(pid: number): string {
  return readIfExists(`/proc/${pid}/cmdline`).replace(/\0/g, ' ');
}

function readIfExists(path: string): string {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8').trim() : '';
  } catch {
    return '';
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}


function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
