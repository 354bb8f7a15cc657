// Alerts pushed to Grafana Loki's push API, one request per batch: POST /loki/api/v1/push with the
// JSON body {"streams": [{"stream": {label: value}, "values": [["<unix ns>", "<line>"], ...]}]}
// (Loki's HTTP API reference, "Ingest logs"). Loki answers 204 once it has the entries; any
// other answer (429 when it limits the tenant, 5xx when it is unwell) is a failure that the
// delivery layer tries again.
//
// Each alert is one entry: its line is Falcosidekick's JSON of the alert, its timestamp the event's
// time in nanoseconds (as a string, as the API wants). Alerts of one batch are grouped in one
// stream per set of labels: rule, priority, source, hostname, and container_name, container_id,
// k8s_ns_name when the alert's output_fields have container.name, container.id, k8s.ns.name, plus
// the configuration's static labels. Label values come from events: control characters are
// escaped and a value is cut to Loki's default limit of 2048 bytes.
//
// `url` is Loki's address (http://loki:3100); a URL with a path is used as it is (a gateway's push
// endpoint). `tenant` is sent as X-Scope-OrgID; user and password as basic auth, or bearer_token.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LokiOutputConfig } from '../config/config.js';
import { escapeControls } from './logger.js';
import { reason } from './output.js';
import { sidekickJson } from './sidekick.js';
import type { Alert, DeliveryTarget } from './target.js';
import { defaultTrust } from './trust.js';

export class LokiOutputError extends Error {}

export const LOKI_PUSH_PATH = '/loki/api/v1/push';
/** Loki's default max_label_value_length. */
const MAX_LABEL_VALUE_BYTES = 2048;
/** How much of an error answer's body a failure message quotes. */
const QUOTED_BODY_CHARS = 200;

/** Labels taken from output_fields when present, and the label each becomes. */
const FIELD_LABELS: readonly (readonly [field: string, label: string])[] = [
  ['container.name', 'container_name'],
  ['container.id', 'container_id'],
  ['k8s.ns.name', 'k8s_ns_name'],
];

/** One stream of Loki's push body. */
interface LokiStream {
  readonly stream: Record<string, string>;
  readonly values: [string, string][];
}

export class LokiTarget implements DeliveryTarget {
  readonly name = 'loki';
  readonly retry = true;
  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly headers: Record<string, string>;

  /** Throws LokiOutputError (one line) for a URL that is not http(s) or a ca_cert that cannot be read. */
  constructor(private readonly config: LokiOutputConfig) {
    try {
      this.url = new URL(config.url);
    } catch {
      throw new LokiOutputError(`loki output: '${config.url}' is not a valid URL`);
    }
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new LokiOutputError(`loki output: '${config.url}' is not an http or https URL`);
    if (this.url.pathname === '/' || this.url.pathname === '') this.url.pathname = LOKI_PUSH_PATH;
    let ca: Buffer | undefined;
    try {
      ca = config.caCert === '' ? undefined : readFileSync(config.caCert);
    } catch (e) {
      throw new LokiOutputError(`loki output: could not read ca_cert ${config.caCert}: ${reason(e)}`);
    }
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, ca: ca ?? defaultTrust() }) : new HttpAgent({ keepAlive: true });
    this.headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'ghostwatch',
      ...(config.tenant !== '' && { 'X-Scope-OrgID': config.tenant }),
      ...(config.user !== '' && { Authorization: `Basic ${Buffer.from(`${config.user}:${config.password}`).toString('base64')}` }),
      ...(config.bearerToken !== '' && { Authorization: `Bearer ${config.bearerToken}` }),
    };
  }

  async deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void> {
    const body = Buffer.from(JSON.stringify({ streams: lokiStreams(alerts, this.config.labels) }));
    const { status, text } = await this.post(body, signal);
    if (status < 200 || status > 299) {
      const quoted = escapeControls(text.slice(0, QUOTED_BODY_CHARS).replace(/[\r\n]+/g, ' ').trim());
      throw new LokiOutputError(`loki output: push to ${this.url.origin} failed: HTTP status ${status}${quoted === '' ? '' : ` (${quoted})`}`);
    }
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }

  private post(body: Buffer, signal: AbortSignal): Promise<{ status: number; text: string }> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...this.headers, 'Content-Length': String(body.length) };
    return new Promise((resolve, reject) => {
      const failed = (e: unknown) => reject(new LokiOutputError(`loki output: push to ${this.url.origin} failed: ${reason(e)}`));
      const req = send(this.url, { method: 'POST', headers, agent: this.agent, signal }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', failed);
      });
      req.on('error', failed);
      req.end(body);
    });
  }
}

/** The alerts as Loki's streams: one per set of labels, entries in the order of the alerts. */
export function lokiStreams(alerts: readonly Alert[], staticLabels: Readonly<Record<string, string>>): LokiStream[] {
  const streams = new Map<string, LokiStream>();
  for (const alert of alerts) {
    const labels = alertLabels(alert, staticLabels);
    const key = JSON.stringify(labels);
    let stream = streams.get(key);
    if (stream === undefined) streams.set(key, (stream = { stream: labels, values: [] }));
    stream.values.push([unixNanos(alert.time), sidekickJson(alert)]);
  }
  return [...streams.values()];
}

function alertLabels(alert: Alert, staticLabels: Readonly<Record<string, string>>): Record<string, string> {
  const labels: Record<string, string> = { ...staticLabels };
  const put = (name: string, value: unknown) => {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const text = labelValue(String(value));
    if (text !== '') labels[name] = text;
  };
  put('rule', alert.rule);
  put('priority', alert.priority);
  put('source', alert.source);
  put('hostname', alert.hostname);
  for (const [field, label] of FIELD_LABELS) put(label, alert.outputFields[field]);
  return labels;
}

/** A label value Loki takes and any viewer shows as it is: no control characters, at most Loki's length. */
function labelValue(value: string): string {
  let text = escapeControls(value);
  if (Buffer.byteLength(text) <= MAX_LABEL_VALUE_BYTES) return text;
  text = text.slice(0, MAX_LABEL_VALUE_BYTES);
  while (Buffer.byteLength(text) > MAX_LABEL_VALUE_BYTES) text = text.slice(0, -1);
  // Never end on half of a surrogate pair.
  return /[\ud800-\udbff]$/.test(text) ? text.slice(0, -1) : text;
}

/**
 * Falco's ISO 8601 time (2024-05-01T12:00:00.123456789Z, any fraction, Z or an offset) in
 * nanoseconds since the epoch, as the decimal text Loki wants; the present time for a time that
 * does not parse (Loki needs one).
 */
export function unixNanos(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9})\d*)?(Z|[+-]\d\d:?\d\d)$/.exec(iso);
  const ms = m === null ? NaN : Date.parse(`${m[1]}${m[3]}`);
  if (m === null || Number.isNaN(ms)) return (BigInt(Date.now()) * 1_000_000n).toString();
  const fraction = m[2] as string | undefined;
  return (BigInt(ms) * 1_000_000n + BigInt((fraction ?? '').padEnd(9, '0'))).toString();
}
