import { test } from 'node:test';
import assert from 'node:assert/strict';
import { State } from '../../src/state/state.js';
import { E } from '../../src/state/event-ids.js';
import { AT_FDCWD, OpenFlag } from '../../src/capture/flags.js';
import { FdType } from '../../src/state/types.js';
import { ev, fileFd, header, ipv4, proc, sockaddr4, tuple4, tupleUnix } from './event-builder.js';

function seeded(): State {
  const s = new State();
  s.seed(header([proc({ tid: 100, ptid: 1, comm: 'app', cwd: '/srv/app' })], [fileFd(100, 0, '/dev/pts/0')]));
  return s;
}

/** open(name, flags) by tid 100 returning fd (or an error). */
function open(s: State, name: string, fd: number, flags = OpenFlag.RDONLY): ReturnType<typeof ev> {
  s.process(ev(E.OPEN_E, 100, [name, { u32: flags }, { u32: 0 }]));
  const x = ev(E.OPEN_X, 100, [fd, name, { u32: flags }, { u32: 0 }, { u32: 0 }]);
  s.process(x);
  return x;
}

function close(s: State, fd: number, res = 0): [ReturnType<typeof ev>, ReturnType<typeof ev>] {
  const e = ev(E.CLOSE_E, 100, [fd]);
  s.process(e);
  const x = ev(E.CLOSE_X, 100, [res]);
  s.process(x);
  return [e, x];
}

test('open resolves the path against the cwd and the exit event is about the new fd', () => {
  const s = seeded();
  const x = open(s, 'conf/../data.db', 3);
  assert.equal(x.fdNum, 3);
  assert.equal(x.fd?.name, '/srv/app/data.db');
  assert.equal(x.fd.nameRaw, 'conf/../data.db');
  assert.equal(x.fd.type, FdType.FILE_V2);
  assert.equal(x.fd.nameChanged, true);
  const d = open(s, '/etc/', 4, OpenFlag.DIRECTORY);
  assert.equal(d.fd?.type, FdType.DIRECTORY);
  assert.equal(d.fd.name, '/etc');
  const failed = open(s, '/nope', -2);
  assert.equal(failed.fd, undefined);
  assert.equal(s.thread(100)!.fds.has(-2), false);
});

test('openat resolves against its dirfd or the cwd', () => {
  const s = seeded();
  open(s, '/var/lib', 5, OpenFlag.DIRECTORY);
  s.process(ev(E.OPENAT_2_E, 100, [5, 'x/y', { u32: 1 }, { u32: 0 }]));
  const x = ev(E.OPENAT_2_X, 100, [6, 5, 'x/y', { u32: 1 }, { u32: 0 }, { u32: 0 }]);
  s.process(x);
  assert.equal(x.fd?.name, '/var/lib/x/y');
  s.process(ev(E.OPENAT_2_E, 100, [AT_FDCWD, 'z', { u32: 1 }, { u32: 0 }]));
  const y = ev(E.OPENAT_2_X, 100, [7, AT_FDCWD, 'z', { u32: 1 }, { u32: 0 }, { u32: 0 }]);
  s.process(y);
  assert.equal(y.fd?.name, '/srv/app/z');
  // An unknown dirfd: sinsp prefixes "<UNKNOWN>".
  const z = ev(E.OPENAT_2_X, 100, [8, 42, 'w', { u32: 1 }, { u32: 0 }, { u32: 0 }]);
  s.process(z);
  assert.equal(z.fd?.name, '<UNKNOWN>w');
});

test('a closed fd is still shown by the close events and gone before the next event', () => {
  const s = seeded();
  open(s, '/etc/passwd', 3);
  const [e, x] = close(s, 3);
  assert.equal(e.fd?.name, '/etc/passwd');
  assert.equal(x.fdNum, 3);
  assert.equal(x.fd?.name, '/etc/passwd');
  assert.ok(s.thread(100)!.fds.has(3), 'still there right after the close exit');
  s.process(ev(E.READ_X - 1, 100, [3, { u32: 10 }]));
  assert.equal(s.thread(100)!.fds.has(3), false);
});

test('a failed close keeps the fd', () => {
  const s = seeded();
  open(s, '/etc/passwd', 3);
  close(s, 3, -4);
  s.process(ev(E.READ_X - 1, 100, [3, { u32: 10 }]));
  assert.equal(s.thread(100)!.fds.get(3)?.name, '/etc/passwd');
});

