// Replacing the rules while events flow: the new rules take over at the next event boundary,
// never inside an event, and no event is skipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event } from '../../src/capture/event.js';
import { detect } from '../../src/engine/detect.js';
import { RuleEngine } from '../../src/engine/engine.js';
import { RulesInForce } from '../../src/engine/rules-in-force.js';
import { selectRules } from '../../src/engine/selection.js';
import { DetectionStats } from '../../src/engine/stats.js';
import { createRegistry } from '../../src/fields/registry.js';
import { loadRules, type LoadedRule } from '../../src/rules/index.js';
import { State } from '../../src/state/state.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';

describe('RulesInForce', () => {
  it('a replacement takes over at the next boundary, not before', () => {
    const rules = new RulesInForce({ name: 'old' });
    rules.replace({ name: 'new' });
    assert.equal(rules.current.name, 'old');
    assert.equal(rules.pending, true);
    rules.boundary();
    assert.equal(rules.current.name, 'new');
    assert.equal(rules.pending, false);
    assert.equal(rules.swaps, 1);
  });

  it('the last replacement before a boundary wins; a boundary without one changes nothing', () => {
    const rules = new RulesInForce({ name: 'a' });
    rules.boundary();
    assert.equal(rules.swaps, 0);
    rules.replace({ name: 'b' });
    rules.replace({ name: 'c' });
    rules.boundary();
    assert.equal(rules.current.name, 'c');
    assert.equal(rules.swaps, 1);
  });
});

const catWrite = sharedPath('falco', 'legacy-tests', 'trace_files', 'cat_write.scap');

/** Two rules that both match some events: with rule_matching all, one event raises both. */
const rulesText = (prefix: string) => `
- rule: ${prefix}open_dev_null
  desc: d
  condition: evt.type=open and fd.name=/dev/null
  output: o
  priority: INFO
- rule: ${prefix}dev_null
  desc: d
  condition: fd.name=/dev/null
  output: o
  priority: INFO
  warn_evttypes: false
`;

describe('detect with the rules replaced mid-stream', { skip: catWrite === undefined ? SHARED_MISSING : false }, () => {
  const state = () => new State();
  function engine(text: string, s: State) {
    const set = loadRules([{ name: 't.yaml', content: text }]);
    return { engine: new RuleEngine(selectRules(set.rules, { minPriority: 7 }), createRegistry(s)), matchAll: true };
  }

  async function run(swapAtAlert: number | undefined) {
    const s = state();
    const rules = new RulesInForce(engine(rulesText(''), s));
    const next = engine(rulesText('new '), s);
    const alerts: string[] = [];
    const result = await detect(catWrite!, {
      state: s, rules, stats: new DetectionStats([]), clock: () => 0, durationNs: 0,
      alert: (rule: LoadedRule, evt: Event) => {
        alerts.push(`${rule.name} ${evt.num}`);
        // Replaced from inside an event's handling (as an output or a runtime's answer could).
        if (alerts.length === swapAtAlert) rules.replace(next);
      },
      limited: () => assert.fail('no limiter'),
      stopRequested: () => false,
    });
    return { alerts, events: result.events, swaps: rules.swaps };
  }

  it('the event being judged keeps the old rules; every later event has the new; none is skipped', async () => {
    const plain = await run(undefined);
    // The first event raises both rules: the swap is asked for at its first alert.
    const [first, second] = plain.alerts;
    const firstEvent = first.split(' ').pop();
    assert.equal(second.split(' ').pop(), firstEvent, `one event raises both rules: ${plain.alerts.join(', ')}`);

    const swapped = await run(1);
    assert.equal(swapped.swaps, 1);
    assert.equal(swapped.events, plain.events, 'every event judged');
    const expected = plain.alerts.map((a) => {
      const num = Number(a.split(' ').pop());
      return num > Number(firstEvent) ? `new ${a}` : a;
    });
    assert.deepEqual(swapped.alerts, expected);
  });
});
