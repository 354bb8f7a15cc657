// Field transformers: tolower(f), toupper(f), b64(f), basename(f), len(f). Each declares the
// field types it applies to and the type it yields (as libsinsp's transform_type does), and maps
// an extracted value; a value it cannot map (b64 of something that is not base64) is no value.
import { ParamType } from '../capture/event-types.js';
import type { FieldValue } from '../fields/types.js';
import { asciiLower, asciiUpper } from './ascii.js';
import type { TransformerName } from './ast.js';

export interface Typed {
  readonly type: ParamType;
  readonly isList: boolean;
}

interface Transformer {
  /** The transformed type, or undefined when the transformer does not apply to this type. */
  resultType(t: Typed): Typed | undefined;
  apply(v: Exclude<FieldValue, undefined>, from: Typed): FieldValue;
}

const STRING_TYPES: ReadonlySet<ParamType> = new Set([ParamType.CHARBUF, ParamType.FSPATH, ParamType.FSRELPATH]);

const isList = (v: FieldValue): v is readonly (string | number)[] => Array.isArray(v);

/** A transformer working on each string (of a value or of a list). */
function stringMapper(accepts: ReadonlySet<ParamType>, f: (s: string) => string): Transformer {
  return {
    resultType: (t) => (accepts.has(t.type) ? t : undefined),
    apply: (v) => (typeof v === 'string' ? f(v) : isList(v) ? v.map((x) => (typeof x === 'string' ? f(x) : x)) : v),
  };
}

const basename = (s: string): string => s.slice(s.lastIndexOf('/') + 1);

const BASE64 = /^[A-Za-z0-9+/]*$/;

/** Strict base64 (standard alphabet, padding optional); undefined when the text is not base64. */
export function decodeBase64(s: string): Buffer | undefined {
  let body = s;
  if (body.endsWith('==')) body = body.slice(0, -2);
  else if (body.endsWith('=')) body = body.slice(0, -1);
  if (!BASE64.test(body) || body.length % 4 === 1) return undefined;
  return Buffer.from(body, 'base64');
}

/** A buffer read as a C string: up to its first NUL. */
export function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul < 0 ? b.length : nul);
}

const TRANSFORMERS: Record<TransformerName, Transformer> = {
  tolower: stringMapper(STRING_TYPES, asciiLower),
  toupper: stringMapper(STRING_TYPES, asciiUpper),
  basename: stringMapper(STRING_TYPES, basename),
  b64: {
    resultType: (t) => (t.type === ParamType.CHARBUF || t.type === ParamType.BYTEBUF ? t : undefined),
    apply: (v, from) => {
      const text = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('latin1') : undefined;
      const bytes = text === undefined ? undefined : decodeBase64(text);
      if (bytes === undefined) return undefined;
      return from.type === ParamType.BYTEBUF ? bytes : cString(bytes);
    },
  },
  len: {
    resultType: (t) =>
      t.isList || STRING_TYPES.has(t.type) || t.type === ParamType.BYTEBUF ? { type: ParamType.UINT64, isList: false } : undefined,
    apply: (v) => {
      if (Array.isArray(v)) return v.length;
      if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
      return Buffer.isBuffer(v) ? v.length : undefined;
    },
  },
};

export function transformer(name: TransformerName): Transformer {
  return TRANSFORMERS[name];
}
