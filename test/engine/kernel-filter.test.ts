// The open filter planned from the rules (src/engine/kernel-filter.ts) never keeps back an open a
// rule matches: checked against the real rule engine on the stock rules with generated opens, with
// a model of what the probe does with the plan (native/bpf/filter.h: normal-form paths only,
// directories always sent, command names not checked for renamed threads). The probe itself is
// checked live (test/e2e/live-kernel-filter.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planOpenFilter } from '../../src/engine/kernel-filter.js';
import { RuleEngine } from '../../src/engine/engine.js';
import { createRegistry } from '../../src/fields/registry.js';
import type { Expr } from '../../src/filter/ast.js';
import { openFilterCommand, type FilteredOpenCall, type OpenFilter } from '../../src/probe/index.js';
import { loadRules, type LoadedRule } from '../../src/rules/index.js';
import { FdType } from '../../src/state/types.js';
import { fakeState, fdInfo, i64, makeEvent, str, thread, u32 } from '../fields/events.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';

const O_RDONLY = 1, O_WRONLY = 2, O_CREAT = 4, O_TRUNC = 256, O_DIRECTORY = 1024;

function rulesOf(...texts: string[]): readonly LoadedRule[] {
  const set = loadRules(texts.map((content, i) => ({ name: `r${i}.yaml`, content })));
  assert.ok(set.successful, JSON.stringify(set.results.map((r) => r.errors)));
  return set.rules;
}

const rule = (name: string, condition: string, output = 'o') => `
- rule: ${name}
  desc: d
  condition: ${condition}
  output: ${output}
  priority: WARNING
`;

function filterOf(rules: readonly LoadedRule[]): OpenFilter {
  const plan = planOpenFilter(rules);
  assert.ok('filter' in plan, `no filter: ${'off' in plan ? plan.off : ''}`);
  return plan.filter;
}

/** What the probe does with the filter (native/bpf/filter.h). */
function sent(f: OpenFilter, call: FilteredOpenCall, path: string, flags: number, comm: string, renamed = false): boolean {
  const clauses = f.calls.get(call);
  if (clauses === undefined) return true;
  const normal = path.startsWith('/') && !path.endsWith('/') && !/\/\/|\/\.|\.\./.test(path) && Buffer.byteLength(path) <= 254;
  if (!normal || (flags & O_DIRECTORY) !== 0) return true;
  return clauses.some((c) =>
    c.flagsAny.every((m) => (flags & m) !== 0) &&
    (c.prefixes === undefined && c.suffixes === undefined || (c.prefixes ?? []).some((p) => path.startsWith(p)) || (c.suffixes ?? []).some((s) => path.endsWith(s))) &&
    (c.comms === undefined || renamed || c.comms.includes(comm)));
}

const stock = ['falco_rules.yaml', 'falco-incubating_rules.yaml'].map((f) => sharedPath('falco', 'rules', f));
const skipStock = stock.includes(undefined) ? SHARED_MISSING : false;
const stockRules = () => rulesOf(...stock.map((p) => readFileSync(p!, 'utf8')));

