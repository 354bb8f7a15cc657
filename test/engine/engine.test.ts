import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event } from '../../src/capture/event.js';
import { detect } from '../../src/engine/detect.js';
import { RuleEngine } from '../../src/engine/engine.js';
import { RulesInForce } from '../../src/engine/rules-in-force.js';
import { selectRules } from '../../src/engine/selection.js';
import { DetectionStats } from '../../src/engine/stats.js';
import { createRegistry } from '../../src/fields/registry.js';
import { parseCondition } from '../../src/filter/index.js';
import { loadRules, type LoadedRule } from '../../src/rules/index.js';
import { State } from '../../src/state/state.js';
import { fakeState, makeEvent, thread } from '../fields/events.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';

function rulesOf(text: string): readonly LoadedRule[] {
  const set = loadRules([{ name: 'test.yaml', content: text }]);
  assert.ok(set.successful, JSON.stringify(set.results.map((r) => r.errors)));
  return set.rules;
}

/** A rule as the loader would give it, with the event types given by hand. */
function handRule(name: string, condition: string, evttypes: ReadonlySet<number> | 'all', extra: Partial<LoadedRule> = {}): LoadedRule {
  return {
    id: 0, name, desc: '', output: 'x', priority: 4, tags: [], source: 'syscall', enabled: true,
    condition: parseCondition(condition), evttypes, exceptionFields: [], capture: false, captureDuration: 0,
    extraOutputFields: new Map(), file: 't.yaml', line: 1, column: 1, ...extra,
  };
}

const cat = thread({ tid: 7, comm: 'cat', exe: 'cat', args: ['/dev/null'] });
const registry = createRegistry(fakeState({ threads: [cat] }));
const OPENAT_X = makeEvent({ type: 'openat<', thread: cat }).type;
const CLOSE_X = makeEvent({ type: 'close<', thread: cat }).type;

describe('RuleEngine', () => {
  it('evaluates a rule only on the event types it is indexed under', () => {
    const engine = new RuleEngine([handRule('cat openat', 'proc.name=cat', new Set([OPENAT_X]))], registry);
    assert.equal(engine.first(makeEvent({ type: OPENAT_X, thread: cat }))?.rule.name, 'cat openat');
    // The condition alone would match this event: the index keeps the rule from seeing it.
    assert.equal(engine.first(makeEvent({ type: CLOSE_X, thread: cat })), undefined);
  });

  it('puts rules for every event type in every slot, in load order with the others', () => {
    const rules = [
      handRule('any cat', 'proc.name=cat', 'all'),
      handRule('cat close', 'proc.name=cat', new Set([CLOSE_X])),
    ];
    const engine = new RuleEngine(rules, registry);
    assert.equal(engine.first(makeEvent({ type: CLOSE_X, thread: cat }))?.rule.name, 'any cat');
    assert.equal(engine.first(makeEvent({ type: OPENAT_X, thread: cat }))?.rule.name, 'any cat');
    const reversed = new RuleEngine([...rules].reverse(), registry);
    assert.equal(reversed.first(makeEvent({ type: CLOSE_X, thread: cat }))?.rule.name, 'cat close');
  });

  it('all() gives every matching rule in load order', () => {
    const engine = new RuleEngine([
      handRule('a', 'proc.name=cat', 'all'),
      handRule('b', 'proc.name=dog', 'all'),
      handRule('c', 'proc.name=cat', new Set([CLOSE_X])),
    ], registry);
    const out: { rule: LoadedRule }[] = [];
    assert.equal(engine.all(makeEvent({ type: CLOSE_X, thread: cat }), out as never), 2);
    assert.deepEqual(out.map((r) => r.rule.name), ['a', 'c']);
  });

  it('reports a condition that does not compile with the rule name', () => {
    assert.throws(() => new RuleEngine([handRule('bad', 'proc.nosuchfield=1', 'all')], registry), /^Error: rule 'bad': /);
  });
});

