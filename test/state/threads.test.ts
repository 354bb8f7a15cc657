import { test } from 'node:test';
import assert from 'node:assert/strict';
import { State } from '../../src/state/state.js';
import { E } from '../../src/state/event-ids.js';
import { CloneFlag } from '../../src/capture/flags.js';
import { ev, fileFd, header, list, proc, type Param } from './event-builder.js';

const CLONE_FILES_THREAD = CloneFlag.CLONE_THREAD | CloneFlag.CLONE_FILES | CloneFlag.CLONE_FS;

interface CloneArgs {
  res: number; pid: number; ptid: number; flags?: number; comm?: string; exe?: string; args?: string[];
  cgroups?: string[]; uid?: number; vtid?: number; vpid?: number;
}

/** A clone exit (version 20) as thread `tid` sees it. */
function cloneExit(tid: number, a: CloneArgs): ReturnType<typeof ev> {
  const params: Param[] = [
    a.res, a.exe ?? 'bash', list(a.args ?? ['-c', 'ls']), tid, a.pid, a.ptid, '', 1024, 0, 0,
    { u32: 100 }, { u32: 10 }, { u32: 0 }, a.comm ?? 'bash', list(a.cgroups ?? []), { u32: a.flags ?? 0 },
    { u32: a.uid ?? 1000 }, { u32: 1000 }, a.vtid ?? tid, a.vpid ?? a.pid,
  ];
  return ev(E.CLONE_20_X, tid, params);
}

/** An execve exit (version 19) for thread `tid`. */
function execveExit(
  tid: number, pid: number, exe: string, args: string[], comm: string, extra: { env?: string[]; loginuid?: number } = {},
): ReturnType<typeof ev> {
  return ev(E.EXECVE_19_X, tid, [
    0, exe, list(args), tid, pid, 1, '', 2048, 0, 0, { u32: 200 }, { u32: 20 }, { u32: 0 }, comm, list([]),
    list(extra.env ?? ['PATH=/bin']), { i32: 34816 }, 77, { i32: extra.loginuid ?? 1000 }, { u32: 1 },
  ]);
}

function seeded(): State {
  const s = new State();
  s.seed(header(
    [proc({
      tid: 100, ptid: 1, comm: 'bash', exe: 'bash', exepath: '/bin/bash', cwd: '/home/u', env: ['HOME=/home/u'], sid: 100,
      tty: 34816,
    }),
      proc({ tid: 1, ptid: 0, comm: 'systemd' })],
    [fileFd(100, 3, '/etc/hosts')],
  ));
  return s;
}

test('the process list seeds threads, their cwd (with a trailing slash), env and fds', () => {
  const s = seeded();
  const t = s.thread(100)!;
  assert.equal(t.comm, 'bash');
  assert.equal(t.cwd, '/home/u/');
  assert.deepEqual(t.env, ['HOME=/home/u']);
  assert.equal(t.fds.get(3)?.name, '/etc/hosts');
  assert.equal(s.parent(t)?.comm, 'systemd');
  assert.equal(s.hostname, 'testhost');
  assert.equal(s.user(0)?.name, 'root');
  assert.equal(s.user(0xffffffff), undefined);
});

test('the parent side of a fork creates the child with the parent\'s fds, cwd and session', () => {
  const s = seeded();
  s.process(ev(E.CLONE_20_X - 1, 100, []));
  const e = cloneExit(100, { res: 200, pid: 100, ptid: 1, comm: 'bash' });
  assert.equal(s.process(e), true);
  assert.equal(e.thread?.tid, 100);
  const c = s.thread(200)!;
  assert.equal(c.pid, 200);
  assert.equal(c.ptid, 100);
  assert.equal(c.comm, 'bash');
  assert.deepEqual(c.args, ['-c', 'ls']);
  assert.equal(c.sid, 100);
  assert.equal(c.tty, 34816);
  assert.equal(c.cwd, '/home/u/');
  assert.deepEqual(c.env, ['HOME=/home/u']);
  assert.equal(c.fds.get(3)?.name, '/etc/hosts');
  assert.notEqual(c.fds.get(3), s.thread(100)!.fds.get(3), 'the child has its own copy');
  assert.equal(c.vmsizeKb, 100);
  assert.equal(c.uid, 1000);
});

