// Expected lines are what sysdig 0.29.3 printed (`-p '%evt.num %evt.type %evt.info'`) for the same
// events, written into a capture with the header blocks of cat_write.scap; the fake state below
// holds what sysdig had loaded from those blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Event } from '../../src/capture/event.js';
import { EVENT_TABLE, EventCategory, legacyParamCount } from '../../src/capture/event-table.js';
import { ParamType as T } from '../../src/capture/event-types.js';
import { readCapture } from '../../src/capture/reader.js';
import {
  DEFAULT_RENDER_OPTIONS, fdTypeChar, findParam, renderArg, renderInfo, renderParam, renderRawArg, visibleParamCount,
  type RenderOptions,
} from '../../src/fields/render.js';
import { FdType, type FdInfo, type ThreadInfo } from '../../src/state/types.js';
import { sharedPath, SHARED_MISSING } from '../helpers.js';
import { sysdigSkip } from '../support/sysdig.js';

// --- building events --------------------------------------------------------------------------

type Value = number | bigint | string | Buffer;

const i64 = (v: number | bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)));
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v & 0xffff);
  return b;
};
const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'latin1'), u8(0)]);

function encode(type: number, v: Value): Buffer {
  if (Buffer.isBuffer(v)) return v;
  switch (type) {
    case T.FD: case T.PID: case T.ERRNO: case T.INT64: case T.UINT64: case T.RELTIME: return i64(v as number);
    case T.UINT32: case T.INT32: case T.FLAGS32: case T.MODE: case T.UID: case T.GID: case T.SIGSET: return u32(v as number);
    case T.UINT16: case T.FLAGS16: case T.SYSCALLID: return u16(v as number);
    case T.UINT8: case T.FLAGS8: case T.SIGTYPE: return u8(v as number);
    case T.CHARBUF: case T.FSPATH: case T.FSRELPATH: return cstr(v as string);
    case T.BYTEBUF: return Buffer.from(v as string, 'latin1');
    default: throw new Error(`no encoding for type ${type}`);
  }
}

/** An event of this type with these parameter values (as many as given), as the reader delivers it. */
function makeEvent(tid: number, type: number, ...values: Value[]): Event {
  const info = EVENT_TABLE[type];
  const params = values.map((v, k) => encode(info.params[k].type, v));
  const lens = Buffer.concat(params.map((p) => u16(p.length)));
  const hdr = Buffer.alloc(26);
  hdr.writeBigUInt64LE(1_500_000_000_000_000_000n, 0);
  hdr.writeBigUInt64LE(BigInt(tid), 8);
  hdr.writeUInt32LE(26 + lens.length + params.reduce((n, p) => n + p.length, 0), 16);
  hdr.writeUInt16LE(type, 20);
  hdr.writeUInt32LE(params.length, 22);
  const buf = Buffer.concat([hdr, lens, ...params]);
  const evt = new Event();
  evt.reset(buf, 0, 26, 2, params.length);
  evt.thread = threads.get(tid);
  return evt;
}

const ip4 = (a: string): Buffer => Buffer.from(a.split('.').map(Number));
const ip6 = (words: number[]): Buffer => {
  const b = Buffer.alloc(16);
  words.forEach((w, k) => b.writeUInt16BE(w, 2 * k));
  return b;
};
const sa4 = (a: string, port: number): Buffer => Buffer.concat([u8(2), ip4(a), u16(port)]);
const sa6 = (w: number[], port: number): Buffer => Buffer.concat([u8(10), ip6(w), u16(port)]);
const tup4 = (a: string, ap: number, b: string, bp: number): Buffer => Buffer.concat([u8(2), ip4(a), u16(ap), ip4(b), u16(bp)]);
const tup6 = (a: number[], ap: number, b: number[], bp: number): Buffer => Buffer.concat([u8(10), ip6(a), u16(ap), ip6(b), u16(bp)]);
const fdlist = (entries: [number, number][]): Buffer => Buffer.concat([u16(entries.length), ...entries.flatMap(([fd, fl]) => [i64(fd), u16(fl)])]);
const dyn = (idx: number, payload: Buffer): Buffer => Buffer.concat([u8(idx), payload]);
/** 100 bytes of everything: printable, control, high. */
const MIXED = Buffer.from(Array.from({ length: 100 }, (_, k) => (k * 37 + 11) & 0xff)).toString('latin1');

// --- the state sysdig had ---------------------------------------------------------------------

const BASH = 11310, SYSTEMD = 1, SSHD = 936, RPCBIND = 415, ACCOUNTS = 631;
const CWD = '/mnt/sf_mstemm/work/src/agent/build/release/userspace/dragent/';

function fd(type: FdType, name: string, l4proto = 0): FdInfo {
  return { type, openFlags: 0, name, nameRaw: name, sip: 0, dip: 0, sport: 0, dport: 0, l4proto, dev: 0, ino: 0 };
}

