import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event } from '../../src/capture/event.js';
import { createRegistry } from '../../src/fields/registry.js';
import type { FieldOptions } from '../../src/fields/spec.js';
import { FdType } from '../../src/state/types.js';
import { fakeState, fdInfo, i64, makeEvent, str, thread, TS, u16, u32 } from './events.js';

const t = thread({ tid: 42, comm: 'touch', cwd: '/home/u/' });
const reg = (opts: FieldOptions = {}, latency = 0) => createRegistry(fakeState({ threads: [t], latency, firstEventTs: TS - 1_500_000_000n }), opts);
const registry = reg();
const r = (field: string, e: Event, arg?: string): string | undefined => registry.bind(field, arg).render(e);
const x = (field: string, e: Event, arg?: string) => registry.bind(field, arg).extract(e);

// openat exit (newer form): fd, dirfd, name, flags, mode, dev
const openat = (fd: number, name: string, flags: number, mode: number) =>
  makeEvent({ type: 'openat<', params: [i64(fd), i64(-100), str(name), u32(flags), u32(mode), u32(0)], thread: t });
const O_WRONLY = 2;
const O_CREAT = 4;

describe('event fields', () => {
  it('print the event times', () => {
    const e = makeEvent({ type: 'brk>', params: [i64(0)], thread: t, ts: TS });
    assert.equal(r('evt.rawtime', e), '1470327477881730713');
    assert.equal(r('evt.rawtime.s', e), '1470327477');
    assert.equal(r('evt.rawtime.ns', e), '881730713');
    assert.equal(r('evt.reltime', e), '1500000000');
    assert.equal(r('evt.reltime.s', e), '1');
    assert.equal(r('evt.reltime.ns', e), '500000000');
    assert.equal(r('evt.time.iso8601', e), '2016-08-04T16:17:57.881730713+0000');
  });

  it('print evt.outputtime as -t asks', () => {
    const e = makeEvent({ type: 'brk<', params: [u32(0)], thread: t, ts: TS });
    assert.equal(reg({ timeType: 'a' }).bind('evt.outputtime', undefined).render(e), '1470327477.881730713');
    assert.equal(reg({ timeType: 'r' }).bind('evt.outputtime', undefined).render(e), '1.500000000');
    assert.equal(reg({ timeType: 'd' }, 1234).bind('evt.outputtime', undefined).render(e), '0.000001234');
    const delta = reg({ timeType: 'D' }).bind('evt.outputtime', undefined);
    assert.equal(delta.render(e), '0.000000000');
    assert.equal(delta.render(makeEvent({ type: 'brk<', params: [u32(0)], thread: t, ts: TS + 2_000_000_001n })), '2.000000001');
  });

  it('give latencies of the thread\'s last enter/exit pair', () => {
    const lat = reg({}, 1_500_000);
    const e = makeEvent({ type: 'brk<', params: [u32(0)], thread: t });
    assert.equal(lat.bind('evt.latency', undefined).render(e), '1500000');
    assert.equal(lat.bind('evt.latency.human', undefined).render(e), '1.50ms');
    assert.equal(lat.bind('evt.latency.ns', undefined).render(e), '001500000');
    assert.equal(lat.bind('evt.latency.quantized', undefined).render(e), '1');
    assert.equal(lat.bind('evt.latency', undefined).render(makeEvent({ type: 'brk<', params: [u32(0)] })), '0');
  });

  it('name the event type, its syscall and category', () => {
    const generic = makeEvent({ type: 1, params: [u16(75), u16(10)], thread: t });
    assert.equal(r('evt.type', generic), 'mprotect');
    assert.equal(r('syscall.type', generic), 'mprotect');
    assert.equal(r('evt.args', generic), '');
    const procinfo = makeEvent({ type: 'procinfo>', params: [i64(0), i64(0)], thread: t });
    assert.equal(r('evt.type', procinfo), 'procinfo');
    assert.equal(r('syscall.type', procinfo), undefined);
    const read = makeEvent({ type: 'read<', params: [i64(5), Buffer.from('hello')], thread: t, fd: fdInfo({ type: FdType.UNIX_SOCK }) });
    assert.equal(r('evt.category', read), 'ipc');
    assert.equal(r('evt.category', makeEvent({ type: 'read<', params: [i64(5), Buffer.from('x')], thread: t })), 'unknown');
    assert.equal(r('evt.category', openat(3, 'a', 1, 0)), 'file');
    const open = makeEvent({ type: 3, params: [i64(3), str('/a'), u32(1), u32(0)], thread: t });
    assert.equal(x('evt.type.is', open, 'open'), 1);
    assert.equal(x('evt.type.is', open, '3'), 1);
    assert.equal(x('evt.type.is', read, 'open'), 0);
    // Like sysdig, a name stands for its first enter/exit pair only, not for newer versions of the event.
    assert.equal(x('evt.type.is', openat(3, 'a', 1, 0), 'openat'), 0);
    assert.equal(r('evt.type.is', read, 'openat'), undefined);
  });

  it('accept in conditions only the names of events and system calls as evt.type values', () => {
    const check = registry.bind('evt.type', undefined).checkValue;
    assert.ok(check !== undefined);
    for (const name of ['open', 'openat2', 'execve', 'container', 'procinfo', 'mprotect', 'mmap2']) check(name);
    // sysdig and Falco refuse the condition: "unknown event type opne".
    assert.throws(() => check('opne'), /^Error: unknown event type opne$/);
    assert.throws(() => check('3'), /^Error: unknown event type 3$/);
    assert.equal(registry.bind('proc.name', undefined).checkValue, undefined);
  });

  it('report results', () => {
    const ok = openat(3, 'a', 1, 0);
    const failed = openat(-2, 'a', 1, 0);
    assert.equal(r('evt.res', ok), 'SUCCESS');
    assert.equal(r('evt.res', failed), 'ENOENT');
    assert.equal(x('evt.rawres', failed), -2);
    assert.equal(r('evt.failed', failed), 'true');
    assert.equal(r('evt.count.error', failed), '1');
    assert.equal(r('evt.count.error.file', failed), '1');
    assert.equal(r('evt.count.error.net', failed), undefined);
    assert.equal(r('evt.count.error', ok), undefined);
    const enter = makeEvent({ type: 'brk>', params: [i64(0)], thread: t });
    assert.equal(r('evt.res', enter), undefined);
    assert.equal(r('evt.failed', enter), 'false');
    assert.equal(r('evt.count.exit', enter), undefined);
  });

  it('tell what an open asked for', () => {
    assert.equal(r('evt.is_open_read', openat(3, 'a', 1, 0)), 'true');
    assert.equal(r('evt.is_open_write', openat(3, 'a', O_WRONLY, 0)), 'true');
    assert.equal(r('evt.is_open_exec', openat(3, 'a', O_WRONLY | O_CREAT, 0o755)), 'true');
    assert.equal(r('evt.is_open_exec', openat(3, 'a', O_WRONLY | O_CREAT, 0o644)), 'false');
    assert.equal(r('evt.is_open_exec', openat(3, 'a', O_WRONLY, 0o755)), 'false');
  });

  it('show arguments rendered and raw', () => {
    const e = openat(3, 'notes', 1, 0);
    assert.equal(r('evt.arg', e, 'name'), '/home/u/notes');
    assert.equal(r('evt.arg.name', e), '/home/u/notes');
    assert.equal(r('evt.arg', e, '2'), '/home/u/notes');
    assert.equal(r('evt.arg', e, '9'), undefined);
    assert.equal(r('evt.arg.size', e), undefined);
    assert.equal(x('evt.rawarg.name', e), 'notes');
    assert.equal(x('evt.rawarg.fd', e), 3);
    assert.equal(r('evt.rawarg.res', makeEvent({ type: 'brk<', params: [i64(9592832)], thread: t })), '9592832');
  });

  it('expose the data buffer raw to conditions and cut in output', () => {
    const data = Buffer.from(`${'a'.repeat(100)}\x01`, 'latin1');
    const e = makeEvent({ type: 'read<', params: [i64(101), data], thread: t, fd: fdInfo({}) });
    assert.deepEqual(x('evt.buffer', e), data);
    assert.equal(r('evt.buffer', e), `${'a'.repeat(77)}...`);
    assert.equal(createRegistry(fakeState(), { verbose: true }).bind('evt.buffer', undefined).render(e), `${'a'.repeat(100)}.`);
    assert.equal(r('evt.buflen', e), '101');
    assert.equal(r('evt.buflen.in', e), '101');
    assert.equal(r('evt.buflen.out', e), undefined);
    assert.equal(r('evt.io_dir', e), 'read');
    assert.equal(r('evt.is_io_write', e), 'false');
  });

  it('join dirfd-relative paths in evt.abspath', () => {
    const dir = fdInfo({ type: FdType.DIRECTORY, name: '/srv' });
    const tt = thread({ tid: 9, cwd: '/root/', fds: new Map([[7, dir]]) });
    // renameat exit: res, olddirfd, oldpath, newdirfd, newpath
    const e = makeEvent({ type: 177, params: [i64(0), i64(7), str('a/../b'), i64(-100), str('c')], thread: tt });
    assert.equal(r('evt.abspath.src', e), '/srv/b');
    assert.equal(r('evt.abspath', e), '/srv/b');
    assert.equal(r('evt.abspath.dst', e), '/root/c');
  });

  it('count deltas between the events each field sees', () => {
    const f = registry.bind('evt.deltatime', undefined);
    const at = (ts: bigint) => makeEvent({ type: 'brk>', params: [i64(0)], ts });
    assert.equal(f.render(at(TS)), '0');
    assert.equal(f.render(at(TS + 1_000_000_123n)), '1000000123');
    assert.equal(registry.bind('evt.deltatime.ns', undefined).render(at(TS)), '000000000');
  });

  it('number events with util.cnt', () => {
    const c = registry.bind('util.cnt', undefined);
    const e = makeEvent({ type: 'brk>', params: [i64(0)] });
    assert.deepEqual([c.render(e), c.render(e)], ['1', '2']);
  });
});

