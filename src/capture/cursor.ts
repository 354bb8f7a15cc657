// A bounds-checked little-endian cursor over one block body. Running past the end throws
// a RangeError with the relative position; the reader turns it into a CaptureError with
// the absolute offset.

const TWO32 = 4294967296;

export class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    if (this.pos + n > this.end) {
      throw new RangeError(`needs ${n} more bytes at +${this.pos}, only ${this.end - this.pos} left in the block`);
    }
    const p = this.pos;
    this.pos += n;
    return p;
  }

  u8(): number { return this.buf[this.need(1)]; }
  u16(): number { return this.buf.readUInt16LE(this.need(2)); }
  u32(): number { return this.buf.readUInt32LE(this.need(4)); }
  i32(): number { return this.buf.readInt32LE(this.need(4)); }
  /** Unsigned 64-bit as a number (exact below 2^53). */
  u64(): number {
    const p = this.need(8);
    return this.buf.readUInt32LE(p + 4) * TWO32 + this.buf.readUInt32LE(p);
  }
  /** Signed 64-bit as a number (exact within ±2^53). */
  i64(): number {
    const p = this.need(8);
    return this.buf.readInt32LE(p + 4) * TWO32 + this.buf.readUInt32LE(p);
  }
  big64(): bigint { return this.buf.readBigUInt64LE(this.need(8)); }
  bytes(n: number): Buffer {
    const p = this.need(n);
    return this.buf.subarray(p, p + n);
  }
  /** A string of n bytes, cut at its first NUL. */
  str(n: number): string {
    const b = this.bytes(n);
    const z = b.indexOf(0);
    return b.toString('utf8', 0, z < 0 ? n : z);
  }
  /** A u16 length, then that many bytes of string. */
  lstr(): string { return this.str(this.u16()); }
  skip(n: number): void { this.need(n); }
}

/** Split a NUL-separated list ("a\0b\0"), dropping the final empty entry. */
export function splitNul(b: Buffer): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0) {
      out.push(b.toString('utf8', start, i));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(b.toString('utf8', start));
  return out;
}
