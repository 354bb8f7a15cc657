// What Falco warns about in a rule's condition once macros are expanded: comparing ka.*/jevt.*
// fields with "<NA>", deprecated fields (evt.dir, evt.latency...), and, like libsinsp's filter
// compiler, literal values that look like mistakes: a field name or a transformer written as a
// constant (forgotten val()), a regex that simpler operators could do.
import type { BinaryCheck, Expr, FieldExpr, Operand, Pos } from '../filter/ast.js';
import { forEachNode } from '../filter/walk.js';
import { TRANSFORMERS } from '../filter/parser.js';
import type { FieldRegistry } from '../fields/types.js';
import { DEPRECATED_FIELDS } from './codes.js';

export interface ConditionFindings {
  readonly unsafeNaCheck: boolean;
  /** Deprecated fields used, in DEPRECATED_FIELDS order. */
  readonly deprecatedFields: readonly string[];
}

const EQUALITY_OPS: ReadonlySet<string> = new Set(['==', '=', '!=', 'in', 'intersects', 'pmatch']);

function isUnsafeField(name: string): boolean {
  return name.startsWith('ka.') || name.startsWith('jevt.');
}

export function conditionFindings(e: Expr): ConditionFindings {
  let unsafeNaCheck = false;
  const deprecated = new Set<string>();
  forEachNode(e, (n) => {
    if (n.kind === 'field' && DEPRECATED_FIELDS.some((d) => d.field === n.name)) deprecated.add(n.name);
    if (n.kind !== 'binary' || !EQUALITY_OPS.has(n.op) || !isUnsafeField(innerField(n.left).name)) return;
    const r = n.right;
    if ((r.kind === 'value' && r.value === '<NA>') || (r.kind === 'list' && r.items.some((i) => i.value === '<NA>'))) unsafeNaCheck = true;
  });
  return { unsafeNaCheck, deprecatedFields: DEPRECATED_FIELDS.map((d) => d.field).filter((f) => deprecated.has(f)) };
}

function innerField(o: Operand): FieldExpr {
  return o.kind === 'field' ? o : innerField(o.operand);
}

export interface ValueWarning {
  readonly message: string;
  readonly pos: Pos;
  /** The check the value is compared in. */
  readonly check: BinaryCheck;
}

const REGEX_SPECIAL = '.+*?^$()[]{}|\\';
const REGEX_OCCURRENCE = '+*?';
const ALL_TRANSFORMERS = [...TRANSFORMERS, 'val'];

/** The literal values of the condition that look like mistakes, in order. */
export function valueWarnings(e: Expr, registry: FieldRegistry): ValueWarning[] {
  const out: ValueWarning[] = [];
  const fieldName = fieldNameTest(registry);
  forEachNode(e, (n) => {
    if (n.kind !== 'binary') return;
    const r = n.right;
    if (r.kind !== 'value' && r.kind !== 'list') return;
    const values = r.kind === 'value' ? [r.value] : r.items.map((i) => i.value);
    for (const v of values) checkValue(n, v, r.pos, fieldName, out);
  });
  return out;
}

function checkValue(check: BinaryCheck, v: string, pos: Pos, isFieldName: (s: string) => boolean, out: ValueWarning[]): void {
  const nospaces = v.replace(/[ \t\n\v\f\r]/g, '');
  if (check.op === 'regex' && isPlainRegex(v)) {
    out.push({
      message: `regex check with '${v}' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'`,
      pos,
      check,
    });
  }
  if (isFieldName(nospaces)) out.push({ message: `'${v}' may be a valid field misused as a const string value`, pos, check });
  for (const t of ALL_TRANSFORMERS) {
    if (nospaces.length >= t.length + 2 && nospaces.startsWith(`${t}(`) && nospaces.endsWith(')')) {
      out.push({ message: `'${v}' may be a valid field transformer misused as a const string value`, pos, check });
    }
  }
}

/** A regex with no special character except anchors and a leading or trailing `.*`-like wildcard. */
function isPlainRegex(v: string): boolean {
  const len = v.length;
  for (let i = 0; i < len; i++) {
    if ((i === 0 && v[i] === '^') || (i === len - 1 && v[i] === '$')) continue;
    if (((i === 0 && len > 1) || i === len - 2) && v[i] === '.' && REGEX_OCCURRENCE.includes(v[i + 1])) {
      i++;
      continue;
    }
    if (REGEX_SPECIAL.includes(v[i])) return false;
  }
  return true;
}

const classPrefixes = new WeakMap<FieldRegistry, ReadonlySet<string>>();

/** Whether a whole text reads as a field (with its argument), as a field reference would. */
function fieldNameTest(registry: FieldRegistry): (text: string) => boolean {
  let prefixes = classPrefixes.get(registry);
  if (prefixes === undefined) {
    prefixes = new Set(registry.defs.map((d) => d.name.slice(0, d.name.indexOf('.') + 1)));
    classPrefixes.set(registry, prefixes);
  }
  const known = prefixes;
  return (text) => {
    const dot = text.indexOf('.');
    // Most values (paths, names) share no prefix with any field: skip the registry for them.
    if (dot <= 0 || !known.has(text.slice(0, dot + 1))) return false;
    try {
      return registry.match(text, 0).end === text.length;
    } catch (e) {
      // Filter-only fields exist, even if they cannot be printed.
      return e instanceof Error && e.message.includes('is filter only');
    }
  };
}
