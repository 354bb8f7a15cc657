// `ghostwatch run` end to end: the built command on real captures, rules files, configurations and
// outputs (a file, a program, a local HTTP server). Needs `npm run build`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAlert } from '../alerts.js';
import { assertOneLineError, catWrite, ghostwatch as run, QUIET_CONFIG, scratch, skip } from './harness.js';

const { dir, file } = scratch('gw-run-');

const RULES = file('rules.yaml', `
- macro: is_cat
  condition: proc.name = cat
- rule: open_from_cat
  desc: A process named cat does an open
  condition: evt.type = open and is_cat
  output: "An open was seen (command=%proc.cmdline file=%fd.name)"
  priority: WARNING
  tags: [filesystem]
- rule: exec_of_cat
  desc: cat is started
  condition: evt.type = execve and is_cat
  output: "cat started (%proc.cmdline)"
  priority: NOTICE
  tags: [process]
`);
const QUIET = file('quiet.yaml', QUIET_CONFIG);

/** `ghostwatch run ARGS`. */
const ghostwatch = (args: string[], opts: { onSpawn?: (pid: number) => void } = {}) => run(['run', ...args], dir, opts);

describe('ghostwatch run', { skip }, () => {
  it('prints an alert per detection and, with -v, the counts', async () => {
    const r = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '-o', 'time_format_iso_8601=true', '-v']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines.filter((l) => l.includes(': Warning An open was seen (command=cat /dev/null file=')).length, 8);
    assert.deepEqual(lines.slice(0, 2), [
      '2016-08-04T16:17:57.881730713+0000: Notice cat started (cat /dev/null)',
      // The enter event of open: no file yet.
      '2016-08-04T16:17:57.881781397+0000: Warning An open was seen (command=cat /dev/null file=<NA>)',
    ]);
    assert.equal(lines[2], '2016-08-04T16:17:57.881785348+0000: Warning An open was seen (command=cat /dev/null file=/etc/ld.so.cache)');
    assert.ok(r.stdout.endsWith('Events detected: 9\nRule counts by severity:\n   WARNING: 8\n   NOTICE: 1\nTriggered rules by rule name:\n   open_from_cat: 8\n   exec_of_cat: 1\n'), r.stdout);
    assert.match(r.stderr, /^Elapsed time: [\d.]+, Captured Events: \d+, [\d.]+ eps\nSyscall event drop monitoring:\n/);
  });

  it('JSON alerts with json_output', async () => {
    const r = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '-o', 'json_output=true', '-t', 'process']);
    assert.equal(r.status, 0, r.stderr);
    const alert = parseAlert(r.stdout.trim());
    assert.equal(alert.rule, 'exec_of_cat');
    assert.equal(alert.priority, 'Notice');
    assert.deepEqual(alert.tags, ['process']);
    assert.equal(alert.output_fields['proc.cmdline'], 'cat /dev/null');
  });

  it('-D, -T and priority leave rules out', async () => {
    const d = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '-D', 'open', '-v']);
    assert.match(d.stdout, /Events detected: 1\n/);
    const t = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '-T', 'process', '-v']);
    assert.match(t.stdout, /Events detected: 8\n/);
    const p = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '-o', 'priority=warning', '-v']);
    assert.match(p.stdout, /Triggered rules by rule name:\n {3}open_from_cat: 8\n$/);
  });

  it('-p adds container (c), Kubernetes (k) or any text to every alert', async () => {
    const c = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '-t', 'process', '-pc']);
    assert.match(c.stdout, /: Notice cat started \(cat \/dev\/null\) container=host \(id=host\)\n$/);
    const f = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '-t', 'process', '-p', 'pid=%proc.pid']);
    assert.match(f.stdout, /: Notice cat started \(cat \/dev\/null\) pid=20072\n$/);
  });

  it('rate limiting holds alerts back but still counts the detections', async () => {
    const r = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '-o', 'outputs.rate=0.001', '-o', 'outputs.max_burst=3', '-v']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes('was seen') || l.includes('cat started')).length, 3);
    assert.match(r.stdout, /Events detected: 9\n/);
  });

  it('file, program and HTTP outputs receive the same alerts', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(`${req.headers['content-type']} ${body}`);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const alerts = join(dir, 'alerts.txt');
    const piped = join(dir, 'piped.txt');
    const config = file('outputs.yaml', `
json_output: true
log_stderr: false
stdout_output: {enabled: false}
file_output: {enabled: true, filename: ${alerts}}
program_output: {enabled: true, program: "cat >> ${piped}"}
http_output: {enabled: true, url: "http://127.0.0.1:${port}/falco"}
`);
    const r = await ghostwatch(['-r', RULES, '-c', config, '-e', catWrite!, '-t', 'process']);
    server.close();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    const fromFile = readFileSync(alerts, 'utf8');
    assert.equal(parseAlert(fromFile).rule, 'exec_of_cat');
    assert.equal(readFileSync(piped, 'utf8'), fromFile);
    // HTTP receives Falcosidekick's shape of the same alert, with its uuid.
    assert.equal(received.length, 1);
    assert.ok(received[0].startsWith('application/json '));
    const posted = JSON.parse(received[0].slice('application/json '.length)) as Record<string, unknown>;
    const written = parseAlert(fromFile);
    assert.match(posted.uuid as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual({ ...posted, uuid: '' }, {
      uuid: '', output: written.output, priority: written.priority, rule: written.rule, time: written.time, source: written.source,
      tags: written.tags, hostname: written.hostname, output_fields: written.output_fields,
    });
  });

  it('SIGUSR1 reopens the file output (log rotation)', async () => {
    const alerts = join(dir, 'rotated.txt');
    const config = file('rotate.yaml', `log_stderr: false\nfile_output: {enabled: true, keep_alive: true, filename: ${alerts}}\n`);
    let pid = 0;
    const running = ghostwatch(['-r', RULES, '-c', config, '-e', catWrite!, '-M', '20'], { onSpawn: (p) => (pid = p) });
    // -M keeps ghostwatch running (here 20 s, cut short by SIGTERM) once the capture is read, as Falco does.
    for (let i = 0; i < 150 && !(existsSync(alerts) && readFileSync(alerts, 'utf8').split('\n').length > 9); i++) await new Promise((r) => setTimeout(r, 100));
    renameSync(alerts, `${alerts}.1`);
    process.kill(pid, 'SIGUSR1');
    for (let i = 0; i < 100 && !existsSync(alerts); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(alerts), 'the file was not opened again');
    process.kill(pid, 'SIGTERM');
    const r = await running;
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(`${alerts}.1`, 'utf8').split('\n').length, 10);
    assert.equal(readFileSync(alerts, 'utf8'), '');
  });

  it('-V validates: JSON load results with json_output, exit 1 when a file fails', async () => {
    const bad = file('bad.yaml', '- rule: r\n  desc: d\n  condition: evt.type=open and\n  output: o\n  priority: INFO\n');
    const ok = await ghostwatch(['-V', RULES, '-c', QUIET, '-o', 'json_output=true']);
    assert.equal(ok.status, 0, ok.stderr);
    const res = (JSON.parse(ok.stdout.split('\n')[0]) as { falco_load_results: { successful: boolean }[] }).falco_load_results;
    assert.equal(res[0].successful, true);
    const ko = await ghostwatch(['-V', RULES, '-V', bad, '-c', QUIET]);
    assert.equal(ko.status, 1);
    assert.match(ko.stdout, /rules\.yaml: Ok\n.*bad\.yaml: Invalid/s);
    // Placed as -V places it (Falco's numbering): the rule at its 0-based mark, the spot in the condition.
    assertOneLineError(ko, /bad\.yaml: Invalid: LOAD_ERR_COMPILE_CONDITION \(Error compiling condition\): .* \(rule 'r' at .*bad\.yaml:0:2, condition expression at "evt\.type=open and":3:31\)$/m);
  });

  it('-L lists the rules, --list the fields, --dry-run reads no event', async () => {
    const l = await ghostwatch(['-r', RULES, '-c', QUIET, '-L']);
    assert.equal(l.status, 0);
    assert.match(l.stdout, /^Rule {46} Description\n-{4} {47}-{11}\nopen_from_cat {38}A process named cat does an open \n\nexec_of_cat/);
    const f = await ghostwatch(['--list', '-c', QUIET]);
    assert.equal(f.status, 0);
    assert.match(f.stdout, /^proc\.cmdline +/m);
    const d = await ghostwatch(['-r', RULES, '-c', QUIET, '-e', catWrite!, '--dry-run', '-v']);
    assert.equal(d.status, 0);
    assert.equal(d.stdout, '');
  });

  it('the configuration shipped with ghostwatch is used without -c; unimplemented Falco keys warn', async () => {
    const r = await ghostwatch(['-r', RULES, '-e', catWrite!, '-o', 'log_level=warning', '-o', 'grpc.enabled=true']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((x) => x.includes('Warning An open')).length, 8);
    assert.match(r.stderr, /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: Settings ghostwatch does not implement \(ignored\): grpc\n$/);
  });

  it('every error is one line and exit status 1', async () => {
    assertOneLineError(await ghostwatch(['-r', join(dir, 'missing.yaml'), '-c', QUIET, '-e', catWrite!]), /Could not get info on rules file .*missing\.yaml/);
    assertOneLineError(await ghostwatch(['-r', RULES, '-c', file('unknown.yaml', 'stdout_output: {enabled: true}\nfoo: 1\n'), '-e', catWrite!]),
      /unknown key 'foo' \(neither Falco nor ghostwatch knows it\)/);
    assertOneLineError(await ghostwatch(['-r', RULES, '-c', QUIET, '-o', 'json_output=perhaps', '-e', catWrite!]), /'json_output' must be a boolean/);
    assertOneLineError(await ghostwatch(['-r', RULES, '-c', QUIET, '-o', `file_output.enabled=true`, '-o', 'file_output.filename=/nonexistent/dir/a.txt', '-e', catWrite!]),
      /^Error: failed to open output file \/nonexistent\/dir\/a\.txt/);
    assertOneLineError(await ghostwatch(['-r', RULES, '-c', QUIET, '-D', 'x', '-t', 'y', '-e', catWrite!]),
      /^Error: You can not specify both disabled \(-D\/-T\) and enabled \(-t\) rules$/m);
    assertOneLineError(await ghostwatch(['-r', RULES, '-c', file('none.yaml', 'log_stderr: false\n'), '-e', catWrite!]), /No output configured/);
    assertOneLineError(await ghostwatch(['-r', file('broken.yaml', '- rule: x\n  desc: [\n'), '-c', QUIET, '-e', catWrite!]), /broken\.yaml: Invalid: LOAD_ERR_YAML_PARSE/);
    assertOneLineError(await ghostwatch(['-r', RULES, '-c', QUIET, '-e', join(dir, 'nocapture.scap')]), /nocapture\.scap: .*no such file/);
    // A file that cannot be read says why (not "Could not find").
    assertOneLineError(await ghostwatch(['-r', RULES, '-c', dir, '-e', catWrite!]), /^Error: Could not read configuration file at .*: illegal operation on a directory, read \(EISDIR\)$/m);
    const dangling = join(dir, 'dangling.yaml');
    symlinkSync(join(dir, 'nowhere'), dangling);
    assertOneLineError(await ghostwatch(['-V', dangling, '-c', QUIET]), /Could not (open file .*dangling\.yaml for reading: no such file or directory \(ENOENT\)|get info on rules file)/);
  });
});
