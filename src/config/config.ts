// ghostwatch's configuration: what a falco.yaml-style file (and -o) says, read with Falco's defaults
// and checked with Falco's messages. Keys absent from the file take the value Falco gives them
// when its configuration does not name them.
import type { ExtraOutputField, ExtraOutputFormat } from '../rules/index.js';
import { parsePriority, type Priority, syscallFormatError } from '../rules/index.js';
import { isIP } from 'node:net';
import { decodeBool } from '../rules/yaml.js';
import { ConfigError, type RawNode } from './tree.js';
import { DEFAULT_SNAPLEN, MAX_SNAPLEN } from '../probe/events.js';
import { DEFAULT_ENGINES } from '../sources/containers/metadata.js';
import type { EngineName } from '../sources/containers/runtime.js';
import { K8sAuditConfigError, type K8sAuditPluginConfig, readK8sAuditInit } from '../sources/k8saudit/config.js';

export const LOG_LEVELS = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
/** Syslog severities: 0 emergency … 7 debug. */
export type LogLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type DropAction = 'ignore' | 'log' | 'alert' | 'exit';

export interface RuleSelectionEntry {
  readonly enable: boolean;
  /** A rule name pattern: * matches any text, ? any one character. */
  readonly rule?: string;
  readonly tag?: string;
}

export interface FileOutputConfig {
  readonly filename: string;
  readonly keepAlive: boolean;
}

export interface ProgramOutputConfig {
  readonly program: string;
  readonly keepAlive: boolean;
}

/** ghostwatch's delivery layer (delivery.*, with Falco's outputs_queue.capacity). */
export interface DeliveryConfig {
  /** outputs_queue.capacity: alerts waiting per output (0: no bound, Falco's default); when full the oldest is dropped. */
  readonly queueCapacity: number;
  /** delivery.max_age_s: an alert not delivered after this long is no longer retried. */
  readonly maxAgeS: number;
  /** delivery.spool_dir: where the network outputs keep undelivered alerts across restarts ('' for none). */
  readonly spoolDir: string;
  /** delivery.spool_max_bytes: the bound of each output's spool file. */
  readonly spoolMaxBytes: number;
}

/** Falco's syslog_output, and ghostwatch's destination: unix:///dev/log (default), udp://host:port or tcp://host:port. */
export interface SyslogOutputConfig {
  readonly destination: string;
}

export interface HttpOutputConfig {
  readonly url: string;
  readonly userAgent: string;
  readonly insecure: boolean;
  readonly caCert: string;
  readonly caBundle: string;
  readonly caPath: string;
  readonly mtls: boolean;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly echo: boolean;
  readonly compressUploads: boolean;
  readonly keepAlive: boolean;
}

/** Falco's embedded webserver (/healthz, /versions, /metrics), when enabled. */
export interface WebserverConfig {
  /** An IP address; ghostwatch's default is 127.0.0.1 (Falco's is 0.0.0.0: every interface). */
  readonly listenAddress: string;
  /** 0: a port the system picks (logged). */
  readonly listenPort: number;
  readonly healthzEndpoint: string;
  readonly prometheusMetrics: boolean;
  /** A PEM file holding the private key and the certificate; https when set. */
  readonly sslCertificate?: string;
}

/** Falco's `metrics`: what the snapshots and /metrics hold, and where snapshots go. */
export interface MetricsConfig {
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly outputRule: boolean;
  readonly outputFile: string;
  readonly rulesCounters: boolean;
  readonly resourceUtilization: boolean;
  readonly stateCounters: boolean;
  readonly kernelEventCounters: boolean;
  readonly convertMemoryToMb: boolean;
  readonly includeEmptyValues: boolean;
}

