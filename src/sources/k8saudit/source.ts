// The k8s_audit event source: opens what open_params names (a webhook, a file read once, a file
// followed) and hands its audit events, in order, to the detection. Events wait in one queue
// between the input and the detection, which takes them a slice at a time so that a large batch
// never holds up the other sources (the kernel probe's reader shares the thread); a webhook stops
// accepting requests (503) while the queue is full, a file reader waits.
import { readFileSync, statSync } from 'node:fs';
import { type AuditInput, K8sAuditConfigError, type K8sAuditPluginConfig, parseOpenParams, webhookUrl } from './config.js';
import type { AuditEvent, Payload } from './events.js';
import { followAuditFile, type FollowStart, followStart, readAuditFiles } from './files.js';
import { AuditWebhook, type WebhookCounters } from './webhook.js';

/** Events judged per turn of the event loop. */
const SLICE = 512;
/** Events waiting beyond which a webhook refuses requests and a reader waits. */
const MAX_QUEUED = 100_000;

export interface SourceCounters {
  /** Events handed to the detection. */
  delivered: number;
  /** Events accepted, not judged yet. */
  queued: number;
  /** Events too large (maxEventSize) or unusable (no stageTimestamp), dropped. */
  dropped: number;
}

export class K8sAuditSource {
  readonly counters: SourceCounters = { delivered: 0, queued: 0, dropped: 0 };
  /** What the source reads, for the log: the webhook URL (with the bound port) or the file. */
  readonly description: string;
  private readonly queue: AuditEvent[][] = [];
  private queueHead = 0;
  private headIndex = 0;
  private stopping = false;
  private judge: ((e: AuditEvent) => void) | undefined;
  private draining = false;
  private drained: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private ended: Promise<void> | undefined;
  private wakeFollower: (() => void) | undefined;
  private stopWaiter: (() => void) | undefined;
  private followFrom: FollowStart | undefined;

  private constructor(
    private readonly input: AuditInput,
    private readonly cfg: K8sAuditPluginConfig,
    private readonly log: (message: string) => void,
    private readonly webhook: AuditWebhook | undefined,
    description: string,
  ) {
    this.description = description;
  }

