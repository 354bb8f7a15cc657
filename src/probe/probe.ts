// Starting and stopping the live probe. startProbe() spawns the loader (native/loader.c) for the
// requested events and resolves once everything is attached; the Probe then offers the capture
// stream — the caller's header blocks followed by the live event blocks — to the same reader that
// reads capture files, and the loader's counts of sent and dropped events.
//
// While it runs, setSyscalls() changes the events captured: the loader's control channel (its
// stdin, "attach NAME..." / "detach NAME...", answered on the stats channel) attaches and
// detaches only the difference; everything else (the ring buffer, the other programs, the stream)
// goes on untouched. setOpenFilter() sets which opens the probe keeps back (open-filter.ts).
//
// Life cycle: stop() sends SIGTERM; the loader detaches, drains its ring buffer, reports its final
// counts and exits, which ends the stream. If this process dies, the loader gets SIGTERM from the
// kernel (PR_SET_PDEATHSIG); if the loader dies, the kernel detaches its programs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, hostname, totalmem, uptime } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { readCaptureSource, type ByteSource, type CaptureHandlers } from '../capture/reader.js';
import type { CaptureHeader, MachineInfo } from '../capture/records.js';
import { encodeHeader } from '../capture/writer.js';
import { probeBinary } from './binary.js';
import { NO_COUNTS, byEventName, countsFrom, type ProbeCounts, type StatsLine } from './counts.js';
import { ProbeError } from './errors.js';
import { openFilterCommand, type OpenFilter } from './open-filter.js';
import { streamSource } from './stream-source.js';

export interface ProbeOptions {
  /** Events to capture: system call names (openat, execve, ...) and procexit (see listProbeEvents). */
  readonly syscalls: readonly string[];
  /** What the stream's header blocks carry (the /proc scan: processes, fds, users...). */
  readonly header?: CaptureHeader;
  /** Ring buffer size in KiB, a power of 2 (default 8192). */
  readonly ringKb?: number;
  /** Processes whose events are not captured (default: this one, so its own I/O cannot feed back). */
  readonly ignorePids?: readonly number[];
  /** Called with the loader's counts each time they change (about once a second) and at the end. */
  readonly onCounts?: (counts: ProbeCounts) => void;
  /** The loader to run (default: native/build/ghostwatch-probe). */
  readonly binary?: string;
  /** Bytes of each I/O buffer (read, write, send, recv... data) the events carry (default 0: none). */
  readonly snaplen?: number;
  /**
   * Capture mode: an enter event for each call too, at its start (the calls are then dispatched from
   * the raw_syscalls tracepoints, which cost every call something: never for detection).
   */
  readonly enterEvents?: boolean;
  /** Capture mode: every other system call too, as the generic syscall event. */
  readonly allSyscalls?: boolean;
}

/** How long stop() waits for the loader to drain before killing it. */
const STOP_TIMEOUT_MS = 10_000;
const STATS_FD = 3;

/** The loader's answer to a control line. */
interface ControlReply {
  reply?: string;
  ok?: boolean;
  error?: string;
  /** Programs attached after the command. */
  programs?: number;
  ms?: number;
}

/** What setSyscalls() changed. */
export interface SyscallChange {
  readonly attached: readonly string[];
  readonly detached: readonly string[];
  /** Programs attached now (events and their helpers). */
  readonly programs: number;
}

export class Probe {
  private latest: ProbeCounts = NO_COUNTS;
  /** The events captured now. */
  private current: Set<string>;
  /** Control lines sent and not yet answered, oldest first. */
  private readonly waiting: { resolve: (r: ControlReply) => void; reject: (e: Error) => void }[] = [];
  /** The last setSyscalls() (they run one after the other). */
  private changing: Promise<unknown> = Promise.resolve();
  private programs = 0;
  private consumed = false;
  /** Set by stop(): the loader's end is then expected. */
  private stopping = false;
  /** Why the loader ended when nobody asked it to (its own last words, or ours). */
  private failure: string | undefined = undefined;
  /** Resolves with the loader's exit status once it has exited and its output has ended. */
  readonly exited: Promise<number | null>;
  /** The loader's process id. */
  readonly pid: number;

