// Alerts written to the standard input of a shell command (`sh -c PROGRAM`), one per line; the
// command's own output goes to ghostwatch's standard output and error.
// - Without keep_alive (Falco's default) each alert starts the command, writes the line, closes its
//   input and waits for it to end before the next alert is delivered, so alerts keep their order.
// - With keep_alive one process takes every alert. If it ends, the failure is reported and the
//   command is started again for the next alert. reopen() (SIGUSR1) ends it and starts a new one.
// A command that cannot be started, or that exits before reading its input, is reported; the alert
// is lost and the next one tries again.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { type AlertOutput, type FailureReport, reason } from './output.js';

export interface ProgramOutputSettings {
  readonly program: string;
  readonly keepAlive: boolean;
}

export class ProgramOutput implements AlertOutput {
  readonly name = 'program';
  /** Without keep_alive: the delivery of the previous alert, which the next one waits for. */
  private queue: Promise<void> = Promise.resolve();
  /** With keep_alive: the running process. */
  private child: Shell | undefined;
  private childDone: Promise<void> = Promise.resolve();
  handled = 0;

  constructor(
    private readonly settings: ProgramOutputSettings,
    private readonly report: FailureReport,
  ) {}

  send(line: string): void {
    if (!this.settings.keepAlive) {
      this.queue = this.queue.then(() => this.runOnce(line));
      return;
    }
    const child = this.child ?? this.start();
    child.stdin.write(`${line}\n`, () => this.handled++);
  }

  reopen(): void {
    if (this.settings.keepAlive && this.child !== undefined) this.stop(this.child);
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.child !== undefined) this.stop(this.child);
    await this.childDone;
  }

  private spawnShell(): Shell {
    return spawn('/bin/sh', ['-c', this.settings.program], { stdio: ['pipe', 'inherit', 'inherit'] });
  }

  private runOnce(line: string): Promise<void> {
    return new Promise((resolve) => {
      const child = this.spawnShell();
      child.stdin.on('error', (e) => this.report(`program output: could not write to '${this.settings.program}': ${reason(e)}`));
      const done = () => {
        this.handled++;
        resolve();
      };
      child.on('error', (e) => {
        this.report(`program output: could not run '${this.settings.program}': ${reason(e)}`);
        done();
      });
      child.on('close', (code, signal) => {
        if (code !== 0) this.report(`program output: '${this.settings.program}' ${exitText(code, signal)}`);
        done();
      });
      child.stdin.end(`${line}\n`);
    });
  }

  private start(): Shell {
    const child = this.spawnShell();
    this.child = child;
    child.stdin.on('error', (e) => this.report(`program output: could not write to '${this.settings.program}': ${reason(e)}`));
    this.childDone = new Promise((resolve) => {
      child.on('error', (e) => {
        this.report(`program output: could not run '${this.settings.program}': ${reason(e)}`);
        if (this.child === child) this.child = undefined;
        resolve();
      });
      child.on('close', (code, signal) => {
        if (this.child === child) {
          // It ended on its own: the next alert starts it again.
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

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `was killed by ${signal}` : `exited with status ${code}`;
}
