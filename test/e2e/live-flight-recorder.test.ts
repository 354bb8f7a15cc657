// The flight recorder, live (root only): a multi-step attack (a shell downloads a program, makes it
// executable, runs it from /tmp, and the program reads /etc/shadow) raises an alert whose capture
// holds every step, from before the alert, and that sysdig and `ghostwatch events -r` print
// alike; a directory that cannot be written: the alert still goes out and the failure is counted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bin, killLeftovers, LiveRun, liveSkipReason, runProgram, stablePack } from './live.js';
import { sysdigSkip } from '../support/sysdig.js';

const skip = liveSkipReason();
const dir = mkdtempSync(join(tmpdir(), 'gw-e2e-recorder-'));
/** What the attacker downloads: a copy of cat (under a name of its own), served as a file:// URL. */
const served = join(dir, 'gwfrpayload.bin');
copyFileSync('/bin/cat', served);
const dropped = join(dir, 'gwfrpayload');
const RULE = 'Read sensitive file untrusted';

function recorderArgs(recordings: string): string[] {
  return [
    '-r', stablePack!, '-o', 'json_output=true', '-o', 'stdout_output.enabled=true', '-v',
    '-o', 'flight_recorder.enabled=true', '-o', `flight_recorder.dir=${recordings}`, '-o', 'flight_recorder.before_s=5',
    '-o', 'flight_recorder.after_s=1', '-o', `flight_recorder.rules[]=${RULE}`,
  ];
}

describe('flight recorder', { skip }, () => {
  after(async () => {
    await killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records every step of an attack around its alert; sysdig and events -r print the capture alike', { skip: sysdigSkip }, async () => {
    const recordings = join(dir, 'recordings');
    const run = new LiveRun(recorderArgs(recordings));
    await run.ready();
    const attack = `curl -s -o ${dropped} file://${served} && chmod 755 ${dropped} && ${dropped} /etc/shadow > /dev/null`;
    assert.equal((await runProgram('bash', ['-c', attack])).status, 0);
    const alert = await run.alert((a) => a.rule === RULE && a.output_fields['proc.name'] === 'gwfrpayload', 10_000);
    assert.ok(alert !== undefined, `no alert:\n${run.log}`);
    // The recording closes after_s after the alert, once a later event comes.
    await new Promise((r) => setTimeout(r, 2500));
    run.signal('SIGINT');
    const end = await run.finished;
    assert.equal(end.status, 0, end.stderr);
    assert.match(end.stderr, /Flight recorder: [1-9]\d* captures written, 0 failed/);

    const files = readdirSync(recordings).filter((f) => f.endsWith('.scap'));
    const ours = files.map((f) => ({ f, out: spawnSync(bin, ['events', '-r', join(recordings, f)], { encoding: 'utf8', maxBuffer: 1 << 30 }) }));
    const hit = ours.find((o) => o.out.stdout.includes('gwfrpayload ('));
    assert.ok(hit !== undefined, `no capture holds the attack: ${files.join(', ')}`);
    assert.match(hit.f, /^\d{4}-\d\d-\d\dT[\d-]+Z_read-sensitive-file-untrusted_[0-9a-f-]{36}\.scap$/);
    // The alert's JSON names its capture.
    assert.equal(alert.capture, join(recordings, hit.f));
    const lines = hit.out.stdout;
    // Every step, and the shell that ran them.
    assert.match(lines, / bash \(\d+\) < execve res=0 exe=bash args=-c\.curl /);
    assert.match(lines, / curl \(\d+\) < execve res=0 exe=curl /);
    assert.match(lines, new RegExp(` curl \\(\\d+\\) < openat fd=\\d+\\(<f>${dropped}\\)`));
    assert.match(lines, / chmod \(\d+\) < execve res=0 exe=chmod args=755\./);
    assert.match(lines, new RegExp(` gwfrpayload \\(\\d+\\) < execve res=0 exe=${dropped} args=/etc/shadow\\.`));
    assert.match(lines, / gwfrpayload \(\d+\) < openat fd=\d+\(<f>\/etc\/shadow\)/);
    const theirs = spawnSync('sysdig', ['-r', join(recordings, hit.f)], { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.equal(theirs.status, 0, theirs.stderr);
    assert.equal(hit.out.stdout, theirs.stdout);
  });

  it('a directory that cannot be written: the alert still goes out, the failure is counted', async () => {
    // A directory inside a regular file cannot be made, even by root.
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    const run = new LiveRun(recorderArgs(join(blocker, 'recordings')));
    await run.ready();
    const reader = join(dir, 'gwfrcat');
    copyFileSync('/bin/cat', reader);
    spawnSync('chmod', ['755', reader]);
    assert.equal((await runProgram(reader, ['/etc/shadow'])).status, 0);
    const alert = await run.alert((a) => a.rule === RULE && a.output_fields['proc.name'] === 'gwfrcat', 10_000);
    assert.ok(alert !== undefined, `no alert:\n${run.log}`);
    await new Promise((r) => setTimeout(r, 2500));
    run.signal('SIGINT');
    const end = await run.finished;
    assert.equal(end.status, 0, end.stderr);
    assert.match(end.stderr, /Flight recorder: a capture could not be written \(the alert went out\): .*ENOTDIR/);
    assert.match(end.stderr, /Flight recorder: 0 captures written, [1-9]\d* failed \(last: .*ENOTDIR/);
  });
});
