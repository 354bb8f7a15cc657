// The scanner under the parser. The language has no fixed token set (a bare word means a field,
// a macro name or a value depending on where it stands), so instead of tokenizing up front the
// parser asks for the kind of token it expects next, as libsinsp's parser does; every `try*`
// method consumes its token and returns it, or returns undefined and consumes nothing.
import type { Pos } from './ast.js';
import { FilterSyntaxError } from './errors.js';

// Blanks as libsinsp counts them: space, tab, backspace, CR, LF (plus VT and FF, which its bare
// words also stop at).
const BLANK = ' \\t\\b\\r\\n\\v\\f';
const RE_BLANKS = new RegExp(`[${BLANK}]+`, 'y');
const RE_FIELD_NAME = /[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+/y;
const RE_IDENTIFIER = /[a-zA-Z][a-zA-Z0-9_]*/y;
const RE_FIELD_ARG = new RegExp(`[^\\]\\["'${BLANK}]+`, 'y');
/** `not` as a prefix operator: followed by a blank (`not(` is handled apart). */
const RE_NOT_BLANK = new RegExp(`not[${BLANK}]+`, 'y');
/**
 * A bare value after a scalar operator: anything up to a blank or a parenthesis, not starting with
 * a quote. Falco also stops at `=` `,` and quotes, which makes `evt.args contains fd=3` an error;
 * sysdig accepts it, so we do (a Falco-valid condition never has those characters there).
 */
const RE_BARE_VALUE = new RegExp(`[^()"'${BLANK}][^()${BLANK}]*`, 'y');
/** A bare list item: as above, but `,` separates items. */
const RE_BARE_ITEM = new RegExp(`[^(),"'${BLANK}][^(),${BLANK}]*`, 'y');

export const BARE_VALUE_FULL = new RegExp(`^${RE_BARE_VALUE.source}$`);
export const BARE_ITEM_FULL = new RegExp(`^${RE_BARE_ITEM.source}$`);
export const FIELD_ARG_FULL = new RegExp(`^${RE_FIELD_ARG.source}$`);
export const IDENTIFIER_FULL = new RegExp(`^${RE_IDENTIFIER.source}$`);

export type TokenKind = 'fieldName' | 'identifier' | 'fieldArg' | 'bareValue' | 'bareItem';
const TOKEN_RE: Record<TokenKind, RegExp> = {
  fieldName: RE_FIELD_NAME, identifier: RE_IDENTIFIER, fieldArg: RE_FIELD_ARG,
  bareValue: RE_BARE_VALUE, bareItem: RE_BARE_ITEM,
};

export interface Mark {
  readonly index: number;
  readonly line: number;
  readonly col: number;
  readonly lastToken: string;
}

export class Scanner {
  private index = 0;
  private line = 1;
  private col = 1;
  /** The last token consumed, for "unexpected token after 'x'" messages. */
  lastToken = '';

  constructor(readonly text: string) {}

  pos(): Pos {
    return { index: this.index, line: this.line, col: this.col };
  }

  atEnd(): boolean {
    return this.index >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.index);
  }

  mark(): Mark {
    return { index: this.index, line: this.line, col: this.col, lastToken: this.lastToken };
  }

  reset(m: Mark): void {
    this.index = m.index;
    this.line = m.line;
    this.col = m.col;
    this.lastToken = m.lastToken;
  }

  fail(reason: string, pos: Pos = this.pos()): never {
    throw new FilterSyntaxError(reason, pos);
  }

  /** Skip blanks; true when there were some. */
  skipBlanks(): boolean {
    RE_BLANKS.lastIndex = this.index;
    const m = RE_BLANKS.exec(this.text);
    if (m === null) return false;
    this.advance(m[0].length);
    return true;
  }

  /** Consume `s` if the text continues with it. */
  tryLiteral(s: string): boolean {
    if (!this.text.startsWith(s, this.index)) return false;
    this.advance(s.length);
    this.lastToken = s;
    return true;
  }

  tryToken(kind: TokenKind): string | undefined {
    const re = TOKEN_RE[kind];
    re.lastIndex = this.index;
    const m = re.exec(this.text);
    if (m === null) return undefined;
    this.advance(m[0].length);
    this.lastToken = m[0];
    return m[0];
  }

  /** `not` followed by blanks (consumed too). */
  tryNotBlank(): boolean {
    RE_NOT_BLANK.lastIndex = this.index;
    const m = RE_NOT_BLANK.exec(this.text);
    if (m === null) return false;
    this.advance(m[0].length);
    this.lastToken = 'not';
    return true;
  }

  /** A word that must be followed by a blank (consumed too), e.g. the `contains` operator. */
  tryWordThenBlank(word: string): boolean {
    if (!this.text.startsWith(word, this.index)) return false;
    const m = this.mark();
    this.tryLiteral(word);
    if (this.skipBlanks()) return true;
    this.reset(m);
    return false;
  }

  /** A string in double or single quotes, unescaped; undefined when the text does not start with a quote. */
  tryQuoted(): string | undefined {
    const quote = this.peek();
    if (quote !== '"' && quote !== "'") return undefined;
    const start = this.pos();
    let i = this.index + 1;
    while (i < this.text.length && this.text[i] !== quote) i += this.text[i] === '\\' ? 2 : 1;
    if (i >= this.text.length) this.fail('unterminated quoted string', start);
    const raw = this.text.slice(this.index, i + 1);
    const value = unescape(raw.slice(1, -1), (reason, offset) => this.fail(reason, posAfter(start, raw, offset + 1)));
    this.advance(raw.length);
    this.lastToken = raw;
    return value;
  }

  private advance(n: number): void {
    const end = this.index + n;
    for (let i = this.index; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.line++;
        this.col = 1;
      } else {
        this.col++;
      }
    }
    this.index = end;
  }
}

/** The position `offset` characters after `start` within `text`. */
function posAfter(start: Pos, text: string, offset: number): Pos {
  let { line, col } = start;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return { index: start.index + offset, line, col };
}

const SIMPLE_ESCAPES: Readonly<Partial<Record<string, string>>> = {
  b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '\\': '\\', '/': '/', '"': '"', "'": "'",
  // Falco reads `\ ` as a backslash (its stock rules write `"\ "` for one); kept for compatibility.
  ' ': '\\',
};

/**
 * The value of a quoted string's body. Escapes as Falco reads them, plus sysdig's leniency: an
 * unknown escape such as `\d` stays as written (Falco rejects it), so regexes need no doubling.
 */
export function unescape(body: string, fail: (reason: string, offset: number) => never): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (i + 1 === body.length) fail('unterminated escape sequence', i);
    const e = body[i + 1];
    if (e === 'x') {
      const hex = body.slice(i + 2, i + 4);
      if (hex.length < 2) fail('truncated hex char escape sequence', i);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail(`invalid hex char escape sequence: ${hex}`, i);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 3;
      continue;
    }
    const simple = SIMPLE_ESCAPES[e];
    out += simple ?? `\\${e}`;
    i++;
  }
  return out;
}

/** The text of a double-quoted string whose value is `s` (the inverse of tryQuoted). */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}
