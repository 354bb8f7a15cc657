// The state engine against sysdig 0.29.3 on a capture built here: processes forking, exec'ing,
// threads sharing fds, files opened relative to the cwd and to dirfds, pipes, dups, client and
// server sockets, datagrams, unix sockets, closes racing reopens, containers, unknown threads.
// sysdig reads the capture and prints state-dependent fields; reader → state → formatter must
// print the same lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '../../src/capture/event.js';
import { EventCategory, EVENT_TABLE } from '../../src/capture/event-table.js';
import { readCapture } from '../../src/capture/reader.js';
import { CaptureWriter } from '../../src/capture/writer.js';
import { DEFAULT_FORMAT, OutputFormat } from '../../src/fields/format.js';
import { createRegistry } from '../../src/fields/registry.js';
import { E } from '../../src/state/event-ids.js';
import { State } from '../../src/state/state.js';
import { FdType } from '../../src/state/types.js';
import { ev, header, list, proc, sockaddr4, tuple4, tupleUnix, type Param } from './event-builder.js';
import { sysdigSkip } from '../support/sysdig.js';

const skip = sysdigSkip;

const DOCKER_ID = 'c0ffee00aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff';
const THREAD = 0x2000 | 0x1 | 0x2; // CLONE_THREAD | CLONE_FILES | CLONE_FS

function clone(tid: number, res: number, pid: number, ptid: number, comm: string, flags = 0, cgroups: string[] = []): Event[] {
  return [ev(E.CLONE_20_X - 1, tid, []), ev(E.CLONE_20_X, tid, [
    res, comm, list(['-x']), tid, pid, ptid, '', 1024, 1, 2, { u32: 1000 }, { u32: 100 }, { u32: 0 }, comm,
    list(cgroups), { u32: flags }, { u32: 1000 }, { u32: 1000 }, tid, pid,
  ])];
}

function execve(tid: number, path: string, comm: string, args: string[], cgroups: string[] = []): Event[] {
  return [ev(E.EXECVE_19_E, tid, [path]), ev(E.EXECVE_19_X, tid, [
    0, path, list(args), tid, tid, 100, '', 4096, 3, 4, { u32: 2000 }, { u32: 200 }, { u32: 0 }, comm,
    list(cgroups), list(['PATH=/bin', 'TERM=xterm']), { i32: 34817 }, tid, { i32: 1000 }, { u32: 0 },
  ])];
}

const pair = (tid: number, type: number, enter: Param[], exit: Param[]): Event[] => [ev(type - 1, tid, enter), ev(type, tid, exit)];
const open = (tid: number, name: string, fd: number, flags = 1): Event[] =>
  pair(tid, E.OPEN_X, [name, { u32: flags }, { u32: 0 }], [fd, name, { u32: flags }, { u32: 0 }, { u32: 0 }]);
const close = (tid: number, fd: number, res = 0): Event[] => pair(tid, E.CLOSE_X, [fd], [res]);
const read = (tid: number, fd: number, res = 4): Event[] => pair(tid, E.READ_X, [fd, { u32: 100 }], [res, Buffer.from('data')]);
const write = (tid: number, fd: number): Event[] => pair(tid, E.WRITE_X, [fd, { u32: 4 }], [4, Buffer.from('data')]);
const socket = (tid: number, fd: number, domain: number, type: number, proto = 0): Event[] =>
  pair(tid, E.SOCKET_X, [{ u32: domain }, { u32: type }, { u32: proto }], [fd]);

