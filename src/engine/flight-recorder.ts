// The flight recorder: while ghostwatch watches the live system, the last events the probe
// delivered (every one, not only those the rules matched) stay in memory in their scap form, in a
// ring of chunks bounded by bytes and by time. An alert that triggers it opens a recording: the
// events from before_s before the alert to after_s after it, written as a capture sysdig 0.29.3
// and `ghostwatch events -r` read (state blocks first: the processes and their fds as the state
// knows them, the machine and users of the start). Alerts that come while a recording is open
// extend it and share its file. Writing happens off the event path: the events are copied out
// of the ring and converted in memory, the file written asynchronously; a failure is counted and
// reported once, the alerts go out regardless.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LegacyConverter } from '../capture/compat.js';
import { Event } from '../capture/event.js';
import { FdType } from '../capture/event-types.js';
import type { CaptureHeader, FdRecord, ProcRecord } from '../capture/records.js';
import { CaptureWriter } from '../capture/writer.js';
import type { FlightRecorderConfig } from '../config/config.js';
import type { LoadedRule } from '../rules/index.js';
import type { State } from '../state/state.js';

/** What the recorder has done, for -v's summary and the tests. */
export interface FlightRecorderStats {
  recordings: number;
  failures: number;
  lastError: string;
}

const CHUNK_BYTES = 1 << 20;
/** Per event in the ring: its length (u32), cpu (u16), parameter length size (u8), pad (u8). */
const RECORD_HEADER = 8;

interface Chunk {
  readonly buf: Buffer;
  used: number;
  firstTs: number;
  lastTs: number;
}

/** The last events, oldest first, in chunks dropped whole when over the byte or time bound. */
export class EventRing {
  private readonly chunks: Chunk[] = [];
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly keepNs: number,
  ) {}

  push(e: Event): void {
    const need = RECORD_HEADER + e.len;
    let last = this.chunks.at(-1);
    if (last === undefined || last.used + need > last.buf.length) {
      last = { buf: Buffer.allocUnsafe(Math.max(CHUNK_BYTES, need)), used: 0, firstTs: e.tsNum(), lastTs: 0 };
      this.chunks.push(last);
      this.bytes += last.buf.length;
    }
    const at = last.used;
    last.buf.writeUInt32LE(e.len, at);
    last.buf.writeUInt16LE(e.cpu, at + 4);
    last.buf[at + 6] = e.lenSize;
    last.buf[at + 7] = 0;
    e.buf.copy(last.buf, at + RECORD_HEADER, e.off, e.off + e.len);
    last.used += need;
    last.lastTs = e.tsNum();
    // Whole chunks go: the oldest while over the bytes, or once all its events are too old to matter.
    while (this.chunks.length > 1 && (this.bytes > this.maxBytes || this.chunks[0].lastTs < last.lastTs - this.keepNs)) {
      this.bytes -= this.chunks[0].buf.length;
      this.chunks.shift();
    }
  }

  /**
   * The kept events from fromTs to toTs, as the chunks that hold them. Chunks are never written
   * again once full, nor reused once dropped, so the view stays valid while events keep coming:
   * it reads the chunks' bytes as they were when taken.
   */
  window(fromTs: number, toTs: number): EventWindow {
    const chunks = this.chunks.filter((c) => c.lastTs >= fromTs && c.firstTs <= toTs).map((c) => ({ buf: c.buf, used: c.used }));
    return { chunks, fromTs, toTs };
  }

  /** Calls f with each kept event from fromTs to toTs (inclusive), oldest first. */
  forEach(fromTs: number, toTs: number, f: (e: Event) => void): void {
    const w = this.window(fromTs, toTs);
    for (let i = 0; i < w.chunks.length; i++) eventsOf(w, i, f);
  }
}

/** Some of the ring's chunks (the bytes each held when taken), and the times of the events wanted. */
export interface EventWindow {
  readonly chunks: readonly { readonly buf: Buffer; readonly used: number }[];
  readonly fromTs: number;
  readonly toTs: number;
}

