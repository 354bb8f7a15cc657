// The event sources of plugins, beside the syscall source, as Falco runs them: each source has its
// own fields, its own rules (those whose `source:` names it) and its own detection, all in one
// process, sharing the outputs and the end-of-run counters. ghostwatch has one such source built
// in, k8s_audit (Falco's k8saudit plugin, with the json plugin's fields): it is loaded when the
// configuration loads the k8saudit plugin (load_plugins), enabled unless --enable-source or
// --disable-source leave it out, and not opened when a capture is read (as in Falco, a capture
// is the only source then).
//
// Audit events become plugin events (src/capture/plugin-event.ts), so the rule engine and the
// alert formatter take them as they take system calls; their JSON is parsed once, by the source.
import type { GhostwatchConfig } from '../config/config.js';
import { pluginEvent } from '../capture/plugin-event.js';
import { RuleEngine } from '../engine/engine.js';
import { PluginJudge } from '../engine/plugin-detect.js';
import { RulesInForce } from '../engine/rules-in-force.js';
import type { DetectionStats } from '../engine/stats.js';
import { TokenBucket } from '../engine/token-bucket.js';
import { seedEventJson } from '../fields/json.js';
import { K8SAUDIT_PLUGIN_ID } from '../fields/k8saudit.js';
import { createK8sAuditRegistry, K8S_AUDIT_SOURCE } from '../fields/k8saudit-source.js';
import type { FieldRegistry } from '../fields/types.js';
import { AlertFormatter, alertFormatSettings, type PreparedOutput } from '../outputs/alert-format.js';
import type { Outputs } from '../outputs/outputs.js';
import { defaultSources, type LoadedRule } from '../rules/index.js';
import type { PluginVersion } from '../rules/plugins.js';
import { K8sAuditConfigError } from '../sources/k8saudit/config.js';
import type { K8sAuditSource } from '../sources/k8saudit/source.js';
import type { SourceHealth } from '../webserver/health.js';
import { PLUGINS } from './plugins.js';

export { K8S_AUDIT_SOURCE };

export const SYSCALL_SOURCE = 'syscall';

/** The event sources the configuration loads, in Falco's order: syscall, then each plugin's. */
export function loadedSources(config: GhostwatchConfig): string[] {
  return config.k8sAudit === undefined ? [SYSCALL_SOURCE] : [SYSCALL_SOURCE, K8S_AUDIT_SOURCE];
}

/** The fields rules are checked against, by source: the syscall source's, and the plugin sources' loaded. */
export function ruleSources(config: GhostwatchConfig): ReadonlyMap<string, FieldRegistry> {
  const sources = new Map(defaultSources());
  if (config.k8sAudit !== undefined) sources.set(K8S_AUDIT_SOURCE, createK8sAuditRegistry(config.jsonPlugin));
  return sources;
}

/**
 * The plugins rules' required_plugin_versions are checked against: the container plugin (always
 * there, meets any version), and k8saudit and json at the versions ghostwatch follows, when loaded.
 */
export function pluginVersionsInEffect(config: GhostwatchConfig): ReadonlyMap<string, PluginVersion> {
  const versions = new Map<string, PluginVersion>([['container', 'any']]);
  const version = (name: string) => PLUGINS.find((p) => p.name === name)?.version ?? '0.0.0';
  if (config.k8sAudit !== undefined) versions.set('k8saudit', version('k8saudit'));
  if (config.jsonPlugin) versions.set('json', version('json'));
  return versions;
}

/** The plugins in effect besides the container plugin (for --list-plugins). */
export function loadedPluginNames(config: GhostwatchConfig): string[] {
  return [...(config.k8sAudit !== undefined ? ['k8saudit'] : []), ...(config.jsonPlugin ? ['json'] : [])];
}

export class PluginSourceError extends Error {}

