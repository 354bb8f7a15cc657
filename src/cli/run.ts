// `ghostwatch run`: Falco's command line. The steps, in Falco's order: the schemas, -i and
// --list-events (no configuration needed); configuration (-c, -o); --version, --page-size,
// --plugin-info, --list-plugins; --list; event sources (--enable-source, --disable-source); -V
// (validate rules files and stop); rules (-r, or rules_files) and their selection (-D, -T, -t,
// rules:, priority); -L/-l; --support; outputs; --dry-run; the pid file (-P); then detection over
// what engine.kind names: a capture (replay, or -e), the live system through the eBPF probe
// (modern_ebpf), or no kernel events (nodriver), with Falco's summary at the end (-v). Every
// error is one line "Error: ..." on stderr, exit 1.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { resolve } from 'node:path';
import type { Event } from '../capture/event.js';
import type { CaptureHandlers } from '../capture/reader.js';
import type { GhostwatchConfig } from '../config/config.js';
import { configJsonSchema, ruleJsonSchema } from '../config/json-schema.js';
import { ConfigError, defaultConfigPath, loadConfig, packageRoot } from '../config/load.js';
import type { RawNode } from '../config/tree.js';
import { describeRules } from '../engine/describe.js';
import { detect, type EventSource } from '../engine/detect.js';
import { DROP_RULE, DropMonitor } from '../engine/drops.js';
import { isSyscallEvent, ruleEventNames } from '../engine/live-syscalls.js';
import { planOpenFilter, type OpenFilterPlan } from '../engine/kernel-filter.js';
import { ProbeDropSource } from '../engine/probe-drops.js';
import { RuleEngine } from '../engine/engine.js';
import { RulesInForce } from '../engine/rules-in-force.js';
import { checkSelection, type RuleSelection, selectRules } from '../engine/selection.js';
import { DetectionStats } from '../engine/stats.js';
import { FlightRecorder } from '../engine/flight-recorder.js';
import { READ_TIMEOUT_MS, TIMEOUT_RULE, TimeoutMonitor } from '../engine/timeouts.js';
import { TokenBucket } from '../engine/token-bucket.js';
import { createRegistry } from '../fields/registry.js';
import type { FieldRegistry } from '../fields/types.js';
import { AlertFormatter, alertFormatSettings, localTimeOfDay, type PreparedOutput } from '../outputs/alert-format.js';
import { ContainerWait } from '../outputs/container-wait.js';
import { FileOutput } from '../outputs/file.js';
import { DEFAULT_BACKOFF, Delivery } from '../outputs/delivery.js';
import { escapeControls, LOG, Logger } from '../outputs/logger.js';
import { Outputs } from '../outputs/outputs.js';
import { ProgramOutput } from '../outputs/program.js';
import { Spool } from '../outputs/spool.js';
import { StdoutOutput } from '../outputs/stdout.js';
import { SyslogOutput } from '../outputs/syslog.js';
import type { Alert, DeliveryTarget } from '../outputs/target.js';
import {
  checkPluginRequirements, defaultCacheDir, DescribeError, describeRulesJson, loadErrorLine, loadRules, loadWarningLines, type LoadedRule,
  type LoadResult, openParseCache, type ParseCache, readRulesFiles, renderLoadResultsJson, rulesFilePaths, renderLoadResultText, renderValidationSummary, type RuleSet, sortKeys, syscallFormatError,
} from '../rules/index.js';
import { byEventName, listProbeEvents, probeBinary, ProbeError } from '../probe/index.js';
import { openLive, probeSyscalls, trySetOpenFilter, type LiveSource } from '../sources/live.js';
import { State } from '../state/state.js';
import { hostRoot } from './containers.js';
import { streamTargets } from '../outputs/streams.js';
import { errorLine } from './errors.js';
import { ignoredEventsText, listEvents } from './event-list.js';
import { fieldList, SOURCE_FIELDS } from './field-list.js';
import { outputFormat } from './formats.js';
import { packageVersion, pageSize, PROBE_SCHEMA_VERSION, supportJson, versionJson, versionText } from './info.js';
import { BUILT_IN_PLUGINS, listPlugins, type PluginEntry, pluginInfo } from './plugins.js';
import {
  K8S_AUDIT_SOURCE, loadedPluginNames, loadedSources, PluginSourceError, PluginSources, pluginVersionsInEffect, ruleSources, runPluginSourcesOnly,
} from './plugin-sources.js';
import { LoaderThread, Reloader, ReloadTriggers, restartNeeded } from './reload.js';
import { Telemetry } from './telemetry.js';

export interface RunOptions {
  readonly rules: readonly string[];
  readonly capture?: string;
  readonly config?: string;
  readonly options: readonly string[];
  readonly disable: readonly string[];
  readonly tags: readonly string[];
  readonly disableTags: readonly string[];
  readonly durationSeconds: number;
  readonly verbose: boolean;
  readonly listRules: boolean;
  readonly describeRule?: string;
  /** --list: true for every source, or the source named. */
  readonly listFields?: true | string;
  readonly validate: readonly string[];
  readonly dryRun: boolean;
  readonly unbuffered: boolean;
  /** -p: text added to every alert: c/container, k/kubernetes (and their -gvisor forms), or a format. */
  readonly print?: string;
  /** -A: also the high-volume I/O calls Falco leaves out by default (base_syscalls.all). */
  readonly allEvents?: boolean;
  /** --list-events */
  readonly listEvents?: boolean;
  /** --format and the deprecated --markdown: how --list and --list-events print. */
  readonly format?: string;
  readonly markdown?: boolean;
  /** -N: --list prints the field names only. */
  readonly namesOnly?: boolean;
  /** -i */
  readonly ignoredEvents?: boolean;
  /** -P: the pid file, written once the outputs are open, removed at exit. */
  readonly pidfile?: string;
  readonly enableSources?: readonly string[];
  readonly disableSources?: readonly string[];
  readonly printVersion?: boolean;
  readonly support?: boolean;
  readonly pageSize?: boolean;
  readonly configSchema?: boolean;
  readonly ruleSchema?: boolean;
  readonly listPlugins?: boolean;
  readonly pluginInfo?: string;
}

