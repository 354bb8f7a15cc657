import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/fields/registry.js';
import { CloneFlag } from '../../src/state/flags.js';
import { fakeState, i64, makeEvent, thread, TS, u64 } from './events.js';

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
  cgroups: [['cpuset', '/'], ['memory', '/user.slice']], cloneTs: CLONE_TS,
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
