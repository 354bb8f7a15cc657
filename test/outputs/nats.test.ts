// The NATS JetStream output against a real nats-server (Debian's, started by the test with
// JetStream on, on loopback): what is stored, de-duplication by uuid, a server stopped and
// restarted in the middle of a burst, a server that stops answering, authentication.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { NatsOutputConfig } from '../../src/config/config.js';
import { NatsOutputError, NatsTarget } from '../../src/outputs/nats.js';
import { sidekickJson } from '../../src/outputs/sidekick.js';
import type { Alert } from '../../src/outputs/target.js';
import { natsServerSkipReason, startNatsServer, type NatsServer } from '../support/nats-server.js';
import { testCertificates } from '../support/certificates.js';
import { testAlert } from './stream-alerts.js';

const skip = natsServerSkipReason();
if (skip !== false) console.log(`# skipped: ${skip}`);

const settings = (url: string, s: Partial<NatsOutputConfig> = {}): NatsOutputConfig => ({
  url, subject: 'falco.alerts', stream: 'FALCO', token: '', user: '', password: '', credentialsFile: '', tls: false,
  caCert: '', clientCert: '', clientKey: '', ...s,
});

/** What a stream holds: each message's Nats-Msg-Id and its data, in stream order (read on a connection of its own: the server may have restarted). */
async function storedMessages(server: NatsServer, stream: string, opts: Partial<NodeConnectionOptions> = {}): Promise<{ id: string | undefined; data: string }[]> {
  const nc = await connect({ servers: server.url, ...opts });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(stream);
    const out: { id: string | undefined; data: string }[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m !== null) out.push({ id: m.header.get('Nats-Msg-Id'), data: m.string() });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** The delivery fails with a NatsOutputError whose message matches. */
async function failsWith(delivery: Promise<void>, message: RegExp): Promise<void> {
  await assert.rejects(delivery, (e: Error) => {
    assert.ok(e instanceof NatsOutputError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

/** Delivers each batch until it is acknowledged (what the delivery layer does), counting the failed attempts. */
async function deliverAtLeastOnce(target: NatsTarget, batches: readonly (readonly Alert[])[], onBatch: (i: number) => Promise<void>): Promise<number> {
  let failures = 0;
  for (const [i, batch] of batches.entries()) {
    await onBatch(i);
    for (;;) {
      try {
        await target.deliver(batch, AbortSignal.timeout(2000));
        break;
      } catch (e) {
        assert.ok(e instanceof Error);
        failures++;
        await sleep(50);
      }
    }
  }
  return failures;
}

describe('nats output (JetStream)', { skip }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  before(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    jsm = await jetstreamManager(nc);
  });
  after(async () => {
    await nc.close();
    await server.stop();
  });

  it("stores each alert as Falcosidekick's JSON with its uuid as Nats-Msg-Id, in a stream it creates on the subject", async () => {
    const target = new NatsTarget(settings(server.url, { subject: 'falco.created', stream: 'CREATED' }));
    const alerts = [testAlert(1), testAlert(2, { outputFields: { 'proc.name': 'evil\u001b[31m"\n' } }), testAlert(3)];
    await target.deliver(alerts, AbortSignal.timeout(5000));
    await target.close();
    assert.deepEqual((await jsm.streams.info('CREATED')).config.subjects, ['falco.created']);
    const stored = await storedMessages(server, 'CREATED');
    assert.deepEqual(stored, alerts.map((a) => ({ id: a.uuid, data: sidekickJson(a) })));
    const first = JSON.parse(stored[0].data) as Record<string, unknown>;
    assert.deepEqual(Object.keys(first).sort(), ['hostname', 'output', 'output_fields', 'priority', 'rule', 'source', 'tags', 'time', 'uuid']);
    assert.equal((JSON.parse(stored[1].data) as { output_fields: Record<string, string> }).output_fields['proc.name'], 'evil\u001b[31m"\n');
  });

  it('a batch delivered again is stored once (JetStream de-duplicates on the uuid)', async () => {
    const target = new NatsTarget(settings(server.url, { subject: 'falco.again', stream: 'AGAIN' }));
    const alerts = [testAlert(1), testAlert(2)];
    await target.deliver(alerts, AbortSignal.timeout(5000));
    await target.deliver([...alerts, testAlert(3)], AbortSignal.timeout(5000));
    await target.close();
    assert.equal((await jsm.streams.info('AGAIN')).state.messages, 3);
  });

  it('without a stream of its own, publishes to a stream that exists; a subject no stream captures is a failure', async () => {
    await jsm.streams.add({ name: 'WIDE', subjects: ['site.>'] });
    const target = new NatsTarget(settings(server.url, { subject: 'site.node1', stream: '' }));
    await target.deliver([testAlert(1)], AbortSignal.timeout(5000));
    assert.equal((await jsm.streams.info('WIDE')).state.messages, 1);
    const stray = new NatsTarget(settings(server.url, { subject: 'nowhere.alerts', stream: '' }));
    await failsWith(stray.deliver([testAlert(2)], AbortSignal.timeout(5000)), /^nats output: publish to nowhere\.alerts at nats:\/\/127\.0\.0\.1:\d+ failed: no JetStream stream captures the subject/);
    await Promise.all([target.close(), stray.close()]);
  });

  it('nats-server killed and restarted in the middle of a burst: every alert is in the stream exactly once', async () => {
    const target = new NatsTarget(settings(server.url, { subject: 'falco.burst', stream: 'BURST' }));
    const alerts = Array.from({ length: 2000 }, (_, i) => testAlert(i));
    const batches = Array.from({ length: 40 }, (_, i) => alerts.slice(i * 50, (i + 1) * 50));
    let restarted: Promise<void> | undefined;
    const failures = await deliverAtLeastOnce(target, batches, async (i) => {
      if (i !== 15) return;
      await server.kill();
      // Down for a second, while deliveries go on failing.
      restarted = sleep(1000).then(() => server.start());
    });
    await restarted;
    await target.close();
    assert.ok(failures > 0, 'the outage was never seen: the test proves nothing');
    const stored = await storedMessages(server, 'BURST');
    assert.equal(stored.length, alerts.length);
    assert.deepEqual(new Set(stored.map((m) => m.id)), new Set(alerts.map((a) => a.uuid)));
    for (const m of stored) assert.equal((JSON.parse(m.data) as { uuid: string }).uuid, m.id);
  });

  it('a delivery while the server is down rejects at once; the connection comes back by itself', async () => {
    const target = new NatsTarget(settings(server.url, { subject: 'falco.down', stream: 'DOWN' }));
    await target.deliver([testAlert(1)], AbortSignal.timeout(5000));
    await server.kill();
    await sleep(100);
    const started = Date.now();
    await failsWith(target.deliver([testAlert(2)], AbortSignal.timeout(5000)), /^nats output: not connected to nats:\/\/127\.0\.0\.1:\d+ \(reconnecting\)$/);
    assert.ok(Date.now() - started < 1000, 'the delivery waited for the server');
    await server.start();
    const retried = testAlert(3);
    await deliverAtLeastOnce(target, [[retried]], () => Promise.resolve());
    await target.close();
    assert.deepEqual((await storedMessages(server, 'DOWN')).map((m) => m.id).slice(-1), [retried.uuid]);
  });

  it('a server restarted without its store: the stream is created again and delivery goes on', async () => {
    const target = new NatsTarget(settings(server.url, { subject: 'falco.lost', stream: 'LOST' }));
    await target.deliver([testAlert(1)], AbortSignal.timeout(5000));
    await server.kill();
    rmSync(server.storeDir, { recursive: true, force: true });
    await server.start();
    const after = testAlert(2);
    await deliverAtLeastOnce(target, [[after]], () => Promise.resolve());
    await target.close();
    assert.deepEqual((await storedMessages(server, 'LOST')).map((m) => m.id), [after.uuid]);
  });

  it('a server that is not there at the first delivery: a rejection naming it, then delivery once it is up', async () => {
    const other = await startNatsServer();
    await other.kill();
    const target = new NatsTarget(settings(other.url));
    await failsWith(target.deliver([testAlert(1)], AbortSignal.timeout(5000)), /^nats output: cannot connect to nats:\/\/127\.0\.0\.1:\d+: /);
    await other.start();
    await target.deliver([testAlert(2)], AbortSignal.timeout(5000));
    await target.close();
    await other.stop();
  });

  it('gives up when the signal aborts, when the server holds the connection and never acknowledges', async () => {
    const target = new NatsTarget(settings(server.url, { subject: 'falco.stuck', stream: 'STUCK' }));
    try {
      await target.deliver([testAlert(1)], AbortSignal.timeout(5000));
      await server.pause();
      const started = Date.now();
      await failsWith(target.deliver([testAlert(2)], AbortSignal.timeout(300)), /^nats output: publish to falco\.stuck .* failed: .*(timeout|aborted)/i);
      assert.ok(Date.now() - started < 2000);
    } finally {
      server.resume();
      await target.close();
    }
  });

  it('authenticates with a token; a wrong token is a failure that says so', async () => {
    const guarded = await startNatsServer({ args: ['--auth', 's3cret'] });
    try {
      const good = new NatsTarget(settings(guarded.url, { token: 's3cret' }));
      await good.deliver([testAlert(1)], AbortSignal.timeout(5000));
      await good.close();
      const bad = new NatsTarget(settings(guarded.url, { token: 'wrong' }));
      await failsWith(bad.deliver([testAlert(2)], AbortSignal.timeout(5000)), /^nats output: cannot connect to .*: .*authoriz/i);
      await bad.close();
    } finally {
      await guarded.stop();
    }
  });

  it('TLS: verifies the server against ca_cert; a server it cannot verify is a failure', async () => {
    const pki = testCertificates();
    const secure = await startNatsServer({ args: ['--tls', '--tlscert', pki.serverCert, '--tlskey', pki.serverKey] });
    try {
      const trusting = new NatsTarget(settings(secure.url.replace('nats:', 'tls:'), { caCert: pki.caCert }));
      await trusting.deliver([testAlert(1)], AbortSignal.timeout(5000));
      await trusting.close();
      assert.equal((await storedMessages(secure, 'FALCO', { tls: { ca: readFileSync(pki.caCert, 'utf8'), host: '127.0.0.1' } as NodeConnectionOptions['tls'] })).length, 1);
      const doubting = new NatsTarget(settings(secure.url, { tls: true }));
      await failsWith(doubting.deliver([testAlert(2)], AbortSignal.timeout(5000)), /^nats output: cannot connect to nats:\/\/127\.0\.0\.1:\d+: .*(certificate|self.signed)/i);
      await doubting.close();
    } finally {
      await secure.stop();
      rmSync(pki.dir, { recursive: true, force: true });
    }
  });

  it('a credentials file that cannot be read is an error at start', () => {
    assert.throws(() => new NatsTarget(settings(server.url, { credentialsFile: '/nonexistent/user.creds' })), /^Error: nats output: could not read credentials_file \/nonexistent\/user\.creds: /);
  });
});
