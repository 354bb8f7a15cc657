// What detection on the live system adds to the engine, without the kernel: rules see every
// parameter of the probe's newest-version events (allParams), the probe is asked for the events the
// rules can match, and drop alerts carry the probe's counts per event.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_TABLE } from '../../src/capture/event-table.js';
import { DropMonitor } from '../../src/engine/drops.js';
import { RuleEngine } from '../../src/engine/engine.js';
import { ruleEventNames } from '../../src/engine/live-syscalls.js';
import { ProbeDropSource, type DropCounters } from '../../src/engine/probe-drops.js';
import { createRegistry } from '../../src/fields/registry.js';
import { compileCondition, parseCondition } from '../../src/filter/index.js';
import { loadRules, readRulesFiles } from '../../src/rules/index.js';
import { fakeState, i64, makeEvent, thread, u16 } from '../fields/events.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';

const python = thread({ tid: 42, comm: 'python3', exe: 'python3', args: ['traceme.py'] });
const state = fakeState({ threads: [python] });
/** The driver's code for PTRACE_TRACEME (0 is PTRACE_UNKNOWN). */
const PPM_PTRACE_TRACEME = 1;
/** A DYN parameter of ptrace's: shape 0 (a 64-bit number). */
const dyn0 = (n: number) => Buffer.concat([Buffer.from([0]), i64(n)]);
/**
 * ptrace(PTRACE_TRACEME) as the probe sends it: only the exit event, whose newest version carries
 * the request and pid after the three parameters sysdig 0.29.3 knows (res, addr, data).
 */
const traceme = makeEvent({ type: 'ptrace<', thread: python, params: [i64(0), dyn0(0), dyn0(0), u16(PPM_PTRACE_TRACEME), i64(0)] });

describe('allParams: rules see every parameter of live events', () => {
  const live = createRegistry(state, { allParams: true });
  const sysdig = createRegistry(state);

  it('the event is the newest ptrace exit, with parameters past those sysdig 0.29.3 knows', () => {
    const info = EVENT_TABLE[traceme.type];
    assert.ok(info.legacyParams !== undefined && info.legacyParams < traceme.nparams);
  });

  it('evt.arg.request and evt.arg[3] resolve with allParams, and stay unset in sysdig\'s view', () => {
    assert.equal(live.bind('evt.arg.request', undefined).extract(traceme), 'PTRACE_TRACEME');
    assert.equal(live.bind('evt.arg', '3').extract(traceme), 'PTRACE_TRACEME');
    assert.equal(sysdig.bind('evt.arg.request', undefined).extract(traceme), undefined);
    assert.equal(sysdig.bind('evt.arg', '3').extract(traceme), undefined);
  });

  it('evt.rawarg.request reads the raw value with allParams only', () => {
    assert.equal(live.bind('evt.rawarg.request', undefined).extract(traceme), PPM_PTRACE_TRACEME);
    assert.equal(sysdig.bind('evt.rawarg.request', undefined).extract(traceme), undefined);
  });

  it('evt.args shows the extra parameters with allParams only', () => {
    const all = String(live.bind('evt.args', undefined).extract(traceme));
    const legacy = String(sysdig.bind('evt.args', undefined).extract(traceme));
    assert.match(all, /request=1\(PTRACE_TRACEME\) pid=0/);
    assert.doesNotMatch(legacy, /request=/);
    assert.ok(all.startsWith(legacy), `${all} extends ${legacy}`);
  });

  it('the anti-debug condition holds on the live event with allParams only', () => {
    const cond = parseCondition('evt.type=ptrace and evt.arg.request contains PTRACE_TRACEME');
    assert.equal(compileCondition(cond, live)(traceme), true);
    assert.equal(compileCondition(cond, sysdig)(traceme), false);
  });

  const stable = sharedPath('falco', 'rules', 'falco_rules.yaml');
  it('the stock "PTRACE anti-debug attempt" rule matches it', { skip: stable === undefined && SHARED_MISSING }, () => {
    const set = loadRules(readRulesFiles([stable!]));
    assert.ok(set.successful);
    assert.equal(new RuleEngine(set.rules, live).first(traceme)?.rule.name, 'PTRACE anti-debug attempt');
    assert.equal(new RuleEngine(set.rules, sysdig).first(traceme), undefined);
  });
});