describe('open filter from the stock rules', { skip: skipStock }, () => {
  it('keeps back an open storm on plain files and sends what the rules look at', () => {
    const f = filterOf(stockRules());
    assert.deepEqual([...f.calls.keys()], ['open', 'openat', 'openat2']);
    assert.equal(sent(f, 'openat', '/tmp/gw-bench-live-abc/files/f1', O_RDONLY, 'python3'), false);
    assert.equal(sent(f, 'openat', '/usr/lib/x86_64-linux-gnu/libc.so.6', O_RDONLY, 'bash'), false);
    assert.equal(sent(f, 'openat', '/etc/shadow', O_RDONLY, 'cat'), true);
    assert.equal(sent(f, 'openat', '/etc/pam.d/sshd', O_RDONLY, 'cat'), true);
    assert.equal(sent(f, 'openat', '/proc/1/environ', O_RDONLY, 'cat'), true);
    assert.equal(sent(f, 'openat', '/home/u/data.tar', O_RDONLY, 'tar'), true, 'tar reads are looked at');
    assert.equal(sent(f, 'openat', '/var/log/app.log', O_WRONLY | O_TRUNC, 'sh'), true);
    assert.equal(sent(f, 'openat', '/sys/fs/cgroup/x/release_agent', O_WRONLY, 'sh'), true);
    assert.equal(sent(f, 'openat', '/dev/evil', O_WRONLY | O_CREAT, 'sh'), true);
    assert.equal(sent(f, 'open', '/etc/../etc/shadow', O_RDONLY, 'cat'), true, 'a path not in normal form is always sent');
    assert.equal(sent(f, 'openat', '/root/.ssh/id_rsa', O_RDONLY, 'cat'), true);
  });

  it('never keeps back an open a stock rule matches (generated opens, the real engine)', () => {
    const rules = stockRules();
    const f = filterOf(rules);
    // The rules' own words (every literal of their conditions): paths, names, flags.
    const words = new Set<string>();
    const walk = (e: Expr): void => {
      if (e.kind === 'and' || e.kind === 'or') e.children.forEach(walk);
      else if (e.kind === 'not') walk(e.child);
      else if (e.kind === 'binary' && e.right.kind === 'value') words.add(e.right.value);
      else if (e.kind === 'binary' && e.right.kind === 'list') for (const i of e.right.items) words.add(i.value);
    };
    for (const r of rules) walk(r.condition);
    for (const w of words) if (w === '' || w.length > 60) words.delete(w);
    const piece = fc.oneof(fc.constantFrom('etc', 'tmp', 'home', 'root', '.ssh', 'authorized_keys', '..', '.', '', 'x.log', 'proc', '1', 'environ'),
      fc.stringMatching(/^[a-z._]{1,8}$/));
    const tail = fc.array(piece, { maxLength: 3 }).map((ps) => ps.join('/'));
    const path = fc.oneof(
      fc.tuple(fc.constantFrom(...[...words].filter((w) => w.startsWith('/'))), tail).map(([w, t]) => w + t),
      fc.tuple(tail, fc.constantFrom(...words)).map(([t, w]) => `/${t}${w}`),
      fc.array(piece, { minLength: 1, maxLength: 5 }).map((ps) => ps.join('/')).chain((p) => fc.constantFrom(p, `/${p}`)),
    );
    const comm = fc.constantFrom(...[...words].filter((w) => !w.includes('/') && w.length <= 15), 'cat', 'python3', 'sshd', 'tar', 'bash');
    const flags = fc.constantFrom(O_RDONLY, O_WRONLY, O_RDONLY | O_WRONLY).chain((acc) => fc.subarray([O_CREAT, O_TRUNC, O_DIRECTORY]).map((xs) => xs.reduce((m, x) => m | x, acc)));
    // One thread, changed for each open; the engine compiled once.
    const t = thread({ tid: 9, cwd: '/', capEffective: (1n << 41n) - 1n, cloneTs: 1n });
    const engine = new RuleEngine(rules, createRegistry(fakeState({ threads: [t] })));
    let matched = 0;
    fc.assert(fc.property(path, comm, flags, fc.boolean(), fc.boolean(), (p, c, fl, inContainer, failed) => {
      Object.assign(t, { comm: c, exe: c, exepath: `/usr/bin/${c}`, containerId: inContainer ? 'abcdef012345' : '' });
      t.fds.clear();
      const fd = failed ? -2 : 5;
      if (!failed) t.fds.set(5, fdInfo({ type: (fl & O_DIRECTORY) !== 0 ? FdType.DIRECTORY : FdType.FILE, name: p, nameRaw: p, openFlags: fl }));
      const e = makeEvent({ type: 'openat<', params: [i64(fd), i64(-100), str(p), u32(fl), u32(0o644), u32(0), i64(0)], thread: t, fdNum: fd });
      if (!failed) e.fd = t.fds.get(5);
      e.num = 100;
      if (engine.first(e) === undefined) return true;
      matched++;
      return sent(f, 'openat', p, fl, c);
    }), { numRuns: 20_000 });
    assert.ok(matched > 200, `only ${matched} generated opens matched a rule: the property says little`);
  });
});