test('an fd reopened by another thread while its close is in flight: both entries go, as in sinsp', () => {
  const s = seeded();
  const T = 0x2000 | 0x1; // CLONE_THREAD | CLONE_FILES
  s.process(ev(E.CLONE_20_X, 100, [101, 'app', Buffer.alloc(0), 100, 100, 1, '', 1024, 0, 0, { u32: 0 }, { u32: 0 },
    { u32: 0 }, 'app', Buffer.alloc(0), { u32: T }, { u32: 0 }, { u32: 0 }, 100, 100]));
  open(s, '/old', 3);
  s.process(ev(E.CLOSE_E, 100, [3]));
  s.process(ev(E.OPEN_E, 101, ['/new', { u32: 1 }, { u32: 0 }]));
  s.process(ev(E.OPEN_X, 101, [3, '/new', { u32: 1 }, { u32: 0 }, { u32: 0 }]));
  const fds = s.thread(100)!.fds;
  assert.equal(fds.get(3)?.name, '/new');
  assert.equal([...fds.values()].filter((f) => f.name === '/old').length, 1, 'the old entry is parked');
  const x = ev(E.CLOSE_X, 100, [0]);
  s.process(x);
  assert.equal(x.fd?.name, '/new');
  s.process(ev(E.READ_X - 1, 100, [3, { u32: 1 }]));
  // sinsp clears the cancel mark when it looks the fd up, so the close removes the new fd too.
  assert.equal(fds.size, 1);
  assert.equal(fds.get(0)?.name, '/dev/pts/0');
});

test('dup copies the fd; pipe creates two fifo ends', () => {
  const s = seeded();
  open(s, '/var/log/x', 3);
  s.process(ev(E.DUP_X - 1, 100, [3]));
  const x = ev(E.DUP_X, 100, [1]);
  s.process(x);
  assert.equal(x.fd?.name, '/var/log/x');
  assert.equal(x.fdNum, 1);
  assert.notEqual(s.thread(100)!.fds.get(1), s.thread(100)!.fds.get(3));
  s.process(ev(E.PIPE_X - 1, 100, []));
  s.process(ev(E.PIPE_X, 100, [0, 5, 6, 99n]));
  assert.equal(s.thread(100)!.fds.get(5)?.type, FdType.FIFO);
  assert.equal(s.thread(100)!.fds.get(6)?.ino, 99);
  s.process(ev(E.FCNTL_E, 100, [5, { u8: 1 }]));
  s.process(ev(E.FCNTL_X, 100, [10]));
  assert.equal(s.thread(100)!.fds.get(10)?.type, FdType.FIFO, 'fcntl F_DUPFD copies');
  s.process(ev(E.FCNTL_E, 100, [5, { u8: 3 }]));
  s.process(ev(E.FCNTL_X, 100, [2]));
  assert.equal(s.thread(100)!.fds.has(2), false, 'other fcntl commands create nothing');
});

test('socket + connect: a client tuple names the fd', () => {
  const s = seeded();
  s.process(ev(E.SOCKET_E, 100, [{ u32: 2 }, { u32: 1 }, { u32: 0 }]));
  const so = ev(E.SOCKET_X, 100, [4]);
  s.process(so);
  assert.equal(so.fd?.type, FdType.IPV4_SOCK);
  assert.equal(so.fd.l4proto, 1, 'no role yet: sinsp reports the protocol as not available');
  s.process(ev(E.CONNECT_E, 100, [4, sockaddr4('127.0.0.1', 80)]));
  const x = ev(E.CONNECT_X, 100, [-115, tuple4('127.0.0.1', 47192, '127.0.0.1', 80)]);
  s.process(x);
  const fd = x.fd!;
  assert.equal(fd.name, '127.0.0.1:47192->127.0.0.1:80');
  assert.equal(fd.isRoleClient, true);
  assert.equal(fd.connected, true);
  assert.equal(fd.sip, ipv4('127.0.0.1'));
  assert.equal(fd.sport, 47192);
  assert.equal(fd.dport, 80);
  assert.equal(fd.l4proto, 2);
});

test('bind makes a server socket, accept a connected server-side fd', () => {
  const s = seeded();
  s.process(ev(E.SOCKET_E, 100, [{ u32: 2 }, { u32: 1 }, { u32: 6 }]));
  s.process(ev(E.SOCKET_X, 100, [3]));
  s.process(ev(E.BIND_X - 1, 100, [3]));
  const b = ev(E.BIND_X, 100, [0, sockaddr4('0.0.0.0', 8080)]);
  s.process(b);
  assert.equal(b.fd?.type, FdType.IPV4_SERVSOCK);
  assert.equal(b.fd.name, '0.0.0.0:8080');
  assert.equal(b.fd.sport, 8080);
  assert.equal(b.fd.isServer, true);
  s.process(ev(E.ACCEPT_5_X - 1, 100, []));
  const a = ev(E.ACCEPT_5_X, 100, [7, tuple4('10.0.0.9', 51000, '10.0.0.5', 8080), { u8: 0 }, { u32: 0 }, { u32: 5 }]);
  s.process(a);
  assert.equal(a.fdNum, 7);
  assert.equal(a.fd?.name, '10.0.0.9:51000->10.0.0.5:8080');
  assert.equal(a.fd.isServer, true);
  assert.equal(a.fd.connected, true);
});

