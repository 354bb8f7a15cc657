// The probe's filter of opens, live (root only): with the stock rules an open storm on plain files
// is kept back in the kernel (its opens and its closes, counted in -v, nothing dropped) while the
// opens the rules look at still alert; a thread renamed after its exec is still judged by its
// proc.name; an fd kept back and then closed unseen by an exec is not mistaken for the socket that
// reuses its number; a kept-back fd closed by close_range is forgotten, so neither a file a sent
// open puts on its number nor a socket is mistaken for the next kept-back file; a hot reload that
// adds a rule on the kept-back files makes them alert; a rule reading an open's fd on another call
// (dup) turns the filter off, and sees the file's name.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { killLeftovers, LiveRun, liveSkipReason, runProgram, stablePack, incubatingPack } from './live.js';

const skip = liveSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts of the -v summary line "Kernel Filtered by event: close=N openat=M". */
function filteredByEvent(stderr: string): Record<string, number> {
  const line = /^Kernel Filtered by event: (.*)$/m.exec(stderr)?.[1] ?? '';
  return Object.fromEntries(line.split(' ').filter((w) => w.includes('=')).map((w) => [w.split('=')[0], Number(w.split('=')[1])]));
}

const rule = (name: string, condition: string, output = 'opened (file=%fd.name proc=%proc.name)') => `
- rule: ${name}
  desc: d
  condition: ${condition}
  output: ${output}
  priority: WARNING
`;

async function waitFor(check: () => boolean, what: string, gw: LiveRun, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) if (check()) return;
  assert.fail(`${what} within ${ms} ms:\n${gw.log}`);
}

