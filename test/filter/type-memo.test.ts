import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileCondition, parseCondition } from '../../src/filter/index.js';
import { dependsOnTypeOnly, memoByEventType } from '../../src/filter/type-memo.js';
import { createRegistry } from '../../src/fields/registry.js';
import { SYSCALL_NAMES } from '../../src/capture/names.js';
import { E } from '../../src/state/event-ids.js';
import { State } from '../../src/state/state.js';
import { ev } from '../state/event-builder.js';

const GENERIC_E = 0, GENERIC_X = 1;
const syscall = (name: string): number => SYSCALL_NAMES.indexOf(name);

describe('filters on the event type alone', () => {
  it('are the conditions reading only evt.type and syscall.type', () => {
    for (const c of ['evt.type=connect', 'evt.type in (open, close)', 'not syscall.type=read', 'evt.type!=mmap and evt.type!=brk']) {
      assert.ok(dependsOnTypeOnly(parseCondition(c)), c);
    }
    for (const c of ['evt.type=open and proc.name=cat', 'fd.name=/etc/passwd', 'evt.num>3', 'evt.arg.fd=3']) {
      assert.ok(!dependsOnTypeOnly(parseCondition(c)), c);
    }
  });

  it('answer as the condition does, for every type and for generic events by their system call', () => {
    const registry = createRegistry(new State());
    const events = [
      ev(E.OPEN_E, 1, ['/etc/passwd', 0, 0]), ev(E.CONNECT_E, 1, [3, Buffer.alloc(0)]), ev(E.OPEN_E, 1, ['/x', 0, 0]),
      ev(GENERIC_E, 1, [{ u16: syscall('mprotect') }, { u16: 0 }]), ev(GENERIC_X, 1, [{ u16: syscall('mprotect') }]),
      ev(GENERIC_E, 1, [{ u16: syscall('mlock') }, { u16: 0 }]), ev(GENERIC_E, 1, [{ u16: syscall('mprotect') }, { u16: 0 }]),
    ];
    const kept: Record<string, number> = { 'evt.type=open': 2, 'evt.type=mprotect': 3, 'evt.type in (connect, mlock)': 2, 'not syscall.type=mprotect': 4 };
    for (const [c, n] of Object.entries(kept)) {
      const plain = compileCondition(parseCondition(c), registry);
      const memo = memoByEventType(plain);
      // Twice over: the second round answers from the tables.
      for (const e of [...events, ...events]) assert.equal(memo(e), plain(e), `${c} on type ${e.type}`);
      assert.equal(events.filter(memo).length, n, c);
    }
  });
});
