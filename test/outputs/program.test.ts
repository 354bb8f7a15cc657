import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProgramOutput } from '../../src/outputs/program.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-program-'));
/** The failure report of an output that must not fail: fails the test. */
const noFailure = (message: string): never => assert.fail(message);

describe('program output', () => {
  it('without keep_alive: one process per alert, alerts in order', async () => {
    const file = join(dir, 'each.txt');
    const out = new ProgramOutput({ program: `cat >> ${file}`, keepAlive: false }, noFailure);
    for (let i = 0; i < 20; i++) out.send(`alert ${i}`);
    await out.close();
    assert.equal(readFileSync(file, 'utf8'), Array.from({ length: 20 }, (_, i) => `alert ${i}\n`).join(''));
    assert.equal(out.handled, 20);
  });

  it('with keep_alive: one process reads every alert', async () => {
    const file = join(dir, 'keep.txt');
    // Each process writes its own pid first: one pid means one process.
    const out = new ProgramOutput({ program: `echo pid $$ >> ${file}; cat >> ${file}`, keepAlive: true }, noFailure);
    out.send('a');
    out.send('b');
    await out.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('pid ')).length, 1);
    assert.deepEqual(lines.slice(1), ['a', 'b']);
  });

  it('with keep_alive: a process that ends is reported and started again for the next alert', async () => {
    const file = join(dir, 'restart.txt');
    const reports: string[] = [];
    const out = new ProgramOutput({ program: `head -n 1 >> ${file}`, keepAlive: true }, (m) => reports.push(m));
    out.send('first');
    await new Promise((r) => setTimeout(r, 300));
    out.send('second');
    await out.close();
    assert.equal(readFileSync(file, 'utf8'), 'first\nsecond\n');
    assert.match(reports[0], /^program output: 'head -n 1 >> .*' exited with status 0; it will be started again for the next alert$/);
  });

  it('a command that fails is reported; the next alert runs it again', async () => {
    const reports: string[] = [];
    const out = new ProgramOutput({ program: 'exit 3', keepAlive: false }, (m) => reports.push(m));
    out.send('x');
    out.send('y');
    await out.close();
    // (A write to a command that has already ended may be reported as well.)
    assert.deepEqual(reports.filter((r) => !r.includes('could not write')), ["program output: 'exit 3' exited with status 3", "program output: 'exit 3' exited with status 3"]);
  });
});
