// Live events rewritten for sysdig 0.29.3 (src/capture/compat.ts): each newer event becomes the
// 2022 event its driver wrote for the call, with the 2022 parameters, after a synthesized enter
// event. Checked on the converted events, then by writing them to a capture that sysdig and
// `ghostwatch events` must print alike, with the fds the enter events make known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LegacyConverter, liveEventsWrittenAs } from '../../src/capture/compat.js';
import { EVENT_TABLE, LEGACY_EVENT_COUNT, legacyParamCount } from '../../src/capture/event-table.js';
import type { Event } from '../../src/capture/event.js';
import { CaptureWriter } from '../../src/capture/writer.js';
import { repoRoot } from '../helpers.js';
import { ev, fileFd, header, list, proc, tuple4 } from '../state/event-builder.js';
import { sysdigSkip } from '../support/sysdig.js';

const ghostwatchBuilt = spawnSync(join(repoRoot, 'bin', 'ghostwatch'), ['fields', '--brief']).status === 0;
const TID = 4242;

/** The events convert() emits for one live event, as [type, nparams, params as ints or strings]. */
function convert(e: Event, converter = new LegacyConverter()): { type: number; name: string; params: (number | string)[] }[] {
  const out: { type: number; name: string; params: (number | string)[] }[] = [];
  converter.convert(e, (x) => {
    const info = EVENT_TABLE[x.type];
    const params = Array.from({ length: x.nparams }, (_, i) => {
      const p = info.params[i];
      return p.type === 9 || p.type === 17 || p.type === 43 ? x.paramStr(i) : x.paramInt(i);
    });
    out.push({ type: x.type, name: `${info.dir}${info.name}`, params });
  });
  return out;
}

/** A clone-family exit of the probe's layout (21 parameters). */
function cloneExit(type: number, res: number): Event {
  return ev(type, TID, [res, 'app', list(['a']), TID, TID, 1, '/', 1024, 0, 0, { u32: 0 }, { u32: 0 }, { u32: 0 }, 'app',
    list(['cpu=/']), { u32: 0 }, { u32: 0 }, { u32: 0 }, TID, TID, 0]);
}

test('dup2, dup3 and the newer dup become the 2022 dup, whose enter event names the old fd', () => {
  for (const [type, params] of [[363, [5, 3, 5]], [365, [5, 3, 5, { u32: 0 }]], [367, [5, 3]]] as const) {
    assert.deepEqual(convert(ev(type, TID, [...params])), [
      { type: 124, name: '>dup', params: [3] },
      { type: 125, name: '<dup', params: [5] },
    ], `event ${type}`);
  }
});

test('accept4 becomes the 2022 accept4 event, pipe2 becomes pipe, each with its enter event', () => {
  const tuple = tuple4('10.0.0.9', 40000, '10.0.0.5', 80);
  const accept4 = convert(ev(389, TID, [8, tuple, { u8: 0 }, { u32: 1 }, { u32: 128 }, { u32: 0 }]));
  assert.deepEqual(accept4.map((e) => [e.type, e.name, e.params.length]), [[248, '>accept', 1], [249, '<accept', 5]]);
  assert.deepEqual(convert(ev(393, TID, [0, 6, 7, 999n, { u32: 0 }])), [
    { type: 60, name: '>pipe', params: [] },
    { type: 61, name: '<pipe', params: [0, 6, 7, 999] },
  ]);
});

test('calls the 2022 driver had no event for are written as its generic syscall event', () => {
  // setreuid: PPM_SC 123, x86_64 syscall 113; memfd_create was beyond its table (PPM_SC 0), syscall 319.
  assert.deepEqual(convert(ev(427, TID, [0, { u32: 1000 }, { u32: 1000 }])), [
    { type: 0, name: '>syscall', params: [123, 113] },
    { type: 1, name: '<syscall', params: [123] },
  ]);
  assert.deepEqual(convert(ev(405, TID, [9, 'x', { u32: 0 }])).map((e) => e.params), [[0, 319], [0]]);
});

test('bpf becomes the 2022 bpf events: the command on enter, on exit the new fd of a program or map load, else the result', () => {
  const dyn = (e: Event) => [e.buf[e.paramOffset(0)], e.buf.readBigInt64LE(e.paramOffset(0) + 1)];
  const cases = [[7, 5, 0, 7n], [4, 0, 0, 4n], [0, 12, 1, 0n], [-1, 5, 1, -1n]] as const; // PROG_LOAD, MAP_CREATE, PROG_GET_NEXT_ID, failed
  for (const [res, cmd, index, value] of cases) {
    const out: (number | bigint | undefined)[][] = [];
    new LegacyConverter().convert(ev(369, TID, [res, { u32: cmd }]), (e) => {
      out.push(e.type === 296 ? [296, e.paramInt(0)] : [297, e.paramLen(0), ...dyn(e)]);
    });
    assert.deepEqual(out, [[296, cmd], [297, 9, index, value]], `bpf cmd ${cmd} res ${res}`);
  }
});

