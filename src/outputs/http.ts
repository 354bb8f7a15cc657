// Alerts POSTed to an HTTP(S) URL, one request per alert, in order (what Falcosidekick and other
// webhooks receive from Falco): Content-Type application/json with json_output, text/plain
// without. TLS: the CA of ca_cert, else ca_bundle, else the certificates in ca_path (Node's own
// CA list for the default /etc/ssl/certs); insecure skips verification; mtls presents
// client_cert/client_key. compress_uploads gzips the body; echo prints each response body on
// standard output; keep_alive reuses the connection.
// A request that fails (no connection, an error status) is reported and the alert is lost; the
// next alert is sent as usual. close() waits for the requests in flight.
import { readdirSync, readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { HttpOutputConfig } from '../config/config.js';
import { type AlertOutput, type FailureReport, reason } from './output.js';

export class HttpOutputError extends Error {}

const SYSTEM_CA_PATH = '/etc/ssl/certs';

export class HttpOutput implements AlertOutput {
  readonly name = 'http';
  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private queue: Promise<void> = Promise.resolve();
  handled = 0;

  /** Throws HttpOutputError for a URL that is not http(s) or TLS files that cannot be read. */
  constructor(
    private readonly settings: HttpOutputConfig,
    private readonly json: boolean,
    private readonly report: FailureReport,
    private readonly echo: (body: string) => void = (b) => process.stdout.write(b.endsWith('\n') ? b : `${b}\n`),
  ) {
    this.url = parseUrl(settings.url);
    const keepAlive = settings.keepAlive;
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive, ...tlsOptions(settings) }) : new HttpAgent({ keepAlive });
  }

  send(line: string): void {
    this.queue = this.queue.then(() => this.post(line)).then(() => {
      this.handled++;
    });
  }

  reopen(): void {}

  async close(): Promise<void> {
    await this.queue;
    this.agent.destroy();
  }

  private post(line: string): Promise<void> {
    const body = this.settings.compressUploads ? gzipSync(line) : Buffer.from(line);
    const headers: Record<string, string | number> = {
      'Content-Type': this.json ? 'application/json' : 'text/plain',
      'User-Agent': this.settings.userAgent,
      'Content-Length': body.length,
      ...(this.settings.compressUploads && { 'Content-Encoding': 'gzip' }),
    };
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = send(this.url, { method: 'POST', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 400) this.report(`http output: POST ${this.url.href} failed: HTTP status ${status}`);
          else if (this.settings.echo) this.echo(Buffer.concat(chunks).toString('utf8'));
          resolve();
        });
        res.on('error', (e) => {
          this.report(`http output: POST ${this.url.href} failed: ${reason(e)}`);
          resolve();
        });
      });
      req.on('error', (e) => {
        this.report(`http output: POST ${this.url.href} failed: ${reason(e)}`);
        resolve();
      });
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

function tlsOptions(s: HttpOutputConfig): { rejectUnauthorized: boolean; ca?: Buffer[]; cert?: Buffer; key?: Buffer } {
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new HttpOutputError(`http output: could not read ${what} ${path}: ${reason(e)}`);
    }
  };
  const ca = s.caCert !== '' ? [read('ca_cert', s.caCert)]
    : s.caBundle !== '' ? [read('ca_bundle', s.caBundle)]
      : s.caPath !== '' && s.caPath !== SYSTEM_CA_PATH ? certificatesIn(s.caPath) : undefined;
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
