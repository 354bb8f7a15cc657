// `ghostwatch run` with the k8s_audit source: which sources load and run (load_plugins,
// --enable-source, --disable-source, a capture), the rules of each source on its own events, the
// alerts' source, the -v summary of every source, the plugins in --list-plugins and -V, a file
// followed through rotation, and a webhook that nothing a client sends can stop.
import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { SHARED_MISSING, sharedPath } from '../helpers.js';
import { createPod, execPod } from '../sources/k8saudit/audit-events.js';
import { assertOneLineError, bin, catWrite, ghostwatch, QUIET_CONFIG, scratch, skip as notBuilt } from './harness.js';
import { alertLines, eventList, pluginsConfig, post, send, startWebhookRun } from './k8saudit-support.js';

const k8sRules = sharedPath('falco', 'rules', 'k8s_audit_rules.yaml');
const syscallRules = sharedPath('falco', 'rules', 'falco_rules.yaml');
const skip = notBuilt !== false ? notBuilt : k8sRules === undefined || syscallRules === undefined ? SHARED_MISSING : false;

const PRIVILEGED = createPod({ containers: [{ image: 'nginx:1.25', privileged: true }] });
const EXEC = execPod();

describe('ghostwatch run with the k8s_audit source', { skip }, () => {
  if (skip !== false || k8sRules === undefined || syscallRules === undefined) return;
  const { dir, file } = scratch('gw-k8s-run-');
  const conf = file('plugins.yaml', pluginsConfig().replace('log_stderr: true', 'log_stderr: false'));
  const events = file('events.json', `${JSON.stringify(PRIVILEGED)}\n\n${JSON.stringify(eventList([EXEC]))}\nnot json\n`);
  const run = (...args: string[]) => ghostwatch(['run', ...args], dir);

  it('--enable-source k8s_audit: the audit rules judge the file\'s events; alerts say source k8s_audit; -v sums up the source', async () => {
    const r = await run('-c', conf, '-r', syscallRules, '-r', k8sRules, '-o', `plugins[0].open_params=${events}`, '--enable-source=k8s_audit',
      '-o', 'json_output=true', '-v');
    assert.equal(r.status, 0, r.stderr);
    const alerts = alertLines(r.stdout).map((l) => JSON.parse(l) as { rule: string; source: string; output_fields: Record<string, unknown> });
    assert.deepEqual(alerts.map((a) => [a.rule, a.source]), [['Create Privileged Pod', 'k8s_audit'], ['Attach/Exec Pod', 'k8s_audit']]);
    assert.equal(alerts[1].output_fields['ka.uri.param[command]'], 'sh');
    assert.match(r.stdout, /Events detected: 2\nRule counts by severity:\n {3}WARNING: 1\n {3}NOTICE: 1\nTriggered rules by rule name:\n {3}Create Privileged Pod: 1\n {3}Attach\/Exec Pod: 1\n/);
    assert.match(r.stderr, /\(k8s_audit\) Elapsed time: [\d.]+, Captured Events: 2, /);
    // The line that is not JSON is reported and skipped.
    assert.match(r.stderr, /k8saudit: skipping a line that is not JSON/);
    // --disable-source syscall is the same selection.
    const d = await run('-c', conf, '-r', syscallRules, '-r', k8sRules, '-o', `plugins[0].open_params=${events}`, '--disable-source=syscall',
      '-o', 'json_output=true');
    assert.deepEqual(alertLines(d.stdout), alertLines(r.stdout));
  });

  it('text alerts and -p: -p applies to syscall rules only, as in Falco', async () => {
    const r = await run('-c', conf, '-r', k8sRules, '-o', `plugins[0].open_params=${events}`, '--enable-source=k8s_audit', '-pc');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d\d:\d\d:\d\d\.\d{9}: Warning Pod started with privileged container \(user=kubernetes-admin pod=web resource=pods ns=default images=\(nginx:1\.25\) init_images=<NA> ephemeral_images=<NA>\)$/m);
    assert.doesNotMatch(r.stdout, /container=/);
  });

  it('without the k8saudit plugin loaded, k8s_audit rules are skipped and their plugin requirement fails, as in Falco', async () => {
    const r = await run('-c', file('quiet.yaml', QUIET_CONFIG), '-r', k8sRules, '--dry-run');
    assertOneLineError(r, /^Error: Plugin requirement not satisfied, must load one of: k8saudit \(>= 0\.18\.0\)/);
    assertOneLineError(await run('-c', file('quiet2.yaml', QUIET_CONFIG), '-r', syscallRules, '--enable-source', 'k8s_audit', '--dry-run'),
      /^Error: Attempted enabling an unknown event source: k8s_audit\n$/);
    // With only k8saudit loaded, the json plugin's requirement fails.
    const noJson = file('nojson.yaml', pluginsConfig().replace('load_plugins: [k8saudit, json]', 'load_plugins: [k8saudit]'));
    assertOneLineError(await run('-c', noJson, '-r', k8sRules, '--dry-run', '-o', 'log_stderr=false'), /^Error: Plugin requirement not satisfied, must load one of: json \(>= 0\.7\.0\)\n$/);
  });

  it('-V validates k8s audit rules with the plugins loaded; --list-plugins lists them', async () => {
    const v = await run('-c', conf, '-V', k8sRules, '-o', 'log_stderr=false');
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /k8s_audit_rules\.yaml: Ok/);
    const p = await run('-c', conf, '--list-plugins', '-o', 'log_stderr=false');
    assert.match(p.stdout, /^3 Plugins Loaded:\n\nName: container\n[^]*\nName: k8saudit\n[^]*- Event Sourcing \(ID=1, source='k8s_audit'\)\n[^]*\nName: json\n/);
  });

  it('a capture is the only source when one is read: the k8s_audit source is not opened, its rules load', async () => {
    const r = await run('-c', conf, '-r', syscallRules, '-r', k8sRules, '-e', catWrite!, '-o', 'plugins[0].open_params=http://127.0.0.1:1/x', '-v');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Events detected: \d+\n/);
    assert.doesNotMatch(r.stderr, /k8s_audit\) Elapsed/);
  });

  it('a webhook that cannot listen, or a file that is not there, ends the run with one line', async () => {
    const busy = await startWebhookRun(['-c', file('busy.yaml', pluginsConfig()), '-r', k8sRules, '--enable-source=k8s_audit', '-o', 'plugins[0].open_params=http://127.0.0.1:0/k8s-audit'], dir);
    const port = new URL(busy.url).port;
    try {
      assertOneLineError(await run('-c', conf, '-r', k8sRules, '--enable-source=k8s_audit', '-o', `plugins[0].open_params=http://127.0.0.1:${port}/k8s-audit`),
        /^Error: Could not open source 'k8s_audit': k8saudit: cannot serve http:\/\/127\.0\.0\.1:\d+\/k8s-audit: listen EADDRINUSE/);
    } finally {
      await busy.stop();
    }
    assertOneLineError(await run('-c', conf, '-r', k8sRules, '--enable-source=k8s_audit', '-o', `plugins[0].open_params=${join(dir, 'nope.json')}`),
      /^Error: Could not open source 'k8s_audit': k8saudit: cannot read .*nope\.json: no such file or directory\n$/);
    assertOneLineError(await run('-c', conf, '-r', k8sRules, '--enable-source=k8s_audit', '-o', 'plugins[0].open_params=https://127.0.0.1:0/x',
      '-o', `plugins[0].init_config.sslCertificate=${join(dir, 'none.pem')}`), /cannot read sslCertificate/);
  });

  it('several sources at once: syscall (no driver) and k8s_audit; each judged by its own rules, both in the -v summary', async () => {
    const both = await startWebhookRun(['-c', conf, '-r', syscallRules, '-r', k8sRules, '-o', 'engine.kind=nodriver',
      '-o', 'log_stderr=true', '-o', 'plugins[0].open_params=http://127.0.0.1:0/k8s-audit', '-o', 'json_output=true', '-v'], dir);
    try {
      assert.equal((await post(both.url, eventList([PRIVILEGED, EXEC]))).status, 200);
    } finally {
      const r = await both.stop();
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(alertLines(r.stdout).map((l) => (JSON.parse(l) as { rule: string }).rule), ['Create Privileged Pod', 'Attach/Exec Pod']);
      assert.match(r.stderr, /Enabled event source 'syscall' will be opened with no driver/);
      assert.match(r.stderr, /\(k8s_audit\) Elapsed time: [\d.]+, Captured Events: 2, /);
      assert.match(r.stdout, /Events detected: 2\n/);
    }
  });

  it('file:// follows the file from its end, through rotation and truncation', async () => {
    const log = join(dir, 'audit.log');
    writeFileSync(log, `${JSON.stringify(PRIVILEGED)}\n`);
    const follow = await startWebhookRunLike(['-c', file('follow.yaml', pluginsConfig()), '-r', k8sRules, '--enable-source=k8s_audit', '-o', `plugins[0].open_params=file://${log}`,
      '-o', 'json_output=true'], dir);
    try {
      // What was there at start is not read; what is appended is, even in two writes.
      const line = JSON.stringify(EXEC);
      appendFileSync(log, line.slice(0, 100));
      await sleep(300);
      appendFileSync(log, `${line.slice(100)}\n`);
      await waitFor(() => alertLines(follow.stdout()).length === 1);
      // Rotated: the old file renamed away, a new one written from its start.
      renameSync(log, `${log}.1`);
      writeFileSync(log, `${JSON.stringify(PRIVILEGED)}\n`);
      await waitFor(() => alertLines(follow.stdout()).length === 2);
      // Truncated (copytruncate): read again from the start.
      writeFileSync(log, `${JSON.stringify(EXEC)}\n`);
      await waitFor(() => alertLines(follow.stdout()).length === 3);
    } finally {
      const r = await follow.stop();
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(alertLines(r.stdout).map((l) => (JSON.parse(l) as { rule: string }).rule), ['Attach/Exec Pod', 'Create Privileged Pod', 'Attach/Exec Pod']);
    }
  });

  it('every alert reaches a reader of stdout that is slow to read, before the run exits', async () => {
    // A thousand alerts (far more than a pipe holds) written while the reader is paused.
    const many = file('many.json', `${Array.from({ length: 1000 }, (_, i) => JSON.stringify({ ...PRIVILEGED, auditID: `many-${i}` })).join('\n')}\n`);
    const child = spawn(bin, ['run', '-c', conf, '-r', k8sRules, '--enable-source=k8s_audit', '-o', `plugins[0].open_params=${many}`,
      '-o', 'json_output=true', '-o', 'rule_matching=all', '-o', 'priority=debug', '-v'], { cwd: dir });
    child.stdout.pause();
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    await sleep(1500);
    child.stdout.resume();
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 0);
    const detected = /Events detected: (\d+)\n/.exec(out);
    assert.ok(detected !== null, out.slice(-500));
    assert.equal(Number(detected[1]), 1000);
    assert.equal(alertLines(out).length, 1000);
  });

  it('nothing a client sends stops the webhook: deep nesting, aborted bodies, garbage on the socket', async () => {
    const w = await startWebhookRun(['-c', file('robust.yaml', pluginsConfig()), '-r', k8sRules, '--enable-source=k8s_audit', '-o', 'plugins[0].open_params=http://127.0.0.1:0/k8s-audit',
      '-o', 'json_output=true'], dir);
    try {
      const deep = 100_000;
      const nested = `{"kind":"EventList","items":[{"kind":"Event","auditID":"d","stage":"ResponseComplete","stageTimestamp":"2024-05-01T10:00:00Z","requestObject":${'['.repeat(deep)}${']'.repeat(deep)}}]}`;
      assert.equal((await send(w.url, { contentType: 'application/json', body: nested })).status, 200);
      // A privileged pod whose containers nest 5000 deep: written by hand, JSON.stringify would overflow here.
      const deepContainers = JSON.stringify({ ...PRIVILEGED, requestObject: { spec: { containers: 'DEEP' } } })
        .replace('"DEEP"', `${'['.repeat(5000)}${']'.repeat(5000)}`);
      assert.equal((await send(w.url, { contentType: 'application/json', body: deepContainers })).status, 200);
      const u = new URL(w.url);
      // A body cut short, and bytes that are not HTTP.
      await rawSend(Number(u.port), `POST ${u.pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"kind":`);
      await rawSend(Number(u.port), '\x16\x03\x01garbage\r\n\r\n');
      assert.equal((await post(w.url, PRIVILEGED)).status, 200);
    } finally {
      const r = await w.stop();
      assert.equal(r.status, 0, r.stderr);
      assert.ok(alertLines(r.stdout).some((l) => l.includes('"rule":"Create Privileged Pod"')), `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /: Loaded event sources: syscall, k8s_audit\n.*: Enabled event sources: k8s_audit\n/);
    }
  });
});

/** A run whose source is not a webhook: ready once it logs its source. */
function startWebhookRunLike(args: string[], cwd: string) {
  return startWebhookRun(args, cwd, /Opening event source 'k8s_audit': (file \S+)/);
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail('timed out');
    await sleep(25);
  }
}

/** Writes bytes on a new connection and closes it half a second later. */
function rawSend(port: number, bytes: string): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(bytes);
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 500);
    });
    s.on('error', () => resolve());
  });
}
