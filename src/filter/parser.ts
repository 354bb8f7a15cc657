// Recursive-descent parser of sysdig/Falco conditions.
//
// Grammar (EBNF; Blank is any run of space, tab, backspace, CR, LF, VT, FF):
//
//   Condition    ::= OrExpr EOF
//   OrExpr       ::= AndExpr ( 'or' (Blank | &'(') AndExpr )*
//   AndExpr      ::= NotExpr ( 'and' (Blank | &'(') NotExpr )*
//   NotExpr      ::= ( 'not' Blank )* ( 'not(' OrExpr ')' | Check )    -- an even number of nots cancels
//   Check        ::= '(' OrExpr ')'
//                  | Operand 'exists'
//                  | Operand ScalarOp ( RhsOperand | Quoted | BareValue )
//                  | Operand ListOp ( List | RhsOperand | Identifier )
//                  | Identifier                                           -- a macro name
//   Operand      ::= Field | Transformer '(' Operand ')'
//   RhsOperand   ::= 'val(' Field ')' | Transformer '(' Operand ')'
//   Field        ::= FieldName ( '[' ( Quoted | FieldArg ) ']' )?
//   List         ::= '(' ( Item ( ',' Item )* )? ')'
//   Item         ::= Quoted | BareItem
//   Transformer  ::= 'tolower' | 'toupper' | 'b64' | 'basename' | 'len'
//   ScalarOp     ::= '<=' | '<' | '>=' | '>' | '==' | '=' | '!='
//                  | ( 'glob' | 'iglob' | 'contains' | 'icontains' | 'bcontains' | 'startswith'
//                    | 'bstartswith' | 'endswith' | 'regex' ) Blank
//   ListOp       ::= 'intersects' | 'in' | 'pmatch'
//
//   FieldName    ::= [a-zA-Z][a-zA-Z0-9_]* ( '.' [a-zA-Z][a-zA-Z0-9_]* )+
//   Identifier   ::= [a-zA-Z][a-zA-Z0-9_]*
//   FieldArg     ::= [^][" ' Blank]+
//   BareValue    ::= [^()"' Blank] [^() Blank]*
//   BareItem     ::= [^(),"' Blank] [^(), Blank]*
//   Quoted       ::= '"' ( '\' any | [^"\] )* '"' | "'" ( '\' any | [^'\] )* "'"
//
// Blanks may appear between any two tokens except inside Field and before a word operator's
// required Blank. Escapes in quoted strings: \b \f \n \r \t \\ \/ \" \' \xHH, and "\ " for a
// backslash (Falco's reading); other escapes stay as written.
//
// This is libsinsp's current grammar (falcosecurity/libs, userspace/libsinsp/filter/parser.h)
// with three widenings, none of which changes the meaning of a condition that grammar accepts:
// numeric operators take any value (sysdig 0.29 accepts `proc.name > abc`; whether the value
// parses is the compiler's business), bare values may contain `=`, `,` and quotes after the
// first character (sysdig accepts `evt.args contains fd=3`), and bare list items may contain `=`.
// Not supported: the oneof/anyof/allof operator modifiers and the multi-argument join/concat/getopt
// transformers that the most recent libs added (no stock rule uses them).
import type {
  Ast, BinaryCheck, BinaryOp, Expr, FieldExpr, ListExpr, ListItem, Operand, Pos, RightOperand,
  TransformerExpr, TransformerName, ValueExpr,
} from './ast.js';
import { Scanner } from './lexer.js';
import { OPERATORS, type OperatorInfo } from './operators.js';

export const TRANSFORMERS: readonly TransformerName[] = ['tolower', 'toupper', 'b64', 'basename', 'len'];

export interface ParseOptions {
  /**
   * Reject `a and b or c` without parentheses, as sysdig 0.29 does ("expression mixes 'and' and
   * 'or' in an ambiguous way"); Falco reads it as `(a and b) or c`.
   */
  readonly rejectMixedAndOr?: boolean;
  /** Nesting limit, against stack exhaustion on hostile input (Falco uses 1000). */
  readonly maxDepth?: number;
}

const OPERATOR_LIST = OPERATORS.map((o) => `'${o.name}'`).join(', ');
/** Each transformer with the text that starts a call of it. */
const TRANSFORMER_CALLS = TRANSFORMERS.map((t) => [t, `${t}(`] as const);
const TRANSFORMER_LIST = ['val', ...TRANSFORMERS].map((t) => `'${t}'`).join(', ');

/** Parse a condition; throws FilterSyntaxError with the position of the problem. */
export function parseCondition(text: string, options: ParseOptions = {}): Ast {
  return new Parser(text, options).parse();
}