/** ghostwatch's nats_output: alerts published to a NATS JetStream subject (outputs/nats.ts). */
export interface NatsOutputConfig {
  /** nats:// or tls:// */
  readonly url: string;
  readonly subject: string;
  /** A stream created when missing, capturing the subject; '' when a stream that exists already captures it. */
  readonly stream: string;
  readonly token: string;
  readonly user: string;
  readonly password: string;
  /** A NATS credentials file (a user JWT and its NKey seed). */
  readonly credentialsFile: string;
  readonly tls: boolean;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** ghostwatch's loki_output: alerts pushed to Grafana Loki's push API (outputs/loki.ts). */
export interface LokiOutputConfig {
  /** http(s)://host:port, or with the push endpoint's path when it is not /loki/api/v1/push (a gateway). */
  readonly url: string;
  /** Sent as X-Scope-OrgID; '' for none. */
  readonly tenant: string;
  readonly user: string;
  readonly password: string;
  readonly bearerToken: string;
  /** Static labels added to every stream. */
  readonly labels: Readonly<Record<string, string>>;
  readonly caCert: string;
}

/** Falco's container plugin settings (its init_config), which ghostwatch implements built in. */
export interface EngineNamesConfig {
  readonly engines: Readonly<Record<EngineName, { readonly enabled: boolean; readonly sockets: readonly string[] }>>;
  readonly labelMaxLen: number;
  /** ghostwatch's: how long one question to a runtime may take (init_config.lookup_timeout_ms). */
  readonly lookupTimeoutMs: number;
  /** ghostwatch's: how long the rules wait for a new container's description (init_config.new_container_wait_ms). */
  readonly newContainerWaitMs: number;
}

/**
 * Where events come from (Falco 0.38+'s engine.kind): modern_ebpf is ghostwatch's eBPF probe (the
 * live system), replay a capture file, nodriver no kernel events at all.
 */
export type EngineConfig =
  | { readonly kind: 'modern_ebpf'; readonly cpusForEachBuffer: number }
  | { readonly kind: 'replay'; readonly captureFile: string }
  | { readonly kind: 'nodriver' };

/** ghostwatch's flight recorder: the last events kept in memory, written around each alert that triggers it. */
export interface FlightRecorderConfig {
  /** Seconds of events before the alert, and after it, in each capture. */
  readonly beforeS: number;
  readonly afterS: number;
  /** At most this many bytes of events kept in memory. */
  readonly maxBytes: number;
  readonly dir: string;
  /** Captures kept in dir (the oldest are removed); 0: no limit. */
  readonly maxFiles: number;
  /** The rules whose alerts trigger a capture (empty: every rule), at this priority or more severe. */
  readonly rules: readonly string[];
  readonly minPriority: Priority;
}

export interface GhostwatchConfig {
  readonly engine: EngineConfig;
  /** The container plugin's settings: sockets of each runtime engine asked for container metadata. */
  readonly containers: EngineNamesConfig;
  /** Plugins loaded (load_plugins, or every one configured) that ghostwatch does not implement. */
  readonly otherPlugins: readonly string[];
  /** The k8saudit plugin (built in), when loaded: the k8s_audit event source. */
  readonly k8sAudit?: K8sAuditPluginConfig;
  /** Whether the json plugin (built in: json.* and jevt.* fields for k8s_audit) is loaded. */
  readonly jsonPlugin: boolean;
  /** rules_files (or Falco's older rules_file), only the paths that exist, as Falco keeps them. */
  readonly rulesFiles: readonly string[];
  readonly ruleSelection: readonly RuleSelectionEntry[];
  readonly extraOutputFormats: readonly ExtraOutputFormat[];
  readonly extraOutputFields: readonly ExtraOutputField[];
  readonly jsonOutput: boolean;
  readonly jsonIncludeOutputProperty: boolean;
  readonly jsonIncludeTagsProperty: boolean;
  readonly jsonIncludeMessageProperty: boolean;
  readonly jsonIncludeOutputFieldsProperty: boolean;
  readonly minPriority: Priority;
  readonly ruleMatching: 'first' | 'all';
  readonly timeFormatIso8601: boolean;
  readonly bufferedOutputs: boolean;
  /** Milliseconds an output may take before it is given up (at exit). */
  readonly outputTimeout: number;
  /** Alerts per second (0: no limit) and the burst allowed. */
  readonly outputsRate: number;
  readonly outputsMaxBurst: number;
  readonly stdoutOutput: boolean;
  readonly fileOutput?: FileOutputConfig;
  /** flight_recorder: absent when not enabled. */
  readonly flightRecorder?: FlightRecorderConfig;
  readonly programOutput?: ProgramOutputConfig;
  readonly httpOutput?: HttpOutputConfig;
  readonly natsOutput?: NatsOutputConfig;
  readonly lokiOutput?: LokiOutputConfig;
  readonly syslogOutput?: SyslogOutputConfig;
  readonly delivery: DeliveryConfig;
  readonly logStderr: boolean;
  readonly logLevel: LogLevel;
  readonly syscallEventDrops: {
    readonly threshold: number;
    readonly actions: ReadonlySet<DropAction>;
    readonly rate: number;
    readonly maxBurst: number;
    readonly simulateDrops: boolean;
  };
  readonly syscallEventTimeoutsMax: number;
  readonly baseSyscalls: { readonly customSet: readonly string[]; readonly repair: boolean; readonly all: boolean };
  /** The probe's ring buffer, from syscall_buf_size_preset (Falco's sizes: 1 MiB << (preset - 1)). */
  readonly syscallBufferKb: number;
  /** Live: how often threads that have left the system are removed from the tables (falco_libs). */
  readonly threadPurgeIntervalS: number;
  /** Live, with -A: bytes of each I/O buffer the events carry (falco_libs.snaplen). */
  readonly snaplen: number;
  /** Reload when the configuration file or a rules file or directory changes (as on SIGHUP). */
  readonly watchConfigFiles: boolean;
  readonly webserver?: WebserverConfig;
  readonly metrics: MetricsConfig;
}

const BUF_SIZE_PRESET_MIN = 1;
const BUF_SIZE_PRESET_MAX = 10;

/** Reads the typed configuration out of a validated tree; `name` is the file for Falco's messages. */
export function readConfig(root: RawNode & { kind: 'map' }, name: string, pathExists: (p: string) => boolean): GhostwatchConfig {
  const r = new Reader(root);
  const fail = (msg: string): never => {
    throw new ConfigError(`Error reading config file (${name}): ${msg}`);
  };

  const priorityText = r.string('priority', 'debug');
  const minPriority = parsePriority(priorityText);
  if (minPriority === undefined) {
    throw new ConfigError(`Unknown priority "${priorityText}"--must be one of emergency, alert, critical, error, warning, notice, informational, debug`);
  }
  const logLevelText = r.string('log_level', 'info');
  const logLevel = LOG_LEVELS.indexOf(logLevelText as (typeof LOG_LEVELS)[number]);
  if (logLevel < 0) throw new ConfigError(`Unknown log level ${logLevelText}`);
  const ruleMatching = r.string('rule_matching', 'first');
  if (ruleMatching !== 'first' && ruleMatching !== 'all') {
    throw new ConfigError(`Unknown rule matching strategy "${ruleMatching}"--must be one of first, all`);
  }

  const fileOutput = r.bool('file_output.enabled', false)
    ? { filename: r.string('file_output.filename', '') || fail('file output enabled but no filename in configuration block'), keepAlive: r.bool('file_output.keep_alive', false) }
    : undefined;
  const programOutput = r.bool('program_output.enabled', false)
    ? { program: r.string('program_output.program', '') || fail('program output enabled but no program in configuration block'), keepAlive: r.bool('program_output.keep_alive', false) }
    : undefined;
  const httpOutput = r.bool('http_output.enabled', false) ? readHttp(r, fail) : undefined;
  const natsOutput = r.bool('nats_output.enabled', false) ? readNats(r, fail) : undefined;
  const lokiOutput = r.bool('loki_output.enabled', false) ? readLoki(r, fail) : undefined;
  const syslogOutput = r.bool('syslog_output.enabled', false) ? { destination: r.string('syslog_output.destination', 'unix:///dev/log') } : undefined;

  const threshold = r.number('syscall_event_drops.threshold', 0.1);
  if (threshold < 0 || threshold > 1) fail('syscall event drops threshold must be a double in the range [0, 1]');
  const maxConsecutives = r.number('syscall_event_timeouts.max_consecutives', 1000);
  if (maxConsecutives <= 0) {
    throw new ConfigError(`Error reading config file(${name}): the maximum consecutive timeouts without an event must be an unsigned integer > 0`);
  }

  const engine = readEngine(r, fail);
  // Falco 0.38+ sets the buffer size per engine; the older top-level key still works.
  const bufPreset = engine.kind === 'modern_ebpf' && r.node('engine.modern_ebpf.buf_size_preset') !== undefined
    ? r.number('engine.modern_ebpf.buf_size_preset', 4)
    : r.number('syscall_buf_size_preset', 4);
  if (!Number.isInteger(bufPreset) || bufPreset < BUF_SIZE_PRESET_MIN || bufPreset > BUF_SIZE_PRESET_MAX) {
    throw new ConfigError(`The 'buf_size_preset' value must be between '${BUF_SIZE_PRESET_MIN}' and '${BUF_SIZE_PRESET_MAX}'`);
  }

  // Falco keeps only the configured rules paths that exist.
  const rulesFiles = [...r.strings('rules_files'), ...r.strings('rule_files'), ...r.strings('rules_file')].filter(pathExists);

  return {
    engine,
    ...readPlugins(r.node('plugins'), r.node('load_plugins') === undefined ? undefined : r.strings('load_plugins'), fail),
    rulesFiles,
    ruleSelection: readRuleSelection(r.node('rules'), fail),
    ...readAppendOutput(r.node('append_output'), name, fail),
    jsonOutput: r.bool('json_output', false),
    jsonIncludeOutputProperty: r.bool('json_include_output_property', true),
    jsonIncludeTagsProperty: r.bool('json_include_tags_property', true),
    jsonIncludeMessageProperty: r.bool('json_include_message_property', false),
    jsonIncludeOutputFieldsProperty: r.bool('json_include_output_fields_property', true),
    minPriority,
    ruleMatching,
    timeFormatIso8601: r.bool('time_format_iso_8601', false),
    bufferedOutputs: r.bool('buffered_outputs', false),
    outputTimeout: r.number('output_timeout', 2000),
    outputsRate: r.number('outputs.rate', 0),
    outputsMaxBurst: r.number('outputs.max_burst', 1000),
    stdoutOutput: r.bool('stdout_output.enabled', false),
    ...(fileOutput && { fileOutput }),
    ...readFlightRecorder(r, fail),
    ...(programOutput && { programOutput }),
    ...(httpOutput && { httpOutput }),
    ...(natsOutput && { natsOutput }),
    ...(lokiOutput && { lokiOutput }),
    ...(syslogOutput && { syslogOutput }),
    delivery: readDelivery(r, fail),
    logStderr: r.bool('log_stderr', false),
    logLevel: logLevel as LogLevel,
    syscallEventDrops: {
      threshold,
      actions: readDropActions(r.strings('syscall_event_drops.actions'), fail),
      rate: r.number('syscall_event_drops.rate', 0.03333),
      maxBurst: r.number('syscall_event_drops.max_burst', 1),
      simulateDrops: r.bool('syscall_event_drops.simulate_drops', false),
    },
    syscallEventTimeoutsMax: maxConsecutives,
    baseSyscalls: {
      customSet: r.strings('base_syscalls.custom_set'),
      repair: r.bool('base_syscalls.repair', false),
      all: r.bool('base_syscalls.all', false),
    },
    syscallBufferKb: 1024 << (bufPreset - 1),
    threadPurgeIntervalS: r.number('falco_libs.thread_table_auto_purging_interval_s', 300),
    snaplen: Math.min(Math.max(r.number('falco_libs.snaplen', DEFAULT_SNAPLEN), 0), MAX_SNAPLEN),
    watchConfigFiles: r.bool('watch_config_files', true),
    ...(r.bool('webserver.enabled', false) && { webserver: readWebserver(r, fail) }),
    metrics: readMetrics(r),
  };
}

/** ghostwatch listens on loopback unless told otherwise: no port open to the world by default. */
const DEFAULT_LISTEN_ADDRESS = '127.0.0.1';

function readWebserver(r: Reader, fail: (msg: string) => never): WebserverConfig {
  const listenAddress = r.string('webserver.listen_address', DEFAULT_LISTEN_ADDRESS);
  if (isIP(listenAddress) === 0) fail(`webserver listen address "${listenAddress}" is not a valid IP address`);
  const listenPort = r.number('webserver.listen_port', 8765);
  if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) fail(`webserver listen port ${String(listenPort)} is not a port number (0 to 65535)`);
  const healthzEndpoint = r.string('webserver.k8s_healthz_endpoint', '/healthz');
  if (!healthzEndpoint.startsWith('/')) fail(`webserver k8s_healthz_endpoint "${healthzEndpoint}" must be a path starting with /`);
  const sslCertificate = r.bool('webserver.ssl_enabled', false) ? r.string('webserver.ssl_certificate', '/etc/falco/falco.pem') : undefined;
  return {
    listenAddress, listenPort, healthzEndpoint, prometheusMetrics: r.bool('webserver.prometheus_metrics_enabled', false),
    ...(sslCertificate !== undefined && { sslCertificate }),
  };
}

