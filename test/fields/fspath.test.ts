import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event } from '../../src/capture/event.js';
import { createRegistry } from '../../src/fields/registry.js';
import { AT_FDCWD } from '../../src/capture/flags.js';
import { FdType } from '../../src/state/types.js';
import { fakeState, fdInfo, i64, makeEvent, str, thread, u32 } from './events.js';

const t = thread({ tid: 42, comm: 'mv', cwd: '/home/u/' });
t.fds.set(5, fdInfo({ type: FdType.DIRECTORY, name: '/etc' }));
t.fds.set(6, fdInfo({ type: FdType.FILE_V2, name: '/var/log/app.log' }));
const registry = createRegistry(fakeState({ threads: [t] }));
const r = (field: string, e: Event): string | undefined => registry.bind(field, undefined).render(e);
const ev = (type: string | number, params: Buffer[], extra = {}) => makeEvent({ type, params, thread: t, ...extra });

/** All six fields: [name, nameraw, source, sourceraw, target, targetraw]. */
const all = (e: Event) => ['name', 'nameraw', 'source', 'sourceraw', 'target', 'targetraw'].map((f) => r(`fs.path.${f}`, e));

describe('fs.path fields', () => {
  it('give the path of a call that takes one, resolved against the cwd, and as given', () => {
    const mkdir = ev('mkdir<', [i64(0), str('src/../build//out'), u32(0o755)]);
    assert.deepEqual(all(mkdir), ['/home/u/build/out', 'src/../build//out', undefined, undefined, undefined, undefined]);
    assert.equal(r('fs.path.name', ev('unlink<', [i64(0), str('/tmp/a/../b')])), '/tmp/b');
    assert.equal(r('fs.path.name', ev('chmod<', [i64(0), str('x.sh'), u32(0o755)])), '/home/u/x.sh');
    assert.equal(r('fs.path.name', ev('umount2<', [i64(0), str('/mnt/cd'), u32(0)])), '/mnt/cd');
  });

  it('have no value when the call failed', () => {
    assert.deepEqual(all(ev('mkdir<', [i64(-17), str('/tmp'), u32(0)])), Array(6).fill(undefined));
    assert.equal(r('fs.path.name', ev('rmdir<', [i64(-2), str('/nope')])), undefined);
  });

  it('resolve a path against the call\'s directory fd', () => {
    assert.equal(r('fs.path.name', ev('unlinkat<', [i64(0), i64(5), str('hosts'), u32(0)])), '/etc/hosts');
    assert.equal(r('fs.path.nameraw', ev('unlinkat<', [i64(0), i64(5), str('hosts'), u32(0)])), 'hosts');
    assert.equal(r('fs.path.name', ev('unlinkat<', [i64(0), i64(AT_FDCWD), str('hosts'), u32(0)])), '/home/u/hosts');
    assert.equal(r('fs.path.name', ev('fchmodat<', [i64(0), i64(5), str('/abs/x'), u32(0)])), '/abs/x');
    // The directory fd must be a directory the state knows.
    assert.equal(r('fs.path.name', ev('mkdirat<', [i64(0), i64(6), str('d'), u32(0)])), '<UNKNOWN>d');
    assert.equal(r('fs.path.name', ev('fchownat<', [i64(0), i64(77), str('f'), u32(0), u32(0), u32(0)])), '<UNKNOWN>f');
  });

  it('count an open as done unless its fd is -1, and take openat\'s path from the new fd', () => {
    const open = (fd: number, name: string) => ev('open<', [i64(fd), str(name), u32(1), u32(0), u32(0)]);
    assert.equal(r('fs.path.name', open(3, 'notes.txt')), '/home/u/notes.txt');
    assert.equal(r('fs.path.name', open(-1, 'notes.txt')), undefined);
    assert.equal(r('fs.path.name', open(-2, 'notes.txt')), '/home/u/notes.txt');
    const opened = fdInfo({ type: FdType.FILE_V2, name: '/etc/shadow' });
    const openat = (fd: number, name: string, extra = {}) => ev('openat<', [i64(fd), i64(5), str(name), u32(1), u32(0), u32(0)], extra);
    assert.equal(r('fs.path.name', openat(7, 'shadow', { fd: opened, fdNum: 7 })), '/etc/shadow');
    assert.equal(r('fs.path.nameraw', openat(7, 'shadow', { fd: opened, fdNum: 7 })), 'shadow');
    assert.equal(r('fs.path.name', openat(-13, 'shadow')), '<UNKNOWN>');
    assert.equal(r('fs.path.name', openat(-13, '/etc//shadow')), '/etc/shadow');
  });

  it('name the file of an fd for fchmod and fchown', () => {
    assert.deepEqual(all(ev('fchmod<', [i64(0), i64(6), u32(0o600)])).slice(0, 2), ['/var/log/app.log', '/var/log/app.log']);
    assert.equal(r('fs.path.name', ev('fchown<', [i64(0), i64(6), u32(0), u32(0)])), '/var/log/app.log');
    assert.equal(r('fs.path.name', ev('fchmod<', [i64(0), i64(99), u32(0o600)])), '');
  });

  it('give the source and target of renames, links and mounts', () => {
    assert.deepEqual(all(ev('rename<', [i64(0), str('a'), str('/tmp/b')])),
      [undefined, undefined, '/home/u/a', 'a', '/tmp/b', '/tmp/b']);
    const renameat2 = ev('renameat2<', [i64(0), i64(5), str('passwd'), i64(AT_FDCWD), str('stolen'), u32(0)]);
    assert.deepEqual(all(renameat2).slice(2), ['/etc/passwd', 'passwd', '/home/u/stolen', 'stolen']);
    // link(oldpath, newpath): the new link is the source, the file it points to the target.
    assert.deepEqual(all(ev('link<', [i64(0), str('/etc/shadow'), str('s')])).slice(2), ['/home/u/s', 's', '/etc/shadow', '/etc/shadow']);
    const linkat = ev('linkat<', [i64(0), i64(5), str('shadow'), i64(AT_FDCWD), str('s'), u32(0)]);
    assert.deepEqual(all(linkat).slice(2), ['/home/u/s', 's', '/etc/shadow', 'shadow']);
    assert.deepEqual(all(ev('symlink<', [i64(0), str('/etc/shadow'), str('s')])).slice(2), ['/home/u/s', 's', '/etc/shadow', '/etc/shadow']);
    // symlinkat: a relative target is relative to the link's directory, which the event does not give.
    const symlinkat = ev('symlinkat<', [i64(0), str('libz.so.1'), i64(5), str('libz.so')]);
    assert.deepEqual(all(symlinkat).slice(2), ['/etc/libz.so', 'libz.so', '<UNKNOWN>libz.so.1', 'libz.so.1']);
    const mount = ev('mount<', [i64(0), str('/dev/sda1'), str('/mnt/disk'), str('ext4'), u32(0)]);
    assert.deepEqual(all(mount), [undefined, undefined, '/dev/sda1', '/dev/sda1', '/mnt/disk', '/mnt/disk']);
  });

  it('read the paths of old event versions from their enter event', () => {
    const enter = makeEvent({ type: 98, params: [str('old/dir'), u32(0o755)], thread: t });
    const withEnter = createRegistry(fakeState({ threads: [t], enter }));
    const exit = makeEvent({ type: 99, params: [i64(0)], thread: t });
    assert.equal(withEnter.bind('fs.path.name', undefined).render(exit), '/home/u/old/dir');
    assert.equal(withEnter.bind('fs.path.nameraw', undefined).render(exit), 'old/dir');
    assert.equal(registry.bind('fs.path.name', undefined).render(exit), undefined);
  });

  it('have no value for calls without a path', () => {
    assert.deepEqual(all(ev('brk<', [u32(0), u32(0), u32(0), u32(0)])), Array(6).fill(undefined));
  });
});
