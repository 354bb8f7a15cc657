// Falco's syslog_output: each alert as one RFC 5424 message, facility user, severity the alert's
// priority. ghostwatch adds where it goes (syslog_output.destination):
//   unix:///dev/log   the local syslog socket (the default). Node has no unix datagram sockets:
//                     messages go through one long-running `logger --rfc5424 -u PATH --prio-prefix`
//                     of util-linux (always installed on Debian), which reads "<PRI>MSG" lines and
//                     sends each as an RFC 5424 datagram with its own header (its time is when it
//                     sends); the priority and the escaped message are ours.
//   udp://host:port   one datagram per message (RFC 5426)
//   tcp://host:port   octet-counted framing, "LEN SP MESSAGE" (RFC 6587 3.4.1)
// The message (RFC 5424 section 6): "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG".
// Nothing from an event can break or forge a line: control characters (C0, DEL, C1, so newlines
// and ANSI escapes) in the alert become \uXXXX escapes, and the header fields are limited to
// printable US-ASCII as the RFC requires.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { escapeControls } from './logger.js';
import { reason } from './output.js';
import type { Alert, DeliveryTarget } from './target.js';

export class SyslogOutputError extends Error {}

type Destination =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'udp' | 'tcp'; readonly host: string; readonly port: number };

/** Falco's priorities as syslog severities (RFC 5424 table 2). */
const SEVERITY: Readonly<Record<string, number>> = {
  Emergency: 0, Alert: 1, Critical: 2, Error: 3, Warning: 4, Notice: 5, Informational: 6, Debug: 7,
};
const FACILITY_USER = 1;
const APP_NAME = 'ghostwatch';

/** The destination, checked at start: a SyslogOutputError says what is wrong with it. */
export function parseDestination(text: string): Destination {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SyslogOutputError(`syslog_output.destination: '${text}' is not a URL (unix:///dev/log, udp://host:514 or tcp://host:514)`);
  }
  if (url.protocol === 'unix:') {
    if (url.pathname === '' || url.host !== '') throw new SyslogOutputError(`syslog_output.destination: '${text}' names no socket path (unix:///dev/log)`);
    return { kind: 'unix', path: decodeURIComponent(url.pathname) };
  }
  if (url.protocol !== 'udp:' && url.protocol !== 'tcp:') {
    throw new SyslogOutputError(`syslog_output.destination: '${text}' is neither unix://, udp:// nor tcp://`);
  }
  const port = Number(url.port || 514);
  if (url.hostname === '') throw new SyslogOutputError(`syslog_output.destination: '${text}' names no host`);
  return { kind: url.protocol === 'udp:' ? 'udp' : 'tcp', host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/** The alert as an RFC 5424 message, without framing. */
export function syslogMessage(a: Alert, pid: number): string {
  // RFC 5424 allows at most 6 digits of fraction: Falco's nanoseconds cut to microseconds.
  const time = /^\S+\.\d{6}/.exec(a.time)?.[0];
  const timestamp = time !== undefined ? `${time}Z` : '-';
  return `<${priorityValue(a)}>1 ${timestamp} ${headerField(a.hostname, 255)} ${APP_NAME} ${pid} alert - ${escapeControls(a.line)}`;
}

/** PRI: facility user, severity the alert's priority (Notice for one syslog has no name for). */
function priorityValue(a: Alert): number {
  return FACILITY_USER * 8 + (SEVERITY[a.priority] ?? 5);
}

/** A header field: printable US-ASCII only, at most `max` characters; '-' (nil) when empty. */
function headerField(s: string, max: number): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

export class SyslogOutput implements DeliveryTarget {
  readonly name = 'syslog';
  readonly retry: boolean;
  private readonly destination: Destination;
  private udp: UdpSocket | undefined;
  private tcp: Socket | undefined;
  private logger: ChildProcessByStdio<Writable, null, Readable> | undefined;
  /** The last error logger gave before it ended. */
  private loggerSaid: string | undefined;

  /** Throws SyslogOutputError for a destination that is not one of the three forms. */
  constructor(destination: string, private readonly pid: number = process.pid) {
    this.destination = parseDestination(destination);
    // A TCP receiver acknowledges (the kernel's), and reconnecting is worth it; datagrams are fire and forget.
    this.retry = this.destination.kind === 'tcp';
  }

  async deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void> {
    const d = this.destination;
    if (d.kind === 'unix') {
      if (this.loggerSaid !== undefined) {
        const said = this.loggerSaid;
        this.loggerSaid = undefined;
        throw failure(d, new Error(said));
      }
      const logger = this.logger ?? this.startLogger(d.path);
      const text = alerts.map((a) => `<${priorityValue(a)}>${escapeControls(a.line)}\n`).join('');
      await new Promise<void>((resolve, reject) => logger.stdin.write(text, (e) => (e ? reject(failure(d, e)) : resolve())));
      return;
    }
    const messages = alerts.map((a) => syslogMessage(a, this.pid));
    if (d.kind === 'udp') {
      const udp = this.udp ??= createSocket(d.host.includes(':') ? 'udp6' : 'udp4');
      for (const m of messages) {
        await new Promise<void>((resolve, reject) => udp.send(m, d.port, d.host, (e) => (e ? reject(failure(d, e)) : resolve())));
      }
      return;
    }
    const tcp = await this.connection(d, signal);
    const framed = messages.map((m) => `${Buffer.byteLength(m)} ${m}`).join('');
    await new Promise<void>((resolve, reject) => tcp.write(framed, (e) => (e ? reject(failure(d, e)) : resolve())));
  }

  close(): Promise<void> {
    this.udp?.close();
    this.tcp?.end();
    this.logger?.stdin.end();
    return Promise.resolve();
  }

  private connection(d: Destination & { kind: 'udp' | 'tcp' }, signal: AbortSignal): Promise<Socket> {
    if (this.tcp !== undefined && !this.tcp.destroyed) return Promise.resolve(this.tcp);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: d.host, port: d.port });
      const abort = () => socket.destroy(new Error('no answer in time'));
      signal.addEventListener('abort', abort, { once: true });
      socket.once('connect', () => {
        signal.removeEventListener('abort', abort);
        this.tcp = socket;
        resolve(socket);
      });
      socket.on('error', (e) => {
        signal.removeEventListener('abort', abort);
        if (this.tcp === socket) this.tcp = undefined;
        reject(failure(d, e));
      });
      socket.on('close', () => {
        if (this.tcp === socket) this.tcp = undefined;
      });
    });
  }

  private startLogger(path: string): ChildProcessByStdio<Writable, null, Readable> {
    const child = spawn('logger', ['--rfc5424', '--socket-errors=on', '-u', path, '-t', APP_NAME, '--prio-prefix', '--skip-empty'], { stdio: ['pipe', 'ignore', 'pipe'] });
    // What logger says when it cannot send (no socket there) becomes the reason of the failure.
    const said: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => said.push(b));
    child.stdin.on('error', () => {
      // Said by the write that failed.
    });
    child.on('close', () => {
      if (this.logger === child) this.logger = undefined;
      const text = Buffer.concat(said).toString().trim();
      if (text !== '') this.loggerSaid = text.split('\n')[0];
    });
    this.logger = child;
    return child;
  }
}

function failure(d: Destination, e: Error): Error {
  const where = d.kind === 'unix' ? `unix://${d.path}` : `${d.kind}://${d.host}:${d.port}`;
  return new Error(`syslog output: could not send to ${where}: ${reason(e)}`);
}
