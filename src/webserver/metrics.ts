// ghostwatch's metrics under Falco's names: the counters a run keeps (rule matches, events, the
// probe's drops, the state's threads, ghostwatch's CPU and memory: node's and the probe loader's;
// the delivery layer's counters) read at one moment, as the Prometheus text of /metrics
// (prom-client) and as Falco's flat snapshot ("Falco internal: metrics snapshot", metrics.output_file).
//
// Names and labels follow Falco 0.41's (userspace/falco/falco_metrics.cpp, libs' metrics_collector):
// falcosecurity_<subsystem>_<name>_<unit>, rules_matches with rule_name, priority (its number),
// source and one tag_<tag>="true" label per tag. Where Falco's name breaks Prometheus's naming rules
// (a gauge ending in _total, a timestamp in nanoseconds), which `promtool check metrics` rejects,
// ghostwatch uses the conforming name: falcosecurity_scap_n_threads (Falco:
// falcosecurity_scap_n_threads_total), falcosecurity_falco_host_num_cpus (_total), and timestamps in
// seconds (falcosecurity_falco_start_ts_timestamp_seconds for Falco's _timestamp_nanoseconds).
import { readFileSync } from 'node:fs';
import { cpus, hostname as osHostname, release } from 'node:os';
import type { Counter as CounterType, Gauge as GaugeType } from 'prom-client';
import { EVENT_TABLE } from '../capture/event-table.js';
import type { MetricsConfig } from '../config/config.js';
import type { DetectionStats } from '../engine/stats.js';
import type { DeliveryStats } from '../outputs/target.js';
import type { ProbeCounts } from '../probe/index.js';
import { cpuSecondsOf, readText } from '../sources/proc-files.js';

/** What a run's metrics are read from; each part is set once the run has it. */
export class RunCounters {
  /** The rules' matches (every source's), once detection starts. */
  detection: DetectionStats | undefined = undefined;
  /** Events read by the system call source (the probe's or the capture's). */
  events: () => number = () => 0;
  /** The probe's counters (live only). */
  probe: (() => ProbeCounts) | undefined = undefined;
  /** ghostwatch's other processes (the probe's loader): their CPU and memory count with node's. */
  helperPids: readonly number[] = [];
  /** Threads in the state's table. */
  threads: (() => number) | undefined = undefined;
  /** Each output's delivery counters, and the alerts dropped by the outputs' queues (the delivery layer's; none without outputs). */
  deliveryStats: () => readonly DeliveryStats[] = () => [];
  queueDrops: () => number = () => 0;
  /** Hot reloads (SIGHUP, a watched file) that put new rules in force, and those that failed. */
  reloads: () => { readonly succeeded: number; readonly failed: number } = () => ({ succeeded: 0, failed: 0 });
  /** The event sources and how each is read: Falco's scap engine names (modern_bpf, savefile, nodriver, source_plugin). */
  readonly engines = new Map<string, string>();
  readonly startNs = BigInt(Date.now()) * 1_000_000n;
}

export interface Identity {
  readonly version: string;
  readonly hostname: string;
}

/** Falco's documentation page for its metrics, its HELP text. */
const FALCO_HELP = 'https://falco.org/docs/metrics/';

/** A metric's name in Falco's snapshot for a rule: falco.rules.<name>, as Falco's sanitize_rule_name makes it. */
function ruleKey(name: string): string {
  return `falco.rules.${name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_').replace(/_$/, '')}`;
}

