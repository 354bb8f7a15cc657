// The metrics read from a run's counters: rule matches with Falco's labels and snapshot keys, the
// probe's counters, and each output's delivery counters as the delivery layer will report them
// (given here as the DeliveryStats it returns); every text checked by `promtool check metrics`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { MetricsConfig } from '../../src/config/config.js';
import { DetectionStats } from '../../src/engine/stats.js';
import { loadRules } from '../../src/rules/index.js';
import { identity, prometheusText, RunCounters, snapshotFields } from '../../src/webserver/metrics.js';
import { promtoolCheck, sample } from './support.js';

const noPromtool = spawnSync('promtool', ['--version']).status !== 0 ? "Debian's prometheus (promtool) is not installed (scripts/setup-debian.sh)" : false;

const CONFIG: MetricsConfig = {
  enabled: true, intervalMs: 1000, outputRule: true, outputFile: '', rulesCounters: true, resourceUtilization: true,
  stateCounters: true, kernelEventCounters: true, convertMemoryToMb: true, includeEmptyValues: false,
};
const ID = identity('9.9.9', 'node-1');

const RULES = `
- rule: Write below etc (any "quote" \\ here)
  desc: d
  condition: evt.type = openat
  output: o
  priority: ERROR
  tags: [filesystem, T1005, k8s.io/x]
- rule: Never fires
  desc: d
  condition: evt.type = execve
  output: o
  priority: DEBUG
`;

function counters(): RunCounters {
  const set = loadRules([{ name: 'r.yaml', content: RULES }]);
  assert.equal(set.rules.length, 2);
  const stats = new DetectionStats(set.rules);
  for (let i = 0; i < 3; i++) stats.count(set.rules[0]);
  const c = new RunCounters();
  c.detection = stats;
  // openat's exit event (type 307) lost twice.
  c.probe = () => ({ events: new Map([[307, 100]]), drops: new Map([[307, 2]]), filtered: new Map(), totalEvents: 100, totalDrops: 2, totalFiltered: 0 });
  c.threads = () => 42;
  c.engines.set('syscall', 'modern_bpf');
  c.deliveryStats = () => [
    { output: 'http', sent: 10, retried: 4, dropped: 1, spooled: 3, oldestAgeMs: 2500 },
    { output: 'stdout', sent: 12, retried: 0, dropped: 0, spooled: 0, oldestAgeMs: 0 },
  ];
  c.queueDrops = () => 7;
  c.reloads = () => ({ succeeded: 2, failed: 1 });
  return c;
}

