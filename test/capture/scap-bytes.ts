// Test-side view of scap bytes, independent of the reader: the fixture captures, decompressed,
// and their block layout, so tests can count, cut and damage blocks at known offsets.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BLOCK_OVERHEAD, EVENT_BLOCKS } from '../../src/capture/blocks.js';
import { sharedPath } from '../helpers.js';

/** The smallest block that can carry an event: overhead, cpu id, the 22-byte v1 event header. */
export const MIN_EVENT_BLOCK = BLOCK_OVERHEAD + 2 + 22;

export interface Fixture {
  name: string;
  /** The gzip-compressed file as shipped. */
  path: string;
  /** Its decompressed bytes. */
  bytes: Buffer;
}

/** The fixture captures, or undefined when ../shared is absent. */
export function fixtures(): Fixture[] | undefined {
  const dir = sharedPath('falco', 'legacy-tests', 'trace_files');
  if (dir === undefined) return undefined;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.scap'))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      return { name, path, bytes: gunzipSync(readFileSync(path)) };
    });
}

export interface BlockSpan {
  offset: number;
  type: number;
  length: number;
  isEvent: boolean;
}

/** The blocks of a capture, from the start up to the first one whose length does not fit. */
export function blockSpans(bytes: Buffer): BlockSpan[] {
  const spans: BlockSpan[] = [];
  let off = 0;
  while (off + 8 <= bytes.length) {
    const type = bytes.readUInt32LE(off);
    const length = bytes.readUInt32LE(off + 4);
    if (length < BLOCK_OVERHEAD || off + length > bytes.length) break;
    spans.push({ offset: off, type, length, isEvent: EVENT_BLOCKS.has(type) });
    off += length;
  }
  return spans;
}

/** Offset of the event header in an event block (after block header, cpu id and any flags). */
export function eventHeaderOffset(span: BlockSpan): number {
  const shape = EVENT_BLOCKS.get(span.type);
  if (shape === undefined) throw new Error(`block at ${span.offset} is not an event block`);
  return span.offset + 8 + 2 + (shape.hasFlags ? 4 : 0);
}

/** Offset of the event type in an event block (the event header: ts u64, tid u64, len u32, type u16). */
export function eventTypeOffset(span: BlockSpan): number {
  return eventHeaderOffset(span) + 20;
}
