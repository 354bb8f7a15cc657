// A Docker Engine API client over a unix socket, for Docker (/var/run/docker.sock) and for podman's
// Docker-compatible service (/run/podman/podman.sock). It describes a container as Falco's container
// plugin does (go-worker docker.go, and podman.go where podman names the image differently) and
// follows the container events.
//
// Paths carry no API version prefix: each engine then answers in its own current version. No fixed
// version suits all: Docker 29 refuses anything below 1.44, podman 4.3 speaks 1.41. The fields read
// here are the same in every version; the top-level NetworkSettings.IPAddress, deprecated since
// Docker 1.13, is read first and the per-network addresses after it.
//
// Each request opens its own connection: a unix-socket connect costs microseconds, and a runtime
// closing an idle kept-alive connection can then never make a request fail.
import { request, type IncomingMessage } from 'node:http';
import {
  RuntimeType, partialContainer, splitImageRef,
  keepShortLabels, type ClientOptions, type RuntimeClient, type RuntimeContainer, type RuntimeEvent, type RuntimeMount,
} from './runtime.js';

/** A client of the Docker Engine API at `socket` (the path connected to), speaking for `engine`. */
export function dockerClient(engine: 'docker' | 'podman', socket: string, opts: ClientOptions): RuntimeClient {
  return new DockerApiClient(engine, socket, opts.labelMaxLen);
}

/** A larger answer is refused (`containers/json` for thousands of containers stays far below). */
const MAX_BODY = 32 << 20;
/** An event is a few KiB at most (its labels); a longer line is garbage. */
const MAX_EVENT_LINE = 1 << 20;

/**
 * Event actions → kinds; others (exec_start, attach, kill, cleanup...) are ignored. Docker says
 * die then destroy; podman's compat service says die (libpod: died) then remove. Docker's `stop`
 * always follows a `die`, so it would only repeat it.
 */
const ACTION_KIND = new Map<string, RuntimeEvent['kind']>([
  ['create', 'create'], ['start', 'start'],
  ['die', 'stop'], ['died', 'stop'],
  ['destroy', 'remove'], ['remove', 'remove'],
]);

const EVENTS_PATH = `/events?filters=${encodeURIComponent(JSON.stringify({ type: ['container'] }))}`;

class DockerApiClient implements RuntimeClient {
  /** Cancels every request and stream in flight (close()). */
  private readonly inFlight = new Set<() => void>();

  constructor(
    readonly engine: 'docker' | 'podman',
    readonly socket: string,
    private readonly labelMaxLen: number,
  ) {}

  async inspect(id: string, signal: AbortSignal): Promise<RuntimeContainer | undefined> {
    if (id === '') return undefined;
    const c = await this.getJson(containerPath(id), signal, /no such container/i, readContainer);
    if (c === undefined) return undefined;
    const [image, sharedIp] = await Promise.all([
      c.imageId === '' ? undefined : this.getJson(`/images/${encodeURIComponent(c.imageId)}/json`, signal, /no such image/i, readImage),
      c.ip === '' && c.networkOf !== '' ? this.ipOf(c.networkOf, signal) : '',
    ]);
    const ref = this.engine === 'podman'
      ? imageRefAsPodman(c.image, image?.repoDigests ?? [])
      : imageRefAsDocker(image?.repoDigests ?? [], image?.repoTags ?? []);
    return {
      fullId: c.id,
      type: this.engine === 'podman' ? RuntimeType.PODMAN : RuntimeType.DOCKER,
      name: c.name,
      image: c.image,
      imageId: withoutSha256(image?.id || c.imageId),
      imageRepo: ref.repo,
      imageTag: ref.tag,
      imageDigest: ref.digest,
      privileged: c.privileged,
      mounts: c.mounts,
      labels: keepShortLabels(c.labels, this.labelMaxLen),
      createdTime: c.createdTime,
      ip: c.ip || sharedIp,
      cniJson: '',
      hostPid: c.hostPid,
      hostNetwork: c.hostNetwork,
      hostIpc: c.hostIpc,
      user: c.user,
      isPodSandbox: c.name.includes('k8s_POD'),
      podSandboxId: '',
      podSandboxLabels: {},
    };
  }

  async list(signal: AbortSignal): Promise<string[]> {
    return (await this.getJson('/containers/json?all=1', signal, undefined, readIds))!;
  }

