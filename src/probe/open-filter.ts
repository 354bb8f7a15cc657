// The in-kernel filter of opens (native/bpf/filter.h): what the probe is told to keep back, and the
// control line that tells it. Which opens to keep back is decided above the probe, from the rules
// (src/engine/kernel-filter.ts); the probe only checks clauses.

/** The calls the probe can filter, in the order of their slots in the probe. */
export const FILTERED_OPEN_CALLS = ['open', 'openat', 'openat2'] as const;
export type FilteredOpenCall = (typeof FILTERED_OPEN_CALLS)[number];

/** Most clauses per call (GW_FILTER_CLAUSES). */
export const OPEN_FILTER_CLAUSES = 64;
/** Most prefixes, suffixes and command names, each, of all calls together (GW_FILTER_ENTRIES). */
export const OPEN_FILTER_ENTRIES = 4096;
/** Longest path the probe judges (GW_FILTER_PATH - 2 bytes; longer ones are always sent), and suffix (GW_FILTER_SUFFIX). */
const MAX_PATH = 254;
const MAX_SUFFIX = 30;

/** One clause: an open passes it when it has every part given. */
export interface OpenFilterClause {
  /** Each mask must share a bit with the open's scap flags (PPM_O_*); at most 2. */
  readonly flagsAny: readonly number[];
  /** The path starts with one of the prefixes or ends with one of the suffixes (both absent: any path). */
  readonly prefixes?: readonly string[];
  readonly suffixes?: readonly string[];
  /** The thread's command name is one of these (absent: any). */
  readonly comms?: readonly string[];
}

/**
 * Per call, the clauses of which an open must pass one to be sent (none: it is never sent, unless
 * its path is not in normal form, or it opens a directory). A call not in the map is not filtered.
 */
export interface OpenFilter {
  readonly calls: ReadonlyMap<FilteredOpenCall, readonly OpenFilterClause[]>;
}

const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const bits = (clauses: Iterable<number>): string => [...clauses].reduce((m, c) => m | (1n << BigInt(c)), 0n).toString(16);

/** Each text (as bytes) → the clauses it belongs to. */
function entries(clauses: readonly OpenFilterClause[], pick: (c: OpenFilterClause) => readonly string[] | undefined, fit: (s: string) => string | undefined): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  clauses.forEach((c, i) => {
    for (const text of pick(c) ?? []) {
      const t = fit(text);
      if (t === undefined) continue;
      const set = out.get(t) ?? new Set<number>();
      set.add(i);
      out.set(t, set);
    }
  });
  return out;
}

/** The control line setting the filter ("filter" alone: no filtering). */
export function openFilterCommand(filter: OpenFilter | undefined): string {
  const words = ['filter'];
  for (const [call, clauses] of filter?.calls ?? []) {
    if (clauses.length > OPEN_FILTER_CLAUSES) throw new Error(`open filter: ${clauses.length} clauses for ${call} (at most ${OPEN_FILTER_CLAUSES})`);
    words.push(`slot=${FILTERED_OPEN_CALLS.indexOf(call)}`, `clauses=${clauses.length.toString(16)}`);
    const unconstrained = (has: (c: OpenFilterClause) => boolean) => bits(clauses.flatMap((c, i) => (has(c) ? [] : [i])));
    words.push(`pathany=${unconstrained((c) => c.prefixes !== undefined || c.suffixes !== undefined)}`);
    words.push(`commany=${unconstrained((c) => c.comms !== undefined)}`);
    clauses.forEach((c, i) => {
      if (c.flagsAny.length > 2) throw new Error('open filter: at most 2 flag masks per clause');
      if (c.flagsAny.length > 0) words.push(`flags=${i.toString(16)}:${(c.flagsAny[0] ?? 0).toString(16)}:${(c.flagsAny[1] ?? 0).toString(16)}`);
    });
    // A prefix longer than any path judged matches none of them; a longer suffix is cut to its end.
    const prefixes = entries(clauses, (c) => c.prefixes, (p) => (Buffer.byteLength(p) <= MAX_PATH ? p : undefined));
    // The trie gives the longest prefix: each prefix carries the clauses of the prefixes it extends.
    for (const [p, set] of prefixes) {
      const all = new Set(set);
      for (const [q, other] of prefixes) if (p.startsWith(q)) for (const c of other) all.add(c);
      words.push(`prefix=${hex(p)}:${bits(all)}`);
    }
    const suffixes = entries(clauses, (c) => c.suffixes, (s) => {
      const b = Buffer.from(s, 'utf8');
      return b.length === 0 ? undefined : b.subarray(Math.max(0, b.length - MAX_SUFFIX)).toString('latin1');
    });
    for (const [s, set] of suffixes) words.push(`suffix=${Buffer.from(s, 'latin1').toString('hex')}:${bits(set)}`);
    for (const [n, set] of entries(clauses, (c) => c.comms, (n) => n)) words.push(`comm=${hex(n)}:${bits(set)}`);
  }
  return words.join(' ');
}