/** A Prometheus label name for a tag (tag_<tag>, invalid characters as _). */
function tagLabel(tag: string): string {
  return `tag_${tag.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** ghostwatch's CPU time over its life, as libs' cpu_usage_perc (percent of one CPU, one decimal): node's and its helpers'. */
function cpuUsagePercent(helpers: readonly number[]): number {
  const used = process.cpuUsage();
  let seconds = (used.user + used.system) / 1e6;
  for (const pid of helpers) seconds += cpuSecondsOf(pid);
  const life = process.uptime();
  return life > 0 ? Math.round((1000 * seconds) / life) / 10 : 0;
}

/** Virtual and resident size in bytes (/proc/PID/statm, in pages), 0 for a process that is gone. */
function statm(pid: number | 'self'): { vsz: number; rss: number } {
  const [vsz = 0, rss = 0] = (readText(`/proc/${pid}/statm`) ?? '').split(' ').map(Number);
  return { vsz: vsz * 4096, rss: rss * 4096 };
}

/** ghostwatch's memory: node's and its helpers' (Falco is one process; ghostwatch's loader is part of it). */
function memoryBytes(helpers: readonly number[]): { vsz: number; rss: number } {
  const m = { vsz: statm('self').vsz, rss: process.memoryUsage.rss() };
  for (const pid of helpers) {
    const h = statm(pid);
    m.vsz += h.vsz;
    m.rss += h.rss;
  }
  return m;
}

/** The host's boot time, ns since the epoch (/proc/stat btime). */
function hostBootNs(): number {
  try {
    const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1e9;
  } catch {
    return 0;
  }
}

/** `drop` and `dir` labels of an event type's buffer drops: its name and direction. */
function dropLabels(type: number): { dir: string; drop: string } {
  const info = EVENT_TABLE[type] as (typeof EVENT_TABLE)[number] | undefined;
  return info === undefined ? { dir: 'exit', drop: `type${type}` } : { dir: info.dir === '>' ? 'enter' : 'exit', drop: info.name };
}

/** /metrics: the Prometheus text of the counters now. */
export async function prometheusText(c: RunCounters, config: MetricsConfig, id: Identity): Promise<{ text: string; contentType: string }> {
  // Loaded on the first scrape: runs without /metrics do not pay for it.
  // prom-client is CommonJS: imported from a bundle's chunk it is only the default export.
  const mod = await import('prom-client');
  const { Counter, Gauge, Registry } = (mod as unknown as { default?: typeof mod }).default ?? mod;
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, value: number, labels: Record<string, string> = {}) => {
    new Gauge({ name, help, labelNames: Object.keys(labels), registers }).set(labels, value);
  };
  const counter = (name: string, help: string, value: number) => {
    new Counter({ name, help, registers }).inc(value);
  };

  gauge('falcosecurity_falco_version_info', FALCO_HELP, 1, { version: id.version });
  gauge('falcosecurity_evt_hostname_info', FALCO_HELP, 1, { hostname: id.hostname });
  gauge('falcosecurity_falco_kernel_release_info', FALCO_HELP, 1, { kernel_release: release() });
  const engines = new Gauge({ name: 'falcosecurity_scap_engine_name_info', help: FALCO_HELP, labelNames: ['engine_name', 'evt_source'], registers });
  for (const [source, engine] of c.engines) engines.set({ engine_name: engine, evt_source: source }, 1);
  gauge('falcosecurity_falco_start_ts_timestamp_seconds', FALCO_HELP, Number(c.startNs) / 1e9);
  gauge('falcosecurity_falco_host_boot_ts_timestamp_seconds', FALCO_HELP, hostBootNs() / 1e9);
  gauge('falcosecurity_falco_host_num_cpus', FALCO_HELP, cpus().length);
  counter('falcosecurity_falco_duration_seconds_total', FALCO_HELP, Math.floor(process.uptime()));
  counter('falcosecurity_falco_outputs_queue_num_drops_total', FALCO_HELP, c.queueDrops());

  if (config.rulesCounters) {
    const matches = (c.detection?.matches() ?? []).filter((m) => m.count > 0 || config.includeEmptyValues);
    const tags = [...new Set(matches.flatMap((m) => m.rule.tags.map(tagLabel)))].sort();
    const rules = new Counter({ name: 'falcosecurity_falco_rules_matches_total', help: FALCO_HELP, labelNames: ['rule_name', 'priority', 'source', ...tags], registers });
    for (const { rule, count } of matches) {
      const labels: Record<string, string> = { rule_name: rule.name, priority: String(rule.priority), source: rule.source };
      for (const t of rule.tags) labels[tagLabel(t)] = 'true';
      rules.inc(labels, count);
    }
  }
  if (config.resourceUtilization) {
    const memory = memoryBytes(c.helperPids);
    gauge('falcosecurity_falco_cpu_usage_ratio', FALCO_HELP, Math.round(cpuUsagePercent(c.helperPids) * 10) / 1000);
    gauge('falcosecurity_falco_memory_rss_bytes', FALCO_HELP, memory.rss);
    gauge('falcosecurity_falco_memory_vsz_bytes', FALCO_HELP, memory.vsz);
  }
  if (config.stateCounters && c.threads !== undefined) gauge('falcosecurity_scap_n_threads', FALCO_HELP, c.threads());
  if (config.kernelEventCounters) {
    const probe = c.probe?.();
    counter('falcosecurity_scap_n_evts_total', FALCO_HELP, probe?.totalEvents ?? c.events());
    counter('falcosecurity_scap_n_drops_total', FALCO_HELP, probe?.totalDrops ?? 0);
    const buffer = new Counter({ name: 'falcosecurity_scap_n_drops_buffer_total', help: FALCO_HELP, labelNames: ['dir', 'drop'], registers });
    for (const [type, n] of probe?.drops ?? []) if (n > 0 || config.includeEmptyValues) buffer.inc(dropLabels(type), n);
  }

  const reloads = new Counter({ name: 'ghostwatch_reloads_total', help: 'Hot reloads of the configuration and rules, by result.', labelNames: ['result'], registers });
  const { succeeded, failed } = c.reloads();
  reloads.inc({ result: 'succeeded' }, succeeded);
  reloads.inc({ result: 'failed' }, failed);

  const delivery = c.deliveryStats();
  const perOutput = (name: string, help: string, kind: 'counter' | 'gauge', value: (s: DeliveryStats) => number) => {
    const m: CounterType | GaugeType = kind === 'counter'
      ? new Counter({ name, help, labelNames: ['output'], registers })
      : new Gauge({ name, help, labelNames: ['output'], registers });
    for (const s of delivery) {
      if (m instanceof Counter) m.inc({ output: s.output }, value(s));
      else m.set({ output: s.output }, value(s));
    }
  };
  perOutput('ghostwatch_delivery_sent_total', 'Alerts delivered, by output.', 'counter', (s) => s.sent);
  perOutput('ghostwatch_delivery_retried_total', 'Delivery attempts that failed and were tried again, by output.', 'counter', (s) => s.retried);
  perOutput('ghostwatch_delivery_dropped_total', 'Alerts given up (queue full, too old, spool full), by output.', 'counter', (s) => s.dropped);
  perOutput('ghostwatch_delivery_spooled', 'Alerts in the spool waiting for delivery, by output.', 'gauge', (s) => s.spooled);
  perOutput('ghostwatch_delivery_oldest_age_seconds', 'Age of the oldest alert not yet delivered, by output.', 'gauge', (s) => s.oldestAgeMs / 1000);

  return { text: await registry.metrics(), contentType: registry.contentType };
}

/** What the previous snapshot counted, for Falco's *_prev fields and rates. */
export interface SnapshotMemory {
  readonly atMs: number;
  readonly numEvts: number;
  readonly nDrops: number;
}

/**
 * Falco's metrics snapshot: its output_fields, under Falco's keys (falco.*, scap.*, evt.*), plus
 * ghostwatch's delivery counters (ghostwatch.delivery.<output>.<counter>).
 */
export function snapshotFields(
  c: RunCounters, config: MetricsConfig, id: Identity, prev: SnapshotMemory | undefined, nowMs: number,
): { fields: Record<string, string | number>; memory: SnapshotMemory } {
  const f: Record<string, string | number> = {};
  const seconds = prev === undefined ? 0 : (nowMs - prev.atMs) / 1000;
  const rate = (now: number, before: number | undefined) => (before === undefined || seconds <= 0 ? 0 : Math.round(((now - before) / seconds) * 10) / 10);
  f['evt.hostname'] = id.hostname;
  f['evt.source'] = 'syscall';
  const engine = c.engines.get('syscall');
  if (engine !== undefined) f['scap.engine_name'] = engine;
  f['falco.version'] = id.version;
  f['falco.start_ts'] = Number(c.startNs);
  f['falco.duration_sec'] = Math.floor(process.uptime());
  f['falco.kernel_release'] = release();
  f['falco.host_boot_ts'] = hostBootNs();
  f['falco.host_num_cpus'] = cpus().length;
  f['falco.outputs_queue_num_drops'] = c.queueDrops();
  const probe = c.probe?.();
  const numEvts = probe?.totalEvents ?? c.events();
  const nDrops = probe?.totalDrops ?? 0;
  f['falco.num_evts'] = numEvts;
  f['falco.num_evts_prev'] = prev?.numEvts ?? 0;
  f['falco.evts_rate_sec'] = rate(numEvts, prev?.numEvts);
  if (config.rulesCounters) {
    const matches = c.detection?.matches() ?? [];
    f['falco.rules.matches_total'] = matches.reduce((n, m) => n + m.count, 0);
    for (const { rule, count } of matches) if (count > 0 || config.includeEmptyValues) f[ruleKey(rule.name)] = count;
  }
  if (config.resourceUtilization) {
    const memory = (name: string, bytes: number) => {
      if (config.convertMemoryToMb) f[`falco.${name}_mb`] = Math.round((bytes / 1048576) * 10) / 10;
      else f[`falco.${name}_kb`] = Math.round(bytes / 1024);
    };
    const used = memoryBytes(c.helperPids);
    f['falco.cpu_usage_perc'] = cpuUsagePercent(c.helperPids);
    memory('memory_rss', used.rss);
    memory('memory_vsz', used.vsz);
  }
  if (config.stateCounters && c.threads !== undefined) f['falco.n_threads'] = c.threads();
  if (config.kernelEventCounters) {
    f['scap.n_evts'] = numEvts;
    f['scap.n_evts_prev'] = prev?.numEvts ?? 0;
    f['scap.evts_rate_sec'] = rate(numEvts, prev?.numEvts);
    f['scap.n_drops'] = nDrops;
    f['scap.n_drops_prev'] = prev?.nDrops ?? 0;
    f['scap.evts_drop_rate_sec'] = rate(nDrops, prev?.nDrops);
    const evtsDelta = numEvts - (prev?.numEvts ?? 0);
    f['scap.n_drops_perc'] = evtsDelta > 0 ? (100 * (nDrops - (prev?.nDrops ?? 0))) / evtsDelta : 0;
    f['scap.n_drops_buffer_total'] = nDrops;
    for (const [type, n] of probe?.drops ?? []) {
      const { drop, dir } = dropLabels(type);
      if (n > 0 || config.includeEmptyValues) f[`scap.n_drops_buffer_${drop}_${dir}`] = n;
    }
  }
  for (const s of c.deliveryStats()) {
    const key = `ghostwatch.delivery.${s.output}`;
    f[`${key}.sent`] = s.sent;
    f[`${key}.retried`] = s.retried;
    f[`${key}.dropped`] = s.dropped;
    f[`${key}.spooled`] = s.spooled;
    f[`${key}.oldest_age_sec`] = s.oldestAgeMs / 1000;
  }
  return { fields: f, memory: { atMs: nowMs, numEvts, nDrops } };
}

export function identity(version: string, hostname = osHostname()): Identity {
  return { version, hostname };
}
