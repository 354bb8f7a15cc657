// Checking the rules' required_plugin_versions against the plugins at hand, with Falco's messages.
// ghostwatch loads no plugins: it provides some plugins' fields itself (the container plugin's
// container.* fields), and such a plugin satisfies any version requirement.
import type { PluginAlternatives } from './infos.js';
import { compatibleWith, parseVersion } from './version.js';

/** A plugin's version, or 'any' for a plugin ghostwatch stands in for (it meets every requirement). */
export type PluginVersion = string;

/** The plugins ghostwatch stands in for. */
export const BUILTIN_PLUGINS: ReadonlyMap<string, PluginVersion> = new Map([['container', 'any']]);

/**
 * Falco's error for the first requirement no plugin meets ("Plugin requirement not satisfied, must
 * load one of: k8saudit (>= 0.1.0)"), or undefined when all are met.
 */
export function checkPluginRequirements(
  required: readonly PluginAlternatives[],
  plugins: ReadonlyMap<string, PluginVersion> = BUILTIN_PLUGINS,
): string | undefined {
  for (const alternatives of required) {
    const err = checkAlternatives(alternatives, plugins);
    if (err === undefined) continue;
    if (err !== '') return err;
    const listed = alternatives.map((r) => `${r.name} (>= ${r.version})`).join(', ');
    return `Plugin requirement not satisfied, must load one of: ${listed}`;
  }
  return undefined;
}

/** undefined: met; '': no such plugin; otherwise the error about the plugin found. */
function checkAlternatives(alternatives: PluginAlternatives, plugins: ReadonlyMap<string, PluginVersion>): string | undefined {
  for (const req of alternatives) {
    const have = plugins.get(req.name);
    if (have === undefined) continue;
    if (have === 'any') return undefined;
    const haveVersion = parseVersion(have);
    if (haveVersion === undefined) return `Plugin '${req.name}' has invalid version string '${have}'`;
    const want = parseVersion(req.version);
    if (want === undefined || !compatibleWith(haveVersion, want)) {
      return `Plugin '${req.name}' version '${have}' is not compatible with required plugin version '${req.version}'`;
    }
    return undefined;
  }
  return '';
}
