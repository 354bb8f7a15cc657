// The JSON Schemas (draft-06, as Falco's) that `ghostwatch run --config-schema` and `--rule-schema`
// print. Both are derived from the tables ghostwatch itself checks against, so they cannot drift:
// the configuration schema from CONFIG_SCHEMA (every key Falco knows and every key of ghostwatch's
// own; keys ghostwatch accepts but ignores say so in their description), the rule schema from
// the rule loader's RULES_DOCUMENT_SCHEMA (its titled parts become Falco's `definitions`).
//
// ghostwatch reads configuration values as yaml-cpp does, as text: `json_output: "true"` passes
// its check but not this schema, which types values as a YAML editor sees them (as Falco's does).
import { RULES_DOCUMENT_SCHEMA, type Schema } from '../rules/schema.js';
import { CONFIG_SCHEMA, type KeySpec } from './schema.js';

/** A JSON Schema document or part of one. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export const JSON_SCHEMA_DRAFT = 'http://json-schema.org/draft-06/schema#';
const NOT_IMPLEMENTED = 'Known to Falco; ghostwatch accepts it and does not implement it (a warning names it).';

const STRING: JsonSchema = { type: 'string' };
const BOOLEAN: JsonSchema = { type: 'boolean' };
const INTEGER: JsonSchema = { type: 'integer' };
const STRINGS: JsonSchema = { type: 'array', items: STRING };

const sockets = (desc: string): JsonSchema => ({
  type: 'object', additionalProperties: false, description: desc, properties: { enabled: BOOLEAN, sockets: STRINGS },
});
const enabledOnly = (desc: string): JsonSchema => ({ type: 'object', additionalProperties: false, description: desc, properties: { enabled: BOOLEAN } });

/**
 * The init_config of Falco's container plugin as ghostwatch reads it (built in): the plugin's own
 * keys, and ghostwatch's lookup_timeout_ms and new_container_wait_ms.
 */
export const CONTAINER_INIT_SCHEMA: JsonSchema = {
  title: 'ContainerInitConfig',
  type: 'object',
  additionalProperties: false,
  properties: {
    label_max_len: { ...INTEGER, minimum: 0, description: "Labels longer than this are left out of the containers' descriptions." },
    lookup_timeout_ms: { ...INTEGER, minimum: 1, description: "ghostwatch's: how long one question to a container runtime may take (default 2000)." },
    new_container_wait_ms: {
      ...INTEGER, minimum: 0,
      description: "ghostwatch's: how long the rules wait for a new container's description before judging its first events (default 500; 0: never).",
    },
    with_size: { ...BOOLEAN, description: 'Inspect container sizes where supported (accepted; ghostwatch does not inspect sizes).' },
    hooks: { type: 'array', items: { enum: ['create', 'start'] }, description: "The runtime hooks to follow (accepted; ghostwatch follows each runtime's events)." },
    log_level: { enum: ['trace', 'debug', 'info', 'warn', 'error'], description: "The plugin's go-worker log level (accepted; ghostwatch has no worker)." },
    engines: {
      type: 'object',
      additionalProperties: false,
      description: 'Each container runtime: whether it is asked, and at which sockets (HOST_ROOT prefixes them).',
      properties: {
        docker: sockets('Docker Engine API (default /var/run/docker.sock).'),
        podman: sockets("podman's Docker-compatible API (default /run/podman/podman.sock)."),
        containerd: sockets('containerd through Kubernetes CRI (default /run/host-containerd/containerd.sock).'),
        cri: sockets('Kubernetes CRI runtimes: containerd, CRI-O, k3s.'),
        lxc: enabledOnly('Accepted; ghostwatch does not ask lxc.'),
        libvirt_lxc: enabledOnly('Accepted; ghostwatch does not ask libvirt-lxc.'),
        bpm: enabledOnly('Accepted; ghostwatch does not ask bpm.'),
        static: {
          type: 'object', additionalProperties: false, description: 'Accepted; ghostwatch does not implement a static container.',
          properties: { enabled: BOOLEAN, container_id: STRING, container_name: STRING, container_image: STRING },
        },
      },
    },
  },
};