/** Falco's -p shorthands. */
const PRINT_FORMATS: Readonly<Record<string, string>> = {
  c: 'container=%container.name (id=%container.id)',
  container: 'container=%container.name (id=%container.id)',
  cg: 'container=%container.name (id=%container.id) vpid=%proc.vpid vtid=%thread.vtid',
  'container-gvisor': 'container=%container.name (id=%container.id) vpid=%proc.vpid vtid=%thread.vtid',
  k: 'k8s.ns=%k8s.ns.name k8s.pod=%k8s.pod.name container=%container.id',
  kubernetes: 'k8s.ns=%k8s.ns.name k8s.pod=%k8s.pod.name container=%container.id',
  kg: 'k8s.ns=%k8s.ns.name k8s.pod=%k8s.pod.name container=%container.id vpid=%proc.vpid vtid=%thread.vtid',
  'kubernetes-gvisor': 'k8s.ns=%k8s.ns.name k8s.pod=%k8s.pod.name container=%container.id vpid=%proc.vpid vtid=%thread.vtid',
};

/** Most events kept while the rules wait for a new container's description (about 10 MB). */
const HOLD_MAX_EVENTS = 100_000;

/** An error that ends the run: its message is printed as "Error: <message>". */
class RunError extends Error {}

const SYSCALL_SOURCE = 'syscall';

export async function runDetection(o: RunOptions): Promise<number> {
  const logger = new Logger({ enabled: true, level: LOG.INFO, iso8601: false });
  try {
    return await run(o, logger);
  } catch (e) {
    const msg = e instanceof RunError || e instanceof ConfigError ? e.message : errorLine(e);
    process.stderr.write(`Error: ${msg.replace(/[\r\n]+/g, ' ')}\n`);
    return 1;
  }
}

