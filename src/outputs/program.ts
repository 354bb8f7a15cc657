// Alerts written to the standard input of a shell command (`sh -c PROGRAM`), one per line; the
// command's own output goes to ghostwatch's standard output and error.
// - Without keep_alive (Falco's default) each alert starts the command, writes the line, closes its
//   input and waits for it to end before the next alert is delivered, so alerts keep their order.
// - With keep_alive one process takes every alert. If it ends, that is reported and the command is
//   started again for the next alerts. reopen() (SIGUSR1) ends
//   it and starts a new one.
// A command that cannot be started, exits with a failure, or outlives the attempt's deadline (it
// is killed then) fails the delivery: its alerts are lost, the next ones try again.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { reason } from './output.js';
import { lines } from './stdout.js';
import type { Alert, DeliveryTarget } from './target.js';

export interface ProgramOutputSettings {
  readonly program: string;
  readonly keepAlive: boolean;
}

export class ProgramOutput implements DeliveryTarget {
  readonly name = 'program';
  readonly retry = false;
  /** With keep_alive: the running process. */
  private child: Shell | undefined;
  private childDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly settings: ProgramOutputSettings,
    /** Where a keep_alive process that ended on its own is said (its alerts in flight may be lost). */
    private readonly report: (message: string) => void,
  ) {}

  async deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void> {
    if (!this.settings.keepAlive) {
      for (const a of alerts) await this.runOnce(a.line, signal);
      return;
    }
    const child = this.child ?? this.start();
    await new Promise<void>((resolve, reject) => {
      child.stdin.write(lines(alerts), (e) => {
        if (e) reject(new Error(`program output: could not write to '${this.settings.program}': ${reason(e)}`));
        else resolve();
      });
    });
  }

  reopen(): void {
    if (this.settings.keepAlive && this.child !== undefined) this.stop(this.child);
  }

  async close(): Promise<void> {
    if (this.child !== undefined) this.stop(this.child);
    await this.childDone;
  }

  private spawnShell(): Shell {
    return spawn('/bin/sh', ['-c', this.settings.program], { stdio: ['pipe', 'inherit', 'inherit'], env: userEnvironment() });
  }

  private runOnce(line: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = this.spawnShell();
      const kill = () => child.kill('SIGKILL');
      signal.addEventListener('abort', kill, { once: true });
      let writeError: string | undefined;
      child.stdin.on('error', (e) => (writeError = `program output: could not write to '${this.settings.program}': ${reason(e)}`));
      child.on('error', (e) => {
        signal.removeEventListener('abort', kill);
        reject(new Error(`program output: could not run '${this.settings.program}': ${reason(e)}`));
      });
      child.on('close', (code, signal_) => {
        signal.removeEventListener('abort', kill);
        if (code !== 0) reject(new Error(`program output: '${this.settings.program}' ${exitText(code, signal_)}`));
        else if (writeError !== undefined) reject(new Error(writeError));
        else resolve();
      });
      child.stdin.end(`${line}\n`);
    });
  }

  private start(): Shell {
    const child = this.spawnShell();
    this.child = child;
    child.stdin.on('error', () => {
      // Said by the write that failed, or by 'close' below.
    });
    this.childDone = new Promise((resolve) => {
      child.on('error', (e) => {
        if (this.child === child) this.child = undefined;
        this.report(`program output: could not run '${this.settings.program}': ${reason(e)}`);
        resolve();
      });
      child.on('close', (code, signal) => {
        if (this.child === child) {
          // It ended on its own: the next alerts start it again.
          this.child = undefined;
          this.report(`program output: '${this.settings.program}' ${exitText(code, signal)}; it will be started again for the next alert`);
        }
        resolve();
      });
    });
    return child;
  }

  /** Ends the running process: its input is closed, and it ends when it has read everything. */
  private stop(child: Shell): void {
    this.child = undefined;
    child.stdin.end();
  }
}

/** The shell running the program: alerts go to its input, its output and errors are ghostwatch's. */
type Shell = ChildProcessByStdio<Writable, null, null>;

/**
 * The command's environment: the user's, with NODE_EXTRA_CA_CERTS as they set it (bin/ghostwatch
 * hands it over to the TLS outputs as GHOSTWATCH_EXTRA_CA_CERTS, see trust.ts).
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const path = process.env.GHOSTWATCH_EXTRA_CA_CERTS;
  if (path === undefined) return process.env;
  const env = Object.entries(process.env).filter(([name]) => name !== 'GHOSTWATCH_EXTRA_CA_CERTS');
  return { ...Object.fromEntries(env), NODE_EXTRA_CA_CERTS: path };
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `was killed by ${signal}` : `exited with status ${code}`;
}
