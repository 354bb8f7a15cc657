// `npm run bench:streams`: alerts/s sustained to the stream outputs on loopback, through their
// DeliveryTarget adapters, one batch at a time (as the delivery layer hands them over: the next
// batch once the previous one is acknowledged).
// - NATS: a real nats-server with JetStream (Debian's), file storage; an alert counts once
//   JetStream acknowledged it. Afterwards the stream must hold every alert (none lost).
// - Loki: no Loki can run here (see test/outputs/loki.test.ts); a minimal HTTP sink that reads
//   each push and answers 204 stands in, so the figure is the adapter's and HTTP's cost, not Loki's.
// Reported per batch size: the median of REPS runs of ALERTS alerts. Goal (issue 9): 10,000 alerts/s
// to NATS with no loss.
// Usage: streams.js [--alerts N] [--reps N]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { LokiTarget } from '../src/outputs/loki.js';
import { NatsTarget } from '../src/outputs/nats.js';
import type { Alert, DeliveryTarget } from '../src/outputs/target.js';
import { natsServerSkipReason, startNatsServer } from '../test/support/nats-server.js';
import { testAlert } from '../test/outputs/stream-alerts.js';
import { median, option } from './args.js';

const BATCH_SIZES = [1, 10, 100, 500];

/** Alerts per second delivering `alerts` in batches of `size`, one batch at a time. */
async function rate(target: DeliveryTarget, alerts: readonly Alert[], size: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < alerts.length; i += size) await target.deliver(alerts.slice(i, i + size), AbortSignal.timeout(10_000));
  return alerts.length / ((performance.now() - start) / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function benchNats(count: number, reps: number): Promise<void> {
  const skip = natsServerSkipReason();
  if (skip !== false) {
    console.log(`NATS: skipped: ${skip}`);
    return;
  }
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  try {
    for (const size of BATCH_SIZES) {
      const rates: number[] = [];
      let lost = 0;
      for (let r = 0; r < reps; r++) {
        const stream = `BENCH_${size}_${r}`;
        const target = new NatsTarget({
          url: server.url, subject: `bench.${size}.${r}`, stream, token: '', user: '', password: '', credentialsFile: '', tls: false,
          caCert: '', clientCert: '', clientKey: '',
        });
        const alerts = Array.from({ length: count }, (_, i) => testAlert(i));
        await target.deliver([testAlert(-1)], AbortSignal.timeout(10_000)); // connects and creates the stream: not measured
        rates.push(await rate(target, alerts, size));
        await target.close();
        lost += count + 1 - (await jsm.streams.info(stream)).state.messages;
        await jsm.streams.delete(stream);
      }
      console.log(`NATS JetStream, batches of ${String(size).padStart(3)}: ${fmt(median(rates)).padStart(7)} alerts/s acknowledged (median of ${reps} runs of ${count}), ${lost} lost`);
    }
  } finally {
    await nc.close();
    await server.stop();
  }
}

async function benchLoki(count: number, reps: number): Promise<void> {
  let received = 0;
  const sink = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  try {
    for (const size of BATCH_SIZES) {
      const rates: number[] = [];
      for (let r = 0; r < reps; r++) {
        const target = new LokiTarget({ url, tenant: '', user: '', password: '', bearerToken: '', labels: { job: 'bench' }, caCert: '' });
        const alerts = Array.from({ length: count }, (_, i) => testAlert(i, { rule: `rule ${i % 5}` }));
        rates.push(await rate(target, alerts, size));
        await target.close();
      }
      console.log(`Loki push (HTTP sink), batches of ${String(size).padStart(3)}: ${fmt(median(rates)).padStart(7)} alerts/s (median of ${reps} runs of ${count})`);
    }
  } finally {
    sink.closeAllConnections();
    sink.close();
  }
  if (received === 0) throw new Error('the Loki sink received nothing');
}

const count = option('--alerts', 20_000);
const reps = option('--reps', 3);
await benchNats(count, reps);
await benchLoki(count, reps);
