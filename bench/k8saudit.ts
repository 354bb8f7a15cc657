// `npm run bench:k8saudit`: the k8s_audit webhook under load, with the syscall source (the live
// probe and the stock rules) running in the same process. EVENTS audit events (pod creations, each
// with its own auditID) are POSTed over loopback as EventLists of BATCH events, at most IN_FLIGHT
// requests at a time. Reported, per rep and as medians: events/s accepted (from the first request
// to the last answer), the end-to-end latency of each event's alert (request sent to alert line
// read on ghostwatch's stdout; p50 and p99), and events lost (sent but never alerted on). A
// warm-up of WARMUP events, not counted, goes first: the syscall source's start (its /proc scan and
// first events) holds the event loop for a few hundred milliseconds after the webhook opens, and
// the compiled code is not warm yet; the warm-up's own p99 is reported apart.
// Goal (issue 8): >= 20,000 events/s, p99 < 100 ms, none lost. Root only (the live probe).
// Usage: k8saudit.js [--events N] [--batch N] [--reps N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { liveSkipReason, stablePack } from '../test/e2e/live.js';
import { repoRoot } from '../test/helpers.js';
import { createPod } from '../test/sources/k8saudit/audit-events.js';
import { eventList, pluginsConfig, send, startWebhookRun } from '../test/cli/k8saudit-support.js';
import { median, option } from './args.js';

const IN_FLIGHT = 4;
const WARMUP = 2000;
const BENCH_RULES = join(repoRoot, 'bench', 'k8saudit-rules.yaml');

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Rep {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
  warmupP99Ms: number;
}

async function rep(dir: string, events: number, batch: number, rep: number): Promise<Rep> {
  const conf = join(dir, 'bench.yaml');
  writeFileSync(conf, pluginsConfig());
  const run = await startWebhookRun(['-c', conf, '-r', stablePack!, '-r', BENCH_RULES, '-o', 'plugins[0].open_params=http://127.0.0.1:0/k8s-audit',
    '-o', 'json_output=true', '-v'], dir);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let partial = '';
  run.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const now = performance.now();
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const m = /"ka\.auditid":"(gw-bench-[^"]+)"/.exec(l);
      const sent = m === null ? undefined : sentAt.get(m[1]);
      if (sent !== undefined) latencies.push(now - sent);
    }
  });
  const template = createPod({ containers: [{ image: 'nginx:1.25' }] });
  /** Sends `count` events named PHASE-N; resolves with the seconds from the first request to the last answer, once every alert is in (or none came for 2 s). */
  const phase = async (name: string, count: number): Promise<number> => {
    latencies.length = 0;
    let next = 0;
    const start = performance.now();
    let lastAnswer = start;
    const worker = async () => {
      while (next < count) {
        const first = next;
        next = Math.min(count, next + batch);
        const items = [];
        for (let i = first; i < next; i++) items.push({ ...template, auditID: `gw-bench-${name}-${rep}-${i}`, stageTimestamp: new Date().toISOString() });
        const body = JSON.stringify(eventList(items));
        const t = performance.now();
        for (const item of items) sentAt.set(item.auditID, t);
        const r = await send(run.url, { contentType: 'application/json', body });
        if (r.status !== 200) throw new Error(`the webhook answered ${r.status}: ${r.body}`);
        lastAnswer = performance.now();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    for (let seen = -1; latencies.length < count && seen !== latencies.length;) {
      seen = latencies.length;
      await new Promise((r) => setTimeout(r, 2000));
    }
    return (lastAnswer - start) / 1000;
  };
  await phase('warmup', WARMUP);
  const warmupP99Ms = percentile([...latencies].sort((a, b) => a - b), 99);
  const seconds = await phase('load', events);
  const r = await run.stop();
  if (r.status !== 0) throw new Error(`ghostwatch exited ${String(r.status)}:\n${r.stderr}`);
  latencies.sort((a, b) => a - b);
  return {
    eventsPerSecond: events / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    lost: events - latencies.length,
    warmupP99Ms,
  };
}

async function main(): Promise<void> {
  const skip = liveSkipReason();
  if (skip !== false || stablePack === undefined) {
    process.stdout.write(`bench:k8saudit skipped: ${skip !== false ? skip : 'the stock rules are not in ../shared'}\n`);
    return;
  }
  const events = option('--events', 20_000);
  const batch = option('--batch', 100);
  const reps = option('--reps', 3);
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-k8s-'));
  try {
    process.stdout.write(`k8s_audit webhook: ${events} events in EventLists of ${batch}, ${IN_FLIGHT} requests in flight, syscall source live beside it\n`);
    const results: Rep[] = [];
    for (let i = 0; i < reps; i++) {
      const r = await rep(dir, events, batch, i);
      results.push(r);
      process.stdout.write(`  rep ${i + 1}: ${r.eventsPerSecond.toFixed(0)} events/s accepted, alert latency p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.lost} lost `
        + `(warm-up of ${WARMUP} events first: its p99 ${r.warmupP99Ms.toFixed(1)} ms)\n`);
    }
    const eps = median(results.map((r) => r.eventsPerSecond));
    const p50 = median(results.map((r) => r.p50Ms));
    const p99 = median(results.map((r) => r.p99Ms));
    const lost = Math.max(...results.map((r) => r.lost));
    process.stdout.write(`median of ${reps}: ${eps.toFixed(0)} events/s (goal >= 20000), p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (goal < 100), `
      + `at most ${lost} lost (goal 0)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
