// The Grafana Loki output against a test double of Loki's push API. No real Loki can run here:
// Debian has no Grafana Loki (its package named loki is a genetics program), npm has no Loki
// server, and nothing else can be installed. The double checks each request as Loki's HTTP API
// reference defines POST /loki/api/v1/push with a JSON body ("Ingest logs": streams, each a map of
// labels and a list of [<unix epoch in nanoseconds, as a string>, <log line>] values; label names
// as Prometheus's), answers 204 as Loki does, and 400 with the reason for a body Loki would reject;
// it answers 429 or 500 on request, and never, to test timeouts.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { LokiOutputConfig } from '../../src/config/config.js';
import { LokiOutputError, lokiStreams, LokiTarget, unixNanos } from '../../src/outputs/loki.js';
import { sidekickJson } from '../../src/outputs/sidekick.js';
import { testAlert } from './stream-alerts.js';

interface Push {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly streams: { stream: Record<string, string>; values: [string, string][] }[];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Why Loki would reject this push body, or undefined when it is valid. */
function invalidPush(body: unknown): string | undefined {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(body) || !Array.isArray(body.streams)) return 'the body is not {"streams": [...]}';
  if (Object.keys(body).length !== 1) return 'the body has keys other than streams';
  for (const s of body.streams as unknown[]) {
    if (!isMap(s) || !isMap(s.stream) || !Array.isArray(s.values)) return 'a stream is not {"stream": {...}, "values": [...]}';
    if (Object.keys(s).some((k) => k !== 'stream' && k !== 'values')) return 'a stream has keys other than stream and values';
    const labels = Object.entries(s.stream);
    if (labels.length === 0) return 'a stream has no labels';
    for (const [name, value] of labels) {
      if (!LABEL_NAME.test(name) || name.startsWith('__')) return `invalid label name ${name}`;
      if (typeof value !== 'string' || value === '') return `label ${name} is not a non-empty string`;
      if (Buffer.byteLength(value) > 2048) return `label ${name} is longer than 2048 bytes`;
    }
    if (s.values.length === 0) return 'a stream has no values';
    for (const v of s.values as unknown[]) {
      if (!Array.isArray(v) || v.length !== 2) return 'a value is not [timestamp, line]';
      if (typeof v[0] !== 'string' || !/^\d+$/.test(v[0])) return 'a timestamp is not nanoseconds as a string';
      if (typeof v[1] !== 'string') return 'a line is not a string';
    }
  }
  return undefined;
}

let server: Server;
let base = '';
let pushes: Push[] = [];
/** How the double answers the next requests: Loki's 204, an error status, or never. */
let answer: number | 'never' = 204;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (answer === 'never') return;
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/json') {
        res.writeHead(400).end('expected a POST of application/json');
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end('the body is not JSON');
        return;
      }
      const invalid = invalidPush(body);
      if (invalid !== undefined) {
        res.writeHead(400).end(invalid);
        return;
      }
      pushes.push({ url: req.url!, headers: req.headers, streams: (body as Pick<Push, 'streams'>).streams });
      if (answer === 204) res.writeHead(204).end();
      else res.writeHead(answer).end(answer === 429 ? 'Ingestion rate limit exceeded\n' : 'internal error\u001b[31m\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  pushes = [];
  answer = 204;
});

const settings = (s: Partial<LokiOutputConfig> = {}): LokiOutputConfig => ({
  url: base, tenant: '', user: '', password: '', bearerToken: '', labels: {}, caCert: '', ...s,
});

