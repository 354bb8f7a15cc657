// Reloads: one at a time, requests during one folded into one more, failures counted and said once,
// nothing reported after close; which configuration changes need a restart; the loader thread and
// its inline fallback.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LoaderThread, Reloader, restartNeeded, sameValue, type ReloadHooks } from '../../src/cli/reload.js';
import { loadConfig } from '../../src/config/load.js';

const tick = () => new Promise((r) => setImmediate(r));

/** A Reloader whose reloads wait for the test to end them, and what it said. */
function harness(extra: Partial<ReloadHooks> = {}) {
  const said: string[] = [];
  const pending: { resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  let afters = 0;
  const reloader = new Reloader({
    reload: () => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })),
    info: (m) => said.push(`info ${m}`),
    error: (m, reason) => said.push(`error ${m} [${reason}]`),
    after: () => afters++,
    now: () => 0,
    ...extra,
  });
  return { reloader, said, pending, afters: () => afters };
}

describe('Reloader', () => {
  it('says why it restarts, then how it went; a success and a failure are counted', async () => {
    const h = harness();
    h.reloader.request({ kind: 'signal' });
    await tick();
    h.pending.shift()!.resolve('2 rules in force');
    await tick();
    h.reloader.request({ kind: 'file', path: '/etc/falco/falco_rules.yaml' });
    await tick();
    h.pending.shift()!.reject(new Error('rules.yaml: Invalid: LOAD_ERR_YAML_PARSE (...)'));
    await tick();
    await h.reloader.close();
    assert.deepEqual(h.said, [
      'info SIGHUP received, restarting...',
      'info Restart complete: new rules in force 0 ms after the request (probe, state and outputs kept): 2 rules in force',
      'info Change detected in /etc/falco/falco_rules.yaml, restarting...',
      'error Restart failed, the running configuration and rules stay in force: rules.yaml: Invalid: LOAD_ERR_YAML_PARSE (...) '
        + '[rules.yaml: Invalid: LOAD_ERR_YAML_PARSE (...)]',
    ]);
    assert.equal(h.reloader.summary(), 'Reloads: 1 succeeded, 1 failed\n');
    assert.equal(h.afters(), 2);
  });

  it('runs one reload at a time: requests during one make one more, after it', async () => {
    const h = harness();
    h.reloader.request({ kind: 'signal' });
    await tick();
    h.reloader.request({ kind: 'file', path: '/a' });
    h.reloader.request({ kind: 'file', path: '/b' });
    await tick();
    assert.equal(h.pending.length, 1, 'the second waits for the first');
    h.pending.shift()!.resolve('first');
    await tick();
    await tick();
    assert.equal(h.pending.length, 1, 'the requests made meanwhile are one reload');
    assert.ok(h.said.includes('info Change detected in /b, restarting...'));
    assert.ok(!h.said.some((s) => s.includes('/a')));
    h.pending.shift()!.resolve('second');
    await tick();
    await h.reloader.close();
    assert.equal(h.reloader.succeeded, 2);
  });

  it('after close: a reload under way is not counted, and requests are ignored', async () => {
    const h = harness();
    h.reloader.request({ kind: 'signal' });
    await tick();
    const closed = h.reloader.close();
    h.pending.shift()!.reject(new Error('the probe stopped before it answered'));
    await closed;
    h.reloader.request({ kind: 'signal' });
    await tick();
    assert.equal(h.pending.length, 0);
    assert.equal(h.reloader.summary(), 'Reloads: 0 succeeded, 0 failed\n');
    assert.ok(!h.said.some((s) => s.startsWith('error')));
  });

  it('a reload that throws at once fails like one that rejects', async () => {
    const h = harness({ reload: () => { throw new Error('Could not find configuration file at /nope.yaml'); } });
    h.reloader.request({ kind: 'signal' });
    await h.reloader.close();
    assert.equal(h.reloader.failed, 1);
    assert.match(h.said.at(-1)!, /^error Restart failed, .*: Could not find configuration file at \/nope.yaml/);
  });

  it('close waits for the reload under way, then closes what the hooks hold', async () => {
    let closedHook = false;
    const h = harness({ close: () => Promise.resolve(void (closedHook = true)) });
    h.reloader.request({ kind: 'signal' });
    await tick();
    const closed = h.reloader.close();
    await tick();
    assert.equal(closedHook, false);
    h.pending.shift()!.resolve('done');
    await closed;
    assert.equal(closedHook, true);
  });
});