function readMetrics(r: Reader): MetricsConfig {
  const interval = r.string('metrics.interval', '5000');
  const intervalMs = parseDuration(interval);
  const enabled = r.bool('metrics.enabled', false);
  // Falco's check and message (its minimum is 100 ms).
  if (enabled && (intervalMs === undefined || intervalMs < MIN_METRICS_INTERVAL_MS)) {
    throw new ConfigError('Metrics interval must have a minimum value of 100ms and reflect a Prometheus compliant time duration format: '
      + `https://prometheus.io/docs/prometheus/latest/querying/basics/#time-durations (metrics.interval: "${interval}")`);
  }
  return {
    enabled,
    intervalMs: intervalMs ?? 0,
    outputRule: r.bool('metrics.output_rule', false),
    outputFile: r.string('metrics.output_file', ''),
    rulesCounters: r.bool('metrics.rules_counters_enabled', true),
    resourceUtilization: r.bool('metrics.resource_utilization_enabled', true),
    stateCounters: r.bool('metrics.state_counters_enabled', true),
    kernelEventCounters: r.bool('metrics.kernel_event_counters_enabled', true),
    convertMemoryToMb: r.bool('metrics.convert_memory_to_mb', true),
    includeEmptyValues: r.bool('metrics.include_empty_values', false),
  };
}

