// Compile a condition into one closure over events. Everything that can be done once is done
// here: fields are bound through the registry, literals parsed to the field's type, patterns and
// sets built, so that evaluating an event is a few calls and comparisons.
//
// As in sinsp, a field with no value for an event (extract() returns undefined) makes every
// comparison on it false, `!=` included (so `not proc.name = x` and `proc.name != x` differ on
// events without a process); `exists` is the only way to test for the value itself.
import type { Event } from '../capture/event.js';
import { FieldError, type BoundField, type FieldRegistry, type FieldValue } from '../fields/types.js';
import type { Ast, BinaryCheck, Expr, FieldExpr, Operand, UnaryCheck } from './ast.js';
import { literalTest, listLiteralTest, pairTest, type Test } from './compare.js';
import { FilterCompileError } from './errors.js';
import { expandReferences, type ReferenceResolvers } from './expand.js';
import { isListOp, isNetType, operatorMismatch, typeName, valueClassOf } from './operators.js';
import { printOperand } from './print.js';
import { SharedSubexpressions, type Predicate } from './shared.js';
import { transformer, type Typed } from './transformers.js';


/** How to resolve macro and list names (without resolveMacro, a macro name is an error). */
export type CompileOptions = ReferenceResolvers;

/**
 * The predicate of a condition. Throws FilterCompileError for an unknown field, an operator that
 * does not apply to the field's type, a value that does not parse to it, an unresolved macro.
 */
export function compileCondition(ast: Ast, registry: FieldRegistry, opts: CompileOptions = {}): Predicate {
  return new Compiler(registry).expr(expandReferences(ast, opts));
}

/**
 * Conditions compiled together so that the subexpressions they share are evaluated once per event
 * (see shared.ts). Add every condition first, then compile each; before evaluating the predicates
 * on an event, call nextEvent().
 */
export class ConditionGroup {
  private readonly shared = new SharedSubexpressions();
  private readonly compiler: Compiler;

  constructor(registry: FieldRegistry, private readonly opts: CompileOptions = {}) {
    this.compiler = new Compiler(registry, this.shared);
  }

  /** Expands and registers a condition; the result is what compile() takes. Throws as compileCondition does. */
  add(ast: Ast): Expr {
    const expanded = expandReferences(ast, this.opts);
    this.shared.count(expanded);
    return expanded;
  }

  /** The predicate of a condition add() returned. Throws FilterCompileError as compileCondition does. */
  compile(added: Expr): Predicate {
    return this.compiler.expr(added);
  }

  nextEvent(): void {
    this.shared.nextEvent();
  }
}

/** One side of a comparison: how to read it from an event, and its type. */
interface Source extends Typed {
  readonly get: (evt: Event) => FieldValue;
  /** The plain field it reads, when it is one (no transformer): for its candidates. */
  readonly field?: BoundField;
  readonly text: string;
}

class Compiler {
  /** Whether the expression being compiled reads a field that keeps state between events. */
  private readsState = false;

  constructor(private readonly registry: FieldRegistry, private readonly shared?: SharedSubexpressions) {}

  expr(e: Expr): Predicate {
    if (this.shared === undefined) return this.compileExpr(e);
    return this.shared.predicate(e, () => {
      const outer = this.readsState;
      this.readsState = false;
      const predicate = this.compileExpr(e);
      const pure = !this.readsState;
      this.readsState ||= outer;
      return { predicate, pure };
    });
  }

  private compileExpr(e: Expr): Predicate {
    switch (e.kind) {
      case 'and': {
        const parts = e.children.map((c) => this.expr(c));
        if (parts.length === 2) {
          const [a, b] = parts as [Predicate, Predicate];
          return (evt) => a(evt) && b(evt);
        }
        return (evt) => {
          for (const p of parts) if (!p(evt)) return false;
          return true;
        };
      }
      case 'or': {
        const parts = e.children.map((c) => this.expr(c));
        if (parts.length === 2) {
          const [a, b] = parts as [Predicate, Predicate];
          return (evt) => a(evt) || b(evt);
        }
        return (evt) => {
          for (const p of parts) if (p(evt)) return true;
          return false;
        };
      }
      case 'not': {
        const p = this.expr(e.child);
        return (evt) => !p(evt);
      }
      case 'identifier':
        // expandReferences has replaced every macro; one left means a resolver returned it unexpanded.
        throw new FilterCompileError('macro', `unexpected identifier '${e.name}'`, e.pos);
      case 'unary':
      case 'binary':
        try {
          return e.kind === 'unary' ? this.exists(e) : this.binary(e);
        } catch (err) {
          if (err instanceof FilterCompileError) err.check ??= e;
          throw err;
        }
    }
  }

  private exists(e: UnaryCheck): Predicate {
    const src = this.operand(e.left);
    const field = src.field;
    const candidates = field?.candidates;
    if (candidates !== undefined) {
      const out: FieldValue[] = [];
      return (evt) => candidates(evt, out) > 0;
    }
    const get = src.get;
    return (evt) => get(evt) !== undefined;
  }

