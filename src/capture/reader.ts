// Streams a scap capture (plain or gzip) block by block in constant memory: the header blocks are
// decoded into a CaptureHeader, then every event block is delivered through one reused Event.
// Damage (truncation, a bad length, an unknown block or event type) stops the stream with a
// CaptureError naming the byte offset; everything before it has already been delivered.
import { closeSync, createReadStream, openSync, read, readSync } from 'node:fs';
import { BLOCK_OVERHEAD, BlockType, PROCLIST_VERSION, SECTION_MAGIC, hex } from './blocks.js';
import { Cursor } from './cursor.js';
import { CaptureError } from './errors.js';
import { Event } from './event.js';
import { EVENT_TABLE } from './event-table.js';
import { EventFlag } from './event-types.js';
import { u16, u32 } from './le.js';
import { decodeFdlist, decodeIflist, decodeMachineInfo, decodeProclist, decodeUserlist } from './header-blocks.js';
import type { CaptureHeader } from './records.js';

const CHUNK = 1 << 20;
/** libscap's READER_BUF_SIZE (64 KiB) plus the block header. */
const MAX_SMALL_EVENT_BLOCK = 8 + (1 << 16);
/** Where a buffer is read ahead into: room before it for the unfinished block of the other (most are small). */
const AHEAD_AT = MAX_SMALL_EVENT_BLOCK;
const V1_HEADER = 22;
const V2_HEADER = 26;
/** Event types whose v1 length is 3 bytes too long in old captures. */
const NOTIFICATION_E = 280, INFRASTRUCTURE_EVENT_E = 286;

export interface CaptureHandlers {
  /** Called once, before the first event, with everything the header blocks carry. */
  header(h: CaptureHeader): void;
  /** Called for each event; the Event is reused: copy what must outlive the call. Return false to stop. */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a handler that never stops returns nothing
  event(e: Event): boolean | void;
}

