// Shared by the live end-to-end tests: why they cannot run here (not root, no BTF, no probe, not
// built), and `ghostwatch run` started live as a user starts it, with its JSON alerts collected.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';

export const bin = join(repoRoot, 'bin', 'ghostwatch');
export const stablePack = sharedPath('falco', 'rules', 'falco_rules.yaml');
export const incubatingPack = sharedPath('falco', 'rules', 'falco-incubating_rules.yaml');

/** Why the live tests cannot run here, or false. Builds the probe (scripts/build-probe.sh) when they can. */
export function liveSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (the eBPF probe): live tests skipped';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'needs a kernel with BTF (/sys/kernel/btf/vmlinux): live tests skipped';
  if (stablePack === undefined || incubatingPack === undefined) return SHARED_MISSING;
  if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) return 'ghostwatch is not built: run `npm run build` first';
  const build = spawnSync('bash', ['scripts/build-probe.sh'], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) return `the eBPF probe cannot be built here: ${build.stderr.trim().split('\n').pop() ?? ''}`;
  return false;
}

/** A JSON alert as Falco writes it. */
export interface Alert {
  readonly rule: string;
  readonly priority: string;
  readonly output: string;
  readonly source: string;
  readonly time: string;
  readonly hostname: string;
  /** The flight recorder's capture of the events around the alert (ghostwatch's key). */
  readonly capture?: string;
  readonly output_fields: Record<string, string | number | boolean | null>;
  /** When the test received it (ms, Date.now()). */
  readonly receivedAt: number;
}

export interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const started = new Set<ChildProcessWithoutNullStreams>();

/** Kill every run still going (a failed test must not leave ghostwatch and its probe running). */
export async function killLeftovers(): Promise<void> {
  const left = [...started];
  for (const child of left) child.kill('SIGKILL');
  await Promise.all(left.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.on('close', r)))));
}

/** `ghostwatch run ARGS` on the live system; stdout lines that are JSON alerts are collected. */
export class LiveRun {
  readonly alerts: Alert[] = [];
  private stdout = '';
  private stderr = '';
  private partial = '';
  private readonly child: ChildProcessWithoutNullStreams;
  readonly finished: Promise<Finished>;

  constructor(args: readonly string[]) {
    // As a user runs it: bin/ghostwatch's own line gives node its memory settings.
    this.child = spawn(bin, ['run', ...args], { cwd: repoRoot });
    this.child.stdout.setEncoding('utf8').on('data', (s: string) => {
      this.stdout += s;
      const lines = (this.partial + s).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('{')) this.alerts.push({ ...(JSON.parse(line) as Omit<Alert, 'receivedAt'>), receivedAt: Date.now() });
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (s: string) => {
      this.stderr += s;
    });
    started.add(this.child);
    this.finished = new Promise((resolve) => {
      this.child.on('close', (status, signal) => {
        started.delete(this.child);
        resolve({ status, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** What ghostwatch has written on stderr so far. */
  get log(): string {
    return this.stderr;
  }

  /** Resolves once ghostwatch watches (probe attached, /proc scanned); fails if it exits first. */
  async ready(ms = 30_000): Promise<void> {
    let exited: Finished | undefined;
    void this.finished.then((f) => (exited = f));
    for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) {
      if (this.stderr.includes('Watching the live system')) return;
      if (exited !== undefined) assert.fail(`ghostwatch exited (${exited.status ?? exited.signal}) before watching:\n${exited.stderr}`);
    }
    assert.fail(`ghostwatch did not start watching within ${ms} ms:\n${this.stderr}`);
  }

  /** The first alert from index `from` on that satisfies `match`, waiting up to `ms`. */
  async alert(match: (a: Alert) => boolean, ms = 5000, from = 0): Promise<Alert | undefined> {
    for (const end = Date.now() + ms; ; await sleep(10)) {
      const found = this.alerts.slice(from).find(match);
      if (found !== undefined || Date.now() >= end) return found;
    }
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** The probe loader ghostwatch started (its child process), or undefined. */
  loaderPid(): number | undefined {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[1]) === this.pid && stat.includes('(ghostwatch-pro')) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
    return undefined;
  }
}

/** Run a program to its end; resolves with its exit status, stdout, and the time it ended. */
export function runProgram(cmd: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; endedAt: number }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, endedAt: Date.now() }));
  });
}

/** Ids of the BPF programs a process holds (from its fds' fdinfo). */
export function heldProgramIds(pid: number): number[] {
  const ids = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    try {
      const m = /^prog_id:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m !== null) ids.add(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  return [...ids];
}

export function loadedProgramIds(): Set<number> {
  const r = spawnSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' });
  return new Set((JSON.parse(r.stdout) as { id: number }[]).map((p) => p.id));
}
