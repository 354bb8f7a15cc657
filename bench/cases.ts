// The benchmark cases: each one is a ghostwatch command line and, when there is one, a reference
// command doing the same work over the same capture, run side by side: sysdig for the inspector,
// and for the rules engine the same pipeline without rules and bare decoding (reader only).
// Add a row here to add a benchmark.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot, sharedPath } from '../test/helpers.js';

export interface Command {
  /** Name of the tool in the report ('sysdig', 'no rules', ...). */
  label: string;
  argv: string[];
}

export interface BenchCase {
  name: string;
  ghostwatch(capture: string): string[];
  reference?(capture: string): Command | undefined;
}

const GHOSTWATCH = resolve(repoRoot, 'bin', 'ghostwatch');
const DECODE_ONLY = resolve(repoRoot, 'dist', 'bench', 'decode-only.js');
const CONFIG = resolve(repoRoot, 'config', 'ghostwatch.yaml');
const EMPTY_RULES = resolve(repoRoot, 'bench', 'no-rules.yaml');

const rules = (...files: string[]): string[] | undefined => {
  const paths = files.map((f) => sharedPath('falco', 'rules', f));
  return paths.every((p) => p !== undefined) ? paths.flatMap((p) => ['-r', p]) : undefined;
};
const RULES_LOAD = resolve(repoRoot, 'dist', 'bench', 'rules-load.js');

const run = (capture: string, ruleArgs: string[]) => [GHOSTWATCH, 'run', '-c', CONFIG, ...ruleArgs, '-e', capture];

export const CASES: readonly BenchCase[] = [
  {
    name: "filter 'evt.type=connect'",
    ghostwatch: (c) => [GHOSTWATCH, 'events', '-r', c, 'evt.type=connect'],
    reference: (c) => ({ label: 'sysdig', argv: ['sysdig', '-r', c, 'evt.type=connect'] }),
  },
  {
    name: "print '%evt.num %proc.name %fd.name'",
    ghostwatch: (c) => [GHOSTWATCH, 'events', '-r', c, '-p', '%evt.num %proc.name %fd.name'],
    reference: (c) => ({ label: 'sysdig', argv: ['sysdig', '-r', c, '-p', '%evt.num %proc.name %fd.name'] }),
  },
  {
    name: 'run: no rules (decode + state) vs bare decoding',
    ghostwatch: (c) => run(c, ['-r', EMPTY_RULES]),
    reference: (c) => ({ label: 'decode only', argv: [process.execPath, DECODE_ONLY, c] }),
  },
  {
    name: 'run: stable + incubating packs vs bare decoding',
    ghostwatch: (c) => run(c, rules('falco_rules.yaml', 'falco-incubating_rules.yaml') ?? []),
    reference: (c) => ({ label: 'decode only', argv: [process.execPath, DECODE_ONLY, c] }),
  },
  {
    name: 'run: stable + incubating packs vs no rules',
    ghostwatch: (c) => run(c, rules('falco_rules.yaml', 'falco-incubating_rules.yaml') ?? []),
    reference: (c) => ({ label: 'no rules', argv: run(c, ['-r', EMPTY_RULES]) }),
  },
  {
    name: 'run: 1.0.1 pack vs bare decoding',
    ghostwatch: (c) => run(c, rules('falco_rules-1.0.1.yaml') ?? []),
    reference: (c) => ({ label: 'decode only', argv: [process.execPath, DECODE_ONLY, c] }),
  },
];

/**
 * Rules set-up, timed inside a fresh process (bench/rules-load.ts): what `run` does with its rules
 * before the first event. Each mode is the parse cache's state at the start of the process.
 */
export interface RulesLoadCase {
  name: string;
  /** cold: an empty cache directory each run (the cache is filled as it goes), warm: one filled before. */
  cache: 'none' | 'cold' | 'warm';
  argv: string[];
  /** The environment run is given besides the user's (glibc's malloc settings). */
  env: Record<string, string>;
}

export function rulesLoadCases(): RulesLoadCase[] {
  const paths = ['falco_rules.yaml', 'falco-incubating_rules.yaml'].map((f) => sharedPath('falco', 'rules', f));
  if (!paths.every((p) => p !== undefined)) return [];
  const { flags, env } = runNodeSettings();
  const argv = [process.execPath, ...flags, RULES_LOAD, ...paths];
  return (['none', 'cold', 'warm'] as const).map((cache) => ({ name: `rules load: stable + incubating, ${cache === 'none' ? 'no' : cache} cache`, cache, argv, env }));
}

/**
 * The node flags and environment bin/ghostwatch gives `run` (V8's heap and compiler settings change
 * how long the set-up takes), read from the launcher itself so that the two cannot drift apart.
 */
function runNodeSettings(): { flags: string[]; env: Record<string, string> } {
  const launcher = readFileSync(GHOSTWATCH, 'utf8');
  const runBranch = /^if \[ "\$1" = run \]; then\n([\s\S]*?)^fi$/m.exec(launcher)?.[1] ?? '';
  const exec = /^\s*exec node ((?:--\S+ )*)"\$here\/ghostwatch\.cjs"/m.exec(runBranch);
  if (exec === null) throw new Error(`bench: cannot find run's node command in ${GHOSTWATCH}`);
  const env = Object.fromEntries([...runBranch.matchAll(/^\s*export (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  return { flags: exec[1].trim().split(' ').filter((f) => f !== ''), env };
}
