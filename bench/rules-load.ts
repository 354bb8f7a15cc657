// The fixed cost of rules before `ghostwatch run` reads its first event, timed in this process
// the way run pays it: the parse cache opened, the rules files read, loaded and compiled
// (src/rules), the rules in force selected, their conditions compiled for the engine and their
// outputs prepared. The modules are loaded before the clock starts (the CLI's bundle pays that
// at every start, rules or not). Prints one JSON line: {"loadS", "engineS", "totalS", "rules"}.
// The cache is run's: $GHOSTWATCH_CACHE_DIR (empty: none), else the user's cache directory.
// Usage: rules-load.js RULES...
import { performance } from 'node:perf_hooks';
import { packageVersion } from '../src/cli/info.js';
import { ruleSources } from '../src/cli/plugin-sources.js';
import { loadConfig } from '../src/config/load.js';
import { RuleEngine } from '../src/engine/engine.js';
import { selectRules } from '../src/engine/selection.js';
import { createRegistry } from '../src/fields/registry.js';
import { AlertFormatter, alertFormatSettings } from '../src/outputs/alert-format.js';
import { defaultCacheDir, loadRules, openParseCache, readRulesFiles } from '../src/rules/index.js';
import { State } from '../src/state/state.js';

const paths = process.argv.slice(2);
if (paths.length === 0) throw new Error('usage: rules-load.js RULES...');
const { config } = loadConfig(undefined);

const start = performance.now();
const dir = defaultCacheDir();
const parseCache = dir === undefined ? undefined : openParseCache(dir, packageVersion());
const set = loadRules(readRulesFiles(paths), {
  sources: ruleSources(config), extraOutputFormats: config.extraOutputFormats, extraOutputFields: config.extraOutputFields, parseCache,
});
if (!set.successful) throw new Error(`the rules do not load: ${set.results.flatMap((r) => r.errors.map((e) => e.message)).join('; ')}`);
const loaded = performance.now();
const running = selectRules(set.rules, { minPriority: config.minPriority, configSelection: config.ruleSelection }).filter((r) => r.source === 'syscall');
const registry = createRegistry(new State(), { allParams: true });
new RuleEngine(running, registry);
const formatter = new AlertFormatter(registry, alertFormatSettings(config, 'bench'));
for (const r of running) formatter.prepare(r);
const end = performance.now();

process.stdout.write(`${JSON.stringify({ loadS: (loaded - start) / 1000, engineS: (end - loaded) / 1000, totalS: (end - start) / 1000, rules: running.length })}\n`);
