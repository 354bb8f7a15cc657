// The state the newer process and fd fields read: executables and files in an overlayfs's lower or
// upper layer, the process group inherited across fork, the executable's ctime against its pid
// namespace's start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { State } from '../../src/state/state.js';
import { E } from '../../src/state/event-ids.js';
import { ExeFlag, FdFlag, OpenFlag } from '../../src/capture/flags.js';
import { ev, header, list, proc, type Param } from './event-builder.js';

const PIDNS_START = 1_600_000_000_000_000_000;
const CTIME = 1_600_000_005_000_000_000;

function seeded(): State {
  const s = new State();
  s.seed(header([
    proc({ tid: 100, ptid: 1, comm: 'sh', cwd: '/app', pgid: 100, vpgid: 100, pidnsInitStartTs: PIDNS_START }),
    proc({ tid: 1, ptid: 0, comm: 'systemd' }),
  ]));
  return s;
}

/** An execve exit of the newest drivers (30 parameters): exe flags, capabilities, inode, pgid... */
function execveExit(tid: number, exeFlags: number, exe: { ino: number; ctime: number } | undefined, pgid: number): ReturnType<typeof ev> {
  const params: Param[] = [
    0, '/bin/app', list(['app']), tid, tid, 1, '', 1024, 0, 0, { u32: 0 }, { u32: 0 }, { u32: 0 }, 'app', list([]),
    list(['A=1']), { u32: 0 }, tid, { u32: 1000 }, { u32: exeFlags }, 0n, 0n, 0n,
  ];
  if (exe !== undefined) params.push(BigInt(exe.ino), BigInt(exe.ctime), BigInt(exe.ctime), { u32: 0 }, '/bin/app', pgid, { u32: 0 });
  return ev(E.EXECVE_19_X, tid, params);
}

/** The parent's side of a fork (clone exit version 20; the last two are the caller's own ids in its namespace). */
function forkExit(tid: number, child: number): ReturnType<typeof ev> {
  return ev(E.CLONE_20_X, tid, [
    child, 'sh', list([]), tid, tid, 1, '', 1024, 0, 0, { u32: 0 }, { u32: 0 }, { u32: 0 }, 'sh', list([]), { u32: 0 },
    { u32: 0 }, { u32: 0 }, tid, tid,
  ]);
}

test('execve records an executable in the lower layer and its ctime since the pid namespace started', () => {
  const s = seeded();
  s.process(ev(E.EXECVE_19_E, 100, ['/bin/app']));
  s.process(execveExit(100, ExeFlag.LOWER_LAYER, { ino: 42, ctime: CTIME }, 100));
  const t = s.thread(100)!;
  assert.equal(t.exeLowerLayer, true);
  assert.equal(t.exeUpperLayer, false);
  assert.equal(t.exeInoCtimeDurationPidnsStart, 5_000_000_000);
  assert.equal(t.pgid, 100);
  // A later execve of an upper-layer file clears the lower-layer mark.
  s.process(ev(E.EXECVE_19_E, 100, ['/bin/app']));
  s.process(execveExit(100, ExeFlag.UPPER_LAYER, undefined, 100));
  assert.equal(t.exeLowerLayer, false);
  assert.equal(t.exeUpperLayer, true);
});

test('an executable changed before the pid namespace started has no ctime duration', () => {
  const s = seeded();
  s.process(ev(E.EXECVE_19_E, 100, ['/bin/app']));
  s.process(execveExit(100, 0, { ino: 42, ctime: PIDNS_START - 1_000_000_000 }, 100));
  assert.ok(s.thread(100)!.exeInoCtimeDurationPidnsStart === 0);
});

test('a forked child inherits the process group and the executable\'s layer, not the ctime duration', () => {
  const s = seeded();
  s.process(ev(E.EXECVE_19_E, 100, ['/bin/app']));
  s.process(execveExit(100, ExeFlag.LOWER_LAYER, { ino: 42, ctime: CTIME }, 100));
  s.process(forkExit(100, 200));
  const child = s.thread(200)!;
  assert.equal(child.pgid, 100);
  assert.equal(child.vpgid, 100);
  assert.equal(child.exeLowerLayer, true);
  assert.ok(child.exeInoCtimeDurationPidnsStart === 0);
});

test('the process list gives the executable\'s lower-layer mark and the process group', () => {
  const s = new State();
  s.seed(header([proc({ tid: 100, pgid: 77, exeLowerLayer: true }), proc({ tid: 101, pgid: 77 })]));
  s.process(ev(E.CLOSE_E, 100, [9]));
  assert.equal(s.thread(100)!.exeLowerLayer, true);
  assert.equal(s.thread(100)!.pgid, 77);
  assert.equal(s.thread(101)!.exeLowerLayer, false);
});

test('an open keeps the overlayfs layer its exit event reports, even when the enter event\'s flags win', () => {
  const s = seeded();
  s.process(ev(E.OPEN_E, 100, ['/etc/passwd', { u32: OpenFlag.RDONLY }, { u32: 0 }]));
  const upper = ev(E.OPEN_X, 100, [3, '/etc/passwd', { u32: OpenFlag.RDONLY | OpenFlag.FD_UPPER_LAYER }, { u32: 0 }, { u32: 0 }, 1234n]);
  s.process(upper);
  assert.equal(((upper.fd?.flags ?? 0) & FdFlag.OVERLAY_UPPER) !== 0, true);
  assert.equal(((upper.fd?.flags ?? 0) & FdFlag.OVERLAY_LOWER) !== 0, false);
  assert.equal(upper.fd?.ino, 1234);

  const lower = ev(E.OPENAT_2_X, 100, [4, -100, 'lib.so', { u32: OpenFlag.RDONLY | OpenFlag.FD_LOWER_LAYER }, { u32: 0 }, { u32: 0 }, 99n]);
  s.process(lower);
  assert.equal(((lower.fd?.flags ?? 0) & FdFlag.OVERLAY_LOWER) !== 0, true);

  // creat has no flags parameter: the layer comes in creat_flags.
  const creat = ev(E.CREAT_X, 100, [5, '/tmp/new', { u32: 0o644 }, { u32: 0 }, 7n, { u16: 1 }]);
  s.process(creat);
  assert.equal(((creat.fd?.flags ?? 0) & FdFlag.OVERLAY_UPPER) !== 0, true);

  const plain = ev(E.OPEN_X, 100, [6, '/etc/hosts', { u32: OpenFlag.RDONLY }, { u32: 0 }, { u32: 0 }, 5n]);
  s.process(plain);
  assert.equal((plain.fd?.flags ?? 0) & (FdFlag.OVERLAY_UPPER | FdFlag.OVERLAY_LOWER), 0);
});
