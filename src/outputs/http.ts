// Alerts POSTed to an HTTP(S) URL, one request per alert, in Falcosidekick's JSON shape (time,
// rule, priority, source, hostname, output, output_fields, tags and uuid: what Falcosidekick and
// the webhooks it feeds receive), Content-Type application/json. TLS: the CA of ca_cert, else
// ca_bundle, else the certificates in ca_path (Node's own CA list for the default
// /etc/ssl/certs); insecure skips verification; mtls presents client_cert/client_key.
// compress_uploads gzips the body; echo prints each response body on standard output; keep_alive
// reuses connections.
// The alerts of one delivery are POSTed side by side (at most MAX_SOCKETS at once); the delivery
// succeeds when every one was answered 2xx or 3xx. Otherwise it fails as a whole and the delivery
// layer sends the batch again: a receiver may see an alert twice, with the same uuid.
import { setMaxListeners } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { HttpOutputConfig } from '../config/config.js';
import { reason } from './output.js';
import { sidekickJson } from './sidekick.js';
import type { Alert, DeliveryTarget } from './target.js';
import { defaultTrust } from './trust.js';

export class HttpOutputError extends Error {}

const SYSTEM_CA_PATH = '/etc/ssl/certs';
/** Requests in flight at once, to one receiver. */
const MAX_SOCKETS = 16;

export class HttpOutput implements DeliveryTarget {
  readonly name = 'http';
  readonly retry = true;
  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;

  /** Throws HttpOutputError for a URL that is not http(s) or TLS files that cannot be read. */
  constructor(
    private readonly settings: HttpOutputConfig,
    private readonly echo: (body: string) => void = (b) => process.stdout.write(b.endsWith('\n') ? b : `${b}\n`),
  ) {
    this.url = parseUrl(settings.url);
    const options = { keepAlive: settings.keepAlive, maxSockets: MAX_SOCKETS };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ ...options, ...tlsOptions(settings) }) : new HttpAgent(options);
  }

  async deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void> {
    // Each request of the batch listens to the attempt's deadline.
    setMaxListeners(alerts.length + 10, signal);
    const results = await Promise.allSettled(alerts.map((a) => this.post(sidekickJson(a), signal)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }

  private post(json: string, signal: AbortSignal): Promise<void> {
    const body = this.settings.compressUploads ? gzipSync(json) : Buffer.from(json);
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'User-Agent': this.settings.userAgent,
      'Content-Length': body.length,
      ...(this.settings.compressUploads && { 'Content-Encoding': 'gzip' }),
    };
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const failure = (why: string) => new Error(`http output: POST ${this.url.href} failed: ${why}`);
    return new Promise((resolve, reject) => {
      const req = send(this.url, { method: 'POST', headers, agent: this.agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            reject(failure(`HTTP status ${status}`));
            return;
          }
          if (this.settings.echo) this.echo(Buffer.concat(chunks).toString('utf8'));
          resolve();
        });
        res.on('error', (e) => reject(failure(reason(e))));
      });
      req.on('error', (e) => reject(failure(signal.aborted ? 'no answer in time' : reason(e))));
      req.end(body);
    });
  }
}

/** The URL, without the quotes Falco also accepts around it. */
function parseUrl(text: string): URL {
  const unquoted = /^(["']).*\1$/s.test(text) ? text.slice(1, -1) : text;
  let url: URL;
  try {
    url = new URL(unquoted);
  } catch {
    throw new HttpOutputError(`http output: '${text}' is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpOutputError(`http output: '${text}' is not an http or https URL`);
  return url;
}

function tlsOptions(s: HttpOutputConfig): { rejectUnauthorized: boolean; ca?: (Buffer | string)[] | string; cert?: Buffer; key?: Buffer } {
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new HttpOutputError(`http output: could not read ${what} ${path}: ${reason(e)}`);
    }
  };
  const ca = s.caCert !== '' ? [read('ca_cert', s.caCert)]
    : s.caBundle !== '' ? [read('ca_bundle', s.caBundle)]
      : s.caPath !== '' && s.caPath !== SYSTEM_CA_PATH ? certificatesIn(s.caPath) : defaultTrust();
  return {
    rejectUnauthorized: !s.insecure,
    ...(ca !== undefined && { ca }),
    ...(s.mtls && { cert: read('client_cert', s.clientCert), key: read('client_key', s.clientKey) }),
  };
}

function certificatesIn(dir: string): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new HttpOutputError(`http output: could not read ca_path ${dir}: ${reason(e)}`);
  }
  return names.filter((n) => /\.(pem|crt)$/.test(n)).map((n) => readFileSync(join(dir, n)));
}
