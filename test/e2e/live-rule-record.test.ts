// `ghostwatch test --record` (root only): a live session becomes a rule test. While it records, a
// program reads /etc/shadow; the case added to the test file expects the stock rule that catches
// it, its capture sits beside the file, and `ghostwatch test` then passes on it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { bin, liveSkipReason, runProgram, stablePack } from './live.js';

const skip = liveSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'gw-e2e-record-'));
/** A copy of cat under a name no trusted-program list has. */
const reader = join(dir, 'gwrecordcat');
copyFileSync('/bin/cat', reader);
chmodSync(reader, 0o755);

const children = new Set<ReturnType<typeof spawn>>();

function ghostwatch(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(bin, [...args], { cwd: dir });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve) => child.on('close', (status) => {
    children.delete(child);
    resolve({ status, stdout, stderr });
  }));
}

interface RecordedFile {
  cases: { name: string; rules: string[]; capture: string; expect: { rule: string; count: number }[] }[];
}

describe('ghostwatch test --record', { skip }, () => {
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns a live attack into a case that expects its alerts, and the case passes', async () => {
    const file = join(dir, 'attack.test.yaml');
    const rec = ghostwatch(['test', '--record', file, '-r', stablePack!, '-M', '4', '--name', 'reads shadow']);
    // The attack runs again and again while the recording lasts (the probe needs a moment to attach).
    let r;
    while (r === undefined) {
      assert.equal((await runProgram(reader, ['/etc/shadow'])).status, 0);
      r = await Promise.race([rec, sleep(300).then(() => undefined)]);
    }
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Added case 'reads shadow' to .*attack\.test\.yaml: .*'Read sensitive file untrusted' x\d+/m);

    const recorded = parse(readFileSync(file, 'utf8')) as RecordedFile;
    assert.equal(recorded.cases.length, 1);
    const [c] = recorded.cases;
    assert.equal(c.name, 'reads shadow');
    assert.equal(c.capture, 'attack-reads-shadow.scap');
    assert.ok(existsSync(join(dir, c.capture)));
    const shadow = c.expect.find((e) => e.rule === 'Read sensitive file untrusted');
    assert.ok(shadow !== undefined && shadow.count >= 1, JSON.stringify(c.expect));

    const run = await ghostwatch(['test', file]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^ok {4}attack\.test\.yaml: reads shadow$/m);
  });
});
