// Changing the probe's events while it runs (setSyscalls): only the difference goes to the loader,
// one call after the other, and a refusal changes nothing. First against a stand-in loader that
// records the control lines it gets, then against the real probe (root): the programs of the
// events added are attached and their events arrive, those of the events removed are detached,
// the others keep their links.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EVENT_TABLE } from '../../src/capture/event-table.js';
import { ProbeError, startProbe, type Probe } from '../../src/probe/index.js';
import { repoRoot } from '../helpers.js';
import { bpfLinks } from '../support/bpf-links.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-control-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A loader that speaks the control protocol: it logs each line and refuses events named bogus*. */
const fake = join(dir, 'fake-probe.mjs');
const log = join(dir, 'control.log');
writeFileSync(fake, `#!/usr/bin/env node
import { appendFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
const events = new Set(process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--')));
const say = (o) => writeSync(3, JSON.stringify(o) + '\\n');
say({ ready: true, programs: events.size });
createInterface({ input: process.stdin }).on('line', (line) => {
  appendFileSync(${JSON.stringify(log)}, line + '\\n');
  const [verb, ...names] = line.split(' ');
  const bad = names.find((n) => n.startsWith('bogus'));
  if (verb === 'attach' && bad) return say({ reply: verb, ok: false, error: "unknown event '" + bad + "'" });
  for (const n of names) verb === 'attach' ? events.add(n) : events.delete(n);
  say({ reply: verb, ok: true, programs: events.size, ms: 0 });
});
process.on('SIGTERM', () => process.exit(0));
`);
chmodSync(fake, 0o755);
const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter((l) => l !== '') : []);

describe('setSyscalls against a stand-in loader', () => {
  it('sends only the difference: attach the new, detach the gone, nothing when equal', async () => {
    rmSync(log, { force: true });
    const probe = await startProbe({ syscalls: ['openat', 'close', 'procexit'], binary: fake });
    try {
      assert.deepEqual(probe.syscalls, ['close', 'openat', 'procexit']);
      const change = await probe.setSyscalls(['openat', 'procexit', 'mkdir', 'mkdirat']);
      assert.deepEqual(change, { attached: ['mkdir', 'mkdirat'], detached: ['close'], programs: 4 });
      assert.deepEqual(await probe.setSyscalls(['mkdir', 'mkdirat', 'openat', 'procexit']), { attached: [], detached: [], programs: 4 });
      assert.deepEqual(lines(), ['attach mkdir mkdirat', 'detach close']);
      assert.deepEqual(probe.syscalls, ['mkdir', 'mkdirat', 'openat', 'procexit']);
    } finally {
      await probe.stop();
    }
  });

  it('a refused attach changes nothing, and the next call still works', async () => {
    rmSync(log, { force: true });
    const probe = await startProbe({ syscalls: ['openat', 'procexit'], binary: fake });
    try {
      await assert.rejects(probe.setSyscalls(['procexit', 'bogus1']), (e: Error) => e instanceof ProbeError && /unknown event 'bogus1'/.test(e.message));
      assert.deepEqual(probe.syscalls, ['openat', 'procexit'], 'nothing detached after the refusal');
      await probe.setSyscalls(['procexit']);
      assert.deepEqual(lines(), ['attach bogus1', 'detach openat']);
    } finally {
      await probe.stop();
    }
  });

  it('calls made together run one after the other, each against the result of the one before', async () => {
    rmSync(log, { force: true });
    const probe = await startProbe({ syscalls: ['procexit'], binary: fake });
    try {
      const results = await Promise.all([
        probe.setSyscalls(['procexit', 'openat']),
        probe.setSyscalls(['procexit', 'openat', 'close']),
        probe.setSyscalls(['procexit']),
      ]);
      assert.deepEqual(results.map((r) => [r.attached, r.detached]), [[['openat'], []], [['close'], []], [[], ['close', 'openat']]]);
      assert.deepEqual(lines(), ['attach openat', 'attach close', 'detach close openat']);
    } finally {
      await probe.stop();
    }
  });

  it('after stop, a change is refused', async () => {
    const probe = await startProbe({ syscalls: ['procexit'], binary: fake });
    await probe.stop();
    await assert.rejects(probe.setSyscalls(['openat']), ProbeError);
  });
});