test('a child whose clone returns first adds itself (inverted clone), and the parent\'s later exit keeps it', () => {
  const s = seeded();
  s.process(cloneExit(300, { res: 0, pid: 300, ptid: 100, comm: 'bash' }));
  const c = s.thread(300)!;
  assert.equal(c.ptid, 100);
  assert.ok((c.flags & CloneFlag.CLONE_INVERTED) !== 0);
  s.process(cloneExit(100, { res: 300, pid: 100, ptid: 1 }));
  assert.equal(s.thread(300), c, 'the inverted entry is not replaced');
});

test('threads share the main thread\'s fd table; the main thread stays while a thread lives', () => {
  const s = seeded();
  s.process(cloneExit(100, { res: 101, pid: 100, ptid: 1, flags: CLONE_FILES_THREAD }));
  const th = s.thread(101)!;
  assert.equal(th.pid, 100);
  assert.equal(s.mainThread(th), s.thread(100));
  assert.equal(th.fds, s.thread(100)!.fds);
  assert.equal(th.cwd, '/home/u/');
  assert.equal(s.thread(100)!.nchilds, 1);
  // The main thread exits first: it is kept (its thread still refers to it) until...
  s.process(ev(E.PROCEXIT_1_E, 100, [0, 0, { u8: 0 }, { u8: 0 }]));
  s.process(ev(E.PROCEXIT_1_E, 101, [0, 0, { u8: 0 }, { u8: 0 }]));
  assert.ok(s.thread(100) !== undefined, 'main thread kept while its thread lives');
  s.process(ev(E.CLOSE_E, 1, [5]));
  assert.equal(s.thread(101), undefined, 'the thread is gone once the next event starts');
  // ...its last thread is gone: then the process is (a Go program's exit would otherwise leave it).
  assert.equal(s.thread(100), undefined, 'the exited main thread is gone with its last thread');
});

test('a main thread that has not exited stays when its last thread exits', () => {
  const s = seeded();
  s.process(cloneExit(100, { res: 101, pid: 100, ptid: 1, flags: CLONE_FILES_THREAD }));
  s.process(ev(E.PROCEXIT_1_E, 101, [0, 0, { u8: 0 }, { u8: 0 }]));
  s.process(ev(E.CLOSE_E, 1, [5]));
  assert.equal(s.thread(101), undefined);
  assert.equal(s.thread(100)?.nchilds, 0);
});

test('procexit still shows the thread; it is removed when the next event starts', () => {
  const s = seeded();
  const e = ev(E.PROCEXIT_1_E, 100, [0, 0, { u8: 0 }, { u8: 0 }]);
  s.process(e);
  assert.equal(e.thread?.comm, 'bash');
  assert.ok(s.thread(100) !== undefined);
  s.process(ev(E.CLOSE_E, 1, [5]));
  assert.equal(s.thread(100), undefined);
});

test('purging removes the threads the system no longer has, with their fds; the others stay', () => {
  const s = seeded();
  s.process(cloneExit(100, { res: 101, pid: 100, ptid: 1, flags: CLONE_FILES_THREAD }));
  s.process(cloneExit(100, { res: 200, pid: 200, ptid: 100 }));
  // Process 100 and its thread 101 ended without their exits being seen; 1 and 200 still run.
  const alive = new Set([1, 200]);
  assert.equal(s.purgeThreads((tid) => alive.has(tid)), 2);
  assert.equal(s.thread(100), undefined);
  assert.equal(s.thread(101), undefined);
  assert.equal(s.thread(200)?.comm, 'bash');
  assert.equal(s.thread(200)?.fds.get(3)?.name, '/etc/hosts', 'the child keeps its copy of the fds');
  assert.equal(s.thread(1)?.comm, 'systemd');
  // A purged tid that shows up again is a new, unknown thread.
  const e = ev(E.CLOSE_E, 100, [3]);
  s.process(e);
  assert.equal(e.thread?.comm, '<NA>');
  assert.equal(e.fd, undefined);
  assert.equal(s.purgeThreads(() => true), 0);
});

