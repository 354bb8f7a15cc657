// The capture reader on the real fixtures (compared with sysdig where sysdig can say) and on
// damaged input: every failure is a one-line CaptureError naming the file and the byte offset,
// after every event before the damage has been delivered.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { CaptureError } from '../../src/capture/errors.js';
import { EVENT_TABLE } from '../../src/capture/event-table.js';
import { SYSCALL_NAMES } from '../../src/capture/names.js';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureHeader } from '../../src/capture/records.js';
import { SHARED_MISSING } from '../helpers.js';
import { blockSpans, eventTypeOffset, fixtures, type Fixture } from './scap-bytes.js';
import { sysdigSkip } from '../support/sysdig.js';

const FIXTURES = fixtures();
const skipShared = FIXTURES === undefined ? SHARED_MISSING : false;
const tmp = mkdtempSync(join(tmpdir(), 'gw-reader-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let fileSeq = 0;
function tempFile(bytes: Buffer, suffix = '.scap'): string {
  const p = join(tmp, `capture-${++fileSeq}${suffix}`);
  writeFileSync(p, bytes);
  return p;
}

interface ReadResult {
  header: CaptureHeader | undefined;
  headerCalls: number;
  nums: number[];
  /** sha256 over every event's number, cpu, flags and raw bytes. */
  digest: string;
  error: unknown;
}

async function read(path: string, stopAfter = Infinity): Promise<ReadResult> {
  const r: ReadResult = { header: undefined, headerCalls: 0, nums: [], digest: '', error: undefined };
  const hash = createHash('sha256');
  try {
    await readCapture(path, {
      header(h) {
        r.header = h;
        r.headerCalls++;
      },
      event(e) {
        assert.equal(r.headerCalls, 1, 'the header comes once, before the first event');
        r.nums.push(e.num);
        hash.update(`${e.num} ${e.cpu} ${e.dumpFlags} ${e.nparams}\n`);
        hash.update(e.buf.subarray(e.off, e.off + e.len));
        return r.nums.length < stopAfter;
      },
    });
  } catch (err) {
    r.error = err;
  }
  r.digest = hash.digest('hex');
  return r;
}

/** Asserts a one-line CaptureError naming the file and the offset. */
function assertCaptureError(err: unknown, file: string, offset: number, detail: RegExp): void {
  assert.ok(err instanceof CaptureError, `expected a CaptureError, got ${String(err)}`);
  assert.equal(err.file, file);
  assert.equal(err.offset, offset);
  assert.match(err.detail, detail);
  assert.ok(err.message.startsWith(`${file}: byte offset ${offset}: `), err.message);
  assert.ok(!err.message.includes('\n'), `one line: ${JSON.stringify(err.message)}`);
}

function eventCount(bytes: Buffer): number {
  return blockSpans(bytes).filter((s) => s.isEvent).length;
}

describe('reader on the fixture captures', { skip: skipShared }, () => {
  for (const fx of FIXTURES ?? []) {
    it(`${fx.name}: delivers every event block, numbered from 1, after the header`, async () => {
      const r = await read(fx.path);
      assert.equal(r.error, undefined);
      assert.equal(r.headerCalls, 1);
      const n = eventCount(fx.bytes);
      assert.ok(n > 0);
      assert.deepEqual(r.nums, Array.from({ length: n }, (_, i) => i + 1));
    });

    it(`${fx.name}: agrees with sysdig on every event sysdig shows`, { skip: sysdigSkip }, async () => {
      const seen: string[] = [];
      await readCapture(fx.path, {
        header() {},
        event(e) {
          const info = EVENT_TABLE[e.type];
          // sysdig names a generic event by the syscall id in its first parameter.
          const name = info.name === 'syscall' ? SYSCALL_NAMES[e.paramUint(0)] : info.name;
          seen.push(`${e.num} ${e.ts()} ${e.cpu} ${info.dir} ${name} ${e.tid}`);
        },
      });
      const out = spawnSync('sysdig', ['-r', fx.path, '-p', '%evt.num %evt.rawtime %evt.cpu %evt.dir %evt.type %thread.tid'], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      assert.equal(out.status, 0, out.stderr);
      const lines = out.stdout.split('\n').filter((l) => l !== '');
      // sysdig hides some events (procinfo) but numbers them all: compare by number.
      for (const line of lines) {
        const num = Number(line.split(' ', 1)[0]);
        assert.equal(seen[num - 1], line.trimEnd(), `event ${num}`);
      }
    });

    it(`${fx.name}: gives the same header and events plain and gzip-compressed`, async () => {
      const gz = await read(fx.path);
      const plain = await read(tempFile(fx.bytes));
      assert.equal(plain.error, undefined);
      assert.deepEqual(plain.header, gz.header);
      assert.deepEqual(plain.nums, gz.nums);
      assert.equal(plain.digest, gz.digest);
    });

    it(`${fx.name}: decodes the header blocks`, async () => {
      const { header: h } = await read(fx.path, 1);
      assert.ok(h !== undefined);
      assert.equal(h.major, 1);
      assert.ok(h.machine !== undefined && h.machine.numCpus > 0 && h.machine.memoryBytes > 0);
      assert.equal(h.machine.hostname, 'ubuntu');
      assert.equal(h.procs.find((p) => p.tid === 1)?.comm, 'systemd');
      assert.ok(h.procs.every((p) => p.tid > 0 && p.pid > 0 && p.comm !== ''));
      const pids = new Set(h.procs.map((p) => p.pid));
      assert.ok(h.fds.length > 0);
      assert.deepEqual(h.fds.filter((f) => !pids.has(f.pid)), [], 'every fd belongs to a listed process');
      assert.deepEqual(h.users.find((u) => u.uid === 0), { uid: 0, gid: 0, name: 'root', home: '/root', shell: '/bin/bash', container: '' });
      assert.ok(h.groups.some((g) => g.gid === 0 && g.name === 'root'));
      const lo = h.ifaces.find((i) => i.name === 'lo');
      assert.equal(lo?.ipv4, 0x0100007f, '127.0.0.1, read little-endian');
    });
  }

  it('cat_write.scap: its header says 2 cpus, 73 threads (one list), 384 fds', async () => {
    const { header: h } = await read(fixture('cat_write.scap').path, 1);
    assert.equal(h?.machine?.numCpus, 2);
    assert.equal(h.procs.length, 73);
    assert.equal(h.fds.length, 384);
  });
});

function fixture(name: string): Fixture {
  const fx = FIXTURES?.find((f) => f.name === name);
  if (fx === undefined) throw new Error(`fixture ${name} not found`);
  return fx;
}

/** A damaged copy of cat_write.scap, and the events before the damage. */
function damaged(change: (bytes: Buffer, spans: ReturnType<typeof blockSpans>) => { bytes: Buffer; at: number }) {
  const src = fixture('cat_write.scap').bytes;
  const spans = blockSpans(src);
  const { bytes, at } = change(Buffer.from(src), spans);
  const before = spans.filter((s) => s.isEvent && s.offset + s.length <= at).length;
  return { bytes, at, before };
}

/** The 201st event block of cat_write.scap (a syscall event well into the stream). */
const EVENT_AT = 200;
const eventBlock = (spans: ReturnType<typeof blockSpans>) => spans.filter((s) => s.isEvent)[EVENT_AT];

describe('reader on damaged captures', { skip: skipShared }, () => {
  const cases: [string, Parameters<typeof damaged>[0], RegExp][] = [
    ['truncated inside an event block', (b, spans) => {
      const s = eventBlock(spans);
      return { bytes: b.subarray(0, s.offset + 20), at: s.offset };
    }, /truncated block of type 0x204/],
    ['truncated inside a block header', (b, spans) => {
      const s = eventBlock(spans);
      return { bytes: b.subarray(0, s.offset + 5), at: s.offset };
    }, /truncated block header/],
    ['a block length that is not a multiple of 4', (b, spans) => {
      const s = eventBlock(spans);
      b.writeUInt32LE(41, s.offset + 4);
      return { bytes: b, at: s.offset };
    }, /corrupt block length 41/],
    ['a block length that disagrees with its trailer', (b, spans) => {
      const s = eventBlock(spans);
      b.writeUInt32LE(s.length + 4, s.offset + 4);
      return { bytes: b, at: s.offset };
    }, /corrupt block/],
    ['a block length of 0xFFFFFFF0', (b, spans) => {
      const s = eventBlock(spans);
      b.writeUInt32LE(0xfffffff0, s.offset + 4);
      return { bytes: b, at: s.offset };
    }, /4294967280/],
    ['an unknown block type among the header blocks', (b, spans) => {
      const s = spans.find((x) => x.type === 0x203)!;
      b.writeUInt32LE(0x7777, s.offset);
      return { bytes: b, at: s.offset };
    }, /0x7777/],
    ['an unknown block type among the events', (b, spans) => {
      const s = eventBlock(spans);
      b.writeUInt32LE(0x7777, s.offset);
      return { bytes: b, at: s.offset };
    }, /0x7777/],
    ['an unknown event type', (b, spans) => {
      const s = eventBlock(spans);
      b.writeUInt16LE(9999, eventTypeOffset(s));
      return { bytes: b, at: s.offset };
    }, /unknown event type 9999/],
  ];
  for (const [what, change, detail] of cases) {
    for (const gz of [false, true]) {
      it(`${what} (${gz ? 'gzip' : 'plain'}): a CaptureError at the block, after the events before it`, async () => {
        const d = damaged(change);
        const path = tempFile(gz ? gzipSync(d.bytes) : d.bytes);
        const r = await read(path);
        assertCaptureError(r.error, path, d.at, detail);
        assert.deepEqual(r.nums, Array.from({ length: d.before }, (_, i) => i + 1));
      });
    }
  }

  it('a cut gzip stream: a CaptureError where the data stops, after every whole event before it', async () => {
    const src = fixture('cat_write.scap');
    const gz = gzipSync(src.bytes);
    const path = tempFile(gz.subarray(0, gz.length >> 1));
    const r = await read(path);
    assert.ok(r.error instanceof CaptureError, String(r.error));
    const at = r.error.offset;
    assert.ok(at > 0 && at < src.bytes.length, `offset ${at}`);
    assertCaptureError(r.error, path, at, /compressed data is damaged/);
    const before = blockSpans(src.bytes).filter((s) => s.isEvent && s.offset + s.length <= at).length;
    assert.equal(r.nums.length, before);
  });
});

describe('reader on input that is no capture', () => {
  it('an empty file', async () => {
    const path = tempFile(Buffer.alloc(0));
    assertCaptureError((await read(path)).error, path, 0, /empty/);
  });

  it('a garbage file', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) % 251));
    const path = tempFile(garbage);
    assertCaptureError((await read(path)).error, path, 0, /not a scap capture/);
  });

  it('a gzip file holding garbage', async () => {
    const path = tempFile(gzipSync(Buffer.from('hello, this is not a capture\n'.repeat(10))));
    assertCaptureError((await read(path)).error, path, 0, /not a scap capture/);
  });

  it('a missing path', async () => {
    const path = join(tmp, 'no-such-capture.scap');
    const r = await read(path);
    assertCaptureError(r.error, path, 0, /no such file/);
    assert.equal(r.headerCalls, 0);
  });
});

