// The syntax tree of a condition. Plain immutable objects (no classes), so trees can be built by
// hand in tests, compared with deepStrictEqual, and rewritten (macro expansion) by copying.

/** Where a node starts in the condition text. */
export interface Pos {
  /** 0-based offset. */
  readonly index: number;
  /** 1-based line and column (a column restarts at 1 after a line break). */
  readonly line: number;
  readonly col: number;
}

export type Expr = AndExpr | OrExpr | NotExpr | IdentifierExpr | UnaryCheck | BinaryCheck;
/** A parsed condition. */
export type Ast = Expr;

export interface AndExpr {
  readonly kind: 'and';
  readonly children: readonly Expr[];
  readonly pos: Pos;
}

export interface OrExpr {
  readonly kind: 'or';
  readonly children: readonly Expr[];
  readonly pos: Pos;
}

export interface NotExpr {
  readonly kind: 'not';
  readonly child: Expr;
  readonly pos: Pos;
}

/** A bare word standing for a whole condition: a macro name, resolved by the rules engine. */
export interface IdentifierExpr {
  readonly kind: 'identifier';
  readonly name: string;
  readonly pos: Pos;
}

/** `field exists`. */
export interface UnaryCheck {
  readonly kind: 'unary';
  readonly op: 'exists';
  readonly left: Operand;
  readonly pos: Pos;
}

export type ScalarOp =
  | '=' | '==' | '!=' | '<' | '<=' | '>' | '>='
  | 'contains' | 'icontains' | 'bcontains' | 'startswith' | 'bstartswith' | 'endswith'
  | 'glob' | 'iglob' | 'regex';
export type ListOp = 'in' | 'intersects' | 'pmatch';
export type BinaryOp = ScalarOp | ListOp;

/** `field op value`, `field in (a, b)`, `field = val(other.field)`. */
export interface BinaryCheck {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Operand;
  readonly right: RightOperand;
  readonly pos: Pos;
  /** Where the operator is (errors about the operator point there); absent in trees built by hand. */
  readonly opPos?: Pos;
}

/** The left side of a check (and the inside of val()). */
export type Operand = FieldExpr | TransformerExpr;

/** `proc.name`, `proc.aname[2]`, `proc.env[HOME]`, `evt.arg.fd` (the name includes `.fd`; the registry splits it). */
export interface FieldExpr {
  readonly kind: 'field';
  readonly name: string;
  /** The text between brackets, if any. */
  readonly arg?: string;
  readonly pos: Pos;
}

export type TransformerName = 'tolower' | 'toupper' | 'b64' | 'basename' | 'len';

/** `tolower(proc.name)`; `val(proc.pname)` (only on the right side: the other field's value, untransformed). */
export interface TransformerExpr {
  readonly kind: 'transformer';
  readonly name: TransformerName | 'val';
  readonly operand: Operand;
  readonly pos: Pos;
}

export type RightOperand = ValueExpr | ListExpr | Operand;

/** A literal. `quoted` records how it was written: only bare words can name a list to expand. */
export interface ValueExpr {
  readonly kind: 'value';
  readonly value: string;
  readonly quoted: boolean;
  readonly pos: Pos;
}

export interface ListItem {
  readonly value: string;
  readonly quoted: boolean;
  /** Where the item is written (errors about it point there); absent in trees built by hand. */
  readonly pos?: Pos;
}

/** `(a, "b c", d)`. */
export interface ListExpr {
  readonly kind: 'list';
  readonly items: readonly ListItem[];
  readonly pos: Pos;
}

export const START_POS: Pos = { index: 0, line: 1, col: 1 };
