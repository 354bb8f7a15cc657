import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/fields/registry.js';
import { CloneFlag } from '../../src/capture/flags.js';
import { FdType, type ThreadInfo } from '../../src/state/types.js';
import { fakeState, fdInfo, i64, makeEvent, thread, TS, u64 } from './events.js';

// A clone time a double holds exactly (the state keeps times as numbers).
const CLONE_TS = 1470327477876730624;

// systemd(1) → sshd(100) → bash(200, session leader) → sh(300) → python(400, with thread 401)
const systemd = thread({ tid: 1, ptid: 0, comm: 'systemd', exe: '/sbin/init', exepath: '/lib/systemd/systemd', sid: 1 });
const sshd = thread({ tid: 100, ptid: 1, comm: 'sshd', exe: 'sshd:', exepath: '/usr/sbin/sshd', sid: 100 });
const bash = thread({ tid: 200, ptid: 100, comm: 'bash', exe: '-bash', exepath: '/bin/bash', sid: 200 });
const sh = thread({ tid: 300, ptid: 200, comm: 'sh', exe: 'sh', exepath: '/bin/dash', sid: 200 });
const python = thread({
  tid: 400, ptid: 300, comm: 'python3', exe: 'python3', exepath: '/usr/bin/python3.10', args: ['-c', 'print(1)'],
  env: ['HOME=/root', 'TERM=xterm'], cwd: '/tmp/', sid: 200, vtid: 1, vpid: 1, tty: 34817, nchilds: 1,
  cgroups: [['cpuset', '/'], ['memory', '/user.slice']], cloneTs: BigInt(CLONE_TS),
  exeIno: 1234, exeInoCtime: 1_400_000_000_000_000_000, exeInoMtime: 1_500_000_000_000_000_000,
  exeFromMemfd: true, exeUpperLayer: true, capEffective: (1n << 21n) | 1n, capPermitted: (1n << 40n) | (1n << 12n),
});
const worker = thread({ tid: 401, pid: 400, ptid: 300, comm: 'python3', vmsizeKb: 99 });
const state = fakeState({ threads: [systemd, sshd, bash, sh, python, worker] });
const registry = createRegistry(state);

const evtOf = (t = python, extra = {}) => makeEvent({ type: 'brk>', params: [i64(0)], thread: t, tid: t.tid, ...extra });
const render = (field: string, arg?: string, t = python) => registry.bind(field, arg).render(evtOf(t));
const extract = (field: string, arg?: string, t = python) => registry.bind(field, arg).extract(evtOf(t));