/** Calls f with the events of chunk i of a window that are within its times. */
function eventsOf(w: EventWindow, i: number, f: (e: Event) => void): void {
  const { buf, used } = w.chunks[i];
  const e = new Event();
  for (let at = 0; at < used;) {
    const len = buf.readUInt32LE(at);
    const off = at + RECORD_HEADER;
    e.reset(buf, off, 26, buf[at + 6], buf.readUInt32LE(off + 22));
    e.cpu = buf.readUInt16LE(at + 4);
    e.dumpFlags = 0;
    const ts = e.tsNum();
    if (ts >= w.fromTs && ts <= w.toTs) f(e);
    at = off + len;
  }
}

interface Recording {
  readonly startTs: number;
  endTs: number;
  readonly alertTs: number;
  readonly rule: string;
  readonly uuid: string;
  readonly rules: Set<string>;
}

export class FlightRecorder {
  readonly stats: FlightRecorderStats = { recordings: 0, failures: 0, lastError: '' };
  private readonly ring: EventRing;
  private open: Recording | undefined;
  private header: CaptureHeader | undefined;
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly settings: FlightRecorderConfig,
    private readonly state: State,
    /** Called with each capture written (its path and the rules it is about), or with a failure's message. */
    private readonly report: { written(path: string, rules: readonly string[]): void; failed(message: string): void },
  ) {
    this.ring = new EventRing(settings.maxBytes, (settings.beforeS + settings.afterS) * 1e9);
  }

  /** The capture's header as the source gave it (machine, interfaces, users). */
  start(h: CaptureHeader): void {
    this.header = h;
  }

  /** Each event the probe delivers, before the rules see it. */
  event(e: Event): void {
    this.ring.push(e);
    const r = this.open;
    if (r !== undefined && e.tsNum() > r.endTs) this.close(r);
  }

  /** An alert: it opens a recording, or extends the one open, when its rule triggers the recorder. */
  alert(rule: LoadedRule, e: Event): string | undefined {
    if (rule.priority > this.settings.minPriority) return undefined;
    if (this.settings.rules.length > 0 && !this.settings.rules.includes(rule.name)) return undefined;
    const ts = e.tsNum();
    const r = this.open;
    if (r !== undefined) {
      r.endTs = Math.max(r.endTs, ts + this.settings.afterS * 1e9);
      r.rules.add(rule.name);
      return this.pathOf(r);
    }
    const opened: Recording = {
      startTs: ts - this.settings.beforeS * 1e9, endTs: ts + this.settings.afterS * 1e9, alertTs: ts, rule: rule.name, uuid: randomUUID(), rules: new Set([rule.name]),
    };
    this.open = opened;
    return this.pathOf(opened);
  }

  /** At the end of the run: the recording open is written with what there is, and every write finishes. */
  async stop(): Promise<void> {
    if (this.open !== undefined) this.close(this.open);
    await Promise.all([...this.writes]);
  }

  /** A recording's file: its alert's time, rule and uuid. */
  private pathOf(r: Recording): string {
    const time = new Date(r.alertTs / 1e6).toISOString().replace(/[:.]/g, '-');
    const rule = r.rule.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
    return join(this.settings.dir, `${time}_${rule}_${r.uuid}.scap`);
  }

  /**
   * A recording ends: what it needs is taken now (the chunks of its window, the state as header
   * blocks); the conversion then runs a chunk at a time, yielding to the event loop between
   * chunks, and the file is written asynchronously.
   */
  private close(r: Recording): void {
    this.open = undefined;
    const window = this.ring.window(r.startTs, r.endTs);
    const header = snapshot(this.state, this.header);
    const path = this.pathOf(r);
    const done = encode(header, window)
      .then((bytes) => this.persist(path, bytes))
      .then(
        () => {
          this.stats.recordings++;
          this.report.written(path, [...r.rules]);
        },
        (e: unknown) => this.fail(e),
      );
    this.writes.add(done);
    void done.finally(() => this.writes.delete(done));
  }

  private fail(e: unknown): void {
    this.stats.failures++;
    this.stats.lastError = e instanceof Error ? e.message : String(e);
    this.report.failed(this.stats.lastError);
  }

  private async persist(path: string, bytes: Buffer): Promise<void> {
    await mkdir(this.settings.dir, { recursive: true });
    await writeFile(path, bytes, { mode: 0o600 });
    if (this.settings.maxFiles > 0) await this.rotate();
  }

  /** Old recordings out: at most maxFiles captures stay in dir (their names sort by time). */
  private async rotate(): Promise<void> {
    const files = (await readdir(this.settings.dir)).filter((f) => f.endsWith('.scap')).sort();
    for (const f of files.slice(0, Math.max(0, files.length - this.settings.maxFiles))) await rm(join(this.settings.dir, f), { force: true });
  }

}