function thread(tid: number, comm: string, cwd: string, fds: [number, FdInfo][]): ThreadInfo {
  return {
    tid, pid: tid, ptid: 0, sid: 0, vtid: tid, vpid: tid, vpgid: 0, pgid: 0, comm, exe: comm, exepath: '', args: [],
    env: [], cwd, root: '/', uid: 0, gid: 0, loginuid: -1, flags: 0, fdlimit: 1024, tty: 0, capInheritable: 0n,
    capPermitted: 0n, capEffective: 0n, cgroups: [], containerId: '', cloneTs: 0n, pidnsInitStartTs: 0, exeIno: 0, exeInoCtime: 0,
    exeInoMtime: 0, exeFromMemfd: false, exeUpperLayer: false, exeWritable: false, vmsizeKb: 0, vmrssKb: 0,
    vmswapKb: 0, pfmajor: 0, pfminor: 0, fds: new Map(fds), incomplete: false,
  };
}

const PTS = fd(FdType.FILE, '/dev/pts/4');
const threads = new Map<number, ThreadInfo>([
  [BASH, thread(BASH, 'bash', CWD, [[0, PTS], [1, PTS], [2, PTS], [255, PTS], [50, fd(FdType.FILE, `${CWD}bar/baz/qux`)]])],
  [SYSTEMD, thread(SYSTEMD, 'systemd', '/', [
    [0, fd(FdType.FILE, '/dev/null')], [4, fd(FdType.EVENTPOLL, '')], [5, fd(FdType.SIGNALFD, '')],
    [6, fd(FdType.DIRECTORY, '/sys/fs/cgroup/systemd')], [7, fd(FdType.TIMERFD, '')], [10, fd(FdType.INOTIFY, '')],
    [12, fd(FdType.UNIX_SOCK, '/run/systemd/notify\n')], [24, fd(FdType.FIFO, '/run/systemd/initctl/fifo')],
  ])],
  [SSHD, thread(SSHD, 'sshd', '/', [[3, fd(FdType.IPV4_SOCK, '10.0.2.2:54626->10.0.2.15:22', 2)]])],
  [RPCBIND, thread(RPCBIND, 'rpcbind', '/', [[6, fd(FdType.IPV4_SERVSOCK, '0.0.0.0:111', 3)], [9, fd(FdType.IPV6_SERVSOCK, ':::111', 2)]])],
  [ACCOUNTS, thread(ACCOUNTS, 'accounts-daemon', '/', [[3, fd(FdType.EVENT, '')]])],
]);
const users = new Map([[0, 'root'], [1, 'daemon'], [1000, 'mstemm']]);
const groups = new Map([[0, 'root'], [4, 'adm']]);

const OPTS: RenderOptions = {
  ...DEFAULT_RENDER_OPTIONS,
  state: {
    thread: (tid) => threads.get(tid),
    mainThread: (t) => threads.get(t.pid) ?? t,
    user: (uid) => (users.has(uid) ? { uid, gid: 0, name: users.get(uid)!, home: '', shell: '' } : undefined),
    group: (gid) => (groups.has(gid) ? { gid, name: groups.get(gid)! } : undefined),
  },
};

/** `type info` as sysdig's `%evt.type %evt.info` prints it. */
function line(evt: Event, opts: RenderOptions = OPTS): string {
  return `${EVENT_TABLE[evt.type].name} ${renderInfo(evt, opts)}`;
}

// --- parameters -------------------------------------------------------------------------------

