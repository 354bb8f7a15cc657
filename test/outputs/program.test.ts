import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProgramOutput } from '../../src/outputs/program.js';
import { NO_DEADLINE, testAlert } from './alerts.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-program-'));
/** The failure report of an output that must not fail: fails the test. */
const noFailure = (message: string): never => assert.fail(message);

describe('program output', () => {
  it('without keep_alive: one process per alert, alerts in order', async () => {
    const file = join(dir, 'each.txt');
    const out = new ProgramOutput({ program: `cat >> ${file}`, keepAlive: false }, noFailure);
    await out.deliver(Array.from({ length: 20 }, (_, i) => testAlert(`alert ${i}`)), NO_DEADLINE);
    await out.close();
    assert.equal(readFileSync(file, 'utf8'), Array.from({ length: 20 }, (_, i) => `alert ${i}\n`).join(''));
  });

  it('with keep_alive: one process reads every alert', async () => {
    const file = join(dir, 'keep.txt');
    // Each process writes its own pid first: one pid means one process.
    const out = new ProgramOutput({ program: `echo pid $$ >> ${file}; cat >> ${file}`, keepAlive: true }, noFailure);
    await out.deliver([testAlert('a')], NO_DEADLINE);
    await out.deliver([testAlert('b')], NO_DEADLINE);
    await out.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('pid ')).length, 1);
    assert.deepEqual(lines.slice(1), ['a', 'b']);
  });

  it('with keep_alive: a process that ends is reported and started again for the next alert', async () => {
    const file = join(dir, 'restart.txt');
    const reports: string[] = [];
    const out = new ProgramOutput({ program: `head -n 1 >> ${file}`, keepAlive: true }, (m) => reports.push(m));
    await out.deliver([testAlert('first')], NO_DEADLINE);
    await new Promise((r) => setTimeout(r, 300));
    await out.deliver([testAlert('second')], NO_DEADLINE);
    await out.close();
    assert.equal(readFileSync(file, 'utf8'), 'first\nsecond\n');
    assert.match(reports[0], /^program output: 'head -n 1 >> .*' exited with status 0; it will be started again for the next alert$/);
  });

  it('a command that fails rejects the delivery; the next one runs it again', async () => {
    const reports: string[] = [];
    const out = new ProgramOutput({ program: 'exit 3', keepAlive: false }, (m) => reports.push(m));
    await assert.rejects(out.deliver([testAlert('x')], NO_DEADLINE), /^Error: program output: 'exit 3' exited with status 3$/);
    await assert.rejects(out.deliver([testAlert('y')], NO_DEADLINE), /^Error: program output: 'exit 3' exited with status 3$/);
    await out.close();
    assert.deepEqual(reports, []);
  });

  it('a command that outlives the attempt\'s deadline is killed, and the delivery fails', async () => {
    const out = new ProgramOutput({ program: 'sleep 30', keepAlive: false }, noFailure);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(out.deliver([testAlert('x')], abort.signal), /was killed by SIGKILL/);
  });
});
