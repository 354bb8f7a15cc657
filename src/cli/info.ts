// What `ghostwatch run` prints about itself and the system instead of running: --version (Falco's
// print_version), --support (print_support), --page-size (print_page_size). JSON objects have
// their keys sorted, as nlohmann::json prints Falco's.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, machine, release, type, version } from 'node:os';
import { resolve } from 'node:path';
import { packageRoot } from '../config/load.js';
import type { RawNode } from '../config/tree.js';
import { ENGINE_VERSION, sortKeys, versionString } from '../rules/index.js';
import { pluginVersions } from './plugins.js';

/**
 * The scap event schema the probe's events follow: the event table's layout (every event up to
 * keyctl's, id 453) is that of the libs' driver schema 4.5.
 */
export const PROBE_SCHEMA_VERSION = '4.5.0';

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(resolve(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The facts --version prints, under Falco's keys (versions_info::as_json) where Falco has one. */
export function versionJson(): Record<string, unknown> {
  return sortKeys({
    ghostwatch_version: packageVersion(),
    // Falco keeps the old key (the engine's minor number) beside the semver one, for falcoctl.
    engine_version: String(ENGINE_VERSION.minor),
    engine_version_semver: versionString(ENGINE_VERSION),
    driver_schema_version: PROBE_SCHEMA_VERSION,
    plugin_versions: pluginVersions(),
  });
}

/** The Falco release whose behaviour ghostwatch follows, with its libs and plugin API (libs 0.21.0's plugin_api.h). */
const FOLLOWED = { falco: '0.41.0', libs: '0.21.0', pluginApi: '3.11.0' };

/**
 * The webserver's /versions: Falco's versions_info keys, with --version's facts. Falco's own
 * version, its libs' and plugin API's are those of the Falco release ghostwatch stands in for
 * (tools such as falcoctl compare them); the probe is ghostwatch's (its schema is the driver's,
 * its version ghostwatch's).
 */
export function versionsEndpointJson(): Record<string, unknown> {
  return sortKeys({
    ...versionJson(),
    falco_version: FOLLOWED.falco,
    libs_version: FOLLOWED.libs,
    plugin_api_version: FOLLOWED.pluginApi,
    driver_api_version: PROBE_SCHEMA_VERSION,
    default_driver_version: packageVersion(),
  });
}

/** --version without json_output: Falco's layout, with the lines that hold for ghostwatch. */
export function versionText(): string {
  return `ghostwatch version: ${packageVersion()}\n`
    + `Engine:        ${versionString(ENGINE_VERSION)}\n`
    + 'Driver:\n'
    + `  Schema version: ${PROBE_SCHEMA_VERSION}\n`;
}

export interface SupportInput {
  /** The command line as given. */
  readonly cmdline: string;
  /** The configuration as read, -o applied. */
  readonly config: RawNode;
  /** The rules files loaded (directories expanded), with their contents. */
  readonly rulesFiles: readonly { readonly name: string; readonly content: string }[];
}

/**
 * --support: one JSON object with Falco's keys. `config` is the effective configuration as one
 * JSON text (Falco puts its YAML tree there as flow text); each rules file carries, besides
 * Falco's name and content, its sha256 (which Falco computes for its metrics).
 */
export function supportJson(s: SupportInput): Record<string, unknown> {
  return sortKeys({
    version: packageVersion(),
    engine_info: versionJson(),
    system_info: { sysname: type(), nodename: hostname(), release: release(), version: version(), machine: machine() },
    cmdline: s.cmdline,
    config: JSON.stringify(treeJson(s.config)),
    rules_files: s.rulesFiles.map((f) => ({
      name: f.name,
      sha256: createHash('sha256').update(f.content).digest('hex'),
      variants: [{ content: f.content }],
    })),
  });
}

/** The configuration tree as JSON: every scalar is text, as yaml-cpp keeps it. */
function treeJson(n: RawNode): unknown {
  switch (n.kind) {
    case 'map':
      return Object.fromEntries([...n.entries].map(([k, v]) => [k, treeJson(v)]));
    case 'seq':
      return n.items.map(treeJson);
    case 'scalar':
      return n.text;
    default:
      return null;
  }
}

const AT_PAGESZ = 6n;

/** The system page size, as getpagesize() finds it: the kernel's AT_PAGESZ auxiliary vector entry. */
export function pageSize(): number {
  const auxv = readFileSync('/proc/self/auxv');
  for (let i = 0; i + 16 <= auxv.length; i += 16) {
    if (auxv.readBigUInt64LE(i) === AT_PAGESZ) return Number(auxv.readBigUInt64LE(i + 8));
  }
  throw new Error("Unable to get the system page size through '/proc/self/auxv'");
}
