// Writes a scap capture: section header, machine info, process list, fd list, interface and user
// lists, then events. The layout is the one Debian's sysdig 0.29.3 (libs of 2022) reads in full and
// newer readers read too: process list v9 entries end at exe_writable (newer fields would be read
// as other fields by one of the two generations), events go in v2 blocks (with nparams).
import { closeSync, openSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { BlockType, SECTION_MAGIC } from './blocks.js';
import { DUMP_FLAG_STATE_ONLY, type Event } from './event.js';
import { SCAP_MAX, type CaptureHeader, type FdRecord, type ProcRecord } from './records.js';
import { FdType } from './event-types.js';

const FLUSH_AT = 1 << 20;
/** fd types the 2022 readers know; newer ones are written as 'unsupported' with their name. */
const LAST_2022_FD_TYPE = FdType.FILE_V2;

/** Grows as needed; little-endian writers that return this for chaining. */
class Bytes {
  buf = Buffer.alloc(4096);
  len = 0;

  private room(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    const p = this.len;
    this.len += n;
    return p;
  }
  u8(v: number): this { const p = this.room(1); this.buf[p] = v & 0xff; return this; }
  u16(v: number): this { const p = this.room(2); this.buf.writeUInt16LE(v & 0xffff, p); return this; }
  u32(v: number): this { const p = this.room(4); this.buf.writeUInt32LE(v >>> 0, p); return this; }
  i64(v: number): this { const p = this.room(8); this.buf.writeBigInt64LE(BigInt(Math.trunc(v)), p); return this; }
  u64(v: number | bigint): this { const p = this.room(8); this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), p); return this; }
  bytes(b: Uint8Array): this { const p = this.room(b.length); this.buf.set(b, p); return this; }
  /** u16 length + bytes, as header blocks store strings; cut to max bytes. */
  lstr(s: string, max = 0xffff): this { const b = Buffer.from(s, 'utf8'); return this.u16(Math.min(b.length, max)).bytes(b.subarray(0, max)); }
  /** NUL-terminated list with a u16 total length; cut to max bytes. */
  list(items: readonly string[], max = 0xffff): this {
    const b = Buffer.from(items.map((s) => s + '\0').join(''), 'utf8').subarray(0, max);
    return this.u16(b.length).bytes(b);
  }
  fixedStr(s: string, n: number): this {
    const b = Buffer.alloc(n);
    b.write(s.slice(0, n - 1), 'utf8');
    return this.bytes(b);
  }
  at(p: number): { u32(v: number): void } {
    return { u32: (v: number) => void this.buf.writeUInt32LE(v >>> 0, p) };
  }
  view(): Buffer { return this.buf.subarray(0, this.len); }
}

export interface WriterOptions {
  /** Write the capture gzip-compressed (sysdig -z). */
  gzip?: boolean;
}

/** Where a writer's bytes go, instead of a file (a capture built in memory). */
export interface CaptureSink {
  write(data: Buffer): void;
  close(): void;
}

export class CaptureWriter {
  private readonly sink: CaptureSink;
  private out = new Bytes();

  constructor(
    readonly path: string,
    private readonly opts: WriterOptions = {},
    sink?: CaptureSink,
  ) {
    if (sink !== undefined) {
      this.sink = sink;
    } else {
      const fd = openSync(path, 'w', 0o600);
      // A write may take fewer bytes than it is given (a signal arriving during it): go on until all are out.
      const write = (d: Uint8Array) => {
        for (let done = 0; done < d.length;) done += writeSync(fd, d, done, d.length - done);
      };
      this.sink = { write, close: () => closeSync(fd) };
    }
  }

  writeHeader(h: CaptureHeader): void {
    writeHeaderBlocks(this.out, h);
    if (this.out.len >= FLUSH_AT) this.flush();
  }

