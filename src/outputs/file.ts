// Alerts appended to a file, one per line. With keep_alive the file stays open between alerts
// (and reopen(), on SIGUSR1, closes it and opens the path again: log rotation); without, it is
// opened and closed for each batch of alerts, as Falco does for each alert. open() checks at start
// that the file can be opened (failure: an error that stops ghostwatch); a later failure rejects
// the delivery (the delivery layer reports it and counts the alerts lost) and the next one tries again.
import { closeSync, openSync, writeSync } from 'node:fs';
import { reason } from './output.js';
import { lines } from './stdout.js';
import type { Alert, DeliveryTarget } from './target.js';

export interface FileOutputSettings {
  readonly filename: string;
  readonly keepAlive: boolean;
}

export class FileOutputError extends Error {}

export class FileOutput implements DeliveryTarget {
  readonly name = 'file';
  readonly retry = false;
  private fd: number | undefined;

  constructor(
    private readonly settings: FileOutputSettings,
    private readonly report: (message: string) => void,
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

  deliver(alerts: readonly Alert[]): Promise<void> {
    try {
      writeSync(this.openFile(), lines(alerts));
    } catch (e) {
      this.closeFile();
      return Promise.reject(new Error(`file output: could not write to ${this.settings.filename}: ${reason(e)}`));
    }
    if (!this.settings.keepAlive) this.closeFile();
    return Promise.resolve();
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