test('numbers, errno results, flags and octal modes', () => {
  assert.equal(line(makeEvent(BASH, 3, 50, 'foo/../bar/./baz//qux/', 0x1003, 0o644, 0xabcdef)),
    `open fd=50(<f>${CWD}bar/baz/qux) name=foo/../bar/./baz//qux/(${CWD}bar/baz/qux) flags=4099(O_RDWR|O_CLOEXEC) mode=0644 dev=ABCDEF `);
  assert.equal(line(makeEvent(BASH, 3, -2, '/etc/x', 7, 0, 0x803)), 'open fd=-2(ENOENT) name=/etc/x flags=7(O_CREAT|O_RDWR) mode=0 dev=803 ');
  assert.equal(line(makeEvent(BASH, 3, -13, '../../..//../x/..', 0x2050, 0o4755, 0)),
    'open fd=-13(EACCES) name=../../..//../x/..(/mnt/sf_mstemm/work/src/agent) flags=8272(O_NONBLOCK|O_DSYNC|O_TMPFILE) mode=04755 dev=0 ');
  assert.equal(line(makeEvent(BASH, 159, 0x926000, 0xffffffff, 4, 0)), 'brk res=926000 vm_size=-1 vm_rss=4 vm_swap=0 ');
  assert.equal(line(makeEvent(BASH, 160, 0, 4096, 7, 0x22, -1, 0)),
    'mmap addr=0 length=4096 prot=7(PROT_READ|PROT_WRITE|PROT_EXEC) flags=34(MAP_PRIVATE|MAP_RENAME) fd=-1(EPERM) offset=0 ');
  assert.equal(line(makeEvent(BASH, 160, 0x7f0000000000, 4096, 0, 0x4000, 4294967295, 0)),
    'mmap addr=7F0000000000 length=4096 prot=0(PROT_NONE) flags=16384(MAP_LOCKED) fd=4294967295 offset=0 ');
  assert.equal(line(makeEvent(BASH, 64, 0x7ffd0000, 137, 1)), 'futex addr=7FFD0000 op=137(FUTEX_PRIVATE_FLAG|FUTEX_WAIT_BITSET) val=1 ');
  assert.equal(line(makeEvent(BASH, 64, 0x7ffd0000, 0, 1)), 'futex addr=7FFD0000 op=0(FUTEX_WAIT) val=1 ');
  assert.equal(line(makeEvent(BASH, 86, 3, 0xffffffffffffn, 2)), 'lseek fd=3 offset=281474976710655 whence=2(SEEK_END) ');
  assert.equal(line(makeEvent(BASH, 86, 3, -1, 9)), 'lseek fd=3 offset=-1 whence=9(SEEK_CUR) ');
  assert.equal(line(makeEvent(BASH, 141, 0, -1, 1024)), 'getrlimit res=0 cur=-1 max=1024 ');
  assert.equal(line(makeEvent(BASH, 140, 7)), 'getrlimit resource=7(RLIMIT_NOFILE) ');
  assert.equal(line(makeEvent(BASH, 112, 3, 10, -1)), 'pread fd=3 size=10 pos=-1 ');
  assert.equal(line(makeEvent(BASH, 43, 0, 3, 4, 0xffff88001234n, 0n)), 'socketpair res=0 fd1=3 fd2=4 source=FFFF88001234 peer=0 ');
  assert.equal(line(makeEvent(BASH, 61, 0, -5, -6, 0)), 'pipe res=0 fd1=-5(EIO) fd2=-6(ENXIO) ino=0 ');
  assert.equal(line(makeEvent(BASH, 240, 255, 0x40020000)), 'setns fd=255(<f>/dev/pts/4) nstype=1073872896(NAME_CHANGED) ');
  assert.equal(line(makeEvent(BASH, 242, 255, 6)), 'flock fd=255(<f>/dev/pts/4) operation=6(LOCK_EX|LOCK_NB) ');
  assert.equal(line(makeEvent(BASH, 36, 3, 7)), 'shutdown fd=3 how=7(SHUT_RDWR|SHUT_WR) ');
  for (const [res, text] of [[0, 'res=0'], [-9, 'res=-9(EBADF)'], [-600, 'res=-600'], [-516, 'res=-516(ERESTART_RESTARTBLOCK)']] as const) {
    assert.equal(line(makeEvent(BASH, 5, res)), `close ${text} `);
  }
});

test('flags tables resolve the way sysdig walks them', () => {
  const domain = (d: number) => line(makeEvent(BASH, 18, d, 1, 0));
  assert.equal(domain(10), 'socket domain=10(AF_INET6) type=1 proto=0 ');
  assert.equal(domain(16), 'socket domain=16(AF_ROUTE) type=1 proto=0 ');
  assert.equal(domain(44), 'socket domain=44(AF_IEEE802154|AF_ATMPVC) type=1 proto=0 ');
  assert.equal(domain(0), 'socket domain=0(AF_UNSPEC) type=1 proto=0 ');
  assert.equal(domain(1), 'socket domain=1(AF_LOCAL) type=1 proto=0 ');
  assert.equal(domain(3), 'socket domain=3(AF_AX25) type=1 proto=0 ');
  const cmd = (c: number) => line(makeEvent(BASH, 150, 255, c));
  assert.equal(cmd(26), 'fcntl fd=255(<f>/dev/pts/4) cmd=26(F_DUPFD_CLOEXEC) ');
  assert.equal(cmd(0), 'fcntl fd=255(<f>/dev/pts/4) cmd=0(UNKNOWN) ');
  assert.equal(cmd(30), 'fcntl fd=255(<f>/dev/pts/4) cmd=30(F_SETPIPE_SZ|F_GETFD|F_OFD_GETLK) ');
  assert.equal(cmd(7), 'fcntl fd=255(<f>/dev/pts/4) cmd=7(F_GETLK|F_DUPFD) ');
  const access = (m: number) => renderArg(makeEvent(BASH, 264, m), 0, OPTS);
  assert.deepEqual([0, 4, 7, 1, 6].map(access), ['F_OK', 'R_OK', 'R_OK|W_OK|X_OK', 'X_OK', 'R_OK|W_OK']);
  const chmod = (m: number) => line(makeEvent(BASH, 315, 0, 'x/y', m));
  assert.equal(chmod(0o755), `chmod res=0 filename=x/y(${CWD}x/y) mode=0755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR) `);
  assert.equal(chmod(0), `chmod res=0 filename=x/y(${CWD}x/y) mode=0 `);
  assert.equal(chmod(0o7777),
    `chmod res=0 filename=x/y(${CWD}x/y) mode=07777(S_IXOTH|S_IWOTH|S_IROTH|S_IXGRP|S_IWGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISVTX|S_ISGID|S_ISUID) `);
});

