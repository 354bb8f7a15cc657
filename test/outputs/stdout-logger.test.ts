import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { LOG, Logger } from '../../src/outputs/logger.js';
import { Outputs } from '../../src/outputs/outputs.js';
import type { AlertOutput } from '../../src/outputs/output.js';
import { StdoutOutput } from '../../src/outputs/stdout.js';

function sink() {
  const stream = new PassThrough();
  const writes: string[] = [];
  stream.on('data', (b: Buffer) => writes.push(b.toString()));
  return { stream, writes };
}

describe('stdout output', () => {
  it('unbuffered: one write per alert', async () => {
    const { stream, writes } = sink();
    const out = new StdoutOutput(false, () => {}, stream);
    out.send('a');
    out.send('b');
    await out.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['a\n', 'b\n']);
  });

  it('buffered: alerts gathered, written at close', async () => {
    const { stream, writes } = sink();
    const out = new StdoutOutput(true, () => {}, stream);
    out.send('a');
    out.send('b');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, []);
    await out.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['a\nb\n']);
  });

  it('a failing standard output is reported once, with its cause, and the alerts lost are counted', async () => {
    const stream = new PassThrough();
    const reports: string[] = [];
    const out = new StdoutOutput(false, (m) => reports.push(m), stream);
    out.send('a');
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    out.send('b');
    out.send('c');
    await out.close();
    assert.deepEqual(reports, [
      'stdout output: cannot write to standard output: write EPIPE; alerts are no longer written there',
      'stdout output: 2 alerts were not written (standard output had failed)',
    ]);
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

describe('outputs together', () => {
  function slowOutput(delayMs: number, count: number): AlertOutput {
    const o = {
      name: 'slow', handled: 0,
      send() {},
      reopen() {},
      async close() {
        for (let i = 0; i < count; i++) {
          await new Promise((r) => setTimeout(r, delayMs));
          o.handled++;
        }
      },
    };
    return o;
  }

  it('waits for outputs that make progress, gives up on one that is stuck', async () => {
    assert.equal(await new Outputs([slowOutput(20, 5)]).close(50), true);
    const stuck: AlertOutput = { name: 'stuck', handled: 0, send() {}, reopen() {}, close: () => new Promise(() => {}) };
    assert.equal(await new Outputs([stuck]).close(50), false);
  });
});
