// `npm run bench:live` (root): what watching the live system with the stock packs costs the
// workloads it watches. Each workload runs alone and under `ghostwatch run` (stable + incubating
// packs, a fresh run each time), alternating, REPS times; the report gives the median slowdown,
// ghostwatch's CPU% (node and the probe loader, over the workload's wall time), its memory (node and
// the loader: their peak RSS, VmHWM, and their RSS once the workload is over), and the events the
// probe sent, dropped, and kept back in the kernel (the open filter).
//   0. quiet host: `sleep 20` watched; the RSS of node + loader then, settled (target <= 60 MiB, issue
//      #11): node's memory reducer gives back what starting up took about 10 s after the start
//   1. syscall storm: dd if=/dev/zero of=/dev/null bs=1 count=N (target <= 1.15x)
//   1b. the same storm under `run -A` with a rule on read and write buffers (io-rules.yaml): every
//       read and write is captured with the first 80 bytes of its buffer (falco_libs.snaplen), then
//       with -o falco_libs.snaplen=0 (the calls without their data): the cost of I/O capture, and of
//       copying the data (reported)
//   2. exec storm: N x fork+exec of /bin/true from sh (target <= 1.3x and no drops)
//   3. open storm: open/close of 1000 files by one python process, 300k and 1.5M times (target <= 1.2x
//      and no drops: the probe keeps back, in the kernel, the opens and closes no rule can match)
//   3b. the dd, exec and open storms with the flight recorder on (every event kept in its ring), beside
//       the same storms with it off: its cost (goal: at most 5% more)
//   4. exec storm inside a podman container: fork+exec of /bin/true there (target <= 1.3x and no
//      drops), ghostwatch asking the podman service about the container (skipped without podman)
// Usage: live.js [--reps N] [--scale X] [--only TEXT] (X multiplies every workload's size; TEXT: run only
// the workloads whose name contains it).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incubatingPack, killLeftovers, liveSkipReason, LiveRun, stablePack } from '../test/e2e/live.js';
import { cpuSecondsOf } from '../src/sources/proc-files.js';
import { repoRoot } from '../test/helpers.js';
import { buildImage, podman, podmanRm, podmanSkipReason, startPodmanService, testContainerName, type PodmanService } from '../test/support/podman.js';
import { median, option } from './args.js';

interface Workload {
  readonly name: string;
  readonly argv: readonly string[];
  /** More `ghostwatch run` arguments (-A...). */
  readonly run?: readonly string[];
  /** Largest acceptable slowdown, when there is a target. */
  readonly target?: number;
  /** Largest acceptable RSS of node + loader after the workload (MiB), when there is a target. */
  readonly rssTargetMiB?: number;
  readonly zeroDrops?: boolean;
}

interface Sample {
  wallS: number;
  /** ghostwatch (node) and loader CPU seconds during the workload. */
  nodeCpuS: number;
  loaderCpuS: number;
  /** Peak RSS (VmHWM) of node and of the loader, and their RSS (VmRSS) after the workload. */
  node: Memory;
  loader: Memory;
  events: number;
  drops: number;
  /** Events the probe kept back in the kernel (the open filter), and by event name. */
  filtered: number;
  filteredBy: string;
}

/** A rule on what read and write carry (the I/O capture workloads). */
const IO_RULES = join(repoRoot, 'bench', 'io-rules.yaml');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds a process has used so far (user + system), 0 when it is gone. */
const cpuSeconds = (pid: number | undefined): number => (pid === undefined ? 0 : cpuSecondsOf(pid));

interface Memory {
  readonly peakKb: number;
  readonly rssKb: number;
}