  watch(onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): () => void {
    // `since` replays what happens between now and the runtime taking the request: podman sends
    // no response header before the first event, so there is no other way to know it listens.
    const path = `${EVENTS_PATH}&since=${unixTimeNow()}`;
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      this.inFlight.delete(cancel);
      req.destroy();
      if (err !== undefined) onError(err);
    };
    const cancel = () => end();
    const fail = (what: string) => end(this.error(`GET /events: ${what}`));
    const req = request({ socketPath: this.socket, path, agent: false });
    req.on('error', (e) => fail(e.message));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        readBody(res).then((body) => fail(httpError(res.statusCode, body)), (e: unknown) => fail(e instanceof Error ? e.message : String(e)));
        return;
      }
      // The engines write one JSON object a line.
      let partial = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (ended) return;
          let event: RuntimeEvent | undefined;
          try {
            event = readEvent(line, this.engine === 'podman' ? RuntimeType.PODMAN : RuntimeType.DOCKER, this.labelMaxLen);
          } catch (e) {
            fail((e as Error).message); return;
          }
          if (event === undefined) continue;
          try {
            onEvent(event);
          } catch (e) {
            fail(`the event handler threw: ${(e as Error).message}`); return;
          }
        }
        if (partial.length > MAX_EVENT_LINE) fail(`an event longer than ${MAX_EVENT_LINE} bytes`);
      });
      res.on('end', () => fail('the runtime ended the stream'));
      res.on('error', (e) => fail(e.message));
      res.on('close', () => fail('the connection closed'));
    });
    req.end();
    this.inFlight.add(cancel);
    return cancel;
  }

  close(): void {
    for (const cancel of [...this.inFlight]) cancel();
  }

  /** The address of the container whose network stack another one shares (--net=container:ID). */
  private async ipOf(id: string, signal: AbortSignal): Promise<string> {
    return (await this.getJson(containerPath(id), signal, /no such container/i, readContainer))?.ip ?? '';
  }

  /**
   * GET `path` and read its JSON with `read`; undefined when the runtime answers 404 with a message
   * matching `notFound` (podman 4.3 answers 500 for a container removed while the request waited on
   * its lock: the message tells). Any other failure rejects with one line naming the socket.
   */
  private async getJson<T>(path: string, signal: AbortSignal, notFound: RegExp | undefined, read: (json: unknown) => T): Promise<T | undefined> {
    const { status, body } = await this.get(path, signal);
    if ((status === 404 || status === 500) && notFound !== undefined && notFound.test(errorMessage(body))) return undefined;
    if (status !== 200) throw this.error(`GET ${path}: ${httpError(status, body)}`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw this.error(`GET ${path}: the answer is not JSON: ${excerpt(body)}`);
    }
    try {
      return read(json);
    } catch (e) {
      if (e instanceof ShapeError) throw this.error(`GET ${path}: unexpected answer: ${e.message}`);
      throw e;
    }
  }

  private get(path: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) { reject(this.error(`GET ${path}: ${abortedBy(signal)}`)); return; }
      let settled = false;
      const settle = (err: Error | undefined, answer?: { status: number; body: string }) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        this.inFlight.delete(cancel);
        if (err === undefined) resolve(answer!);
        else {
          req.destroy();
          reject(err);
        }
      };
      const fail = (what: string) => settle(this.error(`GET ${path}: ${what}`));
      const onAbort = () => fail(abortedBy(signal));
      const cancel = () => fail('the client was closed');
      const req = request({ socketPath: this.socket, path, agent: false });
      req.on('error', (e) => fail(e.message));
      req.on('response', (res) => {
        readBody(res).then((body) => settle(undefined, { status: res.statusCode ?? 0, body }), (e: unknown) => fail(e instanceof Error ? e.message : String(e)));
      });
      req.end();
      signal.addEventListener('abort', onAbort, { once: true });
      this.inFlight.add(cancel);
    });
  }

  private error(what: string): Error {
    return new Error(`${this.engine} socket ${this.socket}: ${what}`.replace(/\s+/g, ' '));
  }
}

function containerPath(id: string): string {
  return `/containers/${encodeURIComponent(id)}/json`;
}

/** The whole body as text; rejects when the connection breaks first or the body is too large. */
function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`an answer larger than ${MAX_BODY} bytes`));
        res.destroy();
      } else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (e) => reject(e));
    // After 'end' this is a no-op; before it, the connection broke mid-answer.
    res.on('close', () => reject(new Error('the connection closed before the answer was complete')));
  });
}

function httpError(status: number | undefined, body: string): string {
  const message = errorMessage(body);
  return message === '' ? `HTTP ${status}` : `HTTP ${status}: ${message}`;
}

