// watch_config_files: each way a watched file changes calls back once, after the changes settle;
// other files in the same directory do not.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileWatcher } from '../../src/config/watch.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DEBOUNCE = 60;
/** Long enough for the events to arrive and the debounce to end. */
const SETTLE = DEBOUNCE + 250;

describe('FileWatcher', () => {
  let dir = '';
  let changes: string[] = [];
  let watcher: FileWatcher;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-watch-'));
    changes = [];
    watcher = new FileWatcher((p) => changes.push(p), { debounceMs: DEBOUNCE });
  });
  afterEach(() => {
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file written in place: one call for several writes', async () => {
    const f = join(dir, 'rules.yaml');
    writeFileSync(f, 'a');
    watcher.watch([f]);
    writeFileSync(f, 'b');
    writeFileSync(f, 'c');
    await sleep(SETTLE);
    assert.deepEqual(changes, [f]);
  });

  it('a file replaced by a rename (as editors and kubectl cp do)', async () => {
    const f = join(dir, 'falco.yaml');
    writeFileSync(f, 'a');
    watcher.watch([f]);
    writeFileSync(join(dir, '.falco.yaml.tmp'), 'b');
    renameSync(join(dir, '.falco.yaml.tmp'), f);
    await sleep(SETTLE);
    assert.equal(changes.length, 1);
  });

  it('other files of the directory are not watched', async () => {
    const f = join(dir, 'falco.yaml');
    writeFileSync(f, 'a');
    watcher.watch([f]);
    writeFileSync(join(dir, 'other.txt'), 'x');
    writeFileSync(join(dir, 'other.yaml'), 'x');
    await sleep(SETTLE);
    assert.deepEqual(changes, []);
  });

  it('a rules directory: a rules file added, changed or removed', async () => {
    const d = join(dir, 'rules.d');
    mkdirSync(d);
    watcher.watch([d]);
    writeFileSync(join(d, 'new.yaml'), '- list: x\n  items: []\n');
    await sleep(SETTLE);
    assert.equal(changes.length, 1);
    rmSync(join(d, 'new.yaml'));
    await sleep(SETTLE);
    assert.equal(changes.length, 2);
    writeFileSync(join(d, 'notes.txt'), 'x');
    await sleep(SETTLE);
    assert.equal(changes.length, 2, 'not a rules file');
  });

  it('a Kubernetes ConfigMap update: the ..data symlink swapped to a new directory', async () => {
    // The kubelet's layout: rules.yaml -> ..data/rules.yaml, ..data -> ..2024_01, then an update
    // writes ..2024_02 and renames a new ..data_tmp symlink over ..data.
    const mount = join(dir, 'rules.d');
    mkdirSync(join(mount, '..2024_01'), { recursive: true });
    writeFileSync(join(mount, '..2024_01', 'rules.yaml'), 'v1');
    symlinkSync('..2024_01', join(mount, '..data'));
    symlinkSync('..data/rules.yaml', join(mount, 'rules.yaml'));
    for (const watched of [mount, join(mount, 'rules.yaml')]) {
      changes = [];
      watcher.watch([watched]);
      const next = `..2024_0${watched === mount ? 2 : 3}`;
      mkdirSync(join(mount, next));
      writeFileSync(join(mount, next, 'rules.yaml'), 'v2');
      symlinkSync(next, join(mount, '..data_tmp'));
      renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
      await sleep(SETTLE);
      assert.equal(changes.length, 1, `watching ${watched}`);
    }
  });

  it('watch() replaces what was watched; close() stops calls', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, '');
    writeFileSync(b, '');
    watcher.watch([a]);
    watcher.watch([b]);
    writeFileSync(a, 'x');
    await sleep(SETTLE);
    assert.deepEqual(changes, []);
    writeFileSync(b, 'x');
    watcher.close();
    await sleep(SETTLE);
    assert.deepEqual(changes, []);
  });
});
