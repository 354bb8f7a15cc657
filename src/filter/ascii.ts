// Case handling as C does it in the C locale, which is what sysdig's comparisons and transformers
// use: only the ASCII letters A-Z/a-z have a case.

export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

export function asciiUpper(s: string): string {
  return /[a-z]/.test(s) ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * strcasestr with a fixed needle, as a test of texts. An ASCII needle becomes a case-insensitive
 * RegExp, many times faster on long texts (proc.env) than comparing position by position: without
 * the u flag, RegExp case folding never equates a non-ASCII character with an ASCII one, so for an
 * ASCII needle it ignores exactly the ASCII case. Other needles (where RegExp would also fold
 * non-ASCII letters, which strcasestr does not) are compared position by position.
 */
export function containsIgnoringAsciiCase(needle: string): (hay: string) => boolean {
  if (NON_ASCII.test(needle)) {
    const lower = asciiLower(needle);
    return (hay) => includesIgnoreAsciiCase(hay, lower);
  }
  const re = new RegExp(needle.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'), 'i');
  return (hay) => re.test(hay);
}

/** strcasestr: whether `hay` contains `lowerNeedle` (already ASCII-lowercased) ignoring ASCII case. Allocates nothing. */
export function includesIgnoreAsciiCase(hay: string, lowerNeedle: string): boolean {
  const n = lowerNeedle.length;
  const last = hay.length - n;
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < n; j++) {
      let c = hay.charCodeAt(i + j);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== lowerNeedle.charCodeAt(j)) continue outer;
    }
    return true;
  }
  return false;
}