class Parser {
  private readonly s: Scanner;
  private depth = 0;
  private readonly maxDepth: number;
  /** and-groups written without parentheses: an or over one of them is what rejectMixedAndOr rejects. */
  private readonly bareAnds = new WeakSet<Expr>();

  constructor(text: string, private readonly options: ParseOptions) {
    this.s = new Scanner(text);
    this.maxDepth = options.maxDepth ?? 1000;
  }

  parse(): Ast {
    const s: Scanner = this.s;
    if (s.text.length === 0) s.fail('filter input string is empty');
    const ast = this.parseOr();
    s.skipBlanks();
    if (!s.atEnd()) s.fail(`unexpected token after '${s.lastToken}', expecting 'or', 'and'`);
    return ast;
  }

  private enter(): void {
    if (++this.depth >= this.maxDepth) this.s.fail(`exceeded max depth limit of ${this.maxDepth}`);
  }

  private parseOr(): Expr {
    this.enter();
    const s: Scanner = this.s;
    s.skipBlanks();
    const pos = s.pos();
    const children = [this.parseAnd()];
    let mixed = this.bareAnds.has(children[0]);
    s.skipBlanks();
    while (this.tryKeyword('or')) {
      const child = this.parseAnd();
      if (this.bareAnds.has(child)) mixed = true;
      children.push(child);
      s.skipBlanks();
    }
    this.depth--;
    if (children.length === 1) return children[0];
    if (mixed && this.options.rejectMixedAndOr) {
      s.fail("expression mixes 'and' and 'or' in an ambiguous way. Please use brackets.");
    }
    return { kind: 'or', children, pos };
  }

  private parseAnd(): Expr {
    this.enter();
    const s: Scanner = this.s;
    s.skipBlanks();
    const pos = s.pos();
    const children = [this.parseNot()];
    s.skipBlanks();
    while (this.tryKeyword('and')) {
      children.push(this.parseNot());
      s.skipBlanks();
    }
    this.depth--;
    if (children.length === 1) return children[0];
    const and: Expr = { kind: 'and', children, pos };
    this.bareAnds.add(and);
    return and;
  }

  /** `and`/`or`, which must be followed by a blank or an opening parenthesis. */
  private tryKeyword(word: 'and' | 'or'): boolean {
    const s: Scanner = this.s;
    if (!s.tryLiteral(word)) return false;
    if (!s.skipBlanks() && s.peek() !== '(') s.fail(`expected blank or '(' after '${word}'`);
    return true;
  }

  private parseNot(): Expr {
    this.enter();
    const s: Scanner = this.s;
    s.skipBlanks();
    const pos = s.pos();
    let negate = false;
    while (s.tryNotBlank()) negate = !negate;
    let child: Expr;
    if (s.tryLiteral('not(')) {
      negate = !negate;
      child = this.parseParenthesizedRest();
    } else {
      child = this.parseCheck();
    }
    this.depth--;
    return negate ? { kind: 'not', child, pos } : child;
  }

  /** After an opening parenthesis: a whole expression and the closing one. */
  private parseParenthesizedRest(): Expr {
    const s: Scanner = this.s;
    const e = this.parseOr();
    s.skipBlanks();
    if (!s.tryLiteral(')')) s.fail("expected a ')' token");
    this.bareAnds.delete(e);
    return e;
  }

  private parseCheck(): Expr {
    this.enter();
    const s: Scanner = this.s;
    s.skipBlanks();
    const pos = s.pos();
    let result: Expr;
    if (s.tryLiteral('(')) {
      result = this.parseParenthesizedRest();
    } else {
      const left = this.tryOperand();
      if (left !== undefined) {
        result = this.parseCondition(left, pos);
      } else {
        const name = s.tryToken('identifier');
        if (name === undefined) s.fail("expected a '(' token, a field check, or an identifier");
        result = { kind: 'identifier', name, pos };
      }
    }
    this.depth--;
    return result;
  }

  /** A field or a transformer applied to one. */
  private tryOperand(): Operand | undefined {
    const s: Scanner = this.s;
    const pos = s.pos();
    const name = s.tryToken('fieldName');
    if (name !== undefined) return this.parseFieldRest(name, pos);
    const transformer = this.tryTransformerName();
    if (transformer === undefined) return undefined;
    return this.parseTransformerRest(transformer, pos);
  }

  private tryTransformerName(): TransformerName | undefined {
    for (const [t, call] of TRANSFORMER_CALLS) if (this.s.tryLiteral(call)) return t;
    return undefined;
  }