export interface PluginSourcesOptions {
  readonly config: GhostwatchConfig;
  readonly outputs: Outputs;
  readonly hostname: string;
  /** -M: seconds of event time after a source's first event (and of wall time) after which it stops; 0: none. */
  readonly durationSeconds: number;
  readonly info: (message: string) => void;
  readonly warn: (message: string) => void;
  readonly debug: (message: string) => void;
  /** Told when each source runs and when it ends (the webserver's /healthz). */
  readonly health?: SourceHealth;
}

interface ActivePluginRules {
  readonly engine: RuleEngine;
  readonly matchAll: boolean;
  readonly formatter: AlertFormatter;
  readonly prepared: ReadonlyMap<LoadedRule, PreparedOutput>;
}

/** The enabled plugin sources of a run (today: k8s_audit), opened and judged together. */
export class PluginSources {
  private started = 0n;
  private cpuAtStart: NodeJS.CpuUsage | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private judge: PluginJudge | undefined;
  /** stop() was called: the sources end as asked. */
  private stopRequested = false;

  private constructor(
    private readonly o: PluginSourcesOptions,
    private readonly source: K8sAuditSource,
    private readonly registry: FieldRegistry,
    private readonly rules: RulesInForce<ActivePluginRules>,
  ) {}

  /**
   * Opens the k8s_audit source (a webhook listens once this resolves) with its rules among
   * `running` (the others are the syscall source's). PluginSourceError when it cannot open.
   */
  static async open(running: readonly LoadedRule[], o: PluginSourcesOptions): Promise<PluginSources> {
    const k8s = o.config.k8sAudit;
    if (k8s === undefined) throw new PluginSourceError(`the ${K8S_AUDIT_SOURCE} source needs the k8saudit plugin loaded`);
    const registry = createK8sAuditRegistry(o.config.jsonPlugin);
    const rules = new RulesInForce(activeRules(running, o.config, registry, o.hostname));
    let source: K8sAuditSource;
    try {
      // The webhook's module (node:http, node:https) is loaded only for this source.
      const { K8sAuditSource } = await import('../sources/k8saudit/source.js');
      source = await K8sAuditSource.open(k8s, (m) => o.warn(`k8saudit: ${m}`));
    } catch (e) {
      if (e instanceof K8sAuditConfigError) throw new PluginSourceError(`Could not open source '${K8S_AUDIT_SOURCE}': ${e.message}`);
      throw e;
    }
    o.info(`Opening event source '${K8S_AUDIT_SOURCE}': ${source.description}`);
    o.health?.running(K8S_AUDIT_SOURCE);
    return new PluginSources(o, source, registry, rules);
  }

  /** Puts other rules in force (a reload), from the next event on. */
  replaceRules(running: readonly LoadedRule[], config: GhostwatchConfig): void {
    this.rules.replace(activeRules(running, config, this.registry, this.o.hostname));
  }

  /** Judges the sources' events, counting matches in `stats`, until every source has ended or stop() is called. */
  run(stats: DetectionStats): Promise<void> {
    if (this.running !== undefined) return this.running;
    const o = this.o;
    const clock = () => Number(process.hrtime.bigint());
    const judge = new PluginJudge({
      rules: this.rules,
      stats,
      clock,
      ...(o.config.outputsRate > 0 && { limiter: new TokenBucket(o.config.outputsRate, o.config.outputsMaxBurst, clock()) }),
      alert: (rule, evt) => {
        const { formatter, prepared } = this.rules.current;
        o.outputs.send(formatter.format(prepared.get(rule)!, evt));
      },
      limited: (rule) => o.debug(`Skipping rate-limited notification for rule ${rule.name}`),
      durationNs: o.durationSeconds * 1e9,
      onDurationReached: () => void this.stop(),
      onError: (e) => o.warn(`${K8S_AUDIT_SOURCE}: an event could not be judged: ${e instanceof Error ? e.message : String(e)}`),
    });
    this.judge = judge;
    this.started = process.hrtime.bigint();
    this.cpuAtStart = process.cpuUsage();
    if (o.durationSeconds > 0) this.timer = setTimeout(() => void this.stop(), o.durationSeconds * 1000);
    let num = 0;
    this.running = this.source.run((e) => {
      const evt = pluginEvent(K8SAUDIT_PLUGIN_ID, e.tsNs, e.data, ++num);
      seedEventJson(evt, e.value);
      judge.judge(evt);
    }).then(
      () => o.health?.finished(K8S_AUDIT_SOURCE, this.stopRequested),
      (e: unknown) => {
        o.health?.failed(K8S_AUDIT_SOURCE, e instanceof Error ? e.message : String(e));
        throw e;
      },
    ).finally(() => clearTimeout(this.timer));
    return this.running;
  }

