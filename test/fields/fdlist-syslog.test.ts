import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/fields/registry.js';
import { L4 } from '../../src/capture/flags.js';
import { FdType } from '../../src/state/types.js';
import { bytes, fakeState, fdInfo, i64, ip4, makeEvent, thread } from './events.js';

const registry = createRegistry(fakeState());
const r = (field: string, e: ReturnType<typeof makeEvent>) => registry.bind(field, undefined).render(e);

/** poll's fds parameter: a count, then per fd its number (int64) and events (int16). */
function pollFds(fds: number[]): Buffer {
  const b = Buffer.alloc(2 + fds.length * 10);
  b.writeUInt16LE(fds.length, 0);
  fds.forEach((fd, i) => b.writeBigInt64LE(BigInt(fd), 2 + i * 10));
  return b;
}

describe('fdlist fields', () => {
  const sock = fdInfo({ type: FdType.IPV4_SOCK, name: 'tuple', sip: ip4(1, 2, 3, 4), dip: ip4(5, 6, 7, 8), sport: 1000, dport: 80, l4proto: L4.TCP, isRoleClient: true });
  const file = fdInfo({ type: FdType.FILE, name: '/var/log/syslog' });
  const t = thread({ tid: 3, fds: new Map([[4, sock], [5, file]]) });
  const poll = makeEvent({ type: 'poll>', params: [pollFds([4, 5, 9]), i64(1000)], thread: t });

  it('list the polled fds, looked up in the thread\'s table', () => {
    assert.equal(r('fdlist.nums', poll), '4,5,9');
    assert.equal(r('fdlist.names', poll), 'tuple,/var/log/syslog,<NA>');
    assert.equal(r('fdlist.cips', poll), '1.2.3.4');
    assert.equal(r('fdlist.sips', poll), '5.6.7.8');
    assert.equal(r('fdlist.cports', poll), '1000');
    assert.equal(r('fdlist.sports', poll), '80');
  });

  it('have no value for other events or when nothing qualifies', () => {
    assert.equal(r('fdlist.nums', makeEvent({ type: 'brk>', params: [i64(0)], thread: t })), undefined);
    assert.equal(r('fdlist.cips', makeEvent({ type: 'poll>', params: [pollFds([5]), i64(0)], thread: t })), undefined);
  });
});

describe('syslog fields', () => {
  const log = fdInfo({ type: FdType.UNIX_SOCK, name: '/dev/log' });
  const t = thread({ tid: 8, fds: new Map([[3, log]]) });
  const write = (data: string, fd = log) => makeEvent({ type: 'write<', params: [i64(data.length), bytes(data)], thread: t, fd });

  it('decode a message written to /dev/log', () => {
    const e = write('<38>sshd[1]: Accepted password');
    assert.equal(r('syslog.facility', e), '4');
    assert.equal(r('syslog.facility.str', e), 'auth');
    assert.equal(r('syslog.severity', e), '6');
    assert.equal(r('syslog.severity.str', e), 'info');
    assert.equal(r('syslog.message', e), 'sshd[1]: Accepted password');
    assert.equal(r('evt.is_syslog', e), 'true');
  });

  it('ignore other writes and malformed priorities', () => {
    assert.equal(r('syslog.message', write('<x>hello')), undefined);
    assert.equal(r('syslog.message', write('<38>hi', fdInfo({ type: FdType.FILE, name: '/tmp/f' }))), undefined);
  });
});