  private parseFieldRest(name: string, pos: Pos): FieldExpr {
    const s: Scanner = this.s;
    if (!s.tryLiteral('[')) return { kind: 'field', name, pos };
    const arg = s.tryQuoted() ?? s.tryToken('fieldArg');
    if (arg === undefined) s.fail('expected a valid field argument: a quoted string or a bare string');
    if (!s.tryLiteral(']')) s.fail("expected a ']' token");
    return { kind: 'field', name, arg, pos };
  }

  /** After `name(`: the operand and the closing parenthesis. */
  private parseTransformerRest(name: TransformerName | 'val', pos: Pos): TransformerExpr {
    this.enter();
    const s: Scanner = this.s;
    s.skipBlanks();
    let operand: Operand | undefined;
    if (name === 'val') {
      const fpos = s.pos();
      const field = s.tryToken('fieldName');
      if (field === undefined) s.fail("expected a field within 'val' transformer");
      operand = this.parseFieldRest(field, fpos);
    } else {
      operand = this.tryOperand();
      if (operand === undefined) s.fail(`expected a field or a nested valid transformer: ${TRANSFORMER_LIST}`);
    }
    s.skipBlanks();
    if (!s.tryLiteral(')')) s.fail("expected a ')' token closing the transformer");
    this.depth--;
    return { kind: 'transformer', name, operand, pos };
  }

  private parseCondition(left: Operand, pos: Pos): Expr {
    const s: Scanner = this.s;
    s.skipBlanks();
    const opPos = s.pos();
    const op = this.tryOperator();
    if (op === undefined) s.fail(`expected a valid check operator: one of ${OPERATOR_LIST}`);
    if (op.arity === 'unary') return { kind: 'unary', op: 'exists', left, pos };
    s.skipBlanks();
    const right = op.arity === 'list' ? this.parseListRight() : this.parseScalarRight();
    return { kind: 'binary', op: op.name as BinaryOp, left, right, pos, opPos } satisfies BinaryCheck;
  }

  private tryOperator(): OperatorInfo | undefined {
    const s: Scanner = this.s;
    for (const op of OPERATORS) {
      if (op.needsBlank ? s.tryWordThenBlank(op.name) : s.tryLiteral(op.name)) return op;
    }
    return undefined;
  }

  /** `val(field)` or a transformer, on the right of a check. */
  private tryRhsOperand(): Operand | undefined {
    const s: Scanner = this.s;
    const pos = s.pos();
    if (s.tryLiteral('val(')) return this.parseTransformerRest('val', pos);
    const transformer = this.tryTransformerName();
    return transformer === undefined ? undefined : this.parseTransformerRest(transformer, pos);
  }

  private parseScalarRight(): RightOperand {
    const s: Scanner = this.s;
    const pos = s.pos();
    const operand = this.tryRhsOperand();
    if (operand !== undefined) return operand;
    const quoted = s.tryQuoted();
    if (quoted !== undefined) return value(quoted, true, pos);
    const bare = s.tryToken('bareValue');
    if (bare !== undefined) return value(bare, false, pos);
    return s.fail(`expected a string value or a field with a valid transformer: ${TRANSFORMER_LIST}`);
  }

  private parseListRight(): RightOperand {
    const s: Scanner = this.s;
    const pos = s.pos();
    if (s.tryLiteral('(')) return this.parseListRest(pos);
    const operand = this.tryRhsOperand();
    if (operand !== undefined) return operand;
    const name = s.tryToken('identifier');
    if (name !== undefined) return value(name, false, pos);
    return s.fail(`expected a list, an identifier, or a field with a valid transformer: ${TRANSFORMER_LIST}`);
  }

  /** After the opening parenthesis of a list. */
  private parseListRest(pos: Pos): ListExpr {
    const s: Scanner = this.s;
    const items: ListItem[] = [];
    s.skipBlanks();
    if (!s.tryLiteral(')')) {
      for (;;) {
        s.skipBlanks();
        items.push(this.parseListItem());
        s.skipBlanks();
        if (s.tryLiteral(')')) break;
        if (!s.tryLiteral(',')) s.fail("expected either ')' or ',' after a value inside the list");
      }
    }
    return { kind: 'list', items, pos };
  }

  private parseListItem(): ListItem {
    const s: Scanner = this.s;
    const pos = s.pos();
    const quoted = s.tryQuoted();
    if (quoted !== undefined) return { value: quoted, quoted: true, pos };
    const bare = s.tryToken('bareItem');
    if (bare === undefined) s.fail('expected a list value: a quoted string or a bare string');
    return { value: bare, quoted: false, pos };
  }
}

function value(v: string, quoted: boolean, pos: Pos): ValueExpr {
  return { kind: 'value', value: v, quoted, pos };
}
