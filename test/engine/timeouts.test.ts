import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeoutMonitor } from '../../src/engine/timeouts.js';

describe('syscall_event_timeouts', () => {
  it('notifies after max_consecutives reads without an event, with the last event time, then counts again', () => {
    let progress = { events: 0, lastTs: 0 };
    const alerts: [string, Record<string, string>][] = [];
    const m = new TimeoutMonitor(3, () => progress, (msg, fields) => alerts.push([msg, fields]), (ts) => `t${ts}`);
    m.tick(); // the first look only records where the source is
    for (let i = 0; i < 3; i++) m.tick();
    assert.deepEqual(alerts, []);
    m.tick();
    assert.deepEqual(alerts, [['Falco internal: timeouts notification. 3 consecutive timeouts without event.', { last_event_time: 'none' }]]);
    progress = { events: 5, lastTs: 42 };
    for (let i = 0; i < 4; i++) m.tick();
    assert.equal(alerts.length, 1, 'an event resets the count');
    m.tick();
    assert.deepEqual(alerts[1], ['Falco internal: timeouts notification. 3 consecutive timeouts without event.', { last_event_time: 't42' }]);
  });
});
