import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileOutput, FileOutputError } from '../../src/outputs/file.js';
import { testAlert } from './alerts.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-file-'));
/** The failure report of an output that must not fail: fails the test. */
const noFailure = (message: string): never => assert.fail(message);

describe('file output', () => {
  it('appends one line per alert to what the file already holds', async () => {
    const path = join(dir, 'a.txt');
    const first = new FileOutput({ filename: path, keepAlive: false }, noFailure);
    first.open();
    await first.deliver([testAlert('one')]);
    await first.close();
    const second = new FileOutput({ filename: path, keepAlive: true }, noFailure);
    second.open();
    await second.deliver([testAlert('two')]);
    await second.deliver([testAlert('three')]);
    await second.close();
    assert.equal(readFileSync(path, 'utf8'), 'one\ntwo\nthree\n');
  });

  it('without keep_alive the file is reopened for each alert: a rotated file is followed at once', async () => {
    const path = join(dir, 'rot.txt');
    const out = new FileOutput({ filename: path, keepAlive: false }, noFailure);
    out.open();
    await out.deliver([testAlert('before')]);
    renameSync(path, `${path}.1`);
    await out.deliver([testAlert('after')]);
    await out.close();
    assert.equal(readFileSync(`${path}.1`, 'utf8'), 'before\n');
    assert.equal(readFileSync(path, 'utf8'), 'after\n');
  });

  it('with keep_alive, reopen() (SIGUSR1) closes the rotated file and opens the path again', async () => {
    const path = join(dir, 'keep.txt');
    const out = new FileOutput({ filename: path, keepAlive: true }, noFailure);
    out.open();
    await out.deliver([testAlert('before')]);
    renameSync(path, `${path}.1`);
    await out.deliver([testAlert('still to the open file')]);
    out.reopen();
    assert.ok(existsSync(path));
    await out.deliver([testAlert('after')]);
    await out.close();
    assert.equal(readFileSync(`${path}.1`, 'utf8'), 'before\nstill to the open file\n');
    assert.equal(readFileSync(path, 'utf8'), 'after\n');
  });

  it('a file that cannot be opened is an error at start', () => {
    const out = new FileOutput({ filename: join(dir, 'no', 'such', 'dir.txt'), keepAlive: false }, noFailure);
    assert.throws(() => out.open(), (e) => e instanceof FileOutputError && /^failed to open output file .*dir\.txt: .*ENOENT/.test(e.message));
  });

  it('a write that fails later rejects the delivery, and the next one tries again', async () => {
    const sub = join(dir, 'gone');
    const path = join(sub, 'x.txt');
    const reports: string[] = [];
    const out = new FileOutput({ filename: path, keepAlive: false }, (m) => reports.push(m));
    await assert.rejects(out.deliver([testAlert('lost')]), /^Error: file output: could not write to .*x\.txt: .*ENOENT/);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub);
    await out.deliver([testAlert('kept')]);
    await out.close();
    assert.equal(readFileSync(path, 'utf8'), 'kept\n');
  });
});