test('sendto on an unknown fd infers a UDP socket named after the tuple', () => {
  const s = seeded();
  const e = ev(E.SENDTO_E, 100, [9, { u32: 64 }, tuple4('0.0.0.0', 0, '8.8.8.8', 53)]);
  s.process(e);
  assert.equal(e.fd?.type, FdType.IPV4_SOCK);
  const x = ev(E.SENDTO_X, 100, [64, Buffer.from('x')]);
  s.process(x);
  assert.equal(x.fd?.l4proto, 3);
  assert.equal(x.fd.name, '10.0.0.5:0->8.8.8.8:53', 'the unspecified source is the interface towards the destination');
  assert.equal(x.fd.isRoleClient, true);
});

test('recvfrom on a UDP socket fills its tuple', () => {
  const s = seeded();
  s.process(ev(E.SOCKET_E, 100, [{ u32: 2 }, { u32: 2 }, { u32: 0 }]));
  s.process(ev(E.SOCKET_X, 100, [5]));
  s.process(ev(E.RECVFROM_X - 1, 100, [5, { u32: 100 }]));
  const x = ev(E.RECVFROM_X, 100, [20, Buffer.from('payload'), tuple4('1.2.3.4', 53, '10.0.0.5', 40000)]);
  s.process(x);
  // The socket owns both ports (it is itself "bound" to them), so sinsp guesses from the direction:
  // a read makes it a server, and a server keeps the tuple as the kernel gave it (peer first).
  assert.equal(x.fd?.name, '1.2.3.4:53->10.0.0.5:40000');
  assert.equal(x.fd.isServer, true);
  assert.equal(x.fd.l4proto, 3);
});

test('unix sockets: socketpair and connect to a path', () => {
  const s = seeded();
  s.process(ev(E.SOCKETPAIR_X - 1, 100, [{ u32: 1 }, { u32: 1 }, { u32: 0 }]));
  s.process(ev(E.SOCKETPAIR_X, 100, [0, 8, 9, 0xffff1234n, 0xffff5678n]));
  assert.equal(s.thread(100)!.fds.get(9)?.type, FdType.UNIX_SOCK);
  assert.equal(s.thread(100)!.fds.get(8)?.unixDest, 0xffff5678n);
  s.process(ev(E.SOCKET_E, 100, [{ u32: 1 }, { u32: 1 }, { u32: 0 }]));
  s.process(ev(E.SOCKET_X, 100, [10]));
  s.process(ev(E.CONNECT_E, 100, [10, Buffer.from('\u0001/run/x.sock\0', 'latin1')]));
  const x = ev(E.CONNECT_X, 100, [0, tupleUnix(0xabcn, 0xdefn, '/run/x.sock')]);
  s.process(x);
  assert.equal(x.fd?.name, 'abc->def /run/x.sock');
});

test('single-fd calls: eventfd, signalfd, timerfd, inotify, memfd, pidfd', () => {
  const s = seeded();
  s.process(ev(E.EVENTFD_E, 100, [0n, { u32: 0 }]));
  s.process(ev(E.EVENTFD_X, 100, [11]));
  s.process(ev(E.INOTIFY_INIT_X, 100, [12]));
  s.process(ev(E.TIMERFD_CREATE_X, 100, [13]));
  s.process(ev(E.SIGNALFD_X, 100, [14]));
  s.process(ev(E.MEMFD_CREATE_X, 100, [15, 'jit', { u32: 1 }]));
  s.process(ev(E.PIDFD_OPEN_X, 100, [16, 4242, { u32: 0 }]));
  const fds = s.thread(100)!.fds;
  assert.equal(fds.get(11)?.type, FdType.EVENT);
  assert.equal(fds.get(12)?.type, FdType.INOTIFY);
  assert.equal(fds.get(13)?.type, FdType.TIMERFD);
  assert.equal(fds.get(14)?.type, FdType.SIGNALFD);
  assert.equal(fds.get(15)?.name, 'jit');
  assert.equal(fds.get(16)?.name, '/proc/4242');
});

test('newer drivers without enter events: the exit event names its fd', () => {
  const s = seeded();
  open(s, '/etc/shadow', 3);
  // A read exit of a newer driver carries fd and size after the 2022 parameters.
  const x = ev(E.READ_X, 100, [10, Buffer.from('0123456789'), 3, { u32: 10 }]);
  s.process(x);
  assert.equal(x.fdNum, 3);
  assert.equal(x.fd?.name, '/etc/shadow');
});
