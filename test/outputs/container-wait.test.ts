// ContainerWait<string>: an alert about a container not described yet is held and rendered late (once the
// description arrives, or at a deadline). Alerts about one container keep their order; alerts about
// other containers are not held back by it (and host alerts never reach it: run.ts sends them).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContainerWait } from '../../src/outputs/container-wait.js';

interface Harness {
  readonly wait: ContainerWait<string>;
  readonly sent: string[];
  readonly pending: Set<string>;
  now: number;
}

/** Every wait made, flushed after each test so that a failing one leaves no timer running. */
const made: ContainerWait<string>[] = [];
afterEach(() => {
  for (const w of made.splice(0)) w.flush();
});

function harness(maxWaitMs = 1000, realClock = false): Harness {
  const h = { sent: [] as string[], pending: new Set<string>(), now: 5000 } as Harness;
  (h as { wait: ContainerWait<string> }).wait = realClock
    ? new ContainerWait<string>(maxWaitMs, (id) => h.pending.has(id), (line) => h.sent.push(line))
    : new ContainerWait<string>(maxWaitMs, (id) => h.pending.has(id), (line) => h.sent.push(line), () => h.now);
  made.push(h.wait);
  return h;
}

const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('ContainerWait', () => {
  it('a held alert is not sent before its container is described; then it is, once, and the timer stops', () => {
    const h = harness();
    h.pending.add('c1');
    h.wait.hold('c1', () => 'held');
    assert.ok(activeTimers() >= 1, 'a check timer runs while alerts are held');
    h.wait.release();
    assert.deepEqual(h.sent, []);
    h.pending.delete('c1');
    h.wait.release();
    h.wait.release();
    assert.deepEqual(h.sent, ['held']);
    assert.equal(h.wait.expired, 0);
    assert.equal(activeTimers(), 0, 'the check timer stops when nothing is held');
  });

  it('a held alert is rendered when it is released, not when it is held', () => {
    const h = harness();
    h.pending.add('c1');
    let name = '<NA>';
    h.wait.hold('c1', () => `container=${name}`);
    name = 'web';
    h.pending.delete('c1');
    h.wait.release();
    assert.deepEqual(h.sent, ['container=web']);
  });

  it('alerts about one container keep their order', () => {
    const h = harness();
    h.pending.add('c1');
    h.wait.hold('c1', () => 'one');
    h.now += 100;
    h.wait.hold('c1', () => 'two');
    h.pending.delete('c1');
    h.wait.release();
    assert.deepEqual(h.sent, ['one', 'two']);
  });

  it('alerts about one container keep their order even when the wall clock steps back (a later alert with an earlier deadline)', () => {
    const h = harness(1000);
    h.pending.add('c1');
    h.wait.hold('c1', () => 'one'); // deadline 6000
    h.now -= 1000;
    h.wait.hold('c1', () => 'two'); // deadline 5000
    h.now = 5500;
    h.wait.release();
    assert.deepEqual(h.sent, [], 'the second is past its deadline but stays behind the first');
    h.now = 6000;
    h.wait.release();
    assert.deepEqual(h.sent, ['one', 'two']);
    assert.equal(h.wait.expired, 2);
  });

  it('an alert about a described container is not held back by one about another container still awaited', () => {
    const h = harness();
    h.pending.add('c1').add('c2');
    h.wait.hold('c1', () => 'about c1');
    h.wait.hold('c2', () => 'about c2');
    h.pending.delete('c2');
    h.wait.release();
    assert.deepEqual(h.sent, ['about c2']);
    h.pending.delete('c1');
    h.wait.release();
    assert.deepEqual(h.sent, ['about c2', 'about c1']);
  });

  it('at its deadline a held alert goes out as it is, counted as expired; later ones keep their own deadline', () => {
    const h = harness(1000);
    h.pending.add('c1');
    h.wait.hold('c1', () => 'one');
    h.now += 500;
    h.wait.hold('c1', () => 'two');
    h.now += 499;
    h.wait.release();
    assert.deepEqual(h.sent, [], 'one ms before the deadline');
    h.now += 1;
    h.wait.release();
    assert.deepEqual(h.sent, ['one'], 'the second was held later: its deadline is still ahead');
    assert.equal(h.wait.expired, 1);
    h.now += 500;
    h.wait.release();
    assert.deepEqual(h.sent, ['one', 'two']);
    assert.equal(h.wait.expired, 2);
    assert.equal(activeTimers(), 0);
  });

  it('a held alert whose container gets described before the deadline is not counted expired', () => {
    const h = harness(1000);
    h.pending.add('c1');
    h.wait.hold('c1', () => 'one');
    h.now += 999;
    h.pending.delete('c1');
    h.now += 5000;
    h.wait.release();
    assert.deepEqual(h.sent, ['one']);
    assert.equal(h.wait.expired, 0);
  });

  it('held alerts are released by the timer, without another call', async () => {
    const h = harness(10_000, true);
    h.pending.add('c1');
    h.wait.hold('c1', () => 'held');
    h.pending.delete('c1');
    await sleep(80);
    assert.deepEqual(h.sent, ['held']);
    assert.equal(activeTimers(), 0);
  });

  it('the timer also sends alerts at their deadline', async () => {
    const h = harness(30, true);
    h.pending.add('c1');
    h.wait.hold('c1', () => 'held');
    await sleep(120);
    assert.deepEqual(h.sent, ['held']);
    assert.equal(h.wait.expired, 1);
    assert.equal(activeTimers(), 0);
  });

  it('flush() sends everything held, in order, as it is, and stops the timer', () => {
    const h = harness();
    h.pending.add('c1').add('c2');
    h.wait.hold('c1', () => 'one');
    h.wait.hold('c2', () => 'two');
    h.wait.hold('c1', () => 'three');
    h.wait.flush();
    assert.deepEqual(h.sent, ['one', 'two', 'three']);
    assert.equal(h.wait.expired, 0, 'flushing is not a deadline');
    assert.equal(activeTimers(), 0);
    h.wait.release();
    assert.deepEqual(h.sent, ['one', 'two', 'three'], 'nothing is held any more');
  });
});
