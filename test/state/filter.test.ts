// sysdig filters inside the state step: events that do not modify state are filtered before they
// are parsed (and a filtered one is not parsed at all), the others after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../src/capture/event.js';
import { State } from '../../src/state/state.js';
import { E } from '../../src/state/event-ids.js';
import { DUMP_FLAG_STATE_ONLY } from '../../src/capture/event.js';
import { ev, header, proc } from './event-builder.js';

function seeded(filter?: (e: Event) => boolean): State {
  const s = new State();
  s.seed(header([proc({ tid: 100, cwd: '/w', vmsizeKb: 1 })]));
  s.filter = filter;
  return s;
}

const brk = (vmsize: number): Event => ev(E.BRK_4_X, 100, [0n, { u32: vmsize }, { u32: 1 }, { u32: 0 }]);

test('a filtered-out event that does not modify state is not parsed', () => {
  const rejectBrk = seeded((e) => e.type !== E.BRK_4_X);
  assert.equal(rejectBrk.process(brk(500)), false);
  assert.equal(rejectBrk.thread(100)!.vmsizeKb, 1);
  const acceptAll = seeded(() => true);
  assert.equal(acceptAll.process(brk(500)), true);
  assert.equal(acceptAll.thread(100)!.vmsizeKb, 500);
});

test('a filtered-out event that modifies state is parsed anyway, and the filter sees its result', () => {
  const seen: (string | undefined)[] = [];
  const s = seeded((e) => {
    seen.push(e.fd?.name);
    return false;
  });
  s.process(ev(E.OPEN_E, 100, ['f', { u32: 1 }, { u32: 0 }]));
  assert.equal(s.process(ev(E.OPEN_X, 100, [3, 'f', { u32: 1 }, { u32: 0 }, { u32: 0 }])), false);
  assert.equal(s.thread(100)!.fds.get(3)?.name, '/w/f');
  assert.deepEqual(seen, [undefined, '/w/f']);
});

test('a non-state event is filtered on the state before it, and shown with the state after it', () => {
  const s = seeded();
  s.process(ev(E.SOCKET_E, 100, [{ u32: 2 }, { u32: 1 }, { u32: 0 }]));
  s.process(ev(E.SOCKET_X, 100, [5]));
  s.process(ev(E.READ_X - 1, 100, [5, { u32: 10 }]));
  let atFilter: boolean | undefined;
  s.filter = (e) => {
    atFilter = e.fd?.connected;
    return true;
  };
  const x = ev(E.READ_X, 100, [4, Buffer.from('abcd')]);
  assert.equal(s.process(x), true);
  assert.equal(atFilter, false, 'read is filtered before it marks the socket connected');
  assert.equal(x.fd?.connected, true);
});

test('state-only events update the state but are not shown', () => {
  const s = seeded();
  assert.equal(s.process(ev(E.OPEN_E, 100, ['g', { u32: 1 }, { u32: 0 }], { dumpFlags: DUMP_FLAG_STATE_ONLY })), false);
  const x = ev(E.OPEN_X, 100, [4, 'g', { u32: 1 }, { u32: 0 }, { u32: 0 }], { dumpFlags: DUMP_FLAG_STATE_ONLY });
  assert.equal(s.process(x), false);
  assert.equal(s.thread(100)!.fds.get(4)?.name, '/w/g');
});

test('the enter event is available to the filter of its exit, and released once the exit is shown', () => {
  let enterType = -1;
  const s = seeded((e) => {
    if (e.type === E.OPEN_X) enterType = s.enterEvent(e.thread!)?.type ?? -1;
    return true;
  });
  s.process(ev(E.OPEN_E, 100, ['h', { u32: 1 }, { u32: 0 }]));
  const x = ev(E.OPEN_X, 100, [6, 'h', { u32: 1 }, { u32: 0 }, { u32: 0 }]);
  s.process(x);
  assert.equal(enterType, E.OPEN_E);
  assert.equal(s.enterEvent(x.thread!), undefined);
});
