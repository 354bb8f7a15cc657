// Reloading live (root only), without a restart: a rule added to a watched file fires on an action
// taken 2 s after the edit, with only its programs attached (and detached when it goes), checked on
// the loader's BPF links; no action taken during a reload is missed, and a process started before
// it keeps its name and parent in the alerts after it; a Kubernetes ConfigMap update (the ..data
// symlink swap) reloads; a broken rules file keeps the old rules running, with one error line and
// the failure counted (in -v and in /metrics); SIGHUP reloads the configuration (watching off) and does not end the run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { killLeftovers, LiveRun, liveSkipReason, runProgram, stablePack } from './live.js';
import { bpfLinks } from '../support/bpf-links.js';

const skip = liveSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The test process: the parent of every program it starts. */
const selfComm = readFileSync('/proc/self/comm', 'utf8').trim();

/** The marker command's rule: in every rules file of these tests, before and after each reload. */
const markerRule = `
- rule: gwrl marker exec
  desc: the marker command ran
  condition: evt.type in (execve, execveat) and proc.name = gwrl-marker
  output: marker ran (command=%proc.cmdline parent=%proc.pname)
  priority: WARNING
`;
/** A rule on calls nothing else asks the probe for: a reload that adds it attaches mkdir and mkdirat. */
const mkdirRule = `
- rule: gwrl new directory
  desc: a directory named gwrl-newdir was made
  condition: evt.type in (mkdir, mkdirat) and fs.path.name contains gwrl-newdir
  output: directory made (path=%fs.path.name proc=%proc.name parent=%proc.pname)
  priority: WARNING
`;

/** Link ids bpftool lists (the kernel's view). */
function bpftoolLinks(): Set<number> {
  const r = spawnSync('bpftool', ['-j', 'link', 'show'], { encoding: 'utf8' });
  return new Set((JSON.parse(r.stdout) as { id: number }[]).map((l) => l.id));
}

/** Waits until ghostwatch's log has `count` lines matching `re`; returns when (ms). */
async function logged(gw: LiveRun, re: RegExp, count = 1, ms = 10_000): Promise<number> {
  const all = new RegExp(re.source, 'gm');
  for (const end = Date.now() + ms; Date.now() < end; await sleep(5)) {
    if ((gw.log.match(all) ?? []).length >= count) return Date.now();
  }
  assert.fail(`ghostwatch did not log ${String(re)} ${count} time(s) within ${ms} ms:\n${gw.log}`);
}

const markers = (gw: LiveRun) => gw.alerts.filter((a) => a.rule === 'gwrl marker exec');

