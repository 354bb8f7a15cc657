// Falco's plugins as ghostwatch knows them, for --list-plugins, --plugin-info, -L's "plugins" and
// --version's plugin_versions. ghostwatch loads no plugin library: what a plugin does, it does
// built in, or not at all. The container plugin is built in (the container and k8s fields, the
// container events, the runtimes' metadata); k8saudit and json are not (rules of source
// k8s_audit are skipped, as Falco skips rules of a source it has no plugin for).
import type { PluginUse } from '../rules/index.js';
import { CONTAINER_INIT_SCHEMA, JSON_SCHEMA_DRAFT, type JsonSchema } from '../config/json-schema.js';

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
    builtIn: false,
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
    builtIn: false,
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
 * --list-plugins: the plugins ghostwatch has built in, in Falco's layout. They are always there
 * (the container plugin's entry in `plugins:` only configures it); other configured plugins are
 * not loaded, and a warning at start names them.
 */
export function listPlugins(): string {
  return `${String(BUILT_IN_PLUGINS.length)} Plugins Loaded:\n\n${BUILT_IN_PLUGINS.map((p) => `${formatPluginInfo(p)}\n`).join('')}\n`;
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
