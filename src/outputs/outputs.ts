// The configured outputs as one: every alert goes to each of them, in the order configured.
// close() waits for slow outputs (a program, an HTTP server) to deliver what is pending, as long as
// they make progress: an output that handles no alert for output_timeout milliseconds is given up
// (Falco's watchdog on blocked outputs).
import type { AlertOutput } from './output.js';

export class Outputs {
  constructor(private readonly list: readonly AlertOutput[]) {}

  get size(): number {
    return this.list.length;
  }

  send(line: string): void {
    for (const o of this.list) o.send(line);
  }

  reopen(): void {
    for (const o of this.list) o.reopen();
  }

  /** Resolves to false when the outputs stopped making progress for `timeoutMs` before finishing. */
  async close(timeoutMs: number): Promise<boolean> {
    const done = Promise.all(this.list.map((o) => o.close())).then(() => true);
    let handled = -1;
    for (;;) {
      const now = this.handled();
      if (now === handled) return false;
      handled = now;
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([done, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
      clearTimeout(timer);
      if (finished) return true;
    }
  }

  private handled(): number {
    return this.list.reduce((n, o) => n + o.handled, 0);
  }
}