test('2022 events keep their 2022 parameters only, after an enter event built from the exit', () => {
  // openat: fd, dirfd, name, flags (O_RDONLY|O_F_CREATED), mode, dev, ino.
  const created = 1 | (1 << 14);
  assert.deepEqual(convert(ev(307, TID, [3, -100, '/tmp/x', { u32: created }, { u32: 0o644 }, { u32: 0xfe00 }, 77n])), [
    // The enter event has the call's flags: O_F_CREATED says what the open did, not what it asked.
    { type: 306, name: '>openat', params: [-100, '/tmp/x', 1, 0o644] },
    { type: 307, name: '<openat', params: [3, -100, '/tmp/x', created, 0o644, 0xfe00] },
  ]);
  assert.deepEqual(convert(ev(5, TID, [0, 3])), [
    { type: 4, name: '>close', params: [3] },
    { type: 5, name: '<close', params: [0] },
  ]);
});

test('no enter event for the child side of clone, nor for enter-only events', () => {
  assert.deepEqual(convert(cloneExit(223, 0)).map((e) => e.name), ['<clone']);
  assert.deepEqual(convert(cloneExit(223, 77)).map((e) => e.name), ['>clone', '<clone']);
  assert.deepEqual(convert(ev(186, TID, [0, 0, { u8: 0 }, { u8: 0 }])).map((e) => e.name), ['>procexit']);
});

test('events sysdig 0.29.3 cannot be given anything for are dropped', () => {
  const emitted: number[] = [];
  // mlock (2022 drivers had no event for it, nor a PPM_SC).
  assert.equal(new LegacyConverter().convert(ev(345, TID, [0, 0n, 0n]), (e) => emitted.push(e.type)), false);
  assert.deepEqual(emitted, []);
});

test('every event the converter emits is one sysdig 0.29.3 knows, with at most its parameters', () => {
  const c = new LegacyConverter();
  for (const info of EVENT_TABLE) {
    const params = info.params.map(() => 0);
    c.convert(ev(info.id, TID, params), (e) => {
      assert.ok(e.type < LEGACY_EVENT_COUNT, `${info.name} (${info.id}) written as ${e.type}`);
      assert.ok(e.nparams <= legacyParamCount(EVENT_TABLE[e.type]), `${info.name} (${info.id}) has too many parameters`);
    });
  }
});

test('in capture mode the probe sends the enter events: none is synthesized, its own pass as they are', () => {
  const capture = new LegacyConverter({ probeEnters: true });
  // openat's exit alone; its enter (dirfd, name, flags, mode) as the probe sent it, at its own time.
  assert.deepEqual(convert(ev(307, TID, [3, -100, '/etc/hosts', { u32: 1 }, { u32: 0 }, { u32: 0x801 }, 12n]), capture).map((e) => e.name), ['<openat']);
  assert.deepEqual(convert(ev(306, TID, [-100, '/etc/hosts', { u32: 1 }, { u32: 0 }]), capture), [
    { type: 306, name: '>openat', params: [-100, '/etc/hosts', 1, 0] },
  ]);
  // The newer exits still become their 2022 events.
  assert.deepEqual(convert(ev(363, TID, [5, 3, 5]), capture), [{ type: 125, name: '<dup', params: [5] }]);
});

test("the probe's generic events, which carry only the call's x86_64 number, get sysdig 0.29.3's syscall id", () => {
  const capture = new LegacyConverter({ probeEnters: true });
  // mprotect is call 10 (PPM_SC 75), sched_yield 24 (PPM_SC 99), rseq 334 (unknown to that driver: 0).
  assert.deepEqual(convert(ev(0, TID, [{ u16: 0 }, { u16: 24 }]), capture), [{ type: 0, name: '>syscall', params: [99, 24] }]);
  assert.deepEqual(convert(ev(1, TID, [{ u16: 0 }, { u16: 24 }]), capture), [{ type: 1, name: '<syscall', params: [99] }]);
  assert.deepEqual(convert(ev(1, TID, [{ u16: 0 }, { u16: 10 }]), capture)[0].params, [75]);
  assert.deepEqual(convert(ev(1, TID, [{ u16: 0 }, { u16: 334 }]), capture)[0].params, [0]);
});