const skip = process.getuid?.() !== 0 ? 'needs root (loading eBPF programs)'
  : !existsSync('/sys/kernel/btf/vmlinux') ? 'needs a kernel with BTF (/sys/kernel/btf/vmlinux)'
    : false;

const run = (cmd: string, args: string[]) => new Promise<void>((resolve) => spawn(cmd, args, { stdio: 'ignore' }).on('close', () => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('setSyscalls on the live probe', { skip }, () => {
  let probe: Probe | undefined;
  after(async () => probe?.stop());

  it('attaches and detaches only the difference; the events added arrive, the others keep their links', async () => {
    execFileSync('bash', ['scripts/build-probe.sh'], { cwd: repoRoot, stdio: 'ignore' });
    probe = await startProbe({ syscalls: ['openat', 'execve', 'procexit'] });
    const seen = new Map<string, number>();
    const reading = probe.read({
      header: () => undefined,
      event: (e) => {
        const name = EVENT_TABLE[e.type]?.name ?? '';
        seen.set(name, (seen.get(name) ?? 0) + 1);
      },
    });
    const before = bpfLinks(probe.pid);
    assert.deepEqual([...before.values()].sort(), ['sched_process_exec', 'sched_process_exit', 'sys_exit_execve', 'sys_exit_openat', 'task_rename']);

    const added = await probe.setSyscalls(['openat', 'execve', 'procexit', 'mkdir', 'mkdirat']);
    assert.deepEqual(added.attached, ['mkdir', 'mkdirat']);
    const withMkdir = bpfLinks(probe.pid);
    for (const [id, tp] of before) assert.equal(withMkdir.get(id), tp, `${tp} kept its link`);
    assert.deepEqual([...withMkdir.values()].filter((tp) => ![...before.values()].includes(tp)).sort(), ['sys_exit_mkdir', 'sys_exit_mkdirat']);
    const made = join(dir, 'made');
    await run('mkdir', [made]);
    for (let i = 0; i < 100 && (seen.get('mkdir') ?? 0) + (seen.get('mkdirat') ?? 0) === 0; i++) await sleep(20);
    assert.ok((seen.get('mkdir') ?? 0) + (seen.get('mkdirat') ?? 0) > 0, 'the new program reports');

    // execve goes, and with it the exec helper; openat and the mkdir programs stay as they are.
    const removed = await probe.setSyscalls(['openat', 'procexit', 'mkdir', 'mkdirat']);
    assert.deepEqual(removed.detached, ['execve']);
    const after = bpfLinks(probe.pid);
    assert.deepEqual([...after.values()].sort(), ['sched_process_exit', 'sys_exit_mkdir', 'sys_exit_mkdirat', 'sys_exit_openat', 'task_rename']);
    for (const [id, tp] of after) assert.equal(withMkdir.get(id), tp, `${tp} kept its link`);

    // An event this kernel does not have: refused, nothing changed.
    await assert.rejects(probe.setSyscalls(['openat', 'procexit', 'nosuchcall']), /unknown event 'nosuchcall'/);
    assert.deepEqual(bpfLinks(probe.pid), after);

    // execve again: the program loaded at start is attached again.
    await probe.setSyscalls(['openat', 'procexit', 'execve']);
    assert.deepEqual([...bpfLinks(probe.pid).values()].sort(), ['sched_process_exec', 'sched_process_exit', 'sys_exit_execve', 'sys_exit_openat', 'task_rename']);
    await probe.stop();
    await reading;
    probe = undefined;
  });
});
