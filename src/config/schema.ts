// Every configuration key Falco knows (its falco.yaml of 2023 and of today), with the type of its
// value and whether ghostwatch implements it. A key ghostwatch does not implement is accepted with a
// warning, so a Falco configuration loads as it is; a key that is in neither list is an error.
//
// Types are yaml-cpp's view of a scalar (Falco reads every value as text and converts it on use):
// 'boolean' is y/yes/true/on and n/no/false/off, 'integer' and 'number' are decimal texts.

export type ScalarType = 'boolean' | 'integer' | 'number' | 'string';

export type KeySpec =
  | { readonly kind: 'scalar'; readonly type: ScalarType; readonly implemented: boolean }
  /** A sequence of strings; a single string is accepted as a one-element list (as yaml-cpp's get_sequence). */
  | { readonly kind: 'strings'; readonly implemented: boolean }
  | { readonly kind: 'map'; readonly keys: Readonly<Record<string, KeySpec>>; readonly implemented: boolean }
  /** A sequence of maps of the given keys. */
  | { readonly kind: 'list'; readonly item: Readonly<Record<string, KeySpec>>; readonly implemented: boolean }
  /** Content ghostwatch does not look into (plugin init_config, static fields). */
  | { readonly kind: 'any'; readonly implemented: boolean };

type Keys = Record<string, KeySpec>;

const scalar = (type: ScalarType, implemented: boolean): KeySpec => ({ kind: 'scalar', type, implemented });
const bool = (implemented = true) => scalar('boolean', implemented);
const int = (implemented = true) => scalar('integer', implemented);
const num = (implemented = true) => scalar('number', implemented);
const str = (implemented = true) => scalar('string', implemented);
const strings = (implemented = true): KeySpec => ({ kind: 'strings', implemented });
const map = (keys: Keys, implemented = true): KeySpec => ({ kind: 'map', keys, implemented });
const list = (item: Keys, implemented = true): KeySpec => ({ kind: 'list', item, implemented });
const any = (implemented = false): KeySpec => ({ kind: 'any', implemented });

/** A map whose every key Falco knows and ghostwatch does not implement. */
function unimplemented(keys: Record<string, ScalarType | 'strings' | 'any'>): KeySpec {
  const out: Keys = {};
  for (const [k, t] of Object.entries(keys)) out[k] = t === 'strings' ? strings(false) : t === 'any' ? any(false) : scalar(t, false);
  return map(out, false);
}

const ruleSelector: Keys = { rule: str(), tag: str() };