function scenario(): Event[] {
  const containerJson = JSON.stringify({ container: {
    id: DOCKER_ID.slice(0, 12), type: 0, name: 'web', image: 'nginx:1.21', imageid: 'abc', imagerepo: 'nginx',
    imagetag: '1.21', privileged: false, lookup_state: 1, labels: {}, Mounts: [],
  } });
  return [
    ev(E.CONTAINER_JSON_E, -1, [containerJson]),
    // bash (100) forks 200, which execs nc and connects out.
    ...clone(100, 200, 100, 1, 'bash'),
    ...clone(200, 0, 200, 100, 'bash'),
    ...execve(200, '/usr/bin/nc', 'nc', ['10.0.0.9', '443']),
    ...socket(200, 3, 2, 1),
    ...pair(200, E.CONNECT_X, [3, sockaddr4('10.0.0.9', 443)], [-115, tuple4('10.0.0.5', 40000, '10.0.0.9', 443)]),
    ...write(200, 3),
    ...read(200, 3),
    // Pipes and dups onto stdin.
    ...pair(200, E.PIPE_X, [], [0, 4, 5, 777n]),
    ...pair(200, E.DUP_X, [4], [0]),
    ...read(200, 0),
    // Files relative to the cwd, a chdir, openat against AT_FDCWD and a dirfd, a closed fd read again.
    ...open(200, 'data/./x.txt', 6),
    ...pair(200, E.CHDIR_X, [], [0, '/tmp/work/']),
    ...pair(200, E.OPENAT_2_X, [-100, 'y', { u32: 1 }, { u32: 0 }], [7, -100, 'y', { u32: 1 }, { u32: 0 }, { u32: 0 }]),
    ...open(200, '/var/lib', 8, 1 << 10),
    ...pair(200, E.OPENAT_2_X, [8, 'db/z', { u32: 1 }, { u32: 0 }], [9, 8, 'db/z', { u32: 1 }, { u32: 0 }, { u32: 0 }]),
    ...close(200, 6),
    ...read(200, 6, -9),
    ...pair(200, E.FCHDIR_X, [8], [0]),
    ...open(200, 'rel', 6),
    // A thread of nc shares its fd table.
    ...clone(200, 201, 200, 100, 'nc', THREAD),
    ...open(201, '/etc/hosts', 10),
    ...read(200, 10),
    ...pair(200, E.FCNTL_X, [10, { u8: 1 }], [11]),
    ...read(201, 11),
    // bash: a UDP socket bound to a port, receiving; a sendto on an fd it never created.
    ...socket(100, 12, 2, 2),
    ...pair(100, E.BIND_X, [12], [0, sockaddr4('0.0.0.0', 5353)]),
    ...pair(100, E.RECVFROM_X, [12, { u32: 100 }], [9, Buffer.from('query'), tuple4('10.0.0.9', 5353, '10.0.0.5', 5353)]),
    ...pair(100, E.SENDTO_X, [13, { u32: 5 }, tuple4('0.0.0.0', 0, '1.1.1.1', 53)], [5, Buffer.from('hello')]),
    ...read(100, 12),
    ...write(100, 13),
    // bash: a TCP server accepting a connection.
    ...socket(100, 14, 2, 1, 6),
    ...pair(100, E.BIND_X, [14], [0, sockaddr4('0.0.0.0', 8080)]),
    ...pair(100, E.ACCEPT_5_X, [], [15, tuple4('10.0.0.9', 51000, '10.0.0.5', 8080), { u8: 0 }, { u32: 0 }, { u32: 128 }]),
    ...read(100, 15),
    // Unix sockets.
    ...socket(100, 16, 1, 1),
    ...pair(100, E.CONNECT_X, [16, Buffer.from('\u0001/run/app.sock\0', 'latin1')], [0, tupleUnix(0xffff0001n, 0xffff0002n, '/run/app.sock')]),
    ...write(100, 16),
    ...pair(100, E.SOCKETPAIR_X, [{ u32: 1 }, { u32: 1 }, { u32: 0 }], [0, 17, 18, 0xabcn, 0xdefn]),
    ...write(100, 18),
    // Single-fd calls.
    ...pair(100, E.EVENTFD_X, [0n, { u32: 0 }], [19]),
    ...pair(100, E.SIGNALFD_X, [-1, { u32: 0 }, { u8: 0 }], [20]),
    ...pair(100, E.TIMERFD_CREATE_X, [{ u8: 0 }, { u8: 0 }], [21]),
    ...pair(100, E.INOTIFY_INIT_X, [{ u8: 0 }], [22]),
    ...read(100, 19), ...read(100, 20), ...read(100, 21), ...read(100, 22),
    // A close racing a reopen of the same fd by another thread.
    ...open(200, '/old', 23),
    ev(E.CLOSE_E, 200, [23]),
    ...open(201, '/new', 23),
    ev(E.CLOSE_X, 200, [0]),
    ...read(201, 23),
    // Credentials, a new process in a docker container, an exit.
    ...pair(200, E.SETUID_X, [{ u32: 0 }], [0]),
    ...read(200, 3),
    ...clone(100, 300, 100, 1, 'bash', 0, [`cpu=/docker/${DOCKER_ID}`]),
    ...execve(300, '/usr/sbin/nginx', 'nginx', [], [`cpu=/docker/${DOCKER_ID}`]),
    ...open(300, 'conf', 3),
    ev(E.PROCEXIT_1_E, 200, [0, 0, { u8: 0 }, { u8: 0 }]),
    ...read(201, 3),
    ...read(200, 3),
    // A thread nobody announced.
    ...open(999, '/etc/passwd', 3),
    ...read(999, 3),
  ];
}

