// ContainerHold: the rules pause at the first event of a container whose description is awaited,
// keep the events that follow (in order, unparsed), and judge them once the description arrives,
// the pause reaches its limit, too many events are kept, or the stream ends. The detection loop's
// steps (parse, judge) are recorded here; `now` is a clock the test moves.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Event } from '../../src/capture/event.js';
import { ContainerHold } from '../../src/engine/container-hold.js';
import { E } from '../../src/state/event-ids.js';
import type { ThreadInfo } from '../../src/state/types.js';
import { thread } from '../fields/events.js';
import { ev } from '../state/event-builder.js';

/** Threads by tid: 1 on the host, 2 in container c1, 3 in c2. */
const THREADS = new Map<number, ThreadInfo>([
  [1, thread({ tid: 1 })],
  [2, thread({ tid: 2, containerId: 'c1' })],
  [3, thread({ tid: 3, containerId: 'c2' })],
]);
const HOST = 1, C1 = 2, C2 = 3;

/** Event number n (its timestamp) of thread tid. */
const event = (n: number, tid: number): Event => ev(E.CLOSE_E, tid, [3], { ts: BigInt(n) });
/** Event number n: the runtime's description of container `id`. */
const described = (n: number, id: string): Event =>
  ev(E.CONTAINER_JSON_2_E, -1, [JSON.stringify({ container: { id, lookup_state: 1 } })], { ts: BigInt(n) });
const num = (e: Event): number => Number(e.ts());

interface Harness {
  readonly hold: ContainerHold;
  /** 'parse N', 'judge N', 'learn N', in the order the hold called them. */
  readonly log: string[];
  /** The Event objects judged, and the container of their thread. */
  readonly judged: { evt: Event; containerId: string | undefined }[];
  /** Containers whose description is awaited. */
  readonly pending: Set<string>;
  /** Events that parse says are not shown. */
  readonly hidden: Set<number>;
  now: number;
}

/** Every hold made, finished after each test so that a failing one leaves no timer running. */
const made: ContainerHold[] = [];
afterEach(() => {
  for (const hold of made.splice(0)) hold.finish();
});

function harness(o: { maxMs?: number; maxEvents?: number; realClock?: boolean; pending?: string[] } = {}): Harness {
  const h: Harness = {
    log: [], judged: [], pending: new Set(o.pending ?? ['c1']), hidden: new Set(), now: 1000,
    hold: undefined as unknown as ContainerHold,
  };
  const containerOf = (e: Event): string => (JSON.parse(e.paramStr(0)) as { container: { id: string } }).container.id;
  (h as { hold: ContainerHold }).hold = new ContainerHold(
    {
      maxMs: o.maxMs ?? 500,
      maxEvents: o.maxEvents ?? 100,
      pending: (id) => h.pending.has(id),
      learn: (e) => {
        h.log.push(`learn ${num(e)}`);
        h.pending.delete(containerOf(e));
      },
      ...(o.realClock !== true && { now: () => h.now }),
    },
    {
      parse: (e) => {
        h.log.push(`parse ${num(e)}`);
        // As the state does: set the event's thread; a container event describes its container.
        if (e.type === E.CONTAINER_JSON_2_E) h.pending.delete(containerOf(e));
        else e.thread = THREADS.get(e.tid);
        return !h.hidden.has(num(e));
      },
      judge: (e) => {
        h.log.push(`judge ${num(e)}`);
        h.judged.push({ evt: e, containerId: e.thread?.containerId });
      },
    },
  );
  made.push(h.hold);
  return h;
}