export const CONFIG_SCHEMA: Readonly<Keys> = {
  // What ghostwatch implements.
  // ghostwatch's own: a capture of the events around each alert (engine/flight-recorder.ts).
  flight_recorder: map({
    enabled: bool(), before_s: num(), after_s: num(), max_bytes: int(), dir: str(), max_files: int(), rules: strings(), priority: str(),
  }),
  rules_file: strings(),
  rules_files: strings(),
  rule_files: strings(),
  rules: list({ enable: map(ruleSelector), disable: map(ruleSelector) }),
  append_output: list({
    match: map({ source: str(), tags: strings(), rule: str() }),
    extra_output: str(),
    extra_fields: any(true),
    suggested_output: bool(),
  }),
  json_output: bool(),
  json_include_output_property: bool(),
  json_include_tags_property: bool(),
  json_include_message_property: bool(),
  json_include_output_fields_property: bool(),
  priority: str(),
  rule_matching: str(),
  time_format_iso_8601: bool(),
  buffered_outputs: bool(),
  output_timeout: int(),
  outputs: map({ rate: num(), max_burst: int() }),
  stdout_output: map({ enabled: bool() }),
  file_output: map({ enabled: bool(), keep_alive: bool(), filename: str() }),
  program_output: map({ enabled: bool(), keep_alive: bool(), program: str() }),
  http_output: map({
    enabled: bool(),
    url: str(),
    user_agent: str(),
    insecure: bool(),
    ca_cert: str(),
    ca_bundle: str(),
    ca_path: str(),
    mtls: bool(),
    client_cert: str(),
    client_key: str(),
    echo: bool(),
    compress_uploads: bool(),
    keep_alive: bool(),
    max_consecutive_timeouts: int(false),
  }),
  // ghostwatch's own: NATS JetStream and Grafana Loki (Falcosidekick's destinations, built in).
  nats_output: map({
    enabled: bool(), url: str(), subject: str(), stream: str(), token: str(), user: str(), password: str(), credentials_file: str(),
    tls: bool(), ca_cert: str(), client_cert: str(), client_key: str(),
  }),
  loki_output: map({
    enabled: bool(), url: str(), tenant: str(), user: str(), password: str(), bearer_token: str(), labels: any(true), ca_cert: str(),
  }),
  syslog_output: map({ enabled: bool(), destination: str() }),
  outputs_queue: map({ capacity: int() }),
  // ghostwatch's delivery layer: retries, and the spool that keeps alerts across restarts.
  delivery: map({ max_age_s: num(), spool_dir: str(), spool_max_bytes: int() }),
  log_stderr: bool(),
  log_level: str(),
  syscall_event_drops: map({ threshold: num(), actions: strings(), rate: num(), max_burst: num(), simulate_drops: bool() }),
  syscall_event_timeouts: map({ max_consecutives: int() }),
  // Live capture only: validated, without effect on captures (as in Falco).
  base_syscalls: map({ custom_set: strings(), repair: bool(), all: bool() }),
  watch_config_files: bool(),

  // What Falco knows and ghostwatch does not implement.
  config_files: any(),
  plugins_hostinfo: bool(false),
  // The container, k8saudit and json plugins are built in (library_path is not loaded); other loaded plugins are reported as not implemented.
  load_plugins: strings(),
  plugins: list({ name: str(), library_path: str(), init_config: any(true), open_params: str() }),
  static_fields: any(),
  buffer_format_base64: bool(false),
  log_syslog: bool(false),
  grpc: unimplemented({ enabled: 'boolean', bind_address: 'string', threadiness: 'integer', private_key: 'string', cert_chain: 'string', root_certs: 'string' }),
  grpc_output: unimplemented({ enabled: 'boolean' }),
  // threadiness is accepted without effect: one event loop serves every request.
  webserver: map({
    enabled: bool(), threadiness: int(), listen_port: int(), listen_address: str(), k8s_healthz_endpoint: str(),
    prometheus_metrics_enabled: bool(), ssl_enabled: bool(), ssl_certificate: str(),
  }),
  libs_logger: unimplemented({ enabled: 'boolean', severity: 'string' }),
  metrics: map({
    enabled: bool(), interval: str(), output_rule: bool(), output_file: str(), rules_counters_enabled: bool(),
    resource_utilization_enabled: bool(), state_counters_enabled: bool(), kernel_event_counters_enabled: bool(),
    convert_memory_to_mb: bool(), include_empty_values: bool(),
    // Counters ghostwatch does not have (per-CPU, libbpf's, plugins', kernel iterators', jemalloc's).
    kernel_event_counters_per_cpu_enabled: bool(false), libbpf_stats_enabled: bool(false), plugins_metrics_enabled: bool(false),
    kernel_iter_event_counters_enabled: bool(false), jemalloc_stats_enabled: bool(false),
  }),
  // Falco 0.38+'s engine selection: modern_ebpf is ghostwatch's probe, replay a capture file,
  // nodriver no kernel events; the other kinds are errors (config.ts).
  engine: map({
    kind: str(),
    modern_ebpf: map({ cpus_for_each_buffer: int(), buf_size_preset: int(), drop_failed_exit: bool(false), disable_iterators: bool(false) }),
    replay: map({ capture_file: str() }),
    nodriver: any(true),
    kmod: unimplemented({ buf_size_preset: 'integer', drop_failed_exit: 'boolean' }),
    ebpf: unimplemented({ probe: 'string', buf_size_preset: 'integer', drop_failed_exit: 'boolean' }),
    gvisor: unimplemented({ config: 'string', root: 'string' }),
  }),
  capture: unimplemented({ enabled: 'boolean', path_prefix: 'string', mode: 'string', default_duration: 'integer', max_file_size_mb: 'integer' }),
  falco_libs: map({
    thread_table_size: int(false), thread_table_auto_purging_interval_s: int(),
    thread_table_auto_purging_thread_timeout_s: int(false), snaplen: int(),
  }),
  syscall_buf_size_preset: int(),
  syscall_drop_failed_exit: bool(false),
  modern_bpf: unimplemented({ cpus_for_each_syscall_buffer: 'integer' }),
  metadata_download: unimplemented({ max_mb: 'integer', chunk_wait_us: 'integer', watch_freq_sec: 'integer' }),
};
