import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { HttpOutputConfig } from '../../src/config/config.js';
import { HttpOutput, HttpOutputError } from '../../src/outputs/http.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let base = '';
const received: Received[] = [];
/** The failure report of an output that must not fail: fails the test. */
const noFailure = (message: string): never => assert.fail(message);

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
  it('POSTs each alert, in order, as JSON with json_output', async () => {
    received.length = 0;
    const out = new HttpOutput(settings({ url: `${base}/alerts` }), true, noFailure);
    out.send('{"rule":"a"}');
    out.send('{"rule":"b"}');
    await out.close();
    assert.deepEqual(received.map((r) => [r.method, r.url, r.headers['content-type'], r.headers['user-agent'], r.body.toString()]), [
      ['POST', '/alerts', 'application/json', 'falcosecurity/falco', '{"rule":"a"}'],
      ['POST', '/alerts', 'application/json', 'falcosecurity/falco', '{"rule":"b"}'],
    ]);
    assert.equal(out.handled, 2);
  });

  it('as text/plain without json_output; quotes around the URL are accepted', async () => {
    received.length = 0;
    const out = new HttpOutput(settings({ url: `"${base}/t"`, userAgent: 'gw' }), false, noFailure);
    out.send('12:00:00.000000000: Warning x');
    await out.close();
    assert.equal(received[0].headers['content-type'], 'text/plain');
    assert.equal(received[0].headers['user-agent'], 'gw');
    assert.equal(received[0].url, '/t');
  });

  it('gzips the body with compress_uploads; echo prints the responses', async () => {
    received.length = 0;
    const echoed: string[] = [];
    const out = new HttpOutput(settings({ compressUploads: true, echo: true, keepAlive: true }), true, noFailure, (b) => echoed.push(b));
    out.send('{"a":1}');
    out.send('{"a":2}');
    await out.close();
    assert.equal(received[0].headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(received[1].body).toString(), '{"a":2}');
    assert.deepEqual(echoed, ['got 1', 'got 2']);
  });

  it('an error status or no server is reported, and the next alert is still sent', async () => {
    received.length = 0;
    const reports: string[] = [];
    const failing = new HttpOutput(settings({ url: `${base}/fail` }), true, (m) => reports.push(m));
    failing.send('{}');
    failing.send('{}');
    await failing.close();
    assert.equal(received.length, 2);
    assert.deepEqual(reports, [`http output: POST ${base}/fail failed: HTTP status 500`, `http output: POST ${base}/fail failed: HTTP status 500`]);

    const closed = new HttpOutput(settings({ url: 'http://127.0.0.1:1/' }), true, (m) => reports.push(m));
    closed.send('{}');
    await closed.close();
    assert.match(reports[2], /^http output: POST http:\/\/127\.0\.0\.1:1\/ failed: .*ECONNREFUSED/);
  });

  it('a URL that is not http(s), or TLS files that cannot be read, are errors at start', () => {
    assert.throws(() => new HttpOutput(settings({ url: 'ftp://x/' }), true, noFailure), HttpOutputError);
    assert.throws(() => new HttpOutput(settings({ url: 'not a url' }), true, noFailure), /is not a valid URL/);
    assert.throws(() => new HttpOutput(settings({ url: 'https://127.0.0.1/', caCert: '/nonexistent/ca.pem' }), true, noFailure),
      /^Error: http output: could not read ca_cert \/nonexistent\/ca\.pem/);
  });
});
