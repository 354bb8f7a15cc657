// What the configuration tests share: a configuration written to a file of its own, and the
// one-line error a configuration that must not load gives.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';

/** Where the configurations are written (a folder a test may also name in a configuration). */
export const configDir = mkdtempSync(join(tmpdir(), 'gw-config-'));
let n = 0;

export function configFile(text: string): string {
  const p = join(configDir, `c${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}

/** The file configFile wrote last (what an error names). */
export function lastConfigFile(): string {
  return join(configDir, `c${n - 1}.yaml`);
}

/** The ConfigError of a configuration that must not load (one line), with these -o overrides. */
export function loadError(text: string, overrides: string[] = []): string {
  try {
    loadConfig(configFile(text), overrides);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  assert.fail('the configuration loaded');
}