const MIN_METRICS_INTERVAL_MS = 100;

/** Milliseconds per unit of a Prometheus time duration (https://prometheus.io/docs/prometheus/latest/querying/basics/#time-durations). */
const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A Prometheus duration ("1h30m", "500ms"), or a bare number of milliseconds as Falco also takes; undefined when neither. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(t)) return undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(n) * DURATION_UNITS[unit];
  return ms;
}

/** Falco's kinds that need a driver ghostwatch does not have (its kernel source is its own eBPF probe). */
const DRIVER_KINDS = ['kmod', 'ebpf', 'gvisor'];
const KINDS_HINT = 'ghostwatch takes modern_ebpf (its eBPF probe, the default), replay (with engine.replay.capture_file) or nodriver';

/** engine.kind and its settings, with Falco's messages; never a silent fallback to the live system. */
/** flight_recorder: checked when enabled (the defaults: 10 s before, 5 s after, 64 MiB, 50 files). */
function readFlightRecorder(r: Reader, fail: (m: string) => never): { flightRecorder?: FlightRecorderConfig } {
  if (!r.bool('flight_recorder.enabled', false)) return {};
  const beforeS = r.number('flight_recorder.before_s', 10);
  const afterS = r.number('flight_recorder.after_s', 5);
  const maxBytes = r.number('flight_recorder.max_bytes', 64 * 1024 * 1024);
  const maxFiles = r.number('flight_recorder.max_files', 50);
  if (!(beforeS >= 0) || !(afterS >= 0)) fail('flight_recorder.before_s and after_s must be numbers of seconds, 0 or more');
  if (!Number.isInteger(maxBytes) || maxBytes < 1024 * 1024) fail('flight_recorder.max_bytes must be a whole number of bytes, at least 1048576');
  if (!Number.isInteger(maxFiles) || maxFiles < 0) fail('flight_recorder.max_files must be a whole number, 0 or more');
  const dir = r.string('flight_recorder.dir', '/var/lib/ghostwatch/flight-recorder');
  if (dir === '') fail('flight_recorder.dir must name a directory');
  const priorityText = r.string('flight_recorder.priority', 'debug');
  const minPriority = parsePriority(priorityText);
  if (minPriority === undefined) fail(`flight_recorder.priority: unknown priority "${priorityText}"`);
  return { flightRecorder: { beforeS, afterS, maxBytes, dir, maxFiles, rules: r.strings('flight_recorder.rules'), minPriority } };
}

