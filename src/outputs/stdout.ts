// Alerts on standard output. Unbuffered (Falco's default), each batch the delivery layer hands over
// is written at once; buffered_outputs gathers them into large writes, flushed at exit. If standard
// output fails (it was closed: ghostwatch run ... | head), every later delivery fails with that
// cause: the delivery layer reports it once and counts the alerts lost; the other outputs go on.
import { reason } from './output.js';
import type { Alert, DeliveryTarget } from './target.js';

const FLUSH_AT = 1 << 16;

export class StdoutOutput implements DeliveryTarget {
  readonly name = 'stdout';
  readonly retry = false;
  private pending: string[] = [];
  private size = 0;
  private failure: string | undefined;

  constructor(
    private readonly buffered: boolean,
    private readonly stream: NodeJS.WritableStream = process.stdout,
  ) {
    stream.on('error', (e) => {
      this.failure ??= `stdout output: cannot write to standard output: ${reason(e)}; alerts are no longer written there`;
    });
  }

  deliver(alerts: readonly Alert[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(new Error(this.failure));
    if (!this.buffered) {
      this.stream.write(lines(alerts));
      return Promise.resolve();
    }
    for (const a of alerts) {
      this.pending.push(a.line);
      this.size += a.line.length + 1;
    }
    if (this.size >= FLUSH_AT) this.flush();
    return Promise.resolve();
  }

  reopen(): void {
    this.flush();
  }

  close(): Promise<void> {
    this.flush();
    return Promise.resolve();
  }

  private flush(): void {
    if (this.pending.length > 0 && this.failure === undefined) this.stream.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
    this.size = 0;
  }
}

/** The alerts' lines, each ended by a newline. */
export function lines(alerts: readonly Alert[]): string {
  return alerts.length === 1 ? `${alerts[0].line}\n` : `${alerts.map((a) => a.line).join('\n')}\n`;
}