test('paths: sanitized, and resolved against the cwd or the dirfd when relative', () => {
  assert.equal(line(makeEvent(BASH, 3, -2, 'caf\xc3\xa9/\x01x', 4, 0, 0)),
    `open fd=-2(ENOENT) name=caf/x(${CWD}caf../.x) flags=4(O_CREAT) mode=0 dev=0 `);
  assert.equal(line(makeEvent(BASH, 3, -2, '', 4, 0, 0)), `open fd=-2(ENOENT) name=(${CWD.slice(0, -1)}) flags=4(O_CREAT) mode=0 dev=0 `);
  assert.equal(line(makeEvent(BASH, 3, -2, '<NA>', 4, 0, 0)), 'open fd=-2(ENOENT) name=<NA> flags=4(O_CREAT) mode=0 dev=0 ');
  const openat = (dirfd: number, name: string) => line(makeEvent(BASH, 307, -13, dirfd, name, 1, 0o600, 1));
  assert.equal(openat(-100, 'rel/path'), `openat fd=-13(EACCES) dirfd=-100(AT_FDCWD) name=rel/path(${CWD}rel/path) flags=1(O_RDONLY) mode=0600 dev=1 `);
  assert.equal(openat(255, 'rel/path'), 'openat fd=-13(EACCES) dirfd=255(<f>/dev/pts/4) name=rel/path(/dev/pts/4/rel/path) flags=1(O_RDONLY) mode=0600 dev=1 ');
  assert.equal(openat(77, 'rel/path'), 'openat fd=-13(EACCES) dirfd=77 name=rel/path(rel/path) flags=1(O_RDONLY) mode=0600 dev=1 ');
  assert.equal(openat(-100, '/abs/path'), 'openat fd=-13(EACCES) dirfd=-100(AT_FDCWD) name=/abs/path flags=1(O_RDONLY) mode=0600 dev=1 ');
  assert.equal(line(makeEvent(SYSTEMD, 303, 0, 6, '../x', 0)), 'unlinkat res=0 dirfd=6(<d>/sys/fs/cgroup/systemd) name=../x(/sys/fs/cgroup/x) flags=0 ');
  assert.equal(line(makeEvent(SYSTEMD, 303, 0, 6, 'y/z', 0x200)),
    'unlinkat res=0 dirfd=6(<d>/sys/fs/cgroup/systemd) name=y/z(/sys/fs/cgroup/systemd/y/z) flags=512(AT_REMOVEDIR) ');
  // Without a thread nothing is resolved.
  const orphan = makeEvent(BASH, 3, -2, 'rel', 4, 0, 0);
  orphan.thread = undefined;
  assert.equal(renderInfo(orphan, OPTS), 'fd=-2 name=rel flags=4(O_CREAT) mode=0 dev=0 ');
});

test('fds show their type letter, socket protocol and name', () => {
  assert.equal(line(makeEvent(BASH, 6, 0, 1024)), 'read fd=0(<f>/dev/pts/4) size=1024 ');
  assert.equal(line(makeEvent(BASH, 8, 3, 12)), 'write fd=3 size=12 ');
  assert.equal(line(makeEvent(SSHD, 8, 3, 12)), 'write fd=3(<4t>10.0.2.2:54626->10.0.2.15:22) size=12 ');
  assert.equal(line(makeEvent(RPCBIND, 8, 6, 1)), 'write fd=6(<4u>0.0.0.0:111) size=1 ');
  assert.equal(line(makeEvent(RPCBIND, 8, 9, 1)), 'write fd=9(<6t>:::111) size=1 ');
  assert.equal(line(makeEvent(ACCOUNTS, 8, 3, 1)), 'write fd=3(<e>) size=1 ');
  const close = (n: number) => renderParam(makeEvent(SYSTEMD, 4, n), 0, OPTS);
  assert.deepEqual([0, 4, 5, 6, 7, 10, 12, 24, 99, -1, -100, -9, -200, -4096].map(close), [
    '0(<f>/dev/null)', '4(<l>)', '5(<s>)', '6(<d>/sys/fs/cgroup/systemd)', '7(<t>)', '10(<i>)', '12(<u>/run/systemd/notify)',
    '24(<p>/run/systemd/initctl/fifo)', '99', '-1(EPERM)', '-100(AT_FDCWD)', '-9(EBADF)', '-200', '-4096',
  ]);
  assert.deepEqual([FdType.FILE_V2, FdType.MEMFD, FdType.UNINITIALIZED].map(fdTypeChar), ['f', '?', '?']);
});

