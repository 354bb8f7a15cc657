// The argument syntaxes of sysdig's fields, read the way libsinsp reads them in an output format:
// the parser sees the whole rest of the format, so an argument may reach further than a reader of
// identifiers would expect (evt.arg[ takes everything up to the first ']'), and a malformed one
// may yield an empty field reference rather than an error (proc.aname without [N] mid-format).
// `pos` is always the offset just past the field name, `start` the offset of the name.
import { FieldError } from './types.js';
import type { ParsedArg } from './spec.js';

/** libsinsp's parsed32: a whole decimal int32, else an error naming the text. */
export function parseInt32(s: string): number {
  if (!/^\s*[+-]?\d+$/.test(s)) throw new FieldError(`${s} is not a valid number`);
  return Number(BigInt.asIntN(32, BigInt(s.trim())));
}

function isInt32Text(s: string): boolean {
  return /^\s*[+-]?\d+$/.test(s);
}

export function syntaxError(text: string, start: number): never {
  throw new FieldError(`filter syntax error: ${text.slice(start)}`);
}

/** '[N]' where the number runs to the first ']' after the field name's start. */
export function bracketNumber(text: string, start: number, pos: number): ParsedArg {
  const close = text.indexOf(']', start);
  const inner = text.slice(pos + 1, close < 0 ? text.length : close);
  return { arg: parseInt32(inner), end: close < 0 ? text.length : close + 1 };
}

/**
 * Ancestor fields (proc.aname[N], proc.apid[N]) as sysdig 0.29.3 reads them: [N] gives the
 * ancestor; without a valid [N] the field means the process itself and, unless it ends the
 * format, takes up no text at all (the name then prints literally).
 */
export function ancestorIndex2022(text: string, start: number, pos: number): ParsedArg {
  if (text[pos] === '[') {
    try {
      return bracketNumber(text, start, pos);
    } catch {
      return { arg: undefined, end: start };
    }
  }
  return { arg: undefined, end: pos === text.length ? pos : start };
}

/** Ancestor fields of newer libs (proc.aexe[N]): without a valid [N], all the ancestors. */
export function ancestorIndex(text: string, start: number, pos: number): ParsedArg {
  if (text[pos] === '[') {
    try {
      return bracketNumber(text, start, pos);
    } catch {
      return { arg: undefined, end: pos };
    }
  }
  return { arg: undefined, end: pos };
}

/** '.KEY' where KEY is the longest run of characters accepted by `accept`. */
export function dotKey(text: string, start: number, pos: number, accept: RegExp): ParsedArg {
  if (text[pos] !== '.') syntaxError(text, start);
  let end = pos + 1;
  while (end < text.length && accept.test(text[end])) end++;
  return { arg: text.slice(pos + 1, end), end };
}

/** container.mount[...]: '[N]' or '[KEY]', the '[' searched for anywhere after the name. */
export function mountSelector(text: string, start: number, pos: number): ParsedArg {
  const open = text.indexOf('[', pos);
  if (open < 0) syntaxError(text, start);
  const close = text.indexOf(']', open);
  if (close < 0) syntaxError(text, start);
  const inner = text.slice(open + 1, close);
  return { arg: isInt32Text(inner) ? parseInt32(inner) : inner, end: close + 1 };
}

/** A separately given argument (a condition's field[ARG]): a number when it reads as one, else a key. */
export function indexOrKey(arg: string): number | string {
  return isInt32Text(arg) ? parseInt32(arg) : arg;
}
