// Reloading the configuration and the rules while running: on SIGHUP, and when a watched file
// changes (watch_config_files). Falco restarts its whole inspector for this (its event source is
// closed and reopened: events in between are lost, and the process table is rebuilt from /proc).
// ghostwatch keeps everything that runs: the probe stays attached, the state tables stay as they
// are, and the newly compiled rules take over between two events (RulesInForce); the probe's set
// of system calls changes by the difference only. Until the new rules are ready nothing changes,
// so a broken file leaves the running rules in place: the reload fails, with one error line, and
// is counted.
//
// Reloads run one at a time; requests made during one are folded into one more reload after it.
import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { GhostwatchConfig } from '../config/config.js';
import { FileWatcher } from '../config/watch.js';
import { errorLine } from './errors.js';

/** Why a reload runs: the signal, or a watched file that changed. */
export type ReloadCause = { readonly kind: 'signal' } | { readonly kind: 'file'; readonly path: string };

export interface ReloadHooks {
  /**
   * Load the configuration and rules and put them in force, calling inForce() once they are; throw
   * (one line) when anything is wrong, before changing anything. Resolves with what to say about
   * the new rules.
   */
  readonly reload: (inForce: () => void) => Promise<string>;
  readonly info: (message: string) => void;
  /** The failure's line, and its reason alone. */
  readonly error: (message: string, reason: string) => void;
  /** After each attempt, whatever its result (watch the files the configuration names now). */
  readonly after?: () => void;
  /** At close, once no reload runs (stop a loader thread). */
  readonly close?: () => Promise<void>;
  readonly now?: () => number;
}

export class Reloader {
  succeeded = 0;
  failed = 0;
  /** How long the last successful reload took, from the request to the new rules in force (ms). */
  lastMs = 0;
  private running: Promise<void> | undefined = undefined;
  private again: ReloadCause | undefined = undefined;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly hooks: ReloadHooks) {
    this.now = hooks.now ?? (() => performance.now());
  }

  /** Reload now, or after the reload under way. */
  request(cause: ReloadCause): void {
    if (this.closed) return;
    const requested = this.now();
    if (this.running !== undefined) {
      this.again = cause;
      return;
    }
    this.running = this.loop(cause, requested);
  }

  /** Take no more requests; resolves once the reload under way, if any, has ended. */
  async close(): Promise<void> {
    this.closed = true;
    this.again = undefined;
    await this.running;
    await this.hooks.close?.();
  }

  /** The -v summary's line. */
  summary(): string {
    return `Reloads: ${this.succeeded} succeeded, ${this.failed} failed\n`;
  }

  private async loop(cause: ReloadCause, requested: number): Promise<void> {
    let next: ReloadCause | undefined = cause;
    let at = requested;
    while (next !== undefined && !this.closed) {
      await this.once(next, at);
      next = this.again;
      this.again = undefined;
      at = this.now();
    }
    this.running = undefined;
  }

  private async once(cause: ReloadCause, requested: number): Promise<void> {
    this.hooks.info(cause.kind === 'signal' ? 'SIGHUP received, restarting...' : `Change detected in ${cause.path}, restarting...`);
    let inForceAt: number | undefined;
    try {
      const said = await this.hooks.reload(() => (inForceAt = this.now()));
      // Stopped meanwhile: the run is ending, the outcome does not matter any more.
      if (this.closed) return;
      this.succeeded++;
      this.lastMs = (inForceAt ?? this.now()) - requested;
      this.hooks.info(`Restart complete: new rules in force ${Math.round(this.lastMs)} ms after the request (probe, state and outputs kept): ${said}`);
    } catch (e) {
      if (this.closed) return;
      this.failed++;
      const reason = errorLine(e);
      this.hooks.error(`Restart failed, the running configuration and rules stay in force: ${reason}`, reason);
    } finally {
      this.hooks.after?.();
    }
  }
}

/**
 * Where a reload's loading runs: on a worker thread, so the event loop goes on reading events while
 * the rules files are parsed and compiled (100-300 ms for Falco's stock rules, during which the
 * probe's ring buffer would otherwise fill under load); inline when the worker cannot run (its
 * module missing, or it failed). The worker is started by a reload (about half a second, on its own
 * thread) and kept for the reloads that follow within idleMs (an edit often comes in several
 * saves), then ended: an idle loader would hold some 30 MB for nothing.
 */
