// Reading typed properties out of YAML items, with Falco's validation errors
// (LOAD_ERR_YAML_VALIDATE: "Item has no mapping for key 'items'", "Value is not a sequence"...).
import { type Context, ITEM_TYPES } from './context.js';
import { RuleLoadError } from './result.js';
import { decodeBool, decodeUint32, get, type YMap, type YNode } from './yaml.js';

/** Throws LOAD_ERR_YAML_VALIDATE. */
export function raise(reason: string, ctx: Context): never {
  throw new RuleLoadError('LOAD_ERR_YAML_VALIDATE', reason, ctx);
}

export function fail(failed: boolean, reason: string, ctx: Context): void {
  if (failed) raise(reason, ctx);
}

type Converter<T> = (text: string) => T | undefined;

export const asString: Converter<string> = (s) => s;
export const asBool: Converter<boolean> = decodeBool;
export const asUint32: Converter<number> = decodeUint32;

interface DecodeMode {
  /** A missing key is not an error. */
  readonly optional: boolean;
  /** A null or empty value is not an error (and gives undefined). */
  readonly canBeEmpty: boolean;
}

const REQUIRED: DecodeMode = { optional: false, canBeEmpty: false };
const OPTIONAL: DecodeMode = { optional: true, canBeEmpty: false };
const OPTIONAL_EMPTY: DecodeMode = { optional: true, canBeEmpty: true };

function decode<T>(item: YMap, key: string, convert: Converter<T>, ctx: Context, mode: DecodeMode): T | undefined {
  const val = get(item, key);
  if (val === undefined && mode.optional) return undefined;
  if (val === undefined) raise(`Item has no mapping for key '${key}'`, ctx);
  if (val.kind === 'null' && mode.canBeEmpty) return undefined;
  fail(val.kind === 'null', `Mapping for key '${key}' is empty`, ctx);
  const valCtx = ctx.child(val.mark, ITEM_TYPES.VALUE_FOR, key);
  if (val.kind !== 'scalar') raise('Value is not a scalar value', valCtx);
  if (val.value === '' && mode.canBeEmpty) return undefined;
  fail(val.value === '', 'Value must be non-empty', valCtx);
  const out = convert(val.value);
  fail(out === undefined, "Can't decode YAML scalar value", valCtx);
  return out;
}

/** A required property. */
export function decodeValue<T>(item: YMap, key: string, convert: Converter<T>, ctx: Context): T {
  return decode(item, key, convert, ctx, REQUIRED)!;
}

/** An optional property: undefined when missing. */
export function decodeOptional<T>(item: YMap, key: string, convert: Converter<T>, ctx: Context): T | undefined {
  return decode(item, key, convert, ctx, OPTIONAL);
}

/** An optional property that may also be null or empty: undefined then. */
export function decodeOptionalEmpty<T>(item: YMap, key: string, convert: Converter<T>, ctx: Context): T | undefined {
  return decode(item, key, convert, ctx, OPTIONAL_EMPTY);
}

/** A sequence of strings; undefined when missing and optional. */
export function decodeStrings(item: YMap, key: string, ctx: Context, optional: boolean): string[] | undefined {
  const val = get(item, key);
  if (val === undefined && optional) return undefined;
  if (val === undefined) raise(`Item has no mapping for key '${key}'`, ctx);
  const valCtx = ctx.child(val.mark, ITEM_TYPES.VALUE_FOR, key);
  if (val.kind !== 'seq') raise('Value is not a sequence', valCtx);
  return val.items.map((v: YNode) => {
    const itemCtx = valCtx.child(v.mark, ITEM_TYPES.LIST_ITEM, '');
    if (v.kind !== 'scalar') raise('sequence value is not scalar', itemCtx);
    return v.value;
  });
}