function readEngine(r: Reader, fail: (msg: string) => never): EngineConfig {
  const kind = r.string('engine.kind', 'modern_ebpf');
  switch (kind) {
    case 'modern_ebpf': {
      // One ring buffer serves every CPU: the setting is checked as Falco does, the probe needs no more.
      const cpus = r.number('engine.modern_ebpf.cpus_for_each_buffer', 2);
      if (!Number.isInteger(cpus) || cpus < 0 || cpus > 0xffff) fail("'engine.modern_ebpf.cpus_for_each_buffer' must be an integer between 0 and 65535");
      return { kind, cpusForEachBuffer: cpus };
    }
    case 'replay': {
      const captureFile = r.string('engine.replay.capture_file', '');
      if (captureFile === '') fail("engine.kind is 'replay' but no engine.replay.capture_file specified.");
      return { kind, captureFile };
    }
    case 'nodriver':
      return { kind };
    default:
      if (DRIVER_KINDS.includes(kind)) fail(`engine.kind '${kind}' is not supported by ghostwatch (${KINDS_HINT}).`);
      return fail(`engine.kind '${kind}' is not a valid kind (${KINDS_HINT}).`);
  }
}

const ENGINES = Object.keys(DEFAULT_ENGINES) as EngineName[];

interface PluginsConfig {
  containers: EngineNamesConfig;
  otherPlugins: string[];
  k8sAudit?: K8sAuditPluginConfig;
  jsonPlugin: boolean;
}

/**
 * The plugins: the container plugin's init_config (a map, or JSON text as Falco also takes it),
 * always in effect (it is built in); the k8saudit and json plugins (built in) when loaded; the
 * names of the other loaded plugins. As in Falco, `load_plugins` lists the plugins loaded (each
 * must be configured); without it, every configured plugin is.
 */
function readPlugins(node: RawNode | undefined, loadPlugins: readonly string[] | undefined, fail: (msg: string) => never): PluginsConfig {
  const items = node?.kind === 'seq' ? node.items : [];
  const byName = new Map<string, RawNode & { kind: 'map' }>();
  for (const item of items) {
    const name = item.kind === 'map' ? item.entries.get('name') : undefined;
    const text = name?.kind === 'scalar' ? name.text : '';
    if (item.kind === 'map' && !byName.has(text)) byName.set(text, item);
  }
  for (const name of loadPlugins ?? []) {
    if (!byName.has(name)) fail(`Cannot load plugin '${name}': plugin config not found for given name`);
  }
  const loaded = loadPlugins ?? [...byName.keys()];
  const otherPlugins: string[] = [];
  let k8sAudit: K8sAuditPluginConfig | undefined;
  let jsonPlugin = false;
  for (const name of new Set(loaded)) {
    const item = byName.get(name)!;
    if (name === 'container') continue;
    if (name === 'json') jsonPlugin = true;
    else if (name === 'k8saudit') k8sAudit = readK8sAuditPlugin(item, fail);
    else otherPlugins.push(name);
  }
  let init: RawNode | undefined = byName.get('container')?.entries.get('init_config');
  if (init?.kind === 'scalar' && init.text.trim() !== '') init = jsonNode(init.text, fail);
  const r = new Reader(init?.kind === 'map' ? init : { kind: 'map', entries: new Map() });
  const engines = {} as Record<EngineName, { enabled: boolean; sockets: readonly string[] }>;
  for (const e of ENGINES) {
    const key = `plugins.init_config.engines.${e}`;
    const socketsNode = r.node(`engines.${e}.sockets`);
    if (socketsNode !== undefined && socketsNode.kind !== 'seq' && socketsNode.kind !== 'scalar') fail(`'${key}.sockets' of the container plugin must be a list of paths`);
    if (socketsNode?.kind === 'seq' && socketsNode.items.some((i) => i.kind !== 'scalar')) fail(`'${key}.sockets' of the container plugin must be a list of paths`);
    const enabled = r.node(`engines.${e}.enabled`);
    if (enabled !== undefined && (enabled.kind !== 'scalar' || decodeBool(enabled.text) === undefined)) {
      fail(`'${key}.enabled' of the container plugin must be a boolean (true or false)`);
    }
    engines[e] = { enabled: r.bool(`engines.${e}.enabled`, true), sockets: socketsNode === undefined ? DEFAULT_ENGINES[e].sockets : r.strings(`engines.${e}.sockets`) };
  }
  const labelMaxLen = r.number('label_max_len', 100);
  const lookupTimeoutMs = r.number('lookup_timeout_ms', 2000);
  const newContainerWaitMs = r.number('new_container_wait_ms', 500);
  if (!Number.isInteger(newContainerWaitMs) || newContainerWaitMs < 0) fail("'plugins.init_config.new_container_wait_ms' of the container plugin must be an integer >= 0");
  if (!Number.isInteger(labelMaxLen) || labelMaxLen < 0) fail("'plugins.init_config.label_max_len' of the container plugin must be an integer >= 0");
  if (!Number.isInteger(lookupTimeoutMs) || lookupTimeoutMs <= 0) fail("'plugins.init_config.lookup_timeout_ms' of the container plugin must be an integer > 0");
  return { containers: { engines, labelMaxLen, lookupTimeoutMs, newContainerWaitMs }, otherPlugins, ...(k8sAudit && { k8sAudit }), jsonPlugin };
}

