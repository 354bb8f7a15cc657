// Streams a scap capture (plain or gzip) block by block in constant memory: the header blocks are
// decoded into a CaptureHeader, then every event block is delivered through one reused Event.
// Damage (truncation, a bad length, an unknown block or event type) stops the stream with a
// CaptureError naming the byte offset; everything before it has already been delivered.
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { BLOCK_OVERHEAD, BlockType, EVENT_BLOCKS, PROCLIST_VERSION, SECTION_MAGIC, hex } from './blocks.js';
import { Cursor } from './cursor.js';
import { CaptureError } from './errors.js';
import { Event } from './event.js';
import { EVENT_TABLE } from './event-table.js';
import { EventFlag } from './event-types.js';
import { decodeFdlist, decodeIflist, decodeMachineInfo, decodeProclist, decodeUserlist } from './header-blocks.js';
import type { CaptureHeader } from './records.js';

const CHUNK = 1 << 20;
/** libscap's READER_BUF_SIZE (64 KiB) plus the block header. */
const MAX_SMALL_EVENT_BLOCK = 8 + (1 << 16);
const V1_HEADER = 22;
const V2_HEADER = 26;
/** Event types (notification, infrastructure enter) whose v1 length is 3 bytes too long in old captures. */
const V1_LEN_QUIRK = new Set([280, 286]);

export interface CaptureHandlers {
  /** Called once, before the first event, with everything the header blocks carry. */
  header(h: CaptureHeader): void;
  /** Called for each event; the Event is reused: copy what must outlive the call. Return false to stop. */
  event(e: Event): boolean | void;
}

/** Where the bytes come from: fills dst[off, off+len) as far as it can; 0 at the end of the stream. */
interface ByteSource {
  fill(dst: Buffer, off: number, len: number): Promise<number>;
  close(): Promise<void>;
}

async function plainSource(path: string): Promise<ByteSource> {
  const fh = await open(path, 'r');
  return {
    fill: async (dst, off, len) => (await fh.read(dst, off, len, null)).bytesRead,
    close: () => fh.close(),
  };
}

function gzipSource(path: string): ByteSource {
  const source = createReadStream(path, { highWaterMark: CHUNK });
  const chunks = source.pipe(createGunzip({ chunkSize: CHUNK }))[Symbol.asyncIterator]();
  let chunk: Buffer = Buffer.alloc(0);
  let at = 0;
  let total = 0;
  return {
    async fill(dst, off, len) {
      if (at === chunk.length) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (err) {
          // A damaged or cut gzip stream: report it where the decompressed data stops.
          throw new CaptureError(path, total, `compressed data is damaged (${(err as Error).message})`);
        }
        if (next.done) return 0;
        chunk = next.value;
        at = 0;
      }
      const n = Math.min(len, chunk.length - at);
      chunk.copy(dst, off, at, at + n);
      at += n;
      total += n;
      return n;
    },
    async close() {
      source.destroy(); // pipe() does not close the source when the gunzip side is dropped
      await chunks.return?.();
    },
  };
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * A window on the stream in one reused buffer, so a block can always be read whole from it.
 * When a block runs past the window, what is left is moved to the front and the rest read after
 * it; the buffer only grows for a block larger than itself.
 */
class BlockStream {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private end = 0;
  /** Absolute offset of buf[0] in the uncompressed stream. */
  private base = 0;
  private done = false;

  constructor(private readonly source: ByteSource) {}

  get offset(): number { return this.base + this.pos; }
  get buffer(): Buffer { return this.buf; }
  get position(): number { return this.pos; }
  /** Bytes at the current position already in memory. */
  get available(): number { return this.end - this.pos; }

  /**
   * Make at least n bytes available at the current position; false at end of stream. The buffer
   * grows by doubling as data actually arrives, never to what a (possibly corrupt) length promises.
   */
  async ensure(n: number): Promise<boolean> {
    if (this.end - this.pos >= n) return true;
    const have = this.end - this.pos;
    this.buf.copyWithin(0, this.pos, this.end);
    this.base += this.pos;
    this.pos = 0;
    this.end = have;
    while (this.end < n && !this.done) {
      if (this.end === this.buf.length) {
        const bigger = Buffer.allocUnsafe(2 * this.buf.length);
        this.buf.copy(bigger, 0, 0, this.end);
        this.buf = bigger;
      }
      const got = await this.source.fill(this.buf, this.end, this.buf.length - this.end);
      if (got === 0) this.done = true;
      this.end += got;
    }
    return this.end >= n;
  }

