// `npm run bench:delivery`: what the delivery layer costs, and what it sustains to HTTP.
// 1. Cost per alert, same run: N alerts written to /dev/null as the outputs did before the layer
//    (one writeSync of the line per alert), then through the layer (Delivery over the file output,
//    keep_alive, enqueue each alert, close). Reported: ns per alert each way, and the ratio.
// 2. HTTP on loopback: a receiver in another process (so it does not share ghostwatch's event
//    loop) counts distinct uuids. (a) Capacity: a burst of BURST alerts queued at once, alerts/s
//    until the last is acknowledged. (b) Sustained: RATE alerts/s offered for SECONDS s, in 1 ms
//    ticks; reported: alerts delivered, lost (offered minus distinct uuids received), duplicates,
//    and the largest age of a waiting alert seen (a backlog that grows means the rate is not held).
// Goal (issue 9): 10,000 alerts/s to HTTP with no loss.
// Usage: delivery.js [--alerts N] [--rate N] [--seconds N]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_BACKOFF, Delivery, type DeliverySettings } from '../src/outputs/delivery.js';
import { FileOutput } from '../src/outputs/file.js';
import { HttpOutput } from '../src/outputs/http.js';
import type { Alert } from '../src/outputs/target.js';
import { median, option } from './args.js';

const ALERTS = option('--alerts', 200_000);
const RATE = option('--rate', 10_000);
const SECONDS = option('--seconds', 10);
const BURST = 50_000;
const REPS = 5;
const SETTINGS: DeliverySettings = { capacity: 0, attemptTimeoutMs: 2000, maxAgeMs: 600_000, batchSize: 512, ...DEFAULT_BACKOFF };
const QUIET = { error: (m: string) => process.stderr.write(`${m}\n`), notice: (m: string) => process.stderr.write(`${m}\n`) };

/** An alert shaped like a stock rule's (about 300 bytes of line). */
function alert(i: number): Alert {
  const output = `16:17:57.881730713: Warning Sensitive file opened for reading by non-trusted program (file=/etc/shadow gparent=systemd ggparent=<NA> evt_type=openat user=root user_uid=0 process=cat proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow n=${i})`;
  return {
    uuid: randomUUID(), time: '2016-08-04T16:17:57.881730713Z', rule: 'Read sensitive file untrusted', priority: 'Warning', source: 'syscall',
    hostname: 'bench', output, outputFields: { 'fd.name': '/etc/shadow', 'proc.name': 'cat', 'evt.num': i }, tags: ['filesystem', 'mitre_credential_access'], line: output,
  };
}

async function costPerAlert(alerts: readonly Alert[]): Promise<void> {
  const direct: number[] = [];
  const layered: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const fd = openSync('/dev/null', 'a');
    let t = performance.now();
    for (const a of alerts) writeSync(fd, `${a.line}\n`);
    direct.push(((performance.now() - t) * 1e6) / alerts.length);
    closeSync(fd);

    const file = new FileOutput({ filename: '/dev/null', keepAlive: true }, QUIET.error);
    file.open();
    const d = new Delivery(file, SETTINGS, QUIET);
    t = performance.now();
    for (const a of alerts) d.enqueue(a);
    await d.close();
    layered.push(((performance.now() - t) * 1e6) / alerts.length);
  }
  const [dn, ln] = [median(direct), median(layered)];
  console.log(`cost per alert (${alerts.length} alerts, median of ${REPS}): direct write ${dn.toFixed(0)} ns, through the delivery layer ${ln.toFixed(0)} ns (x${(ln / dn).toFixed(2)})`);
}

/** A receiver in its own process: POSTs counted by uuid; GET answers "distinct total". */
async function startReceiver(): Promise<{ port: number; counts: () => Promise<{ distinct: number; total: number }>; stop: () => void }> {
  const script = `
    const seen = new Set(); let total = 0;
    const s = require('node:http').createServer({ keepAliveTimeout: 60000 }, (req, res) => {
      if (req.method === 'GET') { res.end(seen.size + ' ' + total); return; }
      const chunks = []; req.on('data', (c) => chunks.push(c));
      req.on('end', () => { total++; seen.add(JSON.parse(Buffer.concat(chunks)).uuid); res.end(); });
    });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
  const counts = async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const [distinct, total] = text.split(' ').map(Number);
    return { distinct, total };
  };
  return { port, counts, stop: () => child.kill() };
}

function http(port: number): HttpOutput {
  return new HttpOutput({
    url: `http://127.0.0.1:${port}/`, userAgent: 'bench', insecure: false, caCert: '', caBundle: '', caPath: '/etc/ssl/certs', mtls: false,
    clientCert: '', clientKey: '', echo: false, compressUploads: false, keepAlive: true,
  });
}

async function httpCapacity(): Promise<void> {
  const receiver = await startReceiver();
  const d = new Delivery(http(receiver.port), { ...SETTINGS, batchSize: 64 }, QUIET);
  const t = performance.now();
  for (let i = 0; i < BURST; i++) d.enqueue(alert(i));
  await d.close();
  const seconds = (performance.now() - t) / 1000;
  const c = await receiver.counts();
  receiver.stop();
  console.log(`http capacity: a burst of ${BURST} alerts delivered in ${seconds.toFixed(2)} s = ${(BURST / seconds).toFixed(0)} alerts/s; received ${c.distinct} distinct (${BURST - c.distinct} lost, ${c.total - c.distinct} duplicates)`);
}

async function httpSustained(): Promise<void> {
  const receiver = await startReceiver();
  const d = new Delivery(http(receiver.port), { ...SETTINGS, batchSize: 64 }, QUIET);
  const total = RATE * SECONDS;
  let offered = 0;
  let oldest = 0;
  const start = performance.now();
  while (offered < total) {
    // Catch up with the clock: the alerts due by now are offered, then the loop yields.
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    for (; offered < due; offered++) d.enqueue(alert(offered));
    oldest = Math.max(oldest, d.stats().oldestAgeMs);
    await sleep(1);
  }
  const offeredIn = (performance.now() - start) / 1000;
  await d.close();
  const c = await receiver.counts();
  receiver.stop();
  console.log(`http sustained: ${total} alerts offered at ${RATE}/s over ${offeredIn.toFixed(2)} s; ${c.distinct} delivered (${total - c.distinct} lost, ${c.total - c.distinct} duplicates); `
    + `oldest waiting alert seen ${oldest} ms; sent ${d.stats().sent}, retried ${d.stats().retried}, dropped ${d.stats().dropped}`);
}

const alerts = Array.from({ length: ALERTS }, (_, i) => alert(i));
await costPerAlert(alerts);
await httpCapacity();
await httpSustained();
