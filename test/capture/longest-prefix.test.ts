// LongestPrefix finds what a scan of every name finds (the longest name the text starts with at
// the position, the first of equal ones), for the field and parameter names it indexes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EVENT_TABLE, findLongestParam } from '../../src/capture/event-table.js';
import { LongestPrefix } from '../../src/capture/longest-prefix.js';

interface Named {
  readonly name: string;
  readonly id: number;
}

/** What the index replaces: every name tried, the longest kept, ties to the first. */
function scan(items: readonly Named[], text: string, pos: number): Named | undefined {
  let best: Named | undefined;
  for (const it of items) if ((best === undefined || it.name.length > best.name.length) && text.startsWith(it.name, pos)) best = it;
  return best;
}

// Names from a small alphabet, so that prefixes of each other and duplicates are common.
const name = fc.stringMatching(/^[ab.][ab.]{0,5}$/);

describe('LongestPrefix', () => {
  it('finds what a scan of every name finds, at any position, duplicates included', () => {
    fc.assert(fc.property(fc.array(name, { maxLength: 30 }), fc.stringMatching(/^[ab.x]{0,12}$/), fc.nat(13), (names, text, pos) => {
      const items = names.map((n, id) => ({ name: n, id }));
      assert.equal(new LongestPrefix(items, (i) => i.name).find(text, pos), scan(items, text, pos));
    }), { numRuns: 2000 });
  });

  it('refuses an empty name (it would start every text)', () => {
    assert.throws(() => new LongestPrefix([{ name: '', id: 0 }], (i) => i.name), /empty name/);
  });

  it('evt.arg names resolve as libsinsp does: the longest known parameter, first in table order', () => {
    assert.equal(findLongestParam('fd.name')?.name, 'fd');
    assert.equal(findLongestParam('flags')?.name, 'flags');
    assert.equal(findLongestParam('zzz'), undefined);
    // The first "res" in table order gives its type.
    const first = EVENT_TABLE.flatMap((e) => e.params).find((p) => p.name === 'res');
    assert.equal(findLongestParam('res'), first);
  });
});
