import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DropAction } from '../../src/config/config.js';
import { describeRules, wrapText } from '../../src/engine/describe.js';
import { DROP_RULE, DropMonitor } from '../../src/engine/drops.js';
import { TokenBucket } from '../../src/engine/token-bucket.js';
import type { LoadedRule } from '../../src/rules/index.js';

const S = 1e9;

describe('TokenBucket', () => {
  it('allows a burst, then the rate', () => {
    const b = new TokenBucket(1, 3, 0);
    assert.deepEqual([b.claim(0), b.claim(0), b.claim(0), b.claim(0)], [true, true, true, false]);
    assert.equal(b.claim(0.5 * S), false);
    assert.equal(b.claim(1 * S), true);
    assert.equal(b.claim(1 * S), false);
  });

  it('never holds more than the burst', () => {
    const b = new TokenBucket(10, 2, 0);
    assert.deepEqual([b.claim(100 * S), b.claim(100 * S), b.claim(100 * S)], [true, true, false]);
  });

  it('a clock that goes back fills the bucket (event time before the start)', () => {
    const b = new TokenBucket(0.001, 2, 1000 * S);
    assert.deepEqual([b.claim(5 * S), b.claim(5 * S), b.claim(5 * S)], [true, true, false]);
  });
});

describe('DropMonitor', () => {
  function monitor(actions: DropAction[], opts: { simulate?: boolean; threshold?: number; maxBurst?: number } = {}) {
    const log: string[] = [];
    const m = new DropMonitor(
      { threshold: opts.threshold ?? 0.1, actions: new Set(actions), rate: 0.03333, maxBurst: opts.maxBurst ?? 10, simulateDrops: opts.simulate ?? true },
      {
        log: (msg) => log.push(`log ${msg}`),
        alert: (ts, msg, fields) => log.push(`alert ${ts} ${msg} ${JSON.stringify(fields)}`),
        critical: (msg) => log.push(`critical ${msg}`),
      },
      0,
    );
    return { m, log };
  }
  const at = (ns: number) => ({ ts: () => BigInt(ns) });

  it('simulated drops: one per second of event time, then every configured action in Falco order', () => {
    const { m, log } = monitor(['alert', 'log']);
    let ok = true;
    for (let t = 0; t <= 3.5 * S; t += 0.25 * S) ok &&= m.event(t + 1, at(t + 1), 100, 0);
    assert.equal(ok, true);
    assert.equal(log.length, 4);
    assert.equal(log[0], `log ${DROP_RULE}. 1 system calls dropped in last second.`);
    assert.match(log[1], new RegExp(`^alert \\d+ ${DROP_RULE}\\. 1 system calls dropped in last second\\. `));
    assert.equal(m.summary(), 'Syscall event drop monitoring:\n   - event drop detected: 2 occurrences\n   - num times actions taken: 2\n');
  });

  it('alert carries the counters as output fields', () => {
    const { m, log } = monitor(['alert']);
    m.event(1, at(1), 10, 0);
    m.event(1.5 * S, at(1.5 * S), 50, 0);
    assert.equal(log[0], `alert ${1.5 * S} ${DROP_RULE}. 1 system calls dropped in last second. {"ebpf_enabled":"0","n_drops":"1","n_evts":"50"}`);
  });

  it('log, alert and exit: all three, exit last', () => {
    const { m, log } = monitor(['exit', 'alert', 'log']);
    assert.equal(m.event(1, at(1), 1, 0), true);
    assert.equal(m.event(2 * S, at(2 * S), 2, 0), false);
    assert.deepEqual(log.map((l) => l.split(' ')[0]), ['log', 'alert', 'critical', 'critical']);
  });

  it('exit stops the run', () => {
    const { m, log } = monitor(['exit']);
    assert.equal(m.event(1, at(1), 1, 0), true);
    assert.equal(m.event(2 * S, at(2 * S), 2, 0), false);
    assert.deepEqual(log.slice(-1), ['critical Exiting.']);
  });

  it('real drops count only above the threshold, and ignore takes no action', () => {
    const { m, log } = monitor(['log'], { simulate: false, threshold: 0.5 });
    m.event(1, at(1), 0, 0);
    assert.equal(m.event(2 * S, at(2 * S), 100, 10), true); // 10% dropped
    assert.equal(log.length, 0);
    m.event(4 * S, at(4 * S), 110, 90); // 80 of 10 more
    assert.equal(log.length, 1);
    const ignoring = monitor(['ignore']);
    ignoring.m.event(1, at(1), 0, 0);
    ignoring.m.event(2 * S, at(2 * S), 1, 0);
    assert.deepEqual(ignoring.log, []);
    assert.match(ignoring.m.summary(), /detected: 1 occurrences\n.*taken: 1\n/);
  });

  it('the token bucket limits the actions, not the detections', () => {
    const { m, log } = monitor(['log'], { maxBurst: 1 });
    for (let s = 0; s < 5; s++) m.event(s * 1.1 * S + 1, at(s * 1.1 * S + 1), s, 0);
    assert.equal(log.length, 1);
    assert.match(m.summary(), /detected: 4 occurrences\n.*taken: 1\n/);
  });
});

describe('-L', () => {
  it("wraps descriptions as Falco's wrap_text does", () => {
    const desc = 'word '.repeat(30).trim();
    const wrapped = wrapText(desc, 51, 110);
    const lines = wrapped.split('\n');
    assert.equal(lines[0], 'word '.repeat(11));
    assert.equal(lines[1], ' '.repeat(51) + 'word '.repeat(11));
    assert.equal(lines[2], ' '.repeat(51) + 'word '.repeat(8));
  });

  it('lists name and description, with a blank line after each rule', () => {
    const rule = { name: 'Some rule', desc: 'what it detects' } as LoadedRule;
    assert.equal(describeRules([rule]), `${'Rule'.padEnd(50)} Description\n${'----'.padEnd(50)} -----------\n${'Some rule'.padEnd(50)} what it detects \n\n`);
  });
});
