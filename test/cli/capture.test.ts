// `ghostwatch capture` against the running kernel (root only), through bin/ghostwatch as a user runs
// it: record while real commands run, then sysdig 0.29.3 and `ghostwatch events -r` must print the
// capture line for line, and the commands must be in it with their arguments, files and
// connections. As `sysdig -w`: every call (mmap, fstat..., and the generic event for calls without
// their own), enter events at their own time (evt.latency), the first 80 bytes of I/O buffers (-s).
// Also: the filter, -n, -M, SIGINT finalising the file, and the one-line refusals.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers.js';
import { sysdigSkip } from '../support/sysdig.js';

const skip =
  process.getuid?.() !== 0 ? 'needs root (loading eBPF programs)'
    : !existsSync('/sys/kernel/btf/vmlinux') ? 'needs a kernel with BTF (/sys/kernel/btf/vmlinux)'
      : sysdigSkip;

const tmp = mkdtempSync(join(tmpdir(), 'gw-capture-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const GHOSTWATCH = join(repoRoot, 'bin', 'ghostwatch');

/** The real python3 executable (for datagram calls no shell tool makes), or undefined. */
const python = (() => {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
})();
/**
 * Python, for calls no shell tool makes: one datagram with sendto/recvfrom, one with
 * sendmsg/recvmsg, over loopback UDP; a socket pair, half shut down; an eventfd and an epoll fd;
 * a new fd limit; a pidfd.
 */
const PYTHON_CALLS = [
  'import os, select, socket',
  'a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  'b.bind(("127.0.0.1", 0)); to = b.getsockname()',
  'a.sendto(b"hello", to); b.recvfrom(100)',
  'a.sendmsg([b"ab", b"cd"], [], 0, to); b.recvmsg(100)',
  'c, d = socket.socketpair(); c.shutdown(socket.SHUT_WR)',
  'e = os.eventfd(3, os.EFD_CLOEXEC); p = select.epoll()',
  'import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (1000, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))',
  'f = os.pidfd_open(os.getpid())',
].join('\n');

/** `ghostwatch capture -w FILE [-M S] [-n N] [FILTER]`, as a user runs it (after a prefix such as setpriv). */
function startCapture(o: { write: string; seconds?: number; count?: number; snaplen?: number; filter?: string }, prefix: string[] = []): ChildProcess {
  const args = ['capture', '-w', o.write];
  if (o.seconds !== undefined) args.push('-M', String(o.seconds));
  if (o.count !== undefined) args.push('-n', String(o.count));
  if (o.snaplen !== undefined) args.push('-s', String(o.snaplen));
  if (o.filter !== undefined) args.push(o.filter);
  const [cmd, ...rest] = [...prefix, GHOSTWATCH, ...args];
  return spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Wait until the capture has attached the probe and scanned /proc: it then creates its file. */
async function ready(file: string, child: ChildProcess): Promise<void> {
  for (const end = Date.now() + 20_000; !existsSync(file); await sleep(50)) {
    assert.ok(Date.now() < end && child.exitCode === null, 'the capture did not start');
  }
}

function finished(child: ChildProcess): Promise<{ status: number | null; stderr: string }> {
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
}

function sysdig(file: string, ...args: string[]): string {
  const r = spawnSync('sysdig', ['-r', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function ghostwatchEvents(file: string, format?: string, ...more: string[]): string {
  const r = spawnSync(GHOSTWATCH, ['events', '-r', file, ...(format !== undefined ? ['-p', format] : []), ...more], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The two outputs are the same, line for line; else the first differing lines, both ways. */
function assertSameLines(ours: string, theirs: string): void {
  const a = ours.split('\n'), b = theirs.split('\n');
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && diffs.length < 5; i++) {
    if (a[i] !== b[i]) diffs.push(`sysdig:     ${b[i] ?? '(no line)'}\nghostwatch: ${a[i] ?? '(no line)'}`);
  }
  assert.deepEqual(diffs, [], 'ghostwatch events -r prints what sysdig -r prints');
}

function sh(script: string): void {
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

before(() => {
  if (skip !== false) return;
  const r = spawnSync('bash', ['scripts/build-probe.sh'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, `build-probe.sh failed:\n${r.stderr}`);
});

test('commands recorded live print the same in sysdig and ghostwatch, with their arguments, files and connections', { skip }, async () => {
  const server = createServer((s: Socket) => s.resume());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const file = join(tmp, 'commands.scap');
  const capture = startCapture({ write: file });
  const done = finished(capture);
  try {
    await ready(file, capture);
    sh('cat /etc/hostname >/dev/null');
    sh('ls / >/dev/null');
    sh(`exec 3<>/dev/tcp/127.0.0.1/${port}; echo hello >&3; exec 3>&-`);
    sh('echo hi | cat >/dev/null');
    sh('exec 5</etc/hostname; cat <&5 >/dev/null');
    sh('unshare --net true');
    sh(`nsenter --target ${process.pid} --net true`);
    sh('bpftool map list >/dev/null');
    sh('setsid true; chroot / true; setpriv --inh-caps -all true');
    if (python !== undefined) sh(`${python} -c '${PYTHON_CALLS}'`);
    await sleep(500);
  } finally {
    capture.kill('SIGINT');
    server.close();
  }
  const { status, stderr } = await done;
  assert.equal(status, 0, stderr);

  const theirs = sysdig(file);
  assertSameLines(ghostwatchEvents(file), theirs);
  const format = '%evt.num %proc.name %proc.cmdline %proc.pname %user.name %fd.name %fd.type %evt.dir %evt.type %evt.args';
  const detailed = sysdig(file, '-p', format);
  assertSameLines(ghostwatchEvents(file, format), detailed);

  // stderr says how many events were lost, if any: what to look at when one is missing.
  const has = (re: RegExp, what: string) => assert.match(theirs, re, `${what} ${stderr}`);
  has(/ cat \(\d+\) < execve res=0 exe=cat args=\/etc\/hostname\. /, 'cat executed with its argument');
  has(/ cat \(\d+\) < openat fd=3\(<f>\/etc\/hostname\) dirfd=-100\(AT_FDCWD\) name=\/etc\/hostname /, 'cat opened /etc/hostname');
  has(/ cat \(\d+\) > read fd=3\(<f>\/etc\/hostname\) /, 'cat read it through the fd');
  has(/ ls \(\d+\) < execve res=0 exe=ls args=\/\. /, 'ls executed');
  has(new RegExp(` bash \\(\\d+\\) < connect res=0 tuple=127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port} `), 'bash connected to the listener');
  // echo writes to its stdout, which bash made a copy of fd 3.
  has(new RegExp(` bash \\(\\d+\\) < dup res=1\\(<4t>127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port}\\) `), 'bash moved the connection to stdout');
  has(new RegExp(` bash \\(\\d+\\) > write fd=1\\(<4t>127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port}\\) size=6 `), 'bash wrote to the connection');
  has(new RegExp(`\\(${process.pid}\\) < accept fd=\\d+\\(<4t>127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port}\\) `), 'the listener accepted');
  has(/ bash \(\d+\) < pipe res=0 fd1=\d+\(<p>\) fd2=\d+\(<p>\) /, 'bash made a pipe');
  has(/ bash \(\d+\) < dup res=0\(<f>\/etc\/hostname\) /, 'bash moved fd 5 to stdin (dup2)');
  has(/ unshare \(\d+\) > unshare flags=16\(CLONE_NEWNET\) /, 'unshare made a network namespace');
  has(new RegExp(` nsenter \\(\\d+\\) > setns fd=\\d+\\(<f>/proc/${process.pid}/ns/net\\) nstype=16\\(CLONE_NEWNET\\) `), 'nsenter joined it');
  has(/ bpftool \(\d+\) < bpf res_or_fd=/, 'bpftool called bpf');
  has(/ setsid \(\d+\) < setsid res=\d+\(setsid\) /, 'setsid made a session');
  has(/ chroot \(\d+\) < chroot res=0 path=\/ /, 'chroot changed its root');
  has(/ setpriv \(\d+\) > capset /, 'setpriv set its capabilities');
  if (python !== undefined) {
    // An unconnected UDP socket is named by the peer of each datagram.
    has(/ python3? \(\d+\) > sendto fd=\d+\(<4>\) size=5 tuple=0\.0\.0\.0:\d+->127\.0\.0\.1:\d+ /, 'python sent a datagram');
    has(/ python3? \(\d+\) < recvfrom res=5 data=hello tuple=127\.0\.0\.1:\d+->127\.0\.0\.1:\d+ /, 'python received it with its sender');
    has(/ python3? \(\d+\) > sendmsg fd=\d+\(<4u>127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\) size=4 /, 'python sent two buffers in one message');
    has(/ python3? \(\d+\) < recvmsg res=4 size=4 data=abcd tuple=127\.0\.0\.1:\d+->127\.0\.0\.1:\d+ /, 'python received the message');
    has(/ python3? \(\d+\) < socketpair res=0 fd1=(\d+)\(<u>\) fd2=\d+\(<u>\) source=[0-9A-F]+ peer=[0-9A-F]+ /, 'python made a socket pair');
    has(/ python3? \(\d+\) > shutdown fd=\d+\(<u>\) how=1\(SHUT_WR\) /, 'and shut down one way of it');
    has(/ python3? \(\d+\) < eventfd res=\d+\(<e>\) /, 'python made an eventfd');
    has(/ python3? \(\d+\) > epoll_create1 /, 'and an epoll fd');
    has(/ python3? \(\d+\) < prlimit res=0 newcur=1000 newmax=\d+ /, 'python lowered its fd limit');
  }
  // The same facts through the fields the state derives.
  assert.match(detailed, / cat cat \/etc\/hostname bash root \/etc\/hostname file < openat /);
  assert.match(detailed, new RegExp(` bash bash -c exec 3<>/dev/tcp/127\\.0\\.0\\.1/${port}; .* root 127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port} ipv4 < connect `));
});

/** The buffer the workload writes: 120 known bytes, of which a capture keeps the first 80. */
const DATA = `ghostwatch-io-${'0123456789'.repeat(12)}`.slice(0, 120);
/**
 * Python, as a program does its I/O: write DATA to a file, fstat(2) it (glibc's fstat() makes a
 * newfstatat), mmap it, pwrite and writev, read it back, and one call without an event of its own
 * (sched_yield). It prints its pid.
 */
const IO_WORKLOAD = [
  'import ctypes, mmap, os, sys',
  'path, data = sys.argv[1], sys.argv[2].encode()',
  'print(os.getpid(), flush=True)',
  'fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_TRUNC, 0o644)',
  'os.write(fd, data)',
  'ctypes.CDLL(None).syscall(5, fd, ctypes.create_string_buffer(256))',
  'm = mmap.mmap(fd, 0, prot=mmap.PROT_READ); m.close()',
  'os.pwrite(fd, b"pwrite:" + data, 200)',
  'os.writev(fd, [b"writev-one:", b"writev-two:" + data])',
  'os.lseek(fd, 0, 0); os.read(fd, 100)',
  'os.sched_yield()',
  'os.close(fd)',
].join('\n');

/** Run the I/O workload on `path`; its pid. */
function ioWorkload(path: string): number {
  const r = spawnSync(python!, ['-c', IO_WORKLOAD, path, DATA], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

/** Record while the I/O workload runs: its pid, and what capture said on stderr. */
async function recordIo(file: string, path: string, o: { snaplen?: number; filter?: string } = {}): Promise<{ pid: number; stderr: string }> {
  const capture = startCapture({ write: file, ...o });
  const done = finished(capture);
  let pid: number;
  try {
    await ready(file, capture);
    pid = ioWorkload(path);
    await sleep(500);
  } finally {
    capture.kill('SIGINT');
  }
  const { status, stderr } = await done;
  assert.equal(status, 0, stderr);
  return { pid, stderr };
}

interface WorkloadLine { num: number; ts: bigint; dir: string; type: string; latency: bigint; duration: bigint; buffer: string; info: string }

/** The workload's events as sysdig reads them. */
function workloadEvents(file: string, pid: number): WorkloadLine[] {
  const out = sysdig(file, '-p', '*%evt.num|%evt.rawtime|%evt.dir|%evt.type|%evt.latency|%proc.duration|%evt.buffer|%evt.info', `thread.tid=${pid}`);
  return out.trimEnd().split('\n').map((l) => {
    const [num, ts, dir, type, latency, duration, buffer, ...info] = l.split('|');
    return { num: Number(num), ts: BigInt(ts), dir, type, latency: BigInt(latency), duration: BigInt(duration), buffer, info: info.join('|') };
  });
}

const ioSkip = skip !== false ? skip : python === undefined ? 'needs python3' : false;

test('without a filter every call is recorded as sysdig -w does: mmap, fstat, generic calls, enter events at their own time, 80 bytes of each buffer', { skip: ioSkip }, async () => {
  const file = join(tmp, 'io.scap');
  const path = join(tmp, 'io-data');
  const { pid, stderr } = await recordIo(file, path);
  const lines = workloadEvents(file, pid);
  const find = (dir: string, type: string, info: RegExp): WorkloadLine => {
    const l = lines.find((x) => x.dir === dir && x.type === type && info.test(x.info));
    assert.ok(l !== undefined, `${dir} ${type} ${info} in:\n${lines.map((x) => `${x.dir} ${x.type} ${x.info}`).join('\n')}\n${stderr}`);
    return l;
  };
  const fd = `fd=\\d+\\(<f>${path}\\)`;
  // The calls a program makes, with their own events and arguments.
  find('>', 'mmap', new RegExp(`prot=1\\(PROT_READ\\) flags=1\\(MAP_SHARED\\) ${fd} offset=0`));
  find('<', 'mmap', /^res=[0-9A-F]+ vm_size=\d+ vm_rss=\d+ vm_swap=\d+/);
  find('>', 'fstat', new RegExp(`^${fd}`));
  find('<', 'fstat', /^res=0/);
  find('>', 'lseek', new RegExp(`^${fd} offset=0 whence=0\\(SEEK_SET\\)`));
  // A call without an event of its own: the generic event, named by its syscall.
  find('>', 'sched_yield', /^$/);
  find('<', 'sched_yield', /^$/);
  // Each enter event has its own time, before its exit's: the exit's latency is the difference.
  const enter = find('>', 'write', new RegExp(`^${fd} size=120`));
  const exit = lines[lines.indexOf(enter) + 1];
  assert.equal(exit.type, 'write');
  assert.equal(exit.dir, '<');
  assert.ok(enter.ts < exit.ts, `enter ${enter.ts}, exit ${exit.ts}`);
  assert.equal(exit.latency, exit.ts - enter.ts);
  assert.ok(exit.latency > 0n);
  assert.ok(enter.duration < exit.duration, 'proc.duration grows from the enter event to the exit');
  // Every exit but the child's return from fork (it has no enter event).
  const exits = lines.filter((l) => l.dir === '<' && !(/^(clone|clone3|fork|vfork)$/.test(l.type) && l.info.startsWith('res=0 ')));
  assert.deepEqual(exits.filter((l) => l.latency === 0n).map((l) => `${l.type} ${l.info}`), [], 'every exit has a latency');
  // The first 80 bytes of each buffer.
  assert.equal(exit.buffer, DATA.slice(0, 80));
  assert.equal(find('<', 'pwrite', /^res=127 /).buffer, `pwrite:${DATA}`.slice(0, 80));
  assert.equal(find('<', 'writev', /^res=142 /).buffer, `writev-one:writev-two:${DATA}`.slice(0, 80));
  assert.equal(find('<', 'read', /^res=100 /).buffer, DATA.slice(0, 80));
  // sysdig and ghostwatch read the capture alike: default lines, fields, JSON, summary.
  assertSameLines(ghostwatchEvents(file), sysdig(file));
  const format = '*%evt.num %evt.rawtime %evt.latency %proc.duration %evt.dir %evt.type %proc.name %fd.name %evt.buffer %evt.args';
  assertSameLines(ghostwatchEvents(file, format), sysdig(file, '-p', format));
  assertSameLines(ghostwatchEvents(file, undefined, '-j'), sysdig(file, '-j'));
  assertSameLines(ghostwatchEvents(file, undefined, '-S', '-t', 'd'), sysdig(file, '-S', '-t', 'd'));
});

test('-s sets how many bytes of each buffer are kept; with a filter, the enter events it keeps are there too', { skip: ioSkip }, async () => {
  const file = join(tmp, 'io-s16.scap');
  const path = join(tmp, 'io-data-s16');
  await recordIo(file, path, { snaplen: 16, filter: `fd.name=${path}` });
  const shown = sysdig(file, '-p', '%evt.dir %evt.type %evt.buffer', 'evt.type in (write, pwrite, read)');
  assert.deepEqual(shown.trimEnd().split('\n'), [
    `< write ${DATA.slice(0, 16)}`,
    `< pwrite ${`pwrite:${DATA}`.slice(0, 16)}`,
    `< read ${DATA.slice(0, 16)}`,
  ]);
  const both = sysdig(file, '-p', '%evt.dir %evt.type', 'evt.type=write');
  assert.equal(both, '> write\n< write\n');
  assertSameLines(ghostwatchEvents(file), sysdig(file));
});

test('with a filter only the matching events are shown; the state they need is in the file, hidden', { skip }, async () => {
  const file = join(tmp, 'filtered.scap');
  const capture = startCapture({ write: file, filter: 'proc.name=cat' });
  const done = finished(capture);
  try {
    await ready(file, capture);
    sh('cat /etc/hostname >/dev/null; ls / >/dev/null');
    await sleep(500);
  } finally {
    capture.kill('SIGTERM');
  }
  const { status, stderr } = await done;
  assert.equal(status, 0, stderr);
  // '*': every shown event gets a line, also those without an fd.
  const format = '*%proc.name %evt.dir %evt.type %fd.name';
  const shown = sysdig(file, '-p', format);
  const lines = shown.split('\n').slice(0, -1);
  assert.ok(lines.length > 0);
  assert.deepEqual(lines.filter((l) => !l.startsWith('cat ')), [], 'only cat is shown');
  assert.ok(lines.includes('cat < execve <NA>'), "cat's execve");
  assert.ok(lines.includes('cat < openat /etc/hostname'), 'with the fd names the hidden state gives');
  assertSameLines(ghostwatchEvents(file, format), shown);
});

test('-n stops after that many events, -M after that many seconds', { skip }, async () => {
  const counted = join(tmp, 'counted.scap');
  const c1 = startCapture({ write: counted, count: 25 });
  const d1 = finished(c1);
  await ready(counted, c1);
  sh('cat /etc/hostname >/dev/null; ls / >/dev/null');
  const r1 = await d1;
  assert.equal(r1.status, 0, r1.stderr);
  assert.equal(sysdig(counted).trimEnd().split('\n').length, 25);
  assertSameLines(ghostwatchEvents(counted), sysdig(counted));

  const timed = join(tmp, 'timed.scap');
  const c2 = startCapture({ write: timed, seconds: 1 });
  const d2 = finished(c2);
  await ready(timed, c2);
  sh('cat /etc/hostname >/dev/null');
  const r2 = await d2;
  assert.equal(r2.status, 0, r2.stderr);
  // The events of one second of event time (events of different cpus arrive a little out of order).
  const times = sysdig(timed, '-p', '%evt.rawtime').trimEnd().split('\n').map(BigInt);
  assert.ok(times.length > 0);
  const span = times.reduce((a, b) => (b > a ? b : a)) - times.reduce((a, b) => (b < a ? b : a));
  assert.ok(span <= 1_200_000_000n, `events span ${span} ns`);
  assertSameLines(ghostwatchEvents(timed), sysdig(timed));
});

test('without root: one line saying so, exit 1, no file', { skip }, async () => {
  const file = join(tmp, 'not-root.scap');
  const c = startCapture({ write: file }, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
  const { status, stderr } = await finished(c);
  assert.equal(status, 1);
  assert.match(stderr, /^ghostwatch: ghostwatch-probe: not running as root[^\n]*\n$/);
  assert.ok(!existsSync(file));
});

test('a file that cannot be written: one line, exit 1', { skip }, async () => {
  const { status, stderr } = await finished(startCapture({ write: join(tmp, 'no-such-dir', 'x.scap') }));
  assert.equal(status, 1);
  assert.match(stderr, /^ghostwatch: [^\n]*no-such-dir\/x\.scap: no such file or directory\n$/);
});

test('a bad filter: one line, exit 1, no file', async () => {
  const file = join(tmp, 'bad-filter.scap');
  const { status, stderr } = await finished(startCapture({ write: file, filter: 'proc.name = = cat' }));
  assert.equal(status, 1);
  assert.match(stderr, /^ghostwatch: filter error at [^\n]*\n$/);
  assert.ok(!existsSync(file));
});