  /** Ends every source: events already accepted are judged first. Resolves when they are. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    clearTimeout(this.timer);
    await this.source.stop();
    await this.running;
  }

  /** Falco's per-source line of the -v summary, and ghostwatch's webhook counters. */
  summary(): string {
    const events = this.judge?.events ?? 0;
    const cpu = process.cpuUsage(this.cpuAtStart);
    const seconds = (cpu.user + cpu.system) / 1e6;
    let out = `(${K8S_AUDIT_SOURCE}) Elapsed time: ${seconds.toFixed(3)}, Captured Events: ${events}, ${(events / (seconds || 1e-9)).toFixed(2)} eps\n`;
    const w = this.source.webhookCounters;
    if (w !== undefined) {
      out += `(${K8S_AUDIT_SOURCE}) Webhook: ${w.requests} requests, ${w.accepted} accepted, ${w.refused} refused; ${w.events} events accepted, `
        + `${w.tooLarge} over maxEventSize and ${w.invalid} unusable dropped\n`;
    } else if (this.source.counters.dropped > 0) {
      out += `(${K8S_AUDIT_SOURCE}) ${this.source.counters.dropped} events over maxEventSize or unusable dropped\n`;
    }
    const errors = this.judge?.errors ?? 0;
    if (errors > 0) out += `(${K8S_AUDIT_SOURCE}) ${errors} events could not be judged\n`;
    return out;
  }
}

function activeRules(running: readonly LoadedRule[], config: GhostwatchConfig, registry: FieldRegistry, hostname: string): ActivePluginRules {
  const mine = running.filter((r) => r.source === K8S_AUDIT_SOURCE);
  const engine = new RuleEngine(mine, registry);
  const formatter = new AlertFormatter(registry, alertFormatSettings(config, hostname));
  const prepared = new Map(mine.map((r) => [r, formatter.prepare(r)]));
  return { engine, matchAll: config.ruleMatching === 'all', formatter, prepared };
}

export interface PluginOnlyRun {
  readonly verbose: boolean;
  /** The end-of-run counters' text (Falco's "Events detected: ..."). */
  readonly summary: () => string;
  readonly notice: (message: string) => void;
  readonly info: (message: string) => void;
}

/**
 * A run of plugin sources only (--enable-source k8s_audit, or --disable-source syscall): until
 * the sources end (a file read to its end), SIGINT or SIGTERM, or -M; then the outputs are
 * closed and, with -v, Falco's summary is printed.
 */
export async function runPluginSourcesOnly(p: PluginSources, stats: DetectionStats, outputs: Outputs, r: PluginOnlyRun): Promise<number> {
  const onSignal = (sig: string) => () => {
    r.info(`${sig} received, exiting...`);
    void p.stop();
  };
  const onReopen = () => {
    r.info('SIGUSR1 received, reopening outputs...');
    outputs.reopen();
  };
  const handlers: [NodeJS.Signals, () => void][] = [['SIGINT', onSignal('SIGINT')], ['SIGTERM', onSignal('SIGTERM')], ['SIGUSR1', onReopen]];
  for (const [sig, h] of handlers) process.on(sig, h);
  try {
    await p.run(stats);
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
  if (r.verbose) process.stderr.write(p.summary());
  if (!(await outputs.close())) r.notice('output channels still blocked, discarding all remaining notifications');
  if (r.verbose) process.stdout.write(r.summary());
  return 0;
}
