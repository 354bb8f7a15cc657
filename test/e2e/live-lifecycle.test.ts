// `ghostwatch run` live, its life cycle and its drops (root only): SIGTERM detaches every program
// the probe attached, -M stops by itself, two runs at once both alert, dropped events raise Falco's
// drop alert and show in the -v counts, and without root the refusal is one line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bin, heldProgramIds, killLeftovers, LiveRun, liveSkipReason, loadedProgramIds, runProgram, stablePack } from './live.js';

const skip = liveSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'gw-e2e-life-'));
chmodSync(dir, 0o755); // the run without root reads the rules file too
/** A rule on the exec of one marker command only, so that nothing else on the host alerts. */
const rules = join(dir, 'marker.yaml');
writeFileSync(rules, `
- rule: marker exec
  desc: the marker command ran
  condition: evt.type in (execve, execveat) and proc.name = gwmarker
  output: marker ran (command=%proc.cmdline parent=%proc.pname)
  priority: WARNING
`);
const marker = join(dir, 'gwmarker');

/** Sizes of the BPF ring buffers a process holds (from its fds' fdinfo: map type 27). */
function ringBufferSizes(pid: number): number[] {
  const sizes: number[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    if (/^map_type:\s+27$/m.test(info)) sizes.push(Number(/^max_entries:\s+(\d+)$/m.exec(info)?.[1]));
  }
  return sizes;
}
const QUIET = ['-o', 'json_output=true'];

