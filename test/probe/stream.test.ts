// The TypeScript half of the live probe without the kernel: the stream it hands the reader (the
// caller's header blocks, then the loader's event blocks arriving in pieces) and its counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { readCaptureSource } from '../../src/capture/reader.js';
import { encodeHeader } from '../../src/capture/writer.js';
import type { CaptureHeader } from '../../src/capture/records.js';
import { byEventName, countsFrom } from '../../src/probe/counts.js';
import { streamSource } from '../../src/probe/stream-source.js';
import { State } from '../../src/state/state.js';
import { ev, fileFd, header, proc } from '../state/event-builder.js';

const OPENAT_X = 307;
const CLOSE_X = 5;

/** An event wrapped as the loader wraps each ring-buffer record: an EV_BLOCK_TYPE_V2 block. */
function block(cpu: number, type: number, tid: number, params: Parameters<typeof ev>[2]): Buffer {
  const e = ev(type, tid, params);
  const body = Buffer.concat([Buffer.from([cpu & 0xff, cpu >> 8]), e.buf.subarray(0, e.len)]);
  const pad = (4 - ((8 + body.length) % 4)) % 4;
  const total = 8 + body.length + pad + 4;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(0x216, 0);
  b.writeUInt32LE(total, 4);
  body.copy(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

test('the live stream is the header blocks, then event blocks read as they arrive, in any pieces', async () => {
  const h: CaptureHeader = header([proc({ tid: 42, comm: 'cat', exe: 'cat', cwd: '/etc/' })], [fileFd(42, 1, '/dev/null')]);
  const events = Buffer.concat([
    block(1, OPENAT_X, 42, [3, -100, 'hostname', { u32: 1 }, { u32: 0 }, { u32: 0xfe00 }, 1234n]),
    block(0, CLOSE_X, 42, [0, 3]),
  ]);
  const pipe = new PassThrough();
  const seen: string[] = [];
  const state = new State();
  let procs = 0;
  const reading = readCaptureSource('live probe', streamSource(encodeHeader(h), pipe), {
    header(hdr) {
      procs = hdr.procs.length;
      state.seed(hdr);
    },
    event(e) {
      state.process(e);
      seen.push(`${e.num} cpu${e.cpu} ${e.thread?.comm} type${e.type} fd=${e.fdNum} ${e.fd?.name ?? '-'}`);
    },
  });
  // The loader's writes reach the reader in arbitrary pieces: one byte at a time here.
  for (let i = 0; i < events.length; i++) {
    pipe.write(events.subarray(i, i + 1));
    if (i % 7 === 0) await new Promise((r) => setImmediate(r));
  }
  pipe.end();
  await reading;
  assert.equal(procs, 1);
  assert.deepEqual(seen, ['1 cpu1 cat type307 fd=3 /etc/hostname', '2 cpu0 cat type5 fd=3 /etc/hostname']);
});

test('an empty live stream still delivers its header', async () => {
  const pipe = new PassThrough();
  pipe.end();
  let hostname = '';
  await readCaptureSource('live probe', streamSource(encodeHeader(header([])), pipe), {
    header(hdr) {
      hostname = hdr.machine?.hostname ?? '';
    },
    event() {
      assert.fail('no events were sent');
    },
  });
  assert.equal(hostname, 'testhost');
});

test('the loader counts lines become counts per event type id and per event name', () => {
  const c = countsFrom({ events: { '307': 10, '5': 4, '3': 1 }, drops: { '307': 2, '3': 1 } });
  assert.equal(c.totalEvents, 15);
  assert.equal(c.totalDrops, 3);
  assert.equal(c.drops.get(307), 2);
  assert.deepEqual(byEventName(c.drops), { openat: 2, open: 1 });
  assert.deepEqual(byEventName(c.events), { openat: 10, close: 4, open: 1 });
});
