// The delivery layer against real receivers started here, on loopback: an HTTP receiver that is
// down during a burst, one that accepts and never answers, and the spool across two "runs" (two
// Delivery objects over one spool directory; the CLI test kills a real ghostwatch with -9).
// The only stand-in is GateTarget, a target whose deliveries wait until the test opens a gate:
// the queue's bound and the age limit are about the layer itself, not about any receiver.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpOutputConfig } from '../../src/config/config.js';
import { DEFAULT_BACKOFF, Delivery, type DeliverySettings } from '../../src/outputs/delivery.js';
import { FileOutput } from '../../src/outputs/file.js';
import { HttpOutput } from '../../src/outputs/http.js';
import { Outputs } from '../../src/outputs/outputs.js';
import { Spool } from '../../src/outputs/spool.js';
import type { Alert, DeliveryTarget } from '../../src/outputs/target.js';
import { testAlert } from './alerts.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-delivery-'));
const SETTINGS: DeliverySettings = { capacity: 0, attemptTimeoutMs: 500, maxAgeMs: 60_000, batchSize: 64, ...DEFAULT_BACKOFF, backoffMaxMs: 1000 };

/** An HTTP receiver that records the uuid of every body it is sent. */
class Receiver {
  readonly uuids: string[] = [];
  private server: Server | undefined;
  port = 0;

  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.uuids.push((JSON.parse(Buffer.concat(chunks).toString()) as { uuid: string }).uuid);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    const s = this.server;
    if (s === undefined) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
}

function http(port: number): HttpOutput {
  const s: HttpOutputConfig = {
    url: `http://127.0.0.1:${port}/`, userAgent: 'gw', insecure: false, caCert: '', caBundle: '', caPath: '/etc/ssl/certs', mtls: false,
    clientCert: '', clientKey: '', echo: false, compressUploads: false, keepAlive: true,
  };
  return new HttpOutput(s);
}

function reports() {
  const said: string[] = [];
  return { said, error: (m: string) => said.push(`error: ${m}`), notice: (m: string) => said.push(`notice: ${m}`) };
}

/** Counts each uuid: how many arrived, how many more than once. */
function tally(uuids: readonly string[]): { distinct: number; duplicates: number } {
  const distinct = new Set(uuids).size;
  return { distinct, duplicates: uuids.length - distinct };
}

