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

async function* plainChunks(path: string): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function* gzipChunks(path: string, file: string): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: CHUNK });
  const source = createReadStream(path, { highWaterMark: CHUNK });
  const stream = source.pipe(gunzip);
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (err) {
    // A damaged or cut gzip stream: report it where the decompressed data stops.
    throw new CaptureError(file, total, `compressed data is damaged (${(err as Error).message})`);
  } finally {
    source.destroy(); // pipe() does not close the source when the gunzip side is dropped
  }
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

/** Accumulates stream chunks so a block can always be read whole from one Buffer. */
class BlockStream {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private end = 0;
  /** Absolute offset of buf[0] in the uncompressed stream. */
  private base = 0;
  private done = false;

  constructor(private readonly chunks: AsyncGenerator<Buffer>) {}

  get offset(): number { return this.base + this.pos; }
  get buffer(): Buffer { return this.buf; }
  get position(): number { return this.pos; }

  /** Make at least n bytes available at the current position; false at end of stream. */
  async ensure(n: number): Promise<boolean> {
    let have = this.end - this.pos;
    if (have >= n) return true;
    // Gather whole chunks first and join them once, so a long block costs one copy, not one per chunk.
    const parts: Buffer[] = [];
    while (have < n && !this.done) {
      const next = await this.chunks.next();
      if (next.done) this.done = true;
      else {
        parts.push(next.value);
        have += next.value.length;
      }
    }
    if (parts.length > 0) this.append(parts);
    return have >= n;
  }

  private append(parts: Buffer[]): void {
    const rest = this.buf.subarray(this.pos, this.end);
    const merged = rest.length === 0 && parts.length === 1 ? parts[0]! : Buffer.concat([rest, ...parts]);
    this.base += this.pos;
    this.buf = merged;
    this.pos = 0;
    this.end = merged.length;
  }

  /** Bytes left at the current position (already in memory). */
  get available(): number { return this.end - this.pos; }

  advance(n: number): void { this.pos += n; }
  atEnd(): boolean { return this.done && this.pos === this.end; }
}

export async function readCapture(path: string, handlers: CaptureHandlers): Promise<void> {
  let gz: boolean;
  try {
    gz = await isGzip(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CaptureError(path, 0, e.code === 'ENOENT' ? 'no such file' : `cannot open (${e.code ?? e.message})`);
  }
  const chunks = gz ? gzipChunks(path, path) : plainChunks(path);
  try {
    await readBlocks(path, new BlockStream(chunks), handlers);
  } finally {
    await chunks.return(undefined); // closes the file when we stop before its end
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

  for (;;) {
    if (!(await s.ensure(8))) {
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
    if (!(await s.ensure(total))) fail(at, `truncated block of type ${hex(type)}: length ${total}, only ${s.available} bytes left`);
    const b = s.buffer;
    const p = s.position;
    if (b.readUInt32LE(p + total - 4) !== total) {
      fail(at, `corrupt block of type ${hex(type)}: length ${total} at its start, ${b.readUInt32LE(p + total - 4)} at its end`);
    }
    const body = new Cursor(b, p + 8, p + total - 4);
    const shape = EVENT_BLOCKS.get(type);
    if (shape === undefined && headerDelivered && type !== BlockType.SECTION_HEADER) {
      fail(at, `unexpected block of type ${hex(type)} after the first event`);
    }
    try {
      if (shape === undefined) decodeHeaderBlock(type, body, header);
      else decodeEvent(evt, body, shape.v2, shape.hasFlags, type === BlockType.EVENT_V2_LARGE || type === BlockType.EVENT_FLAGS_V2_LARGE);
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

function decodeEvent(evt: Event, c: Cursor, v2: boolean, hasFlags: boolean, large: boolean): void {
  evt.cpu = c.u16();
  evt.dumpFlags = hasFlags ? c.u32() : 0;
  const off = c.pos;
  const hdrLen = v2 ? V2_HEADER : V1_HEADER;
  if (c.left < hdrLen) throw new RangeError(`event header needs ${hdrLen} bytes, ${c.left} left`);
  const buf = c.buf;
  const type = buf.readUInt16LE(off + 20);
  const info = EVENT_TABLE[type];
  if (info === undefined) throw new RangeError(`unknown event type ${type}`);
  let len = buf.readUInt32LE(off + 16);
  if (!v2 && V1_LEN_QUIRK.has(type)) len -= 3;
  if (len < hdrLen || len > c.left) throw new RangeError(`event length ${len} does not fit the block (${c.left} bytes)`);
  const lenSize = large || (info.flags & EventFlag.LARGE_PAYLOAD) !== 0 ? 4 : 2;
  const end = off + len;
  let nparams: number;
  if (v2) {
    nparams = buf.readUInt32LE(off + 22);
    let data = off + hdrLen + nparams * lenSize;
    if (data > end) throw new RangeError(`event of type ${type}: ${nparams} parameters do not fit its length ${len}`);
    for (let i = 0; i < nparams; i++) {
      const lp = off + hdrLen + i * lenSize;
      data += lenSize === 2 ? buf.readUInt16LE(lp) : buf.readUInt32LE(lp);
    }
    if (data > end) throw new RangeError(`event of type ${type}: parameters run past its length ${len}`);
  } else {
    nparams = v1ParamCount(buf, off + hdrLen, end, info.params.length);
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
    for (let i = 0; i < n; i++) data += buf.readUInt16LE(lens + i * 2);
    if (data === end) return n;
    if (data < end) return -1;
  }
  return -1;
}
