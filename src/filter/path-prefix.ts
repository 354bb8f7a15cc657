// The `pmatch` operator: does a path lie at or under one of a set of directories? Paths compare by
// components, empty ones dropped (`/a//b/` is `/a/b`, and a relative `a/b` reads as `/a/b`, as in
// libsinsp, whose prefix tree starts every path at a common root); `/` is a prefix of everything.
// A component of a prefix may be a glob (`/home/*/.ssh`).
import { globToRegExp } from '../fields/glob.js';

const GLOB_CHARS = /[?*[]/;
const SLASH = 47;

/** The path with components joined by single slashes after a leading one; '' for the root. Allocates only for paths not already in that form. */
function normalize(path: string): string {
  const last = path.length - 1;
  if (path.charCodeAt(0) === SLASH && !path.includes('//') && (last === 0 || path.charCodeAt(last) !== SLASH)) {
    return last === 0 ? '' : path;
  }
  const comps = path.split('/').filter((c) => c !== '');
  return comps.length === 0 ? '' : `/${comps.join('/')}`;
}

export class PathPrefixSet {
  /** Prefixes without wildcards, normalized: a path matches when it starts with one at a component boundary. */
  private readonly literal: string[] = [];
  /** Prefixes with wildcards, one matcher per component. */
  private readonly patterned: (string | RegExp)[][] = [];

  constructor(prefixes: Iterable<string> = []) {
    for (const p of prefixes) {
      const norm = normalize(p);
      if (!GLOB_CHARS.test(norm)) this.literal.push(norm);
      else this.patterned.push(norm.slice(1).split('/').map((c) => (GLOB_CHARS.test(c) ? globToRegExp(c) : c)));
    }
  }

  has(path: string): boolean {
    const p = normalize(path);
    for (const prefix of this.literal) {
      if (p.startsWith(prefix) && (p.length === prefix.length || p.charCodeAt(prefix.length) === SLASH)) return true;
    }
    for (const comps of this.patterned) if (matchComponents(p, comps)) return true;
    return false;
  }
}

/** Whether the first components of a normalized path match `comps`, one by one. */
function matchComponents(path: string, comps: readonly (string | RegExp)[]): boolean {
  let start = 1; // past the leading slash
  for (const c of comps) {
    if (start > path.length) return false;
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    if (typeof c === 'string') {
      if (end - start !== c.length || !path.startsWith(c, start)) return false;
    } else if (!c.test(path.slice(start, end))) {
      return false;
    }
    start = end + 1;
  }
  return true;
}
