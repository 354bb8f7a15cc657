// One alert stream for a cluster: two ghostwatch instances, as on two nodes (their FALCO_HOSTNAME
// the node names), publish to one real nats-server with JetStream at the same time. A consumer of
// the stream sees every alert of both, each with its node's hostname and a uuid of its own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { bin, scratch, skip as notBuilt } from '../cli/harness.js';
import { sharedPath } from '../helpers.js';
import { natsServerSkipReason, startNatsServer, type NatsServer } from '../support/nats-server.js';

const capture = sharedPath('falco', 'legacy-tests', 'trace_files', 'open-multiple-files.scap');
const skip = notBuilt || natsServerSkipReason() || (capture === undefined ? 'the shared captures are missing' : false);
const STREAM = 'GW_CLUSTER';

/** `ghostwatch run` on the capture as node `node`; resolves with its exit status and how many alerts it raised. */
function runAs(node: string, config: string, rules: string, cwd: string): Promise<{ status: number | null; detected: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['run', '-c', config, '-r', rules, '-e', capture!, '-v'], { cwd, env: { ...process.env, FALCO_HOSTNAME: node } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('close', (status) => resolve({ status, detected: Number(/Events detected: (\d+)/.exec(out)?.[1] ?? NaN), stderr: err }));
  });
}

describe('two nodes, one NATS JetStream alert stream', { skip }, () => {
  let nats: NatsServer | undefined;
  const { dir, file } = scratch('gw-fan-in-');
  after(async () => {
    await nats?.stop();
  });

  it('a consumer sees every alert of both nodes, each with its hostname and its own uuid', async () => {
    const server = await startNatsServer();
    nats = server;
    const rules = file('every.yaml', `
- rule: every event
  desc: every event of the capture (over a thousand alerts per node)
  condition: evt.num > 0
  output: "%evt.type by %proc.name"
  priority: WARNING
`);
    const config = file('node.yaml', `
json_output: true
log_stderr: false
stdout_output: {enabled: false}
nats_output: {enabled: true, url: "${server.url}", subject: ghostwatch.alerts, stream: ${STREAM}}
`);
    const [a, b] = await Promise.all([runAs('node-a', config, rules, dir), runAs('node-b', config, rules, dir)]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.ok(a.detected > 1000, String(a.detected));
    assert.equal(b.detected, a.detected);

    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      const { state } = await jsm.streams.info(STREAM);
      const byHost = new Map<string, number>();
      const uuids = new Set<string>();
      for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(STREAM, { seq });
        assert.ok(m !== null);
        const alert = JSON.parse(m.string()) as { hostname: string; uuid: string; rule: string; output_fields: Record<string, unknown> };
        assert.equal(alert.rule, 'every event');
        assert.equal(m.header.get('Nats-Msg-Id'), alert.uuid);
        uuids.add(alert.uuid);
        byHost.set(alert.hostname, (byHost.get(alert.hostname) ?? 0) + 1);
      }
      assert.deepEqual(Object.fromEntries(byHost), { 'node-a': a.detected, 'node-b': b.detected });
      assert.equal(uuids.size, a.detected + b.detected);
    } finally {
      await nc.close();
    }
  });
});
