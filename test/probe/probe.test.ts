// The live probe against the running kernel (root only): build it, attach it, run real programs
// and read what it saw through the capture reader and the state engine; drops, detaching, crashes,
// two probes at once, and the one-line refusals.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { EVENT_TABLE } from '../../src/capture/event-table.js';
import type { Event } from '../../src/capture/event.js';
import { ProbeError, STATE_EVENTS, listProbeEvents, probeBinary, startProbe, type Probe } from '../../src/probe/index.js';
import { State } from '../../src/state/state.js';
import { repoRoot } from '../helpers.js';

const skip =
  process.getuid?.() !== 0 ? 'needs root (loading eBPF programs)'
    : !existsSync('/sys/kernel/btf/vmlinux') ? 'needs a kernel with BTF (/sys/kernel/btf/vmlinux)'
      : false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until cond() holds, up to a few seconds (events arrive shortly after the action). */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !cond() && Date.now() < end;) await sleep(20);
}

function run(cmd: string, args: string[]): Promise<number> {
  const child = spawn(cmd, args, { stdio: 'ignore' });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
}

/** Read the probe's stream through the state engine, calling see() for every event. */
function watch(probe: Probe, see: (e: Event) => void): Promise<void> {
  const state = new State();
  return probe.read({
    header: (h) => state.seed(h),
    event(e) {
      state.process(e);
      see(e);
    },
  });
}

/** Ids of the BPF programs a process holds (from its fds' fdinfo). */
function heldProgramIds(pid: number): number[] {
  const ids = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    const m = /^prog_id:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
    if (m !== null) ids.add(Number(m[1]));
  }
  return [...ids];
}

function loadedProgramIds(): Set<number> {
  const list = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as { id: number }[];
  return new Set(list.map((p) => p.id));
}

async function assertGone(ids: number[]): Promise<void> {
  await until(() => ids.every((id) => !loadedProgramIds().has(id)));
  assert.deepEqual(ids.filter((id) => loadedProgramIds().has(id)), [], 'programs still loaded');
}

