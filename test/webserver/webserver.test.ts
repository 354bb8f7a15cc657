// Falco's webserver on real runs of `ghostwatch run` with no kernel events (engine.kind nodriver)
// and the k8s_audit webhook, through which the test fires a rule: /healthz, /versions, /metrics
// that `promtool check metrics` accepts with the rule matches under Falco's names and labels, the
// metrics snapshots (alert and output_file), https with a certificate made by openssl, each bad
// setting refused with one line at start, and no webserver when a capture is read (as in Falco).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneLineError, bin, catWrite, ghostwatch, scratch, skip as notBuilt } from '../cli/harness.js';
import { pluginsConfig, post, startWebhookRun } from '../cli/k8saudit-support.js';
import { RULE_CASES } from '../sources/k8saudit/audit-events.js';
import { get, promtoolCheck, sample, until, webserverUrl } from './support.js';

const skip = notBuilt;

/** A k8s_audit rule, with a tag whose characters a Prometheus label name cannot hold. */
const RULE = `- rule: Namespace created
  desc: a namespace is created
  condition: ka.verb=create and ka.target.resource=namespaces
  output: namespace created (user=%ka.user.name ns=%ka.target.name)
  priority: WARNING
  source: k8s_audit
  tags: [test, mitre.write-data]
`;
const namespaceCreated = RULE_CASES.find((c) => c.rule === 'Disallowed K8s User')!.fire;
const FIRED = 5;

interface Started {
  readonly url: string;
  readonly finished: Promise<{ status: number | null; stdout: string; stderr: string }>;
}

/** `ghostwatch run ARGS`, once its webserver listens. */
async function start(args: readonly string[], cwd: string): Promise<Started> {
  const child = spawn(bin, ['run', ...args], { cwd });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const finished = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (status) => resolve({ status, stdout: out, stderr: err }));
  });
  let ended = false;
  void finished.then(() => (ended = true));
  const url = await until('the webserver to listen', () => {
    if (ended) throw new Error(`ghostwatch exited before its webserver listened:\n${err}`);
    return webserverUrl(err);
  });
  return { url, finished };
}

