// Buffered line output to stdout: lines are gathered into large writes (one write per ~64 KiB,
// not per event). A closed pipe (ghostwatch ... | head) ends the program quietly.

const FLUSH_AT = 1 << 16;

export class LineOutput {
  private pending: string[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }

  line(s: string): void {
    this.pending.push(s);
    this.size += s.length + 1;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.stream.write(this.pending.join('\n') + '\n');
    this.pending = [];
    this.size = 0;
  }
}