describe('ruleEventNames: what the probe is asked for', () => {
  const rulesOf = (yaml: string) => {
    const set = loadRules([{ name: 't.yaml', content: yaml }]);
    assert.ok(set.successful);
    return set.rules;
  };

  it('the names of the event types the rules are indexed under', () => {
    const names = ruleEventNames(rulesOf(`
- rule: a
  desc: a
  condition: evt.type in (ptrace, symlinkat) and proc.name = x
  output: a
  priority: WARNING
- rule: b
  desc: b
  condition: evt.type = execve and proc.name = y
  output: b
  priority: WARNING
`));
    assert.deepEqual([...names as Set<string>].sort(), ['execve', 'ptrace', 'symlinkat']);
  });

  it("'all' when a rule can match any event type", () => {
    assert.equal(ruleEventNames(rulesOf(`
- rule: any
  desc: any
  condition: proc.name = x
  output: any
  priority: WARNING
`)), 'all');
  });

  const stable = sharedPath('falco', 'rules', 'falco_rules.yaml');
  it('the stable pack asks for the calls its rules watch, not the high-volume I/O ones', { skip: stable === undefined && SHARED_MISSING }, () => {
    const names = ruleEventNames(loadRules(readRulesFiles([stable!])).rules);
    assert.notEqual(names, 'all');
    for (const n of ['execve', 'openat', 'ptrace', 'symlinkat', 'linkat', 'connect']) assert.ok((names as Set<string>).has(n), n);
    for (const n of ['read', 'write']) assert.ok(!(names as Set<string>).has(n), n);
  });
});

describe('ProbeDropSource: drop alerts carry the probe\'s counts', () => {
  const OPENAT_X = makeEvent({ type: 'openat<' }).type;
  const PROCEXIT_E = makeEvent({ type: 'procexit>' }).type;
  let counters: DropCounters = { drops: new Map(), totalDrops: 0 };

  it('the drops since the previous check, in total and per event with its direction', () => {
    const src = new ProbeDropSource(() => counters);
    counters = { drops: new Map([[OPENAT_X, 30], [PROCEXIT_E, 2]]), totalDrops: 32 };
    assert.deepEqual(src.details(), { n_drops_buffer_total: '32', n_drops_buffer_openat_exit: '30', n_drops_buffer_procexit_enter: '2' });
    src.checked();
    counters = { drops: new Map([[OPENAT_X, 35], [PROCEXIT_E, 2]]), totalDrops: 37 };
    assert.deepEqual(src.details(), { n_drops_buffer_total: '5', n_drops_buffer_openat_exit: '5' });
  });

  it('the drop alert says eBPF and carries them', () => {
    counters = { drops: new Map(), totalDrops: 0 };
    const alerts: Record<string, string>[] = [];
    const m = new DropMonitor(
      { threshold: 0.1, actions: new Set(['alert']), rate: 1, maxBurst: 10, simulateDrops: false },
      { log: () => {}, alert: (_ts, _msg, fields) => alerts.push(fields), critical: () => {} },
      0,
      new ProbeDropSource(() => counters),
    );
    const at = (ns: number) => ({ ts: () => BigInt(ns) });
    m.event(1, at(1), 100, 0);
    counters = { drops: new Map([[OPENAT_X, 50]]), totalDrops: 50 };
    m.event(2e9, at(2e9), 200, 50);
    assert.deepEqual(alerts, [{ ebpf_enabled: '1', n_drops: '50', n_evts: '200', n_drops_buffer_total: '50', n_drops_buffer_openat_exit: '50' }]);
    // Below the threshold: no alert, and the next one counts from this check.
    counters = { drops: new Map([[OPENAT_X, 51]]), totalDrops: 51 };
    m.event(4e9, at(4e9), 10_200, 51);
    counters = { drops: new Map([[OPENAT_X, 151]]), totalDrops: 151 };
    m.event(6e9, at(6e9), 10_300, 151);
    assert.equal(alerts.length, 2);
    assert.equal(alerts[1].n_drops_buffer_openat_exit, '100');
  });
});