describe('process fields', () => {
  it('describe the process', () => {
    assert.equal(render('proc.name'), 'python3');
    assert.equal(render('proc.cmdline'), 'python3 -c print(1)');
    assert.equal(render('proc.exeline'), 'python3 -c print(1)');
    assert.equal(render('proc.args'), '-c print(1)');
    assert.equal(render('proc.env'), 'HOME=/root TERM=xterm');
    assert.equal(render('proc.cwd'), '/tmp/');
    assert.equal(render('proc.tty'), '34817');
    assert.equal(render('proc.exepath'), '/usr/bin/python3.10');
  });

  it('read a thread\'s process from its main thread', () => {
    assert.equal(render('proc.pid', undefined, worker), '400');
    assert.equal(render('thread.tid', undefined, worker), '401');
    assert.equal(render('thread.ismain', undefined, worker), 'false');
    assert.equal(render('thread.ismain'), 'true');
    assert.equal(render('proc.cwd', undefined, worker), '/tmp/');
    assert.equal(render('proc.nthreads', undefined, worker), '2');
    assert.equal(render('thread.vmsize', undefined, worker), '0');
    const flagged = thread({ tid: 402, pid: 400, flags: CloneFlag.IS_MAIN_THREAD });
    assert.equal(render('thread.ismain', undefined, flagged), 'true');
  });

  it('follow parents and ancestors', () => {
    assert.equal(render('proc.ppid'), '300');
    assert.equal(render('proc.pname'), 'sh');
    assert.equal(render('proc.pcmdline'), 'sh');
    assert.equal(render('proc.aname', '0'), 'python3');
    assert.equal(render('proc.aname', '3'), 'sshd');
    assert.equal(render('proc.apid', '4'), '1');
    assert.equal(render('proc.aname', '6'), undefined);
    assert.deepEqual(extract('proc.aname'), ['sh', 'bash', 'sshd', 'systemd']);
  });

  it('find the session leader and the login shell', () => {
    assert.equal(render('proc.sname'), 'bash');
    assert.equal(render('proc.loginshellid'), '200');
    // With the leader gone, the eldest ancestor of the same session stands for it.
    const orphan = thread({ tid: 500, ptid: 300, comm: 'x', sid: 999 });
    const lonely = createRegistry(fakeState({ threads: [orphan, sh] }));
    assert.equal(lonely.bind('proc.sname', undefined).render(evtOf(orphan)), 'x');
  });

  it('name cgroups and namespaces', () => {
    assert.equal(render('thread.cgroups'), 'cpuset=/ memory=/user.slice');
    assert.equal(render('thread.cgroup.memory'), '/user.slice');
    assert.equal(render('thread.cgroup.blkio'), undefined);
    assert.equal(render('thread.vtid'), '1');
    assert.equal(render('proc.vpid', undefined, sshd), undefined);
  });

  it('measure the process\'s age', () => {
    assert.equal(render('proc.duration'), String(TS - BigInt(CLONE_TS)));
    assert.equal(render('proc.duration', undefined, sshd), undefined);
  });

  it('count CPU time between context switches', () => {
    const f = registry.bind('thread.totexectime', undefined);
    const sw = (ts: bigint) => makeEvent({ type: 152, params: [i64(1)], thread: python, ts });
    assert.equal(f.render(sw(TS)), '0');
    assert.equal(f.render(sw(TS + 700n)), '700');
    assert.equal(f.render(sw(TS + 1000n)), '1000');
    assert.equal(f.render(evtOf()), '1000');
  });

  it('compute CPU use from procinfo events', () => {
    const f = registry.bind('thread.cpu', undefined);
    const pi = (usr: number, sys: number) => makeEvent({ type: 'procinfo>', params: [u64(usr), u64(sys)], thread: python });
    assert.equal(f.render(pi(10, 5)), '0.0');
    assert.equal(f.render(pi(30, 15)), '30.0');
    assert.equal(f.render(pi(300, 15)), '100.0');
    assert.equal(f.render(evtOf()), undefined);
  });

  it('print newer executable and capability fields', () => {
    assert.equal(render('proc.pexe'), 'sh');
    assert.equal(render('proc.pexepath'), '/bin/dash');
    assert.equal(render('proc.aexe', '2'), '-bash');
    assert.equal(render('proc.aexe'), 'sh -bash sshd: /sbin/init');
    assert.equal(render('proc.aexepath'), '/bin/dash /bin/bash /usr/sbin/sshd /lib/systemd/systemd');
    assert.equal(render('proc.aexepath', '0'), '/usr/bin/python3.10');
    assert.equal(render('proc.exe_ino'), '1234');
    assert.equal(render('proc.exe_ino', undefined, sh), undefined);
    assert.equal(render('proc.exe_ino.ctime'), '1400000000000000000');
    assert.equal(render('proc.exe_ino.mtime'), '1500000000000000000');
    assert.equal(render('proc.exe_ino.ctime_duration_proc_start'), String(BigInt(CLONE_TS) - 1_400_000_000_000_000_000n));
    assert.equal(render('proc.is_exe_from_memfd'), 'true');
    assert.equal(render('proc.is_exe_upper_layer', undefined, sh), 'false');
    assert.equal(render('thread.cap_effective'), 'CAP_CHOWN CAP_SYS_ADMIN');
    assert.equal(render('thread.cap_permitted'), 'CAP_NET_ADMIN CAP_CHECKPOINT_RESTORE');
    assert.equal(render('thread.cap_inheritable'), '');
  });

  it('have no value without a thread, except thread.tid', () => {
    const e = makeEvent({ type: 'brk>', params: [i64(0)], tid: 77 });
    assert.equal(registry.bind('proc.name', undefined).render(e), undefined);
    assert.equal(registry.bind('thread.tid', undefined).render(e), '77');
  });
});