test('an unknown thread is inferred as <NA> and an execve fills it in', () => {
  const s = seeded();
  const e = ev(E.CLOSE_E, 555, [4]);
  s.process(e);
  assert.equal(e.thread?.comm, '<NA>');
  assert.equal(e.thread.ptid, -1);
  assert.equal(e.thread.incomplete, true);
  assert.equal(e.thread.uid, 0xffffffff);
  s.process(ev(E.EXECVE_19_E, 555, ['/usr/bin/id']));
  s.process(execveExit(555, 555, '/usr/bin/id', ['-u'], 'id'));
  const t = s.thread(555)!;
  assert.equal(t.comm, 'id');
  assert.equal(t.ptid, 1, 'the parent comes from the execve');
  assert.equal(t.incomplete, false);
});

test('execve replaces exe, args, comm, env and computes exepath from the enter event and the cwd', () => {
  const s = seeded();
  s.process(ev(E.EXECVE_19_E, 100, ['./tools/../run.sh']));
  const x = execveExit(100, 100, './run.sh', ['a', 'b'], 'run.sh', { env: ['A=1', 'B=2'], loginuid: -1 });
  s.process(x);
  const t = s.thread(100)!;
  assert.equal(t.exe, './run.sh');
  assert.equal(t.comm, 'run.sh');
  assert.deepEqual(t.args, ['a', 'b']);
  assert.deepEqual(t.env, ['A=1', 'B=2']);
  assert.equal(t.exepath, '/home/u/run.sh');
  assert.equal(t.fdlimit, 2048);
  assert.equal(t.vpgid, 77);
  assert.equal(t.loginuid, -1);
  assert.equal(t.exeWritable, true);
  assert.equal(t.vmsizeKb, 200);
});

test('an execve whose enter event was not seen keeps the old exepath', () => {
  const s = seeded();
  s.process(execveExit(100, 100, 'ls', ['-l'], 'ls'));
  assert.equal(s.thread(100)!.exepath, '/bin/bash');
  assert.equal(s.thread(100)!.comm, 'ls');
});

test('chdir, fchdir and getcwd update the process cwd', () => {
  const s = seeded();
  s.process(ev(E.CHDIR_E, 100, []));
  s.process(ev(E.CHDIR_X, 100, [0, '../tmp/./x/']));
  assert.equal(s.thread(100)!.cwd, '/home/tmp/x/');
  s.process(ev(E.FCHDIR_E, 100, [3]));
  s.process(ev(E.FCHDIR_X, 100, [0]));
  assert.equal(s.thread(100)!.cwd, '/etc/hosts/');
  s.process(ev(E.GETCWD_X - 1, 100, []));
  s.process(ev(E.GETCWD_X, 100, [0, '/var/log']));
  assert.equal(s.thread(100)!.cwd, '/var/log/');
  s.process(ev(E.CHDIR_E, 100, []));
  s.process(ev(E.CHDIR_X, 100, [-2, 'nowhere']));
  assert.equal(s.thread(100)!.cwd, '/var/log/', 'a failed chdir changes nothing');
});

test('credential calls change the effective uid/gid when they succeed', () => {
  const s = seeded();
  s.process(ev(E.SETUID_E, 100, [{ u32: 33 }]));
  s.process(ev(E.SETUID_X, 100, [0]));
  assert.equal(s.thread(100)!.uid, 33);
  s.process(ev(E.SETRESGID_E, 100, [{ u32: 1 }, { u32: 44 }, { u32: 1 }]));
  s.process(ev(E.SETRESGID_X, 100, [0]));
  assert.equal(s.thread(100)!.gid, 44);
  s.process(ev(E.SETRESUID_E, 100, [{ u32: 1 }, { u32: 0xffffffff }, { u32: 1 }]));
  s.process(ev(E.SETRESUID_X, 100, [0]));
  assert.equal(s.thread(100)!.uid, 33, '-1 leaves the euid alone');
  s.process(ev(E.SETUID_E, 100, [{ u32: 0 }]));
  s.process(ev(E.SETUID_X, 100, [-1]));
  assert.equal(s.thread(100)!.uid, 33, 'a failed setuid changes nothing');
  s.process(ev(E.SETSID_X - 1, 100, []));
  s.process(ev(E.SETSID_X, 100, [4242]));
  assert.equal(s.thread(100)!.sid, 4242);
});

