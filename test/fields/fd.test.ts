import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event } from '../../src/capture/event.js';
import { createRegistry } from '../../src/fields/registry.js';
import type { FieldValue } from '../../src/fields/types.js';
import { FdFlag, L4 } from '../../src/capture/flags.js';
import { FdType, type FdInfo, type ThreadInfo } from '../../src/state/types.js';
import { fakeState, fdInfo, i64, ip4, makeEvent, str, thread, u32 } from './events.js';

const LOCAL = ip4(10, 0, 0, 5);
const REMOTE = ip4(93, 184, 216, 34);

function withFd(fd: FdInfo, num = 3, t: ThreadInfo = thread({ tid: 42, comm: 'curl', cwd: '/home/u/' })): { e: Event; t: ThreadInfo } {
  t.fds.set(num, fd);
  // read exit: an event that uses an fd.
  const e = makeEvent({ type: 'read<', params: [i64(10), Buffer.from('hello')], thread: t, fd, fdNum: num });
  return { e, t };
}

const registry = createRegistry(fakeState({ localIpv4: [LOCAL] }));
const r = (field: string, e: Event): string | undefined => registry.bind(field, undefined).render(e);

describe('fd fields of sockets', () => {
  const client = fdInfo({
    type: FdType.IPV4_SOCK, name: '10.0.0.5:50000->93.184.216.34:443', sip: LOCAL, dip: REMOTE, sport: 50000, dport: 443,
    l4proto: L4.TCP, isRoleClient: true, connected: true,
  });
  const { e } = withFd(client);

  it('name both ends and the local and remote ones', () => {
    assert.equal(r('fd.cip', e), '10.0.0.5');
    assert.equal(r('fd.sip', e), '93.184.216.34');
    assert.equal(r('fd.lip', e), '10.0.0.5');
    assert.equal(r('fd.rip', e), '93.184.216.34');
    assert.equal(r('fd.cport', e), '50000');
    assert.equal(r('fd.sport', e), '443');
    assert.equal(r('fd.lport', e), '50000');
    assert.equal(r('fd.rport', e), '443');
    assert.equal(r('fd.cproto', e), '50000');
    assert.equal(r('fd.rproto', e), '443');
    assert.equal(r('fd.l4proto', e), 'tcp');
    assert.equal(r('fd.sockfamily', e), 'ip');
    assert.equal(r('fd.is_server', e), 'false');
    assert.equal(r('fd.connected', e), 'true');
    assert.equal(r('fd.type', e), 'ipv4');
    assert.equal(r('fd.typechar', e), '4');
  });

  it('swap local and remote when the source address is not this machine\'s', () => {
    const accepted = fdInfo({ ...client, sip: REMOTE, dip: LOCAL, sport: 40000, dport: 80, isRoleClient: false, isServer: true });
    const { e: a } = withFd(accepted);
    assert.equal(r('fd.lip', a), '10.0.0.5');
    assert.equal(r('fd.lport', a), '80');
    assert.equal(r('fd.rip', a), '93.184.216.34');
    assert.equal(r('fd.is_server', a), 'true');
  });

  it('give no endpoints and no protocol before the socket has a role', () => {
    const fresh = fdInfo({ type: FdType.IPV4_SOCK, l4proto: L4.TCP });
    const { e: f } = withFd(fresh);
    assert.equal(r('fd.cip', f), undefined);
    assert.equal(r('fd.sport', f), undefined);
    assert.equal(r('fd.l4proto', f), '<NA>');
  });

  it('print IPv6 endpoints', () => {
    const v6 = (s: string) => Buffer.from(s, 'hex');
    const sock = fdInfo({
      type: FdType.IPV6_SOCK, sip: v6('00000000000000000000000000000001'), dip: v6('20010db8000000000000000000000002'),
      sport: 1, dport: 2, isRoleClient: true, l4proto: L4.UDP,
    });
    const { e: s } = withFd(sock);
    assert.equal(r('fd.cip', s), '::1');
    assert.equal(r('fd.sip', s), '2001:db8::2');
    assert.equal(r('fd.l4proto', s), 'udp');
  });

  it('match either end in conditions (fd.ip, fd.port), for server sockets their address', () => {
    const out: FieldValue[] = [];
    assert.equal(registry.bind('fd.ip', undefined).candidates!(e, out), 2);
    assert.deepEqual(out.slice(0, 2), [LOCAL, REMOTE]);
    assert.equal(registry.bind('fd.port', undefined).candidates!(e, out), 2);
    assert.deepEqual(out.slice(0, 2), [50000, 443]);
    const listen = fdInfo({ type: FdType.IPV4_SERVSOCK, sip: LOCAL, sport: 8080, l4proto: L4.TCP });
    const { e: l } = withFd(listen);
    assert.equal(registry.bind('fd.ip', undefined).candidates!(l, out), 1);
    assert.equal(out[0], LOCAL);
    assert.equal(r('fd.sport', l), '8080');
    assert.equal(r('fd.sproto', l), '');
    assert.equal(r('fd.l4proto', l), 'tcp');
    const file = withFd(fdInfo({ type: FdType.FILE, name: '/etc/hosts' })).e;
    assert.equal(registry.bind('fd.port', undefined).candidates!(file, out), 0);
  });
});