  advance(n: number): void { this.pos += n; }
}

export async function readCapture(path: string, handlers: CaptureHandlers): Promise<void> {
  let gz: boolean;
  try {
    gz = await isGzip(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CaptureError(path, 0, e.code === 'ENOENT' ? 'no such file' : `cannot open (${e.code ?? e.message})`);
  }
  const source = gz ? gzipSource(path) : await plainSource(path);
  try {
    await readBlocks(path, new BlockStream(source), handlers);
  } finally {
    await source.close(); // also when we stop before the end
  }
}

async function readBlocks(path: string, s: BlockStream, handlers: CaptureHandlers): Promise<void> {
  const fail = (offset: number, detail: string): never => {
    throw new CaptureError(path, offset, detail);
  };

  // Section header.
  if (!(await s.ensure(8))) fail(s.offset, s.available === 0 ? 'empty file: not a scap capture' : 'too short to be a scap capture');
  if (s.buffer.readUInt32LE(s.position) !== BlockType.SECTION_HEADER) fail(s.offset, 'not a scap capture (no section header block)');

  const header: CaptureHeader = {
    major: 0, minor: 0, machine: undefined, procs: [], fds: [], ifaces: [], ifaces6: [], users: [], groups: [],
  };
  const evt = new Event();
  let headerDelivered = false;
  let num = 0;

  // Blocks already in memory are read without awaiting: only a block that straddles the end of
  // what has been read so far waits for the next chunk.
  for (;;) {
    if (s.available < 8 && !(await s.ensure(8))) {
      if (s.available === 0) break;
      fail(s.offset, `truncated block header (${s.available} of 8 bytes)`);
    }
    const at = s.offset;
    const type = s.buffer.readUInt32LE(s.position);
    const total = s.buffer.readUInt32LE(s.position + 4);
    if (total < BLOCK_OVERHEAD || total % 4 !== 0) fail(at, `corrupt block length ${total} in block of type ${hex(type)}`);
    // Like libscap: only the LARGE event blocks may exceed 64 KiB; never buffer what a bad length promises.
    if (total > MAX_SMALL_EVENT_BLOCK && EVENT_BLOCKS.has(type) && type !== BlockType.EVENT_V2_LARGE && type !== BlockType.EVENT_FLAGS_V2_LARGE) {
      fail(at, `corrupt block length ${total}: more than an event block of type ${hex(type)} can hold`);
    }
    if (s.available < total && !(await s.ensure(total))) fail(at, `truncated block of type ${hex(type)}: length ${total}, only ${s.available} bytes left`);
    const b = s.buffer;
    const p = s.position;
    if (b.readUInt32LE(p + total - 4) !== total) {
      fail(at, `corrupt block of type ${hex(type)}: length ${total} at its start, ${b.readUInt32LE(p + total - 4)} at its end`);
    }
    const shape = EVENT_BLOCKS.get(type);
    if (shape === undefined && headerDelivered && type !== BlockType.SECTION_HEADER) {
      fail(at, `unexpected block of type ${hex(type)} after the first event`);
    }
    try {
      if (shape === undefined) decodeHeaderBlock(type, new Cursor(b, p + 8, p + total - 4), header);
      else decodeEvent(evt, b, p + 8, p + total - 4, shape.v2, shape.hasFlags, shape.large);
    } catch (err) {
      if (err instanceof RangeError) fail(at, `corrupt block of type ${hex(type)}: ${err.message}`);
      throw err;
    }
    s.advance(total);
    if (shape === undefined) continue;
    if (!headerDelivered) {
      handlers.header(header);
      headerDelivered = true;
    }
    evt.num = ++num;
    if (handlers.event(evt) === false) return;
  }
  if (!headerDelivered) handlers.header(header);
}

function decodeHeaderBlock(type: number, c: Cursor, h: CaptureHeader): void {
  switch (type) {
    case BlockType.SECTION_HEADER: {
      const magic = c.u32();
      if (magic !== SECTION_MAGIC) throw new RangeError(`bad byte-order magic ${hex(magic)}`);
      h.major = c.u16();
      h.minor = c.u16();
      if (h.major > 1) throw new RangeError(`capture format version ${h.major}.${h.minor} is newer than this reader (1.x)`);
      return;
    }
    case BlockType.MACHINE_INFO: case BlockType.MACHINE_INFO_INT:
      h.machine = decodeMachineInfo(c);
      return;
    case BlockType.FDLIST: case BlockType.FDLIST_INT: case BlockType.FDLIST_V2:
      decodeFdlist(c, type, h.fds);
      return;
    case BlockType.IFLIST: case BlockType.IFLIST_INT: case BlockType.IFLIST_V2:
      decodeIflist(c, type, h.ifaces, h.ifaces6);
      return;
    case BlockType.USERLIST: case BlockType.USERLIST_INT: case BlockType.USERLIST_V2:
      decodeUserlist(c, type, h.users, h.groups);
      return;
    default:
      if (PROCLIST_VERSION.has(type)) {
        decodeProclist(c, type, h.procs);
        return;
      }
      throw new RangeError(`unknown block type`);
  }
}

/** Decode the event block body at [start, end) into evt. Throws RangeError when it is malformed. */
function decodeEvent(evt: Event, buf: Buffer, start: number, end: number, v2: boolean, hasFlags: boolean, large: boolean): void {
  const off = start + (hasFlags ? 6 : 2);
  const hdrLen = v2 ? V2_HEADER : V1_HEADER;
  const room = end - off;
  if (room < hdrLen) throw new RangeError(`event header needs ${hdrLen} bytes, ${Math.max(0, room)} left`);
  evt.cpu = buf[start]! | (buf[start + 1]! << 8);
  evt.dumpFlags = hasFlags ? buf.readUInt32LE(start + 2) : 0;
  const type = buf[off + 20]! | (buf[off + 21]! << 8);
  const info = EVENT_TABLE[type];
  if (info === undefined) throw new RangeError(`unknown event type ${type}`);
  let len = buf.readUInt32LE(off + 16);
  if (!v2 && V1_LEN_QUIRK.has(type)) len -= 3;
  if (len < hdrLen || len > room) throw new RangeError(`event length ${len} does not fit the block (${room} bytes)`);
  const lenSize = large || (info.flags & EventFlag.LARGE_PAYLOAD) !== 0 ? 4 : 2;
  const evEnd = off + len;
  let nparams: number;
  if (v2) {
    nparams = buf.readUInt32LE(off + 22);
    const lens = off + hdrLen;
    let data = lens + nparams * lenSize;
    if (data > evEnd) throw new RangeError(`event of type ${type}: ${nparams} parameters do not fit its length ${len}`);
    if (lenSize === 2) for (let i = 0; i < nparams; i++) data += buf[lens + 2 * i]! | (buf[lens + 2 * i + 1]! << 8);
    else for (let i = 0; i < nparams; i++) data += buf.readUInt32LE(lens + 4 * i);
    if (data > evEnd) throw new RangeError(`event of type ${type}: parameters run past its length ${len}`);
  } else {
    nparams = v1ParamCount(buf, off + hdrLen, evEnd, info.params.length);
    if (nparams < 0) throw new RangeError(`event of type ${type}: parameter lengths do not add up to its length ${len}`);
  }
  evt.reset(buf, off, hdrLen, lenSize, nparams);
  evt.len = len;
}

/**
 * Old events do not store how many parameters they have: find the count, from the table's down,
 * whose u16 lengths add up exactly to the event's length. -1 when none does.
 */
function v1ParamCount(buf: Buffer, lens: number, end: number, max: number): number {
  for (let n = max; n >= 0; n--) {
    let data = lens + n * 2;
    if (data > end) continue;
    for (let i = 0; i < n; i++) data += buf[lens + 2 * i]! | (buf[lens + 2 * i + 1]! << 8);
    if (data === end) return n;
    if (data < end) return -1;
  }
  return -1;
}
