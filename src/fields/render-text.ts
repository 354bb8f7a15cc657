// Byte- and number-level text conversions behind parameter rendering, each reproducing what
// libsinsp (2022) prints: printable-ASCII sanitizing, path joining, the data buffer modes, IP
// addresses, C printf number formats.

/** What libsinsp keeps of a string: printable ASCII (0x20..0x7e); everything else is "invalid". */
export function isPrintable(c: number): boolean {
  return c >= 0x20 && c <= 0x7e;
}

/** Length of the C string at buf[start..end): up to the first NUL. */
export function cStringEnd(buf: Buffer, start: number, end: number): number {
  let p = start;
  while (p < end && buf[p] !== 0) p++;
  return p;
}

/** The printable characters of buf[start..end), up to the first NUL (others dropped). */
export function sanitizedString(buf: Buffer, start: number, end: number): string {
  const stop = cStringEnd(buf, start, end);
  let s = '';
  let run = start;
  for (let p = start; p < stop; p++) {
    if (!isPrintable(buf[p])) {
      if (p > run) s += buf.toString('latin1', run, p);
      run = p + 1;
    }
  }
  return run < stop ? s + buf.toString('latin1', run, stop) : s;
}

/** A string with the characters outside printable ASCII removed (sanitize_string). */
export function sanitizeText(text: string): string {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (!isPrintable(c)) return text.replace(/[^\x20-\x7e]/g, '');
  }
  return text;
}

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Resolve `path` (bytes up to NUL) against `base` the way sysdig shows a relative path: base
 * followed by path, '.' and '..' folded (never above the start), doubled slashes merged, a final
 * slash dropped and non-printable bytes shown as '.'. Returns '' for an absolute path: sysdig
 * prints no resolved form for those.
 */
export function resolvePath(base: string, buf: Buffer, start: number, end: number): string {
  const stop = cStringEnd(buf, start, end);
  if (end === start || buf[start] === SLASH) return '';
  const at = (p: number): number => (p < stop ? buf[p] : 0);
  // The base goes in as its UTF-8 bytes: sysdig joins raw bytes, whatever the cwd holds.
  const baseLen = Buffer.byteLength(base);
  const t = Buffer.allocUnsafe(baseLen + (stop - start) + 1);
  let tc = t.write(base, 0, 'utf8');
  let pc = start;
  const rewind = (delta: number): void => {
    if (tc > 1) {
      tc--;
      while (tc >= 1 && t[tc - 1] !== SLASH) tc--;
    }
    pc += delta;
  };
  const put = (c: number): void => {
    t[tc++] = c;
  };
  for (;;) {
    const c = at(pc);
    if (c === 0) {
      if (tc > 1 && t[tc - 1] === SLASH) tc--;
      break;
    }
    if (!isPrintable(c)) {
      put(DOT);
      pc++;
    } else if (c === DOT && at(pc + 1) === DOT && at(pc + 2) === SLASH) {
      rewind(3);
    } else if (c === DOT && at(pc + 1) === DOT) {
      if (at(pc + 2) === 0) rewind(2);
      else {
        put(DOT);
        put(DOT);
        pc += 2;
      }
    } else if (c === DOT && at(pc + 1) === SLASH) {
      pc += 2;
    } else if (c === DOT) {
      if (at(pc + 1) !== 0) put(DOT);
      pc++;
    } else if (c === SLASH) {
      if (!(tc > 0 && t[tc - 1] === SLASH)) put(SLASH);
      pc++;
    } else {
      put(c);
      pc++;
    }
  }
  return t.toString('utf8', 0, tc);
}

/** How sysdig prints data buffers: -A ascii, -x hex, -X hexascii, -b base64, else normal. */
export type BufferFormat = 'normal' | 'ascii' | 'hex' | 'hexascii' | 'base64';

/** Normal mode: printable ASCII as is, every other byte as '.'. */
function dots(buf: Buffer, start: number, end: number): string {
  const out = Buffer.allocUnsafe(end - start);
  for (let p = start; p < end; p++) {
    const c = buf[p];
    out[p - start] = isPrintable(c) ? c : DOT;
  }
  return out.toString('latin1', 0, out.length);
}