/** The `message` of an engine's error answer ({"message": ...}), else an excerpt of the body. */
function errorMessage(body: string): string {
  try {
    const json: unknown = JSON.parse(body);
    if (isObject(json) && typeof json.message === 'string') return excerpt(json.message);
  } catch {
    // Not JSON: the body itself says what went wrong.
  }
  return excerpt(body);
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

function abortedBy(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : String(reason);
  return `no answer before the signal aborted (${why})`;
}

/** Now as Docker writes timestamps, seconds.nanoseconds. */
function unixTimeNow(): string {
  const ms = Date.now();
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`;
}

function withoutSha256(id: string): string {
  return id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
}

interface ImageRef {
  readonly repo: string;
  readonly tag: string;
  readonly digest: string;
}

/** The repository and digest of each well-formed "repo@digest". */
function repoDigestPairs(repoDigests: readonly string[]): { repo: string; digest: string }[] {
  return repoDigests.map((ref) => ref.split('@')).filter((p) => p.length === 2).map(([repo, digest]) => ({ repo, digest }));
}

/**
 * Docker, as Falco's docker.go picks them: repository and digest from the first RepoDigest, the
 * tag from the first RepoTag naming that repository (text containment, as the plugin tests it);
 * with no RepoDigest, the repository of the first RepoTag.
 */
function imageRefAsDocker(repoDigests: readonly string[], repoTags: readonly string[]): ImageRef {
  const first = repoDigestPairs(repoDigests).at(0);
  let repo = first?.repo ?? '';
  for (const ref of repoTags) {
    const { repo: tagRepo, tag } = splitImageRef(ref);
    if (tagRepo === '' || tag === '') continue;
    if (repo === '') repo = tagRepo;
    if (ref.includes(repo)) return { repo, tag, digest: first?.digest ?? '' };
  }
  return { repo, tag: '', digest: first?.digest ?? '' };
}

/**
 * podman, as Falco's podman.go: repository and tag from the name the container was created with
 * (always fully qualified in podman), the digest the image has under that repository.
 */
function imageRefAsPodman(image: string, repoDigests: readonly string[]): ImageRef {
  const { repo, tag, digest } = splitImageRef(image);
  const pairs = repoDigestPairs(repoDigests);
  return { repo, tag, digest: digest || ((pairs.find((p) => p.repo === repo) ?? pairs.at(0))?.digest ?? '') };
}

// ---- Reading the engines' JSON. Absent and null read as empty (the engines write null for empty
// lists and maps); a value of another type is an unexpected answer.

type JsonObject = { readonly [key: string]: unknown };

/** An answer of the wrong shape; the message names the field. */
class ShapeError extends Error {}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectAt(o: JsonObject, key: string, where: string): JsonObject {
  const v = o[key];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new ShapeError(`${where}.${key} is not an object`);
  return v;
}

function arrayAt(o: JsonObject, key: string, where: string): readonly unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ShapeError(`${where}.${key} is not an array`);
  return v;
}

function stringAt(o: JsonObject, key: string, where: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ShapeError(`${where}.${key} is not a string`);
  return v;
}

function boolAt(o: JsonObject, key: string, where: string): boolean {
  const v = o[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new ShapeError(`${where}.${key} is not a boolean`);
  return v;
}

function stringsAt(o: JsonObject, key: string, where: string): string[] {
  return arrayAt(o, key, where).map((v, i) => {
    if (typeof v !== 'string') throw new ShapeError(`${where}.${key}[${i}] is not a string`);
    return v;
  });
}

function objectsAt(o: JsonObject, key: string, where: string): JsonObject[] {
  return arrayAt(o, key, where).map((v, i) => {
    if (!isObject(v)) throw new ShapeError(`${where}.${key}[${i}] is not an object`);
    return v;
  });
}

function stringMapAt(o: JsonObject, key: string, where: string): Record<string, string> {
  const map = objectAt(o, key, where);
  const out: Record<string, string> = {};
  for (const k of Object.keys(map)) out[k] = stringAt(map, k, `${where}.${key}`);
  return out;
}

/** What a container inspection gives, before the image is looked up. */
interface InspectedContainer {
  readonly id: string;
  readonly name: string;
  /** Config.Image: the image as the container was created from it. */
  readonly image: string;
  /** The container's Image: the image id, "sha256:..." */
  readonly imageId: string;
  readonly createdTime: number;
  readonly user: string;
  readonly labels: Record<string, string>;
  readonly mounts: RuntimeMount[];
  readonly privileged: boolean;
  readonly hostPid: boolean;
  readonly hostNetwork: boolean;
  readonly hostIpc: boolean;
  readonly ip: string;
  /** The container whose network this one shares (NetworkMode container:ID), '' when none. */
  readonly networkOf: string;
}

function readContainer(json: unknown): InspectedContainer {
  if (!isObject(json)) throw new ShapeError('the container is not an object');
  const id = stringAt(json, 'Id', 'container');
  if (id === '') throw new ShapeError('container.Id is missing');
  const config = objectAt(json, 'Config', 'container');
  const host = objectAt(json, 'HostConfig', 'container');
  const network = objectAt(json, 'NetworkSettings', 'container');
  const networkMode = stringAt(host, 'NetworkMode', 'container.HostConfig');
  const created = Date.parse(stringAt(json, 'Created', 'container'));
  return {
    id,
    name: stringAt(json, 'Name', 'container').replace(/^\//, ''),
    image: stringAt(config, 'Image', 'container.Config'),
    imageId: stringAt(json, 'Image', 'container'),
    createdTime: Number.isNaN(created) ? 0 : Math.floor(created / 1000),
    user: stringAt(config, 'User', 'container.Config'),
    labels: stringMapAt(config, 'Labels', 'container.Config'),
    mounts: objectsAt(json, 'Mounts', 'container').map((m) => ({
      source: stringAt(m, 'Source', 'container.Mounts[]'),
      dest: stringAt(m, 'Destination', 'container.Mounts[]'),
      mode: stringAt(m, 'Mode', 'container.Mounts[]'),
      rw: boolAt(m, 'RW', 'container.Mounts[]'),
      propagation: stringAt(m, 'Propagation', 'container.Mounts[]'),
    })),
    privileged: boolAt(host, 'Privileged', 'container.HostConfig'),
    hostPid: stringAt(host, 'PidMode', 'container.HostConfig') === 'host',
    hostNetwork: networkMode === 'host',
    hostIpc: stringAt(host, 'IpcMode', 'container.HostConfig') === 'host',
    ip: addressOf(network),
    networkOf: networkMode.startsWith('container:') ? networkMode.slice('container:'.length) : '',
  };
}

/** NetworkSettings.IPAddress, else the first address among its Networks. */
function addressOf(network: JsonObject): string {
  const ip = stringAt(network, 'IPAddress', 'container.NetworkSettings');
  if (ip !== '') return ip;
  const networks = objectAt(network, 'Networks', 'container.NetworkSettings');
  for (const name of Object.keys(networks)) {
    const address = stringAt(objectAt(networks, name, 'container.NetworkSettings.Networks'), 'IPAddress', `container.NetworkSettings.Networks.${name}`);
    if (address !== '') return address;
  }
  return '';
}

function readImage(json: unknown): { id: string; repoTags: string[]; repoDigests: string[] } {
  if (!isObject(json)) throw new ShapeError('the image is not an object');
  return {
    id: stringAt(json, 'Id', 'image'),
    repoTags: stringsAt(json, 'RepoTags', 'image'),
    repoDigests: stringsAt(json, 'RepoDigests', 'image'),
  };
}

function readIds(json: unknown): string[] {
  if (!Array.isArray(json)) throw new ShapeError('the container list is not an array');
  return json.map((c, i) => {
    const id = isObject(c) ? stringAt(c, 'Id', `containers[${i}]`) : '';
    if (id === '') throw new ShapeError(`containers[${i}] has no Id`);
    return id;
  });
}

/** Event attributes that are not container labels. */
const NOT_LABELS = new Set(['name', 'image', 'exitCode', 'containerExitCode', 'podId', 'signal', 'execID']);

/** A line of the event stream: the event it reports, or undefined when not one we follow. */
function readEvent(line: string, runtimeType: number, labelMaxLen: number): RuntimeEvent | undefined {
  if (line.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new ShapeError(`an event is not JSON: ${excerpt(line)}`);
  }
  if (!isObject(json)) throw new ShapeError('an event is not an object');
  const type = stringAt(json, 'Type', 'event');
  if (type !== '' && type !== 'container') return undefined;
  // Action and Actor.ID since API 1.22; status and id before (and still, deprecated).
  const kind = ACTION_KIND.get(stringAt(json, 'Action', 'event') || stringAt(json, 'status', 'event'));
  if (kind === undefined) return undefined;
  const actor = objectAt(json, 'Actor', 'event');
  const fullId = stringAt(actor, 'ID', 'event.Actor') || stringAt(json, 'id', 'event');
  if (fullId === '') throw new ShapeError('an event has no container id');
  // Actor.Attributes: the container's name and image, and its labels.
  const attrs = objectAt(actor, 'Attributes', 'event.Actor');
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (typeof v === 'string' && !NOT_LABELS.has(k)) labels[k] = v;
  const name = stringAt(attrs, 'name', 'event.Actor.Attributes');
  if (name === '') return { kind, fullId };
  const image = stringAt(attrs, 'image', 'event.Actor.Attributes');
  return { kind, fullId, partial: partialContainer(fullId, runtimeType, name, image, keepShortLabels(labels, labelMaxLen)) };
}