const PLUGIN_PROPERTIES = {
  name: STRING,
  library_path: STRING,
  init_config: { anyOf: [{ type: 'object' }, STRING, { type: 'null' }] },
  open_params: STRING,
};

/** Keys whose shape the key table leaves open ('any') but Falco's schema states. */
const SHAPES: ReadonlyMap<string, JsonSchema> = new Map(Object.entries({
  plugins: { type: 'array', items: { anyOf: [{ $ref: '#/definitions/ContainerPlugin' }, { $ref: '#/definitions/Plugin' }] } },
  'append_output.extra_fields': { type: 'array', items: { anyOf: [{ type: 'object', additionalProperties: STRING }, STRING] } },
  static_fields: { type: 'object', description: NOT_IMPLEMENTED },
  'loki_output.labels': {
    type: 'object',
    propertyNames: { pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
    additionalProperties: STRING,
    description: 'Static labels added to every stream pushed to Loki (beside rule, priority, source, hostname, container_name, container_id, k8s_ns_name).',
  },
  outputs_queue: {
    type: 'object', additionalProperties: false, description: 'Each output has its own queue of alerts waiting for delivery.',
    properties: { capacity: { ...INTEGER, minimum: 0, description: 'Alerts waiting per output; when full the oldest is dropped and counted (default 0: no bound, as Falco).' } },
  },
  delivery: {
    type: 'object', additionalProperties: false, description: "ghostwatch's delivery layer: retries of the network outputs and the spool that keeps alerts across restarts.",
    properties: {
      max_age_s: { type: 'number', exclusiveMinimum: 0, description: 'An alert not delivered after this many seconds is no longer retried: dropped and counted (default 600).' },
      spool_dir: { ...STRING, description: "Where the network outputs (http, syslog over TCP) keep undelivered alerts, one file per output, sent again after a restart or crash with the same uuid (default '': no spool)." },
      spool_max_bytes: { ...INTEGER, minimum: 1, description: "The bound of each output's spool file; an alert that does not fit is dropped and counted (default 104857600)." },
    },
  },
  syslog_output: {
    type: 'object', additionalProperties: false, description: 'Alerts as RFC 5424 syslog messages (facility user, severity the priority).',
    properties: {
      enabled: BOOLEAN,
      destination: { ...STRING, description: "ghostwatch's: unix:///dev/log (default, the local socket), udp://host:port, or tcp://host:port (octet-counted framing)." },
    },
  },
  config_files: {
    type: 'array',
    description: NOT_IMPLEMENTED,
    items: { anyOf: [STRING, { type: 'object', properties: { path: STRING, strategy: { enum: ['append', 'override', 'add-only'] } }, required: ['path'] }] },
  },
}));

/** What implemented keys mean, where their name does not say it all. */
const DESCRIPTIONS: ReadonlyMap<string, string> = new Map(Object.entries({
  webserver: "Falco's embedded webserver: the health check, /versions and /metrics (not started when a capture is read).",
  'webserver.enabled': 'Serve the health check, /versions and (with prometheus_metrics_enabled) /metrics (default false).',
  'webserver.threadiness': 'Accepted without effect: one event loop answers every request.',
  'webserver.listen_port': 'The port (default 8765; 0: one the system picks, logged).',
  'webserver.listen_address': "An IP address to listen on (default 127.0.0.1; Falco's is 0.0.0.0, every interface).",
  'webserver.k8s_healthz_endpoint': 'The health check\'s path (default /healthz): {"status": "ok"} while every event source runs, 503 once one has stopped.',
  'webserver.prometheus_metrics_enabled': '/metrics in Prometheus text format, when metrics.enabled is true too (default false).',
  'webserver.ssl_enabled': 'Serve https with ssl_certificate (default false).',
  'webserver.ssl_certificate': 'One PEM file holding the private key and the certificate (default /etc/falco/falco.pem).',
  metrics: "Falco's metrics: for /metrics, and as snapshots every interval.",
  'metrics.enabled': 'Collect metrics (default false).',
  'metrics.interval': 'How often a snapshot is taken: a Prometheus duration (500ms, 30s, 1h) or milliseconds; at least 100ms (default 5000).',
  'metrics.output_rule': 'Send each snapshot as the alert "Falco internal: metrics snapshot" (default false).',
  'metrics.output_file': 'Append each snapshot to this file as a JSON line (default: none).',
  'metrics.rules_counters_enabled': 'The matches of each rule (default true).',
  'metrics.resource_utilization_enabled': "ghostwatch's CPU and memory use (default true).",
  'metrics.state_counters_enabled': "The threads in the state's table (default true).",
  'metrics.kernel_event_counters_enabled': "The probe's events and drops (default true).",
  'metrics.convert_memory_to_mb': "Snapshots give memory in MB, kB otherwise (default true; /metrics always in bytes).",
  'metrics.include_empty_values': 'Keep the rules and drop counters still at 0 (default false).',
}));

/** The schema of ghostwatch's configuration file (and of each -o key). */
export function configJsonSchema(): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DRAFT,
    title: 'GhostwatchConfig',
    description: "ghostwatch's configuration: Falco's falco.yaml keys and ghostwatch's own.",
    ...mapSchema(CONFIG_SCHEMA, ''),
    definitions: {
      ContainerPlugin: {
        type: 'object',
        additionalProperties: false,
        description: "Falco's container plugin, built into ghostwatch.",
        properties: { ...PLUGIN_PROPERTIES, name: { const: 'container' }, init_config: { anyOf: [{ $ref: '#/definitions/ContainerInitConfig' }, STRING, { type: 'null' }] } },
        required: ['name'],
      },
      Plugin: {
        type: 'object',
        additionalProperties: false,
        description: 'Another Falco plugin: accepted, not loaded (a warning names it).',
        properties: { ...PLUGIN_PROPERTIES, name: { type: 'string', not: { const: 'container' } } },
        required: ['name'],
      },
      ContainerInitConfig: CONTAINER_INIT_SCHEMA,
    },
  };
}

