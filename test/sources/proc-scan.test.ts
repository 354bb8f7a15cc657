// The /proc scan: a made-up /proc tree checks the parsing (status, stat, cgroups, limits, fds,
// socket tables, kernel threads, processes that vanish), then the real /proc checks this process,
// its threads and its fds (a file, a pipe, a listening and a connected TCP socket, epoll...), and
// that the header seeds the state engine through a capture file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../../src/capture/reader.js';
import { CaptureWriter } from '../../src/capture/writer.js';
import { ppmOpenFlags } from '../../src/sources/proc-fds.js';
import { scanProc } from '../../src/sources/proc-scan.js';
import { readSockets } from '../../src/sources/proc-sockets.js';
import { cgroupsOf } from '../../src/sources/proc-thread.js';
import { State } from '../../src/state/state.js';
import { FdType } from '../../src/state/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'gw-scan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const STATUS = (tgid: number, ppid: number, extra = '') => `Name:\tweird
Umask:\t0022
State:\tS (sleeping)
Tgid:\t${tgid}
Ngid:\t0
Pid:\t${tgid}
PPid:\t${ppid}
Uid:\t1000\t1001\t1001\t1001
Gid:\t2000\t2002\t2002\t2002
NStgid:\t${tgid}\t7
NSpid:\t${tgid}\t7
NSpgid:\t${tgid}\t7
VmSize:\t  10240 kB
VmRSS:\t    512 kB
VmSwap:\t     16 kB
CapInh:\t0000000000000000
CapPrm:\t000001ffffffffff
CapEff:\t00000000a80425fb
${extra}`;

