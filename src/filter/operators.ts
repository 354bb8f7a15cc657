// The operator table: how each operator is written, what it takes on its right, and which kinds
// of field values it applies to (libsinsp's flt_is_comparable).
import { ParamType } from '../capture/event-types.js';
import type { BinaryOp } from './ast.js';

export type OperatorName = BinaryOp | 'exists';

/**
 * How field values compare, by field type. 'ip' covers addresses and networks; field types with no
 * comparison at all (socket tuples, fd lists...) have no class and only support `exists`.
 */
export type ValueClass = 'number' | 'bool' | 'string' | 'bytes' | 'ip';

export interface OperatorInfo {
  readonly name: OperatorName;
  /** unary: nothing on the right; scalar: one value (or val()/a transformer); list: a list of values. */
  readonly arity: 'unary' | 'scalar' | 'list';
  /** Word operators must be followed by a blank (`contains x`, not `containsx`). */
  readonly needsBlank: boolean;
  readonly accepts: ReadonlySet<ValueClass>;
}

const NUMBER_OPS = ['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'intersects'];
const BOOL_OPS = ['=', '==', '!=', 'in', 'intersects'];
const STRING_OPS = [
  '=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'in', 'icontains', 'startswith', 'glob',
  'pmatch', 'endswith', 'intersects', 'iglob', 'regex',
];
const BYTES_OPS = ['=', '==', '!=', 'contains', 'in', 'startswith', 'endswith', 'intersects', 'bcontains', 'bstartswith'];
const IP_OPS = ['=', '==', '!=', 'in', 'intersects'];
/** Field types whose list-valued fields can be compared (with in/intersects only). */
const LIST_TYPES: ReadonlySet<ParamType> = new Set([
  ParamType.CHARBUF, ParamType.UINT64, ParamType.RELTIME, ParamType.ABSTIME, ParamType.BOOL, ParamType.IPADDR, ParamType.IPNET,
]);
const LIST_OPS = ['in', 'intersects'];

function op(name: OperatorName, arity: OperatorInfo['arity'], needsBlank: boolean): OperatorInfo {
  const accepts = new Set<ValueClass>();
  if (NUMBER_OPS.includes(name)) accepts.add('number');
  if (BOOL_OPS.includes(name)) accepts.add('bool');
  if (STRING_OPS.includes(name)) accepts.add('string');
  if (BYTES_OPS.includes(name)) accepts.add('bytes');
  if (IP_OPS.includes(name)) accepts.add('ip');
  return { name, arity, needsBlank, accepts };
}

/** In the order the lexer tries them: longer symbols before their prefixes, `intersects` before `in`. */
export const OPERATORS: readonly OperatorInfo[] = [
  op('exists', 'unary', false),
  op('<=', 'scalar', false), op('<', 'scalar', false), op('>=', 'scalar', false), op('>', 'scalar', false),
  op('==', 'scalar', false), op('=', 'scalar', false), op('!=', 'scalar', false),
  op('glob', 'scalar', true), op('iglob', 'scalar', true),
  op('contains', 'scalar', true), op('icontains', 'scalar', true), op('bcontains', 'scalar', true),
  op('startswith', 'scalar', true), op('bstartswith', 'scalar', true), op('endswith', 'scalar', true),
  op('regex', 'scalar', true),
  op('intersects', 'list', false), op('in', 'list', false), op('pmatch', 'list', false),
];

export const OPERATOR_BY_NAME: ReadonlyMap<OperatorName, OperatorInfo> = new Map(OPERATORS.map((o) => [o.name, o]));

export function operatorInfo(name: OperatorName): OperatorInfo {
  return OPERATOR_BY_NAME.get(name)!;
}

export function isListOp(name: OperatorName): boolean {
  return operatorInfo(name).arity === 'list';
}

export function valueClassOf(type: ParamType): ValueClass | undefined {
  switch (type) {
    case ParamType.INT8: case ParamType.INT16: case ParamType.INT32: case ParamType.INT64:
    case ParamType.UINT8: case ParamType.UINT16: case ParamType.UINT32: case ParamType.UINT64:
    case ParamType.ERRNO: case ParamType.FD: case ParamType.PID: case ParamType.SYSCALLID:
    case ParamType.SIGTYPE: case ParamType.RELTIME: case ParamType.ABSTIME: case ParamType.PORT:
    case ParamType.L4PROTO: case ParamType.FLAGS8: case ParamType.FLAGS16: case ParamType.FLAGS32:
    case ParamType.DOUBLE: case ParamType.MODE: case ParamType.UID: case ParamType.GID:
    case ParamType.ENUMFLAGS8: case ParamType.ENUMFLAGS16: case ParamType.ENUMFLAGS32:
    case ParamType.FD32: case ParamType.PID32:
      return 'number';
    case ParamType.BOOL:
      return 'bool';
    case ParamType.CHARBUF: case ParamType.FSPATH: case ParamType.FSRELPATH:
      return 'string';
    case ParamType.BYTEBUF:
      return 'bytes';
    case ParamType.IPV4ADDR: case ParamType.IPV6ADDR: case ParamType.IPADDR:
    case ParamType.IPV4NET: case ParamType.IPV6NET: case ParamType.IPNET:
      return 'ip';
    default:
      return undefined;
  }
}

export function isNetType(type: ParamType): boolean {
  return type === ParamType.IPV4NET || type === ParamType.IPV6NET || type === ParamType.IPNET;
}

const TYPE_NAMES = new Map<number, string>(Object.entries(ParamType).map(([k, v]) => [v, k]));

/** The type's name as libsinsp spells it in messages (CHARBUF, UINT64...). */
export function typeName(type: ParamType): string {
  return TYPE_NAMES.get(type) ?? String(type);
}

const CLASS_WORDS: Record<ValueClass, string> = {
  number: 'numeric filters', bool: 'numeric filters', string: 'string filters', bytes: 'buffer filters',
  ip: 'ip address and network filters',
};

/** Why `op` cannot compare values of this type, or undefined when it can. */
export function operatorMismatch(name: OperatorName, type: ParamType, isList: boolean): string | undefined {
  if (name === 'exists') return undefined;
  if (isList) {
    if (!LIST_TYPES.has(type)) return `list filters are not supported for type '${typeName(type)}'`;
    return LIST_OPS.includes(name) ? undefined : `'${name}' operator not supported list filters`;
  }
  const cls = valueClassOf(type);
  if (cls === undefined) return `'${name}' operator not supported for type '${typeName(type)}'`;
  return operatorInfo(name).accepts.has(cls) ? undefined : `'${name}' operator not supported for ${CLASS_WORDS[cls]}`;
}
