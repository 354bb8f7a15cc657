// Falco's embedded webserver: the health check for Kubernetes probes (k8s_healthz_endpoint,
// /healthz), /versions, and /metrics in Prometheus's text format when both metrics.enabled and
// webserver.prometheus_metrics_enabled are set. http, or https with ssl_certificate (one PEM file
// holding the private key and the certificate, as Falco takes it).
//
// /healthz answers {"status": "ok"} while every event source runs; once one has failed (see
// health.ts) it answers 503 with the sources at fault, so a liveness probe restarts ghostwatch.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { WebserverConfig } from '../config/config.js';
import type { SourceHealth } from './health.js';

export class WebserverError extends Error {}

export interface WebserverContent {
  readonly health: SourceHealth;
  /** What /versions answers (Falco's versions_info keys). */
  readonly versions: Readonly<Record<string, unknown>>;
  /** /metrics' text; undefined when /metrics is off. */
  readonly metrics?: () => Promise<{ text: string; contentType: string }>;
}

export interface Webserver {
  /** Where it listens: the address, and the port (the one the system chose for listen_port 0). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

/** Starts listening; rejects with a WebserverError (one line) when the certificate cannot be read or the address not bound. */
export async function startWebserver(cfg: WebserverConfig, content: WebserverContent): Promise<Webserver> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void answer(req, res, cfg, content).catch((e: unknown) => reply(res, 500, 'text/plain', `${e instanceof Error ? e.message : String(e)}\n`));
  };
  const server: Server = cfg.sslCertificate === undefined ? createHttpServer(handler) : httpsServer(cfg.sslCertificate, handler);
  const where = `${cfg.listenAddress.includes(':') ? `[${cfg.listenAddress}]` : cfg.listenAddress}:${String(cfg.listenPort)}`;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new WebserverError(`webserver: cannot listen on ${where}: ${e.message}`)));
    server.listen(cfg.listenPort, cfg.listenAddress, () => resolve());
  });
  // Errors once listening (a client gone mid-answer) concern one connection only.
  server.on('error', () => undefined);
  const bound = server.address() as AddressInfo;
  return {
    address: bound.address,
    port: bound.port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, cfg: WebserverConfig, content: WebserverContent): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const known = path === cfg.healthzEndpoint || path === '/versions' || (path === '/metrics' && content.metrics !== undefined);
  if (!known) {
    reply(res, 404, 'text/plain', 'Not Found\n');
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    reply(res, 405, 'text/plain', 'Method Not Allowed\n');
  } else if (path === cfg.healthzEndpoint) {
    // Falco's exact answer while healthy.
    if (content.health.healthy) reply(res, 200, JSON_TYPE, '{"status": "ok"}');
    else reply(res, 503, JSON_TYPE, JSON.stringify({ status: 'failed', failed_sources: content.health.failures() }));
  } else if (path === '/versions') {
    reply(res, 200, JSON_TYPE, JSON.stringify(content.versions));
  } else {
    const m = await content.metrics!();
    reply(res, 200, m.contentType, m.text);
  }
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function httpsServer(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const pem = readPem(path);
  try {
    return createHttpsServer(pem, handler);
  } catch (e) {
    // A key that does not go with the certificate, a damaged block...
    throw new WebserverError(`webserver: ssl_certificate ${path} cannot be used: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The private key and certificate(s) of ssl_certificate, a PEM file holding both. */
function readPem(path: string): { key: string; cert: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new WebserverError(`webserver: cannot read ssl_certificate ${path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
  }
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)];
  const key = blocks.filter((b) => b[1].includes('PRIVATE KEY')).map((b) => b[0]).join('\n');
  const cert = blocks.filter((b) => b[1] === 'CERTIFICATE').map((b) => b[0]).join('\n');
  if (key === '' || cert === '') throw new WebserverError(`webserver: ssl_certificate ${path} must hold a PEM private key and certificate`);
  return { key, cert };
}