describe('process fields of newer libsinsp', () => {
  // systemd(1) → bash(200, session and group leader) → cat(300, its own group; thread 301)
  const init = thread({
    tid: 1, ptid: 0, comm: 'systemd', exe: '/sbin/init', exepath: '/lib/systemd/systemd', args: ['--system'], env: ['LANG=C'],
    sid: 1, pgid: 1, vpgid: 1, vpid: 1, vtid: 1, cloneTs: BigInt(CLONE_TS - 4_294_967_296),
  });
  const bash = thread({
    tid: 200, ptid: 1, comm: 'bash', exe: '-bash', exepath: '/bin/bash', args: [], env: ['HOME=/root', 'PS1=  $  '],
    sid: 200, pgid: 200, vpgid: 200, vpid: 200, vtid: 200, cloneTs: BigInt(CLONE_TS - 1_000_000_000),
  });
  const cat = thread({
    tid: 300, ptid: 200, comm: 'cat', exe: 'cat', exepath: '/usr/bin/cat', args: ['-n', 'héllo'], env: ['HOME=/tmp'],
    sid: 200, pgid: 300, vpgid: 300, vpid: 300, vtid: 300, cloneTs: BigInt(CLONE_TS), nchilds: 1,
    exeLowerLayer: true, pidnsInitStartTs: 1_600_000_000_000_000_000, exeInoCtimeDurationPidnsStart: 5_000_000_000,
  });
  cat.fds.set(0, fdInfo({ type: FdType.FIFO, name: 'pipe:[1234]' }));
  cat.fds.set(1, fdInfo({ type: FdType.FILE_V2, name: '/dev/pts/0' }));
  cat.fds.set(5, fdInfo({ type: FdType.MEMFD, name: 'memfd:x' }));
  const worker = thread({ tid: 301, pid: 300, ptid: 300, comm: 'cat', sid: 200, pgid: 300, vpgid: 300, vpid: 300, vtid: 301 });
  // A container: its init (host 5000, pid 1 inside) and a child in another group; the shim outside.
  const shim = thread({ tid: 4000, ptid: 1, comm: 'conmon', exe: 'conmon', exepath: '/usr/bin/conmon', sid: 4000, pgid: 4000, vpgid: 4000, vpid: 4000 });
  const cinit = thread({
    tid: 5000, ptid: 4000, comm: 'sh', exe: 'sh', exepath: '/bin/sh', sid: 1, vpgid: 1, pgid: 5000, vtid: 1, vpid: 1,
    flags: CloneFlag.CHILD_IN_PIDNS,
  });
  const cchild = thread({
    tid: 5001, ptid: 5000, comm: 'sleep', exe: 'sleep', exepath: '/bin/sleep', sid: 1, vpgid: 7, pgid: 5001, vtid: 7, vpid: 7,
    flags: CloneFlag.CHILD_IN_PIDNS,
  });
  const reg = createRegistry(fakeState({ threads: [init, bash, cat, worker, shim, cinit, cchild] }));
  const ev = (t: ThreadInfo) => makeEvent({ type: 'brk>', params: [i64(0)], thread: t, tid: t.tid });
  const r = (field: string, t: ThreadInfo = cat, arg?: string) => reg.bind(field, arg).render(ev(t));
  const x = (field: string, t: ThreadInfo = cat, arg?: string) => reg.bind(field, arg).extract(ev(t));
  const cond = (field: string, t: ThreadInfo = cat, arg?: string) => {
    const out: unknown[] = [];
    const n = reg.bind(field, arg).candidates!(ev(t), out as never[]);
    return out.slice(0, n);
  };

  it('give the ancestors\' arguments and command lines', () => {
    assert.equal(r('proc.aargs'), '--system');
    assert.equal(r('proc.aargs', cat, '0'), '-n héllo');
    assert.equal(r('proc.aargs', cat, '1'), '');
    assert.equal(r('proc.aargs', cat, '3'), undefined);
    assert.equal(r('proc.aargs', bash), '--system');
    assert.equal(r('proc.aargs', init), undefined);
    assert.equal(reg.match('proc.aargs[2] x', 0).field.render(ev(cat)), '--system');
    assert.equal(r('proc.acmdline'), 'bash systemd --system');
    assert.equal(r('proc.acmdline', cat, '0'), 'cat -n héllo');
    assert.equal(r('proc.acmdline', cat, '2'), 'systemd --system');
    assert.deepEqual(cond('proc.acmdline'), ['bash', 'systemd --system']);
  });

  it('count the arguments and their bytes', () => {
    assert.equal(r('proc.cmdnargs'), '2');
    assert.equal(r('proc.cmdlenargs'), '8');
    assert.equal(r('proc.cmdnargs', bash), '0');
    assert.equal(r('proc.cmdlenargs', bash), '0');
  });

  it('read the environment of the process, an ancestor, or one variable', () => {
    assert.equal(r('proc.aenv'), 'HOME=/tmp');
    assert.equal(r('proc.aenv', cat, '0'), 'HOME=/tmp');
    assert.equal(r('proc.aenv', cat, '1'), 'HOME=/root PS1=  $  ');
    assert.equal(r('proc.aenv', cat, '2'), 'LANG=C');
    assert.equal(r('proc.aenv', cat, '3'), undefined);
    // [NAME]: the nearest ancestor that sets it (not the process itself), spaces trimmed.
    assert.equal(r('proc.aenv', cat, 'HOME'), '/root');
    assert.equal(r('proc.aenv', cat, 'PS1'), '$');
    assert.equal(r('proc.aenv', cat, 'LANG'), 'C');
    assert.equal(r('proc.aenv', cat, 'NOPE'), '');
    assert.equal(reg.match('proc.aenv[LANG]', 0).field.render(ev(cat)), 'C');
    // A condition without a name compares each ancestor's environment.
    assert.deepEqual(cond('proc.aenv'), ['HOME=/root PS1=  $  ', 'LANG=C']);
    assert.equal(reg.bind('proc.aenv', 'HOME').candidates, undefined);
  });

  it('take an argument in conditions for proc.env and proc.args, as newer libsinsp does', () => {
    assert.equal(x('proc.env', bash, 'PS1'), '$');
    assert.equal(x('proc.env', bash, 'NOPE'), '');
    assert.equal(x('proc.env', bash), 'HOME=/root PS1=  $  ');
    assert.equal(x('proc.args', cat, '1'), 'héllo');
    assert.equal(x('proc.args', cat, '2'), '');
    // In output formats the bracket stays text, as sysdig 0.29.3 prints it.
    assert.equal(reg.match('proc.env[HOME]', 0).end, 'proc.env'.length);
    assert.equal(reg.match('proc.args[0]', 0).end, 'proc.args'.length);
  });

  it('name process groups and sessions and their leaders', () => {
    assert.equal(r('proc.pgid'), '300');
    assert.equal(r('proc.pgid.name'), 'cat');
    assert.equal(r('proc.pgid.exe'), 'cat');
    assert.equal(r('proc.pgid.exepath'), '/usr/bin/cat');
    assert.equal(r('proc.vpgid.name'), 'cat');
    assert.equal(r('proc.vpgid.exe', worker), 'cat');
    assert.equal(r('proc.vpgid.exepath'), '/usr/bin/cat');
    assert.equal(r('proc.sid.exe'), '-bash');
    assert.equal(r('proc.sid.exepath'), '/bin/bash');
    assert.equal(r('proc.is_pgid_leader'), 'true');
    assert.equal(r('proc.is_vpgid_leader'), 'true');
    assert.equal(r('proc.is_sid_leader'), 'false');
    assert.equal(r('proc.is_sid_leader', bash), 'true');
    assert.equal(r('proc.is_vpgid_leader', bash), 'true');
    assert.equal(r('proc.is_vpgid_leader', cchild), 'true');
    const member = thread({ tid: 310, ptid: 300, comm: 'grep', sid: 200, pgid: 300, vpgid: 300, vpid: 310 });
    assert.equal(createRegistry(fakeState({ threads: [member, cat] })).bind('proc.is_vpgid_leader', undefined).render(ev(member)), 'false');
  });

  it('find a leader inside a pid namespace by walking up, not by the namespace\'s ids', () => {
    // sid 1 in the container is its init (host 5000), not systemd.
    assert.equal(r('proc.sid.exe', cchild), 'sh');
    assert.equal(r('proc.sid.exepath', cchild), '/bin/sh');
    // The group 7 has no leader among the ancestors: empty, not <NA>.
    assert.equal(r('proc.vpgid.name', cchild), '');
    // Host ids are looked up directly.
    assert.equal(r('proc.pgid.name', cchild), 'sleep');
    // An unset id has no leader.
    assert.equal(r('proc.pgid.name', thread({ tid: 9 })), '');
  });

  it('give the parent\'s virtual pid, start and age, and the process\'s start', () => {
    assert.equal(r('proc.pvpid'), '200');
    assert.equal(r('proc.pvpid', worker), '300');
    assert.equal(r('proc.pvpid', init), undefined);
    assert.equal(r('proc.pid.ts'), String(BigInt(CLONE_TS)));
    assert.equal(r('proc.pid.ts', worker), undefined);
    assert.equal(r('proc.ppid.ts'), String(BigInt(CLONE_TS - 1_000_000_000)));
    assert.equal(r('proc.ppid.duration'), String(TS - BigInt(CLONE_TS - 1_000_000_000)));
    assert.equal(r('proc.ppid.duration', bash), String(TS - BigInt(CLONE_TS - 4_294_967_296)));
    assert.equal(r('proc.ppid.duration', init), undefined);
  });

  it('tell the executable\'s overlayfs layer and its change since the pid namespace started', () => {
    assert.equal(r('proc.is_exe_lower_layer'), 'true');
    assert.equal(r('proc.is_exe_lower_layer', bash), 'false');
    assert.equal(r('proc.pidns_init_start_ts'), '1600000000000000000');
    assert.equal(r('proc.pidns_init_start_ts', bash), undefined);
    assert.equal(r('proc.exe_ino.ctime_duration_pidns_start'), '5000000000');
    assert.equal(r('proc.exe_ino.ctime_duration_pidns_start', bash), undefined);
  });

  it('describe the process\'s standard fds', () => {
    assert.equal(r('proc.stdin.type'), 'pipe');
    assert.equal(r('proc.stdin.name'), 'pipe:[1234]');
    assert.equal(r('proc.stdout.type'), 'file');
    assert.equal(r('proc.stdout.name'), '/dev/pts/0');
    assert.equal(r('proc.stderr.type'), undefined);
    assert.equal(r('proc.stderr.name'), undefined);
  });

  it('give sizes in bytes and the name-tid pair of a thread', () => {
    const big = thread({ tid: 600, comm: 'big', vmsizeKb: 2048, vmrssKb: 1024 });
    const rb = createRegistry(fakeState({ threads: [big] }));
    assert.equal(rb.bind('thread.vmsize.b', undefined).render(ev(big)), '2097152');
    assert.equal(rb.bind('thread.vmrss.b', undefined).render(ev(big)), '1048576');
    assert.equal(r('thread.vmsize.b', worker), '0');
    assert.equal(r('thread.nametid', worker), 'cat301');
  });
});
