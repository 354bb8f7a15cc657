// The k8s_audit webhook end to end: `ghostwatch run` serving kube-apiserver's webhook on a loopback
// port, over HTTP and over TLS (a certificate the test makes with openssl), with the bearer token
// on and off. The rule cases' events are POSTed one per request, then again as EventList batches:
// the alerts are exactly those of reading the same events from a file. A GET, invalid JSON, a
// wrong content type, a body over webhookMaxBatchSize and (with the token on) a missing or wrong
// token are each refused with their 4xx, and the server goes on serving.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { SHARED_MISSING, sharedPath } from '../helpers.js';
import { ghostwatch, scratch, skip as notBuilt } from './harness.js';
import {
  alertLines, caseEvents, eventList, pluginsConfig, post, send, startWebhookRun, TUNING, writeJsonLines, type Running,
} from './k8saudit-support.js';

const rules = sharedPath('falco', 'rules', 'k8s_audit_rules.yaml');
const skip = notBuilt !== false ? notBuilt : rules === undefined ? SHARED_MISSING : false;
const MAX_BATCH = 200_000;
const TOKEN = 's3cr3t-t0ken-for-kube-apiserver';

describe('k8s_audit webhook', { skip }, () => {
  if (skip !== false || rules === undefined) return;
  const { dir, file } = scratch('gw-k8s-webhook-');
  const events = caseEvents();
  const eventsFile = writeJsonLines(dir, 'events.json', events);
  const tuning = file('tuning.yaml', TUNING);
  const common = ['-r', rules, '-r', tuning, '--enable-source=k8s_audit', '-o', 'json_output=true', '-o', 'rule_matching=all', '-o', 'priority=debug'];
  let expected: string[] = [];
  let pem = '';
  let cert = '';

  before(async () => {
    const conf = file('file.yaml', pluginsConfig());
    const r = await ghostwatch(['run', '-c', conf, ...common, '-o', `plugins[0].open_params=${eventsFile}`, '-v'], dir);
    assert.equal(r.status, 0, r.stderr);
    expected = alertLines(r.stdout);
    // Every case's rule fires from the file (and more: rule_matching all).
    assert.ok(expected.length >= events.length / 2, String(expected.length));
    // A self-signed certificate for 127.0.0.1, and the PEM holding its key too (the plugin's sslCertificate).
    const key = join(dir, 'key.pem');
    const crt = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(crt, 'utf8');
    pem = join(dir, 'falco.pem');
    writeFileSync(pem, readFileSync(key, 'utf8') + cert);
  });

  for (const tls of [false, true]) {
    for (const token of [false, true]) {
      it(`${tls ? 'https' : 'http'}, bearer token ${token ? 'on' : 'off'}: the alerts of the file, one event per request and in batches; bad requests refused`, async () => {
        const init: Record<string, string | number> = { webhookMaxBatchSize: MAX_BATCH, ...(tls && { sslCertificate: pem }), ...(token && { webhookBearerToken: TOKEN }) };
        const conf = file(`webhook-${String(tls)}-${String(token)}.yaml`, pluginsConfig(init));
        const params = `${tls ? 'https' : 'http'}://127.0.0.1:0/k8s-audit`;
        const opts = { ...(tls && { ca: cert }), ...(token && { token: TOKEN }) };

        // One event per request.
        const one = await startWebhookRun(['-c', conf, ...common, '-o', `plugins[0].open_params=${params}`, '-v'], dir);
        let refusals: string[];
        try {
          for (const e of events) assert.equal((await post(one.url, e, opts)).status, 200);
          refusals = await badRequests(one, opts, token);
        } finally {
          const r = await one.stop();
          assert.equal(r.status, 0, r.stderr);
          assert.deepEqual(alertLines(r.stdout), expected);
          assert.match(r.stderr, new RegExp(`\\(k8s_audit\\) Elapsed time: [\\d.]+, Captured Events: ${events.length}, `));
        }
        assert.deepEqual(refusals, []);

        // The same events in EventList batches of 7, and one bare array.
        const batched = await startWebhookRun(['-c', conf, ...common, '-o', `plugins[0].open_params=${params}`], dir);
        try {
          const head = events.slice(0, events.length - 10);
          for (let i = 0; i < head.length; i += 7) assert.equal((await post(batched.url, eventList(head.slice(i, i + 7)), opts)).status, 200);
          assert.equal((await post(batched.url, events.slice(head.length), opts)).status, 200);
        } finally {
          const r = await batched.stop();
          assert.equal(r.status, 0, r.stderr);
          assert.deepEqual(alertLines(r.stdout), expected);
        }
      });
    }
  }

  /** Each bad request, and what went wrong with its answer (empty when all were right); a good request follows each. */
  async function badRequests(run: Running, opts: { ca?: string; token?: string }, token: boolean): Promise<string[]> {
    const wrong: string[] = [];
    const expect = (what: string, got: number, want: number) => {
      if (got !== want) wrong.push(`${what}: ${got}, expected ${want}`);
    };
    const stillServing = async (after: string) => {
      const r = await post(run.url, eventList([]), opts);
      if (r.status !== 200) wrong.push(`after ${after}: a good request got ${r.status}`);
    };
    expect('GET', (await send(run.url, { ...opts, method: 'GET' })).status, 405);
    await stillServing('GET');
    expect('invalid JSON', (await send(run.url, { ...opts, contentType: 'application/json', body: '{"kind": "Event", ' })).status, 400);
    await stillServing('invalid JSON');
    expect('text/plain', (await send(run.url, { ...opts, contentType: 'text/plain', body: JSON.stringify(events[0]) })).status, 400);
    await stillServing('a wrong content type');
    expect('oversized', (await send(run.url, { ...opts, contentType: 'application/json', body: `[${'{"kind":"Nothing"},'.repeat(MAX_BATCH / 10)}{}]` })).status, 413);
    await stillServing('an oversized body');
    expect('not an audit event', (await post(run.url, { hello: 'world' }, opts)).status, 400);
    await stillServing('a payload with no audit event');
    expect('another path', (await post(run.url.replace('/k8s-audit', '/other'), eventList([]), opts)).status, 404);
    if (token) {
      expect('no token', (await post(run.url, eventList([]), { ...(opts.ca !== undefined && { ca: opts.ca }) })).status, 401);
      expect('wrong token', (await post(run.url, eventList([]), { ...opts, token: 'guess' })).status, 401);
      await stillServing('a missing token');
    }
    // A known-bad event (no stageTimestamp) is dropped from an accepted batch.
    expect('an event without stageTimestamp', (await post(run.url, eventList([{ kind: 'Event', auditID: 'x' }]), opts)).status, 200);
    return wrong;
  }

});