  /** @internal use startProbe() */
  constructor(
    private readonly child: ChildProcess,
    private readonly header: Buffer,
    exited: Promise<number | null>,
    syscalls: readonly string[] = [],
  ) {
    this.exited = exited;
    this.pid = child.pid ?? -1;
    this.current = new Set(syscalls);
    // A write after the loader ended fails (EPIPE): the pending answers are rejected by its exit.
    child.stdin?.on('error', () => undefined);
    void exited.then(() => {
      for (const w of this.waiting.splice(0)) w.reject(new ProbeError('the probe stopped before it answered'));
    });
  }

  /** The events captured now (sorted). */
  get syscalls(): string[] {
    return [...this.current].sort();
  }

  /**
   * Capture these events from now on: only the difference is attached and detached, the other
   * programs and the stream are untouched. Resolves once the loader has done it; rejects with a
   * ProbeError (nothing changed) when an event cannot be attached. Calls run one after the other.
   */
  setSyscalls(names: readonly string[]): Promise<SyscallChange> {
    return this.inTurn(() => this.change(new Set(names)));
  }

  /** Runs after the changes asked for before it, whether they succeeded or not. */
  private inTurn<T>(step: () => Promise<T>): Promise<T> {
    const run = this.changing.then(step, step);
    this.changing = run;
    return run;
  }

  private async change(wanted: ReadonlySet<string>): Promise<SyscallChange> {
    const attach = [...wanted].filter((n) => !this.current.has(n)).sort();
    const detach = [...this.current].filter((n) => !wanted.has(n)).sort();
    if (attach.length > 0) {
      await this.command('attach', attach);
      for (const n of attach) this.current.add(n);
    }
    if (detach.length > 0) {
      await this.command('detach', detach);
      for (const n of detach) this.current.delete(n);
    }
    return { attached: attach, detached: detach, programs: this.programs };
  }

  /**
   * Keep back, in the kernel, the opens the filter says no rule can match (undefined: send every
   * open). Resolves once the probe applies it; rejects with a ProbeError when it cannot (the probe
   * then sends every open). Runs in turn with setSyscalls().
   */
  setOpenFilter(filter: OpenFilter | undefined): Promise<void> {
    const line = openFilterCommand(filter);
    return this.inTurn(() => this.send(line, 'set the open filter'));
  }

  /** One attach or detach line, and the loader's answer to it. */
  private async command(verb: 'attach' | 'detach', names: readonly string[]): Promise<void> {
    await this.send(`${verb} ${names.join(' ')}`, `${verb} ${names.join(', ')}`);
  }

  /** One control line, and the loader's answer to it. */
  private async send(line: string, what: string): Promise<void> {
    const stdin = this.child.stdin;
    if (stdin === null || this.stopping || this.child.exitCode !== null || this.child.signalCode !== null) {
      throw new ProbeError('the probe is not running');
    }
    const answer = new Promise<ControlReply>((resolve, reject) => this.waiting.push({ resolve, reject }));
    stdin.write(`${line}\n`);
    const r = await answer;
    if (r.ok !== true) throw new ProbeError(`cannot ${what}: ${r.error ?? 'the probe refused'}`);
    this.programs = r.programs ?? this.programs;
  }

  /** @internal An answer on the stats channel (the ready line too: it says how many programs are attached). */
  answered(r: ControlReply, toCommand = true): void {
    if (toCommand) this.waiting.shift()?.resolve(r);
    else this.programs = r.programs ?? 0;
  }

  /** @internal */
  updateCounts(c: ProbeCounts): void {
    this.latest = c;
  }

  /** The capture stream (header blocks, then events until the probe stops). It can be taken once. */
  source(): ByteSource {
    if (this.consumed) throw new ProbeError('the probe stream is already being read');
    this.consumed = true;
    return streamSource(this.header, this.child.stdout as Readable);
  }