test('socket addresses and tuples', () => {
  assert.equal(line(makeEvent(SSHD, 30, 3, 64, tup4('10.0.2.15', 22, '10.0.2.2', 54626))),
    'sendto fd=3(<4t>10.0.2.2:54626->10.0.2.15:22) size=64 tuple=10.0.2.15:22->10.0.2.2:54626 ');
  const tuple = (b: Buffer, res = 0) => renderParam(makeEvent(BASH, 23, res, b), 1, OPTS);
  assert.equal(tuple(tup6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], 443, [0xfe80, 0, 0, 0, 1, 0, 0, 0], 8080)), '2001:db8::1:443->fe80::1:0:0:0:8080');
  assert.equal(tuple(tup6([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1], 1234, [0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x101], 80)), '127.0.0.1:1234->192.168.1.1:80');
  assert.equal(tuple(tup6([0, 0, 0, 0, 0, 0, 0, 0], 1, [0, 0, 0, 0, 0, 0, 0, 0], 2)), '0.0.0.0:1->0.0.0.0:2');
  const unix = Buffer.concat([u8(1), i64(0xffff8800deadbeefn), i64(0x1234), cstr('/run/sock\x07et')]);
  assert.equal(line(makeEvent(BASH, 23, -111, unix)), 'connect res=-111(ECONNREFUSED) tuple=ffff8800deadbeef->1234 /run/socket ');
  assert.equal(tuple(Buffer.alloc(0)), 'NULL');
  assert.equal(tuple(Buffer.from([44, 1, 2])), 'family 44');
  assert.equal(tuple(Buffer.from([2, 1, 2])), 'INVALID IPv4');
  const addr = (b: Buffer) => renderParam(makeEvent(BASH, 22, 5, b), 1, OPTS);
  assert.equal(addr(sa4('192.168.0.1', 80)), '192.168.0.1:80');
  assert.equal(addr(sa6([0, 0, 0, 0, 0, 0, 0, 1], 22)), '::1:22');
  assert.equal(addr(sa6([0, 0, 0, 0, 0, 0, 0x102, 0x304], 22)), '::1.2.3.4:22');
  assert.equal(addr(sa6([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304], 22)), '::ffff:1.2.3.4:22');
  assert.equal(addr(sa6([0x2001, 0, 0, 1, 0, 0, 0, 1], 22)), '2001:0:0:1::1:22');
  assert.equal(addr(sa6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], 22)), '2001:db8::1:0:0:1:22');
  assert.equal(addr(Buffer.concat([u8(1), cstr('/var/run/x.sock')])), '/var/run/x.sock');
  assert.equal(addr(Buffer.alloc(0)), 'NULL');
  assert.equal(addr(Buffer.from([200, 1])), 'family -56');
});

test('dynamic parameters take the shape their index byte names', () => {
  const val = (b: Buffer) => renderParam(makeEvent(BASH, 45, 0, 3, 1, 20, b, 8), 4, OPTS);
  assert.equal(line(makeEvent(BASH, 45, 0, 3, 1, 2, dyn(2, u32(65536)), 4)),
    'setsockopt res=0 fd=3 level=1(SOL_SOCKET) optname=2(SO_REUSEADDR) val=65536 optlen=4 ');
  assert.equal(val(dyn(0, Buffer.from('ab\x00\x01'))), 'ab..');
  assert.equal(val(dyn(4, i64(2500000000))), '2500000000(2.5s)');
  assert.equal(val(dyn(1, i64(-22))), '-22(EINVAL)');
  assert.equal(val(dyn(3, i64(-5))), '-5');
  assert.equal(val(dyn(9, i64(5))), 'INVALID DYNAMIC PARAMETER');
  assert.equal(val(Buffer.alloc(0)), 'INVALID DYNAMIC PARAMETER');
  assert.equal(line(makeEvent(BASH, 169, 0, dyn(0, i64(0x7fff1234)), dyn(1, u8(9)))), 'ptrace res=0 addr=7FFF1234 data=9(SIGKILL) ');
});

