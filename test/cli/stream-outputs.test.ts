// ghostwatch run with a NATS or Loki output that cannot work: one line on stderr naming the key,
// exit status 1, before anything runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ghostwatch, QUIET_CONFIG, scratch, skip } from './harness.js';

const { dir, file } = scratch('gw-stream-outputs-');
const QUIET = file('quiet.yaml', QUIET_CONFIG);

describe('stream outputs at start', { skip }, () => {
  it('a NATS output without a subject, or with a bad URL, or a Loki output with a bad URL: one line, exit 1', async () => {
    const cases: [string[], string][] = [
      [['nats_output.enabled=true', 'nats_output.url=nats://127.0.0.1:4222'], 'Error: Error reading config file (%s): nats output enabled but no subject in configuration block'],
      [['nats_output.enabled=true', 'nats_output.url=127.0.0.1:4222', 'nats_output.subject=falco'],
        "Error: Error reading config file (%s): 'nats_output.url' must be a URL (nats:// or tls://), got '127.0.0.1:4222'"],
      [['loki_output.enabled=true', 'loki_output.url=http//loki'], "Error: Error reading config file (%s): 'loki_output.url' must be a URL (http:// or https://), got 'http//loki'"],
    ];
    for (const [overrides, line] of cases) {
      const r = await ghostwatch(['run', '-c', QUIET, '--dry-run', ...overrides.flatMap((o) => ['-o', o])], dir);
      assert.equal(r.stderr, `${line.replace('%s', QUIET)}\n`);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
    }
  });
});