const FORMATS = [
  DEFAULT_FORMAT,
  '*%evt.num %thread.tid %proc.pid %proc.ppid %proc.name %proc.pname %proc.cwd %proc.exepath %proc.args %user.uid %container.id',
  '*%evt.num %fd.num %fd.typechar %fd.name %fd.l4proto %fd.is_server %fd.cip %fd.sip %fd.cport %fd.sport %fd.name_changed',
  '*%evt.num %evt.latency %proc.vmsize %thread.vmsize %proc.fdopencount %proc.nthreads %thread.ismain %proc.tty %proc.vpgid',
];

function sysdigLines(path: string, format: string): string[] {
  const r = spawnSync('sysdig', ['-r', path, '-p', format], { encoding: 'latin1' });
  assert.equal(r.status, 0, `sysdig failed: ${r.stderr}`);
  return r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n');
}

async function ourLines(path: string, format: string): Promise<string[]> {
  const state = new State();
  const f = OutputFormat.parse(createRegistry(state), format);
  const out: string[] = [];
  await readCapture(path, {
    header: (h) => state.seed(h),
    event: (e) => {
      if (!state.process(e) || (EVENT_TABLE[e.type].category & EventCategory.INTERNAL) !== 0) return;
      const line = f.format(e);
      if (line !== undefined) out.push(line);
    },
  });
  return out;
}

test('a built capture: state-dependent fields print what sysdig prints', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-state-'));
  try {
    const path = join(dir, 'scenario.scap');
    const w = new CaptureWriter(path);
    const h = header(
      [proc({ tid: 1, ptid: 0, comm: 'systemd', exe: '/sbin/init', cwd: '/' }),
        proc({ tid: 100, ptid: 1, comm: 'bash', exe: 'bash', exepath: '/bin/bash', cwd: '/home/u', env: ['HOME=/home/u'], tty: 34816 })],
      [{ pid: 100, fd: 0, ino: 0, type: FdType.FILE, name: '/dev/pts/0', openFlags: 2, dev: 0, mountId: 0, sip: 0, dip: 0,
        sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n }],
    );
    w.writeHeader(h);
    for (const e of scenario()) w.writeEvent(e);
    w.close();
    for (const format of FORMATS) {
      await t.test(format, async () => {
        const theirs = sysdigLines(path, format);
        const ours = await ourLines(path, format);
        assert.ok(theirs.length > 50);
        for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
          assert.equal(ours[i], theirs[i], `line ${i + 1}`);
        }
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