/** A recording's capture, in memory: the header blocks, then the window's events in sysdig 0.29.3's forms. */
async function encode(header: CaptureHeader, window: EventWindow): Promise<Buffer> {
  const out: Buffer[] = [];
  const writer = new CaptureWriter('', {}, { write: (d) => out.push(Buffer.from(d)), close: () => undefined });
  writer.writeHeader(header);
  const converter = new LegacyConverter();
  for (let i = 0; i < window.chunks.length; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    eventsOf(window, i, (e) => {
      converter.convert(e, (converted) => writer.writeEvent(converted));
    });
  }
  writer.close();
  return Buffer.concat(out);
}

/** The header of a recording: the start's machine, interfaces and users, the processes and fds the state knows now. */
function snapshot(state: State, start: CaptureHeader | undefined): CaptureHeader {
  const procs: ProcRecord[] = [];
  const fds: FdRecord[] = [];
  for (const t of state.threads.values()) {
    procs.push({
      tid: t.tid, pid: t.pid, ptid: t.ptid, sid: t.sid, vpgid: t.vpgid, pgid: t.pgid, comm: t.comm, exe: t.exe, exepath: t.exepath, args: t.args, env: t.env,
      cwd: t.cwd, root: t.root, fdlimit: t.fdlimit, flags: 0, uid: t.uid, gid: t.gid, loginuid: t.loginuid, tty: t.tty, vmsizeKb: t.vmsizeKb,
      vmrssKb: t.vmrssKb, vmswapKb: t.vmswapKb, pfmajor: t.pfmajor, pfminor: t.pfminor, vtid: t.vtid, vpid: t.vpid, cgroups: t.cgroups,
      exeWritable: t.exeWritable, exeUpperLayer: t.exeUpperLayer, exeFromMemfd: t.exeFromMemfd, capInheritable: t.capInheritable,
      capPermitted: t.capPermitted, capEffective: t.capEffective, exeIno: t.exeIno, exeInoCtime: t.exeInoCtime, exeInoMtime: t.exeInoMtime,
      cloneTs: Number(t.cloneTs), pidnsInitStartTs: t.pidnsInitStartTs,
    });
    // A process's fds once, with its main thread.
    if (t.tid !== t.pid) continue;
    for (const [fd, f] of t.fds) {
      // An fd of no known type has no form in an fd list (readers refuse the block).
      if (f.type === FdType.UNINITIALIZED || f.type === FdType.UNKNOWN) continue;
      fds.push({
        // The writer gives files their FILE_V2 form (open flags, device) itself.
        pid: t.pid, fd, ino: f.ino, type: f.type === FdType.FILE_V2 ? FdType.FILE : f.type, name: f.name, openFlags: f.openFlags, dev: f.dev,
        mountId: 0, sip: f.sip, dip: f.dip, sport: f.sport, dport: f.dport, l4proto: f.l4proto, unixSource: 0n, unixDest: 0n,
      });
    }
  }
  return {
    major: 1, minor: 0, machine: start?.machine, procs, fds, ifaces: start?.ifaces ?? [], ifaces6: start?.ifaces6 ?? [],
    users: start?.users ?? [], groups: start?.groups ?? [],
  };
}