describe('live reload', { skip }, () => {
  let dir: string;
  let marker: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-e2e-reload-'));
    marker = join(dir, 'gwrl-marker');
    copyFileSync('/bin/true', marker);
    chmodSync(marker, 0o755);
  });
  after(async () => {
    await killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a rule added to a watched file fires 2 s after the edit; only its programs are attached, then detached', async () => {
    const rules = join(dir, 'watched.yaml');
    writeFileSync(rules, markerRule);
    const gw = new LiveRun(['-r', rules, '-o', 'json_output=true', '-v']);
    await gw.ready();
    const loader = gw.loaderPid()!;
    const before = bpfLinks(loader);
    assert.ok(before.size > 0);

    writeFileSync(rules, markerRule + mkdirRule);
    await sleep(2000);
    const made = join(dir, 'gwrl-newdir');
    const r = await runProgram('mkdir', [made]);
    const a = await gw.alert((x) => x.rule === 'gwrl new directory');
    assert.ok(a !== undefined, `no alert for the new rule:\n${gw.log}`);
    assert.ok(a.receivedAt - r.endedAt < 1000, `alert ${a.receivedAt - r.endedAt} ms after the action`);
    assert.equal(a.output_fields['fs.path.name'], made);
    assert.match(gw.log, new RegExp(`Change detected in ${rules}, restarting\\.\\.\\.`));
    assert.match(gw.log, /Restart complete: new rules in force \d+ ms after the request .*: 2 rules in force \(were 1\); event types attached: mkdir, mkdirat; detached: none/);

    // Every link of before is still there, the same; the new ones are mkdir's and mkdirat's.
    const withRule = bpfLinks(loader);
    for (const [id, tp] of before) assert.equal(withRule.get(id), tp, `${tp} kept its link ${id}`);
    const added = [...withRule].filter(([id]) => !before.has(id));
    assert.deepEqual(added.map(([, tp]) => tp).sort(), ['sys_exit_mkdir', 'sys_exit_mkdirat']);
    const kernel = bpftoolLinks();
    for (const [id] of withRule) assert.ok(kernel.has(id), `bpftool lists link ${id}`);

    // The rule goes: its programs are detached, the others stay as they were.
    writeFileSync(rules, markerRule);
    await logged(gw, /Restart complete/, 2);
    assert.match(gw.log, /1 rules in force \(were 2\); event types attached: none; detached: mkdir, mkdirat/);
    assert.deepEqual(bpfLinks(loader), before);
    const gone = bpftoolLinks();
    for (const [id] of added) assert.ok(!gone.has(id), `link ${id} detached`);

    gw.signal('SIGTERM');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stderr, /^Reloads: 2 succeeded, 0 failed$/m);
  });

  it('no action taken during a reload is missed; a process started before it keeps its name and parent', async () => {
    const rules = join(dir, 'during.yaml');
    writeFileSync(rules, markerRule);
    // The stock rules too: a reload then has real work (about 100-300 ms of loading).
    const gw = new LiveRun(['-r', stablePack!, '-r', rules, '-o', 'json_output=true', '-v']);
    await gw.ready();

    // A process started before the reload, which acts after it: it opens the trigger file itself.
    const elder = join(dir, 'gwrl-elder');
    const trigger = join(dir, 'trigger');
    const go = join(dir, 'go');
    writeFileSync(trigger, 'x\n');
    writeFileSync(elder, `#!/bin/sh\nwhile [ ! -e ${go} ]; do sleep 0.02; done\nread x < ${trigger}\n`);
    chmodSync(elder, 0o755);
    const child = spawn(elder, [], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('close', r));
    await sleep(300);

    // The marker runs back to back, from before the edit until after the reload is done.
    let ran = 0;
    let during = 0;
    let edited = 0;
    let done = 0;
    const loop = (async () => {
      while (done === 0 || Date.now() < done + 500) {
        const r = await runProgram(marker, [String(ran)]);
        assert.equal(r.status, 0);
        ran++;
        if (edited > 0 && done === 0) during++;
      }
    })();
    await sleep(500);
    writeFileSync(rules, `${markerRule}
- rule: gwrl trigger read
  desc: the trigger file was opened
  condition: evt.type in (open, openat, openat2) and fd.name = ${trigger}
  output: trigger read (proc=%proc.name parent=%proc.pname ppid=%proc.ppid pid=%proc.pid)
  priority: WARNING
`);
    edited = Date.now();
    done = await logged(gw, /Restart complete/);
    await loop;
    assert.ok(during > 0, 'markers ran during the reload');
    for (let i = 0; i < 200 && markers(gw).length < ran; i++) await sleep(10);
    const seen = new Set(markers(gw).map((a) => /command=gwrl-marker (\d+)/.exec(a.output)?.[1]));
    const missed = Array.from({ length: ran }, (_, i) => String(i)).filter((i) => !seen.has(i));
    assert.deepEqual(missed, [], `${ran} markers ran (${during} during the ${done - edited} ms reload)`);

    writeFileSync(go, '');
    await exited;
    const a = await gw.alert((x) => x.rule === 'gwrl trigger read');
    assert.ok(a !== undefined, `no alert for the process started before the reload:\n${gw.log}`);
    assert.equal(a.output_fields['proc.name'], 'gwrl-elder');
    assert.equal(a.output_fields['proc.pid'], child.pid);
    assert.equal(a.output_fields['proc.pname'], selfComm);
    assert.equal(a.output_fields['proc.ppid'], process.pid);

    gw.signal('SIGTERM');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stderr, /^Reloads: 1 succeeded, 0 failed$/m);
    process.stderr.write(`reload under markers: ${ran} markers, ${during} during the reload, ${done - edited} ms from the edit to the new rules `
      + `(250 ms of it the debounce); ${/^Driver Drops:.*$/m.exec(f.stderr)?.[0] ?? ''}\n`);
  });

  it('a ConfigMap update (the ..data symlink swapped) reloads the rules directory', async () => {
    // The kubelet's layout: rules.yaml -> ..data/rules.yaml, ..data -> ..<timestamp>.
    const mount = join(dir, 'configmap');
    mkdirSync(join(mount, '..v1'), { recursive: true });
    writeFileSync(join(mount, '..v1', 'rules.yaml'), markerRule);
    symlinkSync('..v1', join(mount, '..data'));
    symlinkSync('..data/rules.yaml', join(mount, 'rules.yaml'));
    const gw = new LiveRun(['-r', mount, '-o', 'json_output=true']);
    await gw.ready();

    mkdirSync(join(mount, '..v2'));
    writeFileSync(join(mount, '..v2', 'rules.yaml'), markerRule + mkdirRule);
    symlinkSync('..v2', join(mount, '..data_tmp'));
    renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
    rmSync(join(mount, '..v1'), { recursive: true });
    await logged(gw, /Restart complete/);
    await runProgram('mkdir', [join(dir, 'gwrl-newdir-cm')]);
    assert.ok(await gw.alert((x) => x.rule === 'gwrl new directory'), `no alert after the ConfigMap update:\n${gw.log}`);
    gw.signal('SIGTERM');
    assert.equal((await gw.finished).status, 0);
  });

  it('a broken rules file keeps the old rules running: one error line, the failure counted and alerted', async () => {
    const rules = join(dir, 'broken.yaml');
    writeFileSync(rules, markerRule);
    const gw = new LiveRun(['-r', rules, '-o', 'json_output=true', '-v', '-o', 'webserver.enabled=true', '-o', 'webserver.listen_port=0',
      '-o', 'webserver.prometheus_metrics_enabled=true', '-o', 'metrics.enabled=true']);
    await gw.ready();
    const port = /Starting health webserver, listening on 127\.0\.0\.1:(\d+)/.exec(gw.log)?.[1];
    assert.ok(port !== undefined, gw.log);
    /** A sample of /metrics. */
    const metric = async (re: RegExp) => Number(re.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1]);

    writeFileSync(rules, `${markerRule}
- rule: gwrl broken
  desc: its condition does not parse
  condition: evt.type = execve and
  output: o
  priority: WARNING
`);
    await logged(gw, /Restart failed/);
    const from = gw.alerts.length;
    await runProgram(marker, ['after-failure']);
    assert.ok(await gw.alert((x) => x.rule === 'gwrl marker exec' && x.output.includes('after-failure'), 5000, from), 'the old rules still fire');

    const errors = gw.log.split('\n').filter((l) => /fail|error/i.test(l));
    assert.equal(errors.length, 1, `one error line:\n${gw.log}`);
    assert.match(errors[0], new RegExp(`Restart failed, the running configuration and rules stay in force: ${rules}: Invalid: .*gwrl broken.* at ${rules}:\\d+:\\d+`));
    const internal = gw.alerts.find((x) => x.rule === 'Falco internal: hot restart failure');
    assert.ok(internal !== undefined, "Falco's internal alert");
    assert.equal(internal.priority, 'Critical');
    assert.equal(internal.source, 'internal');

    assert.equal(await metric(/^ghostwatch_reloads_total\{result="failed"\} (\d+)$/m), 1);

    // Fixed: the next reload succeeds.
    writeFileSync(rules, markerRule + mkdirRule);
    await logged(gw, /Restart complete/);
    assert.equal(await metric(/^ghostwatch_reloads_total\{result="succeeded"\} (\d+)$/m), 1);
    assert.equal(await metric(/^ghostwatch_reloads_total\{result="failed"\} (\d+)$/m), 1);
    gw.signal('SIGTERM');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stderr, /^Reloads: 1 succeeded, 1 failed$/m);
  });

  it('SIGHUP reloads the configuration and rules (watching off) and does not end the run', async () => {
    const rules = join(dir, 'hup.yaml');
    writeFileSync(rules, markerRule);
    const config = join(dir, 'hup-config.yaml');
    const configText = (priority: string) => `stdout_output:\n  enabled: true\njson_output: true\nlog_stderr: true\n`
      + `watch_config_files: false\npriority: ${priority}\n`;
    writeFileSync(config, configText('debug'));
    const gw = new LiveRun(['-c', config, '-r', rules, '-v']);
    await gw.ready();

    await runProgram(marker, ['one']);
    assert.ok(await gw.alert((x) => x.output.includes('gwrl-marker one')));
    // Not watched: an edit alone changes nothing.
    writeFileSync(config, configText('error'));
    await sleep(800);
    assert.doesNotMatch(gw.log, /restarting/);
    await runProgram(marker, ['two']);
    assert.ok(await gw.alert((x) => x.output.includes('gwrl-marker two')));

    // As a hangup or `kill -HUP -PGID` delivers it: to the probe's loader as well, which ignores it.
    const loader = gw.loaderPid();
    assert.ok(loader !== undefined);
    process.kill(loader, 'SIGHUP');
    gw.signal('SIGHUP');
    await logged(gw, /Restart complete/);
    assert.match(gw.log, /SIGHUP received, restarting\.\.\./);
    assert.equal(gw.loaderPid(), loader, 'the loader survives a SIGHUP');
    // priority: error now: the marker's WARNING rule no longer runs.
    await runProgram(marker, ['three']);
    assert.equal(await gw.alert((x) => x.output.includes('gwrl-marker three'), 1000), undefined);

    gw.signal('SIGTERM');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.equal(f.signal, null);
    assert.match(f.stderr, /^Reloads: 1 succeeded, 0 failed$/m);
  });
});