export class LoaderThread<I, O> {
  private worker: Worker | undefined = undefined;
  private unavailable = false;
  private idle: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly file: string | undefined,
    private readonly inline: (input: I) => O,
    private readonly idleMs = 10_000,
  ) {}

  async run(input: I): Promise<O> {
    clearTimeout(this.idle);
    const worker = await this.start();
    if (worker === undefined) return this.inline(input);
    try {
      const out = await new Promise<O>((resolve, reject) => {
        const done = () => {
          worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        };
        const onMessage = (m: O) => {
          done();
          resolve(m);
        };
        const onError = (e: Error) => {
          done();
          reject(e);
        };
        const onExit = () => {
          done();
          reject(new Error('the loader thread ended'));
        };
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
        worker.postMessage(input);
      });
      this.idle = setTimeout(() => void this.close(), this.idleMs).unref();
      return out;
    } catch {
      this.unavailable = true;
      void this.close();
      return this.inline(input);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  /** The thread, started at the first reload (node:worker_threads is loaded only then). */
  private async start(): Promise<Worker | undefined> {
    // First, so that what follows runs in one go even if two reloads ask at once.
    const { Worker } = await import('node:worker_threads');
    if (this.worker !== undefined || this.unavailable) return this.worker;
    if (this.file === undefined || !existsSync(this.file)) {
      this.unavailable = true;
      return undefined;
    }
    try {
      this.worker = new Worker(this.file);
      // An idle loader never keeps ghostwatch running.
      this.worker.unref();
    } catch {
      this.unavailable = true;
    }
    return this.worker;
  }
}

/** What asks for reloads: SIGHUP, and the watched files (watch_config_files). */
export class ReloadTriggers {
  private readonly watcher: FileWatcher;
  private readonly onSignal = () => this.reloader.request({ kind: 'signal' });

  constructor(
    private readonly reloader: Reloader,
    warn: (message: string) => void,
  ) {
    this.watcher = new FileWatcher((path) => reloader.request({ kind: 'file', path }), { warn });
    process.on('SIGHUP', this.onSignal);
  }

  /** Watch these files and directories from now on (none: watch_config_files is off). */
  watch(paths: readonly string[]): void {
    this.watcher.watch(paths);
  }

  /** No more reloads: resolves once the one under way, if any, has ended. */
  async close(): Promise<void> {
    this.watcher.close();
    await this.reloader.close();
    process.off('SIGHUP', this.onSignal);
  }
}

/**
 * The settings that cannot change while running, as the configuration keys that name them: what
 * the probe, the outputs and the monitors were opened with. A reload that changes them says so;
 * they take effect at the next start. Everything else applies at once: rules files and their
 * selection, priority, rule_matching, append_output, json_* and time formats, base_syscalls, the
 * log settings and watch_config_files.
 */
export function restartNeeded(running: GhostwatchConfig, next: GhostwatchConfig, opts: { readonly engineFixed: boolean }): string[] {
  const keys: [string, (c: GhostwatchConfig) => unknown][] = [
    ['engine', (c) => (opts.engineFixed ? undefined : c.engine)],
    ['syscall_buf_size_preset', (c) => c.syscallBufferKb],
    ['plugins', (c) => [c.containers, c.otherPlugins]],
    ['stdout_output', (c) => c.stdoutOutput],
    ['file_output', (c) => c.fileOutput],
    ['program_output', (c) => c.programOutput],
    ['http_output', (c) => c.httpOutput],
    ['buffered_outputs', (c) => c.bufferedOutputs],
    ['output_timeout', (c) => c.outputTimeout],
    ['outputs', (c) => [c.outputsRate, c.outputsMaxBurst]],
    ['syscall_event_drops', (c) => c.syscallEventDrops],
    ['syscall_event_timeouts', (c) => c.syscallEventTimeoutsMax],
    ['falco_libs', (c) => c.threadPurgeIntervalS],
    ['webserver', (c) => c.webserver],
    ['metrics', (c) => c.metrics],
    ['flight_recorder', (c) => c.flightRecorder],
  ];
  return keys.filter(([, get]) => !sameValue(get(running), get(next))).map(([key]) => key);
}

/** Deep equality of configuration values (plain objects, arrays, sets, maps and scalars). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Set || b instanceof Set) {
    return a instanceof Set && b instanceof Set && a.size === b.size && [...a].every((v) => b.has(v));
  }
  if (a instanceof Map || b instanceof Map) {
    return a instanceof Map && b instanceof Map && a.size === b.size && [...a].every(([k, v]) => b.has(k) && sameValue(v, b.get(k)));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && sameValue(ra[k], rb[k]));
}
