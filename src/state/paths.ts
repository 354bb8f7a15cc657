// Path joining and normalisation as sinsp does it (sinsp_utils::concatenate_paths): a relative path
// is appended to a base directory, '.', '..' and doubled '/' are resolved, a trailing '/' is dropped,
// and every byte outside printable ASCII becomes '.'. Strings here hold one byte per character
// (latin1), so the result is byte-for-byte what sinsp produces.

/** sinsp's path buffer size: longer results become "/PATH_TOO_LONG". */
const MAX_PATH = 1024;
const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Join `path` to `base` (when `path` is relative) and normalise. `pathLen` is the length sinsp
 * measures the path with: the parameter's byte length, which counts the terminating NUL.
 */
export function concatenatePaths(base: string, path: string, pathLen = path.length + 1): string {
  if (MAX_PATH < base.length + pathLen + 1) return '/PATH_TOO_LONG';
  const relative = pathLen !== 0 && (path.length === 0 || path.charCodeAt(0) !== SLASH);
  // Most paths are already normal: then the result is the path itself, after the base if relative.
  if (isNormal(path)) {
    if (!relative) return path;
    if (path.length !== 0) return base + path;
  }
  const out: number[] = [];
  if (relative) for (let i = 0; i < base.length; i++) out.push(base.charCodeAt(i));
  sanitizeInto(out, path);
  return String.fromCharCode(...out);
}

/**
 * True when sanitizeInto would copy `path` unchanged: printable ASCII only, no "//", no "./"
 * (which also rules out "../"), no final '.' (nor ".."), and no final '/' unless it is the only
 * character. Such a relative path is simply appended to the base: it has no leading '/' to merge
 * with the base's and no ".." to climb into it.
 */
function isNormal(path: string): boolean {
  const n = path.length;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c < 32 || c > 126) return false;
    if (c === SLASH && (prev === SLASH || prev === DOT)) return false;
    prev = c;
  }
  return prev !== DOT && !(prev === SLASH && n > 1);
}

/** Copy `path` onto the end of `out`, resolving '.', '..' and repeated separators. */
function sanitizeInto(out: number[], path: string): void {
  let tc = out.length;
  let pc = 0;
  const n = path.length;
  for (;;) {
    const c = pc < n ? path.charCodeAt(pc) : 0;
    if (c === 0) {
      if (tc > 1 && out[tc - 1] === SLASH) tc--;
      out.length = tc;
      return;
    }
    const c1 = pc + 1 < n ? path.charCodeAt(pc + 1) : 0;
    if (c < 32 || c > 126) {
      out[tc++] = DOT;
      pc++;
    } else if (c === DOT && c1 === DOT) {
      const c2 = pc + 2 < n ? path.charCodeAt(pc + 2) : 0;
      if (c2 === SLASH || c2 === 0) {
        // '../' or a final '..': back to just after the previous separator (never before the start + 1).
        if (tc > 1) {
          tc--;
          while (tc >= 1 && out[tc - 1] !== SLASH) tc--;
        }
        pc += c2 === SLASH ? 3 : 2;
      } else {
        out[tc++] = DOT;
        out[tc++] = DOT;
        pc += 2;
      }
    } else if (c === DOT && c1 === SLASH) {
      pc += 2;
    } else if (c === DOT) {
      if (c1 !== 0) out[tc++] = c;
      pc++;
    } else if (c === SLASH) {
      if (!(tc > 0 && out[tc - 1] === SLASH)) out[tc++] = c;
      pc++;
    } else {
      out[tc++] = c;
      pc++;
    }
  }
}