describe('reader stopping early', { skip: skipShared }, () => {
  it('delivers no event after the handler returns false', async () => {
    const r = await read(fixture('syscall.scap').path, 5);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.nums, [1, 2, 3, 4, 5]);
  });
});

/**
 * A write exit event (type 9) in an EVENT_V2_LARGE block, its data `size` bytes: the kind of block
 * that may exceed 64 KiB.
 */
function largeWriteBlock(size: number, tid: bigint): Buffer {
  const evLen = 26 + 2 * 4 + 8 + size;
  const total = (8 + 2 + evLen + 4 + 3) & ~3;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(0x221, 0);
  b.writeUInt32LE(total, 4);
  let p = 10; // after the cpu (0)
  b.writeBigUInt64LE(1_500_000_000_000_000_000n, p);
  b.writeBigUInt64LE(tid, p + 8);
  b.writeUInt32LE(evLen, p + 16);
  b.writeUInt16LE(9, p + 20);
  b.writeUInt32LE(2, p + 22);
  b.writeUInt32LE(8, p + 26);
  b.writeUInt32LE(size, p + 30);
  b.writeBigInt64LE(BigInt(size), p + 34);
  p += 42;
  for (let i = 0; i < size; i++) b[p + i] = (i * 7) & 0xff;
  b.writeUInt32LE(total, total - 4);
  return b;
}