  private binary(e: BinaryCheck): Predicate {
    const left = this.operand(e.left);
    // A single-value operator on a list field, where the registry allows it: true when one item satisfies it.
    const anyItem = left.isList && !isListOp(e.op) && this.registry.anyItemOperators === true;
    const mismatch = operatorMismatch(e.op, left.type, left.isList && !anyItem);
    // An error about the operator points at the operator, one about a value at that value.
    if (mismatch !== undefined) throw new FilterCompileError('operator', mismatch, e.opPos ?? e.pos);
    const right = e.right;
    if (right.kind === 'field' || right.kind === 'transformer') return this.fieldComparison(e, left, this.operand(right));

    const literals = right.kind === 'value' ? [right.value] : right.items.map((i) => i.value);
    if (!isListOp(e.op) && literals.length !== 1) {
      throw new FilterCompileError('operator', `'${e.op}' operator takes a single value, not a list`, right.pos);
    }
    const field = left.field;
    const checkValue = field?.checkValue;
    if (checkValue !== undefined) {
      const items = right.kind === 'value' ? [{ value: right.value, pos: right.pos }] : right.items;
      for (const item of items) {
        try {
          checkValue(item.value);
        } catch (err) {
          throw new FilterCompileError('value', (err as Error).message, item.pos ?? right.pos);
        }
      }
    }
    let test: Test;
    try {
      test = anyItem ? anyItemTest(literalTest(e.op, left.type, literals))
        : left.isList ? listLiteralTest(e.op, left.type, literals) : literalTest(e.op, left.type, literals);
    } catch (err) {
      throw new FilterCompileError('value', (err as Error).message, right.pos);
    }
    if (field?.candidates !== undefined) return withCandidates(field.candidates, test, e.op === '!=' && field.neAll === true);
    const get = left.get;
    return (evt) => {
      const v = get(evt);
      return v !== undefined && test(v);
    };
  }

  /** `left op val(field)` or `left op transformer(field)`: both sides read per event. */
  private fieldComparison(e: BinaryCheck, left: Source, right: Source): Predicate {
    if (e.op === 'pmatch' || e.op === 'regex') {
      throw new FilterCompileError('operator', `operator '${e.op}' doesn't support right-hand side fields`, e.opPos ?? e.right.pos);
    }
    if (isNetType(left.type)) {
      throw new FilterCompileError('operator', `field type '${typeName(left.type)}' doesn't support right-hand side fields`, e.pos);
    }
    // sinsp wants the very same type; we accept types that compare alike (FSPATH and CHARBUF...).
    if (valueClassOf(left.type) !== valueClassOf(right.type) || left.isList !== right.isList) {
      const desc = (s: Source): string => `'${typeName(s.type)}${s.isList ? ' (list)' : ''}'`;
      throw new FilterCompileError(
        'operator',
        `field '${left.text}' has type ${desc(left)} while the right-hand side field '${right.text}' has incompatible type ${desc(right)}`,
        e.right.pos,
      );
    }
    const test = pairTest(e.op, left.type, left.isList);
    const getLeft = left.get;
    const getRight = right.get;
    return (evt) => {
      const l = getLeft(evt);
      if (l === undefined) return false;
      const r = getRight(evt);
      return r !== undefined && test(l, r);
    };
  }

  private operand(o: Operand): Source {
    if (o.kind === 'field') {
      const { field, value } = this.shared?.field(o.name, o.arg, () => this.bind(o)) ?? this.unshared(this.bind(o));
      return { get: value, type: field.type, isList: field.def.isList === true, field, text: field.text };
    }
    const inner = this.operand(o.operand);
    if (o.name === 'val') return inner;
    const tr = transformer(o.name);
    const typed = tr.resultType(inner);
    if (typed === undefined) {
      throw new FilterCompileError(
        'transformer',
        `can't add field transformer: type '${typeName(inner.type)}' is not supported by '${o.name}' transformer applied on ${inner.isList ? 'list ' : ''}field '${inner.text}'`,
        o.pos,
      );
    }
    const get = inner.get;
    const from: Typed = { type: inner.type, isList: inner.isList };
    return {
      get: (evt) => {
        const v = get(evt);
        return v === undefined ? undefined : tr.apply(v, from);
      },
      type: typed.type,
      isList: typed.isList,
      text: printOperand(o),
    };
  }

  private unshared(field: BoundField): { field: BoundField; value: (evt: Event) => FieldValue } {
    return { field, value: (evt) => field.extract(evt) };
  }

  private bind(f: FieldExpr): BoundField {
    try {
      const field = this.registry.bind(f.name, f.arg);
      if (field.def.keepsState === true) this.readsState = true;
      return field;
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      const text = printOperand(f);
      // Like sinsp, a name is known when a field's name is a prefix of it and the rest can be its argument.
      const known = this.registry.defs.some((d) => d.name === f.name || (d.arg !== 'none' && f.name.startsWith(d.name)));
      if (!known) throw new FilterCompileError('unknown-field', `filter_check called with nonexistent field ${text}`, f.pos);
      throw new FilterCompileError('field-arg', `${err.message} (in '${text}')`, f.pos);
    }
  }
}

function withCandidates(candidates: NonNullable<BoundField['candidates']>, test: Test, all: boolean): Predicate {
  const out: FieldValue[] = [];
  if (all) {
    return (evt) => {
      const n = candidates(evt, out);
      if (n === 0) return false;
      for (let i = 0; i < n; i++) {
        const v = out[i];
        if (v !== undefined && !test(v)) return false;
      }
      return true;
    };
  }
  return (evt) => {
    const n = candidates(evt, out);
    for (let i = 0; i < n; i++) {
      const v = out[i];
      if (v !== undefined && test(v)) return true;
    }
    return false;
  };
}

/** A test of one value applied to a list's items: true when one of them passes. */
function anyItemTest(test: Test): Test {
  return (v) => (Array.isArray(v) ? (v as readonly Parameters<Test>[0][]).some(test) : test(v));
}
