// Falco's plugins as ghostwatch knows them, for --list-plugins, --plugin-info, -L's "plugins" and
// --version's plugin_versions. ghostwatch loads no plugin library: what a plugin does, it does
// built in, or not at all. Built in: the container plugin (the container and k8s fields, the
// container events, the runtimes' metadata), always in effect; the k8saudit plugin (the k8s_audit
// event source and its ka.* fields) and the json plugin (json.* and jevt.* fields), in effect
// when the configuration loads them (load_plugins), as in Falco.
import type { PluginUse } from '../rules/index.js';
import { CONTAINER_INIT_SCHEMA, JSON_SCHEMA_DRAFT, type JsonSchema } from '../config/json-schema.js';

const ASYNC_DESC = 'If true then async extraction optimization is enabled (Default: true); accepted, without effect in ghostwatch';

/** The k8saudit plugin's init_config, as its schema gives it, with ghostwatch's bearer token keys. */
const K8SAUDIT_INIT_SCHEMA: JsonSchema = {
  $schema: JSON_SCHEMA_DRAFT,
  title: 'K8sAuditInitConfig',
  type: 'object',
  additionalProperties: true,
  properties: {
    sslCertificate: {
      type: 'string', title: 'SSL certificate', default: '/etc/falco/falco.pem',
      description: 'The SSL Certificate to be used with the HTTPS Webhook endpoint (Default: /etc/falco/falco.pem): one PEM file with the private key and the certificate',
    },
    useAsync: { type: 'boolean', title: 'Use async extraction', default: true, description: ASYNC_DESC },
    maxEventSize: { type: 'integer', title: 'Maximum event size', default: 262144, description: 'Maximum size of single audit event (Default: 262144)' },
    webhookMaxBatchSize: {
      type: 'integer', title: 'Maximum webhook request size', default: 12582912,
      description: 'Maximum size of incoming webhook POST request bodies (Default: 12582912)',
    },
    webhookBearerToken: { type: 'string', description: "ghostwatch's: the bearer token webhook clients must send (Authorization: Bearer TOKEN)" },
    webhookBearerTokenFile: { type: 'string', description: "ghostwatch's: a file holding that token (instead of webhookBearerToken)" },
  },
};

const JSON_INIT_SCHEMA: JsonSchema = {
  $schema: JSON_SCHEMA_DRAFT,
  title: 'JsonInitConfig',
  type: 'object',
  additionalProperties: true,
  properties: { useAsync: { type: 'boolean', title: 'Use async extraction', default: true, description: ASYNC_DESC } },
};

export interface PluginInfo extends PluginUse {
  readonly description: string;
  readonly contact: string;
  /** The version of Falco's plugin whose behaviour ghostwatch follows (or would). */
  readonly version: string;
  /** Event sourcing: the plugin id (0: system events). */
  readonly id?: number;
  readonly parsing: boolean;
  readonly builtIn: boolean;
  readonly initSchema?: JsonSchema;
}

const SYSCALL = 'syscall';

export const PLUGINS: readonly PluginInfo[] = [
  {
    name: 'container',
    description: 'Falco container metadata enrichment Plugin',
    contact: 'github.com/falcosecurity/plugins',
    version: '0.7.1',
    extractSources: [SYSCALL],
    hasField: (f) => f.startsWith('container.') || f.startsWith('k8s.'),
    asyncSources: [SYSCALL],
    asyncEvents: ['container', 'container_removed'],
    parsing: true,
    builtIn: true,
    initSchema: { $schema: JSON_SCHEMA_DRAFT, ...CONTAINER_INIT_SCHEMA },
  },
  {
    name: 'k8saudit',
    description: 'Read Kubernetes Audit Events and monitor Kubernetes Clusters',
    contact: 'github.com/falcosecurity/plugins',
    version: '0.18.0',
    id: 1,
    eventSource: 'k8s_audit',
    extractSources: ['k8s_audit'],
    hasField: (f) => f.startsWith('ka.'),
    asyncSources: [],
    asyncEvents: [],
    parsing: false,
    builtIn: true,
    initSchema: K8SAUDIT_INIT_SCHEMA,
  },
  {
    name: 'json',
    description: 'implements extracting arbitrary fields from inputs formatted as JSON',
    contact: 'github.com/falcosecurity/plugins/',
    version: '0.7.4',
    extractSources: [],
    hasField: (f) => f.startsWith('json.') || f.startsWith('jevt.'),
    asyncSources: [],
    asyncEvents: [],
    parsing: false,
    builtIn: true,
    initSchema: JSON_INIT_SCHEMA,
  },
];

export const BUILT_IN_PLUGINS: readonly PluginInfo[] = PLUGINS.filter((p) => p.builtIn);

/** A configured plugin (an item of `plugins:`). */
export interface PluginEntry {
  readonly name: string;
  readonly libraryPath: string;
}

/** Falco's format_plugin_info. */
export function formatPluginInfo(p: PluginInfo): string {
  let out = `Name: ${p.name}\nDescription: ${p.description}\nContact: ${p.contact}\nVersion: ${p.version}\nCapabilities: \n`;
  if (p.eventSource !== undefined) out += `  - Event Sourcing (ID=${String(p.id ?? 0)}, source='${p.eventSource}')\n`;
  out += '  - Field Extraction\n';
  if (p.parsing) out += '  - Event Parsing\n';
  if (p.asyncEvents.length > 0) out += '  - Async Events\n';
  return out;
}

/**
 * --list-plugins: the plugins in effect, in Falco's layout: the container plugin (always: its entry
 * in `plugins:` only configures it), and the other built-in plugins the configuration loads
 * (`loaded`: k8saudit, json). Other configured plugins are not loaded; a warning at start names them.
 */
export function listPlugins(loaded: readonly string[] = []): string {
  const shown = BUILT_IN_PLUGINS.filter((p) => p.name === 'container' || loaded.includes(p.name));
  return `${String(shown.length)} Plugins Loaded:\n\n${shown.map((p) => `${formatPluginInfo(p)}\n`).join('')}\n`;
}

/**
 * --plugin-info NAME (a plugin's name or configured library_path): its description and init
 * config schema in Falco's layout; an Error for a plugin ghostwatch does not have.
 */
export function pluginInfo(nameOrPath: string, configured: readonly PluginEntry[]): string {
  const name = configured.find((c) => c.libraryPath === nameOrPath)?.name ?? nameOrPath;
  const p = PLUGINS.find((x) => x.name === name);
  if (p === undefined) throw new Error(`can't find plugin and print its info: ${nameOrPath}`);
  if (!p.builtIn) {
    throw new Error(`can't find plugin and print its info: ${nameOrPath} (ghostwatch has no built-in implementation of Falco's ${p.name} plugin)`);
  }
  let out = `${formatPluginInfo(p)}\n`;
  out += p.initSchema === undefined
    ? 'Init config schema type: Not available, plugin does not implement the init config schema functionality\n\n\n'
    : `Init config schema type: JSON\n${JSON.stringify(p.initSchema)}\n\n`;
  return out;
}

/** Versions of the plugins ghostwatch has built in (--version's plugin_versions). */
export function pluginVersions(): Record<string, string> {
  return Object.fromEntries(BUILT_IN_PLUGINS.map((p) => [p.name, p.version]));
}