describe('event fields of newer libsinsp', () => {
  const brk = makeEvent({ type: 'brk>', params: [i64(0)], thread: t });

  it('name the syscall source for every event', () => {
    assert.equal(r('evt.source', brk), 'syscall');
    assert.equal(r('evt.source', makeEvent({ type: 'container>', params: [str('{}')] })), 'syscall');
  });

  it('tell asynchronous events (container descriptions, procinfo...) and their type', () => {
    const container = makeEvent({ type: 'container>', params: [str('{}')] });
    const legacyContainer = makeEvent({ type: 272, params: [str('{}')] });
    const procinfo = makeEvent({ type: 'procinfo>', params: [i64(1), i64(2)], thread: t });
    const plugin = makeEvent({ type: 'asyncevent>', params: [u32(7), str('mything'), Buffer.from('x')] });
    assert.equal(r('evt.is_async', container), 'true');
    assert.equal(r('evt.asynctype', container), 'container');
    assert.equal(r('evt.asynctype', legacyContainer), 'container');
    assert.equal(r('evt.is_async', procinfo), 'true');
    assert.equal(r('evt.asynctype', procinfo), 'procinfo');
    assert.equal(r('evt.asynctype', plugin), 'mything');
    assert.equal(r('evt.is_async', brk), 'false');
    assert.equal(r('evt.asynctype', brk), undefined);
    assert.equal(x('evt.is_async', brk), false);
  });

  it('give the hostname, which FALCO_HOSTNAME overrides', () => {
    assert.equal(r('evt.hostname', brk), 'host');
    process.env.FALCO_HOSTNAME = 'node-7';
    try {
      assert.equal(r('evt.hostname', brk), 'node-7');
    } finally {
      delete process.env.FALCO_HOSTNAME;
    }
  });

  it('tell an open that created its file', () => {
    const O_TMPFILE = 1 << 13;
    const O_F_CREATED = 1 << 14;
    assert.equal(r('evt.is_open_create', openat(3, '/tmp/new', O_WRONLY | O_CREAT | O_F_CREATED, 0o644)), 'true');
    assert.equal(r('evt.is_open_create', openat(3, '/tmp/old', O_WRONLY | O_CREAT, 0o644)), 'false');
    assert.equal(r('evt.is_open_create', openat(4, '/tmp', O_WRONLY | O_TMPFILE, 0o600)), 'true');
    assert.equal(r('evt.is_open_create', openat(-13, '/tmp', O_WRONLY | O_TMPFILE, 0o600)), 'false');
    const open = makeEvent({ type: 'open<', params: [i64(3), str('/tmp/n'), u32(O_F_CREATED | O_CREAT), u32(0), u32(0)], thread: t });
    assert.equal(r('evt.is_open_create', open), 'true');
    assert.equal(r('evt.is_open_create', brk), 'false');
  });

  it('count I/O bytes by direction and kind of fd', () => {
    const file = fdInfo({ type: FdType.FILE_V2, name: '/tmp/f' });
    const read = makeEvent({ type: 'read<', params: [i64(10), Buffer.from('0123456789')], thread: t, fd: file, fdNum: 3 });
    assert.equal(r('evt.buflen.in', read), '10');
    assert.equal(r('evt.buflen.file.in', read), '10');
    assert.equal(r('evt.buflen.file', read), '10');
    assert.equal(r('evt.buflen.out', read), undefined);
    assert.equal(r('evt.buflen.net', read), undefined);
    const sock = fdInfo({ type: FdType.IPV4_SOCK, name: '1.2.3.4:5->6.7.8.9:10' });
    const send = makeEvent({ type: 'write<', params: [i64(4), Buffer.from('abcd')], thread: t, fd: sock, fdNum: 4 });
    assert.equal(r('evt.buflen.net.out', send), '4');
    assert.equal(r('evt.buflen.net', send), '4');
    assert.equal(r('evt.buflen.file.out', send), undefined);
  });

  it('count procinfo events per process and per thread', () => {
    const worker = thread({ tid: 43, pid: 42, comm: 'touch' });
    const pi = (th: typeof t) => makeEvent({ type: 'procinfo>', params: [i64(1), i64(2)], thread: th });
    assert.equal(r('evt.count.procinfo', pi(t)), '1');
    assert.equal(r('evt.count.procinfo', pi(worker)), undefined);
    assert.equal(r('evt.count.threadinfo', pi(worker)), '1');
    assert.equal(r('evt.count.threadinfo', brk), undefined);
  });
});
