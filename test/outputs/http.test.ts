import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { HttpOutputConfig } from '../../src/config/config.js';
import { HttpOutput, HttpOutputError } from '../../src/outputs/http.js';
import { NO_DEADLINE, testAlert } from './alerts.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let base = '';
const received: Received[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url === '/fail') res.writeHead(500).end('no');
      else res.writeHead(200).end(`got ${received.length}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const settings = (s: Partial<HttpOutputConfig>): HttpOutputConfig => ({
  url: `${base}/`, userAgent: 'falcosecurity/falco', insecure: false, caCert: '', caBundle: '', caPath: '/etc/ssl/certs', mtls: false,
  clientCert: '', clientKey: '', echo: false, compressUploads: false, keepAlive: false, ...s,
});

describe('http output', () => {
  it("POSTs each alert in Falcosidekick's JSON shape, with its uuid", async () => {
    received.length = 0;
    const out = new HttpOutput(settings({ url: `${base}/alerts` }));
    const a = testAlert('line a', { output: 'out a', outputFields: { 'proc.pid': 7, 'fd.name': null } });
    await out.deliver([a, testAlert('line b')], NO_DEADLINE);
    await out.close();
    assert.deepEqual(received.map((r) => [r.method, r.url, r.headers['content-type'], r.headers['user-agent']]), [
      ['POST', '/alerts', 'application/json', 'falcosecurity/falco'],
      ['POST', '/alerts', 'application/json', 'falcosecurity/falco'],
    ]);
    const bodies = received.map((r) => JSON.parse(r.body.toString()) as Record<string, unknown>);
    const first = bodies.find((b) => b.uuid === a.uuid)!;
    assert.deepEqual(first, {
      uuid: a.uuid, output: 'out a', priority: 'Warning', rule: 'open_from_cat', time: '2016-08-04T16:17:57.881730713Z', source: 'syscall',
      tags: ['filesystem'], hostname: 'test-host', output_fields: { 'proc.pid': 7, 'fd.name': null },
    });
  });

  it('quotes around the URL are accepted; the user agent is configurable', async () => {
    received.length = 0;
    const out = new HttpOutput(settings({ url: `"${base}/t"`, userAgent: 'gw' }));
    await out.deliver([testAlert('x')], NO_DEADLINE);
    await out.close();
    assert.equal(received[0].headers['user-agent'], 'gw');
    assert.equal(received[0].url, '/t');
  });

  it('gzips the body with compress_uploads; echo prints the responses', async () => {
    received.length = 0;
    const echoed: string[] = [];
    const out = new HttpOutput(settings({ compressUploads: true, echo: true, keepAlive: true }), (b) => echoed.push(b));
    await out.deliver([testAlert('a')], NO_DEADLINE);
    await out.deliver([testAlert('b')], NO_DEADLINE);
    await out.close();
    assert.equal(received[0].headers['content-encoding'], 'gzip');
    assert.equal((JSON.parse(gunzipSync(received[1].body).toString()) as { output: string }).output, 'b');
    assert.deepEqual(echoed, ['got 1', 'got 2']);
  });

  it('an error status or no server rejects the delivery, with the cause', async () => {
    const failing = new HttpOutput(settings({ url: `${base}/fail` }));
    await assert.rejects(failing.deliver([testAlert('x')], NO_DEADLINE), { message: `http output: POST ${base}/fail failed: HTTP status 500` });
    await failing.close();
    const closed = new HttpOutput(settings({ url: 'http://127.0.0.1:1/' }));
    await assert.rejects(closed.deliver([testAlert('x')], NO_DEADLINE), /^Error: http output: POST http:\/\/127\.0\.0\.1:1\/ failed: .*ECONNREFUSED/);
    await closed.close();
  });

  it('an aborted attempt (its deadline) rejects at once', async () => {
    const abort = new AbortController();
    const hung = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const out = new HttpOutput(settings({ url: `http://127.0.0.1:${(hung.address() as AddressInfo).port}/` }));
    const attempt = out.deliver([testAlert('x')], abort.signal);
    setTimeout(() => abort.abort(new Error('deadline')), 50);
    await assert.rejects(attempt, /no answer in time/);
    await out.close();
    hung.closeAllConnections();
    hung.close();
  });

  it('a URL that is not http(s), or TLS files that cannot be read, are errors at start', () => {
    assert.throws(() => new HttpOutput(settings({ url: 'ftp://x/' })), HttpOutputError);
    assert.throws(() => new HttpOutput(settings({ url: 'not a url' })), /is not a valid URL/);
    assert.throws(() => new HttpOutput(settings({ url: 'https://127.0.0.1/', caCert: '/nonexistent/ca.pem' })),
      /^Error: http output: could not read ca_cert \/nonexistent\/ca\.pem/);
  });
});