describe('webserver and metrics', { skip }, () => {
  if (skip !== false || catWrite === undefined) return;
  const capture = catWrite;
  const { dir, file } = scratch('gw-webserver-');
  const rules = file('rules.yaml', RULE);
  const snapshots = join(dir, 'snapshots.jsonl');
  const config = file('ghostwatch.yaml', `${pluginsConfig()}json_output: true
engine: {kind: nodriver}
webserver: {enabled: true, listen_port: 0, prometheus_metrics_enabled: true, threadiness: 0}
metrics: {enabled: true, interval: 500ms, output_rule: true, output_file: ${snapshots}}
`);
  const sources = ['--enable-source=syscall', '--enable-source=k8s_audit', '-o', 'plugins[0].open_params=http://127.0.0.1:0/k8s-audit'];

  it("answers /healthz, /versions and /metrics (accepted by promtool, the matches under Falco's labels); snapshots every interval", async () => {
    const run = await startWebhookRun(['-c', config, '-r', rules, ...sources], dir);
    let stopped: { status: number | null; stdout: string; stderr: string } | undefined;
    try {
      const url = webserverUrl(run.stderr())!;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, 'loopback by default');

      const health = await get(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(health.body, '{"status": "ok"}');
      assert.equal(health.headers['content-type'], 'application/json');

      const versions = JSON.parse((await get(`${url}/versions`)).body) as Record<string, unknown>;
      for (const key of ['falco_version', 'libs_version', 'plugin_api_version', 'driver_api_version', 'driver_schema_version',
        'default_driver_version', 'engine_version', 'engine_version_semver']) {
        assert.equal(typeof versions[key], 'string', key);
      }
      // As --version with json_output says.
      const printed = await ghostwatch(['run', '--version', '-c', config], dir);
      const own = JSON.parse(printed.stdout) as Record<string, unknown>;
      for (const [k, v] of Object.entries(own)) assert.deepEqual(versions[k], v, k);

      for (let i = 0; i < FIRED; i++) assert.equal((await post(run.url, namespaceCreated)).status, 200);
      const matches = /^falcosecurity_falco_rules_matches_total\{rule_name="Namespace created",priority="4",source="k8s_audit",tag_mitre_write_data="true",tag_test="true"\}/;
      const text = await until('the matches in /metrics', async () => {
        const t = (await get(`${url}/metrics`)).body;
        return sample(t, matches) === FIRED ? t : undefined;
      });
      const checked = await promtoolCheck(text);
      assert.equal(checked.status, 0, checked.output);
      assert.equal(sample(text, /^falcosecurity_scap_engine_name_info\{engine_name="nodriver",evt_source="syscall"\} /), 1);
      assert.equal(sample(text, /^falcosecurity_scap_engine_name_info\{engine_name="source_plugin",evt_source="k8s_audit"\} /), 1);
      assert.equal(sample(text, /^falcosecurity_scap_n_evts_total /), 0);
      assert.ok(sample(text, /^falcosecurity_falco_memory_rss_bytes /)! > 1e6);
      assert.ok(sample(text, /^falcosecurity_falco_cpu_usage_ratio /)! >= 0);
      assert.equal(sample(text, /^falcosecurity_falco_outputs_queue_num_drops_total /), 0);
      assert.match(text, /^falcosecurity_falco_version_info\{version="[^"]+"\} 1$/m);

      assert.equal((await get(`${url}/nothing`)).status, 404);
      assert.equal((await get(`${url}/healthz?probe=1`)).status, 200);
      // Two snapshots after the matches.
      await new Promise((r) => setTimeout(r, 1200));
    } finally {
      stopped = await run.stop();
    }
    assert.equal(stopped.status, 0, stopped.stderr);
    const alerts = stopped.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(alerts.filter((a) => a.rule === 'Namespace created').length, FIRED);
    const snaps = alerts.filter((a) => a.rule === 'Falco internal: metrics snapshot');
    assert.ok(snaps.length >= 2, `a snapshot every 500 ms: ${String(snaps.length)}`);
    const last = snaps.at(-1)!;
    assert.equal(last.priority, 'Informational');
    assert.equal(last.source, 'internal');
    assert.equal(last.output, 'Falco metrics snapshot');
    const fields = last.output_fields as Record<string, unknown>;
    assert.equal(fields['falco.rules.Namespace_created'], FIRED);
    assert.equal(fields['falco.rules.matches_total'], FIRED);
    assert.equal(fields['scap.engine_name'], 'nodriver');
    assert.equal(typeof fields['falco.memory_rss_mb'], 'number');

    const lines = readFileSync(snapshots, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { sample: number; output_fields: Record<string, unknown> });
    assert.deepEqual(lines.map((l) => l.sample), lines.map((_, i) => i + 1));
    assert.equal(lines.at(-1)!.output_fields['falco.rules.Namespace_created'], FIRED);
  });

  it('starts no webserver when a capture is read, as Falco (its test suites enable it for every capture)', async () => {
    const r = await ghostwatch(['run', '-c', config, '-r', rules, '-e', capture, '-o', 'log_level=debug'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Skipping the webserver: reading a capture/);
    assert.equal(webserverUrl(r.stderr), undefined);
  });

  it('serves https with ssl_certificate (a PEM holding key and certificate, made by openssl)', async () => {
    const key = join(dir, 'key.pem');
    const crt = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const cert = readFileSync(crt, 'utf8');
    const pem = file('falco.pem', cert + readFileSync(key, 'utf8'));
    const run = await start(['-c', config, '-r', rules, '-M', '1', '--disable-source=k8s_audit', '-o', 'webserver.ssl_enabled=true',
      '-o', `webserver.ssl_certificate=${pem}`, '-o', 'metrics.enabled=false'], dir);
    assert.match(run.url, /^https:/);
    const health = await get(`${run.url}/healthz`, cert);
    assert.equal(health.status, 200);
    assert.equal(health.body, '{"status": "ok"}');
    // Without metrics.enabled there is no /metrics.
    assert.equal((await get(`${run.url}/metrics`, cert)).status, 404);
    // Plain http to the TLS port gets no answer.
    await assert.rejects(get(`${run.url.replace('https:', 'http:')}/healthz`));
    assert.equal((await run.finished).status, 0);
  });

  it('refuses a bad listen address, port, certificate, interval or output_file with one line, exit 1', async () => {
    const base = ['run', '-c', config, '-r', rules, '-M', '1', '--disable-source=k8s_audit', '-o', 'log_stderr=false'];
    const fails = async (opts: string[], pattern: RegExp) => assertOneLineError(await ghostwatch([...base, ...opts.flatMap((o) => ['-o', o])], dir), pattern);
    await fails(['webserver.listen_address=localhost:80'], /webserver listen address "localhost:80" is not a valid IP address/);
    await fails(['webserver.listen_port=70000'], /webserver listen port 70000 is not a port number/);
    await fails(['webserver.listen_port=http'], /'webserver.listen_port' must be an integer/);
    // An address of no interface here (TEST-NET-1).
    await fails(['webserver.listen_address=192.0.2.1'], /webserver: cannot listen on 192\.0\.2\.1:0: .*EADDRNOTAVAIL/);
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const { port } = busy.address() as { port: number };
      await fails([`webserver.listen_port=${String(port)}`], new RegExp(`webserver: cannot listen on 127\\.0\\.0\\.1:${String(port)}: .*EADDRINUSE`));
    } finally {
      busy.close();
    }
    await fails(['webserver.ssl_enabled=true', `webserver.ssl_certificate=${join(dir, 'absent.pem')}`], /webserver: cannot read ssl_certificate .*absent\.pem: no such file or directory/);
    const notPem = file('not.pem', 'hello\n');
    await fails(['webserver.ssl_enabled=true', `webserver.ssl_certificate=${notPem}`], /ssl_certificate .*not\.pem must hold a PEM private key and certificate/);
    await fails(['webserver.ssl_enabled=true', `webserver.ssl_certificate=${dir}`], /webserver: cannot read ssl_certificate/);
    await fails(['metrics.interval=5x'], /Metrics interval must have a minimum value of 100ms .*"5x"/);
    await fails(['metrics.interval=50ms'], /Metrics interval must have a minimum value of 100ms/);
    await fails([`metrics.output_file=${join(dir, 'no', 'such', 'dir.jsonl')}`], /metrics: cannot write output_file .*dir\.jsonl/);
  });
});
