// Renders the benchmark results: a table for people, one JSON line for tools (always the last
// line of stdout, so a later run or CI job can collect and compare rows).
import type { BenchCapture } from './capture.js';

export interface ToolResult {
  argv: string[];
  /** Medians over the measured runs; undefined when the command failed. */
  wallS?: number;
  peakRssKb?: number;
  eventsPerS?: number;
  /** Every measured run's wall time, in run order. */
  runsS: number[];
  error?: string;
}

export interface CaseResult {
  name: string;
  /** What the reference command is ('sysdig', 'no rules', 'decode only'). */
  referenceLabel?: string;
  ghostwatch: ToolResult;
  reference?: ToolResult;
  /** ghostwatch wall time / reference wall time. */
  ratio?: number;
}

/** The rules set-up of `run` (bench/rules-load.ts), medians over fresh processes. */
export interface RulesLoadResult {
  name: string;
  cache: 'none' | 'cold' | 'warm';
  reps: number;
  /** Cache opened, files read, loaded and compiled (src/rules). */
  loadS: number;
  /** Conditions compiled for the engine, outputs prepared. */
  engineS: number;
  /** Both: the fixed cost before the first event. */
  totalS: number;
  /** Every run's totalS, in run order. */
  runsS: number[];
}

export interface BenchReport {
  /** Undefined when only the rules set-up was measured (--rules-load-only). */
  capture?: BenchCapture;
  reps: number;
  measuredWith: string;
  node: string;
  date: string;
  cases: CaseResult[];
  rulesLoad: RulesLoadResult[];
}

export function printReport(r: BenchReport): void {
  const out: string[] = [];
  if (r.capture !== undefined) {
    out.push(`capture: ${r.capture.description} = ${r.capture.events} events (${r.capture.path})`);
    out.push(`${r.reps} alternating runs per command, medians; wall time and peak RSS by ${r.measuredWith}`);
    out.push('');
  }
  if (r.cases.length > 0) out.push(...caseTable(r));
  if (r.rulesLoad.length > 0) {
    out.push(`rules set-up of run (bench/rules-load.ts, in-process clock, medians of ${r.rulesLoad[0].reps} fresh processes)`);
    const head = ['rules load', 'load s', 'engine s', 'total s', 'min s', 'max s'];
    const rows = r.rulesLoad.map((l) => [
      l.name, l.loadS.toFixed(3), l.engineS.toFixed(3), l.totalS.toFixed(3), Math.min(...l.runsS).toFixed(3), Math.max(...l.runsS).toFixed(3),
    ]);
    out.push(...table([head, ...rows]), '');
  }
  process.stdout.write(out.join('\n') + '\n' + JSON.stringify(r) + '\n');
}

function caseTable(r: BenchReport): string[] {
  const out: string[] = [];
  const head = ['command', 'reference', 'ghostwatch s', 'reference s', 'ratio', 'ghostwatch ev/s', 'reference ev/s',
    'ghostwatch RSS MB', 'reference RSS MB'];
  const rows = r.cases.map((c) => [
    c.name,
    c.referenceLabel ?? '-',
    seconds(c.ghostwatch), seconds(c.reference),
    c.ratio === undefined ? '-' : c.ratio.toFixed(2),
    rate(c.ghostwatch), rate(c.reference),
    rss(c.ghostwatch), rss(c.reference),
  ]);
  out.push(...table([head, ...rows]));
  for (const c of r.cases) {
    for (const t of [c.ghostwatch, c.reference]) {
      if (t?.error !== undefined) out.push(`${c.name}: ${t.argv[0]} failed: ${t.error}`);
    }
  }
  out.push('');
  return out;
}

function seconds(t: ToolResult | undefined): string {
  if (t === undefined) return '-';
  return t.wallS === undefined ? 'failed' : t.wallS.toFixed(3);
}

function rate(t: ToolResult | undefined): string {
  return t?.eventsPerS === undefined ? '-' : Math.round(t.eventsPerS).toLocaleString('en-US');
}

function rss(t: ToolResult | undefined): string {
  return t?.peakRssKb === undefined ? '-' : (t.peakRssKb / 1024).toFixed(1);
}

/** Left-aligns the first column, right-aligns the others. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}
