// Rule exceptions: their validation (fields that exist, comparison operators, matching lengths)
// and how Falco folds them into the rule's condition, as text:
//   (COND) and not (F1 C1 V1 and F2 C2 V2) or (...)   -- fields as a list: one tuple per value
//   (COND) and not (F C (V1, V2))                       -- a single field: one list of values
// Values are written as Falco writes them: a value with a space is double-quoted unless it already
// starts with a quote (inner quotes are not escaped), a single value for a list operator is put in
// parentheses unless it starts with one, a list value becomes a parenthesized list.
import { OPERATORS } from '../filter/operators.js';
import { check } from './result.js';
import { type ExceptionEntry, type ExceptionInfo, isValidEntry, listEntry, scalarEntry } from './infos.js';

const OPERATOR_NAMES: ReadonlySet<string> = new Set(OPERATORS.map((o) => o.name));
const LIST_OPERATORS: ReadonlySet<string> = new Set(['in', 'intersects', 'pmatch']);
/** String operators that accept a oneof/anyof/allof modifier (`startswith oneof`). */
const MODIFIABLE: ReadonlySet<string> = new Set([
  '=', '==', '!=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex',
]);

function isOperatorWithModifier(op: string): boolean {
  const m = /^(\S+)\s+(oneof|anyof|allof)$/.exec(op);
  return m !== null && MODIFIABLE.has(m[1]);
}

function isListOperator(op: string): boolean {
  return LIST_OPERATORS.has(op) || isOperatorWithModifier(op);
}

/** Leading and trailing blanks off a comparison operator. */
function normalizeComp(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/**
 * The exception with its comps defaulted (`=` for each field of a list, `in` for a single field)
 * and normalized; throws LOAD_ERR_VALIDATE for mismatched lengths, unknown operators, and (when
 * the rule's source is known) fields that do not exist.
 */
export function validateException(ex: ExceptionInfo, isValidField: ((f: string) => boolean) | undefined): ExceptionInfo {
  const fail = (failed: boolean, reason: string): void => check(failed, 'LOAD_ERR_VALIDATE', reason, ex.ctx);
  let comps = ex.comps;
  if (ex.fields.isList) {
    if (!isValidEntry(comps)) comps = listEntry(ex.fields.items.map(() => scalarEntry('=')));
    fail(ex.fields.items.length !== comps.items.length, 'Fields and comps lists must have equal length');
    comps = listEntry(comps.items.map((c) => ({ ...c, item: normalizeComp(c.item) })));
    for (const c of comps.items) {
      fail(!OPERATOR_NAMES.has(c.item) && !isOperatorWithModifier(c.item), `'${c.item}' is not a supported comparison operator`);
    }
    if (isValidField) for (const f of ex.fields.items) fail(!isValidField(f.item), `'${f.item}' is not a supported filter field`);
  } else {
    if (!isValidEntry(comps)) comps = scalarEntry('in');
    fail(comps.isList, 'Fields and comps must both be strings');
    comps = scalarEntry(normalizeComp(comps.item));
    fail(
      !LIST_OPERATORS.has(comps.item) && !isOperatorWithModifier(comps.item),
      'When fields is a single value, comps must be one of (in, pmatch, intersects) or a modifier operator (e.g. startswith oneof)',
    );
    if (isValidField) fail(!isValidField(ex.fields.item), `'${ex.fields.item}' is not a supported filter field`);
  }
  return { ...ex, comps };
}

function quoteItem(e: string): string {
  return e.includes(' ') && e[0] !== '"' && e[0] !== "'" ? `"${e}"` : e;
}

function parenItem(e: string): string {
  return e[0] !== '(' ? `(${e})` : e;
}

/**
 * The rule condition with its exceptions folded in, and the fields the exceptions compare.
 * Throws LOAD_ERR_VALIDATE for values that do not match the fields.
 */
export function foldExceptions(condition: string, exceptions: readonly ExceptionInfo[]): { condition: string; fields: Set<string> } {
  const fields = new Set<string>();
  let out = `(${condition})`;
  for (const ex of exceptions) {
    const part = ex.fields.isList ? tupleCondition(ex, fields) : singleFieldCondition(ex, fields);
    if (part !== '') out += ` and not ${part}`;
  }
  return { condition: out, fields };
}

function singleFieldCondition(ex: ExceptionInfo, fields: Set<string>): string {
  if (ex.values.length === 0) return '';
  const values: string[] = [];
  for (const v of ex.values) {
    check(v.isList, 'LOAD_ERR_VALIDATE', 'Expected values array to contain a list of strings', ex.ctx);
    fields.add(ex.fields.item);
    values.push(quoteItem(v.item));
  }
  return `(${ex.fields.item} ${ex.comps.item} (${values.join(', ')}))`;
}

function tupleCondition(ex: ExceptionInfo, fields: Set<string>): string {
  const tuples: string[] = [];
  for (const values of ex.values) {
    check(ex.fields.items.length !== values.items.length, 'LOAD_ERR_VALIDATE', 'Fields and values lists must have equal length', ex.ctx);
    const checks = ex.fields.items.map((field, k) => {
      const comp = ex.comps.items[k].item;
      const value = values.items[k];
      fields.add(field.item);
      return ` ${field.item} ${comp} ${valueText(value, comp)}`;
    });
    tuples.push(`(${checks.join(' and ')})`);
  }
  return tuples.length === 0 ? '' : `(${tuples.join(' or ')})`;
}

function valueText(value: ExceptionEntry, comp: string): string {
  if (value.isList) return `(${value.items.map((v) => quoteItem(v.item)).join(', ')})`;
  return isListOperator(comp) ? parenItem(value.item) : quoteItem(value.item);
}
