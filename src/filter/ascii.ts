// Case handling as C does it in the C locale, which is what sysdig's comparisons and transformers
// use: only the ASCII letters A-Z/a-z have a case.

export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

export function asciiUpper(s: string): string {
  return /[a-z]/.test(s) ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s;
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
