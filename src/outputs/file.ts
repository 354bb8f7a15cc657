// Alerts appended to a file, one per line. With keep_alive the file stays open between alerts
// (and reopen(), on SIGUSR1, closes it and opens the path again: log rotation); without, it is
// opened and closed for each alert, as Falco does. open() checks at start that the file can be
// opened (failure: an error that stops ghostwatch); later failures are reported and the alert is
// lost, and the next alert tries again.
import { closeSync, openSync, writeSync } from 'node:fs';
import { type AlertOutput, type FailureReport, reason } from './output.js';

export interface FileOutputSettings {
  readonly filename: string;
  readonly keepAlive: boolean;
}

export class FileOutputError extends Error {}

export class FileOutput implements AlertOutput {
  readonly name = 'file';
  private fd: number | undefined;
  handled = 0;

  constructor(
    private readonly settings: FileOutputSettings,
    private readonly report: FailureReport,
  ) {}

  /** Opens the file for appending (creating it); throws FileOutputError when it cannot. */
  open(): void {
    try {
      this.openFile();
    } catch (e) {
      throw new FileOutputError(`failed to open output file ${this.settings.filename}: ${reason(e)}`);
    }
    if (!this.settings.keepAlive) this.closeFile();
  }

  send(line: string): void {
    this.handled++;
    try {
      writeSync(this.openFile(), `${line}\n`);
    } catch (e) {
      this.report(`file output: could not write to ${this.settings.filename}: ${reason(e)}`);
      this.closeFile();
      return;
    }
    if (!this.settings.keepAlive) this.closeFile();
  }

  reopen(): void {
    this.closeFile();
    try {
      this.openFile();
    } catch (e) {
      this.report(`file output: could not reopen ${this.settings.filename}: ${reason(e)}`);
    }
  }

  close(): Promise<void> {
    this.closeFile();
    return Promise.resolve();
  }

  /** The file's descriptor, opening it when it is not open. */
  private openFile(): number {
    this.fd ??= openSync(this.settings.filename, 'a');
    return this.fd;
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Closing can only fail for an fd that is already gone.
    }
  }
}
