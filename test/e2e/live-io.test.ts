// `ghostwatch run -A` on the live system (root only): the I/O calls it brings in carry the first
// falco_libs.snaplen bytes (80 by default) of their buffers, so a rule sees %evt.buffer as Falco's
// does; -o falco_libs.snaplen changes how many.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { killLeftovers, liveSkipReason, LiveRun, runProgram } from './live.js';

const skip = liveSkipReason();
const dir = mkdtempSync(join(tmpdir(), 'gw-e2e-io-'));
const target = join(dir, 'written');
const DATA = `gw-live-io-${'abcdefghij'.repeat(10)}`;
const rules = join(dir, 'rules.yaml');
writeFileSync(rules, `- rule: write to the test file
  desc: what a write to the test file carries
  condition: evt.type=write and evt.dir=< and fd.name=${target}
  output: "buffer=%evt.buffer"
  priority: WARNING
`);

/** `run -A` with the rule; the buffer of the write the shell makes. */
async function writtenBuffer(extra: readonly string[]): Promise<string | undefined> {
  const gw = new LiveRun(['-r', rules, '-A', '-o', 'json_output=true', ...extra]);
  try {
    await gw.ready();
    assert.equal((await runProgram('bash', ['-c', `printf %s '${DATA}' > ${target}`])).status, 0);
    const alert = await gw.alert((a) => a.rule === 'write to the test file', 10_000);
    return alert?.output_fields['evt.buffer'] as string | undefined;
  } finally {
    gw.signal('SIGINT');
    await gw.finished;
  }
}

describe('live I/O buffers', { skip }, () => {
  after(async () => {
    await killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with -A a write carries the first 80 bytes of its buffer', async () => {
    assert.equal(await writtenBuffer([]), DATA.slice(0, 80));
  });

  it('falco_libs.snaplen sets how many', async () => {
    assert.equal(await writtenBuffer(['-o', 'falco_libs.snaplen=12']), DATA.slice(0, 12));
  });
});