  /** Write one event as a v2 block (old v1 events get their nparams inserted). */
  writeEvent(e: Event): void {
    const large = e.lenSize === 4;
    const type = e.dumpFlags !== 0
      ? (large ? BlockType.EVENT_FLAGS_V2_LARGE : BlockType.EVENT_FLAGS_V2)
      : (large ? BlockType.EVENT_V2_LARGE : BlockType.EVENT_V2);
    const extra = e.hdrLen === 26 ? 0 : 4;
    this.block(type, (b) => {
      b.u16(e.cpu);
      if (e.dumpFlags !== 0) b.u32(e.dumpFlags);
      b.bytes(e.buf.subarray(e.off, e.off + 16)); // ts, tid
      b.u32(e.len + extra).u16(e.type).u32(e.nparams);
      b.bytes(e.buf.subarray(e.off + e.hdrLen, e.off + e.len));
    });
  }

  /** Write an event that is in the capture for the state only: readers parse it, never show it (sysdig -F). */
  writeHidden(e: Event): void {
    const flags = e.dumpFlags;
    e.dumpFlags = flags | DUMP_FLAG_STATE_ONLY;
    this.writeEvent(e);
    e.dumpFlags = flags;
  }

  private block(type: number, body: (b: Bytes) => void): void {
    appendBlock(this.out, type, body);
    if (this.out.len >= FLUSH_AT) this.flush();
  }

  /**
   * Write what is gathered. Compressed, each megabyte becomes one gzip member of its own: readers
   * (zlib's gzread, as sysdig uses it, and Node's gunzip) read concatenated members as one stream,
   * and memory stays constant however long the capture runs.
   */
  private flush(): void {
    if (this.out.len === 0) return;
    const data = this.out.view();
    this.sink.write(this.opts.gzip ? gzipSync(data) : data);
    this.out.len = 0;
  }

  close(): void {
    this.flush();
    this.sink.close();
  }
}

/** The header blocks of a capture (section header, machine, processes, fds, interfaces, users). */
function writeHeaderBlocks(out: Bytes, h: CaptureHeader): void {
  appendBlock(out, BlockType.SECTION_HEADER, (b) => b.u32(SECTION_MAGIC).u16(1).u16(2).u64(0xffffffffffffffffn));
  const m = h.machine ?? { numCpus: 1, memoryBytes: 0, maxPid: 0, hostname: '', bootTime: 0 };
  appendBlock(out, BlockType.MACHINE_INFO, (b) =>
    b.u32(m.numCpus).u64(m.memoryBytes).u64(m.maxPid).fixedStr(m.hostname, 128).u64(m.bootTime).u64(0).u64(0).u64(0),
  );
  if (h.procs.length > 0) appendBlock(out, BlockType.PROCLIST_V9, (b) => h.procs.forEach((p) => writeProc(b, p)));
  const byPid = new Map<number, FdRecord[]>();
  for (const f of h.fds) {
    const l = byPid.get(f.pid);
    if (l === undefined) byPid.set(f.pid, [f]);
    else l.push(f);
  }
  for (const [pid, fds] of byPid) {
    appendBlock(out, BlockType.FDLIST_V2, (b) => {
      b.i64(pid);
      for (const f of fds) writeFd(b, f);
    });
  }
  if (h.ifaces.length + h.ifaces6.length > 0) {
    appendBlock(out, BlockType.IFLIST_V2, (b) => {
      for (const i of h.ifaces) {
        const name = Buffer.from(i.name, 'utf8');
        b.u32(2 + 2 + 12 + 8 + name.length).u16(1).u16(name.length).u32(i.ipv4).u32(i.netmask).u32(i.bcast).u64(i.linkspeed).bytes(name);
      }
      for (const i of h.ifaces6) {
        const name = Buffer.from(i.name, 'utf8');
        b.u32(2 + 2 + 48 + 8 + name.length).u16(2).u16(name.length).bytes(i.addr).bytes(i.netmask).bytes(i.bcast).u64(i.linkspeed).bytes(name);
      }
    });
  }
  if (h.users.length + h.groups.length > 0) {
    appendBlock(out, BlockType.USERLIST_V2, (b) => {
      for (const u of h.users) entry(b, (e) => e.u8(0).u32(u.uid).u32(u.gid).lstr(u.name, SCAP_MAX.CREDENTIAL).lstr(u.home, SCAP_MAX.CREDENTIAL).lstr(u.shell, SCAP_MAX.CREDENTIAL));
      for (const g of h.groups) entry(b, (e) => e.u8(1).u32(g.gid).lstr(g.name, SCAP_MAX.CREDENTIAL));
    });
  }
}