describe('restartNeeded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-reload-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const config = (yaml: string) => {
    const file = join(dir, `c${Math.random()}.yaml`);
    writeFileSync(file, yaml);
    return loadConfig(file).config;
  };
  const base = 'stdout_output:\n  enabled: true\n';

  it('rules, selection, priority, formats, base_syscalls, logging and watching apply live', () => {
    const next = config(`${base}rules_files: [${dir}]\npriority: warning\nrule_matching: all\njson_output: true\n`
      + 'append_output:\n  - extra_output: x\nbase_syscalls:\n  custom_set: [mkdir]\nlog_level: debug\nwatch_config_files: false\n'
      + 'rules:\n  - disable:\n      tag: network\n');
    assert.deepEqual(restartNeeded(config(base), next, { engineFixed: false }), []);
  });

  it('outputs, buffers, the engine, plugins and the monitors need a restart, each named once', () => {
    const next = config('stdout_output:\n  enabled: false\nfile_output:\n  enabled: true\n  filename: /tmp/x\n'
      + 'syscall_buf_size_preset: 6\nengine:\n  kind: nodriver\nbuffered_outputs: true\noutputs:\n  rate: 3\n'
      + 'syscall_event_drops:\n  threshold: 0.5\nwebserver:\n  enabled: true\nmetrics:\n  enabled: true\n');
    assert.deepEqual(restartNeeded(config(base), next, { engineFixed: false }), [
      'engine', 'syscall_buf_size_preset', 'stdout_output', 'file_output', 'buffered_outputs', 'outputs', 'syscall_event_drops',
      'webserver', 'metrics',
    ]);
    // With -e the capture is the command line's: engine.kind does not matter.
    assert.ok(!restartNeeded(config(base), next, { engineFixed: true }).includes('engine'));
  });
});

describe('sameValue', () => {
  it('compares sets, maps, arrays and objects deeply', () => {
    assert.ok(sameValue({ a: [1, { b: new Set(['x']) }] }, { a: [1, { b: new Set(['x']) }] }));
    assert.ok(!sameValue(new Set(['x']), new Set(['y'])));
    assert.ok(sameValue(new Map([['k', [1]]]), new Map([['k', [1]]])));
    assert.ok(!sameValue({ a: 1 }, { a: 1, b: undefined }));
    assert.ok(!sameValue([1], { 0: 1 }));
    assert.ok(!sameValue(undefined, { filename: '/x' }));
  });
});

describe('LoaderThread', () => {
  it('without its module, loads inline', async () => {
    const loader = new LoaderThread<number, number>('/nonexistent/worker.js', (n) => n * 2);
    assert.equal(await loader.run(21), 42);
    await loader.close();
  });

  it('runs the work on a worker thread and keeps it for the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-loader-'));
    const file = join(dir, 'worker.mjs');
    writeFileSync(file, `import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', (n) => parentPort.postMessage({ n: n * 2, threadId }));\n`);
    const loader = new LoaderThread<number, { n: number; threadId: number }>(file, () => assert.fail('inline'));
    const a = await loader.run(1);
    const b = await loader.run(2);
    assert.equal(a.n, 2);
    assert.equal(b.n, 4);
    assert.notEqual(a.threadId, 0);
    assert.equal(a.threadId, b.threadId);
    await loader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends an idle worker; the next run starts another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-loader-'));
    const file = join(dir, 'worker.mjs');
    writeFileSync(file, `import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', () => parentPort.postMessage(threadId));\n`);
    const loader = new LoaderThread<number, number>(file, () => assert.fail('inline'), 50);
    const first = await loader.run(0);
    await new Promise((r) => setTimeout(r, 200));
    const second = await loader.run(0);
    assert.notEqual(first, second);
    await loader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker that fails gives way to the inline work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-loader-'));
    const file = join(dir, 'worker.mjs');
    writeFileSync(file, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('broken'); });\n");
    const loader = new LoaderThread<number, number>(file, (n) => n + 1);
    assert.equal(await loader.run(1), 2);
    assert.equal(await loader.run(5), 6);
    await loader.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