function mapSchema(keys: Readonly<Record<string, KeySpec>>, prefix: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, spec] of Object.entries(keys)) properties[key] = keySchema(spec, prefix + key);
  return { type: 'object', additionalProperties: false, properties };
}

function keySchema(spec: KeySpec, path: string): JsonSchema {
  const shape = SHAPES.get(path);
  if (shape !== undefined) return shape;
  const meaning = DESCRIPTIONS.get(path);
  const described = (s: JsonSchema): JsonSchema => (!spec.implemented ? { ...s, description: NOT_IMPLEMENTED } : meaning === undefined ? s : { ...s, description: meaning });
  switch (spec.kind) {
    case 'scalar':
      return described({ type: spec.type });
    case 'strings':
      // A single string is taken as a one-item list.
      return described({ anyOf: [STRINGS, STRING] });
    case 'map':
      return described(mapSchema(spec.keys, `${path}.`));
    case 'list':
      return described({ type: 'array', items: mapSchema(spec.item, `${path}.`) });
    case 'any':
      return described({});
  }
}

/** The schema of a rules file, in Falco's layout: an array of FalcoRule, each titled part a definition. */
export function ruleJsonSchema(): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  const top = ruleSchema(RULES_DOCUMENT_SCHEMA, definitions);
  return { $schema: JSON_SCHEMA_DRAFT, ...top, definitions };
}

function ruleSchema(s: Schema, definitions: Record<string, JsonSchema>): JsonSchema {
  const out: Record<string, unknown> = {};
  if (s.type !== undefined) out.type = s.type;
  if (s.enum !== undefined) out.enum = s.enum;
  if (s.anyOf !== undefined) out.anyOf = s.anyOf.map((a) => ruleSchema(a, definitions));
  if (s.items !== undefined) out.items = ruleSchema(s.items, definitions);
  if (s.additionalProperties !== undefined) out.additionalProperties = s.additionalProperties;
  if (s.properties !== undefined) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, ruleSchema(v, definitions)]));
  }
  if (s.required !== undefined) out.required = s.required;
  if (s.minProperties !== undefined) out.minProperties = s.minProperties;
  if (s.title === undefined) return out;
  definitions[s.title] ??= { ...out, title: s.title };
  return { $ref: `#/definitions/${s.title}` };
}
