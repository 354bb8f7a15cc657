// Buffered line output to stdout. Lines are written piece by piece straight into one byte buffer,
// UTF-8 encoded as stream.write(string) would, and the buffer goes out in large writes (one per
// ~64 KiB, not per event): printing a line builds no string and allocates nothing. A closed pipe
// (ghostwatch ... | head) ends the program quietly.
import type { LineSink } from '../fields/format.js';

const FLUSH_AT = 1 << 16;
/** Strings longer than this are encoded by Buffer.write; shorter ones by a loop, cheaper than the call. */
const SHORT = 48;

export class LineOutput implements LineSink {
  private buf = Buffer.allocUnsafe(2 * FLUSH_AT);
  private pos = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }

  /** A whole line (without its newline). */
  line(s: string): void {
    this.text(s);
    this.endLine();
  }

  /** Part of the current line. */
  text(s: string): void {
    const n = s.length;
    // A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4).
    if (this.buf.length - this.pos < 3 * n + 1) this.grow(3 * n + 1);
    const b = this.buf;
    let p = this.pos;
    if (n <= SHORT) {
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          this.pos += b.write(s, this.pos, 'utf8');
          return;
        }
        b[p++] = c;
      }
      this.pos = p;
      return;
    }
    this.pos = p + b.write(s, p, 'utf8');
  }

  digits(n: number): void {
    if (this.buf.length - this.pos < 16) this.grow(16);
    let len = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) len++;
    const b = this.buf;
    // Exact: a safe integer and its quotients by 10 are exact in a double.
    for (let p = this.pos + len - 1, m = n; p >= this.pos; p--) {
      const d = m % 10;
      b[p] = 0x30 + d;
      m = (m - d) / 10;
    }
    this.pos += len;
  }

  /** Where the current line stands, to take back what was written since with rollback(). */
  mark(): number {
    return this.pos;
  }

  rollback(mark: number): void {
    this.pos = mark;
  }

  endLine(): void {
    this.buf[this.pos++] = 0x0a;
    if (this.pos >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pos === 0) return;
    // A copy: the stream may keep what it is given until it is written out.
    this.stream.write(Buffer.from(this.buf.subarray(0, this.pos)));
    this.pos = 0;
  }

  /** Room for `need` more bytes in the middle of a line (lines are only flushed whole). */
  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + need));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}
