// Loading the configuration: the file given with -c (or the one shipped with ghostwatch), then each
// `-o key=value` in order, then the check of every key and the reading of the typed settings.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemReason } from '../rules/files.js';
import { type GhostwatchConfig, readConfig } from './config.js';
import { applyOverride, ConfigError, parseConfigText, type RawNode } from './tree.js';
import { validateConfig } from './validate.js';

export interface LoadedConfig {
  readonly config: GhostwatchConfig;
  /** The file read. */
  readonly file: string;
  /** Keys Falco knows that ghostwatch does not implement (accepted, to be reported as a warning). */
  readonly unimplemented: readonly string[];
  /** The configuration as read, -o applied (what --support shows). */
  readonly tree: RawNode & { kind: 'map' };
}

/** The directory of the ghostwatch package (where package.json is), from src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** config/ghostwatch.yaml, shipped with the package: the configuration when -c is not given. */
export function defaultConfigPath(): string {
  return resolve(packageRoot(), 'config', 'ghostwatch.yaml');
}

/** Throws ConfigError with a one-line message naming the file, key and line at fault. */
export function loadConfig(file: string | undefined, overrides: readonly string[] = []): LoadedConfig {
  const path = file ?? defaultConfigPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new ConfigError(`Could not find configuration file at ${path}`);
    throw new ConfigError(`Could not read configuration file at ${path}: ${systemReason(err)}`);
  }
  const root = parseConfigText(text, path);
  for (const o of overrides) applyOverride(root, o);
  const unimplemented = validateConfig(root, path);
  const config = readConfig(root, path, existsSync);
  for (const name of config.otherPlugins) unimplemented.push(`plugins[${name}]`);
  return { config, file: path, unimplemented, tree: root };
}

export { ConfigError };