/** The k8saudit plugin's init_config (a map, or JSON text) and open_params; library_path is not loaded (it is built in). */
function readK8sAuditPlugin(item: RawNode & { kind: 'map' }, fail: (msg: string) => never): K8sAuditPluginConfig {
  let init = item.entries.get('init_config');
  if (init?.kind === 'scalar' && init.text.trim() !== '') init = jsonNode(init.text, fail, 'k8saudit');
  const params = item.entries.get('open_params');
  try {
    return { init: readK8sAuditInit(init), openParams: params?.kind === 'scalar' ? params.text : '' };
  } catch (e) {
    if (e instanceof K8sAuditConfigError) fail(e.message);
    throw e;
  }
}

/** What JSON.parse returns. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A JSON init_config as a tree the Reader walks. */
function jsonNode(text: string, fail: (msg: string) => never, plugin = 'container'): RawNode {
  let v: Json;
  try {
    v = JSON.parse(text) as Json;
  } catch (e) {
    fail(`the ${plugin} plugin's init_config is neither a map nor JSON (${(e as Error).message})`);
  }
  const toNode = (x: Json): RawNode => {
    if (x === null) return { kind: 'null' };
    if (Array.isArray(x)) return { kind: 'seq', items: x.map(toNode) };
    if (typeof x === 'object') return { kind: 'map', entries: new Map(Object.entries(x).map(([k, y]) => [k, toNode(y)])) };
    return { kind: 'scalar', text: String(x) };
  };
  return toNode(v);
}

function readDelivery(r: Reader, fail: (msg: string) => never): DeliveryConfig {
  const queueCapacity = r.number('outputs_queue.capacity', 0);
  if (!Number.isInteger(queueCapacity) || queueCapacity < 0) fail('outputs_queue.capacity must be an integer >= 0 (0: no bound)');
  const maxAgeS = r.number('delivery.max_age_s', 600);
  if (!(maxAgeS > 0)) fail('delivery.max_age_s must be a number of seconds > 0');
  const spoolMaxBytes = r.number('delivery.spool_max_bytes', 100 * 1024 * 1024);
  if (!Number.isInteger(spoolMaxBytes) || spoolMaxBytes <= 0) fail('delivery.spool_max_bytes must be an integer > 0');
  return { queueCapacity, maxAgeS, spoolDir: r.string('delivery.spool_dir', ''), spoolMaxBytes };
}

function readHttp(r: Reader, fail: (msg: string) => never): HttpOutputConfig {
  return {
    url: r.string('http_output.url', '') || fail('http output enabled but no url in configuration block'),
    userAgent: r.string('http_output.user_agent', 'falcosecurity/falco'),
    insecure: r.bool('http_output.insecure', false),
    caCert: r.string('http_output.ca_cert', ''),
    caBundle: r.string('http_output.ca_bundle', ''),
    caPath: r.string('http_output.ca_path', '/etc/ssl/certs'),
    mtls: r.bool('http_output.mtls', false),
    clientCert: r.string('http_output.client_cert', '/etc/ssl/certs/client.crt'),
    clientKey: r.string('http_output.client_key', '/etc/ssl/certs/client.key'),
    echo: r.bool('http_output.echo', false),
    compressUploads: r.bool('http_output.compress_uploads', false),
    keepAlive: r.bool('http_output.keep_alive', false),
  };
}