describe('loki output (push API)', () => {
  it('pushes one stream per set of labels, each alert a line of its JSON at its time in nanoseconds', async () => {
    const inPod = { 'container.name': 'web', 'container.id': 'abc123def456', 'k8s.ns.name': 'shop', 'proc.name': 'sh' };
    const alerts = [
      testAlert(1),
      testAlert(2, { outputFields: inPod }),
      testAlert(3),
      testAlert(4, { priority: 'Critical', rule: 'Terminal shell in container', time: '2026-12-06T12:00:04.5Z' }),
    ];
    const target = new LokiTarget(settings());
    await target.deliver(alerts, AbortSignal.timeout(5000));
    await target.close();
    assert.equal(pushes.length, 1);
    assert.equal(pushes[0].url, '/loki/api/v1/push');
    const host = { rule: 'Read sensitive file untrusted', priority: 'Warning', source: 'syscall', hostname: 'node-1' };
    assert.deepEqual(pushes[0].streams, [
      { stream: host, values: [[unixNanos(alerts[0].time), sidekickJson(alerts[0])], [unixNanos(alerts[2].time), sidekickJson(alerts[2])]] },
      { stream: { ...host, container_name: 'web', container_id: 'abc123def456', k8s_ns_name: 'shop' }, values: [[unixNanos(alerts[1].time), sidekickJson(alerts[1])]] },
      { stream: { ...host, rule: 'Terminal shell in container', priority: 'Critical' }, values: [['1796558404500000000', sidekickJson(alerts[3])]] },
    ]);
  });

  it('adds the static labels, the tenant as X-Scope-OrgID, and basic auth or a bearer token', async () => {
    const basic = new LokiTarget(settings({ tenant: 'team-a', user: 'gw', password: 'pw', labels: { cluster: 'prod', job: 'ghostwatch' } }));
    await basic.deliver([testAlert(1)], AbortSignal.timeout(5000));
    const bearer = new LokiTarget(settings({ bearerToken: 'tok' }));
    await bearer.deliver([testAlert(2)], AbortSignal.timeout(5000));
    await Promise.all([basic.close(), bearer.close()]);
    assert.equal(pushes[0].headers['x-scope-orgid'], 'team-a');
    assert.equal(pushes[0].headers.authorization, `Basic ${Buffer.from('gw:pw').toString('base64')}`);
    assert.deepEqual(Object.keys(pushes[0].streams[0].stream), ['cluster', 'job', 'rule', 'priority', 'source', 'hostname']);
    assert.equal(pushes[0].streams[0].stream.cluster, 'prod');
    assert.equal(pushes[1].headers['x-scope-orgid'], undefined);
    assert.equal(pushes[1].headers.authorization, 'Bearer tok');
  });

  it("label values from events are made safe: control characters escaped, cut to Loki's 2048 bytes, empty ones left out", async () => {
    const alert = testAlert(1, {
      hostname: 'evil\nhost\u001b[31m',
      rule: 'é'.repeat(3000),
      outputFields: { 'container.name': '', 'container.id': null, 'k8s.ns.name': 'ns' },
    });
    const target = new LokiTarget(settings());
    await target.deliver([alert], AbortSignal.timeout(5000));
    await target.close();
    const labels = pushes[0].streams[0].stream;
    assert.equal(labels.hostname, 'evil\\u000ahost\\u001b[31m');
    assert.equal(labels.rule, 'é'.repeat(1024));
    assert.deepEqual(Object.keys(labels), ['rule', 'priority', 'source', 'hostname', 'k8s_ns_name']);
    assert.equal((JSON.parse(pushes[0].streams[0].values[0][1]) as { hostname: string }).hostname, 'evil\nhost\u001b[31m');
  });

  it('an answer other than 2xx is a failure naming the status (429 when Loki limits, 500), with the reason escaped', async () => {
    const target = new LokiTarget(settings());
    answer = 429;
    await assert.rejects(target.deliver([testAlert(1)], AbortSignal.timeout(5000)), (e: Error) => {
      assert.ok(e instanceof LokiOutputError);
      assert.equal(e.message, `loki output: push to ${base} failed: HTTP status 429 (Ingestion rate limit exceeded)`);
      return true;
    });
    answer = 500;
    await assert.rejects(target.deliver([testAlert(1)], AbortSignal.timeout(5000)), { message: `loki output: push to ${base} failed: HTTP status 500 (internal error\\u001b[31m)` });
    answer = 204;
    await target.deliver([testAlert(1)], AbortSignal.timeout(5000));
    await target.close();
    assert.equal(pushes.length, 3);
  });

  it('gives up when the signal aborts (a Loki that never answers); an address where nothing listens is a failure', async () => {
    answer = 'never';
    const target = new LokiTarget(settings());
    const started = Date.now();
    await assert.rejects(target.deliver([testAlert(1)], AbortSignal.timeout(200)), /^Error: loki output: push to .* failed: .*abort/i);
    assert.ok(Date.now() - started < 2000);
    await target.close();
    const nowhere = new LokiTarget(settings({ url: 'http://127.0.0.1:1' }));
    await assert.rejects(nowhere.deliver([testAlert(1)], AbortSignal.timeout(5000)), /^Error: loki output: push to http:\/\/127\.0\.0\.1:1 failed: .*ECONNREFUSED/);
    await nowhere.close();
  });

  it("a URL with a path is the push endpoint as it is (a gateway's)", async () => {
    const target = new LokiTarget(settings({ url: `${base}/tenant-gw/push` }));
    await target.deliver([testAlert(1)], AbortSignal.timeout(5000));
    await target.close();
    assert.equal(pushes[0].url, '/tenant-gw/push');
  });

  it('a URL that is not http(s), or a ca_cert that cannot be read, is an error at start', () => {
    assert.throws(() => new LokiTarget(settings({ url: 'ftp://loki' })), /^Error: loki output: 'ftp:\/\/loki' is not an http or https URL$/);
    assert.throws(() => new LokiTarget(settings({ url: 'https://loki:3100', caCert: '/nonexistent/ca.pem' })), /^Error: loki output: could not read ca_cert \/nonexistent\/ca\.pem: /);
  });
});

describe('unixNanos', () => {
  it("turns Falco's ISO 8601 time into nanoseconds since the epoch, as text", () => {
    assert.equal(unixNanos('1970-01-01T00:00:01.000000002Z'), '1000000002');
    assert.equal(unixNanos('2026-12-06T12:00:04.5Z'), '1796558404500000000');
    assert.equal(unixNanos('2026-12-06T12:00:04Z'), '1796558404000000000');
    assert.equal(unixNanos('2026-12-06T13:00:04.123456789+01:00'), '1796558404123456789');
  });

  it('a time that does not parse is now', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const now = BigInt(unixNanos('yesterday'));
    assert.ok(now >= before && now <= before + 5_000_000_000n);
  });
});

describe('lokiStreams', () => {
  it('keeps the order of the alerts within a stream', () => {
    const alerts = [testAlert(3), testAlert(1), testAlert(2)];
    const [only] = lokiStreams(alerts, {});
    assert.deepEqual(only.values.map((v) => v[1]), alerts.map(sidekickJson));
  });
});