test('times, pids, signals, fd lists, signal sets, users and groups', () => {
  const interval = (ns: number) => renderParam(makeEvent(BASH, 134, ns), 0, OPTS);
  assert.deepEqual([1500000000, -1, 1, 123456789000000, 999999, 100000, 0, 60000000000].map(interval), [
    '1500000000(1.5s)', 'none', '1(1e-09s)', '123456789000000(123457s)', '999999(0.000999999s)', '100000(0.0001s)', '0(0s)',
    '60000000000(60s)',
  ]);
  assert.equal(line(makeEvent(BASH, 168, 16, BASH)), 'ptrace request=16(PTRACE_GETSIGINFO) pid=11310(bash) ');
  assert.equal(line(makeEvent(BASH, 128, BASH, 9)), 'kill pid=11310(bash) sig=9(SIGKILL) ');
  assert.equal(line(makeEvent(BASH, 128, 999999, 40)), 'kill pid=999999 sig=40 ');
  assert.equal(line(makeEvent(BASH, 128, 1, 0)), 'kill pid=1(systemd) sig=0 ');
  assert.equal(line(makeEvent(BASH, 232, BASH, SYSTEMD, 15)), 'signaldeliver spid=11310(bash) dpid=1(systemd) sig=15(SIGTERM) ');
  assert.equal(line(makeEvent(BASH, 254, fdlist([[0, 1], [255, 4], [-1, 0], [77, -1], [3, 0x19]]), 2000000, 0x80000103)),
    'ppoll fds=0:f1 255:f4 18446744073709551615:?0 77:?ffffffff 3:?19 timeout=2000000(0.002s) sigmask=SIGHUP SIGINT SIGKILL ');
  assert.equal(line(makeEvent(BASH, 254, fdlist([]), -1, 0)), 'ppoll fds= timeout=none sigmask= ');
  const uid = (u: number) => renderParam(makeEvent(BASH, 198, u), 0, OPTS);
  assert.deepEqual([0, 1000, 12345, 0xffffffff, 0xfffffffe].map(uid), ['0(root)', '1000(mstemm)', '12345(<NA>)', '-1(<NONE>)', '-2(<NA>)']);
  assert.equal(line(makeEvent(BASH, 211, 0, 0, 1, 0xffffffff)), 'getresuid res=0 ruid=0(root) euid=1(daemon) suid=-1(<NONE>) ');
  assert.equal(line(makeEvent(BASH, 213, 0, 0, 4, 99999)), 'getresgid res=0 rgid=0(root) egid=4(adm) sgid=99999(<NA>) ');
});

test('process events: arrays joined with dots, clone flags', () => {
  assert.equal(line(makeEvent(BASH, 223, 0, 'bash', 'a\x00b\x00', BASH, BASH, 1, '/tmp', 1024, 0, 0, 100, 200, 0, 'bash', 'cpu=/\x00', 0x4111, 0, 0, 1, 1)),
    'clone res=0 exe=bash args=a.b. tid=11310(bash) pid=11310(bash) ptid=1(systemd) cwd=/tmp fdlimit=1024 pgft_maj=0 pgft_min=0 vm_size=100 vm_rss=200 vm_swap=0 comm=bash cgroups=cpu=/. flags=16657(CLONE_FILES|CLONE_NEWNET|CLONE_PARENT|CLONE_UNTRACED) uid=0 gid=0 vtid=1(systemd) vpid=1(systemd) ');
  const execve = makeEvent(BASH, 293, 0, '/bin/ls', '-l\x00/tmp\x00', BASH, BASH, 1, '/tmp', 1024, 0, 0, 100, 200, 0, 'ls', 'cpu=/\x00mem=/\x00', 'A=1\x00B=2\x00', -1, BASH, -1, 3);
  const renamed = { ...threads.get(BASH)!, comm: 'ls' };
  execve.thread = renamed;
  const opts: RenderOptions = { ...OPTS, state: { ...OPTS.state!, thread: (tid) => (tid === BASH ? renamed : threads.get(tid)) } };
  assert.equal(line(execve, opts),
    'execve res=0 exe=/bin/ls args=-l./tmp. tid=11310(ls) pid=11310(ls) ptid=1(systemd) cwd=/tmp fdlimit=1024 pgft_maj=0 pgft_min=0 vm_size=100 vm_rss=200 vm_swap=0 comm=ls cgroups=cpu=/.mem=/. env=A=1.B=2. tty=-1 pgid=11310(ls) loginuid=-1 flags=3(EXE_WRITABLE) ');
});

test('generic syscall events show no arguments', () => {
  assert.equal(renderInfo(makeEvent(BASH, 0, 10, 10), OPTS), '');
  assert.equal(renderInfo(makeEvent(BASH, 1, 10), OPTS), '');
  assert.equal(renderArg(makeEvent(BASH, 1, 10), 0, OPTS), 'chdir');
  assert.equal(renderParam(makeEvent(BASH, 1, 400), 0, OPTS), '<unknown syscall>');
});

// --- data buffers -----------------------------------------------------------------------------

test('data buffers: non-printables as dots, cut at 80 characters unless verbose', () => {
  const data = (s: string, opts = OPTS) => renderParam(makeEvent(BASH, 7, s.length, s), 1, opts);
  assert.equal(data(MIXED), '.0Uz....3X}....6[.....9^.....<a.....?d.....Bg.... Ej....#Hm....&Kp....)Ns.......');
  assert.equal(data('x'.repeat(80)), 'x'.repeat(80));
  assert.equal(data('z'.repeat(81)), 'z'.repeat(77) + '...');
  assert.equal(data(''), '');
  assert.equal(data('ab\r\ncd\nef\x00g'), 'ab..cd.ef.g');
  assert.equal(data(MIXED, { ...OPTS, maxBufferLen: 0 }),
    '.0Uz....3X}....6[.....9^.....<a.....?d.....Bg.... Ej....#Hm....&Kp....)Ns....,Qv..../Ty....2W|....5Z');
});