describe('delivery layer', () => {
  it('an HTTP receiver down for 10 s during a burst of 200 alerts, then up: every alert arrives', async () => {
    const receiver = new Receiver();
    await receiver.up();
    await receiver.down();
    const r = reports();
    const d = new Delivery(http(receiver.port), SETTINGS, r);
    const sent = Array.from({ length: 200 }, (_, i) => testAlert(`alert ${i}`));
    for (const a of sent) d.enqueue(a);
    await sleep(10_000);
    assert.equal(receiver.uuids.length, 0);
    assert.ok(d.stats().retried > 1, 'it kept retrying');
    assert.ok(d.stats().oldestAgeMs >= 9000);
    await receiver.up();
    for (let i = 0; i < 100 && new Set(receiver.uuids).size < 200; i++) await sleep(50);
    assert.equal(await d.close(), true);
    await receiver.down();
    const t = tally(receiver.uuids);
    console.log(`# outage test: ${t.distinct} of 200 alerts arrived, ${t.duplicates} duplicates (the receiver de-duplicates on uuid)`);
    assert.deepEqual(new Set(receiver.uuids), new Set(sent.map((a) => a.uuid)));
    assert.equal(d.stats().sent, 200);
    assert.equal(d.stats().dropped, 0);
    // Once for the outage, once for the recovery.
    assert.equal(r.said.length, 2, r.said.join('\n'));
    assert.match(r.said[0], /^error: http output: POST http:\/\/127\.0\.0\.1:\d+\/ failed: .*ECONNREFUSED.*; retrying/);
    assert.match(r.said[1], /^notice: http output: delivering again after 1\d s, 64 alerts retried, 200 were waiting$/);
  });

  it('a receiver that accepts and never answers: each attempt times out, and the file output keeps delivering', async () => {
    const hung = createServer(() => undefined);
    await new Promise<void>((res) => hung.listen(0, '127.0.0.1', res));
    const r = reports();
    const path = join(dir, 'meanwhile.txt');
    const file = new FileOutput({ filename: path, keepAlive: true }, r.error);
    file.open();
    const httpDelivery = new Delivery(http((hung.address() as AddressInfo).port), { ...SETTINGS, attemptTimeoutMs: 200 }, r);
    const outputs = new Outputs([httpDelivery, new Delivery(file, SETTINGS, r)]);
    for (let i = 0; i < 50; i++) outputs.send(testAlert(`alert ${i}`));
    await sleep(1000);
    assert.equal(readFileSync(path, 'utf8').split('\n').length - 1, 50, 'the file has every alert while http is stuck');
    const [h, f] = outputs.stats();
    assert.equal(h.sent, 0);
    assert.ok(h.retried >= 2, `attempts timed out and were retried (${h.retried})`);
    assert.equal(f.sent, 50);
    assert.deepEqual(r.said, ['error: http output: no answer within 200 ms (output_timeout); retrying (the alerts wait in its queue)']);
    // At exit it is given up once output_timeout passes without progress; what waits is lost and said.
    assert.equal(await outputs.close(), false);
    assert.equal(r.said[1], 'error: http output: 50 alerts not delivered at exit, lost');
    hung.closeAllConnections();
    hung.close();
  });

  it('a full queue drops its oldest alerts, counted', async () => {
    const gate = new GateTarget();
    const d = new Delivery(gate, { ...SETTINGS, capacity: 3, batchSize: 1 }, reports());
    const alerts = Array.from({ length: 6 }, (_, i) => testAlert(`a${i}`));
    for (const a of alerts) d.enqueue(a);
    // a0 is in flight; a1, a2 were dropped for a3..a5.
    assert.equal(d.stats().dropped, 2);
    assert.equal(d.queueDrops, 2);
    gate.open();
    assert.equal(await d.close(), true);
    assert.deepEqual(gate.delivered.map((a) => a.line), ['a0', 'a3', 'a4', 'a5']);
  });

  it('an alert older than max_age is no longer retried: dropped, counted, said at recovery', async () => {
    const gate = new GateTarget(true);
    const r = reports();
    let now = 1000;
    const d = new Delivery(gate, { ...SETTINGS, maxAgeMs: 5000, backoffBaseMs: 1, backoffMaxMs: 1 }, r, undefined, () => now);
    d.enqueue(testAlert('old'));
    await sleep(20);
    now += 6000;
    await sleep(20);
    d.enqueue(testAlert('new'));
    gate.failing = false;
    gate.open();
    await d.close();
    assert.deepEqual(gate.delivered.map((a) => a.line), ['new']);
    assert.equal(d.stats().dropped, 1);
    assert.match(r.said.at(-1)!, /^notice: gate output: delivering again after 6 s, 1 alerts retried, 1 were waiting, 1 too old and dropped$/);
  });

  it('with a spool, what one run could not deliver is sent by the next, with the same uuid', async () => {
    const spoolDir = join(dir, 'spool');
    const receiver = new Receiver();
    await receiver.up();
    await receiver.down();
    const first = new Delivery(http(receiver.port), { ...SETTINGS, attemptTimeoutMs: 200 }, reports(), new Spool(spoolDir, 'http', 1 << 20));
    const sent = Array.from({ length: 30 }, (_, i) => testAlert(`alert ${i}`));
    for (const a of sent) first.enqueue(a);
    assert.equal(first.stats().spooled, 30);
    assert.equal(await first.close(), false);
    await receiver.up();
    const spool = new Spool(spoolDir, 'http', 1 << 20);
    assert.equal(spool.restored().length, 30);
    const second = new Delivery(http(receiver.port), SETTINGS, reports(), spool);
    assert.equal(await second.close(), true);
    await receiver.down();
    assert.deepEqual(new Set(receiver.uuids), new Set(sent.map((a) => a.uuid)));
    assert.equal(second.stats().spooled, 0);
    assert.equal(statSync(join(spoolDir, 'http.spool')).size, 0, 'nothing waits: the spool file is empty');
  });

  it('the spool is bounded: an alert that does not fit is dropped and counted; what was spooled is kept', async () => {
    const spoolDir = join(dir, 'small');
    const gate = new GateTarget();
    const r = reports();
    const d = new Delivery(gate, SETTINGS, r, new Spool(spoolDir, 'gate', 2000));
    for (let i = 0; i < 20; i++) d.enqueue(testAlert(`alert ${i}`));
    const s = d.stats();
    assert.ok(s.spooled > 0 && s.spooled < 20, `some were spooled (${s.spooled})`);
    assert.equal(s.dropped, 20 - s.spooled);
    assert.ok(statSync(join(spoolDir, 'gate.spool')).size <= 2000);
    assert.match(r.said[0], /^error: gate output: the spool is full/);
    gate.open();
    await d.close();
    assert.equal(gate.delivered.length, s.spooled);
  });

  it('a spool directory that cannot be made is an error at start', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    assert.throws(() => new Spool(join(file, 'spool'), 'http', 1000), /^Error: delivery.spool_dir: cannot use .*a-file\/spool\/http\.spool: ENOTDIR$/);
    // Where mkdir says ENOENT of a parent that exists (Node's recursive mkdir would loop forever).
    assert.throws(() => new Spool('/proc/gw-spool/x', 'http', 1000), /^Error: delivery.spool_dir: cannot use \/proc\/gw-spool\/x\/http\.spool: ENOENT$/);
    const made = join(dir, 'a', 'b', 'c');
    new Spool(made, 'http', 1000).close();
    assert.ok(statSync(join(made, 'http.spool')).isFile(), 'missing directories are made');
  });
});

/** A target whose deliveries wait for open(); with `failing`, each attempt fails instead (a stand-in: see the top). */
class GateTarget implements DeliveryTarget {
  readonly name = 'gate';
  readonly retry = true;
  readonly delivered: Alert[] = [];
  private opened: () => void = () => undefined;
  private readonly gate = new Promise<void>((r) => (this.opened = r));

  constructor(public failing = false) {}

  async deliver(alerts: readonly Alert[]): Promise<void> {
    if (this.failing) throw new Error('gate output: failing');
    await this.gate;
    this.delivered.push(...alerts);
  }

  open(): void {
    this.opened();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