/** A /proc with process 100 (two threads, an odd comm, in a pid namespace) and kernel thread 2. */
function fakeProc(): string {
  const root = mkdtempSync(join(tmp, 'proc-'));
  const p = join(root, '100');
  mkdirSync(join(p, 'task', '100'), { recursive: true });
  mkdirSync(join(p, 'task', '101'), { recursive: true });
  mkdirSync(join(p, 'fd'));
  mkdirSync(join(p, 'fdinfo'));
  writeFileSync(join(root, 'uptime'), '100.00 50.00\n');
  writeFileSync(join(p, 'cmdline'), ['server', '--port', '8080', ''].join('\0'));
  writeFileSync(join(p, 'environ'), 'A=1\0B=2\0');
  writeFileSync(join(p, 'limits'), 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            4096                 8192                 files\n');
  symlinkSync('/usr/bin/env', join(p, 'exe'));
  symlinkSync('/tmp', join(p, 'cwd'));
  symlinkSync('/', join(p, 'root'));
  for (const [tid, comm] of [[100, 'my (odd) srv'], [101, 'worker']] as const) {
    const t = join(p, 'task', String(tid));
    writeFileSync(join(t, 'status'), STATUS(100, 1));
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads itreal starttime
    writeFileSync(join(t, 'stat'), `${tid} (${comm}) S 1 90 80 34817 -1 0 555 0 7 0 0 0 0 0 20 0 2 0 2500 0 0`);
    writeFileSync(join(t, 'comm'), `${comm}\n`);
    writeFileSync(join(t, 'loginuid'), '1000');
    writeFileSync(join(t, 'cgroup'), '0::/system.slice/srv.service\n');
  }
  // fd 0: a file.
  const file = join(root, 'data.txt');
  writeFileSync(file, 'x');
  symlinkSync(file, join(p, 'fd', '0'));
  writeFileSync(join(p, 'fdinfo', '0'), 'pos:\t0\nflags:\t02100002\nmnt_id:\t31\n');
  // Fake process 300 vanished: only its directory is left.
  mkdirSync(join(root, '300'));
  // Kernel thread 2: empty cmdline and no exe.
  mkdirSync(join(root, '2', 'task', '2'), { recursive: true });
  writeFileSync(join(root, '2', 'cmdline'), '');
  return root;
}

test('a made-up /proc: threads with their ids, credentials, memory, cgroups, limits; kernel threads and vanished processes skipped', () => {
  const root = fakeProc();
  const h = scanProc({ proc: root, etc: root });
  assert.deepEqual(h.procs.map((p) => p.tid), [100, 101]);
  const [main, thread] = h.procs as [NonNullable<(typeof h.procs)[0]>, NonNullable<(typeof h.procs)[0]>];
  assert.equal(main.comm, 'my (odd) srv');
  assert.equal(main.exe, 'server');
  assert.deepEqual(main.args, ['--port', '8080']);
  assert.deepEqual(main.env, ['A=1', 'B=2']);
  assert.equal(main.exepath, '/usr/bin/env');
  assert.equal(main.cwd, '/tmp');
  assert.equal(main.fdlimit, 4096);
  // Effective ids, as libscap keeps.
  assert.deepEqual([main.uid, main.gid, main.loginuid], [1001, 2002, 1000]);
  assert.deepEqual([main.pid, main.ptid, main.sid, main.pgid, main.vpgid, main.vtid, main.vpid], [100, 1, 80, 90, 7, 7, 7]);
  assert.equal(main.tty, 34817);
  assert.deepEqual([main.vmsizeKb, main.vmrssKb, main.vmswapKb, main.pfminor, main.pfmajor], [10240, 512, 16, 555, 7]);
  assert.deepEqual([main.capPermitted, main.capEffective, main.capInheritable], [0x1ffffffffffn, 0xa80425fbn, 0n]);
  assert.deepEqual(main.cgroups, [['cpu', '/system.slice/srv.service'], ['memory', '/system.slice/srv.service'], ['cpuset', '/system.slice/srv.service']]);
  assert.equal(main.flags, 0);
  // starttime 2500 ticks = 25 s after a boot 100 s ago.
  const boot = Date.now() * 1e6 - 100e9;
  assert.ok(Math.abs(main.cloneTs - (boot + 25e9)) < 5e9, `cloneTs ${main.cloneTs}`);
  // The thread: its own comm, its process as parent, pthread_create's flags, the process's command line.
  assert.equal(thread.comm, 'worker');
  assert.deepEqual([thread.pid, thread.ptid, thread.flags], [100, 100, (1 << 13) | 1]);
  assert.deepEqual(thread.args, ['--port', '8080']);
  // The file fd, with fdinfo's flags (O_RDWR|O_CLOEXEC|O_LARGEFILE) and mount.
  assert.deepEqual(h.fds.map((f) => [f.pid, f.fd, f.type, f.name.endsWith('data.txt'), f.openFlags, f.mountId]),
    [[100, 0, FdType.FILE, true, 3 | 0x1000 | 0x800, 31]]);
});

test('a command line, environment, paths and cgroups longer than libscap reads are cut where libscap cuts them', () => {
  const root = fakeProc();
  const p = join(root, '100');
  writeFileSync(join(p, 'cmdline'), ['server', 'x'.repeat(30000), 'never', ''].join('\0'));
  writeFileSync(join(p, 'environ'), `A=${'y'.repeat(9000)}\0B=2\0`);
  rmSync(join(p, 'cwd'));
  symlinkSync(`/${'é'.repeat(1500)}`, join(p, 'cwd'));
  const cgroups = Array.from({ length: 200 }, (_, i) => `${i + 1}:ctl${i}:/${'g'.repeat(30)}`).join('\n');
  writeFileSync(join(p, 'task', '100', 'cgroup'), `${cgroups}\n`);
  const main = scanProc({ proc: root, etc: root }).procs[0];
  // 4095 bytes of the command line: "server\0" then the start of the long argument.
  assert.deepEqual(main.args, ['x'.repeat(4095 - 7)]);
  assert.deepEqual(main.env, [`A=${'y'.repeat(4095 - 2)}`]);
  // 1023 bytes, not inside a two-byte character.
  assert.equal(main.cwd, `/${'é'.repeat(511)}`);
  const size = main.cgroups.reduce((n, [c, path]) => n + c.length + path.length + 2, 0);
  assert.ok(size <= 4096 && size > 4000, `cgroups take ${size} bytes`);
  assert.deepEqual(main.cgroups[0], ['ctl0', `/${'g'.repeat(30)}`]);
});

test('socket tables: TCP/UDP over IPv4 and IPv6 (listening ones as server sockets), unix with their paths, netlink', () => {
  const net = mkdtempSync(join(tmp, 'net-')) + '/';
  const head = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  writeFileSync(net + 'tcp', head +
    '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1217 1 000000008464982d 100 0 0 10 0\n' +
    '   1: 0100007F:8C18 0100007F:A689 01 00000000:00000000 00:00000000 00000000     0        0 1300 1 000000002cf8d674\n' +
    // A connection in TIME_WAIT has no inode: no fd can have it.
    '   2: 0100007F:8C19 0100007F:A689 06 00000000:00000000 03:000014AC 00000000     0        0 0 3 000000002cf8d674\n');
  writeFileSync(net + 'udp', head + '  10: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 1400 2 0000000000000000 0\n');
  writeFileSync(net + 'tcp6', head +
    '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1500 1 0000000000000000 100 0 0 10 0\n' +
    '   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1501 1 0000000000000000 20 4 30 10 -1\n');
  writeFileSync(net + 'unix', 'Num       RefCount Protocol Flags    Type St Inode Path\n' +
    '0000000069a18024: 00000002 00000000 00010000 0001 01 1600 /run/app.sock\n' +
    '000000003267fe16: 00000003 00000000 00000000 0001 03 1601\n');
  writeFileSync(net + 'netlink', 'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n' +
    '000000002b68deb1 0   0          00000000 0        0        0     2        0        1700\n');
  const s = readSockets(net);
  assert.deepEqual([...s.keys()].sort(), [1217, 1300, 1400, 1500, 1501, 1600, 1601, 1700]);
  const lo = 0x0100007f;
  const pick = (ino: number) => {
    const f = s.get(ino)!;
    return [f.type, f.sip, f.sport, f.dip, f.dport, f.l4proto];
  };
  assert.deepEqual(pick(1217), [FdType.IPV4_SERVSOCK, 0, 2024, 0, 0, 2]);
  assert.deepEqual(pick(1300), [FdType.IPV4_SOCK, lo, 0x8c18, lo, 0xa689, 2]);
  assert.deepEqual(pick(1400), [FdType.IPV4_SERVSOCK, 0x3500007f, 53, 0, 0, 3]);
  const v6 = s.get(1500)!;
  assert.equal(v6.type, FdType.IPV6_SERVSOCK);
  assert.deepEqual([...(v6.sip as Uint8Array)], [...new Array<number>(15).fill(0), 1]); // ::1
  assert.equal(v6.sport, 8080);
  const mapped = s.get(1501)!;
  assert.equal(mapped.type, FdType.IPV6_SOCK);
  assert.deepEqual([...(mapped.dip as Uint8Array)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
  assert.deepEqual([s.get(1600)!.type, s.get(1600)!.name, s.get(1600)!.unixSource], [FdType.UNIX_SOCK, '/run/app.sock', 0x69a18024n]);
  assert.equal(s.get(1601)!.name, '');
  assert.equal(s.get(1700)!.type, FdType.NETLINK);
});

test('cgroup lines: version 1 controllers each, the version 2 line only for processes in no version 1 hierarchy', () => {
  assert.deepEqual(cgroupsOf('4:memory:/a\n3:cpu,cpuacct:/b\n1:name=systemd:/\n0::/\n'),
    [['memory', '/a'], ['cpu', '/b'], ['cpuacct', '/b'], ['name=systemd', '/']]);
  assert.deepEqual(cgroupsOf('0::/k/pod1\n'), [['cpu', '/k/pod1'], ['memory', '/k/pod1'], ['cpuset', '/k/pod1']]);
  assert.deepEqual(cgroupsOf(undefined), []);
});

test('fdinfo open flags become PPM_O_* flags', () => {
  assert.equal(ppmOpenFlags(0), 1); // O_RDONLY
  assert.equal(ppmOpenFlags(0o1), 2); // O_WRONLY
  assert.equal(ppmOpenFlags(0o2 | 0o100 | 0o1000 | 0o2000), 3 | 4 | 0x100 | 8); // O_RDWR|O_CREAT|O_TRUNC|O_APPEND
  assert.equal(ppmOpenFlags(0o4010000), 1 | 0x80 | 0x10); // O_SYNC carries O_DSYNC's bit
  assert.equal(ppmOpenFlags(0o20200000 | 0o2), 3 | 0x2000 | 0x400); // O_TMPFILE carries O_DIRECTORY's bit
});

async function listening(): Promise<{ server: Server; port: number; client: Socket; accepted: Socket }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const acceptedP = new Promise<Socket>((r) => server.once('connection', r));
  const client = connect(port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  return { server, port, client, accepted: await acceptedP };
}

test('the real /proc: this process, its threads and fds, the machine, interfaces, users', async () => {
  const path = join(tmp, 'open-file');
  writeFileSync(path, '');
  const fd = openSync(path, 'a');
  const net = await listening();
  try {
    const h = scanProc();
    const me = h.procs.find((p) => p.tid === process.pid);
    assert.ok(me !== undefined, 'this process is in the scan');
    assert.equal(me.comm, 'node');
    assert.equal(me.exepath, realpathSync(process.execPath));
    assert.ok(me.args.some((a) => a.includes('proc-scan.test')), `args ${me.args.join(' ')}`);
    assert.equal(me.cwd, process.cwd());
    assert.equal(me.uid, process.geteuid!());
    assert.equal(me.ptid, process.ppid);
    assert.ok(me.env.includes(`PATH=${process.env['PATH']}`));
    // node runs threads besides the main one (libuv's pool, V8's workers): the process's, with its parent as ptid.
    const threads = h.procs.filter((p) => p.pid === process.pid && p.tid !== process.pid);
    assert.ok(threads.length > 0);
    for (const t of threads) assert.deepEqual([t.ptid, t.exe, t.flags & (1 << 13)], [process.pid, me.exe, 1 << 13]);
    // Kernel threads are not there (kthreadd is pid 2).
    assert.ok(!h.procs.some((p) => p.tid === 2));

    const mine = h.fds.filter((f) => f.pid === process.pid);
    const file = mine.find((f) => f.fd === fd);
    assert.ok(file !== undefined);
    assert.deepEqual([file.type, file.name, file.openFlags & (2 | 8)], [FdType.FILE, path, 2 | 8]); // O_WRONLY|O_APPEND
    assert.ok(file.dev !== 0 && file.mountId !== 0 && file.ino !== 0);
    const lo = 0x0100007f; // 127.0.0.1 as the capture encodes it
    const server = mine.find((f) => f.type === FdType.IPV4_SERVSOCK && f.sport === net.port);
    assert.ok(server !== undefined, 'the listening socket');
    assert.deepEqual([server.sip, server.l4proto], [lo, 2]);
    const client = mine.find((f) => f.type === FdType.IPV4_SOCK && f.dport === net.port);
    assert.ok(client !== undefined, 'the connected socket');
    assert.deepEqual([client.sip, client.dip, client.sport, client.l4proto], [lo, lo, net.client.localPort, 2]);
    assert.ok(mine.some((f) => f.type === FdType.EVENTPOLL), "libuv's epoll fd");
    assert.ok(mine.some((f) => f.type === FdType.EVENT || f.type === FdType.FIFO), "libuv's wakeup fd");

    assert.ok(h.machine !== undefined && h.machine.numCpus > 0 && h.machine.memoryBytes > 0 && h.machine.maxPid > 0);
    assert.ok(Math.abs(h.machine.bootTime - (Date.now() * 1e6 - uptime() * 1e9)) < 5e9);
    assert.ok(h.ifaces.some((i) => i.name === 'lo' && i.ipv4 === lo));
    assert.ok(h.users.some((u) => u.uid === 0 && u.name === 'root'));
    assert.ok(h.groups.some((g) => g.gid === 0));
  } finally {
    closeSync(fd);
    net.client.destroy();
    net.accepted.destroy();
    net.server.close();
  }
});

test('the scan, written to a capture and read back, seeds the state with this process and its fds', async () => {
  const file = join(tmp, 'scan.scap');
  const w = new CaptureWriter(file);
  w.writeHeader(scanProc());
  w.close();
  const state = new State();
  await readCapture(file, { header: (h) => state.seed(h), event: () => {} });
  const me = state.thread(process.pid);
  assert.ok(me !== undefined);
  assert.equal(me.comm, 'node');
  assert.equal(me.cwd, process.cwd().endsWith('/') ? process.cwd() : `${process.cwd()}/`);
  assert.equal(state.parent(me)?.pid, process.ppid);
  assert.ok(me.fds.size > 0);
});
