// One event of the stream, read in place. The reader reuses a single Event for every event it
// delivers (a flyweight over its read buffer), so nothing is allocated per event: header fields are
// read once, parameter offsets only when a parameter is first touched. Whoever needs an event after
// the callback returns must copy it (copyFrom).
import { i32, u16, u32 } from './le.js';

const MAX_PARAMS = 64;
/** Starts tsLo as a float (-0 behaves as 0): V8 then keeps one shape for every Event, see ThreadEntry's. */
const FLOAT_ZERO = -0;
const TWO32 = 4294967296;

/** Dump flag of events written for the state only: readers parse them but never show them (sysdig -F). */
export const DUMP_FLAG_STATE_ONLY = 1;

export class Event {
  /** Buffer holding the event; valid only during the callback that delivered it. */
  buf: Buffer = Buffer.alloc(0);
  /** Offset of the event header in buf. */
  off = 0;
  /** 26 for current events; 22 for old (v1 block) events, whose header has no nparams. */
  hdrLen = 26;
  /** 2, or 4 for large-payload events. */
  lenSize = 2;
  nparams = 0;
  /** Total length of the event, header included. */
  len = 0;
  type = 0;
  cpu = 0;
  /** Flags of EVF blocks (dump flags), 0 otherwise. */
  dumpFlags = 0;
  /** Sequence number in the stream, from 1 (evt.num). */
  num = 0;
  /** Timestamp in ns since the epoch, split in two exact 32-bit halves. */
  tsHi = 0;
  tsLo = FLOAT_ZERO;
  tid = 0;

  /**
   * The fd number the event is about (from its fd parameter, or the enter event's), -1 when none.
   * The state engine fills this in, and `thread` and `fd` (declared by the state, state/types.ts:
   * the capture format knows nothing of threads), before filters and formatters run.
   */
  fdNum = -1;

  private decoded = false;
  private readonly offsets = new Int32Array(MAX_PARAMS);
  private readonly lengths = new Int32Array(MAX_PARAMS);
  private owned: Buffer | undefined;

  constructor() {
    this.thread = undefined;
    this.fd = undefined;
  }

  /** Point this event at a header in buf. nparams must already be known for v1 events. */
  reset(buf: Buffer, off: number, hdrLen: number, lenSize: number, nparams: number): void {
    this.fill(buf, off, hdrLen, lenSize, nparams, u16(buf, off + 20), u32(buf, off + 16), this.cpu, this.dumpFlags);
  }

  /**
   * reset() for the reader, which has read the type and length already (the length it passes may
   * differ from the header's: old captures overstate some), and knows the cpu and dump flags.
   */
  fill(buf: Buffer, off: number, hdrLen: number, lenSize: number, nparams: number, type: number, len: number, cpu: number, dumpFlags: number): void {
    this.buf = buf;
    this.off = off;
    this.hdrLen = hdrLen;
    this.lenSize = lenSize;
    this.nparams = nparams > MAX_PARAMS ? MAX_PARAMS : nparams;
    this.tsLo = u32(buf, off);
    this.tsHi = u32(buf, off + 4);
    this.tid = i32(buf, off + 12) * TWO32 + u32(buf, off + 8);
    this.len = len;
    this.type = type;
    this.cpu = cpu;
    this.dumpFlags = dumpFlags;
    this.decoded = false;
    this.thread = undefined;
    this.fd = undefined;
    this.fdNum = -1;
  }

  /** Timestamp as one exact bigint (ns since the epoch). */
  ts(): bigint {
    return (BigInt(this.tsHi) << 32n) | BigInt(this.tsLo);
  }

  /** Timestamp as a number of ns; exact to about 256 ns, good for ordering and durations. */
  tsNum(): number {
    return this.tsHi * TWO32 + this.tsLo;
  }

