// Alerts published to a NATS JetStream subject, each as Falcosidekick's JSON with its uuid as the
// message id (the Nats-Msg-Id header): a stream drops a message whose id it already has within its
// duplicate window (2 minutes unless the stream says otherwise), so the delivery layer's retries
// add no duplicates. An alert counts as delivered once JetStream acknowledged it (its PubAck: the
// message is stored); an alert the stream had already is acknowledged as a duplicate, delivered too.
//
// The connection opens at the first delivery, then reconnects by itself, for as long as ghostwatch
// runs. While it is down a delivery rejects at once, and publishes in flight when it dropped reject
// too: the delivery layer tries them again later. With `stream` set, that stream is created when
// missing, capturing the subject (JetStream's defaults: file storage, 2-minute duplicate window), and
// again when a publish finds no stream (a server restarted without its store); a stream that exists
// is used as it is. Without it, a stream that exists must capture the subject.
//
// nats.js is loaded at the first connection: a run without a nats output never evaluates it.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, NodeConnectionOptions } from '@nats-io/transport-node';
import type { NatsOutputConfig } from '../config/config.js';
import { reason } from './output.js';
import { sidekickJson } from './sidekick.js';
import type { Alert, DeliveryTarget } from './target.js';
import { defaultTrust } from './trust.js';

export class NatsOutputError extends Error {}

/** How long one attempt to reach the server may take (at the first delivery, or after close). */
const CONNECT_TIMEOUT_MS = 5000;
/** The wait between two attempts to reconnect (nats.js adds jitter). */
const RECONNECT_WAIT_MS = 500;

interface Session {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  connected: boolean;
  /** Whether the configured stream is known to exist (checked again after a publish nothing answered). */
  streamReady: boolean;
  /** Aborted when the connection drops: what was in flight will not be acknowledged. */
  dropped: AbortController;
}

/**
 * nats.js's modules. They are CommonJS: imported from a chunk of the bundle they are only its
 * default export (imported as files, the named ones too).
 */
type Module<T> = T & { default?: T };
const natsTransport = async () => {
  const m: Module<typeof import('@nats-io/transport-node')> = await import('@nats-io/transport-node');
  return m.default ?? m;
};
const natsJetStream = async () => {
  const m: Module<typeof import('@nats-io/jetstream')> = await import('@nats-io/jetstream');
  return m.default ?? m;
};

export class NatsTarget implements DeliveryTarget {
  readonly name = 'nats';
  readonly retry = true;
  private readonly options: NodeConnectionOptions;
  /** The credentials file's content (credentials_file), read at start. */
  private readonly credentials: Buffer | undefined;
  /** The server, without credentials, for messages. */
  private readonly where: string;
  private session: Promise<Session> | undefined;
  private closed = false;

  /** Throws NatsOutputError (one line) for a URL that does not parse or a file that cannot be read. */
  constructor(private readonly config: NatsOutputConfig) {
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw new NatsOutputError(`nats output: '${config.url}' is not a valid URL`);
    }
    this.where = `${url.protocol}//${url.host}`;
    const read = (what: string, path: string) => {
      try {
        return readFileSync(path, 'utf8');
      } catch (e) {
        throw new NatsOutputError(`nats output: could not read ${what} ${path}: ${reason(e)}`);
      }
    };
    const tls = config.tls || url.protocol === 'tls:' || config.caCert !== '' || config.clientCert !== '';
    const ca = !tls ? undefined : config.caCert !== '' ? read('ca_cert', config.caCert) : defaultTrust();
    this.credentials = config.credentialsFile === '' ? undefined : Buffer.from(read('credentials_file', config.credentialsFile));
    this.options = {
      servers: config.url,
      name: 'ghostwatch',
      timeout: CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      ...(config.token !== '' && { token: config.token }),
      ...(config.user !== '' && { user: config.user, pass: config.password }),
      ...(tls && {
        tls: {
          // nats.js names no server for an IP address, and Node then checks the certificate against
          // "localhost": it is checked against the address instead (options pass on to tls.connect).
          ...(isIP(url.hostname) !== 0 && { host: url.hostname }),
          ...(ca !== undefined && { ca }),
          ...(config.clientCert !== '' && { cert: read('client_cert', config.clientCert), key: read('client_key', config.clientKey) }),
        },
      }),
    };
  }

  async deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const session = await untilAborted(this.open(), signal);
    if (!session.connected) throw new NatsOutputError(`nats output: not connected to ${this.where} (reconnecting)`);
    if (!session.streamReady) {
      await untilAborted(this.ensureStream(session.nc), signal).catch((e: unknown) => {
        throw new NatsOutputError(`nats output: stream ${this.config.stream} at ${this.where}: ${reason(e)}`);
      });
      session.streamReady = true;
    }
    const publishes = alerts.map((a) => session.js.publish(this.config.subject, sidekickJson(a), { msgID: a.uuid }));
    try {
      await untilAborted(Promise.all(publishes), AbortSignal.any([signal, session.dropped.signal]));
    } catch (e) {
      const text = reason(e);
      // nats.js says "jetstream is not enabled" when nothing answers on the subject: no stream
      // captures it (a server restarted without its store has lost ours: it is created again).
      const noStream = /not enabled|no responders/i.test(text);
      if (noStream && this.config.stream !== '') session.streamReady = false;
      throw new NatsOutputError(`nats output: publish to ${this.config.subject} at ${this.where} failed: ${noStream ? `no JetStream stream captures the subject (${text})` : text}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    const opened = await session?.catch(() => undefined);
    await opened?.nc.close();
  }

  /** The session, connecting first when there is none (at the first delivery, or after a failed attempt). */
  private open(): Promise<Session> {
    if (this.closed) return Promise.reject(new NatsOutputError('nats output: closed'));
    this.session ??= this.connect().catch((e: unknown) => {
      this.session = undefined;
      throw e;
    });
    return this.session;
  }

  private async connect(): Promise<Session> {
    const [{ connect, credsAuthenticator }, { jetstream }] = await Promise.all([natsTransport(), natsJetStream()]);
    const credentials = this.credentials;
    let nc: NatsConnection;
    try {
      nc = await connect({ ...this.options, ...(credentials !== undefined && { authenticator: credsAuthenticator(credentials) }) });
    } catch (e) {
      throw new NatsOutputError(`nats output: cannot connect to ${this.where}: ${reason(e)}`);
    }
    const session: Session = { nc, js: jetstream(nc), connected: true, streamReady: this.config.stream === '', dropped: new AbortController() };
    void this.follow(session);
    return session;
  }

  /** Follows the connection's state until it closes (it closes only when closed by us or given up for good). */
  private async follow(session: Session): Promise<void> {
    for await (const status of session.nc.status()) {
      if (status.type === 'disconnect') {
        session.connected = false;
        session.dropped.abort(new Error('the connection dropped before the acknowledgement'));
      } else if (status.type === 'reconnect') {
        session.dropped = new AbortController();
        session.connected = true;
      }
    }
    session.connected = false;
    session.dropped.abort(new Error('the connection closed'));
    if (!this.closed) this.session = undefined;
  }

  private async ensureStream(nc: NatsConnection): Promise<void> {
    const { jetstreamManager, JetStreamApiCodes, JetStreamApiError } = await natsJetStream();
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.info(this.config.stream);
    } catch (e) {
      if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound)) throw e;
      await jsm.streams.add({ name: this.config.stream, subjects: [this.config.subject] });
    }
  }
}

/** `work`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  let stop: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason as Error);
    signal.addEventListener('abort', stop, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', stop!));
}