/** Where the bytes come from: fills dst[off, off+len) as far as it can; 0 at the end of the stream. */
export interface ByteSource {
  fill(dst: Buffer, off: number, len: number): Promise<number>;
  /** The same, without waiting: sources whose reads never block on anything but the disk have it. */
  fillSync?(dst: Buffer, off: number, len: number): number;
  /**
   * The same, done by another thread while the caller goes on (a file's read in libuv's pool):
   * sources that have it are read ahead, one buffer being filled while the other is decoded.
   */
  fillAhead?(dst: Buffer, off: number, len: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A plain file, read straight into the block window (never through a copy: from the page cache a
 * read is a memcpy, about 20 ms of a 74 MB capture). The first buffer is read synchronously, the
 * next ones ahead, by libuv's pool on another core while this one decodes the previous buffer.
 */
function plainSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  let closed = false;
  return {
    fillSync: (dst, off, len) => readSync(fd, dst, off, len, null),
    fill: (dst, off, len) => Promise.resolve(readSync(fd, dst, off, len, null)),
    fillAhead: (dst, off, len) => new Promise((resolve, reject) => {
      read(fd, dst, off, len, null, (err, n) => (err === null ? resolve(n) : reject(err)));
    }),
    close() {
      if (!closed) closeSync(fd);
      closed = true;
      return Promise.resolve();
    },
  };
}

/** A gzip file, inflated as it is read (zlib is loaded only for these). */
async function gzipSource(path: string): Promise<ByteSource> {
  const { createGunzip } = await import('node:zlib');
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

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const bytesRead = readSync(fd, b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * A window on the stream in one reused buffer, so a block can always be read whole from it.
 * When a block runs past the window, what is left is moved to the front and the rest read after
 * it; the buffer only grows for a block larger than itself. The reader's loop reads buf, pos and
 * end directly: bytes buf[pos, end) are in memory, buf[pos] is at `offset` in the stream.
 *
 * A source that reads ahead (fillAhead) fills a second buffer, past room for one small block,
 * while the first is decoded; then the first's unfinished block is copied in front of what was
 * read, and the two swap.
 */
class BlockStream {
  buf: Buffer = Buffer.allocUnsafe(CHUNK);
  pos = 0;
  end = 0;
  /** Absolute offset of buf[0] in the uncompressed stream. */
  private base = 0;
  private done = false;
  /** The buffer being read ahead into (at AHEAD_AT), and that read. */
  private spare: Buffer | undefined = undefined;
  private ahead: Promise<number> | undefined = undefined;

  constructor(private readonly source: ByteSource) {}

  get offset(): number { return this.base + this.pos; }
  /** Bytes at the current position already in memory. */
  get available(): number { return this.end - this.pos; }

  /**
   * Make at least n bytes available at the current position; false at end of stream. The buffer
   * grows by doubling as data actually arrives, never to what a (possibly corrupt) length promises.
   */
  async ensure(n: number): Promise<boolean> {
    if (this.end - this.pos >= n) return true;
    if (this.ahead !== undefined) {
      const got = await this.ahead;
      this.ahead = undefined;
      const spare = this.spare!;
      const have = this.end - this.pos;
      if (have <= AHEAD_AT) {
        // The unfinished block goes right before the bytes that follow it.
        this.buf.copy(spare, AHEAD_AT - have, this.pos, this.end);
        this.base += this.pos - (AHEAD_AT - have);
        this.spare = this.buf;
        this.buf = spare;
        this.pos = AHEAD_AT - have;
        this.end = AHEAD_AT + got;
      } else {
        // A block larger than the room before them: the bytes read ahead go after it.
        this.compact();
        this.makeRoom(this.end + got);
        spare.copy(this.buf, this.end, AHEAD_AT, AHEAD_AT + got);
        this.end += got;
      }
      if (got === 0) this.done = true;
    }
    if (this.end - this.pos < n) {
      this.compact();
      while (this.end < n && !this.done) {
        if (this.end === this.buf.length) this.makeRoom(2 * this.buf.length);
        const room = this.buf.length - this.end;
        const got = this.source.fillSync !== undefined ? this.source.fillSync(this.buf, this.end, room) : await this.source.fill(this.buf, this.end, room);
        if (got === 0) this.done = true;
        this.end += got;
      }
    }
    if (this.source.fillAhead !== undefined && !this.done) {
      this.spare ??= Buffer.allocUnsafe(CHUNK);
      this.ahead = this.source.fillAhead(this.spare, AHEAD_AT, this.spare.length - AHEAD_AT);
    }
    return this.end - this.pos >= n;
  }

  /** Waits for a read still under way (before the source is closed). */
  async settle(): Promise<void> {
    await this.ahead?.catch(() => undefined);
  }

  /** Moves the bytes not yet read to the front of the buffer. */
  private compact(): void {
    const have = this.end - this.pos;
    this.buf.copyWithin(0, this.pos, this.end);
    this.base += this.pos;
    this.pos = 0;
    this.end = have;
  }

  /** A buffer of at least `size` bytes, holding the same bytes. */
  private makeRoom(size: number): void {
    if (size <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(size, 2 * this.buf.length));
    this.buf.copy(bigger, 0, 0, this.end);
    this.buf = bigger;
  }
}

export async function readCapture(path: string, handlers: CaptureHandlers): Promise<void> {
  let gz: boolean;
  try {
    gz = isGzip(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CaptureError(path, 0, e.code === 'ENOENT' ? 'no such file' : `cannot open (${e.code ?? e.message})`);
  }
  const source = gz ? await gzipSource(path) : plainSource(path);
  const stream = new BlockStream(source);
  try {
    await readBlocks(path, stream, handlers);
  } finally {
    await stream.settle();
    await source.close(); // also when we stop before the end
  }
}

/** Read a capture from a byte source other than a file (the live probe's stream); name stands for the file in errors. */
export async function readCaptureSource(name: string, source: ByteSource, handlers: CaptureHandlers): Promise<void> {
  const stream = new BlockStream(source);
  try {
    await readBlocks(name, stream, handlers);
  } finally {
    await stream.settle();
    await source.close();
  }
}

/** What an event block type says about its events (EventShape bits), 0 for the other blocks. */
const EventShape = { EVENT: 1, V2: 2, FLAGS: 4, LARGE: 8 } as const;

function eventShape(type: number): number {
  switch (type) {
    case BlockType.EVENT: case BlockType.EVENT_INT: return EventShape.EVENT;
    case BlockType.EVENT_FLAGS: return EventShape.EVENT | EventShape.FLAGS;
    case BlockType.EVENT_V2: return EventShape.EVENT | EventShape.V2;
    case BlockType.EVENT_V2_LARGE: return EventShape.EVENT | EventShape.V2 | EventShape.LARGE;
    case BlockType.EVENT_FLAGS_V2: return EventShape.EVENT | EventShape.V2 | EventShape.FLAGS;
    case BlockType.EVENT_FLAGS_V2_LARGE: return EventShape.EVENT | EventShape.V2 | EventShape.FLAGS | EventShape.LARGE;
    default: return 0;
  }
}

async function readBlocks(path: string, s: BlockStream, handlers: CaptureHandlers): Promise<void> {
  // Section header.
  if (!(await s.ensure(8))) {
    throw new CaptureError(path, s.offset, s.available === 0 ? 'empty file: not a scap capture' : 'too short to be a scap capture');
  }
  if (s.buf.readUInt32LE(s.pos) !== BlockType.SECTION_HEADER) throw new CaptureError(path, s.offset, 'not a scap capture (no section header block)');

  // Blocks already in memory are read by a synchronous loop; only a block that straddles the end
  // of what has been read so far waits here for the next chunk.
  const blocks = new BlockLoop(path, handlers);
  for (;;) {
    const need = blocks.run(s);
    if (need === STOPPED) return;
    if (await s.ensure(need)) continue;
    if (need !== BLOCK_HEADER) {
      throw new CaptureError(path, s.offset, `truncated block of type ${hex(blocks.type)}: length ${need}, only ${s.available} bytes left`);
    }
    if (s.available === 0) break;
    throw new CaptureError(path, s.offset, `truncated block header (${s.available} of 8 bytes)`);
  }
  if (!blocks.headerDelivered) handlers.header(blocks.header);
}

const BLOCK_HEADER = 8;
const STOPPED = -1;

/** Decodes the blocks in memory and delivers their events. */
class BlockLoop {
  readonly header: CaptureHeader = {
    major: 0, minor: 0, machine: undefined, procs: [], fds: [], ifaces: [], ifaces6: [], users: [], groups: [],
  };
  headerDelivered = false;
  /** Type of the last block looked at. */
  type = 0;
  private readonly evt = new Event();
  private num = 0;

  constructor(private readonly path: string, private readonly handlers: CaptureHandlers) {}

  /** Deliver every whole block at s.pos; returns how many bytes the next one needs, or STOPPED. */
  run(s: BlockStream): number {
    const b = s.buf;
    const end = s.end;
    const evt = this.evt;
    const handlers = this.handlers;
    // Captures hold one kind of event block: its shape is looked up again only when the type changes.
    let lastType = -1;
    let shape = 0;
    let p = s.pos;
    while (end - p >= BLOCK_HEADER) {
      const type = u32(b, p);
      const total = u32(b, p + 4);
      if (type !== lastType) {
        shape = eventShape(type);
        lastType = type;
        this.type = type;
      }
      if (total < BLOCK_OVERHEAD || total % 4 !== 0) this.fail(s, `corrupt block length ${total} in block of type ${hex(type)}`);
      // Like libscap: only the LARGE event blocks may exceed 64 KiB; never buffer what a bad length promises.
      if (total > MAX_SMALL_EVENT_BLOCK && (shape & (EventShape.EVENT | EventShape.LARGE)) === EventShape.EVENT) {
        this.fail(s, `corrupt block length ${total}: more than an event block of type ${hex(type)} can hold`);
      }
      if (end - p < total) return total;
      const trailer = u32(b, p + total - 4);
      if (trailer !== total) this.fail(s, `corrupt block of type ${hex(type)}: length ${total} at its start, ${trailer} at its end`);
      if (shape === 0) {
        this.headerBlock(s, type, total);
        p = s.pos;
        continue;
      }
      const problem = decodeEvent(evt, b, p + 8, p + total - 4, shape);
      if (problem !== undefined) this.fail(s, `corrupt block of type ${hex(type)}: ${problem}`);
      p += total;
      s.pos = p;
      if (!this.headerDelivered) {
        handlers.header(this.header);
        this.headerDelivered = true;
      }
      evt.num = ++this.num;
      if (handlers.event(evt) === false) return STOPPED;
    }
    return BLOCK_HEADER;
  }

  private headerBlock(s: BlockStream, type: number, total: number): void {
    if (this.headerDelivered && type !== BlockType.SECTION_HEADER) this.fail(s, `unexpected block of type ${hex(type)} after the first event`);
    try {
      decodeHeaderBlock(type, new Cursor(s.buf, s.pos + 8, s.pos + total - 4), this.header);
    } catch (err) {
      if (err instanceof RangeError) this.fail(s, `corrupt block of type ${hex(type)}: ${err.message}`);
      throw err;
    }
    s.pos += total;
  }

  /** Throws the error for the block at s.pos. */
  private fail(s: BlockStream, detail: string): never {
    throw new CaptureError(this.path, s.offset, detail);
  }
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

/** Per event type: how many parameters the table gives it (-1: unknown type), whether its lengths are 32-bit. */
const TABLE_PARAMS = new Int16Array(EVENT_TABLE.length).fill(-1);
const LARGE_PAYLOAD = new Uint8Array(EVENT_TABLE.length);
for (const info of EVENT_TABLE) {
  TABLE_PARAMS[info.id] = info.params.length;
  LARGE_PAYLOAD[info.id] = (info.flags & EventFlag.LARGE_PAYLOAD) !== 0 ? 1 : 0;
}

/** Decode the event block body at [start, end) into evt; what is wrong with it when it is malformed. */
function decodeEvent(evt: Event, buf: Buffer, start: number, end: number, shape: number): string | undefined {
  const v2 = (shape & EventShape.V2) !== 0;
  const hasFlags = (shape & EventShape.FLAGS) !== 0;
  const off = start + (hasFlags ? 6 : 2);
  const hdrLen = v2 ? V2_HEADER : V1_HEADER;
  const room = end - off;
  if (room < hdrLen) return `event header needs ${hdrLen} bytes, ${Math.max(0, room)} left`;
  const type = u16(buf, off + 20);
  const tableParams = type < TABLE_PARAMS.length ? TABLE_PARAMS[type] : -1;
  if (tableParams < 0) return `unknown event type ${type}`;
  let len = u32(buf, off + 16);
  if (!v2 && (type === NOTIFICATION_E || type === INFRASTRUCTURE_EVENT_E)) len -= 3;
  if (len < hdrLen || len > room) return `event length ${len} does not fit the block (${room} bytes)`;
  const lenSize = (shape & EventShape.LARGE) !== 0 || LARGE_PAYLOAD[type] === 1 ? 4 : 2;
  const evEnd = off + len;
  let nparams: number;
  if (v2) {
    nparams = u32(buf, off + 22);
    const lens = off + hdrLen;
    let data = lens + nparams * lenSize;
    if (data > evEnd) return `event of type ${type}: ${nparams} parameters do not fit its length ${len}`;
    if (lenSize === 2) for (let i = 0; i < nparams; i++) data += u16(buf, lens + 2 * i);
    else for (let i = 0; i < nparams; i++) data += u32(buf, lens + 4 * i);
    if (data > evEnd) return `event of type ${type}: parameters run past its length ${len}`;
  } else {
    nparams = v1ParamCount(buf, off + hdrLen, evEnd, tableParams);
    if (nparams < 0) return `event of type ${type}: parameter lengths do not add up to its length ${len}`;
  }
  evt.fill(buf, off, hdrLen, lenSize, nparams, type, len, u16(buf, start), hasFlags ? u32(buf, start + 2) : 0);
  return undefined;
}

/**
 * Old events do not store how many parameters they have: the count, at most the table's, whose
 * u16 lengths add up exactly to the event's length; -1 when none does. The sizes the counts
 * would give only grow with the count, so the largest count that does not overshoot decides.
 */
function v1ParamCount(buf: Buffer, lens: number, end: number, max: number): number {
  const most = Math.min(max, (end - lens) >> 1);
  let n = 0;
  let size = lens;
  while (n < most) {
    const next = size + 2 + u16(buf, lens + 2 * n);
    if (next > end) break;
    size = next;
    n++;
  }
  return size === end ? n : -1;
}