describe('live run life cycle', { skip }, () => {
  after(async () => {
    await killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM detaches every program the probe attached and exits 0', async () => {
    const gw = new LiveRun(['-r', stablePack!, ...QUIET]);
    await gw.ready();
    const loader = gw.loaderPid();
    assert.ok(loader !== undefined);
    const ids = heldProgramIds(loader);
    assert.ok(ids.length > 0, 'the loader holds its BPF programs');
    const loaded = loadedProgramIds();
    for (const id of ids) assert.ok(loaded.has(id));
    gw.signal('SIGTERM');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stderr, /SIGTERM received, exiting/);
    // The kernel frees a program once its last link is gone, and a raw tracepoint's link (task_rename)
    // goes only after an RCU grace period: a program may outlive the process by a moment, not more.
    let still = ids.filter((id) => loadedProgramIds().has(id));
    for (let i = 0; i < 50 && still.length > 0; i++) {
      await sleep(100);
      still = ids.filter((id) => loadedProgramIds().has(id));
    }
    assert.deepEqual(still, [], 'programs still loaded 5 s after exit');
  });

  it('-A adds the high-volume I/O calls the rules use; syscall_buf_size_preset sizes the ring buffer', async () => {
    const captured = (stderr: string) => /Capturing \d+ event types live: (.*)/.exec(stderr)?.[1]?.split(', ') ?? [];
    const reads = join(dir, 'reads.yaml');
    writeFileSync(reads, `
- rule: marker read
  desc: the marker command read something
  condition: evt.type = read and proc.name = gwmarker
  output: marker read (fd=%fd.name)
  priority: WARNING
`);
    const plain = new LiveRun(['-r', reads, ...QUIET, '-M', '1']);
    await plain.ready();
    const p = await plain.finished;
    assert.equal(p.status, 0, p.stderr);
    assert.ok(!captured(p.stderr).includes('read'), p.stderr);
    // Falco's warning names the rules' calls that are not captured.
    assert.match(p.stderr, /^Loaded rules match syscalls that are not activated .* warning \(unsupported-evttype\): read$/m);

    const all = new LiveRun(['-r', reads, ...QUIET, '-A', '-o', 'syscall_buf_size_preset=2']);
    await all.ready();
    const loader = all.loaderPid();
    assert.ok(loader !== undefined);
    assert.deepEqual(ringBufferSizes(loader), [2 << 20]);
    all.signal('SIGTERM');
    const a = await all.finished;
    assert.equal(a.status, 0, a.stderr);
    for (const call of ['read', 'openat', 'execve']) assert.ok(captured(a.stderr).includes(call), `${call}: ${a.stderr}`);
    assert.ok(!captured(a.stderr).includes('write'), 'only the I/O calls the rules use');
    assert.doesNotMatch(a.stderr, /unsupported-evttype/);
  });

  it('the first run after boot: tracefs not mounted yet, the probe mounts it and runs', async (t) => {
    const mounts = () => readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[2] === 'tracefs').map((l) => l.split(' ')[1]);
    for (const where of mounts()) {
      if (spawnSync('umount', [where]).status !== 0) { t.skip(`tracefs at ${where} is busy: cannot unmount it to test`); return; }
    }
    assert.deepEqual(mounts(), []);
    const gw = new LiveRun(['-r', stablePack!, ...QUIET, '-M', '2']);
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stderr, /Watching the live system/);
    assert.ok(mounts().length > 0, 'tracefs is mounted again');
  });

  it('-M stops a live run by itself after that many seconds', async () => {
    const started = Date.now();
    const gw = new LiveRun(['-r', rules, ...QUIET, '-M', '2']);
    await gw.ready();
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.ok(Date.now() - started < 15_000);
  });

  it('two runs at once both raise the alert', async () => {
    const runs = [new LiveRun(['-r', rules, ...QUIET]), new LiveRun(['-r', rules, ...QUIET])];
    await Promise.all(runs.map((r) => r.ready()));
    copyFileSync('/bin/true', marker);
    chmodSync(marker, 0o755);
    assert.equal((await runProgram(marker, ['both'])).status, 0);
    for (const r of runs) {
      const a = await r.alert((x) => x.rule === 'marker exec');
      assert.equal(a?.output_fields['proc.cmdline'], 'gwmarker both');
      r.signal('SIGINT');
    }
    for (const r of runs) assert.equal((await r.finished).status, 0);
  });

  it('events lost while ghostwatch cannot keep up raise the drop alert with the default actions (log, alert) and show in the -v counts', async () => {
    // Falco performs every configured action, in order: the default [log, alert] alerts too.
    // base_syscalls adds write, which no other run captures: the storm below cannot disturb the live
    // tests running at the same time.
    const gw = new LiveRun(['-r', rules, ...QUIET, '-v', '-o', 'log_level=debug',
      '-o', 'base_syscalls.custom_set[]=write', '-o', 'base_syscalls.all=true']);
    await gw.ready();
    // Stopped, ghostwatch reads nothing: the pipe and then the ring buffer fill, and the probe drops.
    process.kill(gw.pid, 'SIGSTOP');
    const storm = spawnSync('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=400000']);
    process.kill(gw.pid, 'SIGCONT');
    assert.equal(storm.status, 0, 'the write storm ran');
    // The drop monitor checks once a second of event time: keep events coming for a few seconds.
    let drop;
    for (let i = 0; i < 40 && drop === undefined; i++) {
      await runProgram('/bin/true', []);
      await sleep(100);
      drop = gw.alerts.find((a) => a.rule === 'Falco internal: syscall event drop');
    }
    assert.ok(drop !== undefined, 'no drop alert');
    assert.equal(drop.source, 'internal');
    assert.equal(drop.output_fields['ebpf_enabled'], '1');
    const n = Number(drop.output_fields['n_drops']);
    assert.ok(n > 0);
    assert.equal(drop.output_fields['n_drops_buffer_total'], String(n));
    assert.ok(Number(drop.output_fields['n_drops_buffer_write_exit']) > 0);
    assert.match(drop.output, /^Falco internal: syscall event drop\. \d+ system calls dropped in last second\.$/);
    gw.signal('SIGINT');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    const drops = /^Driver Drops:(\d+)$/m.exec(f.stderr);
    assert.ok(drops !== null && Number(drops[1]) >= n, f.stderr);
    assert.match(f.stderr, /^Driver Drops by event: .*write=\d+/m);
    // The log action: a debug message, before the alert.
    assert.match(f.stderr, /Falco internal: syscall event drop\. \d+ system calls dropped in last second\./);
    assert.match(f.stderr, /- event drop detected: [1-9]\d* occurrences/);
    assert.match(f.stderr, /- num times actions taken: [1-9]\d*/);
  });

  it('without root: one line saying so, exit 1', () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', bin, 'run', '-r', rules], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
    assert.deepEqual(errors.length, 1, r.stderr);
    assert.match(errors[0], /^Error: .*not running as root/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});