test('data buffers in -A, -x, -X and -b modes', () => {
  const data = (s: string, bufferFormat: RenderOptions['bufferFormat']) =>
    renderParam(makeEvent(BASH, 7, s.length, s), 1, { ...OPTS, bufferFormat, maxBufferLen: 0 });
  assert.equal(data(MIXED, 'ascii'), '\n0Uz3X}6[9^<a?dBg Ej#Hm&Kp)Ns,Qv\n/Ty\n2W|5Z');
  assert.equal(data('ab\r\ncd\nef\x00g', 'ascii'), '\nab\ncd\nefg');
  assert.equal(data('', 'ascii'), '');
  assert.equal(data(MIXED, 'hex'), [
    '\n\t0x0000: 0b30 557a 9fc4 e90e 3358 7da2 c7ec 1136', '\n\t0x0010: 5b80 a5ca ef14 395e 83a8 cdf2 173c 6186',
    '\n\t0x0020: abd0 f51a 3f64 89ae d3f8 1d42 678c b1d6', '\n\t0x0030: fb20 456a 8fb4 d9fe 2348 6d92 b7dc 0126',
    '\n\t0x0040: 4b70 95ba df04 294e 7398 bde2 072c 5176', '\n\t0x0050: 9bc0 e50a 2f54 799e c3e8 0d32 577c a1c6',
    '\n\t0x0060: eb10 355a\n',
  ].join(''));
  assert.ok(data('z'.repeat(81), 'hex').endsWith('7a7a\n\t0x0050: 7a\n'));
  assert.equal(data('ab\r\ncd\nef\x00g', 'hexascii'), '\n\t0x0000: 6162 0d0a 6364 0a65 6600 67            ab..cd.ef.g\n');
  assert.ok(data('z'.repeat(81), 'hexascii').endsWith(`zzzz\n\t0x0050: 7a${' '.repeat(37)}z\n`));
  assert.equal(data(MIXED, 'hexascii').split('\n')[7], '\t0x0060: eb10 355a                                ..5Z');
  assert.equal(data('ab\r\ncd\nef\x00g', 'base64'), 'YWINCmNkCmVmAGc=');
  assert.equal(data('z'.repeat(81), 'base64'), 'enp6'.repeat(27));
});

// --- argument access --------------------------------------------------------------------------

test('only the parameters sysdig 0.29.3 knows are shown and found by name', () => {
  const evt = makeEvent(BASH, 3, 1, '/etc/passwd', 1, 0, 0x803, 1234);
  assert.equal(evt.nparams, 6);
  assert.equal(visibleParamCount(evt), 5);
  assert.equal(renderInfo(evt, OPTS), 'fd=1(<f>/dev/pts/4) name=/etc/passwd flags=1(O_RDONLY) mode=0 dev=803 ');
  assert.equal(findParam(evt, 'dev'), 4);
  assert.equal(findParam(evt, 'ino'), -1);
  assert.equal(legacyParamCount(EVENT_TABLE[3]), 5);
  const old = makeEvent(BASH, 2);
  assert.equal(visibleParamCount(old), 0);
  assert.equal(renderInfo(old, OPTS), '');
});

test('evt.arg shows the resolved form, evt.rawarg the raw value', () => {
  const evt = makeEvent(BASH, 3, -2, '/etc/x', 4097, 0, 0x803);
  assert.equal(renderArg(evt, findParam(evt, 'fd'), OPTS), 'ENOENT');
  assert.equal(renderArg(evt, findParam(evt, 'flags'), OPTS), 'O_RDONLY|O_CLOEXEC');
  assert.equal(renderArg(evt, findParam(evt, 'mode'), OPTS), '0');
  assert.equal(renderRawArg(evt, findParam(evt, 'fd'), T.ERRNO), '-2');
  assert.equal(renderRawArg(evt, findParam(evt, 'name'), T.FSPATH), '/etc/x');
  assert.equal(renderRawArg(evt, findParam(evt, 'mode'), T.UINT32), undefined);
  assert.throws(() => renderRawArg(evt, findParam(evt, 'fd'), T.FD), /wrong event type 14/);
  assert.throws(() => renderRawArg(evt, findParam(evt, 'flags'), T.FLAGS32), /wrong event type 30/);
  const read = makeEvent(BASH, 7, 4, '\x7fELF\x00\x01');
  assert.equal(renderRawArg(read, 1, T.BYTEBUF), '\x7fELF');
  assert.equal(renderRawArg(makeEvent(BASH, 159, 0x926000, 1, 2, 3), 0, T.ERRNO), '9592832');
});

// --- the fixture captures ---------------------------------------------------------------------

const FIXTURES = ['cat_write', 'connect_localhost', 'empty', 'open-multiple-files', 'ping_sendto', 'syscall'];

/**
 * Just enough state to resolve what these captures print: threads from the process list and
 * from events, comm from execve, fds from the fd list and from open/socket/close.
 */
