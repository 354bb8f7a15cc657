// Alerts on standard output. Unbuffered (Falco's default), each alert is written at once;
// buffered_outputs gathers them into large writes, flushed at exit. If standard output is closed
// (ghostwatch run ... | head), later alerts are dropped without error.
import type { AlertOutput } from './output.js';

const FLUSH_AT = 1 << 16;

export class StdoutOutput implements AlertOutput {
  readonly name = 'stdout';
  private pending: string[] = [];
  private size = 0;
  private closed = false;
  handled = 0;

  constructor(
    private readonly buffered: boolean,
    private readonly stream: NodeJS.WritableStream = process.stdout,
  ) {
    stream.on('error', () => {
      this.closed = true;
    });
  }

  send(line: string): void {
    this.handled++;
    if (this.closed) return;
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

  async close(): Promise<void> {
    this.flush();
  }

  private flush(): void {
    if (this.pending.length > 0 && !this.closed) this.stream.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
    this.size = 0;
  }
}
