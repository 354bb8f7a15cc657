// The live source against the running kernel (root only): the /proc scan comes first as the
// header, then the probe's events, through the same handlers and state engine as a capture file;
// processes started before it are known by name, arguments and open files.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { EVENT_TABLE } from '../../src/capture/event-table.js';
import { openLive } from '../../src/sources/live.js';
import { State } from '../../src/state/state.js';
import { repoRoot } from '../helpers.js';

const skip =
  process.getuid?.() !== 0 ? 'needs root (loading eBPF programs)'
    : !existsSync('/sys/kernel/btf/vmlinux') ? 'needs a kernel with BTF (/sys/kernel/btf/vmlinux)'
      : false;

/** Our child processes that are the probe's loader. */
function probeChildren(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return stat.includes('(ghostwatch-prob') && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
    } catch {
      return false;
    }
  }).map(Number);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(() => {
  if (skip !== false) return;
  const r = spawnSync('bash', ['scripts/build-probe.sh'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, `build-probe.sh failed:\n${r.stderr}`);
});

test('a process started before the source is known from the scan: its name, arguments and the file it opened', { skip }, async () => {
  // bash opens /etc/hostname as fd 7, then waits; once the source is open it reads from fd 7 and exits.
  const early = spawn('bash', ['-c', 'exec 7</etc/hostname; read -r _ <&0; read -r -u 7 line; exit 3', 'early-marker'], { stdio: ['pipe', 'ignore', 'ignore'] });
  await sleep(300);
  const live = await openLive({ syscalls: ['read', 'procexit'] });
  const scanned = live.header.procs.find((p) => p.tid === early.pid);
  assert.ok(scanned !== undefined, 'the scan lists the earlier process');
  assert.deepEqual(scanned.args, ['-c', 'exec 7</etc/hostname; read -r _ <&0; read -r -u 7 line; exit 3', 'early-marker']);
  assert.ok(live.header.fds.some((f) => f.pid === early.pid && f.fd === 7 && f.name === '/etc/hostname'));

  const state = new State();
  let read: { comm: string; fd: string | undefined } | undefined;
  let exit: { comm: string; args: string[] } | undefined;
  let headerFirst = false;
  let events = 0;
  const reading = live.read({
    header(h) {
      // The scan itself, before any event: not the probe's own header blocks.
      headerFirst = h === live.header && events === 0;
      state.seed(h);
    },
    event(e) {
      events++;
      state.process(e);
      if (e.tid !== early.pid || e.thread === undefined) return;
      const name = EVENT_TABLE[e.type].name;
      if (name === 'read' && e.fdNum === 7) read = { comm: e.thread.comm, fd: e.fd?.name };
      if (name === 'procexit') exit = { comm: e.thread.comm, args: e.thread.args };
    },
  });
  early.stdin.end('go\n');
  for (const end = Date.now() + 5000; exit === undefined && Date.now() < end;) await sleep(20);
  await live.stop();
  await reading;

  assert.ok(headerFirst, 'the scan is the header, before the first event');
  assert.deepEqual(read, { comm: 'bash', fd: '/etc/hostname' });
  assert.deepEqual(exit, { comm: 'bash', args: ['-c', 'exec 7</etc/hostname; read -r _ <&0; read -r -u 7 line; exit 3', 'early-marker'] });
  assert.equal(live.drops().total, 0);
  assert.ok(live.counts().totalEvents > 0);
});

test('a handler returning false ends the stream and detaches the probe', { skip }, async () => {
  const live = await openLive({ syscalls: ['openat', 'procexit'] });
  let seen = 0;
  const reading = live.read({ header() {}, event: () => ++seen < 3 });
  spawnSync('cat', ['/etc/hostname']);
  await reading;
  assert.equal(seen, 3);
  assert.deepEqual(probeChildren(), [], 'the loader has exited');
  // stop() after the stream ended has nothing left to do.
  await live.stop();
});

test('an event the probe does not know is refused with the loader\'s one line', { skip }, async () => {
  await assert.rejects(openLive({ syscalls: ['openat', 'nosuchcall'] }), /^ProbeError: ghostwatch-probe: unknown event 'nosuchcall'/);
  assert.deepEqual(probeChildren(), []);
});