describe('live probe', { skip }, () => {
  before(() => {
    const r = spawnSync('bash', ['scripts/build-probe.sh'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, `build-probe.sh failed:\n${r.stderr}`);
  });

  test('the stream has the execve of cat with its arguments and its openat of /etc/hostname with the fd', async () => {
    const probe = await startProbe({ syscalls: ['execve', 'openat'] });
    let catPid = -1;
    let exec: { exe: string; args: string[]; comm: string; exepath: string } | undefined;
    let open: { fd: number; fdNum: number; fdName: string | undefined } | undefined;
    const reading = watch(probe, (e) => {
      if (e.tid !== catPid || e.thread === undefined) return;
      const name = EVENT_TABLE[e.type].name;
      if (name === 'execve' && e.paramInt(0) === 0) {
        exec = { exe: e.paramStr(1), args: e.thread.args, comm: e.thread.comm, exepath: e.thread.exepath };
      }
      if (name === 'openat' && e.paramStr(2) === '/etc/hostname') open = { fd: e.paramInt(0), fdNum: e.fdNum, fdName: e.fd?.name };
    });
    const cat = spawn('/bin/cat', ['/etc/hostname'], { stdio: 'ignore' });
    catPid = cat.pid!;
    await new Promise((r) => cat.on('close', r));
    await until(() => open !== undefined);
    await probe.stop();
    await reading;

    assert.deepEqual(exec, { exe: '/bin/cat', args: ['/etc/hostname'], comm: 'cat', exepath: realpathSync('/bin/cat') });
    // cat has only 0, 1 and 2 open when it opens its argument, and open() returns the lowest free fd.
    assert.deepEqual(open, { fd: 3, fdNum: 3, fdName: '/etc/hostname' });
    assert.equal(probe.drops().total, 0);
  });

  test('events lost to a full ring buffer are counted per event type, and every sent one arrives', async () => {
    const probe = await startProbe({ syscalls: ['read', 'write'], ringKb: 4 });
    let received = 0;
    const reading = watch(probe, () => { received++; });
    assert.equal(await run('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=100000']), 0);
    await probe.stop();
    await reading;

    const counts = probe.counts();
    const drops = probe.drops();
    assert.ok(drops.total > 0, 'a 4 KiB ring buffer cannot hold a dd bs=1 storm');
    assert.equal((drops.byEvent['read'] ?? 0) + (drops.byEvent['write'] ?? 0), drops.total);
    assert.ok(counts.totalEvents + counts.totalDrops >= 200_000, `dd made 200000 calls, probe saw ${counts.totalEvents + counts.totalDrops}`);
    assert.equal(received, counts.totalEvents, 'events the probe sent and events the reader got');
  });

  test('capture mode: each call has its 2022 enter event at its own time, every other call the generic event; writes carry snaplen bytes', async () => {
    const probe = await startProbe({ syscalls: ['write', 'procexit'], enterEvents: true, allSyscalls: true, snaplen: 8 });
    let pid = -1;
    const seen: { type: number; ts: bigint; data: string; nativeId: number }[] = [];
    const reading = watch(probe, (e) => {
      if (e.tid !== pid) return;
      const data = e.type === 9 ? e.buf.toString('latin1', e.paramOffset(1), e.paramOffset(1) + e.paramLen(1)) : '';
      seen.push({ type: e.type, ts: e.ts(), data, nativeId: e.type <= 1 ? e.paramUint(1) : -1 });
    });
    const child = spawn('sh', ['-c', 'printf 0123456789abcdef'], { stdio: ['ignore', 'pipe', 'ignore'] });
    pid = child.pid!;
    child.stdout.resume();
    await new Promise((r) => child.on('close', r));
    await until(() => seen.some((e) => e.type === 186));
    await probe.stop();
    await reading;

    // sh's write (before the exec, node's child writes to a pipe of its own).
    const exit = seen.map((e) => e.type).lastIndexOf(9);
    assert.ok(exit > 0, `a write exit in ${seen.map((e) => e.type).join(' ')}`);
    const enter = seen[exit - 1];
    assert.equal(enter.type, 8, 'the write enter event (2022 layout) just before its exit');
    assert.ok(enter.ts < seen[exit].ts, 'the enter event has the time the call started');
    assert.equal(seen[exit].data, '01234567');
    // sh's other calls (mmap is 9 on x86_64) are generic events in pairs.
    assert.ok(seen.some((e) => e.type === 0 && e.nativeId === 9) && seen.some((e) => e.type === 1 && e.nativeId === 9));
    assert.equal(probe.drops().total, 0);
  });

  test('stop() detaches everything the probe attached', async () => {
    const probe = await startProbe({ syscalls: ['openat', 'procexit'] });
    const ids = heldProgramIds(probe.pid);
    assert.equal(ids.length, 3, "openat, the open filter's rename helper, procexit");
    const loaded = loadedProgramIds();
    for (const id of ids) assert.ok(loaded.has(id), `program ${id} is loaded while the probe runs`);
    await probe.stop();
    assert.equal(await probe.exited, 0);
    await assertGone(ids);
  });

  test('a killed loader leaves nothing attached', async () => {
    const probe = await startProbe({ syscalls: ['openat', 'execve'] });
    const ids = heldProgramIds(probe.pid);
    assert.equal(ids.length, 4, "openat, the open filter's rename helper, execve failures and successful execs");
    process.kill(probe.pid, 'SIGKILL');
    await probe.exited;
    await assertGone(ids);
  });

  test('two probes at once both see the same exec', async () => {
    const [a, b] = await Promise.all([startProbe({ syscalls: ['execve'] }), startProbe({ syscalls: ['execve'] })]);
    let pid = -1;
    const seen = [0, 0];
    const readers = [a, b].map((p, i) => watch(p, (e) => { if (e.tid === pid && e.type === 293) seen[i]++; }));
    const child = spawn('/bin/true', [], { stdio: 'ignore' });
    pid = child.pid!;
    await new Promise((r) => child.on('close', r));
    await until(() => seen[0] > 0 && seen[1] > 0);
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all(readers);
    assert.deepEqual(seen, [1, 1]);
  });

  test('without root the loader says so in one line and exits 1', () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', probeBinary(), 'openat'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^ghostwatch-probe: not running as root[^\n]*\n$/);
  });

  test('where BPF is not allowed (a user namespace: root inside, no capabilities outside) it says so in one line', () => {
    const r = spawnSync('unshare', ['--user', '--map-root-user', probeBinary(), 'openat'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^ghostwatch-probe: eBPF is not available: [^\n]*\n$/);
  });

  test('without tracefs mounted the loader mounts it and attaches', () => {
    // In a private mount namespace, so the host's mounts are left alone.
    const script = 'umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null; ' +
      'test ! -e /sys/kernel/tracing/events && timeout -s INT 2 "$0" --stats-fd 2 openat >/dev/null';
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', script, probeBinary()], { encoding: 'utf8' });
    assert.match(r.stderr, /^\{"ready":true/);
    assert.match(r.stderr, /"final":true/);
  });

  test('an event the probe does not know is refused before anything is loaded', async () => {
    await assert.rejects(startProbe({ syscalls: ['openat', 'nosuchcall'] }), (err: Error) => {
      assert.ok(err instanceof ProbeError);
      assert.match(err.message, /unknown event 'nosuchcall'/);
      return true;
    });
  });

  test('the probe supports every event the state engine needs', () => {
    const supported = new Set(listProbeEvents());
    assert.deepEqual(STATE_EVENTS.filter((e) => !supported.has(e)), []);
  });
});
