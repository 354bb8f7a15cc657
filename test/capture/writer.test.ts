// The writer's output must be a capture sysdig reads exactly like the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../../src/capture/reader.js';
import { CaptureWriter } from '../../src/capture/writer.js';
import type { CaptureHeader } from '../../src/capture/records.js';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';
import { sysdigSkip } from '../support/sysdig.js';

const traces = sharedPath('falco', 'legacy-tests', 'trace_files');

async function copyCapture(src: string, dst: string, gzip: boolean): Promise<{ header: CaptureHeader; events: number }> {
  const w = new CaptureWriter(dst, { gzip });
  let header: CaptureHeader | undefined;
  let events = 0;
  await readCapture(src, {
    header(h) {
      header = h;
      w.writeHeader(h);
    },
    event(e) {
      events++;
      w.writeEvent(e);
    },
  });
  w.close();
  return { header: header!, events };
}

const sysdig = (file: string, ...args: string[]) =>
  execFileSync('sysdig', ['-r', file, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

for (const name of traces ? readdirSync(traces).filter((f) => f.endsWith('.scap')) : []) {
  test(`a copy of ${name} reads back the same in ghostwatch`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-writer-'));
    const copy = join(dir, name);
    const first = await copyCapture(join(traces!, name), copy, false);
    const second = await copyCapture(copy, join(dir, 'again.scap'), true);
    assert.equal(second.events, first.events);
    assert.deepEqual(second.header.procs, first.header.procs.map((p) => ({ ...p, loginuid: p.loginuid, pidnsInitStartTs: 0, tty: 0, capInheritable: 0n, capPermitted: 0n, capEffective: 0n, exeUpperLayer: false, exeIno: 0, exeInoCtime: 0, exeInoMtime: 0, exeFromMemfd: false, pgid: -1 })));
    assert.deepEqual(second.header.fds.map((f) => [f.pid, f.fd, f.name]), first.header.fds.map((f) => [f.pid, f.fd, f.name]));
    assert.deepEqual(second.header.users, first.header.users);
    assert.deepEqual(second.header.ifaces, first.header.ifaces);
  });

  test(`sysdig prints a copy of ${name} exactly like the original`, { skip: sysdigSkip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-writer-'));
    const copy = join(dir, name);
    await copyCapture(join(traces!, name), copy, false);
    const fmt = '*%evt.num %evt.time %evt.cpu %proc.name %proc.exepath %proc.cmdline %proc.cwd %user.name (%thread.tid) %evt.dir %evt.type %fd.name %evt.info';
    assert.equal(sysdig(copy, '-v', '-p', fmt), sysdig(join(traces!, name), '-v', '-p', fmt));
  });
}

test('strings longer than libscap allows in the header lists are cut, so sysdig still reads the copy and prints what ghostwatch prints', { skip: traces === undefined ? SHARED_MISSING : sysdigSkip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-writer-'));
  const copy = join(dir, 'long.scap');
  const w = new CaptureWriter(copy, {});
  const long = (n: number, c: string) => c.repeat(n);
  // connect_localhost.scap has events of processes from its process list (systemd-udevd...).
  await readCapture(join(traces!, 'connect_localhost.scap'), {
    header(h) {
      // Every thread gets a command line of 30 kB, an environment of 10 kB, paths of 2 kB; every fd
      // name is 2 kB; every user and group name 300 bytes. /proc holds such processes.
      for (const p of h.procs) {
        Object.assign(p, { args: [long(30000, 'a'), 'b'], env: [long(10000, 'e')], cwd: `/${long(2000, 'c')}`, exepath: `/${long(2000, 'x')}`, root: `/${long(2000, 'r')}`, exe: long(2000, 'n') });
        p.cgroups = Array.from({ length: 200 }, (_, i) => [`ctl${i}`, `/${long(30, 'g')}`] as [string, string]);
      }
      for (const f of h.fds) f.name = `/${long(2000, 'f')}`;
      for (const u of h.users) u.name = long(300, 'u');
      for (const g of h.groups) g.name = long(300, 'g');
      w.writeHeader(h);
    },
    event(e) { w.writeEvent(e); },
  });
  w.close();
  const fmt = '%evt.num %proc.exe %proc.exepath %proc.cmdline %proc.cwd %user.name %group.name %fd.name %evt.type';
  const ours = execFileSync(join(repoRoot, 'bin', 'ghostwatch'), ['events', '-r', copy, '-p', fmt], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const theirs = sysdig(copy, '-p', fmt);
  assert.ok(theirs.includes(`a`.repeat(4000)), 'the command line is kept up to the limit');
  assert.ok(!theirs.includes(`a`.repeat(4100)), 'and cut there');
  assert.equal(ours, theirs);
});

test('a compressed capture is written as it goes, one gzip member a megabyte, and reads back whole in sysdig and ghostwatch', { skip: traces === undefined ? SHARED_MISSING : sysdigSkip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-writer-'));
  const copy = join(dir, 'big.scap.gz');
  const w = new CaptureWriter(copy, { gzip: true });
  let written = 0;
  const passes = 50; // about 3.5 MB of events
  for (let pass = 0; pass < passes; pass++) {
    await readCapture(join(traces!, 'ping_sendto.scap'), {
      header(h) {
        if (pass === 0) w.writeHeader(h);
      },
      event(e) {
        w.writeEvent(e);
        written++;
      },
    });
    // Written as it goes: the file grows before the end.
    if (pass === passes - 1) assert.ok(statSync(copy).size > 0, 'nothing was written before close');
  }
  w.close();
  const bytes = readFileSync(copy);
  let members = 0;
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0x1f && bytes[i + 1] === 0x8b && bytes[i + 2] === 8) members++;
  assert.ok(members > 1, `one gzip member only: ${members}`);
  let read = 0;
  await readCapture(copy, { header() {}, event() { read++; } });
  assert.equal(read, written);
  // sysdig reads it as it reads the same capture uncompressed.
  const plain = join(dir, 'big.scap');
  writeFileSync(plain, gunzipSync(bytes));
  assert.equal(sysdig(copy), sysdig(plain));
});

if (traces === undefined) test('writer round trips on the shared captures', { skip: SHARED_MISSING }, () => {});