/** The URL of an output, which must parse and be of one of `protocols` (e.g. 'nats:'). */
function outputUrl(key: string, text: string, protocols: readonly string[], fail: (msg: string) => never): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || !protocols.includes(url.protocol) || url.hostname === '') {
    fail(`'${key}' must be a URL (${protocols.map((p) => `${p}//`).join(' or ')}), got '${text}'`);
  }
  return text;
}

// NATS subjects are dot-separated tokens without whitespace; a published subject has no wildcard
// (* or >). Stream names have none of these nor path separators (NATS's "Naming" rules).
const NATS_SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;
const NATS_STREAM = /^[^\s.*>/\\]+$/;

function readNats(r: Reader, fail: (msg: string) => never): NatsOutputConfig {
  const url = r.string('nats_output.url', '') || fail('nats output enabled but no url in configuration block');
  const subject = r.string('nats_output.subject', '') || fail('nats output enabled but no subject in configuration block');
  if (!NATS_SUBJECT.test(subject)) fail(`'nats_output.subject' must be a NATS subject (dot-separated tokens, no spaces or wildcards), got '${subject}'`);
  const stream = r.string('nats_output.stream', '');
  if (stream !== '' && !NATS_STREAM.test(stream)) fail(`'nats_output.stream' must be a JetStream stream name (no spaces, '.', '*', '>' or slashes), got '${stream}'`);
  const config = {
    url: outputUrl('nats_output.url', url, ['nats:', 'tls:'], fail),
    subject,
    stream,
    token: r.string('nats_output.token', ''),
    user: r.string('nats_output.user', ''),
    password: r.string('nats_output.password', ''),
    credentialsFile: r.string('nats_output.credentials_file', ''),
    tls: r.bool('nats_output.tls', false),
    caCert: r.string('nats_output.ca_cert', ''),
    clientCert: r.string('nats_output.client_cert', ''),
    clientKey: r.string('nats_output.client_key', ''),
  };
  const ways = [config.token !== '', config.user !== '', config.credentialsFile !== ''].filter(Boolean).length;
  if (ways > 1) fail('nats output: give one of token, user (with password) or credentials_file');
  if ((config.clientCert === '') !== (config.clientKey === '')) fail('nats output: client_cert and client_key go together');
  return config;
}

// Loki's label names are Prometheus's: a letter or _, then letters, digits and _; names starting
// with __ are reserved. These are set from each alert and cannot be static.
const LOKI_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const LOKI_ALERT_LABELS = ['rule', 'priority', 'source', 'hostname', 'container_name', 'container_id', 'k8s_ns_name'] as const;

function readLoki(r: Reader, fail: (msg: string) => never): LokiOutputConfig {
  const url = r.string('loki_output.url', '') || fail('loki output enabled but no url in configuration block');
  const labels: Record<string, string> = {};
  const node = r.node('loki_output.labels');
  if (node !== undefined && node.kind !== 'map') fail("'loki_output.labels' must be a map of label names to values");
  for (const [name, value] of node?.kind === 'map' ? node.entries : []) {
    if (!LOKI_LABEL_NAME.test(name) || name.startsWith('__')) fail(`'loki_output.labels.${name}' is not a Loki label name (a letter or _, then letters, digits or _; no leading __)`);
    if ((LOKI_ALERT_LABELS as readonly string[]).includes(name)) fail(`'loki_output.labels.${name}' is set from each alert and cannot be static`);
    if (value.kind !== 'scalar' || value.text === '') fail(`'loki_output.labels.${name}' must be a text that is not empty`);
    labels[name] = value.text;
  }
  const config = {
    url: outputUrl('loki_output.url', url, ['http:', 'https:'], fail),
    tenant: r.string('loki_output.tenant', ''),
    user: r.string('loki_output.user', ''),
    password: r.string('loki_output.password', ''),
    bearerToken: r.string('loki_output.bearer_token', ''),
    labels,
    caCert: r.string('loki_output.ca_cert', ''),
  };
  if (config.user !== '' && config.bearerToken !== '') fail('loki output: give either user (basic auth) or bearer_token, not both');
  return config;
}

/** Falco's rules for the drop actions: ignore excludes log and alert; none means ignore. */
function readDropActions(names: readonly string[], fail: (msg: string) => never): Set<DropAction> {
  const actions = new Set<DropAction>();
  for (const act of names) {
    if (act === 'ignore' || act === 'exit') actions.add(act);
    else if (act === 'log' || act === 'alert') {
      if (actions.has('ignore')) fail(`syscall event drop action "${act}" does not make sense with the "ignore" action`);
      actions.add(act);
    } else fail('available actions for syscall event drops are "ignore", "log", "alert", and "exit"');
  }
  if (actions.size === 0) actions.add('ignore');
  return actions;
}

