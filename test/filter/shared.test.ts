import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BoundField, FieldRegistry } from '../../src/fields/types.js';
import { compileCondition, ConditionGroup, parseCondition } from '../../src/filter/index.js';
import { evt, registry, type Values } from './registry-double.js';

/** The double registry, counting extractions per field text; `stateful` fields keep state between events. */
function countingRegistry(stateful: readonly string[] = []): { registry: FieldRegistry; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const counting: FieldRegistry = {
    ...registry,
    bind(name, arg) {
      const f = registry.bind(name, arg);
      const def = stateful.includes(f.text) ? { ...f.def, keepsState: true } : f.def;
      const field: BoundField = {
        ...f,
        def,
        extract: (e) => {
          reads.set(f.text, (reads.get(f.text) ?? 0) + 1);
          return f.extract(e);
        },
      };
      return field;
    },
  };
  return { registry: counting, reads };
}

const CONDITIONS = [
  'proc.name = cat and fd.name startswith /etc',
  'proc.name = cat and not fd.name in (/etc/passwd, /etc/shadow)',
  'proc.name in (cat, dog) or (proc.name = cat and fd.name startswith /etc)',
  'not (proc.name = cat and fd.name startswith /etc) and fd.num >= 0',
];

const EVENTS: Values[] = [
  { 'proc.name': 'cat', 'fd.name': '/etc/passwd', 'fd.num': 3 },
  { 'proc.name': 'cat', 'fd.name': '/home/x', 'fd.num': 4 },
  { 'proc.name': 'dog', 'fd.name': '/etc/hosts', 'fd.num': -1 },
  { 'proc.name': undefined, 'fd.name': '/etc/hosts' },
];

function groupOf(conditions: readonly string[], reg: FieldRegistry) {
  const group = new ConditionGroup(reg);
  const added = conditions.map((c) => group.add(parseCondition(c)));
  return { group, predicates: added.map((a) => group.compile(a)) };
}

describe('ConditionGroup', () => {
  it('gives every condition the result it has compiled alone, event after event', () => {
    const { group, predicates } = groupOf(CONDITIONS, registry);
    const alone = CONDITIONS.map((c) => compileCondition(parseCondition(c), registry));
    for (const values of EVENTS) {
      group.nextEvent();
      const e = evt(values);
      assert.deepEqual(predicates.map((p) => p(e)), alone.map((p) => p(e)), JSON.stringify(values));
    }
  });

  it('reads a field once per event however many conditions use it', () => {
    const { registry: reg, reads } = countingRegistry();
    const { group, predicates } = groupOf(CONDITIONS, reg);
    for (const values of EVENTS.slice(0, 2)) {
      group.nextEvent();
      for (const p of predicates) p(evt(values));
    }
    assert.equal(reads.get('proc.name'), 2);
    assert.equal(reads.get('fd.name'), 2);
  });

  it('reads again after nextEvent: results are not kept from one event to the next', () => {
    const { group, predicates } = groupOf(['proc.name = cat', 'proc.name = cat and fd.num >= 0'], registry);
    const results = EVENTS.slice(0, 3).map((values) => {
      group.nextEvent();
      return predicates.map((p) => p(evt(values)));
    });
    assert.deepEqual(results, [[true, true], [true, true], [false, false]]);
  });

  it('does not share a field that keeps state between events: each use reads it', () => {
    const { registry: reg, reads } = countingRegistry(['evt.num']);
    const { group, predicates } = groupOf(['evt.num > 1 and proc.name = cat', 'evt.num > 1 and proc.name = cat'], reg);
    group.nextEvent();
    for (const p of predicates) p(evt({ 'evt.num': 5, 'proc.name': 'cat' }));
    assert.equal(reads.get('evt.num'), 2);
    assert.equal(reads.get('proc.name'), 1);
  });
});
