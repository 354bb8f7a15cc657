// Builds (once, cached under bench/.cache/) the big capture the benchmarks read: a fixture's
// syscall events replicated by ../shared/tools/scap-replicate.py up to at least MIN_EVENTS.
//
// The fixture is cat_write.scap (a process exec'ing and running: open, read, write, mmap, fstat,
// close, access, brk...), with its procinfo events dropped first: every fixture is 75-99%
// procinfo events (a per-thread snapshot taken when the recording starts), and replicating those
// a thousand times would benchmark skipping one event type instead of a syscall mix.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EVENT_BLOCKS } from '../src/capture/blocks.js';
import { repoRoot, sharedPath } from '../test/helpers.js';

const FIXTURE = 'cat_write.scap';
const MIN_EVENTS = 1_000_000;
const PPME_PROCINFO_E = 234;
/** Offset of the event type in an event block: block header 8, cpu id 2, ts 8, tid 8, len 4. */
const TYPE_AT = 8 + 2 + 8 + 8 + 4;
const FLAGS_SIZE = 4;

export interface BenchCapture {
  path: string;
  events: number;
  description: string;
}

/** The capture, built if not cached yet; undefined when ../shared is absent. */
export function benchCapture(): BenchCapture | undefined {
  const fixture = sharedPath('falco', 'legacy-tests', 'trace_files', FIXTURE);
  const tool = sharedPath('tools', 'scap-replicate.py');
  if (fixture === undefined || tool === undefined) return undefined;

  const cache = resolve(repoRoot, 'bench', '.cache');
  mkdirSync(cache, { recursive: true });
  const base = FIXTURE.replace(/\.scap$/, '');
  const seed = resolve(cache, `${base}-syscalls.scap`);
  const perCopy = writeWithoutProcinfo(fixture, seed);
  const copies = Math.ceil(MIN_EVENTS / perCopy);
  const path = resolve(cache, `${base}-syscalls-x${copies}.scap`);
  if (!existsSync(path)) {
    process.stderr.write(`bench: building ${path} (${perCopy} events x ${copies})...\n`);
    execFileSync('python3', [tool, seed, `${path}.tmp`, String(copies)], { stdio: ['ignore', 'ignore', 'inherit'] });
    renameSync(`${path}.tmp`, path);
  }
  return {
    path,
    events: perCopy * copies,
    description: `${FIXTURE} without procinfo events (${perCopy} events) x ${copies}`,
  };
}

/** Writes the fixture, uncompressed, minus its procinfo events; returns how many events remain. */
function writeWithoutProcinfo(fixture: string, out: string): number {
  const data = gunzipSync(readFileSync(fixture));
  const kept: Buffer[] = [];
  let events = 0;
  for (let off = 0; off + 8 <= data.length; ) {
    const type = data.readUInt32LE(off);
    const len = data.readUInt32LE(off + 4);
    if (len < 12) throw new Error(`${fixture}: bad block length ${len} at byte offset ${off}`);
    const shape = EVENT_BLOCKS.get(type);
    const evtType = shape === undefined ? -1 : data.readUInt16LE(off + TYPE_AT + (shape.hasFlags ? FLAGS_SIZE : 0));
    if (evtType !== PPME_PROCINFO_E) {
      kept.push(data.subarray(off, off + len));
      if (shape !== undefined) events++;
    }
    off += len;
  }
  writeFileSync(out, Buffer.concat(kept));
  return events;
}
