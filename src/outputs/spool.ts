// The on-disk spool of one output (delivery.spool_dir): alerts written before they are sent,
// removed once delivered, so that after a crash (kill -9) or a stop with a receiver down, the next
// start sends again every alert not acknowledged, with the same uuid.
//
// One append-only file per output, <spool_dir>/<output>.spool, of lines:
//   +{"t":<queued at, ms>,"a":{...the alert...}}   an alert waiting
//   -<uuid>                                      that alert delivered, or given up
// Additions are written and fsync'd in batches (those of one turn of the event loop, or before
// the batch's first attempt, whichever comes first); a
// removal is written lazily (losing one to a crash only means the alert is sent again: receivers
// de-duplicate on the uuid). The file is compacted (rewritten with only the alerts still waiting,
// then renamed over the old one) when it holds more removed than waiting bytes, and truncated when
// nothing waits. A torn last line (a crash in the middle of a write) is skipped at start.
//
// Its size is bounded by delivery.spool_max_bytes: an alert that would not fit is refused (the
// caller drops and counts it); what is already spooled is kept.
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { QueuedAlert } from './delivery.js';
import { outputFieldsJson } from './sidekick.js';
import type { Alert } from './target.js';

export class SpoolError extends Error {}

/** Compaction when removed records take more than this beyond the waiting ones. */
const COMPACT_SLACK_BYTES = 1 << 20;

export class Spool {
  private fd: number;
  private readonly path: string;
  /** The waiting alerts' records, by uuid: their size, for the bound. */
  private readonly live = new Map<string, { readonly q: QueuedAlert; readonly bytes: number }>();
  private liveBytes = 0;
  private fileBytes = 0;
  private buffer: string[] = [];
  private bufferHasAdditions = false;
  private closed = false;
  private readonly fromLastRun: QueuedAlert[] = [];
  /** Lines of the file that could not be read (a torn write). */
  readonly unreadable: number = 0;

  /** Opens (creating) the output's spool in `dir`; SpoolError, with the reason, when it cannot. */
  constructor(dir: string, output: string, private readonly maxBytes: number) {
    this.path = join(dir, `${output}.spool`);
    let text = '';
    try {
      makeDirectories(dir);
      this.fd = openSync(this.path, 'a+');
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new SpoolError(`delivery.spool_dir: cannot use ${this.path}: ${err.code ?? err.message}`);
    }
    let unreadable = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('-')) {
        const gone = this.live.get(line.slice(1));
        if (gone !== undefined) this.remove(gone.q.alert.uuid);
        continue;
      }
      const q = line.startsWith('+') ? parseRecord(line.slice(1)) : undefined;
      if (q === undefined) {
        unreadable++;
        continue;
      }
      this.addLive(q, Buffer.byteLength(line) + 1);
    }
    this.unreadable = unreadable;
    this.fromLastRun.push(...[...this.live.values()].map((l) => l.q));
    this.rewrite();
  }

  /** The alerts a previous run left waiting, oldest first. */
  restored(): readonly QueuedAlert[] {
    return this.fromLastRun;
  }

  /** Alerts waiting in the spool. */
  get pending(): number {
    return this.live.size;
  }

  /** Adds the alert (written at the next flush); false when it would pass spool_max_bytes. */
  append(q: QueuedAlert): boolean {
    const line = record(q);
    const bytes = Buffer.byteLength(line);
    if (this.liveBytes + bytes > this.maxBytes) return false;
    if (this.fileBytes + bytes > this.maxBytes) this.rewrite();
    this.addLive(q, bytes);
    this.buffer.push(line);
    this.fileBytes += bytes;
    // Written and fsync'd once the code that queued it yields: alerts raised in one turn of the
    // event loop share one fsync, and none waits for the output's next attempt (a retry's backoff).
    if (!this.bufferHasAdditions) setImmediate(() => this.flush());
    this.bufferHasAdditions = true;
    return true;
  }

  /** Removes these alerts (delivered or given up). */
  ack(batch: readonly QueuedAlert[]): void {
    for (const q of batch) {
      if (!this.remove(q.alert.uuid)) continue;
      const removal = `-${q.alert.uuid}\n`;
      this.buffer.push(removal);
      this.fileBytes += removal.length;
    }
    if (this.live.size === 0 && this.fileBytes > 0) {
      // Nothing waits: the file starts again empty.
      this.buffer = [];
      this.bufferHasAdditions = false;
      this.fileBytes = 0;
      ftruncateSync(this.fd, 0);
    } else if (this.fileBytes > 2 * this.liveBytes + COMPACT_SLACK_BYTES) {
      this.rewrite();
    }
  }

  /** Writes what is buffered; fsync'd when it adds alerts. */
  flush(): void {
    if (this.buffer.length === 0 || this.closed) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    if (this.bufferHasAdditions) fsyncSync(this.fd);
    this.bufferHasAdditions = false;
  }

  close(): void {
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }

  private addLive(q: QueuedAlert, bytes: number): void {
    this.live.set(q.alert.uuid, { q, bytes });
    this.liveBytes += bytes;
  }

  private remove(uuid: string): boolean {
    const l = this.live.get(uuid);
    if (l === undefined) return false;
    this.live.delete(uuid);
    this.liveBytes -= l.bytes;
    return true;
  }

  /** The file rewritten with only the waiting alerts (written to a new file, fsync'd, renamed over it). */
  private rewrite(): void {
    this.buffer = [];
    this.bufferHasAdditions = false;
    const records = [...this.live.values()].map((l) => record(l.q)).join('');
    const next = `${this.path}.new`;
    const fd = openSync(next, 'w');
    writeSync(fd, records);
    fsyncSync(fd);
    renameSync(next, this.path);
    closeSync(this.fd);
    this.fd = fd;
    this.fileBytes = Buffer.byteLength(records);
  }
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync loops forever where mkdir says ENOENT
 * of a parent that exists (under /proc), and an unusable spool_dir must be an error at start.
 */
function makeDirectories(dir: string): void {
  const parts = resolve(dir).split('/').filter((p) => p !== '');
  let path = '';
  for (const part of parts) {
    path += `/${part}`;
    if (!existsSync(path)) mkdirSync(path);
  }
}

/** The line that adds an alert: every field of Alert, output_fields as the formatter wrote them. */
function record(q: QueuedAlert): string {
  const a = q.alert;
  const head = JSON.stringify({
    uuid: a.uuid, time: a.time, rule: a.rule, priority: a.priority, source: a.source, hostname: a.hostname, output: a.output, tags: a.tags, line: a.line,
  });
  return `+{"t":${q.queuedAt},"a":${head.slice(0, -1)},"output_fields":${outputFieldsJson(a)}}}\n`;
}

function parseRecord(text: string): QueuedAlert | undefined {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof r !== 'object' || r === null) return undefined;
  const { t, a } = r as { t?: unknown; a?: Record<string, unknown> };
  if (typeof t !== 'number' || typeof a !== 'object' || typeof a.uuid !== 'string') return undefined;
  const text_ = (k: string) => (typeof a[k] === 'string' ? a[k] : '');
  const alert: Alert = {
    uuid: a.uuid, time: text_('time'), rule: text_('rule'), priority: text_('priority'), source: text_('source'),
    hostname: text_('hostname'), output: text_('output'), line: text_('line'),
    tags: Array.isArray(a.tags) ? a.tags.filter((x): x is string => typeof x === 'string') : [],
    outputFields: typeof a.output_fields === 'object' && a.output_fields !== null ? a.output_fields as Record<string, unknown> : {},
  };
  return { alert, queuedAt: t, failures: 0 };
}