const both = (...ns: number[]): string[] => ns.flatMap((n) => [`parse ${n}`, `judge ${n}`]);
const activeTimeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('ContainerHold', () => {
  it('judges at once, without copying, when no container is pending', () => {
    const h = harness({ pending: [] });
    const events = [event(1, HOST), event(2, C1), event(3, C2)];
    for (const e of events) h.hold.offer(e);
    assert.deepEqual(h.log, both(1, 2, 3));
    assert.deepEqual(h.judged.map((j) => j.evt), events, 'the offered events themselves are judged');
    assert.equal(h.hold.pauses, 0);
  });

  it('an event of a container being looked up pauses judging; the events after it are kept unparsed', () => {
    const h = harness();
    h.hold.offer(event(1, HOST));
    h.hold.offer(event(2, C1));
    h.hold.offer(event(3, HOST));
    h.hold.offer(event(4, C2));
    assert.deepEqual(h.log, [...both(1), 'parse 2'], 'event 2 is parsed (the state is up to date) but not judged');
    assert.equal(h.hold.pauses, 1);
    // The description arrives in the state by another way: the next offer resumes.
    h.pending.delete('c1');
    h.hold.offer(event(5, HOST));
    assert.deepEqual(h.log, [...both(1), 'parse 2', 'judge 2', ...both(3, 4, 5)]);
    assert.equal(h.hold.expired, 0);
    h.hold.finish();
  });

  it('the paused event is judged from a copy, with its thread: the offered one may be reused', () => {
    const h = harness();
    const e = event(7, C1);
    h.hold.offer(e);
    e.buf.fill(0); // the reader reuses its buffer once offer() returns
    e.thread = undefined;
    h.pending.delete('c1');
    h.hold.offer(event(8, HOST));
    assert.notEqual(h.judged[0].evt, e);
    assert.equal(num(h.judged[0].evt), 7);
    assert.equal(h.judged[0].containerId, 'c1');
    assert.equal(h.judged[0].evt.type, E.CLOSE_E);
  });

  it('a container event offered during a pause is learnt ahead of its turn; the waited event is then judged first', () => {
    const h = harness({ pending: ['c1', 'c2'] });
    h.hold.offer(event(1, C1));
    h.hold.offer(event(2, HOST));
    h.hold.offer(described(3, 'c2'));
    assert.deepEqual(h.log, ['parse 1', 'learn 3'], 'another container\'s description does not end the pause');
    h.hold.offer(event(4, HOST));
    h.hold.offer(described(5, 'c1'));
    assert.deepEqual(h.log, ['parse 1', 'learn 3', 'learn 5', 'judge 1', ...both(2, 3, 4, 5)]);
    assert.equal(h.hold.expired, 0);
    h.hold.offer(event(6, C1));
    assert.deepEqual(h.log.slice(-2), both(6), 'described: no more pause');
    assert.equal(h.hold.pauses, 1);
  });

  it('a container event offered when nothing is paused is only parsed (learn is for pauses)', () => {
    const h = harness();
    h.hold.offer(described(1, 'c1'));
    h.hold.offer(event(2, C1));
    assert.deepEqual(h.log, both(1, 2));
    assert.equal(h.hold.pauses, 0);
  });

  it('the deadline resumes judging (expired counted), and that container never pauses again', () => {
    const h = harness({ maxMs: 100, pending: ['c1', 'c2'] });
    h.hold.offer(event(1, C1));
    h.now += 99;
    h.hold.offer(event(2, HOST));
    assert.deepEqual(h.log, ['parse 1'], 'still within the limit');
    h.now += 1;
    h.hold.offer(event(3, HOST));
    assert.deepEqual(h.log, ['parse 1', 'judge 1', ...both(2, 3)]);
    assert.equal(h.hold.expired, 1);
    h.hold.offer(event(4, C1));
    assert.deepEqual(h.log.slice(-2), both(4), 'c1 is still pending, but its pause already ran out');
    assert.equal(h.hold.pauses, 1);
    // Another container still pauses.
    h.hold.offer(event(5, C2));
    assert.equal(h.hold.pauses, 2);
    assert.deepEqual(h.log.slice(-1), ['parse 5']);
    h.hold.finish();
  });

  it('the deadline resumes judging by itself, with no further event', async () => {
    const h = harness({ maxMs: 10, realClock: true });
    h.hold.offer(event(1, C1));
    h.hold.offer(event(2, HOST));
    assert.deepEqual(h.log, ['parse 1']);
    await sleep(60);
    assert.deepEqual(h.log, ['parse 1', 'judge 1', ...both(2)]);
    assert.equal(h.hold.expired, 1);
    assert.equal(activeTimeouts(), 0);
  });

  it('maxEvents kept resumes judging early (the pause ends at its limit, not with a description)', () => {
    const h = harness({ maxEvents: 2 });
    h.hold.offer(event(1, C1));
    h.hold.offer(event(2, HOST));
    assert.deepEqual(h.log, ['parse 1']);
    h.hold.offer(event(3, HOST));
    assert.deepEqual(h.log, ['parse 1', 'judge 1', ...both(2, 3)]);
    assert.equal(h.hold.expired, 1);
    assert.equal(activeTimeouts(), 0, 'the deadline timer is cleared');
  });

  it('finish() judges everything kept, at once, and clears the timer', () => {
    const h = harness({ maxMs: 60_000 });
    h.hold.offer(event(1, C1));
    h.hold.offer(event(2, HOST));
    h.hold.offer(event(3, C1));
    assert.ok(activeTimeouts() >= 1, 'a deadline timer runs during the pause');
    h.hold.finish();
    assert.deepEqual(h.log, ['parse 1', 'judge 1', ...both(2, 3)]);
    assert.equal(h.hold.expired, 1);
    assert.equal(activeTimeouts(), 0);
  });

  it('an event that is not shown never pauses', () => {
    const h = harness();
    h.hidden.add(1);
    h.hold.offer(event(1, C1));
    h.hold.offer(event(2, HOST));
    assert.deepEqual(h.log, ['parse 1', ...both(2)]);
    assert.equal(h.hold.pauses, 0);
  });

  it('parse is called once per event and judge once per shown event, both in stream order, across pauses', () => {
    const h = harness({ maxMs: 100, pending: ['c1', 'c2'] });
    h.hidden.add(4).add(9);
    const offer = (e: Event) => h.hold.offer(e);
    offer(event(1, HOST));
    offer(event(2, C1)); // pauses for c1
    offer(event(3, C2)); // kept; pauses for c2 once c1's pause ends
    offer(event(4, C1)); // kept, not shown
    offer(event(5, HOST));
    offer(described(6, 'c1')); // ends the pause for c1, then c2's starts at event 3
    assert.equal(h.hold.pauses, 2);
    offer(event(7, C2));
    h.now += 100; // c2's pause runs out at the next offer
    offer(event(8, HOST));
    offer(event(9, C2)); // not shown
    offer(event(10, C2)); // c2 gave up: judged at once
    h.hold.finish();
    const parsed = h.log.filter((l) => l.startsWith('parse')).map((l) => Number(l.split(' ')[1]));
    const judged = h.log.filter((l) => l.startsWith('judge')).map((l) => Number(l.split(' ')[1]));
    assert.deepEqual(parsed, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(judged, [1, 2, 3, 5, 6, 7, 8, 10]);
    assert.deepEqual(h.log.filter((l) => l.startsWith('learn')), ['learn 6']);
    assert.equal(h.hold.expired, 1, 'c1 was described; c2 ran out');
    assert.equal(h.hold.pauses, 2);
  });
});
