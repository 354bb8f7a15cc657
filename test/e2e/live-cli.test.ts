// The live commands besides `run` (root only): `ghostwatch capture` records what happens into a
// capture that sysdig and `ghostwatch events -r` print alike, and `ghostwatch events` without -r
// prints live events as they happen.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bin, liveSkipReason, runProgram } from './live.js';
import { sysdigSkip } from '../support/sysdig.js';

const skip = liveSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'gw-e2e-cli-'));
/** A copy of cat under a name nothing else on the host uses. */
const reader = join(dir, 'gwlivecat');
copyFileSync('/bin/cat', reader);
chmodSync(reader, 0o755);

const children = new Set<ReturnType<typeof spawn>>();

function ghostwatch(args: string[]): { done: Promise<{ status: number | null; stdout: string; stderr: string }> } {
  const child = spawn(bin, [...args]);
  children.add(child);
  child.on('close', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return { done: new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr }))) };
}

describe('live capture and live events', { skip }, () => {
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('capture -M records the commands run meanwhile; sysdig and events -r print the same lines', { skip: sysdigSkip }, async () => {
    const file = join(dir, 'live.scap');
    const rec = ghostwatch(['capture', '-w', file, '-M', '4']);
    // The command runs again and again while the recording lasts (the probe needs a moment to attach).
    let r;
    while (r === undefined) {
      assert.equal((await runProgram(reader, ['/etc/hostname'])).status, 0);
      r = await Promise.race([rec.done, sleep(300).then(() => undefined)]);
    }
    assert.equal(r.status, 0, r.stderr);

    const filter = 'proc.name=gwlivecat';
    const ours = spawnSync(bin, ['events', '-r', file, filter], { encoding: 'utf8' });
    const theirs = spawnSync('sysdig', ['-r', file, filter], { encoding: 'utf8' });
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(theirs.status, 0, theirs.stderr);
    assert.equal(ours.stdout, theirs.stdout);
    assert.match(ours.stdout, /gwlivecat \(\d+\) < execve res=0 exe=\S*gwlivecat args=\/etc\/hostname\./);
    assert.match(ours.stdout, /< openat fd=3\(<f>\/etc\/hostname\)/);
  });

  it('events without -r prints live events as they happen, -n stops it', async () => {
    const live = ghostwatch(['events', '-n', '1', 'evt.type=execve and proc.name=gwlivecat']);
    // Run the command until the line shows up (the probe needs a moment to attach).
    let r;
    for (let i = 0; i < 50 && r === undefined; i++) {
      await runProgram(reader, ['/etc/hostname']);
      r = await Promise.race([live.done, sleep(200).then(() => undefined)]);
    }
    assert.ok(r !== undefined, 'events -n 1 did not end');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d+ \d\d:\d\d:\d\d\.\d{9} \d+ gwlivecat \(\d+\) < execve res=0 exe=\S*gwlivecat args=\/etc\/hostname\. /);
    assert.equal(r.stdout.split('\n').length, 2, 'one line');
  });
});
