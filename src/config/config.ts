// ghostwatch's configuration: what a falco.yaml-style file (and -o) says, read with Falco's defaults
// and checked with Falco's messages. Keys absent from the file take the value Falco gives them
// when its configuration does not name them.
import type { ExtraOutputField, ExtraOutputFormat } from '../rules/index.js';
import { parsePriority, type Priority, syscallFormatError } from '../rules/index.js';
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
  readonly programOutput?: ProgramOutputConfig;
  readonly httpOutput?: HttpOutputConfig;
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
    ...(programOutput && { programOutput }),
    ...(httpOutput && { httpOutput }),
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
  };
}

/** Falco's kinds that need a driver ghostwatch does not have (its kernel source is its own eBPF probe). */
const DRIVER_KINDS = ['kmod', 'ebpf', 'gvisor'];
const KINDS_HINT = 'ghostwatch takes modern_ebpf (its eBPF probe, the default), replay (with engine.replay.capture_file) or nodriver';

/** engine.kind and its settings, with Falco's messages; never a silent fallback to the live system. */
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