// Past its first megabyte, a plain file is read ahead: one buffer filled by libuv's pool while the
// other is decoded. The same bytes gzip-compressed are read without it: both must give the same.
describe('reader reading a plain file ahead', { skip: skipShared }, () => {
  if (FIXTURES === undefined) return;
  const src = fixture('cat_write.scap').bytes;
  const spans = blockSpans(src);
  const head = src.subarray(0, spans.find((s) => s.isEvent)!.offset);
  const events = src.subarray(head.length);
  // Blocks larger than the room kept before a buffer read ahead (64 KiB), one larger than a buffer
  // (1 MiB), among the repeated events: some of them cross from one buffer into the next.
  const larges = [70_000, 150_000, 300_000, 1_500_000, 65_600].map((n) => largeWriteBlock(n, 20072n));
  const parts: Buffer[] = [head];
  for (let i = 0; i < 600; i++) {
    parts.push(events);
    if (i % 97 === 50) parts.push(larges[Math.floor(i / 97) % larges.length]);
  }
  const bytes = Buffer.concat(parts);

  it('gives the same events as without reading ahead, across buffers and with blocks larger than one', async () => {
    assert.ok(bytes.length > 8 << 20, `${bytes.length} bytes`);
    const plain = await read(tempFile(bytes));
    const gz = await read(tempFile(gzipSync(bytes, { level: 1 })));
    assert.equal(plain.error, undefined);
    assert.equal(gz.error, undefined);
    assert.equal(plain.nums.length, blockSpans(bytes).filter((s) => s.isEvent).length);
    assert.deepEqual(plain.header, gz.header);
    assert.deepEqual(plain.nums, gz.nums);
    assert.equal(plain.digest, gz.digest);
  });

  it('reports damage past the first buffers at its offset, after every event before it', async () => {
    const all = blockSpans(bytes).filter((s) => s.isEvent);
    const hit = all.find((s) => s.offset > (5 << 20))!;
    const damaged = Buffer.from(bytes);
    damaged.writeUInt16LE(9999, eventTypeOffset(hit));
    const path = tempFile(damaged);
    const r = await read(path);
    assertCaptureError(r.error, path, hit.offset, /unknown event type 9999/);
    assert.equal(r.nums.length, all.indexOf(hit));
  });

  it('agrees with the gzip path on damage anywhere: the same events before it, the same error', async () => {
    // A smaller capture (about 3 MB), so each case reads it twice quickly.
    const small = Buffer.concat([head, ...Array.from({ length: 30 }, (_, i) => (i % 10 === 5 ? Buffer.concat([events, larges[i % larges.length]]) : events))]);
    const damage = fc.record({ at: fc.integer({ min: head.length, max: small.length - 1 }), xor: fc.integer({ min: 1, max: 255 }), cut: fc.boolean() });
    await fc.assert(fc.asyncProperty(damage, async ({ at, xor, cut }) => {
      const bytes = cut ? small.subarray(0, at) : Buffer.from(small);
      if (!cut) bytes[at] ^= xor;
      const plain = await read(tempFile(bytes));
      const gz = await read(tempFile(gzipSync(bytes, { level: 1 })));
      assert.deepEqual(plain.nums, gz.nums);
      assert.equal(plain.digest, gz.digest);
      assert.equal((plain.error as CaptureError | undefined)?.offset, (gz.error as CaptureError | undefined)?.offset);
      assert.equal((plain.error as CaptureError | undefined)?.detail, (gz.error as CaptureError | undefined)?.detail);
    }), { numRuns: 25 });
  });
});

