// Rules files as yaml-cpp (Falco's YAML library) sees them: every scalar is text, decoded on
// demand with yaml-cpp's conversions; plain '', '~', 'null', 'Null', 'NULL' are null; every node
// carries its 0-based mark (offset, line, column); a document that does not parse fails with a
// message in yaml-cpp's form ("yaml-cpp: error at line 1, column 11: illegal map value").
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, type YAMLError } from 'yaml';

/** This module's file (the bundle's, once bundled): the parse cache tells builds apart by it. */
export const YAML_MODULE_URL = import.meta.url;

export interface Mark {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export type YNode = YMap | YSeq | YScalar | YNull;

export interface YMap {
  readonly kind: 'map';
  readonly mark: Mark;
  readonly pairs: readonly { readonly key: YNode; readonly value: YNode }[];
}

export interface YSeq {
  readonly kind: 'seq';
  readonly mark: Mark;
  readonly items: readonly YNode[];
}

export interface YScalar {
  readonly kind: 'scalar';
  readonly mark: Mark;
  readonly value: string;
}

export interface YNull {
  readonly kind: 'null';
  readonly mark: Mark;
}

/** The value of a key in a map (the first one, as yaml-cpp finds it), or undefined. */
export function get(map: YMap, key: string): YNode | undefined {
  for (const p of map.pairs) if (p.key.kind === 'scalar' && p.key.value === key) return p.value;
  return undefined;
}

/** A node as text (yaml-cpp's as<std::string>): scalars only. */
export function scalarText(n: YNode): string | undefined {
  return n.kind === 'scalar' ? n.value : undefined;
}

export class YamlParseError extends Error {
  constructor(
    message: string,
    readonly mark: Mark,
  ) {
    super(message);
  }
}

/** The documents of a YAML text. Throws YamlParseError at the first syntax error. */
export function parseYamlDocuments(text: string): YNode[] {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, schema: 'failsafe', prettyErrors: false });
  // With no document at all, the result is an empty list that may carry errors of its own.
  const docs: readonly Document[] = parsed;
  const errors: YAMLError[] = [...docs.flatMap((d) => d.errors), ...((parsed as { errors?: YAMLError[] }).errors ?? [])];
  const markAt = (offset: number): Mark => {
    const { line, col } = lines.linePos(offset);
    return { offset, line: line - 1, column: col - 1 };
  };
  if (errors.length > 0) {
    const first = errors.reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a));
    const { message, offset } = asYamlCpp(first, text);
    const mark = markAt(offset);
    throw new YamlParseError(`yaml-cpp: error at line ${mark.line + 1}, column ${mark.column + 1}: ${message}`, mark);
  }
  return docs.map((d) => new Converter(d, markAt).convert(d.contents, 0));
}

class Converter {
  constructor(
    private readonly doc: Document,
    private readonly markAt: (offset: number) => Mark,
  ) {}

  /** n: a Node, an Alias, or null/undefined for an empty value. */
  convert(n: unknown, fallback: number, depth = 0): YNode {
    if (depth > 1000) throw new YamlParseError('yaml-cpp: nesting too deep', this.markAt(fallback));
    if (n === null || n === undefined) return { kind: 'null', mark: this.markAt(fallback) };
    if (isAlias(n)) {
      const target = n.resolve(this.doc);
      const start = n.range?.[0] ?? fallback;
      if (target === undefined) {
        const m = this.markAt(start);
        throw new YamlParseError(`yaml-cpp: error at line ${m.line + 1}, column ${m.column + 1}: the referenced anchor is not defined: ${n.source}`, m);
      }
      return this.convert(target, start, depth + 1);
    }
    const node = n as Node;
    const start = node.range?.[0] ?? fallback;
    const mark = this.markAt(start);
    if (isMap(node)) {
      const pairs = node.items.map((p) => {
        const key = this.convert(p.key, start, depth + 1);
        const keyEnd = isScalar(p.key) || isMap(p.key) || isSeq(p.key) ? (p.key.range?.[1] ?? start) : start;
        return { key, value: this.convert(p.value, keyEnd, depth + 1) };
      });
      return { kind: 'map', mark, pairs };
    }
    if (isSeq(node)) return { kind: 'seq', mark, items: node.items.map((i) => this.convert(i, start, depth + 1)) };
    if (isScalar(node)) {
      // The failsafe schema reads every scalar as a string.
      const value = typeof node.value === 'string' ? node.value : '';
      const plain = node.type === 'PLAIN' || node.type === undefined;
      if (plain && node.tag === undefined && isNullText(value)) return { kind: 'null', mark };
      return { kind: 'scalar', mark, value };
    }
    return { kind: 'null', mark };
  }
}

function isNullText(s: string): boolean {
  return s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL';
}

/**
 * yaml-cpp's message and position for a syntax error, where the two parsers' diagnoses can be
 * matched; otherwise the yaml package's own message at its own position.
 */
function asYamlCpp(e: YAMLError, text: string): { message: string; offset: number } {
  const offset = e.pos[0];
  switch (e.code) {
    case 'BLOCK_AS_IMPLICIT_KEY': {
      // `a : b : c`: yaml-cpp stops at the second value indicator.
      const m = /:(?=\s|$)/.exec(text.slice(offset));
      return { message: 'illegal map value', offset: m === null ? offset : offset + m.index };
    }
    case 'BAD_DQ_ESCAPE':
      return { message: `unknown escape character: ${text[offset + 1] ?? ''}`, offset };
    case 'MISSING_CHAR': {
      if (e.message.includes('quote')) return { message: 'illegal EOF in scalar', offset };
      if (e.message.includes('}')) return { message: 'end of map flow not found', offset };
      if (e.message.includes(']')) return { message: 'end of sequence flow not found', offset };
      break;
    }
    default:
      break;
  }
  return { message: e.message.replace(/ at line \d+, column \d+[\s\S]*$/, ''), offset };
}

// yaml-cpp's scalar conversions (YAML::convert<T>::decode).

/** bool: y/yes/true/on and n/no/false/off, all lower, all upper or capitalized. */
export function decodeBool(s: string): boolean | undefined {
  if (s.length === 0) return undefined;
  const capitalized = s[0] === s[0].toUpperCase() && s.slice(1) === s.slice(1).toLowerCase();
  if (s !== s.toLowerCase() && s !== s.toUpperCase() && !capitalized) return undefined;
  const l = s.toLowerCase();
  if (l === 'y' || l === 'yes' || l === 'true' || l === 'on') return true;
  if (l === 'n' || l === 'no' || l === 'false' || l === 'off') return false;
  return undefined;
}

/** uint32: decimal, 0x hex or 0 octal, optional '+', trailing blanks allowed; no sign, no overflow. */
export function decodeUint32(s: string): number | undefined {
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[ \t\n\r\f\v]*$/.exec(s);
  if (m === null) return undefined;
  const digits = m[1];
  const n = /^0[xX]/.test(digits) ? Number.parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? Number.parseInt(digits, 8) : Number(digits);
  return n <= 0xffffffff ? n : undefined;
}
