// Errors of the condition language. Both carry the position they are about, so the rules engine
// can point at the offending spot of a rule's condition; their message reads like libsinsp's
// ("filter error at index 10, line 1, column 11: expected a valid check operator ...").
import type { Expr, Pos } from './ast.js';

export class FilterError extends Error {
  /** 0-based offset in the condition text. */
  readonly index: number;
  /** 1-based line and column. */
  readonly line: number;
  readonly col: number;
  /** The message without the position prefix. */
  readonly reason: string;

  constructor(reason: string, pos: Pos) {
    super(`filter error at index ${pos.index}, line ${pos.line}, column ${pos.col}: ${reason}`);
    this.name = new.target.name;
    this.reason = reason;
    this.index = pos.index;
    this.line = pos.line;
    this.col = pos.col;
  }
}

/** The text is not a well-formed condition. */
export class FilterSyntaxError extends FilterError {}

/** What kind of compile error, for callers that treat some specially (Falco skips rules with unknown fields when asked to). */
export type CompileErrorKind =
  | 'unknown-field' // no such field
  | 'field-arg' // the field exists but its argument is wrong
  | 'operator' // operator not supported for the field's type
  | 'value' // a literal that does not parse to the field's type
  | 'transformer' // transformer not applicable to the field's type
  | 'macro' // unresolved or recursive macro reference
  | 'evttype'; // evt.type used in a way event type derivation cannot handle

/** The condition is well-formed but cannot be bound to the fields (unknown field, bad operator or value...). */
export class FilterCompileError extends FilterError {
  readonly kind: CompileErrorKind;
  /**
   * The check (`field op value`, `field exists`) being compiled when the error arose, set by the
   * compiler: the rules engine finds by it whether the check is written in a rule or in a macro.
   */
  check?: Expr;
  constructor(kind: CompileErrorKind, reason: string, pos: Pos) {
    super(reason, pos);
    this.kind = kind;
  }
}
