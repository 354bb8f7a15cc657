// Shell-style patterns as fnmatch(3) reads them with no flags (what sysdig's `glob` uses): `*` and
// `?` match any characters including `/` and a leading dot, `[...]` is a bracket expression with
// `!`/`^` negation, ranges and [:classes:], and a backslash makes the next character literal.
// Compiled once to an anchored RegExp.

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', xdigit: '0-9a-fA-F',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e', punct: '!-\\/:-@\\[-`{-~',
};

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** The bracket expression starting at pattern[start] (a '['): its RegExp class and where it ends, or undefined when unterminated. */
function bracket(pattern: string, start: number): { re: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${body}]`, end: i + 1 };
    first = false;
    if (c === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      const cls = close < 0 ? undefined : CLASSES[pattern.slice(i + 2, close)];
      if (cls !== undefined) {
        body += cls;
        i = close + 2;
        continue;
      }
    }
    let lo = c;
    if (c === '\\' && i + 1 < pattern.length) lo = pattern[++i];
    i++;
    if (pattern[i] === '-' && i + 1 < pattern.length && pattern[i + 1] !== ']') {
      let hi = pattern[i + 1];
      i += 2;
      if (hi === '\\' && i < pattern.length) hi = pattern[i++];
      body += lo <= hi ? `${escapeRegex(lo)}-${escapeRegex(hi)}` : '';
    } else {
      body += escapeRegex(lo);
    }
  }
  return undefined;
}

export function globToRegExp(pattern: string, caseInsensitive = false): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === '*') {
      re += '[\\s\\S]*';
      i++;
    } else if (c === '?') {
      re += '[\\s\\S]';
      i++;
    } else if (c === '[') {
      const b = bracket(pattern, i);
      if (b === undefined) {
        re += '\\[';
        i++;
      } else {
        re += b.re;
        i = b.end;
      }
    } else if (c === '\\') {
      // A trailing backslash matches nothing in fnmatch.
      if (i + 1 >= pattern.length) return /(?!)/;
      re += escapeRegex(pattern[i + 1]);
      i += 2;
    } else {
      re += escapeRegex(c);
      i++;
    }
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '');
}

export function globMatch(pattern: string, s: string): boolean {
  return globToRegExp(pattern).test(s);
}
