// Property: whatever damage a capture has (flipped bytes, cuts, wrong block lengths, blocks
// spliced in from another capture, inserted garbage, duplicated ranges; plain or gzip), the reader
// either completes or throws a one-line CaptureError, delivers a bounded number of well-formed
// events, and does not buffer what a corrupt block length promises.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { CaptureError } from '../../src/capture/errors.js';
import type { Event } from '../../src/capture/event.js';
import { readCapture } from '../../src/capture/reader.js';
import { SHARED_MISSING } from '../helpers.js';
import { blockSpans, eventHeaderOffset, fixtures, MIN_EVENT_BLOCK, type BlockSpan } from './scap-bytes.js';

const FIXTURES = fixtures();
const skip = FIXTURES === undefined ? SHARED_MISSING : false;
const tmp = mkdtempSync(join(tmpdir(), 'gw-fuzz-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const NUM_RUNS = 500;

/** Positions are drawn as naturals and taken modulo the current length. */
const pos = fc.nat({ max: 0x7fffffff });

const flip = fc.record({ kind: fc.constant('flip' as const), at: pos, xor: fc.integer({ min: 1, max: 255 }) });
const truncate = fc.record({ kind: fc.constant('truncate' as const), at: pos });
const blockLength = fc.record({
  kind: fc.constant('blockLength' as const),
  block: pos,
  value: fc.oneof(
    fc.constantFrom(0, 4, 11, 12, 36, 65536, 0x7ffffffc, 0xfffffff0, 0xffffffff),
    fc.integer({ min: 0, max: 4096 }),
    fc.nat({ max: 0xffffffff }),
  ),
  end: fc.constantFrom('head' as const, 'tail' as const, 'both' as const),
});
/** Overwrites 4 bytes of an event header: len at 16, type at 20, nparams at 22, parameter lengths after. */
const eventHeader = fc.record({
  kind: fc.constant('eventHeader' as const),
  block: pos,
  field: fc.constantFrom(16, 18, 20, 22, 24, 26, 28, 30),
  value: fc.oneof(fc.constantFrom(0, 1, 0xffff, 0xfffffff0), fc.nat({ max: 0xffff }), fc.nat({ max: 0xffffffff })),
});
/** Inserts `count` whole blocks of a fixture (maybe another one) before a block. */
const splice = fc.record({ kind: fc.constant('splice' as const), from: fc.nat(), block: pos, count: fc.integer({ min: 1, max: 4 }), into: pos });
const garbage = fc.record({ kind: fc.constant('garbage' as const), at: pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) });
const duplicate = fc.record({ kind: fc.constant('duplicate' as const), from: pos, len: fc.integer({ min: 1, max: 4096 }), to: pos });

// Structure-aware damage is weighted up: random flips rarely hit a length field.
const mutation = fc.oneof(
  { arbitrary: flip, weight: 2 },
  { arbitrary: truncate, weight: 1 },
  { arbitrary: blockLength, weight: 2 },
  { arbitrary: eventHeader, weight: 3 },
  { arbitrary: splice, weight: 1 },
  { arbitrary: garbage, weight: 1 },
  { arbitrary: duplicate, weight: 1 },
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

const damage = fc.record({
  fixture: fc.nat(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  gzip: fc.boolean(),
  /** For gzip: also cut the compressed stream (at this position), or not. */
  cutCompressed: fc.option(pos, { nil: undefined }),
});

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const n = bytes.length;
  if (n === 0) return bytes;
  switch (m.kind) {
    case 'flip': {
      const b = Buffer.from(bytes);
      b[m.at % n] ^= m.xor;
      return b;
    }
    case 'truncate':
      return bytes.subarray(0, m.at % n);
    case 'blockLength': {
      const spans = blockSpans(bytes);
      if (spans.length === 0) return bytes;
      const s = spans[m.block % spans.length];
      const b = Buffer.from(bytes);
      if (m.end !== 'tail') b.writeUInt32LE(m.value, s.offset + 4);
      if (m.end !== 'head') b.writeUInt32LE(m.value, s.offset + s.length - 4);
      return b;
    }
    case 'eventHeader': {
      const events = blockSpans(bytes).filter((s) => s.isEvent);
      if (events.length === 0) return bytes;
      const s = events[m.block % events.length];
      const at = eventHeaderOffset(s) + m.field;
      const b = Buffer.from(bytes);
      if (at + 4 <= s.offset + s.length) b.writeUInt32LE(m.value, at);
      return b;
    }
    case 'splice': {
      const donor = FIXTURES![m.from % FIXTURES!.length].bytes;
      const dSpans = blockSpans(donor);
      const first = m.block % dSpans.length;
      const last = dSpans[Math.min(first + m.count, dSpans.length) - 1];
      const piece = donor.subarray(dSpans[first].offset, last.offset + last.length);
      const spans = blockSpans(bytes);
      const at = spans.length === 0 ? 0 : spans[m.into % spans.length].offset;
      return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
    }
    case 'garbage': {
      const at = m.at % (n + 1);
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    }
    case 'duplicate': {
      const from = m.from % n;
      const range = bytes.subarray(from, Math.min(n, from + m.len));
      const to = m.to % (n + 1);
      return Buffer.concat([bytes.subarray(0, to), range, bytes.subarray(to)]);
    }
  }
}

/**
 * Fails the property (with an error that is not a CaptureError) unless the event is exactly the
 * content of its block, and its parameters lie inside it.
 */
function checkEvent(e: Event, bytes: Buffer, block: BlockSpan | undefined): void {
  if (block === undefined) throw new Error(`event ${e.num} has no event block`);
  const at = eventHeaderOffset(block);
  if (e.len < e.hdrLen || at + e.len > block.offset + block.length - 4) throw new Error(`event ${e.num}: length ${e.len} runs out of its block`);
  if (!e.buf.subarray(e.off, e.off + e.len).equals(bytes.subarray(at, at + e.len))) throw new Error(`event ${e.num} is not its block's content`);
  // The declared parameter lengths (not the clamped ones Event reports) must fit the event.
  let data = e.off + e.hdrLen + e.nparams * e.lenSize;
  for (let i = 0; i < e.nparams; i++) {
    const lp = e.off + e.hdrLen + i * e.lenSize;
    data += e.lenSize === 2 ? e.buf.readUInt16LE(lp) : e.buf.readUInt32LE(lp);
  }
  if (data > e.off + e.len) throw new Error(`event ${e.num}: its parameters run past its length ${e.len}`);
}

let fileSeq = 0;

describe('reader on damaged captures (property)', { skip }, () => {
  it('completes or throws a one-line CaptureError, with a bounded count of well-formed events', async () => {
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        let bytes = FIXTURES![d.fixture % FIXTURES!.length].bytes;
        for (const m of d.mutations) bytes = mutate(bytes, m);
        let file = d.gzip ? gzipSync(bytes, { level: 1 }) : bytes;
        if (d.gzip && d.cutCompressed !== undefined) file = file.subarray(0, d.cutCompressed % (file.length + 1));
        const path = join(tmp, `fuzz-${++fileSeq}.scap`);
        writeFileSync(path, file);

        // No event block is smaller than MIN_EVENT_BLOCK, so more events than this means a loop.
        const maxEvents = Math.floor(bytes.length / MIN_EVENT_BLOCK);
        let headers = 0;
        let events = 0;
        // The reader walks the same blocks as blockSpans up to the first bad one, so event k
        // must be the content of event block k.
        const eventBlocks = blockSpans(bytes).filter((s) => s.isEvent);
        try {
          await readCapture(path, {
            header() {
              headers++;
            },
            event(e) {
              if (++events > maxEvents) throw new Error(`more than ${maxEvents} events from ${bytes.length} bytes`);
              if (e.num !== events) throw new Error(`event ${events} numbered ${e.num}`);
              if (headers !== 1) throw new Error('event before the header');
              checkEvent(e, bytes, eventBlocks[events - 1]);
            },
          });
          assert.equal(headers, 1);
        } catch (err) {
          assert.ok(err instanceof CaptureError, `not a CaptureError: ${(err instanceof Error ? err.stack : undefined) ?? String(err)}`);
          assert.ok(err.message.startsWith(`${path}: byte offset ${err.offset}: `), err.message);
          assert.ok(!err.message.includes('\n'), err.message);
          assert.ok(err.offset >= 0 && err.offset <= bytes.length, `offset ${err.offset} of ${bytes.length} bytes`);
        } finally {
          rmSync(path);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

/** Samples the memory held in Buffers while fn runs; returns the peak growth in bytes. */
async function peakBufferGrowth(fn: () => Promise<void>): Promise<number> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  };
  const timer = setInterval(sample, 2);
  try {
    await fn();
  } finally {
    clearInterval(timer);
    sample();
  }
  return peak - base;
}

const TAIL = 48 << 20;
const MAX_GROWTH = 8 << 20;

describe('reader on a block length of 0xFFFFFFF0', { skip }, () => {
  for (const gz of [false, true]) {
    it(`fails at the block without buffering the ${TAIL >> 20} MB after it (${gz ? 'gzip' : 'plain'})`, async () => {
      const src = FIXTURES!.find((f) => f.name === 'cat_write.scap')!.bytes;
      const first = blockSpans(src).find((s) => s.isEvent)!;
      const head = Buffer.from(src.subarray(0, first.offset + first.length));
      head.writeUInt32LE(0xfffffff0, first.offset + 4);
      const path = join(tmp, `huge-length-${gz ? 'gz' : 'plain'}.scap`);
      if (gz) {
        writeFileSync(path, gzipSync(Buffer.concat([head, Buffer.alloc(TAIL)]), { level: 1 }));
      } else {
        writeFileSync(path, head);
        truncateSync(path, head.length + TAIL); // a sparse tail of zeros
      }
      let error: unknown;
      const growth = await peakBufferGrowth(async () => {
        try {
          await readCapture(path, { header() {}, event() {} });
        } catch (err) {
          error = err;
        }
      });
      assert.ok(error instanceof CaptureError, String(error));
      assert.equal(error.offset, first.offset);
      assert.ok(growth < MAX_GROWTH, `buffered ${(growth / 2 ** 20).toFixed(1)} MB`);
    });
  }
});