test('a filter on the written events needs the live events written as them', () => {
  const names = liveEventsWrittenAs(new Set([124, 125]));
  assert.deepEqual([...names].sort(), ['dup', 'dup2', 'dup3']);
  assert.ok(liveEventsWrittenAs(new Set([248, 249])).has('accept4'));
  assert.ok(liveEventsWrittenAs(new Set([61])).has('pipe2'));
});

test('a converted capture prints the same in sysdig and ghostwatch, with the fds its enter events carry',
  { skip: sysdigSkip !== false ? sysdigSkip : !ghostwatchBuilt ? 'ghostwatch is not built (npm run build)' : false }, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-compat-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'converted.scap');
    const w = new CaptureWriter(file);
    w.writeHeader(header([proc({ tid: TID, comm: 'app', exe: 'app' })], [fileFd(TID, 3, '/etc/passwd')]));
    const c = new LegacyConverter();
    const write = (e: Event) => c.convert(e, (x) => w.writeEvent(x));
    const tuple = tuple4('10.0.0.9', 40000, '10.0.0.5', 80);
    write(ev(363, TID, [5, 3, 5])); // dup2(3, 5)
    write(ev(7, TID, [10, Buffer.alloc(0), 5, { u32: 100 }])); // read(5)
    write(ev(5, TID, [0, 5])); // close(5)
    write(ev(7, TID, [-9, Buffer.alloc(0), 5, { u32: 100 }])); // read(5) after the close: no file
    write(ev(393, TID, [0, 6, 7, 999n, { u32: 0 }])); // pipe2
    write(ev(389, TID, [8, tuple, { u8: 0 }, { u32: 1 }, { u32: 128 }, { u32: 0 }])); // accept4
    write(ev(427, TID, [0, { u32: 1000 }, { u32: 1000 }])); // setreuid
    write(ev(405, TID, [9, 'x', { u32: 0 }])); // memfd_create
    write(ev(369, TID, [11, { u32: 5 }])); // bpf(BPF_PROG_LOAD)
    write(ev(345, TID, [0, 0n, 0n])); // mlock: nothing for it in 2022
    write(ev(3, TID, [10, Buffer.alloc(0), { u32: 1 }, { u32: 0 }, { u32: 0x1f }, 5n])); // open with an empty name
    w.close();

    const sysdig = spawnSync('sysdig', ['-r', file, '-p', '%evt.dir %evt.type %evt.args'], { encoding: 'utf8' });
    assert.equal(sysdig.status, 0, sysdig.stderr);
    assert.deepEqual(sysdig.stdout.trimEnd().split('\n').map((l) => l.trimEnd()), [
      '> dup fd=3(<f>/etc/passwd)',
      '< dup res=5(<f>/etc/passwd)',
      '> read fd=5(<f>/etc/passwd) size=100',
      '< read res=10 data=',
      '> close fd=5(<f>/etc/passwd)',
      '< close res=0',
      '> read fd=5 size=100',
      '< read res=-9(EBADF) data=',
      '> pipe',
      '< pipe res=0 fd1=6(<p>) fd2=7(<p>) ino=999',
      '> accept flags=0',
      '< accept fd=8(<4t>10.0.0.9:40000->10.0.0.5:80) tuple=10.0.0.9:40000->10.0.0.5:80 queuepct=0 queuelen=1 queuemax=128',
      // sysdig names generic events after their call and shows no arguments for them.
      '> setreuid',
      '< setreuid',
      // memfd_create was unknown to the 2022 tables: that driver recorded it as this too.
      '> <unknown>',
      '< <unknown>',
      '> bpf cmd=5',
      '< bpf res_or_fd=11',
      // An empty string (no NUL) is written as a lone NUL, which sysdig reads as the empty path
      // (resolved against the cwd); without its NUL it would read the bytes that follow.
      '> open name=(/) flags=1(O_RDONLY) mode=0',
      '< open fd=10(<f>/) name=(/) flags=1(O_RDONLY) mode=0 dev=1F',
    ]);
    for (const args of [['-r', file], ['-r', file, '-p', '%evt.num %proc.name %fd.name %fd.type %evt.info']]) {
      const ours = spawnSync(join(repoRoot, 'bin', 'ghostwatch'), ['events', ...args], { encoding: 'utf8' });
      assert.equal(ours.status, 0, ours.stderr);
      assert.equal(ours.stdout, spawnSync('sysdig', args, { encoding: 'utf8' }).stdout, args.join(' '));
    }
  });