  /**
   * Opens the input: a webhook listens when this resolves (errors, such as a port in use, reject),
   * a file must exist. Events are judged once run() is called.
   */
  static async open(cfg: K8sAuditPluginConfig, log: (message: string) => void): Promise<K8sAuditSource> {
    const input = parseOpenParams(cfg.openParams);
    if (input.kind !== 'webhook') {
      if (input.kind === 'file') {
        try {
          statSync(input.path);
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new K8sAuditConfigError(`k8saudit: cannot read ${input.path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
        }
      }
      const source = new K8sAuditSource(input, cfg, log, undefined, input.kind === 'file' ? `file ${input.path}` : `file ${input.path} (followed)`);
      // Following starts where the file ends now: what is written once the source is open is read.
      if (input.kind === 'follow') source.followFrom = followStart(input.path);
      return source;
    }
    const init = cfg.init;
    let tls: { key: string; cert: string } | undefined;
    if (input.tls) tls = readPem(init.sslCertificate);
    let token = init.webhookBearerToken;
    if (init.webhookBearerTokenFile !== undefined) {
      try {
        token = readFileSync(init.webhookBearerTokenFile, 'utf8').trim();
      } catch (e) {
        throw new K8sAuditConfigError(`k8saudit: cannot read webhookBearerTokenFile ${init.webhookBearerTokenFile}: ${(e as Error).message}`);
      }
      if (token === '') throw new K8sAuditConfigError(`k8saudit: webhookBearerTokenFile ${init.webhookBearerTokenFile} is empty`);
    }
    const box: { source?: K8sAuditSource } = {};
    const webhook = new AuditWebhook({
      host: input.host, port: input.port, path: input.path,
      ...(tls !== undefined && { tls }),
      maxBatchSize: init.webhookMaxBatchSize,
      maxEventSize: init.maxEventSize,
      ...(token !== undefined && { bearerToken: token }),
      deliver: (events) => box.source?.push(events) ?? false,
      accepting: () => box.source?.hasRoom() ?? false,
      log,
    });
    let port: number;
    try {
      port = (await webhook.listen()).port;
    } catch (e) {
      throw new K8sAuditConfigError(`k8saudit: cannot serve ${webhookUrl(input)}: ${(e as Error).message}`);
    }
    const source = new K8sAuditSource(input, cfg, log, webhook, `webhook ${webhookUrl(input, port)}${token !== undefined ? ' (bearer token required)' : ''}`);
    box.source = source;
    return source;
  }

  /** The webhook's request counters (undefined for a file). */
  get webhookCounters(): WebhookCounters | undefined {
    return this.webhook?.counters;
  }

  /**
   * Judges every event, in order, until the source ends: a file read to its end, or stop() (the
   * events already accepted are judged first). Call once.
   */
  run(judge: (e: AuditEvent) => void): Promise<void> {
    this.judge = judge;
    this.schedule();
    this.ended = this.input.kind === 'webhook' ? this.untilStopped() : this.readFiles(this.input);
    return this.ended.then(() => this.whenDrained());
  }

  /** Ends the source: the webhook closes, a reader stops after its current line. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wakeFollower?.();
    for (const w of this.roomWaiters.splice(0)) w();
    this.stopWaiter?.();
    await this.webhook?.close();
  }

  private untilStopped(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.stopWaiter = resolve;
    });
  }

  private async readFiles(input: AuditInput & { kind: 'file' | 'follow' }): Promise<void> {
    const sink = {
      maxEventSize: this.cfg.init.maxEventSize,
      deliver: async (p: Payload) => {
        this.counters.dropped += p.tooLarge + p.invalid;
        while (!this.stopping && !this.hasRoom()) await new Promise<void>((r) => this.roomWaiters.push(r));
        if (!this.stopping) this.push(p.events);
      },
      log: this.log,
      stopped: () => this.stopping,
    };
    if (input.kind === 'file') {
      await readAuditFiles(input.path, sink);
      return;
    }
    const f = followAuditFile(input.path, sink, this.followFrom);
    this.wakeFollower = f.wake;
    await f.done;
  }

  private hasRoom(): boolean {
    return this.counters.queued < MAX_QUEUED;
  }

  /** Queues events for the detection; false when the queue is full. */
  private push(events: AuditEvent[]): boolean {
    if (!this.hasRoom()) return false;
    this.queue.push(events);
    this.counters.queued += events.length;
    this.schedule();
    return true;
  }

  private schedule(): void {
    if (this.draining || this.judge === undefined || this.counters.queued === 0) return;
    this.draining = true;
    setImmediate(() => this.drain());
  }

  /** Judges up to SLICE events, then lets the event loop turn. */
  private drain(): void {
    const judge = this.judge!;
    let n = 0;
    try {
      while (n < SLICE && this.queueHead < this.queue.length) {
        const batch = this.queue[this.queueHead];
        while (n < SLICE && this.headIndex < batch.length) {
          const e = batch[this.headIndex++];
          this.counters.queued--;
          this.counters.delivered++;
          n++;
          judge(e);
        }
        if (this.headIndex >= batch.length) {
          this.queueHead++;
          this.headIndex = 0;
        }
      }
    } finally {
      if (this.queueHead > 1024 || this.queueHead === this.queue.length) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
      this.draining = false;
      if (this.counters.queued > 0) this.schedule();
      else for (const d of this.drained.splice(0)) d();
      if (this.hasRoom()) for (const w of this.roomWaiters.splice(0)) w();
    }
  }

  private whenDrained(): Promise<void> {
    if (this.counters.queued === 0) return Promise.resolve();
    return new Promise((r) => this.drained.push(r));
  }
}

/** The private key and certificate(s) of a PEM file holding both (the plugin's sslCertificate). */
function readPem(path: string): { key: string; cert: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new K8sAuditConfigError(`k8saudit: cannot read sslCertificate ${path}: ${(e as Error).message}`);
  }
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)];
  const key = blocks.filter((b) => b[1].includes('PRIVATE KEY')).map((b) => b[0]).join('\n');
  const cert = blocks.filter((b) => b[1] === 'CERTIFICATE' || b[1] === 'TRUSTED CERTIFICATE').map((b) => b[0]).join('\n');
  if (key === '' || cert === '') throw new K8sAuditConfigError(`k8saudit: sslCertificate ${path} must hold a PEM private key and certificate`);
  return { key, cert };
}