/** The header blocks of a capture as bytes, for a stream whose events follow (the live probe's). */
export function encodeHeader(h: CaptureHeader): Buffer {
  const out = new Bytes();
  writeHeaderBlocks(out, h);
  return Buffer.from(out.view());
}

/** Append one block: type, total length, body padded to 4 bytes, total length again. */
function appendBlock(b: Bytes, type: number, body: (b: Bytes) => void): void {
  const start = b.len;
  b.u32(type).u32(0);
  body(b);
  while ((b.len - start) % 4 !== 0) b.u8(0);
  const total = b.len - start + 4;
  b.u32(total);
  b.at(start + 4).u32(total);
}

/** A header-list entry prefixed with its own u32 length (the length counts itself). */
function entry(b: Bytes, body: (b: Bytes) => void): void {
  const start = b.len;
  b.u32(0);
  body(b);
  b.at(start).u32(b.len - start);
}


function writeProc(b: Bytes, p: ProcRecord): void {
  entry(b, (e) => {
    e.i64(p.tid).i64(p.pid).i64(p.ptid).i64(p.sid).i64(p.vpgid);
    e.lstr(p.comm, SCAP_MAX.PATH).lstr(p.exe, SCAP_MAX.PATH).lstr(p.exepath, SCAP_MAX.PATH).list(p.args, SCAP_MAX.ARGS).lstr(p.cwd, SCAP_MAX.PATH);
    e.i64(p.fdlimit).u32(p.flags).u32(p.uid).u32(p.gid);
    e.u32(p.vmsizeKb).u32(p.vmrssKb).u32(p.vmswapKb).u64(p.pfmajor).u64(p.pfminor);
    e.list(p.env, SCAP_MAX.ENV).i64(p.vtid).i64(p.vpid).list(p.cgroups.map(([k, v]) => `${k}=${v}`), SCAP_MAX.CGROUPS).lstr(p.root, SCAP_MAX.PATH);
    e.u32(p.loginuid).u8(p.exeWritable ? 1 : 0);
  });
}

function writeFd(b: Bytes, f: FdRecord): void {
  entry(b, (e) => {
    e.i64(f.fd).u64(f.ino);
    switch (f.type) {
      case FdType.IPV4_SOCK:
        e.u8(f.type).u32(f.sip as number).u32(f.dip as number).u16(f.sport).u16(f.dport).u8(f.l4proto);
        return;
      case FdType.IPV4_SERVSOCK:
        e.u8(f.type).u32(f.sip as number).u16(f.sport).u8(f.l4proto);
        return;
      case FdType.IPV6_SOCK:
        e.u8(f.type).bytes(f.sip as Uint8Array).bytes(f.dip as Uint8Array).u16(f.sport).u16(f.dport).u8(f.l4proto);
        return;
      case FdType.IPV6_SERVSOCK:
        e.u8(f.type).bytes(f.sip as Uint8Array).u16(f.sport).u8(f.l4proto);
        return;
      case FdType.UNIX_SOCK:
        e.u8(f.type).u64(f.unixSource).u64(f.unixDest).lstr(f.name, SCAP_MAX.FD_NAME);
        return;
      case FdType.FILE:
        e.u8(FdType.FILE_V2).u32(f.openFlags).lstr(f.name, SCAP_MAX.FD_NAME).u32(f.dev);
        return;
      default:
        e.u8(f.type > LAST_2022_FD_TYPE ? FdType.UNSUPPORTED : f.type).lstr(f.name, SCAP_MAX.FD_NAME);
    }
  });
}