test('latency is the exit time minus the enter time', () => {
  const s = seeded();
  s.process(ev(E.CLOSE_E, 100, [9], { ts: 5_000_000_000_000n }));
  const x = ev(E.CLOSE_X, 100, [-9], { ts: 5_000_000_001_234n });
  s.process(x);
  assert.equal(s.latency(x.thread!), 1234);
});

test('a stale thread entry is replaced by a new clone of the same tid', () => {
  const s = seeded();
  s.process(cloneExit(100, { res: 200, pid: 100, ptid: 1, comm: 'first' }));
  s.process(cloneExit(100, { res: 200, pid: 100, ptid: 1, comm: 'second' }));
  assert.equal(s.thread(200)!.comm, 'second');
});

test('getrlimit/setrlimit/prlimit of RLIMIT_NOFILE set the process fd limit', () => {
  const s = seeded();
  s.process(ev(E.GETRLIMIT_E, 100, [{ u8: 7 }]));
  s.process(ev(E.GETRLIMIT_X, 100, [0, 4096, 8192]));
  assert.equal(s.thread(100)!.fdlimit, 4096);
  s.process(ev(E.SETRLIMIT_E, 100, [{ u8: 6 }]));
  s.process(ev(E.SETRLIMIT_X, 100, [0, 55, 55]));
  assert.equal(s.thread(100)!.fdlimit, 4096, 'other resources are ignored');
  s.process(ev(E.PRLIMIT_E, 100, [1, { u8: 7 }]));
  s.process(ev(E.PRLIMIT_X, 100, [0, 65536, 65536, 1024, 1024]));
  assert.equal(s.thread(1)!.fdlimit, 65536, 'prlimit sets the limit of the target process');
});

test('execveat takes its path from the dirfd, or the dirfd itself with AT_EMPTY_PATH', () => {
  const s = seeded();
  s.process(ev(E.OPEN_E, 100, ['/opt/bin', { u32: 1 << 10 }, { u32: 0 }]));
  s.process(ev(E.OPEN_X, 100, [5, '/opt/bin', { u32: 1 << 10 }, { u32: 0 }, { u32: 0 }]));
  const exit = (): ReturnType<typeof ev> => ev(E.EXECVEAT_X, 100, [
    0, 'tool', list([]), 100, 100, 1, '', 1024, 0, 0, { u32: 0 }, { u32: 0 }, { u32: 0 }, 'tool', list([]), list([]),
    { i32: 0 }, 0, { i32: 0 }, { u32: 0 },
  ]);
  s.process(ev(E.EXECVEAT_E, 100, [5, 'tool', { u32: 0 }]));
  const x = exit();
  s.process(x);
  assert.equal(s.thread(100)!.exepath, '/opt/bin/tool');
  assert.equal(x.fd, undefined, 'the dirfd of the enter event does not become the exit event\'s fd');
  s.process(ev(E.EXECVEAT_E, 100, [5, '', { u32: 1 }]));
  s.process(exit());
  assert.equal(s.thread(100)!.exepath, '/opt/bin');
});

test('memory counters follow brk/mmap exits and scheduler switches', () => {
  const s = seeded();
  s.process(ev(E.MMAP_X, 100, [0n, { u32: 9000 }, { u32: 800 }, { u32: 7 }]));
  const t = s.thread(100)!;
  assert.deepEqual([t.vmsizeKb, t.vmrssKb, t.vmswapKb], [9000, 800, 7]);
  s.process(ev(E.SCHEDSWITCH_6_E, 100, [1, 11n, 22n, { u32: 9100 }, { u32: 810 }, { u32: 8 }]));
  assert.deepEqual([t.pfmajor, t.pfminor, t.vmsizeKb], [11, 22, 9100]);
});