/** A process's peak and current RSS (KiB), zeros when it is gone. */
function memory(pid: number | undefined): Memory {
  try {
    const status = readFileSync(`/proc/${pid ?? -1}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { peakKb: kb('VmHWM'), rssKb: kb('VmRSS') };
  } catch {
    return { peakKb: 0, rssKb: 0 };
  }
}

const mib = (kb: number) => (kb / 1024).toFixed(1);

function runWorkload(w: Workload): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(w.argv[0], w.argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${w.argv.join(' ')} failed: ${r.stderr.toString().trim()}`);
  return wall;
}

async function watched(w: Workload, podmanSocket: string | undefined): Promise<Sample> {
  const containers = podmanSocket === undefined ? [] : ['-o', `plugins[0].init_config.engines.podman.sockets[0]=${podmanSocket}`];
  const gw = new LiveRun(['-r', stablePack!, '-r', incubatingPack!, '-o', 'json_output=true', '-v', ...containers, ...(w.run ?? [])]);
  await gw.ready();
  await sleep(500);
  const loader = gw.loaderPid();
  const node0 = cpuSeconds(gw.pid);
  const loader0 = cpuSeconds(loader);
  const wallS = runWorkload(w);
  const nodeCpuS = cpuSeconds(gw.pid) - node0;
  const loaderCpuS = cpuSeconds(loader) - loader0;
  const node = memory(gw.pid);
  const loaderMemory = memory(loader);
  gw.signal('SIGINT');
  const f = await gw.finished;
  if (f.status !== 0) throw new Error(`ghostwatch exited with ${f.status}: ${f.stderr.trim().split('\n').pop()}`);
  const events = Number(/^Driver Events:(\d+)$/m.exec(f.stderr)?.[1] ?? NaN);
  const drops = Number(/^Driver Drops:(\d+)$/m.exec(f.stderr)?.[1] ?? NaN);
  const filtered = Number(/^Kernel Filtered:(\d+)$/m.exec(f.stderr)?.[1] ?? NaN);
  const filteredBy = /^Kernel Filtered by event: (.*)$/m.exec(f.stderr)?.[1] ?? '';
  return { wallS, nodeCpuS, loaderCpuS, node, loader: loaderMemory, events, drops, filtered, filteredBy };
}

function workloads(scale: number, dir: string, container: string | undefined): Workload[] {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  // Files for the open storm: many distinct paths, each opened again and again.
  const files = join(dir, 'files');
  mkdirSync(files);
  for (let i = 0; i < 1000; i++) writeFileSync(join(files, `f${i}`), '');
  const openStorm = join(dir, 'open_storm.py');
  writeFileSync(openStorm, [
    'import os, sys',
    'd, n = sys.argv[1], int(sys.argv[2])',
    'paths = [os.path.join(d, f"f{i}") for i in range(1000)]',
    'for i in range(n):',
    '    os.close(os.open(paths[i % 1000], os.O_RDONLY))',
  ].join('\n'));
  const recorderOn = ['-o', 'flight_recorder.enabled=true', '-o', `flight_recorder.dir=${join(dir, 'flight-recorder')}`];
  return [
    { name: 'quiet host: sleep 20 (the memory of node + loader watching an idle system, settled)', argv: ['sleep', '20'], rssTargetMiB: 60 },
    { name: 'syscall storm: dd if=/dev/zero of=/dev/null bs=1', argv: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${n(2_000_000)}`], target: 1.15 },
    {
      name: 'I/O capture: the dd storm under run -A, a rule on buffers (every read and write, 80 bytes of each)',
      argv: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${n(2_000_000)}`], run: ['-A', '-r', IO_RULES],
    },
    {
      name: 'I/O capture without data: the same with -o falco_libs.snaplen=0',
      argv: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${n(2_000_000)}`], run: ['-A', '-r', IO_RULES, '-o', 'falco_libs.snaplen=0'],
    },
    { name: 'exec storm: fork+exec of /bin/true', argv: ['sh', '-c', `i=0; while [ $i -lt ${n(2000)} ]; do /bin/true; i=$((i+1)); done`], target: 1.3, zeroDrops: true },
    { name: 'open storm: open/close of 1000 files, 300k times', argv: ['python3', openStorm, files, String(n(300_000))], target: 1.2, zeroDrops: true },
    { name: 'open storm: open/close of 1000 files, 1.5M times', argv: ['python3', openStorm, files, String(n(1_500_000))], target: 1.2, zeroDrops: true },
    // The flight recorder on (every event copied into its ring; no alert of these storms triggers a
    // capture): set beside the same storms above, recorder off. Goal: at most 5% more.
    { name: 'syscall storm, flight recorder on', argv: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${n(2_000_000)}`], run: recorderOn },
    { name: 'exec storm, flight recorder on', argv: ['sh', '-c', `i=0; while [ $i -lt ${n(2000)} ]; do /bin/true; i=$((i+1)); done`], run: recorderOn, zeroDrops: true },
    { name: 'open storm, flight recorder on', argv: ['python3', openStorm, files, String(n(300_000))], run: recorderOn },
    ...(container === undefined ? [] : [{
      name: 'exec storm in a podman container: fork+exec of /bin/true',
      argv: ['podman', 'exec', container, 'sh', '-c', `i=0; while [ $i -lt ${n(2000)} ]; do /bin/true; i=$((i+1)); done`],
      target: 1.3, zeroDrops: true,
    }]),
  ];
}

