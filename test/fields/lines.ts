// A capture's lines in a -p format, as `ghostwatch events` prints them (reader → state →
// formatter, internal events left out) and as sysdig prints them: what the differential tests of
// the fields compare.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EventCategory, EVENT_TABLE } from '../../src/capture/event-table.js';
import { readCapture } from '../../src/capture/reader.js';
import { OutputFormat } from '../../src/fields/format.js';
import { createRegistry } from '../../src/fields/registry.js';
import { State } from '../../src/state/state.js';

/** Each format's lines for one capture, in one pass. */
export async function ourLines(path: string, formats: readonly string[]): Promise<string[][]> {
  const state = new State();
  const registry = createRegistry(state);
  const parsed = formats.map((f) => OutputFormat.parse(registry, f));
  const out = formats.map((): string[] => []);
  await readCapture(path, {
    header: (h) => { state.seed(h); },
    event: (e) => {
      if (!state.process(e) || ((EVENT_TABLE[e.type]?.category ?? 0) & EventCategory.INTERNAL) !== 0) return;
      parsed.forEach((f, i) => {
        const line = f.format(e);
        if (line !== undefined) out[i].push(line);
      });
    },
  });
  return out;
}

/** sysdig -r PATH -p FORMAT [FILTER]. */
export function sysdigLines(path: string, format: string, filter?: string): string[] {
  const r = spawnSync('sysdig', ['-r', path, '-p', format, ...(filter === undefined ? [] : [filter])], { encoding: 'latin1', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `sysdig failed: ${r.stderr}`);
  return r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n');
}