/** -A: a leading newline, printable text, CR as a newline, LF unless it follows a CR. */
function asciiOnly(buf: Buffer, start: number, end: number): string {
  const out: number[] = [0x0a];
  for (let p = start; p < end; p++) {
    const c = buf[p];
    if (isPrintable(c)) out.push(c);
    else if (c === 0x0d) out.push(0x0a);
    else if (c === 0x0a && p > start && buf[p - 1] !== 0x0d) out.push(c);
  }
  return String.fromCharCode(...out);
}

const hex2 = (n: number): string => (n < 16 ? '0' : '') + n.toString(16);

/** -x / -X: rows of 16 bytes, "\n\t0x0010: 4865 6c6c ..." (+ the text for -X), then a newline. */
function hexRows(buf: Buffer, start: number, end: number, withAscii: boolean): string {
  let s = '';
  for (let row = start; row < end; row += 16) {
    s += '\n\t0x' + (row - start).toString(16).padStart(4, '0') + ':';
    let chunks = 0;
    for (let p = row; chunks < 8 && p < end; p += 2, chunks++) {
      s += p === end - 1 ? ' ' + hex2(buf[p]) : ' ' + hex2(buf[p]) + hex2(buf[p + 1]);
    }
    if (withAscii) {
      s += ' '.repeat((8 - chunks) * 5) + '  ';
      const stop = Math.min(row + 16, end);
      for (let p = row; p < stop; p++) s += isPrintable(buf[p]) ? String.fromCharCode(buf[p]) : '.';
    }
  }
  return s + '\n';
}

/**
 * A data buffer in one of sysdig's modes. In normal mode a result longer than maxLen (when not 0)
 * is cut to maxLen characters, the last three replaced by '...' (sysdig's default 80 without -v).
 */
export function renderBuffer(buf: Buffer, start: number, end: number, format: BufferFormat, maxLen: number): string {
  if (end <= start) return '';
  switch (format) {
    case 'ascii': return asciiOnly(buf, start, end);
    case 'hex': return hexRows(buf, start, end, false);
    case 'hexascii': return hexRows(buf, start, end, true);
    case 'base64': return buf.toString('base64', start, end);
    case 'normal':
      if (maxLen !== 0 && end - start > maxLen) {
        return maxLen > 3 ? dots(buf, start, start + maxLen - 3) + '...' : dots(buf, start, start + maxLen);
      }
      return dots(buf, start, end);
  }
}

/** IPv4 address stored in network order at buf[off..off+4). */
export function ipv4At(buf: Buffer, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** IPv6 address at buf[off..off+16) as glibc's inet_ntop writes it. */
export function ipv6At(buf: Buffer, off: number): string {
  const words: number[] = [];
  for (let k = 0; k < 8; k++) words.push(buf.readUInt16BE(off + 2 * k));
  let bestBase = -1;
  let bestLen = 0;
  for (let k = 0; k < 8;) {
    if (words[k] !== 0) {
      k++;
      continue;
    }
    let n = 0;
    while (k + n < 8 && words[k + n] === 0) n++;
    if (n >= 2 && n > bestLen) {
      bestBase = k;
      bestLen = n;
    }
    k += n;
  }
  let s = '';
  for (let k = 0; k < 8; k++) {
    if (bestBase >= 0 && k >= bestBase && k < bestBase + bestLen) {
      if (k === bestBase) s += ':';
      continue;
    }
    if (k !== 0) s += ':';
    if (k === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      return s + ipv4At(buf, off + 12);
    }
    s += words[k].toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) s += ':';
  return s;
}

/** IPv6 address in IPv4-mapped form (::ffff:a.b.c.d), or all zeros, which sysdig shows as IPv4. */
export function isIpv4MappedIpv6(buf: Buffer, off: number): boolean {
  for (let k = 0; k < 10; k++) if (buf[off + k] !== 0) return false;
  if (buf[off + 10] === 0xff && buf[off + 11] === 0xff) return true;
  for (let k = 10; k < 16; k++) if (buf[off + k] !== 0) return false;
  return true;
}

/** C's "%g" (6 significant digits, trailing zeros dropped, exponent form outside 1e-4..1e6). */
export function formatG(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const [mant, expText] = x.toExponential(5).split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
    const e = Math.abs(exp);
    return `${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  const fixed = x.toFixed(5 - exp);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** C's "%09d": zero-padded to 9 characters, sign included. */
export function padded9(n: number | bigint): string {
  const neg = n < 0;
  const digits = String(neg ? -n : n);
  return neg ? '-' + digits.padStart(8, '0') : digits.padStart(9, '0');
}
