// The webserver beside the k8s_audit source, with no kernel events (engine.kind nodriver):
// - /healthz answers 200 while the source runs and 503 once it has ended (here: the file it reads,
//   a named pipe, is closed by its writer) while ghostwatch goes on;
// - a real Prometheus started by the test (its own configuration and storage in a scratch
//   directory, on loopback) scrapes /metrics, and its HTTP API shows
//   falcosecurity_falco_rules_matches_total rising as the test fires a rule through the webhook.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SHARED_MISSING, sharedPath } from '../helpers.js';
import { scratch, skip as notBuilt } from '../cli/harness.js';
import { pluginsConfig, post, startWebhookRun } from '../cli/k8saudit-support.js';
import { RULE_CASES } from '../sources/k8saudit/audit-events.js';
import { freePort, get, until, webserverUrl } from './support.js';

const rules = sharedPath('falco', 'rules', 'k8s_audit_rules.yaml');
const noPrometheus = spawnSync('prometheus', ['--version']).status !== 0 ? 'Debian\'s prometheus is not installed (scripts/setup-debian.sh)' : false;
const skip = notBuilt !== false ? notBuilt : rules === undefined ? SHARED_MISSING : false;

const fired = RULE_CASES.find((c) => c.rule === 'Disallowed K8s User')!;
const WEB = ['-o', 'engine.kind=nodriver', '-o', 'webserver.enabled=true', '-o', 'webserver.listen_port=0', '-o', 'json_output=true'];

describe('webserver with the k8s_audit source', { skip }, () => {
  if (skip !== false || rules === undefined) return;
  const { dir, file } = scratch('gw-webserver-k8s-');
  const conf = file('plugins.yaml', pluginsConfig());

  it('/healthz: 200 while the source runs, 503 naming it once it has ended while ghostwatch runs', async () => {
    const fifo = join(dir, 'audit.pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const run = await startWebhookRun(['-c', conf, '-r', rules, '--enable-source=k8s_audit', '--enable-source=syscall', ...WEB,
      '-o', `plugins[0].open_params=${fifo}`], dir, /Opening event source 'k8s_audit': (file \S+)/);
    try {
      const url = webserverUrl(run.stderr())!;
      const before = await get(`${url}/healthz`);
      assert.equal(before.status, 200);
      assert.equal(before.body, '{"status": "ok"}');
      // The source reads the pipe until its writer closes it.
      const writer = createWriteStream(fifo);
      await new Promise<void>((r) => writer.end(`${JSON.stringify(fired.fire)}\n`, r));
      const down = await until('/healthz to fail', async () => {
        const reply = await get(`${url}/healthz`);
        return reply.status === 200 ? undefined : reply;
      });
      assert.equal(down.status, 503);
      assert.deepEqual(JSON.parse(down.body), { status: 'failed', failed_sources: { k8s_audit: 'ended while ghostwatch runs' } });
      // The event it read was judged.
      assert.ok(run.stdout().includes('"rule":"Disallowed K8s User"'), run.stdout());
    } finally {
      const r = await run.stop();
      assert.equal(r.status, 0, r.stderr);
    }
  });

  describe('scraped by Prometheus', { skip: noPrometheus }, () => {
    let prometheus: ReturnType<typeof spawn> | undefined;
    after(() => {
      prometheus?.kill('SIGKILL');
    });

    it('shows falcosecurity_falco_rules_matches_total rising as the rule fires', async () => {
      const run = await startWebhookRun(['-c', conf, '-r', rules, '--enable-source=k8s_audit', ...WEB,
        '-o', 'metrics.enabled=true', '-o', 'webserver.prometheus_metrics_enabled=true', '-o', 'plugins[0].open_params=http://127.0.0.1:0/k8s-audit'], dir);
      try {
        const target = new URL(webserverUrl(run.stderr())!).host;
        const port = await freePort();
        const data = join(dir, 'tsdb');
        mkdirSync(data);
        const config = join(dir, 'prometheus.yml');
        writeFileSync(config, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ghostwatch\n    static_configs:\n      - targets: ['${target}']\n`);
        let log = '';
        const p = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${String(port)}`], { cwd: dir });
        prometheus = p;
        p.stderr.setEncoding('utf8').on('data', (s: string) => (log += s));
        const api = `http://127.0.0.1:${String(port)}`;
        await until('Prometheus to be ready', async () => ((await get(`${api}/-/ready`).catch(() => undefined))?.status === 200 ? true : undefined), 30_000)
          .catch((e: unknown) => assert.fail(`${String(e)}\n${log}`));
        const matches = async () => {
          const q = encodeURIComponent('sum(falcosecurity_falco_rules_matches_total{rule_name="Disallowed K8s User",source="k8s_audit",priority="4",tag_k8s="true"})');
          const body = JSON.parse((await get(`${api}/api/v1/query?query=${q}`)).body) as { data: { result: { value: [number, string] }[] } };
          return body.data.result.length === 0 ? undefined : Number(body.data.result[0].value[1]);
        };
        assert.equal((await post(run.url, fired.fire)).status, 200);
        const atLeast = (n: number) => async () => {
          const seen = await matches();
          return seen !== undefined && seen >= n ? seen : undefined;
        };
        const first = await until('Prometheus to scrape one match', atLeast(1), 20_000);
        assert.equal(first, 1);
        for (let i = 0; i < 3; i++) assert.equal((await post(run.url, fired.fire)).status, 200);
        const later = await until('Prometheus to scrape four matches', atLeast(4), 20_000);
        assert.equal(later, 4);
        // Prometheus says the target is up: every scrape parsed.
        const targets = JSON.parse((await get(`${api}/api/v1/targets`)).body) as { data: { activeTargets: { health: string; lastError: string }[] } };
        assert.deepEqual(targets.data.activeTargets.map((t) => [t.health, t.lastError]), [['up', '']]);
      } finally {
        prometheus?.kill('SIGTERM');
        const r = await run.stop();
        assert.equal(r.status, 0, r.stderr);
      }
    });
  });
});
