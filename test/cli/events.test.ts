// `ghostwatch events` end to end, through bin/ghostwatch as a user runs it: sysdig's default line and
// filters on every fixture capture, -n, -w read back by sysdig, and one-line errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readCapture } from '../../src/capture/reader.js';
import { CaptureWriter } from '../../src/capture/writer.js';
import { E } from '../../src/state/event-ids.js';
import { ev } from '../state/event-builder.js';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';
import { sysdigSkip } from '../support/sysdig.js';

const traces = sharedPath('falco', 'legacy-tests', 'trace_files');
const captures = traces ? readdirSync(traces).filter((f) => f.endsWith('.scap')).map((f) => join(traces, f)) : [];
const tmp = mkdtempSync(join(tmpdir(), 'gw-events-'));

function ghostwatch(...args: string[]) {
  const r = spawnSync(join(repoRoot, 'bin', 'ghostwatch'), ['events', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function sysdig(...args: string[]): string {
  const r = spawnSync('sysdig', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

if (captures.length === 0) test('events on the shared captures', { skip: SHARED_MISSING }, () => {});

// Filters that keep different subsets through different parts of the state (threads, fds, sockets).
const FILTERS = [
  'evt.type=open',
  'evt.dir=< and evt.type in (read, write, recvfrom, sendto, sendmsg, connect, accept)',
  'proc.name=cat and fd.name contains passwd',
  'fd.typechar=4 or fd.typechar=u',
  'not evt.type in (open, close) and evt.res != 0',
];

for (const file of captures) {
  const name = file.slice(file.lastIndexOf('/') + 1);
  test(`default line of ${name} is sysdig's`, { skip: sysdigSkip }, () => {
    const ours = ghostwatch('-r', file);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stdout, sysdig('-r', file));
  });

  test(`filters keep the same events of ${name} as sysdig`, { skip: sysdigSkip }, () => {
    for (const f of FILTERS) {
      const ours = ghostwatch('-r', file, f);
      assert.equal(ours.status, 0, ours.stderr);
      assert.equal(ours.stdout, sysdig('-r', file, f), `filter: ${f}`);
    }
  });

  test(`a filtered -w copy of ${name} reads the same in sysdig and ghostwatch`, { skip: sysdigSkip }, () => {
    const out = join(tmp, `w-${name}`);
    const w = ghostwatch('-r', file, '-w', out, 'evt.type in (open, openat, execve, connect, sendmsg)');
    assert.equal(w.status, 0, w.stderr);
    const back = ghostwatch('-r', out, '-v');
    assert.equal(back.status, 0, back.stderr);
    assert.equal(back.stdout, sysdig('-r', out, '-v'));
    // The kept events are all there, with their state: same lines as filtering the original, but evt.num.
    const strip = (s: string) => s.split('\n').map((l) => l.replace(/^\d+ /, '')).join('\n');
    assert.equal(strip(back.stdout), strip(ghostwatch('-r', file, '-v', 'evt.type in (open, openat, execve, connect, sendmsg)').stdout));
  });
}

test('-n stops after that many events, counting those sysdig counts', { skip: (captures.length === 0 && SHARED_MISSING) || (sysdigSkip) }, () => {
  const file = join(traces!, 'cat_write.scap');
  const r = ghostwatch('-r', file, '-n', '140', '-p', '%evt.num');
  assert.equal(r.status, 0);
  // The first 130 events are internal (procinfo): counted, not printed.
  assert.equal(r.stdout.trim().split('\n').length, 10);
  assert.equal(r.stdout, sysdig('-r', file, '-n', '140', '-p', '%evt.num'));
});

/** The first capture, decompressed, to damage in place. */
function plainCapture(): Buffer {
  return gunzipSync(readFileSync(join(traces!, 'cat_write.scap')));
}
/** Offset of the n-th block whose type is an event block. */
function eventBlockOffset(b: Buffer, n: number): number {
  let off = 0;
  for (let seen = 0; off < b.length; off += b.readUInt32LE(off + 4)) {
    if (b.readUInt32LE(off) === 0x204 && ++seen === n) return off;
  }
  throw new Error('not enough event blocks');
}
function expectOneLineError(r: ReturnType<typeof ghostwatch>, ...parts: string[]) {
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^ghostwatch: /);
  for (const p of parts) assert.ok(lines[0].includes(p), `${lines[0]} should mention ${p}`);
  assert.ok(!r.stderr.includes('    at '), 'no stack trace');
}

test('a truncated capture prints the events before the cut, then one line naming the offset', { skip: captures.length === 0 && SHARED_MISSING }, () => {
  const b = plainCapture();
  const cut = eventBlockOffset(b, 200) + 10;
  const f = join(tmp, 'truncated.scap');
  writeFileSync(f, b.subarray(0, cut));
  const r = ghostwatch('-r', f, '-p', '*%evt.num');
  expectOneLineError(r, f, `byte offset ${cut - 10}`, 'truncated');
  assert.equal(r.stdout.trim().split('\n').at(-1), '199');
});

test('a corrupt block length is reported where the block starts', { skip: captures.length === 0 && SHARED_MISSING }, () => {
  const b = plainCapture();
  const at = eventBlockOffset(b, 150);
  b.writeUInt32LE(7, at + 4);
  const f = join(tmp, 'badlen.scap');
  writeFileSync(f, b);
  const r = ghostwatch('-r', f, '-p', '*%evt.num');
  expectOneLineError(r, f, `byte offset ${at}`, 'length');
  assert.equal(r.stdout.trim().split('\n').at(-1), '149');
});

test('an unknown block type and an unknown event type are errors with their offset', { skip: captures.length === 0 && SHARED_MISSING }, () => {
  const b = plainCapture();
  const at = eventBlockOffset(b, 20);
  const unknownBlock = Buffer.from(b);
  unknownBlock.writeUInt32LE(0x7777, at);
  writeFileSync(join(tmp, 'block.scap'), unknownBlock);
  expectOneLineError(ghostwatch('-r', join(tmp, 'block.scap')), `byte offset ${at}`, '0x7777');
  const unknownEvent = Buffer.from(b);
  unknownEvent.writeUInt16LE(60000, at + 8 + 2 + 20);
  writeFileSync(join(tmp, 'event.scap'), unknownEvent);
  expectOneLineError(ghostwatch('-r', join(tmp, 'event.scap')), `byte offset ${at}`, 'unknown event type 60000');
});

test('empty, garbage and missing files are one-line errors', () => {
  writeFileSync(join(tmp, 'empty.scap'), '');
  expectOneLineError(ghostwatch('-r', join(tmp, 'empty.scap')), 'empty.scap', 'empty');
  writeFileSync(join(tmp, 'garbage.scap'), Buffer.from('this is not a capture at all, just text\n'.repeat(20)));
  expectOneLineError(ghostwatch('-r', join(tmp, 'garbage.scap')), 'garbage.scap', 'not a scap capture');
  expectOneLineError(ghostwatch('-r', join(tmp, 'no-such.scap')), 'no-such.scap', 'no such file');
});

test('a filter that does not parse or names an unknown field is a one-line error with its column', { skip: captures.length === 0 && SHARED_MISSING }, () => {
  expectOneLineError(ghostwatch('-r', captures[0], 'evt.type=open and ('), 'column 20');
  expectOneLineError(ghostwatch('-r', captures[0], 'proc.name=cat and nosuch.field=1'), 'nosuch.field', 'column 19');
});

test('a capture of newer drivers: the events sysdig 0.29.3 does not know are skipped and not numbered, as sysdig does; a container event shows proc.ppid 0', { skip: traces === undefined ? SHARED_MISSING : sysdigSkip }, async () => {
  const newer = join(tmp, 'newer.scap');
  const w = new CaptureWriter(newer);
  let n = 0;
  await readCapture(join(traces!, 'cat_write.scap'), {
    header: (h) => w.writeHeader(h),
    event(e) {
      if (++n === 5) {
        const ts = e.ts();
        w.writeEvent(ev(E.USER_ADDED_E, -1, [{ u32: 1001 }, { u32: 1001 }, 'bob', '/home/bob', '/bin/sh', ''], { ts }));
        w.writeEvent(ev(E.GROUP_ADDED_E, -1, [{ u32: 1001 }, 'bob', ''], { ts }));
        w.writeEvent(ev(E.CONTAINER_JSON_E, -1, [JSON.stringify({ container: { id: 'abcdefabcdef', type: 0, name: 'web', image: 'nginx', lookup_state: 1 } })], { ts }));
      }
      w.writeEvent(e);
    },
  });
  w.close();
  assert.equal(ghostwatch('-r', newer).stdout, sysdig('-r', newer));
  const f = '*%evt.num %evt.type %proc.pid %proc.ppid %proc.vpid %proc.name %container.name';
  assert.equal(ghostwatch('-r', newer, '-p', f, 'evt.type=container').stdout, sysdig('-r', newer, '-p', f, 'evt.type=container'));
  assert.match(ghostwatch('-r', newer, '-p', f, 'evt.type=container').stdout, / -1 0 -2 container:abcdefabcdef web\n$/);
});