test('capset (newer drivers) sets the capability sets', () => {
  const s = seeded();
  s.process(ev(E.CAPSET_X, 100, [0, 0x1n, 0x3n, 0x7n]));
  const t = s.thread(100)!;
  assert.deepEqual([t.capInheritable, t.capPermitted, t.capEffective], [1n, 3n, 7n]);
});

/** A process with capabilities and an executable in an overlay's upper layer, and its parent. */
function seededWithCaps(): State {
  const s = new State();
  s.seed(header([
    proc({
      tid: 100, ptid: 1, comm: 'runc', exe: 'runc', exepath: '/usr/bin/runc', capInheritable: 0x1n, capPermitted: 0x3fffffffffn,
      capEffective: 0x3fffffffffn, exeIno: 4242, exeInoCtime: 1_700_000_000_000_000_000, exeInoMtime: 1_600_000_000_000_000_000,
      exeUpperLayer: true, exeFromMemfd: true,
    }),
    proc({ tid: 1, ptid: 0, comm: 'systemd' }),
  ]));
  return s;
}

function assertInherited(c: ReturnType<State['thread']>, what: string): void {
  assert.ok(c !== undefined, what);
  assert.deepEqual([c.capInheritable, c.capPermitted, c.capEffective], [0x1n, 0x3fffffffffn, 0x3fffffffffn], `${what}: capabilities`);
  assert.deepEqual([c.exeIno, c.exeInoCtime, c.exeInoMtime], [4242, 1_700_000_000_000_000_000, 1_600_000_000_000_000_000], `${what}: exe inode`);
  assert.equal(c.exeUpperLayer, true, `${what}: exe in the upper layer`);
  assert.equal(c.exeFromMemfd, true, `${what}: exe from a memfd`);
}

test('a clone child inherits its parent\'s capabilities and executable (inode, upper layer, memfd) until it execs', () => {
  const fork = seededWithCaps();
  fork.process(cloneExit(100, { res: 200, pid: 100, ptid: 1, comm: 'runc' }));
  assertInherited(fork.thread(200), 'the parent\'s side of a fork');

  const thr = seededWithCaps();
  thr.process(cloneExit(100, { res: 101, pid: 100, ptid: 1, flags: CLONE_FILES_THREAD }));
  assertInherited(thr.thread(101), 'a thread');

  const inverted = seededWithCaps();
  inverted.process(cloneExit(300, { res: 0, pid: 300, ptid: 100, comm: 'runc' }));
  assertInherited(inverted.thread(300), 'the child\'s side first');

  // capset, then a fork: the child has the new sets.
  const s = seededWithCaps();
  s.process(ev(E.CAPSET_X, 100, [0, 0x0n, 0x5n, 0x4n]));
  s.process(cloneExit(100, { res: 201, pid: 100, ptid: 1 }));
  assert.deepEqual([s.thread(201)!.capInheritable, s.thread(201)!.capPermitted, s.thread(201)!.capEffective], [0x0n, 0x5n, 0x4n]);
});

test('the child\'s clone exit of newer drivers gives when its pid namespace\'s init started (parameter 20)', () => {
  const s = seeded();
  s.process(cloneExit(100, { res: 200, pid: 100, ptid: 1 }));
  assert.equal(s.thread(200)!.pidnsInitStartTs, 0, 'the parent\'s side does not know it');
  // The child's own exit (res 0), with the 21st parameter.
  s.process(ev(E.CLONE_20_X, 200, [
    0, 'bash', list(['-c', 'ls']), 200, 200, 100, '', 1024, 0, 0, { u32: 100 }, { u32: 10 }, { u32: 0 }, 'bash', list([]),
    { u32: 0 }, { u32: 1000 }, { u32: 1000 }, 200, 200, 1_650_000_000_000_000_000n,
  ]));
  assert.equal(s.thread(200)!.pidnsInitStartTs, 1_650_000_000_000_000_000);
  // Its own children then inherit it.
  s.process(cloneExit(200, { res: 201, pid: 200, ptid: 100 }));
  assert.equal(s.thread(201)!.pidnsInitStartTs, 1_650_000_000_000_000_000);
});
