// What every benchmark script shares: its numeric options and the median of its runs.

/**
 * The number after `name` on the command line, or fallback. A whole number of at least 1, or with
 * fraction, any positive number (--scale 0.5).
 */
export function option(name: string, fallback: number, fraction = false): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (fraction ? !(n > 0) : !Number.isInteger(n) || n < 1) {
    throw new Error(`${name} takes a positive ${fraction ? '' : 'whole '}number, got '${process.argv[i + 1]}'`);
  }
  return n;
}

/** The median (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
