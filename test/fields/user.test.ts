import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/fields/registry.js';
import { fakeState, i64, makeEvent, thread } from './events.js';

const registry = createRegistry(fakeState({
  users: [{ uid: 0, gid: 0, name: 'root', home: '/root', shell: '/bin/bash' }, { uid: 1000, gid: 1000, name: 'u', home: '/home/u', shell: '/bin/zsh' }],
  groups: [{ gid: 0, name: 'root' }],
}));
const r = (field: string, t: ReturnType<typeof thread>) =>
  registry.bind(field, undefined).render(makeEvent({ type: 'brk>', params: [i64(0)], thread: t }));

describe('user and group fields', () => {
  const sudo = thread({ tid: 5, uid: 0, gid: 0, loginuid: 1000 });
  const unknown = thread({ tid: 6, uid: 0xffffffff, gid: 0xffffffff, loginuid: 0xffffffff });

  it('name the user, the login user and the group', () => {
    assert.equal(r('user.uid', sudo), '0');
    assert.equal(r('user.name', sudo), 'root');
    assert.equal(r('user.homedir', sudo), '/root');
    assert.equal(r('user.shell', sudo), '/bin/bash');
    assert.equal(r('user.loginuid', sudo), '1000');
    assert.equal(r('user.loginname', sudo), 'u');
    assert.equal(r('group.gid', sudo), '0');
    assert.equal(r('group.name', sudo), 'root');
  });

  it('print unknown ids as sysdig does: uid unsigned, loginuid signed, no names', () => {
    assert.equal(r('user.uid', unknown), '4294967295');
    assert.equal(r('user.loginuid', unknown), '-1');
    assert.equal(r('group.gid', unknown), '4294967295');
    assert.equal(r('user.name', unknown), undefined);
    assert.equal(r('group.name', unknown), undefined);
  });
});