describe('metrics', () => {
  it("Prometheus text: Falco's names and labels, the delivery counters per output; promtool accepts it", { skip: noPromtool }, async () => {
    const { text, contentType } = await prometheusText(counters(), CONFIG, ID);
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    const checked = await promtoolCheck(text);
    assert.equal(checked.status, 0, checked.output);
    assert.equal(sample(text, /^falcosecurity_falco_rules_matches_total\{rule_name="Write below etc \(any \\"quote\\" \\\\ here\)",priority="3",source="syscall",tag_T1005="true",tag_filesystem="true",tag_k8s_io_x="true"\} /), 3);
    assert.doesNotMatch(text, /Never fires/, 'rules without matches are left out');
    assert.equal(sample(text, /^falcosecurity_scap_n_evts_total /), 100);
    assert.equal(sample(text, /^falcosecurity_scap_n_drops_total /), 2);
    assert.equal(sample(text, /^falcosecurity_scap_n_drops_buffer_total\{dir="exit",drop="openat"\} /), 2);
    assert.equal(sample(text, /^falcosecurity_scap_n_threads /), 42);
    assert.equal(sample(text, /^falcosecurity_falco_outputs_queue_num_drops_total /), 7);
    assert.equal(sample(text, /^falcosecurity_evt_hostname_info\{hostname="node-1"\} /), 1);
    assert.equal(sample(text, /^ghostwatch_delivery_sent_total\{output="http"\} /), 10);
    assert.equal(sample(text, /^ghostwatch_delivery_retried_total\{output="http"\} /), 4);
    assert.equal(sample(text, /^ghostwatch_delivery_dropped_total\{output="http"\} /), 1);
    assert.equal(sample(text, /^ghostwatch_delivery_spooled\{output="http"\} /), 3);
    assert.equal(sample(text, /^ghostwatch_delivery_oldest_age_seconds\{output="http"\} /), 2.5);
    assert.equal(sample(text, /^ghostwatch_delivery_sent_total\{output="stdout"\} /), 12);
    assert.equal(sample(text, /^ghostwatch_reloads_total\{result="succeeded"\} /), 2);
    assert.equal(sample(text, /^ghostwatch_reloads_total\{result="failed"\} /), 1);
  });

  it('with include_empty_values, rules still at 0 are listed; disabled groups are left out', { skip: noPromtool }, async () => {
    const { text } = await prometheusText(counters(), {
      ...CONFIG, includeEmptyValues: true, resourceUtilization: false, stateCounters: false, kernelEventCounters: false,
    }, ID);
    assert.equal((await promtoolCheck(text)).status, 0);
    assert.equal(sample(text, /^falcosecurity_falco_rules_matches_total\{rule_name="Never fires",priority="7",source="syscall"\} /), 0);
    for (const name of ['falcosecurity_falco_cpu_usage_ratio', 'falcosecurity_scap_n_threads', 'falcosecurity_scap_n_evts_total']) {
      assert.doesNotMatch(text, new RegExp(`^${name} `, 'm'), name);
    }
  });

  it("the snapshot: Falco's keys, rates from the previous snapshot, the delivery counters", () => {
    const c = counters();
    const first = snapshotFields(c, CONFIG, ID, undefined, 1_000_000);
    assert.equal(first.fields['falco.rules.Write_below_etc_any_quote_here'], 3);
    assert.equal(first.fields['falco.rules.matches_total'], 3);
    assert.equal(first.fields['Never fires'], undefined);
    assert.equal(first.fields['scap.n_evts'], 100);
    assert.equal(first.fields['scap.n_drops_buffer_openat_exit'], 2);
    assert.equal(first.fields['falco.n_threads'], 42);
    assert.equal(first.fields['scap.engine_name'], 'modern_bpf');
    assert.equal(first.fields['evt.hostname'], 'node-1');
    assert.equal(first.fields['ghostwatch.delivery.http.retried'], 4);
    assert.equal(first.fields['ghostwatch.delivery.http.oldest_age_sec'], 2.5);
    assert.equal(typeof first.fields['falco.memory_rss_mb'], 'number');
    c.probe = () => ({ events: new Map([[307, 300]]), drops: new Map([[307, 12]]), filtered: new Map(), totalEvents: 300, totalDrops: 12, totalFiltered: 0 });
    const second = snapshotFields(c, { ...CONFIG, convertMemoryToMb: false }, ID, first.memory, 1_002_000);
    assert.equal(second.fields['scap.n_evts_prev'], 100);
    assert.equal(second.fields['scap.evts_rate_sec'], 100);
    assert.equal(second.fields['scap.evts_drop_rate_sec'], 5);
    assert.equal(second.fields['scap.n_drops_perc'], 5);
    assert.equal(typeof second.fields['falco.memory_rss_kb'], 'number');
  });

  it("CPU and memory are ghostwatch's: node's and its helper processes' (the probe's loader)", async () => {
    // A helper holding 64 MiB resident, and 0.3 s of CPU spent before it settles.
    const helper = spawn('python3', ['-c', 'import sys, time\nx = bytearray(64 << 20)\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\nprint(flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => helper.stdout.once('data', resolve));
      const alone = counters();
      const withHelper = counters();
      withHelper.helperPids = [helper.pid!];
      const a = snapshotFields(alone, CONFIG, ID, undefined, 1_000_000).fields;
      const b = snapshotFields(withHelper, CONFIG, ID, undefined, 1_000_000).fields;
      const rss = (f: Record<string, string | number>) => f['falco.memory_rss_mb'] as number;
      assert.ok(rss(b) - rss(a) >= 60, `${rss(b)} MB with the helper, ${rss(a)} without`);
      assert.ok((b['falco.memory_vsz_mb'] as number) - (a['falco.memory_vsz_mb'] as number) >= 60);
      assert.ok((b['falco.cpu_usage_perc'] as number) > (a['falco.cpu_usage_perc'] as number));
      const prom = async (c: RunCounters) => sample((await prometheusText(c, CONFIG, ID)).text, /^falcosecurity_falco_memory_rss_bytes /)!;
      assert.ok((await prom(withHelper)) - (await prom(alone)) >= 60 * 1048576);
      // A helper that is gone counts for nothing, and breaks nothing.
      helper.kill();
      await new Promise((resolve) => helper.once('exit', resolve));
      assert.ok(Math.abs(rss(snapshotFields(withHelper, CONFIG, ID, undefined, 1_000_000).fields) - rss(a)) < 20);
    } finally {
      helper.kill();
    }
  });
});