function readRuleSelection(node: RawNode | undefined, fail: (msg: string) => never): RuleSelectionEntry[] {
  if (node === undefined || node.kind !== 'seq') return [];
  return node.items.map((item) => {
    const entries = item.kind === 'map' ? [...item.entries] : [];
    if (entries.length !== 1) fail("each item of 'rules' must have exactly one of 'enable' or 'disable'");
    const [op, sel] = entries[0];
    const text = (k: string) => {
      const v = sel.kind === 'map' ? sel.entries.get(k) : undefined;
      return v?.kind === 'scalar' && v.text !== '' ? v.text : undefined;
    };
    const rule = text('rule');
    const tag = text('tag');
    if (rule === undefined && tag === undefined) fail(`'rules.${op}' must name a rule or a tag`);
    return { enable: op === 'enable', ...(rule !== undefined && { rule }), ...(tag !== undefined && { tag }) };
  });
}

/** The fields Falco's container plugin suggests for every output, in its order. */
const SUGGESTED_FIELDS = ['container.id', 'container.name', 'container.image.repository', 'container.image.tag', 'k8s.pod.name', 'k8s.ns.name'];

function readAppendOutput(
  node: RawNode | undefined,
  name: string,
  fail: (msg: string) => never,
): { extraOutputFormats: ExtraOutputFormat[]; extraOutputFields: ExtraOutputField[] } {
  const extraOutputFormats: ExtraOutputFormat[] = [];
  const extraOutputFields: ExtraOutputField[] = [];
  if (node === undefined || node.kind !== 'seq') return { extraOutputFormats, extraOutputFields };
  for (const item of node.items) {
    if (item.kind !== 'map') continue;
    const r = new Reader(item);
    const match = {
      ...(r.string('match.source', '') !== '' && { source: r.string('match.source', '') }),
      ...(r.strings('match.tags').length > 0 && { tags: r.strings('match.tags') }),
      ...(r.string('match.rule', '') !== '' && { rule: r.string('match.rule', '') }),
    };
    // A format that cannot be printed is the configuration's error, said as such before any rule
    // is loaded (appended to every rule's output, it would fail the first rule it applies to).
    const check = (key: string, at: RawNode | undefined, format: string) => {
      const why = format !== '' && (match.source === undefined || match.source === 'syscall') ? syscallFormatError(format) : undefined;
      if (why === undefined) return;
      const where = at?.line === undefined ? 'Error in config option set with -o' : `Error reading config file (${name}), line ${at.line}`;
      throw new ConfigError(`${where}: '${key}' is not a valid output format: ${why}`);
    };
    const format = r.string('extra_output', '');
    check('append_output.extra_output', r.node('extra_output'), format);
    if (format !== '') extraOutputFormats.push({ ...match, format });
    if (r.bool('suggested_output', false)) {
      for (const field of SUGGESTED_FIELDS) extraOutputFormats.push({ ...match, format: `${field.replace(/\./g, '_')}=%${field}`, suggested: true });
    }
    const fields = r.node('extra_fields');
    if (fields === undefined || fields.kind === 'null') continue;
    if (fields.kind !== 'seq') fail("'append_output.extra_fields' must be a list");
    const keys = new Set<string>();
    for (const f of fields.items) {
      const def = fieldDefinition(f);
      if (def === undefined || keys.has(def.key)) fail("each item of 'append_output.extra_fields' must be a field name or one 'key: format' pair, each key once");
      check(`append_output.extra_fields.${def.key}`, f, def.format);
      keys.add(def.key);
      extraOutputFields.push({ ...match, ...def });
    }
  }
  return { extraOutputFormats, extraOutputFields };
}

/** `proc.name` (the raw value of a field) or `{ key: format }`. */
function fieldDefinition(f: RawNode): { key: string; format: string; raw: boolean } | undefined {
  if (f.kind === 'scalar' && f.text !== '') return { key: f.text, format: `%${f.text}`, raw: true };
  if (f.kind !== 'map' || f.entries.size !== 1) return undefined;
  const [key, value] = [...f.entries][0];
  return value.kind === 'scalar' ? { key, format: value.text, raw: false } : undefined;
}

/** Typed access to a validated tree by dotted path; absent or null values give the default. */
class Reader {
  constructor(private readonly root: RawNode) {}

  node(path: string): RawNode | undefined {
    let n: RawNode | undefined = this.root;
    for (const key of path.split('.')) n = n?.kind === 'map' ? n.entries.get(key) : undefined;
    return n?.kind === 'null' ? undefined : n;
  }

  string(path: string, dflt: string): string {
    const n = this.node(path);
    return n?.kind === 'scalar' ? n.text : dflt;
  }

  bool(path: string, dflt: boolean): boolean {
    const n = this.node(path);
    return n?.kind === 'scalar' ? (decodeBool(n.text) ?? dflt) : dflt;
  }

  number(path: string, dflt: number): number {
    const n = this.node(path);
    return n?.kind === 'scalar' ? Number(n.text.trim()) : dflt;
  }

  strings(path: string): string[] {
    const n = this.node(path);
    if (n?.kind === 'scalar') return [n.text];
    return n?.kind === 'seq' ? n.items.flatMap((i) => (i.kind === 'scalar' ? [i.text] : [])) : [];
  }
}