const RULES = `
- rule: r_net
  desc: d
  condition: evt.type=connect
  output: o
  priority: ERROR
  tags: [network, a]
- rule: r_file
  desc: d
  condition: evt.type=open
  output: o
  priority: WARNING
  tags: [filesystem, b]
- rule: r_off
  desc: d
  condition: evt.type=execve
  output: o
  priority: INFO
  tags: [b]
  enabled: false
- rule: open_file_detail
  desc: d
  condition: evt.type=openat
  output: o
  priority: DEBUG
  tags: []
`;

describe('selectRules', () => {
  const rules = rulesOf(RULES);
  const names = (rs: readonly LoadedRule[]) => rs.map((r) => r.name);

  it('keeps enabled rules at or above the priority threshold, in load order', () => {
    assert.deepEqual(names(selectRules(rules, { minPriority: 7 })), ['r_net', 'r_file', 'open_file_detail']);
    assert.deepEqual(names(selectRules(rules, { minPriority: 4 })), ['r_net', 'r_file']);
    assert.deepEqual(names(selectRules(rules, { minPriority: 3 })), ['r_net']);
  });

  it('-D disables rules whose name contains the text (not a pattern)', () => {
    assert.deepEqual(names(selectRules(rules, { minPriority: 7, disabledSubstrings: ['file'] })), ['r_net']);
    assert.deepEqual(names(selectRules(rules, { minPriority: 7, disabledSubstrings: ['r_.*'] })), ['r_net', 'r_file', 'open_file_detail']);
  });

  it('-T disables rules with any of the tags; -t runs only rules with one of them, even disabled ones', () => {
    assert.deepEqual(names(selectRules(rules, { minPriority: 7, disabledTags: ['a', 'filesystem'] })), ['open_file_detail']);
    assert.deepEqual(names(selectRules(rules, { minPriority: 7, enabledTags: ['b'] })), ['r_file', 'r_off']);
  });

  it('-D/-T together with -t is an error, as in Falco', () => {
    assert.throws(() => selectRules(rules, { minPriority: 7, disabledSubstrings: ['x'], enabledTags: ['a'] }),
      /^Error: You can not specify both disabled \(-D\/-T\) and enabled \(-t\) rules$/);
  });

  it('applies the configuration selections in order, with * and ? in rule names', () => {
    const sel = (configSelection: { enable: boolean; rule?: string; tag?: string }[]) => names(selectRules(rules, { minPriority: 7, configSelection }));
    assert.deepEqual(sel([{ enable: false, rule: 'r_*' }]), ['open_file_detail']);
    assert.deepEqual(sel([{ enable: false, rule: 'r_*' }, { enable: true, rule: 'r_???' }]), ['r_net', 'r_off', 'open_file_detail']);
    assert.deepEqual(sel([{ enable: false, tag: 'network' }]), ['r_file', 'open_file_detail']);
    // A pattern matches the whole name; regex characters are literal.
    assert.deepEqual(sel([{ enable: false, rule: 'r_.*' }]), ['r_net', 'r_file', 'open_file_detail']);
  });
});

describe('DetectionStats', () => {
  it("prints Falco's summary: levels most severe first, rules in load order, only those with detections", () => {
    const rules = rulesOf(RULES);
    const stats = new DetectionStats(rules);
    // The fourth rule detects nothing: it is not in the summary.
    const [net, file, off] = rules;
    stats.count(file);
    stats.count(net);
    stats.count(file);
    stats.count(off);
    assert.equal(stats.summary(), [
      'Events detected: 4', 'Rule counts by severity:', '   ERROR: 1', '   WARNING: 2', '   INFO: 1',
      'Triggered rules by rule name:', '   r_net: 1', '   r_file: 2', '   r_off: 1', '',
    ].join('\n'));
    assert.equal(stats.detected, 4);
  });

  it('with no detection', () => {
    assert.equal(new DetectionStats([]).summary(), 'Events detected: 0\nRule counts by severity:\nTriggered rules by rule name:\n');
  });
});

