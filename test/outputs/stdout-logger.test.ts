import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { LOG, Logger } from '../../src/outputs/logger.js';
import { StdoutOutput } from '../../src/outputs/stdout.js';
import { DEFAULT_BACKOFF, Delivery } from '../../src/outputs/delivery.js';
import { testAlert } from './alerts.js';

const SETTINGS = { capacity: 0, attemptTimeoutMs: 2000, maxAgeMs: 60_000, batchSize: 512, ...DEFAULT_BACKOFF };

function sink() {
  const stream = new PassThrough();
  const writes: string[] = [];
  stream.on('data', (b: Buffer) => writes.push(b.toString()));
  return { stream, writes };
}

describe('stdout output', () => {
  it('unbuffered: one write per delivery', async () => {
    const { stream, writes } = sink();
    const out = new StdoutOutput(false, stream);
    await out.deliver([testAlert('a')]);
    await out.deliver([testAlert('b'), testAlert('c')]);
    await out.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['a\n', 'b\nc\n']);
  });

  it('buffered: alerts gathered, written at close', async () => {
    const { stream, writes } = sink();
    const out = new StdoutOutput(true, stream);
    await out.deliver([testAlert('a')]);
    await out.deliver([testAlert('b')]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, []);
    await out.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['a\nb\n']);
  });

  it('a failing standard output is reported once, with its cause, and the alerts lost are counted', async () => {
    const stream = new PassThrough();
    const reports: string[] = [];
    const out = new Delivery(new StdoutOutput(false, stream), SETTINGS, { error: (m) => reports.push(m), notice: (m) => reports.push(m) });
    out.enqueue(testAlert('a'));
    await new Promise((r) => setImmediate(r));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    out.enqueue(testAlert('b'));
    await new Promise((r) => setImmediate(r));
    out.enqueue(testAlert('c'));
    await out.close();
    assert.deepEqual(reports, [
      'stdout output: cannot write to standard output: write EPIPE; alerts are no longer written there',
      'stdout output: 2 alerts were lost while it failed',
    ]);
    assert.deepEqual({ ...out.stats(), oldestAgeMs: 0 }, { output: 'stdout', sent: 1, retried: 0, dropped: 2, spooled: 0, oldestAgeMs: 0 });
  });
});

describe('logger', () => {
  const when = new Date(Date.UTC(2016, 7, 4, 16, 17, 57));
  it('ISO 8601 time in UTC, one line per message, level threshold', () => {
    const lines: string[] = [];
    const log = new Logger({ enabled: true, level: LOG.INFO, iso8601: true }, (s) => lines.push(s), () => when);
    log.log(LOG.INFO, 'Loading rules\nfrom here\n');
    log.log(LOG.DEBUG, 'hidden');
    assert.deepEqual(lines, ['2016-08-04T16:17:57+0000: Loading rules from here\n']);
  });

  it('escapes control characters: no terminal escape or forged line gets through', () => {
    const lines: string[] = [];
    const log = new Logger({ enabled: true, level: LOG.INFO, iso8601: true }, (s) => lines.push(s), () => when);
    log.log(LOG.INFO, 'file \u001b[31mred\u001b[0m\rfake\ttab\u0007 \u009b2J');
    assert.deepEqual(lines, ['2016-08-04T16:17:57+0000: file \\u001b[31mred\\u001b[0m fake\ttab\\u0007 \\u009b2J\n']);
  });

  it("asctime's layout otherwise (local time), nothing when disabled", () => {
    const lines: string[] = [];
    const log = new Logger({ enabled: true, level: LOG.DEBUG, iso8601: false }, (s) => lines.push(s), () => when);
    log.log(LOG.DEBUG, 'x');
    assert.match(lines[0], /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) Aug [ 1-9]\d \d\d:17:57 2016: x\n$/);
    log.configure({ enabled: false, level: LOG.DEBUG, iso8601: false });
    log.log(LOG.EMERG, 'y');
    assert.equal(lines.length, 1);
    assert.equal(log.enabled(LOG.EMERG), false);
  });
});
