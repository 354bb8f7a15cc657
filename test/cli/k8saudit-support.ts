// What the k8s_audit CLI tests share: a configuration loading the built-in k8saudit and json
// plugins (as Falco's k8s_audit.yaml test configuration does), the audit events of the rule cases
// as a JSON Lines file, a `ghostwatch run` kept running while a test talks to its webhook, and a
// small HTTP(S) client.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { RULE_CASES, type JsonObject } from '../sources/k8saudit/audit-events.js';
import { bin } from './harness.js';

/** Falco's k8s audit test configuration, with ghostwatch's log on stderr (the tests read the webhook's address there). */
export function pluginsConfig(initConfig: Record<string, string | number> = {}): string {
  const init = Object.keys(initConfig).length === 0 ? '""' : `\n${Object.entries(initConfig).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`).join('\n')}`;
  return `stdout_output:
  enabled: true
log_stderr: true
log_level: info
plugins:
  - name: k8saudit
    library_path: BUILD_DIR/k8saudit-plugin-prefix/src/k8saudit-plugin/libk8saudit.so
    init_config: ${init}
    open_params: ""
  - name: json
    library_path: BUILD_DIR/json-plugin-prefix/src/json-plugin/libjson.so
    init_config: ""
load_plugins: [k8saudit, json]
`;
}

/** The macros that keep some stock rules quiet, tuned so that every rule can fire. */
export const TUNING = [...new Set(RULE_CASES.flatMap((c) => (c.override === undefined ? [] : [c.override])))].join('\n');

/** Every case's event that fires its rule, then its near miss: in a fixed order, each with a distinct time. */
export function caseEvents(): JsonObject[] {
  const base = Date.UTC(2024, 4, 1, 10, 0, 0);
  const events = RULE_CASES.flatMap((c) => [c.fire, c.miss]);
  return events.map((e, i) => ({ ...e, stageTimestamp: new Date(base + i * 1000).toISOString().replace('Z', '456789Z') }));
}

export function writeJsonLines(dir: string, name: string, events: readonly unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return path;
}

export interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  /** The webhook's URL, with the port the system chose. */
  readonly url: string;
  /** stdout so far. */
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit status and the whole output. */
  stop(): Promise<{ status: number | null; stdout: string; stderr: string }>;
}

/** `ghostwatch run ARGS`, until its k8s_audit webhook listens (until its log matches `ready`, whose group 1 is the address). */
export function startWebhookRun(args: readonly string[], cwd: string, ready = /Opening event source 'k8s_audit': webhook (\S+)/): Promise<Running> {
  const child = spawn(bin, ['run', ...args], { cwd });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the webhook did not open in time:\n${err}`)), 20_000);
    const check = () => {
      const m = ready.exec(err);
      if (m === null) return;
      clearTimeout(timer);
      child.stderr.off('data', check);
      resolve({
        child,
        url: m[1],
        stdout: () => out,
        stderr: () => err,
        stop: async () => {
          child.kill('SIGTERM');
          const status = await exited;
          return { status, stdout: out, stderr: err };
        },
      });
    };
    const fail = (e: Error) => {
      child.kill('SIGKILL');
      reject(e);
    };
    child.stderr.on('data', check);
    void exited.then((code) => fail(new Error(`ghostwatch exited (${String(code)}) before its webhook opened:\n${err}`)));
  });
}

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

export interface RequestOptions {
  readonly method?: string;
  readonly contentType?: string;
  readonly token?: string;
  /** The CA to trust (the test's own certificate) for https. */
  readonly ca?: string;
  readonly body?: string | Buffer;
}

/** One request; resolves with the status and body (a connection the server closes after its answer is fine). */
export function send(url: string, o: RequestOptions = {}): Promise<Reply> {
  const u = new URL(url);
  const body = o.body === undefined ? undefined : Buffer.from(o.body);
  const headers: Record<string, string> = {
    ...(o.contentType !== undefined && { 'Content-Type': o.contentType }),
    ...(o.token !== undefined && { Authorization: `Bearer ${o.token}` }),
    ...(body !== undefined && { 'Content-Length': String(body.length) }),
  };
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(u, { method: o.method ?? 'POST', headers, ...(o.ca !== undefined && { ca: o.ca }), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs audit events as kube-apiserver does: application/json. */
export function post(url: string, payload: unknown, o: Omit<RequestOptions, 'body'> = {}): Promise<Reply> {
  return send(url, { contentType: 'application/json', ...o, body: JSON.stringify(payload) });
}

/** An audit.k8s.io/v1 EventList of these events. */
export function eventList(items: readonly unknown[]): JsonObject {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items };
}

/** The alert lines of a run's stdout (JSON alerts start with '{'). */
export function alertLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('{'));
}
