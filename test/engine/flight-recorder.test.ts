// The flight recorder without the probe: events of known times go into its ring, alerts of real
// rules trigger it, and the captures it writes are read back with the capture reader.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Event } from '../../src/capture/event.js';
import { eventId } from '../../src/capture/event-table.js';
import { readCapture } from '../../src/capture/reader.js';
import type { FlightRecorderConfig } from '../../src/config/config.js';
import { EventRing, FlightRecorder } from '../../src/engine/flight-recorder.js';
import { loadRules, type LoadedRule } from '../../src/rules/index.js';
import { State } from '../../src/state/state.js';
import { ev, header, proc } from '../state/event-builder.js';

const SECOND = 1_000_000_000n;
const T0 = 1_700_000_000n * SECOND;
const OPENAT_X = eventId('openat', '<').at(-1)!;

/** An openat of `path` by thread 100, at T0 + `s` seconds. */
function openAt(s: number, path = `/tmp/f${s}`, size = 0): Event {
  return ev(OPENAT_X, 100, [3, -100, path + 'x'.repeat(size), { u32: 1 }, { u32: 0 }, { u32: 0 }, 0], { ts: T0 + BigInt(Math.round(s * 1e9)) });
}

const RULES = loadRules([{
  name: 'r.yaml', content: `
- rule: shadow read
  desc: d
  condition: evt.type = openat
  output: o
  priority: WARNING
- rule: noise
  desc: d
  condition: evt.type = openat
  output: o
  priority: DEBUG
`,
}]).rules;
const rule = (name: string): LoadedRule => RULES.find((r) => r.name === name)!;

function recorder(over: Partial<FlightRecorderConfig> = {}) {
  const dir = over.dir ?? mkdtempSync(join(tmpdir(), 'gw-recorder-'));
  const written: string[] = [];
  const failed: string[] = [];
  const r = new FlightRecorder({ beforeS: 3, afterS: 2, maxBytes: 64 << 20, dir, maxFiles: 0, rules: [], minPriority: 7, ...over }, new State(), {
    written: (p) => written.push(p), failed: (m) => failed.push(m),
  });
  r.start(header([proc({ tid: 100, comm: 'cat' })]));
  return { r, dir, written, failed };
}

/** The seconds (from T0) of the events of a capture. */
async function secondsIn(path: string): Promise<number[]> {
  const out: number[] = [];
  await readCapture(path, {
    header: () => undefined,
    event: (e) => {
      if (e.type === OPENAT_X) out.push(Number(e.ts() - T0) / 1e9);
    },
  });
  return out;
}

describe('flight recorder', () => {
  it('writes the events from before_s before an alert to after_s after it, once an event passes the end', async () => {
    const { r, written } = recorder();
    for (let s = 0; s <= 20; s++) {
      const e = openAt(s);
      r.event(e);
      if (s === 10) assert.match(r.alert(rule('shadow read'), e)!, /_shadow-read_[0-9a-f-]{36}\.scap$/);
      // Nothing is written before the window is over.
      if (s === 12) assert.deepEqual(written, []);
    }
    await r.stop();
    assert.equal(written.length, 1);
    assert.match(written[0], /\/2023-11-14T22-13-30-000Z_shadow-read_[0-9a-f-]{36}\.scap$/);
    assert.deepEqual(await secondsIn(written[0]), [7, 8, 9, 10, 11, 12]);
    assert.deepEqual(r.stats, { recordings: 1, failures: 0, lastError: '' });
  });

  it('alerts close together share one capture, which runs to after_s after the last', async () => {
    const { r, written } = recorder();
    for (let s = 0; s <= 20; s++) {
      const e = openAt(s);
      r.event(e);
      if (s === 10) r.alert(rule('shadow read'), e);
      if (s === 11) r.alert(rule('noise'), e);
    }
    await r.stop();
    assert.equal(written.length, 1);
    assert.deepEqual(await secondsIn(written[0]), [7, 8, 9, 10, 11, 12, 13]);
  });

  it('only the rules named, at the priority given or more severe, trigger it', async () => {
    const named = recorder({ rules: ['noise'] });
    const severe = recorder({ minPriority: 4 });
    for (const { r } of [named, severe]) {
      const e = openAt(1);
      r.event(e);
      r.alert(rule(r === named.r ? 'shadow read' : 'noise'), e);
      r.event(openAt(10));
      await r.stop();
    }
    assert.deepEqual([named.written, severe.written], [[], []]);
  });

  it('keeps at most max_files captures, the newest', async () => {
    const { r, dir, written } = recorder({ maxFiles: 2 });
    for (let s = 0; s <= 40; s++) {
      const e = openAt(s);
      r.event(e);
      if (s % 10 === 5) {
        r.alert(rule('shadow read'), e);
        // Each capture is out before the next one is made (their names sort by alert time).
        await new Promise((done) => setTimeout(done, 50));
      }
    }
    await r.stop();
    assert.equal(written.length, 4);
    assert.deepEqual(readdirSync(dir).sort(), written.slice(2).map((p) => p.split('/').pop()).sort());
  });

  it('a capture that cannot be written is counted and said', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'gw-recorder-')), 'file');
    writeFileSync(blocker, '');
    const { r, written, failed } = recorder({ dir: join(blocker, 'sub') });
    const e = openAt(1);
    r.event(e);
    r.alert(rule('shadow read'), e);
    r.event(openAt(10));
    await r.stop();
    assert.deepEqual(written, []);
    assert.equal(failed.length, 1);
    assert.match(failed[0], /ENOTDIR/);
    assert.equal(r.stats.failures, 1);
  });
});

describe('event ring', () => {
  it('drops the oldest events beyond max_bytes, in whole chunks', () => {
    const ring = new EventRing(2 << 20, 1e12);
    // 64 events of about 60 KiB: near 4 MiB in all, twice the bound.
    for (let s = 0; s < 64; s++) ring.push(openAt(s, `/tmp/${s}-`, 60 << 10));
    const kept: number[] = [];
    ring.forEach(0, Infinity, (e) => kept.push(Number(e.ts() - T0) / 1e9));
    assert.ok(kept.length >= 16 && kept.length < 48, `${kept.length} kept`);
    assert.equal(kept.at(-1), 63);
    assert.deepEqual(kept, kept.map((_, i) => 64 - kept.length + i));
  });

  it('drops chunks whose events are all older than it keeps', () => {
    const ring = new EventRing(64 << 20, 5e9);
    // 1 MiB chunks: each holds 17 events of about 60 KiB, one per second.
    for (let s = 0; s < 60; s++) ring.push(openAt(s, `/tmp/${s}-`, 60 << 10));
    const kept: number[] = [];
    ring.forEach(0, Infinity, (e) => kept.push(Number(e.ts() - T0) / 1e9));
    assert.ok(kept[0] >= 59 - 5 - 16 && kept[0] <= 54, `oldest kept: ${kept[0]}`);
    assert.equal(kept.at(-1), 59);
  });
});
