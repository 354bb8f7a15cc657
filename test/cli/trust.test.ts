// NODE_EXTRA_CA_CERTS, as a user sets it for an HTTPS receiver signed by their own CA: bin/ghostwatch
// keeps node from parsing it at start (src/outputs/trust.ts) and the http output still trusts it;
// a command the program output runs sees the variable as the user set it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAlert } from '../alerts.js';
import { testCertificates } from '../support/certificates.js';
import { catWrite, ghostwatch, scratch, skip } from './harness.js';

const { dir, file } = scratch('gw-trust-');
const ONE_ALERT = file('one.yaml', `
- rule: first_event
  desc: the capture's first event
  condition: evt.num = 1
  output: "first event %evt.type"
  priority: WARNING
`);

describe('NODE_EXTRA_CA_CERTS', { skip }, () => {
  const pki = testCertificates();
  const received: string[] = [];
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) }, (req, res) => {
      let body = '';
      req.on('data', (b: Buffer) => (body += b.toString()));
      req.on('end', () => {
        received.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => server.close());

  /** `run -e` on cat_write.scap with the http output to the test's receiver and the program output writing its environment. */
  const runWith = (env: NodeJS.ProcessEnv, envFile: string) => ghostwatch(['run', '-r', ONE_ALERT, '-e', catWrite!,
    '-o', 'log_stderr=false', '-o', 'json_output=true', '-o', 'stdout_output.enabled=false',
    '-o', 'http_output.enabled=true', '-o', `http_output.url=${url}`,
    '-o', 'program_output.enabled=true', '-o', `program_output.program=env > ${envFile}`], dir, { env });

  it('the http output trusts the CA it names; the program output gets the variable back, unchanged', async () => {
    received.length = 0;
    const envFile = join(dir, 'env-trusted');
    const r = await runWith({ ...process.env, NODE_EXTRA_CA_CERTS: pki.caCert }, envFile);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(received.length, 1, r.stderr);
    assert.equal(parseAlert(received[0]).rule, 'first_event');
    const seen = readFileSync(envFile, 'utf8').split('\n');
    assert.ok(seen.includes(`NODE_EXTRA_CA_CERTS=${pki.caCert}`), 'the command sees NODE_EXTRA_CA_CERTS');
    assert.ok(!seen.some((l) => l.startsWith('GHOSTWATCH_EXTRA_CA_CERTS=')), 'and not the name it was handed over under');
  });

  it('without it the receiver is not trusted: nothing is delivered, the failure is said', async () => {
    received.length = 0;
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'));
    const r = await runWith(env, join(dir, 'env-untrusted'));
    assert.equal(received.length, 0);
    assert.match(r.stderr, /http output: .*(certificate|self.signed)/i);
  });
});
