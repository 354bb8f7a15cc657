import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventTypesOf, expandReferences, FilterCompileError, parseCondition, type EventTypeUniverse } from '../../src/filter/index.js';

// A small event table: 0/1 generic, then enter/exit pairs.
const IDS: Record<string, number[]> = { open: [2, 3], openat: [4, 5], close: [6, 7], execve: [8, 9] };
const universe: EventTypeUniverse = { all: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], idsOf: (n) => IDS[n] ?? [] };
const ALL = [...universe.all];
const except = (...ids: number[]): number[] => ALL.filter((i) => !ids.includes(i));

function types(cond: string): number[] {
  return [...eventTypesOf(parseCondition(cond), universe)].sort((a, b) => a - b);
}

describe('eventTypesOf', () => {
  const cases: [string, number[]][] = [
    ['evt.type = open', [2, 3]],
    ['evt.type == open', [2, 3]],
    ['syscall.type = open', [2, 3]],
    ['evt.type != open', except(2, 3)],
    ['not evt.type = open', except(2, 3)],
    ['not evt.type != open', [2, 3]],
    ['not not evt.type = open', [2, 3]],
    ['evt.type in (open, close)', [2, 3, 6, 7]],
    ['not evt.type in (open, close)', except(2, 3, 6, 7)],
    ['evt.type = nosuch', []],
    ['evt.type = open or evt.type = close', [2, 3, 6, 7]],
    ['evt.type = open and evt.type = close', []],
    ['evt.type = open and proc.name = cat', [2, 3]],
    ['evt.type = open or proc.name = cat', ALL],
    ['not (evt.type = open or evt.type = close)', except(2, 3, 6, 7)],
    ['not (evt.type = open and proc.name = cat)', ALL],
    ['not (evt.type in (open, close) and evt.type != close)', except(2, 3)],
    ['(evt.type in (open, openat) or evt.type = execve) and not evt.type = openat', [2, 3, 8, 9]],
    ['proc.name = cat', ALL],
    ['not proc.name = cat', ALL],
    ['evt.type contains open', ALL],
    ['evt.arg[type] = open', ALL],
    ['evt.type exists', ALL],
    ['not evt.type exists', []],
    ['some_macro', ALL],
    ['evt.num = 0', []],
    ['not evt.num = 0', ALL],
    ['evt.num < 1', []],
    ['evt.num > 0 and evt.type = open', [2, 3]],
    ['evt.num >= 1', ALL],
    ['evt.num in (0, 0)', []],
    ['evt.num = 5', ALL],
  ];
  for (const [cond, expected] of cases) {
    it(`${cond} -> ${expected.length === ALL.length ? 'all' : `[${expected.join(',')}]`}`, () => {
      assert.deepEqual(types(cond), expected);
    });
  }

  it('rejects evt.type under a transformer or compared with a field', () => {
    assert.throws(() => types('tolower(evt.type) = open'), (e) => e instanceof FilterCompileError && e.kind === 'evttype');
    assert.throws(() => types('evt.type = val(proc.name)'), /right-hand field comparisons/);
    assert.doesNotThrow(() => types('tolower(evt.type) contains open'));
  });

  it('sees through macros once they are expanded', () => {
    const ast = expandReferences(parseCondition('opened and proc.name = cat'), {
      resolveMacro: (n) => (n === 'opened' ? parseCondition('evt.type in (open, openat)') : undefined),
    });
    assert.deepEqual([...eventTypesOf(ast, universe)].sort(), [2, 3, 4, 5]);
  });
});