describe('live kernel filter of opens', { skip }, () => {
  let dir: string;
  let files: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-e2e-kfilter-'));
    files = join(dir, 'files');
    mkdirSync(files);
    for (let i = 0; i < 100; i++) writeFileSync(join(files, `f${i}`), '');
  });
  after(async () => {
    await killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `ghostwatch run` on these rules (JSON alerts, -v), once it says the kernel filter is on. */
  async function watchFiltered(name: string, rules: string): Promise<LiveRun> {
    const path = join(dir, name);
    writeFileSync(path, rules);
    const gw = new LiveRun(['-r', path, '-o', 'json_output=true', '-v']);
    await gw.ready();
    assert.match(gw.log, /Kernel filter: opens no rule can match are kept back/);
    return gw;
  }

  /** python3 on a script of these lines. */
  function python(name: string, lines: readonly string[], ...args: string[]) {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return runProgram('python3', [path, ...args]);
  }

  /** python3: n opens and closes of the 100 files, read-only. */
  const storm = (n: number) => runProgram('python3', ['-c',
    `import os\nfor i in range(${n}):\n    os.close(os.open('${files}/f%d' % (i % 100), os.O_RDONLY))\n`]);

  it('an open storm on plain files is kept back in the kernel; the rules still see what they look at', async () => {
    const gw = new LiveRun(['-r', stablePack!, '-r', incubatingPack!, '-o', 'json_output=true', '-v']);
    await gw.ready();
    assert.match(gw.log, /Kernel filter: opens no rule can match are kept back: open \(\d+ clauses\), openat \(\d+ clauses\), openat2 \(\d+ clauses\)/);
    assert.equal((await storm(20_000)).status, 0);
    assert.equal((await runProgram('cat', ['/etc/shadow'])).status, 0);
    const a = await gw.alert((x) => x.rule === 'Read sensitive file untrusted' && x.output_fields['fd.name'] === '/etc/shadow');
    assert.ok(a !== undefined, `no alert for cat /etc/shadow:\n${gw.log}`);
    assert.equal(a.output_fields['proc.name'], 'cat');
    gw.signal('SIGINT');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    const by = filteredByEvent(f.stderr);
    assert.ok(by.openat >= 20_000, `openat kept back: ${by.openat}\n${f.stderr}`);
    assert.ok(by.close >= 20_000, `their closes kept back too: ${by.close}\n${f.stderr}`);
    assert.match(f.stderr, /^Driver Drops:0$/m);
  });

  it("a thread renamed after its exec is judged by its proc.name; a reload adding a rule on kept-back opens makes them alert", async () => {
    const rules = join(dir, 'rules.yaml');
    const byName = rule('gwkf python reads', 'evt.type in (open, openat, openat2) and evt.is_open_read = true and proc.name = python3 and fd.name endswith .gwkf');
    writeFileSync(rules, byName);
    const target = join(dir, 'target.gwkf');
    writeFileSync(target, 'x\n');
    const gw = new LiveRun(['-r', rules, '-o', 'json_output=true', '-v']);
    await gw.ready();
    assert.match(gw.log, /Kernel filter: opens no rule can match are kept back/);

    // prctl(PR_SET_NAME): the kernel's name changes, ghostwatch's proc.name stays python3.
    const renamed = await runProgram('python3', ['-c',
      `import ctypes\nctypes.CDLL(None).prctl(15, b"gwkf-renamed", 0, 0, 0)\nopen('${target}').close()\n`]);
    assert.equal(renamed.status, 0);
    const a = await gw.alert((x) => x.rule === 'gwkf python reads');
    assert.ok(a !== undefined, `no alert for the renamed thread's open:\n${gw.log}`);
    assert.equal(a.output_fields['proc.name'], 'python3');
    assert.equal(a.output_fields['fd.name'], target);

    // The storm's files match no rule yet: kept back. A reload adds a rule on them.
    assert.equal((await storm(1000)).status, 0);
    await sleep(1500);
    assert.equal(gw.alerts.filter((x) => x.rule === 'gwkf storm file').length, 0);
    writeFileSync(rules, byName + rule('gwkf storm file', `evt.type in (open, openat, openat2) and fd.name startswith ${files}/`));
    await waitFor(() => /Restart complete/.test(gw.log), 'no reload', gw);
    assert.equal((await storm(100)).status, 0);
    await waitFor(() => gw.alerts.filter((x) => x.rule === 'gwkf storm file').length >= 100, 'not every open after the reload alerted', gw);
    gw.signal('SIGINT');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.ok(filteredByEvent(f.stderr).openat >= 1000, f.stderr);
  });

  it('an fd kept back, then closed unseen by an exec, is not mistaken for the socket that takes its number', async () => {
    const gw = await watchFiltered('close.yaml',
      rule('gwkf socket close', 'evt.type = close and proc.cmdline contains gwkf-gen-marker', 'closed (type=%fd.type num=%fd.num)'));
    // 40 close-on-exec opens, kept back; the exec closes them unseen; 40 sockets take those numbers.
    const r = await python('gen.py', [
      'import os, socket, sys',
      'if sys.argv[1:2] != ["gwkf-gen-marker"]:',
      `    fds = [os.open('${files}/f%d' % i, os.O_RDONLY | os.O_CLOEXEC) for i in range(40)]`,
      '    os.execv(sys.executable, [sys.executable, __file__, "gwkf-gen-marker"])',
      'socks = [socket.socket() for _ in range(40)]',
      'print(" ".join(str(s.fileno()) for s in socks))',
      'for s in socks: s.close()',
    ]);
    assert.equal(r.status, 0);
    const numbers = r.stdout.trim().split(' ').map(Number);
    await waitFor(() => numbers.every((n) => gw.alerts.some((a) => a.output_fields['fd.num'] === n && a.output_fields['fd.type'] === 'ipv4')),
      `not every socket's close was seen (sockets ${numbers.join(' ')}; seen ${gw.alerts.map((a) => `${String(a.output_fields['fd.num'])}:${String(a.output_fields['fd.type'])}`).join(' ')})`, gw);
    gw.signal('SIGINT');
    assert.equal((await gw.finished).status, 0);
  });

  /**
   * f1 opened and kept back, then closed by close_range (which user space does not see);
   * `takeNumber` (python) opens something else as `s`, asserted to land on that number, and closes
   * it; f2, kept back, takes the number and is fchmod'ed. The run, and what its fchmod alert shows
   * as the fd.
   */
  async function afterCloseRange(name: string, rules: (marker: string) => string, takeNumber: string): Promise<{ gw: LiveRun; fd: string }> {
    const marker = `gwkf-${name}-marker`;
    const fchmod = `gwkf ${name} fchmod`;
    const gw = await watchFiltered(`${name}.yaml`,
      rules(marker) + rule(fchmod, `evt.type = fchmod and proc.cmdline contains ${marker}`, 'fchmod (fd=%evt.arg.fd)'));
    const r = await python(`${name}.py`, [
      'import ctypes, os, socket',
      'libc = ctypes.CDLL(None, use_errno=True)',
      `fd = os.open('${files}/f1', os.O_RDONLY)`,
      'assert libc.syscall(436, fd, fd + 5, 0) == 0',
      takeNumber,
      'assert s.fileno() == fd',
      's.close()',
      `g = os.open('${files}/f2', os.O_RDONLY)`,
      'assert g == fd',
      'os.fchmod(g, 0o644)',
    ], marker);
    assert.equal(r.status, 0);
    const a = await gw.alert((x) => x.rule === fchmod);
    assert.ok(a !== undefined, `no alert for fchmod:\n${gw.log}`);
    return { gw, fd: String(a.output_fields['evt.arg.fd']) };
  }

  it('a kept-back fd closed by close_range, then taken by a sent open: that file is not mistaken for the next kept-back one', async () => {
    const { gw, fd } = await afterCloseRange('reuse',
      (marker) => rule('gwkf reuse shadow', `evt.type in (open, openat) and fd.name = /etc/shadow and proc.cmdline contains ${marker}`),
      "s = open('/etc/shadow')");
    assert.ok(await gw.alert((x) => x.rule === 'gwkf reuse shadow'), `the open of /etc/shadow was not seen:\n${gw.log}`);
    // The kept-back file is unknown, as after a drop (its number alone): not /etc/shadow, whose close was seen.
    assert.match(fd, /^\d+$/);
    gw.signal('SIGINT');
    assert.equal((await gw.finished).status, 0);
  });

  it('a kept-back fd closed by close_range is forgotten: the socket that takes its number is not mistaken for the next kept-back file', async () => {
    const { gw, fd } = await afterCloseRange('range', () => '', 's = socket.socket()');
    // Unknown, as after a drop (its number alone): not the socket, whose close was seen.
    assert.match(fd, /^\d+$/);
    gw.signal('SIGINT');
    assert.equal((await gw.finished).status, 0);
  });

  it('a rule reading an fd an open made, on another call (dup), turns the filter off and sees the file', async () => {
    const rules = join(dir, 'dup.yaml');
    writeFileSync(rules, rule('gwkf dup', `evt.type in (dup, dup2, dup3) and fd.name startswith ${files}/`, 'dup (file=%fd.name)'));
    const gw = new LiveRun(['-r', rules, '-o', 'json_output=true', '-v']);
    await gw.ready();
    assert.match(gw.log, /Kernel filter: off \(rule 'gwkf dup' reads fd\.name on dup2? events\)/);
    const r = await runProgram('python3', ['-c', `import os\nfd = os.open('${files}/f7', os.O_RDONLY)\nos.dup2(fd, 50)\nos.close(50)\nos.close(fd)\n`]);
    assert.equal(r.status, 0);
    const a = await gw.alert((x) => x.rule === 'gwkf dup');
    assert.ok(a !== undefined, `no alert for dup:\n${gw.log}`);
    assert.equal(a.output_fields['fd.name'], join(files, 'f7'));
    gw.signal('SIGINT');
    const f = await gw.finished;
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stderr, /^Kernel Filtered:0$/m);
  });
});