describe('fd fields of files', () => {
  it('split the path into directory and file name', () => {
    const { e } = withFd(fdInfo({ type: FdType.FILE, name: '/etc/ssh/sshd_config', nameRaw: 'ssh//sshd_config', dev: 0x803 }));
    assert.equal(r('fd.name', e), '/etc/ssh/sshd_config');
    assert.equal(r('fd.directory', e), '/etc/ssh');
    assert.equal(r('fd.filename', e), 'sshd_config');
    assert.equal(r('fd.nameraw', e), 'ssh/sshd_config');
    assert.equal(r('fd.num', e), '3');
    assert.equal(r('fd.uid', e), '423');
    assert.equal(r('fd.containername', e), ':/etc/ssh/sshd_config');
    assert.equal(r('fd.dev', e), '803');
    assert.equal(r('fd.dev.major', e), '8');
    assert.equal(r('fd.dev.minor', e), '3');
    assert.equal(r('fd.sockfamily', e), undefined);
    assert.equal(r('fd.l4proto', e), '<NA>');
  });

  it('treat a directory fd as its own directory and give it no file name', () => {
    const { e } = withFd(fdInfo({ type: FdType.DIRECTORY, name: '/var/log' }));
    assert.equal(r('fd.directory', e), '/var/log');
    assert.equal(r('fd.filename', e), undefined);
  });

  it('drop unprintable characters from names in output, not in conditions', () => {
    const { e } = withFd(fdInfo({ type: FdType.FILE, name: '/tmp/a\x01b' }));
    assert.equal(r('fd.name', e), '/tmp/ab');
    assert.equal(registry.bind('fd.name', undefined).extract(e), '/tmp/a\x01b');
  });

  it('take the name from a failed open, and the type from the syscall', () => {
    const t = thread({ tid: 42, comm: 'cat', cwd: '/root/' });
    const failed = makeEvent({ type: 'open<', params: [i64(-2), str('notes.txt'), u32(1), u32(0)], thread: t, fdNum: -2 });
    assert.equal(r('fd.name', failed), '/root/notes.txt');
    assert.equal(r('fd.directory', failed), '/root');
    assert.equal(r('fd.filename', failed), undefined);
    assert.equal(r('fd.typechar', failed), 'f');
    assert.equal(r('fd.type', failed), undefined);
    assert.equal(r('fd.num', failed), '-2');
    assert.equal(r('fd.nameraw', failed), '/root/notes.txt');
  });

  it('resolve a failed openat against its dirfd', () => {
    const dir = fdInfo({ type: FdType.DIRECTORY, name: '/etc' });
    const t = thread({ tid: 42, comm: 'cat', cwd: '/root/', fds: new Map([[5, dir]]) });
    // openat exit (newer form): fd, dirfd, name, flags, mode, dev
    const e = makeEvent({ type: 'openat<', params: [i64(-13), i64(5), str('shadow'), u32(1), u32(0), u32(0)], thread: t });
    assert.equal(r('fd.name', e), '/etc/shadow');
    assert.equal(r('fd.nameraw', e), 'shadow');
  });

  it('have no value for events that are not about an fd', () => {
    const e = makeEvent({ type: 'brk>', params: [i64(0)], thread: thread({ tid: 1 }) });
    assert.equal(r('fd.num', e), undefined);
    assert.equal(r('fd.name', e), undefined);
  });
});

describe('fd fields of newer libsinsp', () => {
  const overlayUpper = fdInfo({ type: FdType.FILE_V2, name: '/etc/passwd', ino: 1234567, flags: FdFlag.OVERLAY_UPPER });
  const t = thread({ tid: 42, comm: 'app' });
  t.fds.set(0, fdInfo({ type: FdType.FIFO, name: 'pipe:[1]' }));
  t.fds.set(1, fdInfo({ type: FdType.FILE_V2, name: '/dev/null' }));
  t.fds.set(4, fdInfo({ type: FdType.IPV4_SOCK, name: 'x' }));
  t.fds.set(9, fdInfo({ type: FdType.PIDFD, name: 'pidfd' }));
  const { e } = withFd(overlayUpper, 3, t);

  it('give the inode and the overlayfs layer of the fd\'s file', () => {
    assert.equal(r('fd.ino', e), '1234567');
    assert.equal(r('fd.is_upper_layer', e), 'true');
    assert.equal(r('fd.is_lower_layer', e), 'false');
    const { e: lower } = withFd(fdInfo({ type: FdType.FILE_V2, name: '/bin/ls', flags: FdFlag.OVERLAY_LOWER }));
    assert.equal(r('fd.is_lower_layer', lower), 'true');
    assert.equal(r('fd.is_upper_layer', lower), 'false');
  });

  it('list the distinct types of the process\'s fds, or the type of one fd', () => {
    assert.equal(r('fd.types', e), '(pipe,file,ipv4,pidfd)');
    assert.deepEqual(registry.bind('fd.types', undefined).extract(e), ['pipe', 'file', 'ipv4', 'pidfd']);
    assert.equal(registry.bind('fd.types', '0').render(e), '(pipe)');
    assert.equal(registry.bind('fd.types', '7').render(e), undefined);
    assert.equal(registry.match('fd.types[4]', 0).field.render(e), '(ipv4)');
    assert.equal(registry.bind('fd.types', undefined).def.isList, true);
  });

  it('have no value for events that are not about an fd', () => {
    const brk = makeEvent({ type: 'brk>', params: [i64(0)], thread: t });
    assert.equal(r('fd.types', brk), undefined);
    assert.equal(r('fd.ino', brk), undefined);
    assert.equal(r('fd.is_upper_layer', brk), undefined);
  });
});
