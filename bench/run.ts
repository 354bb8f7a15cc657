// `npm run bench`: ghostwatch against the reference tool (sysdig) on a capture of a million
// events. Runs every command once to warm up (and to catch failures), then REPS more times,
// alternating which tool goes first, and reports medians. Then the rules set-up of `run` (stable +
// incubating packs) in fresh processes given run's node settings, without, with a cold and with a
// warm parse cache: medians of RULES_LOAD_REPS runs. Usage: run.js [--reps N] [--rules-load-only]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, SHARED_MISSING } from '../test/helpers.js';
import { benchCapture } from './capture.js';
import { CASES, rulesLoadCases, type RulesLoadCase } from './cases.js';
import { measure } from './measure.js';
import { printReport, type CaseResult, type RulesLoadResult, type ToolResult } from './report.js';
import { median, option } from './args.js';

const DEFAULT_REPS = 5;
/** Rules set-ups are short and noisy: more runs than the capture cases. */
const RULES_LOAD_REPS = 11;

function available(program: string): boolean {
  return spawnSync(program, ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** One command's runs so far; stops running it after its first failure. */
class Runner {
  readonly result: ToolResult;
  private readonly rss: number[] = [];

  constructor(argv: string[]) {
    this.result = { argv, runsS: [] };
  }

  run(measured: boolean): void {
    if (this.result.error !== undefined) return;
    const m = measure(this.result.argv, repoRoot);
    if (m.exitCode !== 0) {
      const lastLine = m.stderr.trim().split('\n').at(-1) ?? '';
      this.result.error = `exit status ${m.exitCode}${lastLine ? `: ${lastLine}` : ''}`;
      return;
    }
    if (!measured) return;
    this.result.runsS.push(m.wallS);
    this.rss.push(m.peakRssKb);
  }

  finish(events: number): ToolResult {
    if (this.result.error === undefined && this.result.runsS.length > 0) {
      this.result.wallS = median(this.result.runsS);
      this.result.peakRssKb = median(this.rss);
      this.result.eventsPerS = events / this.result.wallS;
    }
    return this.result;
  }
}

/** One rules set-up, in a fresh process with this cache directory ('' for none). */
function rulesLoadOnce(c: RulesLoadCase, cacheDir: string): { loadS: number; engineS: number; totalS: number } {
  const r = spawnSync(c.argv[0], c.argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...c.env, GHOSTWATCH_CACHE_DIR: cacheDir } });
  if (r.status !== 0) throw new Error(`${c.name}: ${r.stderr.trim().split('\n').at(-1) ?? `exit status ${String(r.status)}`}`);
  return JSON.parse(r.stdout) as { loadS: number; engineS: number; totalS: number };
}

function measureRulesLoad(): RulesLoadResult[] {
  const scratch = mkdtempSync(join(tmpdir(), 'ghostwatch-bench-cache-'));
  try {
    return rulesLoadCases().map((c, i) => {
      const runs: { loadS: number; engineS: number; totalS: number }[] = [];
      const warmDir = join(scratch, `warm-${i}`);
      if (c.cache === 'warm') rulesLoadOnce(c, warmDir);
      // One run to warm the system's caches (files, the code), not measured.
      rulesLoadOnce(c, c.cache === 'none' ? '' : join(scratch, `warm-up-${i}`));
      for (let rep = 0; rep < RULES_LOAD_REPS; rep++) {
        process.stderr.write(`bench: ${c.name} ${rep + 1}/${RULES_LOAD_REPS}\n`);
        const dir = c.cache === 'none' ? '' : c.cache === 'warm' ? warmDir : join(scratch, `cold-${i}-${rep}`);
        runs.push(rulesLoadOnce(c, dir));
      }
      return {
        name: c.name, cache: c.cache, reps: RULES_LOAD_REPS,
        totalS: median(runs.map((r) => r.totalS)), loadS: median(runs.map((r) => r.loadS)), engineS: median(runs.map((r) => r.engineS)),
        runsS: runs.map((r) => r.totalS),
      };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  const reps = option('--reps', DEFAULT_REPS);
  if (argv.includes('--rules-load-only')) {
    printReport({ reps, cases: [], rulesLoad: measureRulesLoad(), measuredWith: '', node: process.version, date: new Date().toISOString() });
    return;
  }
  const capture = benchCapture();
  if (capture === undefined) {
    process.stdout.write(`bench: ${SHARED_MISSING}; the benchmarks need its fixtures and tools/scap-replicate.py\n`);
    return;
  }
  const haveSysdig = available('sysdig');
  if (!haveSysdig) process.stderr.write('bench: sysdig not found: measuring ghostwatch alone where it is the reference\n');

  const pairs = CASES.map((c) => {
    const ref = c.reference?.(capture.path);
    const usable = ref !== undefined && (ref.label !== 'sysdig' || haveSysdig);
    return { name: c.name, label: ref?.label, gw: new Runner(c.ghostwatch(capture.path)), ref: usable ? new Runner(ref.argv) : undefined };
  });
  for (let rep = 0; rep <= reps; rep++) {
    process.stderr.write(rep === 0 ? 'bench: warm-up run\n' : `bench: run ${rep}/${reps}\n`);
    for (const p of pairs) {
      // Alternate who goes first so that drift (caches, thermal, neighbours) hits both alike.
      const order = rep % 2 === 0 ? [p.gw, p.ref] : [p.ref, p.gw];
      for (const r of order) r?.run(rep > 0);
    }
  }

  const rulesLoad = measureRulesLoad();
  const cases: CaseResult[] = pairs.map((p) => {
    const ghostwatch = p.gw.finish(capture.events);
    const reference = p.ref?.finish(capture.events);
    const ratio = ghostwatch.wallS !== undefined && reference?.wallS !== undefined ? ghostwatch.wallS / reference.wallS : undefined;
    return { name: p.name, referenceLabel: p.label, ghostwatch, reference, ratio };
  });
  printReport(
    {
      capture, reps, cases, rulesLoad,
      measuredWith: 'python3 os.wait4 (ru_maxrss of the command itself)',
      node: process.version,
      date: new Date().toISOString(),
    },
  );
}

main();