async function run(o: RunOptions, logger: Logger): Promise<number> {
  const selection = {
    disabledSubstrings: o.disable, disabledTags: o.disableTags, enabledTags: o.tags,
  };
  guard(() => checkSelection({ minPriority: 7, ...selection }));
  const { format, deprecated } = guard(() => outputFormat(o.format, o.markdown === true));
  if (deprecated !== undefined) process.stderr.write(`${deprecated}\n`);

  // What needs no configuration.
  if (o.configSchema) return print(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  if (o.ruleSchema) return print(`${JSON.stringify(ruleJsonSchema(), null, 2)}\n`);
  if (o.ignoredEvents) return print(ignoredEventsText());
  if (o.listEvents) return print(listEvents(format, PROBE_SCHEMA_VERSION));

  const { config: loaded, file: configFile, unimplemented, tree } = loadConfig(o.config, o.options);
  const config: GhostwatchConfig = o.unbuffered ? { ...loaded, bufferedOutputs: false } : loaded;
  configureLogger(logger, config);
  logger.log(LOG.INFO, `ghostwatch version: ${packageVersion()}`);
  logger.log(LOG.INFO, `ghostwatch initialized with configuration file: ${configFile}`);
  if (unimplemented.length > 0) warn(logger, `Settings ghostwatch does not implement (ignored): ${unimplemented.join(', ')}`);

  if (o.printVersion) return print(config.jsonOutput ? `${JSON.stringify(versionJson())}\n` : versionText());
  if (o.pageSize) return print(`Your system page size is: ${String(guard(pageSize))} bytes\n`);
  const plugin = o.pluginInfo;
  if (plugin !== undefined) return print(guard(() => pluginInfo(plugin, configuredPlugins(tree))));
  if (o.listPlugins) return print(listPlugins(loadedPluginNames(config)));

  if (o.listFields !== undefined) {
    // Every source ghostwatch has built in can be listed, loaded or not.
    const which = o.listFields;
    const listed = which === true || which === '' ? SOURCE_FIELDS : SOURCE_FIELDS.filter((s) => s.source === which);
    if (listed.length === 0) throw new RunError('Value for --list must be a valid source type');
    return print(fieldList(listed, { format, namesOnly: o.namesOnly === true, verbose: o.verbose }));
  }

  // -e is Falco's older way of saying engine.kind=replay.
  const engine = o.capture !== undefined ? { kind: 'replay' as const, captureFile: o.capture } : config.engine;
  // A capture is the only source when one is read (sources are not selected then, as in Falco).
  const enabledSources = engine.kind !== 'replay' ? selectEventSources(o, loadedSources(config)) : new Set([SYSCALL_SOURCE]);

  if (o.validate.length > 0) return validate(o, config, logger);

  const set = loadRulesOrFail(o, config, logger);
  for (const s of config.ruleSelection) {
    if (s.rule !== undefined) logger.log(LOG.INFO, `${s.enable ? 'Enabling' : 'Disabling'} rules with name: ${s.rule}`);
    if (s.tag !== undefined) logger.log(LOG.INFO, `${s.enable ? 'Enabling' : 'Disabling'} rules with tag: ${s.tag}`);
  }
  for (const sub of o.disable) logger.log(LOG.INFO, `Disabling rules matching substring: ${sub}`);
  for (const tag of o.disableTags) logger.log(LOG.INFO, `Disabling rules with tag: ${tag}`);
  for (const tag of o.tags) logger.log(LOG.INFO, `Enabling rules with tag: ${tag}`);
  const sel: RuleSelection = { minPriority: config.minPriority, configSelection: config.ruleSelection, ...selection };
  const running = selectRules(set.rules, sel);
  // Each source's rules run on its own events: the syscall detection gets the syscall rules.
  const syscallRunning = running.filter((r) => r.source === SYSCALL_SOURCE);

  if (o.listRules || o.describeRule !== undefined) return print(describeLoaded(set, o.describeRule, config.jsonOutput));
  if (o.support) {
    const cmdline = [process.argv[1] ?? 'ghostwatch', ...process.argv.slice(2)].join(' ');
    const rulesFiles = [...set.contents].map(([name, content]) => ({ name, content }));
    return print(`${JSON.stringify(supportJson({ cmdline, config: tree, rulesFiles }))}\n`);
  }

  const hostname = resolveHostname(logger);
  const outputs = await openOutputs(config, logger);
  if (o.dryRun) {
    logger.log(LOG.DEBUG, 'Skipping event processing in dry-run');
    await outputs.close();
    return 0;
  }
  const pidfile = o.pidfile === undefined || o.pidfile === '' ? undefined : o.pidfile;
  if (pidfile !== undefined) {
    try {
      writeFileSync(pidfile, String(process.pid));
    } catch {
      await outputs.close();
      throw new RunError(`Could not write pid to pidfile ${pidfile}. Exiting.`);
    }
  }
  // The webserver and the metrics snapshots: until the run ends, after the sources.
  const telemetry = new Telemetry();
  telemetry.counters.deliveryStats = () => outputs.stats();
  telemetry.counters.queueDrops = () => outputs.queueDrops();
  try {
    try {
      await telemetry.start(config, outputs, hostname, engine.kind === 'replay', {
        info: (m) => logger.log(LOG.INFO, m), debug: (m) => logger.log(LOG.DEBUG, m), error: (m) => reportError(logger, m),
      });
    } catch (e) {
      await outputs.close();
      throw new RunError(errorLine(e));
    }
    const engines = telemetry.counters.engines;
    if (enabledSources.has(SYSCALL_SOURCE)) engines.set(SYSCALL_SOURCE, engine.kind === 'replay' ? 'savefile' : engine.kind === 'nodriver' ? 'nodriver' : 'modern_bpf');
    if (enabledSources.has(K8S_AUDIT_SOURCE)) engines.set(K8S_AUDIT_SOURCE, 'source_plugin');
    if (engine.kind !== 'replay') {
      logger.log(LOG.INFO, `Loaded event sources: ${loadedSources(config).join(', ')}`);
      logger.log(LOG.INFO, `Enabled event sources: ${[...enabledSources].join(', ')}`);
    }
    const plugins = enabledSources.has(K8S_AUDIT_SOURCE) ? await openPluginSources(running, config, outputs, hostname, o, logger, telemetry) : undefined;
    if (plugins !== undefined && !enabledSources.has(SYSCALL_SOURCE)) {
      const stats = new DetectionStats(set.rules);
      telemetry.counters.detection = stats;
      return await runPluginSourcesOnly(plugins, stats, outputs, {
        verbose: o.verbose, summary: () => stats.summary(),
        notice: (m) => logger.log(LOG.NOTICE, m), info: (m) => logger.log(LOG.INFO, m),
      });
    }
    if (engine.kind === 'nodriver') return await runWithoutEvents(o, set, outputs, config, logger, telemetry, plugins);
    let input: Input;
    if (engine.kind === 'replay') {
      input = { capture: engine.captureFile };
    } else {
      try {
        input = { live: await openLiveSystem(syscallRunning, config, o.allEvents === true, logger) };
      } catch (e) {
        await plugins?.stop();
        await outputs.close();
        throw e instanceof ProbeError ? new RunError(e.message) : e;
      }
    }
    return await detectEvents(o, input, config, set, syscallRunning, outputs, hostname, logger, telemetry, plugins);
  } finally {
    await telemetry.close();
    if (pidfile !== undefined) rmSync(pidfile, { force: true });
  }
}

/** Writes what an option prints, and waits until it is out: the process exits right after, and a pipe takes it in parts. */
async function print(text: string): Promise<number> {
  await new Promise<void>((done, fail) => {
    process.stdout.write(text, (e) => {
      if (e) fail(e);
      else done();
    });
  });
  return 0;
}

/**
 * --enable-source / --disable-source, checked as Falco does (not when reading a capture), among the
 * sources loaded (syscall, and k8s_audit when the k8saudit plugin is): the sources enabled.
 */
function selectEventSources(o: RunOptions, loaded: readonly string[]): Set<string> {
  const enable = o.enableSources ?? [];
  const disable = o.disableSources ?? [];
  if (enable.length > 0 && disable.length > 0) throw new RunError('You can not mix --enable-source and --disable-source');
  const enabled = new Set(enable.length > 0 ? [] : loaded);
  for (const src of enable) {
    if (!loaded.includes(src)) throw new RunError(`Attempted enabling an unknown event source: ${src}`);
    enabled.add(src);
  }
  for (const src of disable) {
    if (!loaded.includes(src)) throw new RunError(`Attempted disabling an unknown event source: ${src}`);
    enabled.delete(src);
  }
  if (enabled.size === 0) throw new RunError('Must enable at least one event source');
  return enabled;
}

/** Opens the enabled plugin sources (k8s_audit): a webhook listens once this resolves; a failure ends the run. */
async function openPluginSources(
  running: readonly LoadedRule[], config: GhostwatchConfig, outputs: Outputs, hostname: string, o: RunOptions, logger: Logger, telemetry: Telemetry,
): Promise<PluginSources> {
  try {
    return await PluginSources.open(running, {
      config, outputs, hostname, durationSeconds: o.durationSeconds, health: telemetry.health,
      info: (m) => logger.log(LOG.INFO, m), warn: (m) => warn(logger, m), debug: (m) => logger.log(LOG.DEBUG, m),
    });
  } catch (e) {
    await outputs.close();
    throw e instanceof PluginSourceError ? new RunError(e.message) : e;
  }
}

/** The items of `plugins:` (name and library_path), for --plugin-info by library path. */
function configuredPlugins(tree: RawNode): PluginEntry[] {
  const plugins = tree.kind === 'map' ? tree.entries.get('plugins') : undefined;
  if (plugins?.kind !== 'seq') return [];
  const text = (n: RawNode | undefined) => (n?.kind === 'scalar' ? n.text : '');
  return plugins.items.flatMap((p) => (p.kind === 'map' ? [{ name: text(p.entries.get('name')), libraryPath: text(p.entries.get('library_path')) }] : []));
}

/**
 * -L and -l: every loaded rule (or the one named), as Falco describes them: after the selection,
 * which does not change what is listed (Falco describes the rules it loaded, each with its own
 * `enabled`). Text: name and description; JSON: Falco's details of rules, macros and lists.
 */
function describeLoaded(set: RuleSet, ruleName: string | undefined, json: boolean): string {
  if (!json) {
    const shown = ruleName === undefined ? set.rules : set.rules.filter((r) => r.name === ruleName);
    if (ruleName !== undefined && shown.length === 0) throw new RunError(`Rule "${ruleName}" is not loaded`);
    return describeRules(shown);
  }
  try {
    return `${JSON.stringify(sortKeys(describeRulesJson(set, { ...(ruleName !== undefined && { ruleName }), plugins: BUILT_IN_PLUGINS })))}\n`;
  } catch (e) {
    throw e instanceof DescribeError ? new RunError(e.message) : e;
  }
}

/**
 * engine.kind nodriver: no kernel events. The rules are loaded and the outputs open; ghostwatch
 * waits for SIGINT/SIGTERM (or -M seconds), as Falco does with no event source to open.
 */
async function runWithoutEvents(
  o: RunOptions, set: RuleSet, outputs: Outputs, config: GhostwatchConfig, logger: Logger, telemetry: Telemetry, plugins?: PluginSources,
): Promise<number> {
  // The plugin sources (k8s_audit) run meanwhile, until the same end.
  const stats = new DetectionStats(set.rules);
  telemetry.counters.detection = stats;
  telemetry.health.running(SYSCALL_SOURCE);
  const pluginRun = plugins?.run(stats);
  warn(logger, `Enabled event source '${SYSCALL_SOURCE}' will be opened with no driver, no event will be produced`);
  // A reload checks the configuration and rules (nothing runs them).
  let inForce = config;
  const reloader = new Reloader({
    reload: async () => {
      const next = await loadInBackground(o);
      guard(() => new RuleEngine(next.running, createRegistry(new State(), { allParams: true })));
      plugins?.replaceRules(next.all, next.config);
      inForce = next.config;
      configureLogger(logger, next.config);
      return `${next.running.length} rules loaded`;
    },
    info: (m) => logger.log(LOG.INFO, m),
    error: (m) => reloadFailed(logger, m),
    after: () => triggers.watch(watchedFiles(o, inForce)),
    close: () => reloadLoader.close(),
  });
  telemetry.counters.reloads = () => reloader;
  const triggers = new ReloadTriggers(reloader, (m) => warn(logger, m));
  triggers.watch(watchedFiles(o, config));
  await new Promise<void>((done) => {
    const timer = o.durationSeconds > 0 ? setTimeout(finish, o.durationSeconds * 1000) : undefined;
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    const handlers = signals.map((sig) => [sig, () => {
      logger.log(LOG.INFO, `${sig} received, exiting...`);
      finish();
    }] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    function finish(): void {
      clearTimeout(timer);
      for (const [sig, h] of handlers) process.off(sig, h);
      done();
    }
  });
  await triggers.close();
  await plugins?.stop();
  await pluginRun;
  if (o.verbose) process.stderr.write(plugins?.summary() ?? '');
  await outputs.close();
  if (o.verbose) {
    process.stderr.write(reloader.summary());
    process.stdout.write(stats.summary());
  }
  return 0;
}

/** What detection reads: a capture file (-e), or the live system through the probe. */
type Input = { readonly capture: string; readonly live?: undefined } | { readonly capture?: undefined; readonly live: LiveSource };

/**
 * Attach the probe for the events the running rules and the state need (base_syscalls adjusts
 * them; -A is base_syscalls.all), with the ring buffer syscall_buf_size_preset asks for.
 */
async function openLiveSystem(running: readonly LoadedRule[], config: GhostwatchConfig, allEvents: boolean, logger: Logger): Promise<LiveSource> {
  const syscalls = liveSyscalls(running, config, allEvents);
  logger.log(LOG.INFO, `Capturing ${syscalls.length} event types live: ${syscalls.join(', ')}`);
  const plan = openFilterPlan(running, config);
  logger.log(LOG.INFO, openFilterLine(plan));
  return openLive({
    ...('filter' in plan && { openFilter: plan.filter }),
    // -A (or base_syscalls.all) brings the I/O calls in: their buffers' first falco_libs.snaplen
    // bytes come with them (evt.buffer). Without it no buffer is copied.
    syscalls, ringKb: config.syscallBufferKb, ...((allEvents || config.baseSyscalls.all) && { snaplen: config.snaplen }),
    hostRoot: hostRoot(), containers: { ...config.containers, hostRoot: hostRoot() },
    onWarning: (m) => warn(logger, m),
  });
}

/** The events to capture for these rules, and Falco's warning for those of them that will not be. */
function liveSyscalls(running: readonly LoadedRule[], config: GhostwatchConfig, allEvents: boolean): string[] {
  const supported = listProbeEventsOrFail();
  const names = ruleEventNames(running);
  const base = allEvents ? { ...config.baseSyscalls, all: true } : config.baseSyscalls;
  const syscalls = probeSyscalls(names === 'all' ? supported : names, base, supported);
  if (names !== 'all') warnUnsupportedEvents(names, syscalls);
  return syscalls;
}

/** The opens the probe may keep back for these rules: none with the flight recorder, whose captures keep every event. */
function openFilterPlan(running: readonly LoadedRule[], config: GhostwatchConfig): OpenFilterPlan {
  if (config.flightRecorder !== undefined) return { off: 'the flight recorder keeps every event' };
  return planOpenFilter(running);
}

function openFilterLine(plan: OpenFilterPlan): string {
  if ('off' in plan) return `Kernel filter: off (${plan.off})`;
  const calls = [...plan.filter.calls].map(([call, clauses]) => `${call} (${clauses.length} clauses)`);
  return `Kernel filter: opens no rule can match are kept back: ${calls.join(', ') || 'none'}`;
}

/** The rules in force and what goes with them: their engine, and their outputs ready to format. */
interface ActiveRules {
  readonly engine: RuleEngine;
  readonly matchAll: boolean;
  readonly running: readonly LoadedRule[];
  readonly formatter: AlertFormatter;
  readonly prepared: ReadonlyMap<LoadedRule, PreparedOutput>;
}

function activeRules(running: readonly LoadedRule[], config: GhostwatchConfig, registry: FieldRegistry, hostname: string): ActiveRules {
  const engine = guard(() => new RuleEngine(running, registry));
  const formatter = new AlertFormatter(registry, alertFormatSettings(config, hostname));
  const prepared = new Map<LoadedRule, PreparedOutput>(running.map((r) => [r, guard(() => formatter.prepare(r))]));
  return { engine, matchAll: config.ruleMatching === 'all', running, formatter, prepared };
}

/** Falco's alert when a restart fails (its hot restart's dry run). */
const RESTART_FAILURE_RULE = 'Falco internal: hot restart failure';

/** A reload's configuration and rules. */
interface Reloaded {
  readonly config: GhostwatchConfig;
  readonly running: readonly LoadedRule[];
  readonly all: readonly LoadedRule[];
}

/** A reload's loading, done by the loader thread: the rules or the error line, with the log lines written meanwhile. */
type LoadedForReload = (Reloaded | { readonly error: string }) & { readonly log: string };

/** The reloads' loader thread (reload-worker.ts, found beside the compiled modules; inline without it). */
const reloadLoader = new LoaderThread<RunOptions, LoadedForReload>(resolve(packageRoot(), 'dist', 'src', 'cli', 'reload-worker.js'), loadForReload);

/** A reload's configuration and rules, loaded off the event loop; its log lines are written here, in order. */
async function loadInBackground(o: RunOptions): Promise<Reloaded> {
  const r = await reloadLoader.run(o);
  if (r.log !== '') process.stderr.write(r.log);
  if ('error' in r) throw new RunError(r.error);
  return r;
}

/** The loader thread's work (exported for reload-worker.ts): reloadedRules, its log lines collected. */
export function loadForReload(o: RunOptions): LoadedForReload {
  let log = '';
  const logger = new Logger({ enabled: false, level: LOG.INFO, iso8601: false }, (s) => (log += s));
  try {
    return { ...reloadedRules(o, logger), log };
  } catch (e) {
    return { error: e instanceof RunError || e instanceof ConfigError ? e.message : errorLine(e), log };
  }
}

/**
 * A reload's configuration and rules: -c and -o read again; the command line (-r, -D, -T, -t, -p,
 * -U) as at start. A failing rules file is said once, in the reload's error line. The logger is
 * set as the new configuration says (as at start).
 */
function reloadedRules(o: RunOptions, logger: Logger): Reloaded {
  const { config: loaded } = loadConfig(o.config, o.options);
  const config: GhostwatchConfig = o.unbuffered ? { ...loaded, bufferedOutputs: false } : loaded;
  configureLogger(logger, config);
  const set = loadRulesOrFail({ ...o, verbose: false }, config, logger);
  const running = selectRules(set.rules, {
    minPriority: config.minPriority, configSelection: config.ruleSelection,
    disabledSubstrings: o.disable, disabledTags: o.disableTags, enabledTags: o.tags,
  });
  // `running`: the syscall source's rules; `all`: every source's (the plugin sources take theirs).
  return { config, running: running.filter((r) => r.source === SYSCALL_SOURCE), all: running };
}

/** What watch_config_files watches: the configuration file, and the rules files and directories. */
function watchedFiles(o: RunOptions, config: GhostwatchConfig): string[] {
  if (!config.watchConfigFiles) return [];
  return [o.config ?? defaultConfigPath(), ...(o.rules.length > 0 ? o.rules : config.rulesFiles)];
}

function configureLogger(logger: Logger, config: GhostwatchConfig): void {
  logger.configure({ enabled: config.logStderr, level: config.logLevel, iso8601: config.timeFormatIso8601 });
}

/** A failed reload's one line: logged as an error, or on stderr when the log is off. */
function reloadFailed(logger: Logger, message: string): void {
  if (logger.enabled(LOG.ERR)) logger.log(LOG.ERR, message);
  else process.stderr.write(`Error: ${escapeControls(message.replace(/[\r\n]+/g, ' '))}\n`);
}

/** A warning that is shown even when ghostwatch's own log is off (it says data will be missing). */
function warn(logger: Logger, message: string): void {
  if (logger.enabled(LOG.WARNING)) logger.log(LOG.WARNING, message);
  else process.stderr.write(`Warning: ${escapeControls(message.replace(/[\r\n]+/g, ' '))}\n`);
}

/** Whether the system still has the thread (the host's procfs: the probe's pids are the host's). */
function threadIsAlive(tid: number, pid: number): boolean {
  return existsSync(`${hostRoot()}/proc/${pid}/task/${tid}`);
}

/** Falco's warning for the system calls the rules use that will not be captured. */
function warnUnsupportedEvents(ruleNames: ReadonlySet<string>, captured: readonly string[]): void {
  const taken = new Set(captured);
  const missing = [...ruleNames].filter((n) => !taken.has(n) && isSyscallEvent(n)).sort();
  if (missing.length === 0) return;
  process.stderr.write('Loaded rules match syscalls that are not activated (e.g. were removed via config settings such as '
    + 'no -A flag or negative base_syscalls elements) or unsupported with current configuration: warning (unsupported-evttype): '
    + `${missing.join(', ')}\n`
    + 'If syscalls in rules include high volume syscalls (-> activate via `-A` flag), else syscalls may have been removed via '
    + 'base_syscalls option or might be associated with syscalls undefined on your architecture '
    + '(https://marcin.juszkiewicz.com.pl/download/tables/syscalls.html)\n');
}

/** The events the built probe offers; a missing probe is one line saying how to build it. */
function listProbeEventsOrFail(): string[] {
  const binary = probeBinary();
  if (!existsSync(binary)) throw new RunError(`the eBPF probe is not built (${binary} is missing): run scripts/build-probe.sh`);
  probeEvents ??= guard(() => listProbeEvents(binary));
  return probeEvents;
}

/** The probe's events, asked once (a reload needs them again). */
let probeEvents: string[] | undefined;

async function detectEvents(
  o: RunOptions, input: Input, config: GhostwatchConfig, set: RuleSet, running: readonly LoadedRule[],
  outputs: Outputs, hostname: string, logger: Logger, telemetry: Telemetry, plugins?: PluginSources,
): Promise<number> {
  const state = new State();
  // Live events carry parameters sysdig 0.29.3 did not know (ptrace's request on its exit event...): rules see them all.
  const registry = createRegistry(state, { allParams: true });
  const live = input.live;
  // The rules and their outputs, replaced as a whole between two events by a reload.
  const rules = new RulesInForce(activeRules(running, config, registry, hostname));
  // Live, the container runtimes are asked about each new container; an alert about one whose
  // description has not arrived yet waits for it (bounded), so it names its container and pod.
  const wait = new ContainerWait<Alert>(2 * config.containers.lookupTimeoutMs, (id) => state.containers.get(id)?.lookupPending === true, (alert) => outputs.send(alert));
  if (live !== undefined) {
    state.containers.lookups = live.containerLookups;
    live.onContainerRemoved = (id) => state.containers.remove(id);
  }
  // Live, flight_recorder keeps the last events and writes a capture around each alert it is set for.
  const recorder = live === undefined || config.flightRecorder === undefined ? undefined : new FlightRecorder(config.flightRecorder, state, {
    written: (path, names) => logger.log(LOG.INFO, `Flight recorder: wrote ${path} (${names.join(', ')})`),
    failed: (m) => warn(logger, `Flight recorder: a capture could not be written (the alert went out): ${m}`),
  });
  const source: EventSource = input.live === undefined ? input.capture : recorder === undefined ? input.live : {
    read: (h: CaptureHandlers) => input.live.read({
      header: (header) => {
        recorder.start(header);
        h.header(header);
      },
      event: (e) => {
        recorder.event(e);
        return h.event(e);
      },
    }),
  };
  const sendAlert = (rule: LoadedRule, evt: Event) => {
    const capture = recorder?.alert(rule, evt);
    const { formatter, prepared } = rules.current;
    const p = prepared.get(rule)!;
    const id = evt.thread?.containerId;
    if (id && state.containers.get(id)?.lookupPending === true) wait.hold(id, formatter.deferred(p, evt, capture));
    else outputs.send(formatter.format(p, evt, capture));
  };
  const stats = new DetectionStats(set.rules);
  const { counters, health } = telemetry;
  counters.detection = stats;
  counters.threads = () => state.threads.size;
  if (live !== undefined) {
    counters.probe = () => live.counts();
    counters.helperPids = [live.probePid];
    counters.events = () => live.progress().events;
  }
  health.running(SYSCALL_SOURCE);
  // The plugin sources (k8s_audit) are judged meanwhile, counted with the system calls.
  const pluginRun = plugins?.run(stats);
  const clock = () => Number(process.hrtime.bigint());
  const drops = new DropMonitor(config.syscallEventDrops, {
    log: (m) => logger.log(LOG.DEBUG, m),
    alert: (ts, m, fields) => outputs.send(rules.current.formatter.internal(ts, 7, m, DROP_RULE, fields)),
    critical: (m) => {
      if (logger.enabled(LOG.CRIT)) logger.log(LOG.CRIT, m);
      else process.stderr.write(`${m}\n`);
    },
  }, Date.now() * 1e6, live === undefined ? undefined : new ProbeDropSource(() => live.counts()));

  // Set by the signal handlers; read through stopRequested, since TypeScript cannot see them change it.
  let stop = false;
  const stopRequested = () => stop;
  const stopLive = () => void live?.stop().catch((e: unknown) => logger.log(LOG.ERR, `stopping the probe: ${errorLine(e)}`));
  const onStop = (signal: string) => () => {
    logger.log(LOG.INFO, `${signal} received, exiting...`);
    stop = true;
    wake?.();
    stopLive();
    void plugins?.stop();
  };
  const onReopen = () => {
    logger.log(LOG.INFO, 'SIGUSR1 received, reopening outputs...');
    outputs.reopen();
  };
  const handlers: [NodeJS.Signals, () => void][] = [['SIGINT', onStop('SIGINT')], ['SIGTERM', onStop('SIGTERM')], ['SIGUSR1', onReopen]];
  for (const [sig, h] of handlers) process.on(sig, h);
  let wake: (() => void) | undefined;

  // SIGHUP and watch_config_files: the configuration and rules read again and put in force
  // between two events; the probe, the state and the outputs stay.
  let inForce = config;
  const reloader = new Reloader({
    reload: async (markInForce) => {
      const next = await loadInBackground(o);
      const active = activeRules(next.running, next.config, registry, hostname);
      const before = rules.current.running.length;
      let probe = '';
      if (live !== undefined) {
        const wanted = liveSyscalls(next.running, next.config, o.allEvents === true);
        // The new calls first, then the rules, then the calls no rule needs any more: no event
        // the new rules need is missed, and none the old ones still judge is taken away early.
        // Every open too, until the new rules' filter is set.
        const added = await live.setSyscalls([...new Set([...live.syscalls, ...wanted])]);
        await live.setOpenFilter(undefined);
        rules.replace(active);
        markInForce();
        const removed = await live.setSyscalls(wanted);
        const plan = openFilterPlan(next.running, next.config);
        const refused = 'filter' in plan ? await trySetOpenFilter(live, plan.filter) : undefined;
        if (refused === undefined) logger.log(LOG.INFO, openFilterLine(plan));
        else warn(logger, refused);
        probe = `; event types attached: ${added.attached.join(', ') || 'none'}; detached: ${removed.detached.join(', ') || 'none'}`
          + ` (${removed.programs} programs attached)`;
      } else {
        rules.replace(active);
        markInForce();
      }
      plugins?.replaceRules(next.all, next.config);
      inForce = next.config;
      configureLogger(logger, next.config);
      const restart = restartNeeded(config, next.config, { engineFixed: o.capture !== undefined });
      if (restart.length > 0) warn(logger, `Settings changed that take effect only at the next start: ${restart.join(', ')}`);
      return `${active.running.length} rules in force (were ${before})${probe}`;
    },
    info: (m) => logger.log(LOG.INFO, m),
    error: (m, reason) => {
      reloadFailed(logger, m);
      outputs.send(rules.current.formatter.internal(BigInt(Date.now()) * 1_000_000n, 2, `${RESTART_FAILURE_RULE}: ${reason}`, RESTART_FAILURE_RULE, {}));
    },
    after: () => triggers.watch(watchedFiles(o, inForce)),
    close: () => reloadLoader.close(),
  });
  telemetry.counters.reloads = () => reloader;
  const triggers = new ReloadTriggers(reloader, (m) => warn(logger, m));
  triggers.watch(watchedFiles(o, config));

  // Live, Falco's notice when no event comes for syscall_event_timeouts.max_consecutives reads.
  const timeouts = live === undefined ? undefined : new TimeoutMonitor(config.syscallEventTimeoutsMax, () => live.progress(),
    (message, fields) => outputs.send(rules.current.formatter.internal(BigInt(Date.now()) * 1_000_000n, 7, message, TIMEOUT_RULE, fields)),
    (ts) => localTimeOfDay(BigInt(Math.round(ts))));
  const timeoutTicks = timeouts === undefined ? undefined : setInterval(() => timeouts.tick(), READ_TIMEOUT_MS);

  const started = process.cpuUsage();
  // Live, -M is wall-clock time: the probe is stopped then, even if no event arrives.
  const timer = live !== undefined && o.durationSeconds > 0 ? setTimeout(stopLive, o.durationSeconds * 1000) : undefined;
  let result;
  try {
    if (live === undefined) logger.log(LOG.INFO, `Reading events from capture file ${input.capture}`);
    else logger.log(LOG.INFO, 'Watching the live system (eBPF probe); SIGINT or SIGTERM stops');
    result = await detect(source, {
      state, rules, stats, clock, drops,
      alert: sendAlert,
      limited: (rule) => logger.log(LOG.DEBUG, `Skipping rate-limited notification for rule ${rule.name}`),
      ...(config.outputsRate > 0 && { limiter: new TokenBucket(config.outputsRate, config.outputsMaxBurst, clock()) }),
      durationNs: live === undefined ? o.durationSeconds * 1e9 : 0,
      stopRequested,
      ...(live !== undefined && { sourceCounts: () => live.counts() }),
      ...(live !== undefined && config.threadPurgeIntervalS > 0 && { purge: { intervalNs: config.threadPurgeIntervalS * 1e9, isAlive: threadIsAlive } }),
      ...(live !== undefined && config.containers.newContainerWaitMs > 0 && {
        hold: { maxMs: config.containers.newContainerWaitMs, maxEvents: HOLD_MAX_EVENTS, pending: (id: string) => state.containers.get(id)?.lookupPending === true },
      }),
    });
  } catch (e) {
    // The source failed (the probe's loader exited, a damaged capture): /healthz says so while the run ends.
    health.failed(SYSCALL_SOURCE, errorLine(e));
    clearTimeout(timer);
    clearInterval(timeoutTicks);
    await live?.stop();
    await triggers.close();
    await plugins?.stop();
    await pluginRun?.catch(() => undefined);
    wait.flush();
    await recorder?.stop();
    await outputs.close();
    for (const [sig, h] of handlers) process.off(sig, h);
    throw e;
  }
  // It ended as asked (a signal, -M, the drop action exit), or read its capture to the end.
  health.finished(SYSCALL_SOURCE, true);
  if (live === undefined) counters.events = () => result.events;
  clearTimeout(timer);
  clearInterval(timeoutTicks);
  await triggers.close();
  await plugins?.stop();
  await pluginRun;
  wait.flush();
  await recorder?.stop();
  if (o.verbose) {
    const used = process.cpuUsage(started);
    const seconds = (used.user + used.system) / 1e6;
    if (live !== undefined) process.stderr.write(driverStats(live) + containerStats(live, wait, result.holds) + tableStats(state, result.tablesAtStart));
    process.stderr.write(`Elapsed time: ${seconds.toFixed(3)}, Captured Events: ${result.events}, ${(result.events / (seconds || 1e-9)).toFixed(2)} eps\n`);
    process.stderr.write(drops.summary());
    if (recorder !== undefined) {
      const r = recorder.stats;
      process.stderr.write(`Flight recorder: ${r.recordings} captures written, ${r.failures} failed${r.failures > 0 ? ` (last: ${escapeControls(r.lastError)})` : ''}\n`);
    }
    process.stderr.write(plugins?.summary() ?? '');
    process.stderr.write(reloader.summary());
  }
  // Falco honours -M with a capture too: it waits that long once the events are read.
  if (live === undefined && o.durationSeconds > 0 && !stopRequested() && !result.stoppedByDrops) {
    await new Promise<void>((resolveSleep) => {
      const t = setTimeout(resolveSleep, o.durationSeconds * 1000);
      wake = () => {
        clearTimeout(t);
        resolveSleep();
      };
    });
  }
  if (!(await outputs.close())) {
    logger.log(LOG.NOTICE, 'output channels still blocked, discarding all remaining notifications');
  }
  for (const [sig, h] of handlers) process.off(sig, h);
  if (o.verbose) process.stdout.write(stats.summary());
  if (result.stoppedByDrops) throw new RunError('Drop manager internal error');
  return 0;
}

/** The probe's counters, as Falco prints its driver's: events sent, events lost (and, ghostwatch's addition, per event). */
function driverStats(live: LiveSource): string {
  const counts = live.counts();
  const drops = live.drops();
  let out = `Driver Events:${counts.totalEvents}\nDriver Drops:${drops.total}\n`;
  const by = Object.entries(drops.byEvent).filter(([, n]) => n > 0);
  if (by.length > 0) out += `Driver Drops by event: ${by.map(([name, n]) => `${name}=${n}`).join(' ')}\n`;
  // ghostwatch's: the events the probe kept back because no rule could match them.
  out += `Kernel Filtered:${counts.totalFiltered}\n`;
  const filtered = Object.entries(byEventName(counts.filtered)).filter(([, n]) => n > 0);
  if (filtered.length > 0) out += `Kernel Filtered by event: ${filtered.map(([name, n]) => `${name}=${n}`).join(' ')}\n`;
  return out;
}

/** ghostwatch's addition to the summary: what the container runtimes were asked and answered. */
function containerStats(live: LiveSource, wait: ContainerWait<Alert>, holds: { pauses: number; expired: number }): string {
  const c = live.containerCounters();
  if (c === undefined) return '';
  return `Containers: ${c.described} described, ${c.lookups} looked up, ${c.failures} lookups failed (${c.timeouts} timed out); `
    + `rules waited for ${holds.pauses} new containers (${holds.expired} not described in time); `
    + `${wait.expired} alerts sent before their container was described\n`;
}

/** ghostwatch's addition to the summary: the state's tables, now and when the first event came. */
function tableStats(state: State, atStart: { threads: number; containers: number }): string {
  return `State tables: ${state.threads.size} threads, ${state.containers.size} containers `
    + `(at the first event: ${atStart.threads} threads, ${atStart.containers} containers)\n`;
}

/** -V: each file's load result (JSON with json_output, a summary otherwise) on stdout. */
function validate(o: RunOptions, config: GhostwatchConfig, logger: Logger): number {
  logger.log(LOG.INFO, 'Validating rules file(s):');
  for (const f of o.validate) logger.log(LOG.INFO, `   ${f}`);
  const set = loadRules(readFiles(o.validate), loadOptions(config, o));
  const pluginError = checkPluginRequirements(set.requiredPluginVersions, pluginVersionsInEffect(config));
  if (pluginError !== undefined) throw new RunError(pluginError);
  for (const r of set.results) if (r.successful && r.hasWarnings) warnLoadResult(r, set.contents, logger, o.verbose);
  if (config.jsonOutput) process.stdout.write(`${renderLoadResultsJson(set.results, set.contents)}\n`);
  else process.stdout.write(`${renderValidationSummary(set.results, set.contents)}\n`);
  if (!set.successful) throw new RunError(set.results.filter((r) => !r.successful).map(loadErrorLine).join('; '));
  return 0;
}

function loadRulesOrFail(o: RunOptions, config: GhostwatchConfig, logger: Logger): RuleSet {
  const paths = o.rules.length > 0 ? o.rules : config.rulesFiles;
  if (paths.length === 0) throw new RunError('You must specify at least one rules file/directory via -r or a rules_files entry in the configuration');
  for (const p of paths) {
    if (!existsSync(p)) throw new RunError(`Could not get info on rules file ${p}: No such file or directory`);
    if (rulesFilePaths(p).length === 0) logger.log(LOG.WARNING, `No rules loaded from ${p}: rules files are named *.yaml or *.yml`);
  }
  const files = readFiles(paths);
  for (const f of files) logger.log(LOG.INFO, `Loading rules from file ${f.name}`);
  const set = loadRules(files, loadOptions(config, o));
  // As Falco, the files load until one fails: its error is the one reported (a later file's
  // errors may only follow from it, as its lists and macros are missing).
  const failed = set.results.find((r) => !r.successful);
  // A plugin the rules need and that is not loaded ends the run: its one line, not the warnings
  // of the rules it made unknown.
  const pluginError = checkPluginRequirements(set.requiredPluginVersions, pluginVersionsInEffect(config));
  if (pluginError !== undefined) throw new RunError(pluginError);
  for (const r of set.results) {
    if (r === failed) {
      if (o.verbose) process.stderr.write(`${renderLoadResultText(r, set.contents, true)}\n`);
      break;
    }
    if (r.hasWarnings) warnLoadResult(r, set.contents, logger, o.verbose);
  }
  if (failed !== undefined) throw new RunError(loadErrorLine(failed));
  return set;
}

/**
 * A rules file's warnings, logged as Falco logs them (its load result in full, at warning level).
 * Shown even when ghostwatch's log is off, one line per warning (in full with -v): a rule that
 * loads otherwise than written (a misspelt key is ignored) must not go unnoticed.
 */
function warnLoadResult(r: LoadResult, contents: ReadonlyMap<string, string>, logger: Logger, verbose: boolean): void {
  if (logger.enabled(LOG.WARNING) || verbose) {
    const [first = '', ...rest] = renderLoadResultText(r, contents, true).replace(/\n+$/, '').split('\n').map(escapeControls);
    if (logger.enabled(LOG.WARNING)) logger.log(LOG.WARNING, first);
    else process.stderr.write(`${first}\n`);
    process.stderr.write(rest.map((l) => `${l}\n`).join(''));
  } else {
    for (const line of loadWarningLines(r)) process.stderr.write(`Warning: ${escapeControls(line.replace(/[\r\n]+/g, ' '))}\n`);
  }
}

function readFiles(paths: readonly string[]) {
  return guard(() => readRulesFiles(paths));
}

/**
 * The configuration's append_output, and -p's text added to the output of every syscall rule (as
 * Falco does). A -p format that cannot print is -p's error, not that of the first rule it joins.
 */
function loadOptions(config: GhostwatchConfig, o: RunOptions) {
  const print = o.print === undefined || o.print === '' ? [] : [{ source: SYSCALL_SOURCE, format: PRINT_FORMATS[o.print] ?? o.print }];
  for (const p of print) {
    const why = syscallFormatError(p.format);
    if (why !== undefined) throw new RunError(`-p '${p.format}' is not a valid output format: ${why}`);
  }
  return {
    extraOutputFormats: [...config.extraOutputFormats, ...print], extraOutputFields: config.extraOutputFields, sources: ruleSources(config),
    parseCache: rulesCache(),
  };
}

/** The cache of parsed rules files (cache.ts), opened at the first load; undefined when there is none. */
let parseCache: { readonly cache: ParseCache | undefined } | undefined;

function rulesCache(): ParseCache | undefined {
  if (parseCache === undefined) {
    const dir = defaultCacheDir();
    parseCache = { cache: dir === undefined ? undefined : openParseCache(dir, packageVersion()) };
  }
  return parseCache.cache;
}

function resolveHostname(logger: Logger): string {
  const env = process.env.FALCO_HOSTNAME ?? process.env.FALCO_GRPC_HOSTNAME;
  if (env === undefined) return osHostname();
  logger.log(LOG.INFO, `Hostname value has been overridden via environment variable to: ${env}`);
  return env;
}

/** An error said even when ghostwatch's log is off (alerts or metrics are being lost). */
function reportError(logger: Logger, m: string): void {
  if (logger.enabled(LOG.ERR)) logger.log(LOG.ERR, m);
  else process.stderr.write(`Error: ${escapeControls(m.replace(/[\r\n]+/g, ' '))}\n`);
}

/** The outputs configured; each network output's module (node:http, node:https, ...) is loaded only when it is on. */
async function openOutputs(config: GhostwatchConfig, logger: Logger): Promise<Outputs> {
  // A failing output is said even when ghostwatch's log is off: alerts are being lost.
  const report = (m: string) => reportError(logger, m);
  const notice = (m: string) => {
    if (logger.enabled(LOG.NOTICE)) logger.log(LOG.NOTICE, m);
    else process.stderr.write(`${escapeControls(m.replace(/[\r\n]+/g, ' '))}\n`);
  };
  // The most alerts one attempt takes: one process per alert for program without keep_alive,
  // requests side by side for http, one write for the local outputs.
  const targets: [DeliveryTarget, number][] = [];
  if (config.fileOutput !== undefined) {
    const file = new FileOutput(config.fileOutput, report);
    guard(() => file.open());
    targets.push([file, LOCAL_BATCH]);
  }
  if (config.stdoutOutput) targets.push([new StdoutOutput(config.bufferedOutputs), LOCAL_BATCH]);
  if (config.programOutput !== undefined) targets.push([new ProgramOutput(config.programOutput, report), config.programOutput.keepAlive ? LOCAL_BATCH : 1]);
  if (config.httpOutput !== undefined) {
    const http = config.httpOutput;
    const { HttpOutput } = await import('../outputs/http.js');
    targets.push([guard(() => new HttpOutput(http)), HTTP_BATCH]);
  }
  if (config.syslogOutput !== undefined) {
    const destination = config.syslogOutput.destination;
    targets.push([guard(() => new SyslogOutput(destination)), LOCAL_BATCH]);
  }
  // NATS and Loki take batches as large as http's: one acknowledgement or push per batch.
  for (const target of await guardAsync(streamTargets(config))) targets.push([target, HTTP_BATCH]);
  if (targets.length === 0) throw new RunError('No output configured, please make sure at least one output is configured and enabled.');
  const d = config.delivery;
  const deliveries = targets.map(([target, batchSize]) => {
    const spool = d.spoolDir !== '' && target.retry ? guard(() => new Spool(d.spoolDir, target.name, d.spoolMaxBytes)) : undefined;
    if (spool !== undefined && spool.restored().length > 0) {
      notice(`${target.name} output: ${spool.restored().length} alerts left undelivered by the last run are sent again (spool ${d.spoolDir})`);
    }
    const settings = { capacity: d.queueCapacity, attemptTimeoutMs: config.outputTimeout, maxAgeMs: d.maxAgeS * 1000, batchSize, ...DEFAULT_BACKOFF };
    return new Delivery(target, settings, { error: report, notice }, spool);
  });
  return new Outputs(deliveries);
}

const LOCAL_BATCH = 512;
const HTTP_BATCH = 64;

/** Runs `f`, turning what it throws into a RunError with a one-line message. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw asRunError(e);
  }
}

/** guard for work that resolves later. */
async function guardAsync<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw asRunError(e);
  }
}

function asRunError(e: unknown): RunError {
  return e instanceof RunError ? e : new RunError(errorLine(e));
}
