// The webserver of a live run (root only): /metrics carries the probe's counters under Falco's
// names (events rising between two scrapes, drops, the state's threads, the modern_bpf engine) and
// the matches of a rule the test fires, all accepted by `promtool check metrics`; when the probe's
// loader dies, the run ends with its error and /healthz stops answering ok.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { get, promtoolCheck, sample, until, webserverUrl } from '../webserver/support.js';
import { killLeftovers, LiveRun, liveSkipReason, runProgram } from './live.js';

const skip = liveSkipReason();
const dir = mkdtempSync(join(tmpdir(), 'gw-e2e-web-'));
chmodSync(dir, 0o755);
const rules = join(dir, 'marker.yaml');
writeFileSync(rules, `
- rule: marker exec
  desc: the marker command ran
  condition: evt.type in (execve, execveat) and proc.name = gwwebmark
  output: marker ran (command=%proc.cmdline)
  priority: NOTICE
  tags: [test]
`);
const marker = join(dir, 'gwwebmark');
const WEB = ['-o', 'json_output=true', '-o', 'webserver.enabled=true', '-o', 'webserver.listen_port=0',
  '-o', 'webserver.prometheus_metrics_enabled=true', '-o', 'metrics.enabled=true'];

describe('live run webserver', { skip }, () => {
  after(async () => {
    await killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the probe's counters and the rule matches under Falco's names; the loader's death ends the run and the health check", async () => {
    copyFileSync('/bin/true', marker);
    const gw = new LiveRun(['-r', rules, ...WEB]);
    await gw.ready();
    const url = webserverUrl(gw.log)!;
    assert.equal((await get(`${url}/healthz`)).body, '{"status": "ok"}');

    for (let i = 0; i < 3; i++) assert.equal((await runProgram(marker, [])).status, 0);
    assert.ok(await gw.alert((a) => a.rule === 'marker exec' && gw.alerts.filter((b) => b.rule === 'marker exec').length === 3));
    const first = await until('the matches in /metrics', async () => {
      const t = (await get(`${url}/metrics`)).body;
      return sample(t, /^falcosecurity_falco_rules_matches_total\{rule_name="marker exec",priority="5",source="syscall",tag_test="true"\} /) === 3 ? t : undefined;
    });
    const checked = await promtoolCheck(first);
    assert.equal(checked.status, 0, checked.output);
    assert.equal(sample(first, /^falcosecurity_scap_engine_name_info\{engine_name="modern_bpf",evt_source="syscall"\} /), 1);
    assert.ok(sample(first, /^falcosecurity_scap_n_threads /)! > 10);
    assert.ok(sample(first, /^falcosecurity_scap_n_drops_total /)! >= 0);
    // The loader reports its counts about once a second.
    const counted = async (above: number) => {
      const n = sample((await get(`${url}/metrics`)).body, /^falcosecurity_scap_n_evts_total /);
      return n !== undefined && n > above ? n : undefined;
    };
    const events = await until('events counted', () => counted(0));
    await runProgram(marker, []);
    await until('more events counted', () => counted(events));

    // The loader dies: the run ends with the probe's error, and the health check no longer answers ok.
    const loader = gw.loaderPid();
    assert.ok(loader !== undefined);
    process.kill(loader, 'SIGKILL');
    const f = await gw.finished;
    assert.equal(f.status, 1);
    assert.match(f.stderr, /^Error: .*the probe stopped unexpectedly \(killed by a signal\)$/m);
    await assert.rejects(get(`${url}/healthz`), /ECONNREFUSED/);
  });
});
