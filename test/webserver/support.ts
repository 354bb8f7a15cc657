// What the webserver tests share: the webserver's address read from ghostwatch's log, GET over
// http or https, `promtool check metrics`, a free loopback port, and polling until a condition holds.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { send, type Reply } from '../cli/k8saudit-support.js';

/** The webserver's base URL from the log line it writes once listening, or undefined before. */
export function webserverUrl(log: string): string | undefined {
  const m = /Starting health webserver, listening on (\S+):(\d+)( \(SSL\))?/.exec(log);
  return m === null ? undefined : `${m[0].endsWith('(SSL)') ? 'https' : 'http'}://${m[1]}:${m[2]}`;
}

export function get(url: string, ca?: string): Promise<Reply> {
  return send(url, { method: 'GET', ...(ca !== undefined && { ca }) });
}

/** `promtool check metrics` on a text: its exit status and what it said. */
export function promtoolCheck(text: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
    child.stdin.end(text);
  });
}

/** A loopback port free now (for a program that cannot be told to pick its own). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `probe` until it returns a value other than undefined, for up to `ms`; fails with `what` after. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  for (const end = Date.now() + ms; ; await sleep(100)) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() >= end) throw new Error(`timed out waiting for ${what}`);
  }
}

/** The value of a sample in Prometheus text: the line starting with `series` (name and labels as written). */
export function sample(text: string, series: RegExp): number | undefined {
  for (const line of text.split('\n')) {
    const m = series.exec(line);
    if (m !== null && m.index === 0) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