  /**
   * Read the stream with the capture reader: header first, then every event as it happens.
   * Rejects with a ProbeError when the loader ended without being asked to (its reason).
   */
  async read(handlers: CaptureHandlers): Promise<void> {
    let stoppedByReader = false;
    await readCaptureSource('live probe', this.source(), {
      header: (h) => handlers.header(h),
      event: (e) => {
        const more = handlers.event(e);
        if (more === false) stoppedByReader = true;
        return more;
      },
    });
    // The stream ended by itself: the loader is exiting. Was it asked to?
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the event handler (microsoft/TypeScript#9998)
    if (stoppedByReader || this.stopping) return;
    const status = await this.exited;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() may have been called while waiting
    if (this.stopping && this.failure === undefined) return;
    if (this.failure !== undefined || status !== 0) {
      throw new ProbeError(this.failure ?? `the probe stopped unexpectedly (${status === null ? 'killed by a signal' : `exit status ${status}`})`);
    }
  }

  /** @internal The loader is broken (what it said, or what we found wrong): it is stopped, and read() says why. */
  fail(reason: string): void {
    this.failure ??= reason;
    this.child.kill('SIGTERM');
  }

  /** Events sent, dropped and filtered so far, per event type (updated about once a second, final after stop()). */
  counts(): ProbeCounts {
    return this.latest;
  }

  /** Events lost because the ring buffer was full, in total and per event name. */
  drops(): { total: number; byEvent: Record<string, number> } {
    return { total: this.latest.totalDrops, byEvent: byEventName(this.latest.drops) };
  }

  /** Detach everything and end the stream; resolves once the loader has exited. */
  async stop(): Promise<void> {
    // Once: a second SIGTERM tells the loader to stop at once, cutting the block it is writing.
    if (this.stopping) {
      await this.exited;
      return;
    }
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      this.child.stdin?.end();
      // Nobody reads the stream: let what is left go, so the loader's last writes do not block.
      if (!this.consumed) this.child.stdout?.resume();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      try {
        await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    await this.exited;
  }
}

/** Start the probe; rejects with a ProbeError (the loader's one-line reason) when it cannot. */
export async function startProbe(opts: ProbeOptions): Promise<Probe> {
  const binary = opts.binary ?? probeBinary();
  const args = ['--stats-fd', String(STATS_FD)];
  if (opts.ringKb !== undefined) args.push('--ring-kb', String(opts.ringKb));
  if (opts.snaplen !== undefined && opts.snaplen > 0) args.push('--snaplen', String(opts.snaplen));
  if (opts.enterEvents === true) args.push('--enter-events');
  if (opts.enterEvents === true && opts.allSyscalls === true) args.push('--all-syscalls');
  for (const pid of opts.ignorePids ?? [process.pid]) args.push('--ignore-tgid', String(pid));
  if (opts.syscalls.length === 0) throw new ProbeError('no events to capture');
  args.push(...opts.syscalls);

  const header = encodeHeader(opts.header ?? emptyHeader());
  // stdin: the control channel (setSyscalls).
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  const probe = new Probe(child, header, exited, opts.syscalls);

  return new Promise<Probe>((resolve, reject) => {
    let ready = false;
    child.on('error', (err) => reject(new ProbeError(`cannot run ${binary}: ${err.message}`)));
    const stats = createInterface({ input: child.stdio[STATS_FD] as Readable });
    stats.on('line', (text) => {
      let line: StatsLine & ControlReply;
      try {
        line = JSON.parse(text) as StatsLine & ControlReply;
      } catch {
        // The loader is ours: a line that is not JSON means it is broken. Say so, and stop it.
        const reason = `the probe's counters are unreadable (${JSON.stringify(text.slice(0, 80))})`;
        if (!ready) reject(new ProbeError(reason));
        probe.fail(reason);
        return;
      }
      if (line.ready === true) {
        ready = true;
        probe.answered({ programs: line.programs ?? 0 }, false);
        resolve(probe);
        return;
      }
      if (line.reply !== undefined) {
        probe.answered(line);
        return;
      }
      const counts = countsFrom(line);
      probe.updateCounts(counts);
      opts.onCounts?.(counts);
    });
    void exited.then((code) => {
      const said = stderr.trim().split('\n').filter((l) => l !== '').pop();
      if (ready) {
        if (code !== 0 && said !== undefined) probe.fail(said);
        return;
      }
      const reason = stderr.trim().split('\n')[0] ?? '';
      reject(new ProbeError(reason !== '' ? reason : `the probe exited with status ${code} before it was ready`));
    });
  });
}

function emptyHeader(): CaptureHeader {
  return { major: 1, minor: 2, machine: thisMachine(), procs: [], fds: [], ifaces: [], ifaces6: [], users: [], groups: [] };
}

function thisMachine(): MachineInfo {
  let maxPid = 0;
  try {
    maxPid = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
  } catch {
    // not Linux: the field stays 0
  }
  return {
    numCpus: cpus().length,
    memoryBytes: totalmem(),
    maxPid,
    hostname: hostname(),
    bootTime: Math.round((Date.now() - uptime() * 1000) * 1e6),
  };
}