  private decode(): void {
    const b = this.buf, n = this.nparams, lenSize = this.lenSize;
    let p = this.off + this.hdrLen;
    let data = p + n * lenSize;
    const end = this.off + this.len;
    for (let i = 0; i < n; i++) {
      const l = lenSize === 2 ? u16(b, p) : u32(b, p);
      p += lenSize;
      // A length running past the event is cut to what is there (the reader has validated
      // the totals; this only guards against reading a neighbour's bytes).
      const len = data + l > end ? Math.max(0, end - data) : l;
      this.offsets[i] = data;
      this.lengths[i] = len;
      data += len;
    }
    this.decoded = true;
  }

  /** Absolute offset in buf of parameter i. */
  paramOffset(i: number): number {
    // The first parameter (the fd, the return value: often the only one read) needs no decoding.
    if (!this.decoded) {
      if (i === 0) return this.off + this.hdrLen + this.nparams * this.lenSize;
      this.decode();
    }
    return this.offsets[i];
  }

  /** Byte length of parameter i (0 when the event has fewer parameters). */
  paramLen(i: number): number {
    if (i >= this.nparams) return 0;
    if (!this.decoded) {
      if (i === 0) {
        const lens = this.off + this.hdrLen;
        const data = lens + this.nparams * this.lenSize;
        const l = this.lenSize === 2 ? u16(this.buf, lens) : u32(this.buf, lens);
        const end = this.off + this.len;
        return data + l > end ? Math.max(0, end - data) : l;
      }
      this.decode();
    }
    return this.lengths[i];
  }

  hasParam(i: number): boolean {
    return i < this.nparams;
  }

  /** Parameter i as an unsigned integer of its own width (1, 2, 4 or 8 bytes). */
  paramUint(i: number): number {
    const o = this.paramOffset(i);
    switch (this.paramLen(i)) {
      case 1: return this.buf[o];
      case 2: return this.buf.readUInt16LE(o);
      case 4: return this.buf.readUInt32LE(o);
      case 8: return this.buf.readUInt32LE(o + 4) * TWO32 + this.buf.readUInt32LE(o);
      default: return 0;
    }
  }

  /** Parameter i as a signed integer of its own width (1, 2, 4 or 8 bytes). */
  paramInt(i: number): number {
    const o = this.paramOffset(i);
    switch (this.paramLen(i)) {
      case 1: return this.buf.readInt8(o);
      case 2: return this.buf.readInt16LE(o);
      case 4: return this.buf.readInt32LE(o);
      case 8: return this.buf.readInt32LE(o + 4) * TWO32 + this.buf.readUInt32LE(o);
      default: return 0;
    }
  }

  /** Parameter i as an exact 64-bit unsigned bigint. */
  paramBigUint(i: number): bigint {
    return this.paramLen(i) === 8 ? this.buf.readBigUInt64LE(this.paramOffset(i)) : BigInt(this.paramUint(i));
  }

  /** Parameter i as a string, up to its first NUL. */
  paramStr(i: number): string {
    const o = this.paramOffset(i);
    const len = this.paramLen(i);
    let end = this.buf.indexOf(0, o);
    if (end < 0 || end > o + len) end = o + len;
    return this.buf.toString('utf8', o, end);
  }

  /** Parameter i's raw bytes (a view: copy it to keep it). */
  paramBytes(i: number): Buffer {
    const o = this.paramOffset(i);
    return this.buf.subarray(o, o + this.paramLen(i));
  }

  /** Make this event a private copy of another, valid after the other's buffer is reused. */
  copyFrom(e: Event): void {
    if (this.owned === undefined || this.owned.length < e.len) this.owned = Buffer.alloc(Math.max(256, e.len * 2));
    const src = e.buf, dst = this.owned, from = e.off, n = e.len;
    // Events are mostly small: a plain loop beats Buffer.copy's per-call cost below a few hundred bytes.
    if (n < 256) for (let i = 0; i < n; i++) dst[i] = src[from + i];
    else src.copy(dst, 0, from, from + n);
    this.reset(this.owned, 0, e.hdrLen, e.lenSize, e.nparams);
    this.len = e.len;
    this.cpu = e.cpu;
    this.dumpFlags = e.dumpFlags;
    this.num = e.num;
    this.thread = e.thread;
    this.fd = e.fd;
    this.fdNum = e.fdNum;
  }
}
