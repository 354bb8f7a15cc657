// The k8saudit webhook: the HTTP(S) endpoint kube-apiserver's webhook audit backend posts to
// (--audit-webhook-config-file, a kubeconfig naming this URL). As the plugin's server does:
// only POST (405 otherwise), only Content-Type application/json (400 otherwise), a body of at
// most webhookMaxBatchSize bytes; then, unlike the plugin, which answers 200 before it parses,
// the body is parsed first so that a client learns its mistake: 413 for a body too large, 400 for
// JSON that does not parse or holds no audit event. With a bearer token configured (ghostwatch's
// webhookBearerToken), a request without it gets 401 before its body is read. Accepted events are
// handed over in order; when the detection falls too far behind, requests get 503 with Retry-After
// (kube-apiserver retries them) instead of filling the memory.
//
// Nothing a client sends stops the server: every failure is that request's answer, a connection
// that sends its headers too slowly is closed, a body that stops coming times out.
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Json } from '../../fields/json.js';
import { auditEventsOf, type AuditEvent } from './events.js';

export interface WebhookOptions {
  readonly host: string;
  readonly port: number;
  /** The path served: exactly, or everything under it when it ends with '/'. */
  readonly path: string;
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly maxBatchSize: number;
  readonly maxEventSize: number;
  readonly bearerToken?: string;
  /** Takes accepted events; false when it cannot take more now (the request gets 503). */
  readonly deliver: (events: AuditEvent[]) => boolean;
  /** Whether new events can be taken (checked before a body is read). */
  readonly accepting: () => boolean;
  readonly log: (message: string) => void;
}

export interface WebhookCounters {
  requests: number;
  /** Requests answered 2xx. */
  accepted: number;
  /** Requests answered 4xx or 5xx. */
  refused: number;
  events: number;
  /** Events left out of accepted requests: too large, or not events. */
  tooLarge: number;
  invalid: number;
}

/** How long a client may take to send its headers, and its whole request. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;

export class AuditWebhook {
  readonly counters: WebhookCounters = { requests: 0, accepted: 0, refused: 0, events: 0, tooLarge: 0, invalid: 0 };
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly token?: Buffer;

  constructor(private readonly o: WebhookOptions) {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res);
    };
    this.server = o.tls === undefined ? createHttpServer(handler) : createHttpsServer({ key: o.tls.key, cert: o.tls.cert }, handler);
    this.server.headersTimeout = HEADERS_TIMEOUT_MS;
    this.server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    // A TLS handshake that fails, a malformed request: that client's problem only.
    this.server.on('tlsClientError', (_e: Error, s: Socket) => s.destroy());
    this.server.on('clientError', (_e: Error, s: Socket) => {
      if (s.writable) s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else s.destroy();
    });
    if (o.bearerToken !== undefined) this.token = digest(o.bearerToken);
  }

  /** Starts listening; resolves with the address bound (the port chosen when it was 0). */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen({ port: this.o.port, ...(this.o.host !== '' && { host: this.o.host }) }, () => {
        this.server.off('error', onError);
        this.server.on('error', (e) => this.o.log(`webhook server error: ${e.message}`));
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting connections and closes the open ones (requests being read are answered first when they can be). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Requests still in flight get a moment, then their connections go.
      setTimeout(() => {
        for (const s of this.sockets) s.destroy();
      }, 1000).unref();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.counters.requests++;
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const path = pathOf(req.url ?? '/');
    if (!this.servesPath(path)) {
      this.refuse(req, res, 404, '404 page not found');
      return;
    }
    if (this.token !== undefined && !this.authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      this.refuse(req, res, 401, 'unauthorized');
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      this.refuse(req, res, 405, `${req.method ?? ''} method not allowed`);
      return;
    }
    if (!(req.headers['content-type'] ?? '').includes('application/json')) {
      this.refuse(req, res, 400, 'wrong Content Type');
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > this.o.maxBatchSize) {
      this.refuse(req, res, 413, `request body too large (over ${this.o.maxBatchSize} bytes)`);
      return;
    }
    if (!this.o.accepting()) {
      res.setHeader('Retry-After', '1');
      this.refuse(req, res, 503, 'too many audit events waiting: retry later');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > this.o.maxBatchSize) {
        over = true;
        chunks.length = 0;
        this.refuse(req, res, 413, `request body too large (over ${this.o.maxBatchSize} bytes)`);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) this.accept(req, res, Buffer.concat(chunks, size));
    });
  }

  private accept(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    let payload: Json;
    try {
      payload = JSON.parse(body.toString('utf8')) as Json;
    } catch (e) {
      this.refuse(req, res, 400, `bad request: invalid JSON: ${(e as Error).message}`);
      return;
    }
    const p = auditEventsOf(payload, this.o.maxEventSize);
    if (!p.recognized) {
      this.refuse(req, res, 400, 'bad request: data not recognized as a k8s audit event');
      return;
    }
    this.counters.tooLarge += p.tooLarge;
    this.counters.invalid += p.invalid;
    if (p.tooLarge > 0) this.o.log(`${p.tooLarge} audit event(s) larger than maxEventSize (${this.o.maxEventSize} bytes) dropped`);
    if (p.invalid > 0) this.o.log(`${p.invalid} item(s) of a request were not audit events with a stageTimestamp: dropped`);
    if (p.events.length > 0 && !this.o.deliver(p.events)) {
      res.setHeader('Retry-After', '1');
      this.refuse(req, res, 503, 'too many audit events waiting: retry later');
      return;
    }
    this.counters.events += p.events.length;
    this.counters.accepted++;
    res.writeHead(200, { 'Content-Length': '0' });
    res.end();
  }

  /** Answers with an error; a body not read yet is not waited for (the connection closes after the answer). */
  private refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
    this.counters.refused++;
    if (res.headersSent) return;
    const body = `${message}\n`;
    const complete = req.readableEnded;
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': String(Buffer.byteLength(body)),
      ...(!complete && { Connection: 'close' }),
    });
    res.end(body);
    if (!complete) {
      res.on('finish', () => req.socket.destroySoon());
      req.resume();
    }
  }

  private servesPath(path: string): boolean {
    const want = this.o.path;
    return want.endsWith('/') ? path.startsWith(want) : path === want;
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return m !== null && this.token !== undefined && timingSafeEqual(digest(m[1].trim()), this.token);
  }
}

/** Fixed-length digests compare in constant time whatever the lengths of the tokens. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The request's path, without its query. */
function pathOf(url: string): string {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
}