/** A long-running podman container for the container workload, and the podman API service to ask about it. */
async function startContainer(): Promise<{ name: string; service: PodmanService } | undefined> {
  const skip = podmanSkipReason();
  if (skip !== false) {
    process.stderr.write(`bench:live: the container workload is skipped: ${skip}\n`);
    return undefined;
  }
  const image = 'localhost/gw-busybox:1.0';
  await buildImage(image);
  const service = await startPodmanService();
  const name = testContainerName('bench');
  await podman(['run', '-d', '--name', name, image, 'sleep', '3600']);
  return { name, service };
}

async function main(): Promise<void> {
  const skip = liveSkipReason();
  if (skip !== false) {
    process.stderr.write(`bench:live: ${skip}\n`);
    process.exitCode = 1;
    return;
  }
  const reps = option('--reps', 3);
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-live-'));
  const container = await startContainer();
  let failed = false;
  try {
    const only = process.argv.indexOf('--only') >= 0 ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
    for (const w of workloads(option('--scale', 1, true), dir, container?.name).filter((x) => only === undefined || x.name.includes(only))) {
      runWorkload(w); // warm up: page cache, binaries
      const base: number[] = [];
      const under: Sample[] = [];
      for (let i = 0; i < reps; i++) {
        // Alternate which goes first, so drifting machine load hits both alike.
        if (i % 2 === 0) base.push(runWorkload(w));
        under.push(await watched(w, container?.service.socket));
        if (i % 2 === 1) base.push(runWorkload(w));
      }
      const b = median(base);
      const g = median(under.map((s) => s.wallS));
      const ratio = g / b;
      const cpu = median(under.map((s) => (100 * s.nodeCpuS) / s.wallS));
      const loaderCpu = median(under.map((s) => (100 * s.loaderCpuS) / s.wallS));
      // The worst run's figures (peaks: the highest; after the workload: the largest sum).
      const peakNode = Math.max(...under.map((s) => s.node.peakKb));
      const peakLoader = Math.max(...under.map((s) => s.loader.peakKb));
      const peakSum = Math.max(...under.map((s) => s.node.peakKb + s.loader.peakKb));
      const after = under.reduce((a, s) => (s.node.rssKb + s.loader.rssKb > a.node.rssKb + a.loader.rssKb ? s : a));
      const afterSum = after.node.rssKb + after.loader.rssKb;
      const rssVerdict = w.rssTargetMiB === undefined ? '' : afterSum / 1024 <= w.rssTargetMiB ? ` (target <= ${w.rssTargetMiB} MiB met)` : ` (target <= ${w.rssTargetMiB} MiB MISSED)`;
      const drops = under.reduce((n, s) => n + s.drops, 0);
      const events = median(under.map((s) => s.events));
      const filtered = median(under.map((s) => s.filtered));
      const filteredBy = under.at(-1)?.filteredBy ?? '';
      const verdict = w.target === undefined ? '' : ratio <= w.target && (!w.zeroDrops || drops === 0) ? ' (target met)' : ' (TARGET MISSED)';
      if (verdict.includes('MISSED') || rssVerdict.includes('MISSED')) failed = true;
      process.stdout.write(
        `${w.name}\n` +
        `  alone ${b.toFixed(3)} s, watched ${g.toFixed(3)} s: ${ratio.toFixed(3)}x` +
        `${w.target === undefined ? '' : ` (target <= ${w.target}x${w.zeroDrops ? ', no drops' : ''})`}${verdict}\n` +
        `  ghostwatch CPU ${cpu.toFixed(1)}% + probe loader ${loaderCpu.toFixed(1)}% of the workload's wall time\n` +
        `  RSS after: node ${mib(after.node.rssKb)} + loader ${mib(after.loader.rssKb)} = ${mib(afterSum)} MiB${rssVerdict}; ` +
        `peak (VmHWM): node ${mib(peakNode)} + loader ${mib(peakLoader)}, sum ${mib(peakSum)} MiB\n` +
        `  probe events ${events} per run (median), dropped ${drops} over ${reps} runs, kept back in the kernel ${filtered} per run (median${filteredBy === '' ? '' : `; last run: ${filteredBy}`})\n` +
        `  runs alone: ${base.map((x) => x.toFixed(3)).join(' ')}; watched: ${under.map((s) => s.wallS.toFixed(3)).join(' ')}\n`,
      );
    }
  } finally {
    await killLeftovers();
    if (container !== undefined) {
      await podmanRm([container.name]);
      await container.service.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

await main();