const FD_DIR = '/proc/self/fd';

/** How many of this process's file descriptors are open on path, once pending closes are done. */
async function fdsOpenOn(path: string): Promise<number> {
  const count = () =>
    readdirSync(FD_DIR).filter((fd) => {
      try {
        return readlinkSync(join(FD_DIR, fd)) === path;
      } catch {
        return false; // closed meanwhile
      }
    }).length;
  let n = count();
  for (let i = 0; i < 20 && n > 0; i++) {
    await sleep(5);
    n = count();
  }
  return n;
}

/**
 * cat_write.scap with its events repeated to a few MB, gzip-stored without compression, so that a
 * reader stopping near the start has most of the file left to read.
 */
function bigCapture(damageFirstEvent: boolean): Buffer {
  const src = fixture('cat_write.scap').bytes;
  const spans = blockSpans(src);
  const head = src.subarray(0, spans.find((s) => s.isEvent)!.offset);
  const events = src.subarray(head.length);
  const bytes = Buffer.concat([head, ...Array.from({ length: 160 }, () => events)]);
  if (damageFirstEvent) bytes.writeUInt16LE(9999, eventTypeOffset(spans.find((s) => s.isEvent)!));
  return gzipSync(bytes, { level: 0 });
}

describe('reader releases the capture file', { skip: skipShared || (existsSync(FD_DIR) ? false : `no ${FD_DIR}`) }, () => {
  const unknownEventType = (bytes: Buffer) => {
    const b = Buffer.from(bytes);
    b.writeUInt16LE(9999, eventTypeOffset(eventBlock(blockSpans(b))));
    return b;
  };
  const runs: [string, () => string, number][] = [
    ['when it fails (plain)', () => tempFile(unknownEventType(fixture('cat_write.scap').bytes)), Infinity],
    ['when it fails (gzip)', () => tempFile(bigCapture(true)), Infinity],
    ['when the handler stops it (plain)', () => tempFile(fixture('cat_write.scap').bytes), 3],
    ['when the handler stops it (gzip)', () => tempFile(bigCapture(false)), 3],
    // Stopped while the next buffer is being read ahead: the file is closed once that read is done.
    ['when the handler stops it (plain, past its first buffer)', () => tempFile(gunzipSync(bigCapture(false))), 30_000],
  ];
  for (const [what, makePath, stopAfter] of runs) {
    it(what, async () => {
      const path = makePath();
      await read(path, stopAfter);
      assert.equal(await fdsOpenOn(path), 0, 'file descriptors still open on the capture');
    });
  }
});
