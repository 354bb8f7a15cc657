// Alerts on standard output. Unbuffered (Falco's default), each alert is written at once;
// buffered_outputs gathers them into large writes, flushed at exit. If standard output fails (it
// was closed: ghostwatch run ... | head), that is reported once, with its cause, and later alerts
// are counted as lost (reported when ghostwatch stops); the other outputs go on.
import { type AlertOutput, type FailureReport, reason } from './output.js';

const FLUSH_AT = 1 << 16;

export class StdoutOutput implements AlertOutput {
  readonly name = 'stdout';
  private pending: string[] = [];
  private size = 0;
  private closed = false;
  private lost = 0;
  handled = 0;

  constructor(
    private readonly buffered: boolean,
    private readonly report: FailureReport,
    private readonly stream: NodeJS.WritableStream = process.stdout,
  ) {
    stream.on('error', (e) => {
      if (this.closed) return;
      this.closed = true;
      this.report(`stdout output: cannot write to standard output: ${reason(e)}; alerts are no longer written there`);
    });
  }

  send(line: string): void {
    this.handled++;
    if (this.closed) {
      this.lost++;
      return;
    }
    if (!this.buffered) {
      this.stream.write(`${line}\n`);
      return;
    }
    this.pending.push(line);
    this.size += line.length + 1;
    if (this.size >= FLUSH_AT) this.flush();
  }

  reopen(): void {
    this.flush();
  }

  close(): Promise<void> {
    this.flush();
    if (this.lost > 0) this.report(`stdout output: ${this.lost} alerts were not written (standard output had failed)`);
    return Promise.resolve();
  }

  private flush(): void {
    if (this.pending.length > 0 && !this.closed) this.stream.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
    this.size = 0;
  }
}