const catWrite = sharedPath('falco', 'legacy-tests', 'trace_files', 'cat_write.scap');

describe('detect over a capture', { skip: catWrite === undefined ? SHARED_MISSING : false }, () => {
  type Purge = { intervalNs: number; isAlive: (tid: number, pid: number) => boolean };
  async function run(text: string, opts: { matchAll?: boolean; durationNs?: number; stopAfter?: number; purge?: Purge } = {}) {
    const set = loadRules([{ name: 't.yaml', content: text }]);
    const state = new State();
    const engine = new RuleEngine(selectRules(set.rules, { minPriority: 7 }), createRegistry(state));
    const stats = new DetectionStats(set.rules);
    const alerts: string[] = [];
    let seen = 0;
    const result = await detect(catWrite!, {
      state, rules: new RulesInForce({ engine, matchAll: opts.matchAll ?? false }), stats, clock: () => 0, durationNs: opts.durationNs ?? 0,
      alert: (rule: LoadedRule, evt: Event) => {
        seen++;
        alerts.push(`${rule.name} ${evt.num}`);
      },
      limited: () => assert.fail('no limiter'),
      stopRequested: () => opts.stopAfter !== undefined && seen >= opts.stopAfter,
      ...(opts.purge !== undefined && { purge: opts.purge }),
    });
    return { stats, alerts, result, state };
  }

  const catchall = `
- rule: open_dev_null
  desc: d
  condition: evt.type=open and fd.name=/dev/null
  output: o
  priority: INFO
- rule: dev_null
  desc: d
  condition: fd.name=/dev/null
  output: o
  priority: INFO
  warn_evttypes: false
`;

  it('the first matching rule takes the event (Falco: open_dev_null 1, dev_null 6)', async () => {
    const { stats, alerts, result } = await run(catchall);
    assert.match(stats.summary(), /open_dev_null: 1\n {3}dev_null: 6\n$/);
    assert.deepEqual(alerts, ['open_dev_null 197', 'dev_null 198', 'dev_null 199', 'dev_null 204', 'dev_null 205', 'dev_null 208', 'dev_null 209']);
    assert.equal(result.stoppedByDrops, false);
    assert.ok(result.events > 300);
  });

  it('rule_matching all: every matching rule', async () => {
    const { stats } = await run(catchall, { matchAll: true });
    assert.match(stats.summary(), /open_dev_null: 1\n {3}dev_null: 7\n$/);
  });

  it('stops at the duration (event time) and when asked to', async () => {
    const full = await run(catchall);
    const short = await run(catchall, { durationNs: 1 });
    // The capture opens with a snapshot of the processes, all at one instant: only those are read.
    assert.ok(short.result.events < full.result.events / 2, `${short.result.events} of ${full.result.events}`);
    assert.deepEqual(short.alerts, []);
    const stopped = await run(catchall, { stopAfter: 2 });
    assert.equal(stopped.alerts.length, 2);
  });

  it('purges the threads that are gone every interval of event time, and only then', async () => {
    const asked: number[] = [];
    const never = await run(catchall, { purge: { intervalNs: 3600e9, isAlive: (tid) => { asked.push(tid); return false; } } });
    assert.equal(asked.length, 0, 'no purge within the first interval');
    assert.ok(never.state.threads.size > 0);
    // Every 1 ms: the threads are asked about, and those reported gone leave the table.
    const purged = await run(catchall, { purge: { intervalNs: 1e6, isAlive: (tid) => { asked.push(tid); return tid !== 1; } } });
    assert.notEqual(asked.length, 0);
    assert.equal(purged.state.thread(1), undefined);
    assert.ok(never.state.thread(1) !== undefined, 'without purging, pid 1 is in the table');
  });
});
