// Audit events from files, as the k8saudit plugin reads them: one JSON payload (an Event, an
// EventList or an array) per line (JSON Lines, what kube-apiserver's log backend writes). A plain
// path is read once to its end: a file, or every file of a directory in order of modification
// time. A file:// path is followed: from its end, reading lines as they are appended, starting
// over when the file is replaced (rotation: a new inode) or truncated (copytruncate), and waiting
// while it is absent. A line that does not parse, or holds no event, is reported and skipped.
import { createReadStream, statSync, watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Json } from '../../fields/json.js';
import { auditEventsOf, type Payload } from './events.js';

export interface LineSink {
  readonly maxEventSize: number;
  /** Takes the events of one payload; resolves when they are taken (the reader waits while the detection catches up). */
  readonly deliver: (p: Payload) => Promise<void>;
  readonly log: (message: string) => void;
  /** Checked between lines: true ends the reading. */
  readonly stopped: () => boolean;
}

/** The events of one line; undefined (and a log line) when it is not an audit payload. */
export function payloadOfLine(line: string, maxEventSize: number, log: (m: string) => void): Payload | undefined {
  let v: Json;
  try {
    v = JSON.parse(line) as Json;
  } catch (e) {
    log(`skipping a line that is not JSON: ${(e as Error).message}`);
    return undefined;
  }
  const p = auditEventsOf(v, maxEventSize);
  if (!p.recognized) {
    log('skipping a line: data not recognized as a k8s audit event');
    return undefined;
  }
  if (p.tooLarge > 0) log(`${p.tooLarge} audit event(s) larger than maxEventSize (${maxEventSize} bytes) dropped`);
  if (p.invalid > 0) log(`${p.invalid} item(s) of a line were not audit events with a stageTimestamp: dropped`);
  return p;
}

/** Reads a file, or the files of a directory, to the end. */
export async function readAuditFiles(path: string, sink: LineSink): Promise<void> {
  const info = await stat(path);
  const files = info.isDirectory() ? await directoryFiles(path) : [path];
  for (const f of files) {
    if (sink.stopped()) return;
    await readLines(f, sink);
  }
}

/** The regular files of a directory, oldest modification first. */
async function directoryFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(entries.filter((e) => !e.isDirectory()).map(async (e) => {
    const p = join(dir, e.name);
    return { p, mtime: (await stat(p)).mtimeMs };
  }));
  return files.sort((a, b) => a.mtime - b.mtime).map((f) => f.p);
}

async function readLines(file: string, sink: LineSink): Promise<void> {
  const stream = createReadStream(file);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (sink.stopped()) break;
      if (line.trim() === '') continue;
      const p = payloadOfLine(line, sink.maxEventSize, sink.log);
      if (p !== undefined && p.events.length > 0) await sink.deliver(p);
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** How often a followed file is looked at when no change notification comes. */
const FOLLOW_POLL_MS = 250;
const READ_CHUNK = 1 << 16;
/** A followed line longer than this (still without its newline) is dropped. */
const MAX_LINE = 64 << 20;

/** Where following starts: the file as it was when the source opened (its end), if it was there. */
export interface FollowStart {
  readonly ino: number;
  readonly size: number;
}

/** The file's end now (what following from now on skips), or undefined when it is not there. */
export function followStart(path: string): FollowStart | undefined {
  try {
    const st = statSync(resolve(path));
    return { ino: st.ino, size: st.size };
  } catch {
    return undefined;
  }
}

/**
 * Follows a file from `start` (its end when the source opened: what is written after is read) until
 * `stopped()` (checked at every wake-up; call the returned wake() to make it look at once).
 * Resolves when stopped.
 */
export function followAuditFile(path: string, sink: LineSink, start: FollowStart | undefined): { done: Promise<void>; wake: () => void } {
  const abs = resolve(path);
  let wakeUp: (() => void) | undefined;
  const wake = () => {
    const w = wakeUp;
    wakeUp = undefined;
    w?.();
  };
  const done = (async () => {
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dirname(abs), (_type, name) => {
        if (name === null || name === basename(abs)) wake();
      });
      watcher.on('error', () => undefined);
    } catch {
      // No notifications (the directory is absent...): polling alone.
    }
    let ino = start?.ino;
    let offset = start?.size ?? 0;
    let partial: Buffer = Buffer.alloc(0);
    try {
      while (!sink.stopped()) {
        let st;
        try {
          st = await stat(abs);
        } catch {
          st = undefined;
        }
        if (st !== undefined) {
          if (ino !== st.ino) {
            // Another file at the path (rotation, or created since): read from its start.
            offset = 0;
            partial = Buffer.alloc(0);
            ino = st.ino;
          } else if (st.size < offset) {
            // Truncated (copytruncate): from the start again.
            offset = 0;
            partial = Buffer.alloc(0);
          }
          if (st.size > offset) {
            const r = await readFrom(abs, offset, st.size);
            offset += r.length;
            // Only whole lines are read; the rest waits for its newline (bytes, so a character cut in two stays whole).
            const bytes = partial.length === 0 ? r : Buffer.concat([partial, r]);
            const end = bytes.lastIndexOf(0x0a);
            partial = end < 0 ? bytes : bytes.subarray(end + 1);
            if (partial.length > MAX_LINE) {
              sink.log(`skipping a line longer than ${MAX_LINE} bytes`);
              partial = Buffer.alloc(0);
            }
            const lines = end < 0 ? [] : bytes.subarray(0, end).toString('utf8').split('\n');
            for (const line of lines) {
              if (sink.stopped()) break;
              if (line.trim() === '') continue;
              const p = payloadOfLine(line, sink.maxEventSize, sink.log);
              if (p !== undefined && p.events.length > 0) await sink.deliver(p);
            }
            if (st.size > offset) continue;
          }
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, FOLLOW_POLL_MS);
          wakeUp = () => {
            clearTimeout(t);
            r();
          };
        });
      }
    } finally {
      watcher?.close();
    }
  })();
  return { done, wake };
}

/** Bytes [from, to) of a file, read in chunks (at most 64 KiB beyond `from` per call keeps memory bounded). */
async function readFrom(path: string, from: number, to: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const len = Math.min(to - from, READ_CHUNK * 16);
    const buf = Buffer.allocUnsafe(len);
    const { bytesRead } = await fh.read(buf, 0, len, from);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