describe('open filter planning', () => {
  it('a rule on opens by command name alone: sent for that name, and for any renamed thread', () => {
    const f = filterOf(rulesOf(`
- rule: tool reads
  desc: d
  condition: evt.type = openat and evt.is_open_read = true and proc.name in (gwtool, othertool)
  output: o
  priority: WARNING
`));
    assert.equal(sent(f, 'openat', '/tmp/a', O_RDONLY, 'gwtool'), true);
    assert.equal(sent(f, 'openat', '/tmp/a', O_RDONLY, 'cat'), false);
    assert.equal(sent(f, 'openat', '/tmp/a', O_RDONLY, 'cat', true), true);
    assert.equal(sent(f, 'openat', '/tmp/a', O_WRONLY, 'gwtool'), false, 'a write is not a read');
    assert.equal(f.calls.get('open')?.length, 0, 'no rule on open: every open in normal form is kept back');
  });

  it('is off when a rule reads an fd that an open made, on another call', () => {
    const plan = planOpenFilter(rulesOf(`
- rule: chmod of a tmp file
  desc: d
  condition: evt.type = fchmod and fd.name startswith /tmp/
  output: o %fd.name
  priority: WARNING
`));
    assert.ok('off' in plan);
    assert.match(plan.off, /rule 'chmod of a tmp file' reads fd\.name on fchmod events/);
  });

  it('stays on for a rule on sockets of another call, and for a rule on execs', () => {
    const plan = planOpenFilter(rulesOf(`
- rule: dup of a socket
  desc: d
  condition: evt.type in (dup, dup2) and fd.type in (ipv4, ipv6)
  output: o %fd.name
  priority: WARNING
- rule: exec or open
  desc: d
  condition: (evt.type = execve and proc.name = gwx) or (evt.type = openat and fd.name = /etc/gwx)
  output: o %fd.name
  priority: WARNING
`));
    assert.ok('filter' in plan, 'off' in plan ? plan.off : '');
  });

  it("is off when a rule shows a process's standard fds; an fd in another call's output alone shows as unknown", () => {
    const stdin = planOpenFilter(rulesOf(rule('exec with its stdin', 'evt.type = execve and proc.name = gwx', 'o %proc.stdin.name')));
    assert.ok('off' in stdin);
    assert.match(stdin.off, /reads proc\.stdin\.name/);
    const shown = planOpenFilter(rulesOf(rule('fchmod shown', 'evt.type = fchmod and evt.arg.mode contains S_ISUID', 'o %evt.arg.fd %fd.name')));
    assert.ok('filter' in shown, 'off' in shown ? shown.off : '');
  });

  it('is off when the rules name more paths than the probe holds', () => {
    const paths = Array.from({ length: 5000 }, (_, i) => `/srv/gwkf/f${i}`).join(', ');
    const plan = planOpenFilter(rulesOf(rule('many files', `evt.type = openat and fd.name in (${paths})`)));
    assert.ok('off' in plan);
    assert.match(plan.off, /the rules name 5000 path prefixes, more than the probe holds \(4096\)/);
  });

  it('is off for a call when a rule matches every event type', () => {
    const plan = planOpenFilter(rulesOf(`
- rule: anything by gwx
  desc: d
  condition: proc.name = gwx
  output: o
  priority: WARNING
`));
    assert.ok('off' in plan);
  });

  it('the probe command: each prefix carries the clauses of the prefixes it extends', () => {
    const line = openFilterCommand({ calls: new Map([['openat', [
      { flagsAny: [O_RDONLY], prefixes: ['/etc/'] },
      { flagsAny: [], prefixes: ['/etc/shadow'], comms: ['cat'] },
      { flagsAny: [O_WRONLY, O_TRUNC], suffixes: ['/x.log'] },
    ]]]) });
    const hex = (s: string) => Buffer.from(s).toString('hex');
    assert.equal(line, ['filter', 'slot=1', 'clauses=3', 'pathany=0', 'commany=5', 'flags=0:1:0', 'flags=2:2:100',
      `prefix=${hex('/etc/')}:1`, `prefix=${hex('/etc/shadow')}:3`, `suffix=${hex('/x.log')}:4`, `comm=${hex('cat')}:2`].join(' '));
    assert.equal(openFilterCommand(undefined), 'filter');
  });
});