async function renderCapture(path: string): Promise<Map<number, string>> {
  const seen = new Map<number, ThreadInfo>();
  const out = new Map<number, string>();
  const domains = new Map<number, number>();
  const opts: RenderOptions = { ...DEFAULT_RENDER_OPTIONS, state: { ...OPTS.state!, thread: (tid) => seen.get(tid), mainThread: (t) => t } };
  await readCapture(path, {
    header(h) {
      for (const p of h.procs) seen.set(p.tid, thread(p.tid, p.comm, p.cwd, []));
      for (const f of h.fds) seen.get(f.pid)?.fds.set(f.fd, fd(f.type, f.name, f.l4proto));
    },
    event(evt) {
      const info = EVENT_TABLE[evt.type];
      let t = seen.get(evt.tid);
      // sysdig makes no thread for the threads of its internal procinfo events.
      if (t === undefined && info.category !== EventCategory.INTERNAL) seen.set(evt.tid, (t = thread(evt.tid, '<NA>', '/', [])));
      evt.thread = t;
      if (t === undefined) return;
      const res = evt.nparams > 0 ? evt.paramInt(0) : -1;
      if (info.name === 'execve' && info.dir === '<' && res === 0) t.comm = evt.paramStr(13);
      if (info.name === 'open' && info.dir === '<' && res >= 0) t.fds.set(res, fd(FdType.FILE, evt.paramStr(1)));
      if (info.name === 'socket' && info.dir === '>') domains.set(evt.tid, evt.paramUint(0));
      if (info.name === 'socket' && info.dir === '<' && res >= 0) {
        t.fds.set(res, fd(domains.get(evt.tid) === 2 ? FdType.IPV4_SOCK : FdType.UNIX_SOCK, ''));
      }
      if (info.name === 'close' && info.dir === '>') domains.set(evt.tid, evt.paramInt(0));
      if (info.name === 'close' && info.dir === '<' && res === 0) t.fds.delete(domains.get(evt.tid)!);
      out.set(evt.num, renderInfo(evt, opts));
    },
  });
  return out;
}

test('fixture captures: lines as sysdig prints them', async (t) => {
  const dir = sharedPath('falco', 'legacy-tests', 'trace_files');
  if (dir === undefined) { t.skip(SHARED_MISSING); return; }
  const cat = await renderCapture(`${dir}/cat_write.scap`);
  assert.equal(cat.get(131),
    'res=0 exe=cat args=/dev/null. tid=20072(cat) pid=20072(cat) ptid=11310(bash) cwd=/mnt/sf_mstemm/work/src/agent/build/release/userspace/dragent fdlimit=1024 pgft_maj=0 pgft_min=61 vm_size=360 vm_rss=4 vm_swap=0 comm=cat cgroups=cpuset=/user.slice/user-1000.slice/session-1.scope.cpu=/user.slice/user-1000.... env=XDG_SESSION_ID=1.SHELL=/bin/bash.TERM=dumb.SSH_CLIENT=10.0.2.2 54626 22.SSH_T... ');
  assert.equal(cat.get(136), 'addr=0 length=8192 prot=3(PROT_READ|PROT_WRITE) flags=10(MAP_PRIVATE|MAP_ANONYMOUS) fd=4294967295 offset=0 ');
  assert.equal(cat.get(141), 'fd=3(<f>/etc/ld.so.cache) name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0 ');
  assert.equal(cat.get(153), 'res=832 data=.ELF..............>.............@........t..........@.8...@.G.F.........@....... ');
  assert.equal(cat.get(158), '');
  assert.equal(cat.get(215), 'status=0 ');
  const connect = await renderCapture(`${dir}/connect_localhost.scap`);
  assert.equal(connect.get(185), 'fd=4(<4>) ');
  assert.equal(connect.get(187), 'res=-115(EINPROGRESS) tuple=127.0.0.1:47192->127.0.0.1:80 ');
  assert.equal(connect.get(188), 'domain=1(AF_LOCAL) type=524290 proto=0 ');
  const ping = await renderCapture(`${dir}/ping_sendto.scap`);
  assert.equal(ping.get(137), 'fd=3 size=64 tuple=0.0.0.0:1->128.32.41.1:0 ');
  assert.equal(ping.get(138), 'res=64 data=.........].\\............................ !"#$%&\'()*+,-./01234567 ');
});


test('fixture captures: every event sysdig prints, rendered the same', async (t) => {
  const dir = sharedPath('falco', 'legacy-tests', 'trace_files');
  if (dir === undefined) { t.skip(SHARED_MISSING); return; }
  if (sysdigSkip !== false) { t.skip(sysdigSkip); return; }
  for (const name of FIXTURES) {
    const ours = await renderCapture(`${dir}/${name}.scap`);
    const theirs: string = execFileSync('sysdig', ['-r', `${dir}/${name}.scap`, '-p', '%evt.num %evt.info'], { encoding: 'latin1' });
    for (const l of theirs.split('\n').filter((s: string) => s !== '')) {
      const sp = l.indexOf(' ');
      const num = Number(l.slice(0, sp));
      assert.equal(ours.get(num), l.slice(sp + 1), `${name} event ${num}`);
    }
  }
});
