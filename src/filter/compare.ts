// The comparisons themselves, by value class, as libsinsp's flt_compare does them: built once per
// check with the literals already parsed, then called per event on the extracted value.
import type { ParamType } from '../capture/event-types.js';
import type { FieldValue } from '../fields/types.js';
import { asciiLower, containsIgnoringAsciiCase, includesIgnoreAsciiCase } from './ascii.js';
import type { BinaryOp } from './ast.js';
import { globToRegExp } from '../fields/glob.js';
import { isNetType, valueClassOf } from './operators.js';
import { PathPrefixSet } from './path-prefix.js';
import { cString } from './transformers.js';
import {
  inNet, parseBool, parseHexBytes, parseIpLiteral, parseNetLiteral, parseNumberLiteral, type IpLiteral, type NetLiteral,
} from './values.js';

/** A present value (extract() did not return undefined). */
export type Value = Exclude<FieldValue, undefined>;
export type Test = (v: Value) => boolean;
export type PairTest = (left: Value, right: Value) => boolean;

// Extracted values normally come in the type's own shape; these keep a field that returns another
// shape from throwing (a number where a string was declared compares as its decimal text).
const asString = (v: Value): string => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? cString(v) : String(v));
const asBytes = (v: Value): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(asString(v), 'utf8'));
const asBit = (v: Value): number => (v === true || (typeof v === 'number' && v !== 0) ? 1 : 0);

/**
 * The test of a scalar field against literal values (one value, or the items of a list for
 * in/intersects/pmatch). Throws a plain Error, with libsinsp's wording, for a literal that does
 * not parse to the field's type or an invalid pattern.
 */
export function literalTest(op: BinaryOp, type: ParamType, literals: readonly string[]): Test {
  switch (valueClassOf(type)) {
    case 'number':
      return numberTest(op, literals.map((t) => parseNumberLiteral(t, type)));
    case 'bool':
      return numberTest(op, literals.map(parseBool), asBit);
    case 'string':
      return stringTest(op, literals);
    case 'bytes':
      return bytesTest(op, literals.map((t) => (op === 'bcontains' || op === 'bstartswith' ? parseHexBytes(t) : Buffer.from(t, 'utf8'))));
    case 'ip':
      return isNetType(type) ? netTest(op, literals.map((t) => parseNetLiteral(t, type))) : ipTest(op, literals.map((t) => parseIpLiteral(t, type)));
    default:
      throw new Error(`'${op}' operator not supported for this field`);
  }
}

function numberTest(op: BinaryOp, nums: readonly number[], norm?: (v: Value) => number): Test {
  const n = nums[0];
  const f = norm ?? ((v: Value) => v as number);
  switch (op) {
    case '=': case '==': return (v) => f(v) === n;
    case '!=': return (v) => f(v) !== n;
    case '<': return (v) => f(v) < n;
    case '<=': return (v) => f(v) <= n;
    case '>': return (v) => f(v) > n;
    case '>=': return (v) => f(v) >= n;
    default: {
      const set = new Set(nums);
      return (v) => set.has(f(v));
    }
  }
}

function stringTest(op: BinaryOp, strs: readonly string[]): Test {
  const s = strs[0];
  switch (op) {
    case '=': case '==': return (v) => asString(v) === s;
    case '!=': return (v) => asString(v) !== s;
    case '<': return (v) => asString(v) < s;
    case '<=': return (v) => asString(v) <= s;
    case '>': return (v) => asString(v) > s;
    case '>=': return (v) => asString(v) >= s;
    case 'contains': return (v) => asString(v).includes(s);
    case 'icontains': {
      const contains = containsIgnoringAsciiCase(s);
      return (v) => contains(asString(v));
    }
    case 'startswith': return (v) => asString(v).startsWith(s);
    case 'endswith': return (v) => asString(v).endsWith(s);
    case 'glob': case 'iglob': {
      const re = globToRegExp(s, op === 'iglob');
      return (v) => re.test(asString(v));
    }
    case 'regex': {
      const re = compileRegex(s);
      return (v) => re.test(asString(v));
    }
    case 'pmatch': {
      const prefixes = new PathPrefixSet(strs);
      return (v) => prefixes.has(asString(v));
    }
    default: {
      const set = new Set(strs);
      return (v) => set.has(asString(v));
    }
  }
}

/** A `regex` pattern: it must match the whole value (RE2's ANCHOR_BOTH). */
function compileRegex(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new Error(`invalid regex pattern: ${(err as Error).message}`);
  }
}

function startsWithBytes(v: Buffer, b: Buffer): boolean {
  return v.length >= b.length && v.compare(b, 0, b.length, 0, b.length) === 0;
}

function endsWithBytes(v: Buffer, b: Buffer): boolean {
  return v.length >= b.length && v.compare(b, 0, b.length, v.length - b.length, v.length) === 0;
}

function bytesTest(op: BinaryOp, bufs: readonly Buffer[]): Test {
  const b = bufs[0];
  switch (op) {
    case '=': case '==': return (v) => b.equals(asBytes(v));
    case '!=': return (v) => !b.equals(asBytes(v));
    case 'contains': case 'bcontains': return (v) => asBytes(v).indexOf(b) >= 0;
    case 'startswith': case 'bstartswith': return (v) => startsWithBytes(asBytes(v), b);
    case 'endswith': return (v) => endsWithBytes(asBytes(v), b);
    default:
      return (v) => {
        const x = asBytes(v);
        for (const c of bufs) if (c.equals(x)) return true;
        return false;
      };
  }
}

function ipEquals(v: Value, ip: IpLiteral): boolean {
  if (typeof ip === 'number') return v === ip;
  return (Buffer.isBuffer(v) || v instanceof Uint8Array) && ip.equals(v);
}

function ipTest(op: BinaryOp, ips: readonly IpLiteral[]): Test {
  const ip = ips[0];
  switch (op) {
    case '=': case '==': return (v) => ipEquals(v, ip);
    case '!=': return (v) => !ipEquals(v, ip);
    default:
      return (v) => {
        for (const x of ips) if (ipEquals(v, x)) return true;
        return false;
      };
  }
}

function asAddress(v: Value): number | Buffer | undefined {
  return typeof v === 'number' || Buffer.isBuffer(v) ? v : undefined;
}

function netTest(op: BinaryOp, nets: readonly NetLiteral[]): Test {
  const net = nets[0];
  if (op === '!=') {
    return (v) => {
      const a = asAddress(v);
      return a === undefined || !inNet(a, net);
    };
  }
  return (v) => {
    const a = asAddress(v);
    if (a === undefined) return false;
    for (const n of nets) if (inNet(a, n)) return true;
    return false;
  };
}

/** The test of a list-valued field: `in` holds when every element is among the literals, `intersects` when one is. */
export function listLiteralTest(op: BinaryOp, type: ParamType, literals: readonly string[]): Test {
  const member = literalTest('in', type, literals);
  const every = op === 'in';
  return (v) => {
    if (!Array.isArray(v)) return member(v);
    for (const x of v as readonly Value[]) if (member(x) !== every) return !every;
    return every;
  };
}

/**
 * The test of a field against another field's value (`= val(proc.pname)`, `= tolower(...)`): both
 * sides are extracted per event, nothing is pre-parsed.
 */
export function pairTest(op: BinaryOp, type: ParamType, isList: boolean): PairTest {
  if (isList) {
    const every = op === 'in';
    return (l, r) => {
      const left = Array.isArray(l) ? (l as readonly Value[]) : [l];
      const right = Array.isArray(r) ? (r as readonly Value[]) : [r];
      for (const x of left) if (right.includes(x) !== every) return !every;
      return every;
    };
  }
  switch (valueClassOf(type)) {
    case 'number':
      return numberPair(op, (v) => v as number);
    case 'bool':
      return numberPair(op, asBit);
    case 'string':
      return stringPair(op);
    case 'bytes':
      return bytesPair(op);
    default: {
      const eq = (l: Value, r: Value): boolean => (typeof r === 'number' ? l === r : Buffer.isBuffer(r) && ipEquals(l, r));
      return op === '!=' ? (l, r) => !eq(l, r) : eq;
    }
  }
}

function numberPair(op: BinaryOp, f: (v: Value) => number): PairTest {
  switch (op) {
    case '!=': return (l, r) => f(l) !== f(r);
    case '<': return (l, r) => f(l) < f(r);
    case '<=': return (l, r) => f(l) <= f(r);
    case '>': return (l, r) => f(l) > f(r);
    case '>=': return (l, r) => f(l) >= f(r);
    default: return (l, r) => f(l) === f(r);
  }
}

function stringPair(op: BinaryOp): PairTest {
  switch (op) {
    case '!=': return (l, r) => asString(l) !== asString(r);
    case '<': return (l, r) => asString(l) < asString(r);
    case '<=': return (l, r) => asString(l) <= asString(r);
    case '>': return (l, r) => asString(l) > asString(r);
    case '>=': return (l, r) => asString(l) >= asString(r);
    case 'contains': return (l, r) => asString(l).includes(asString(r));
    case 'icontains': return (l, r) => includesIgnoreAsciiCase(asString(l), asciiLower(asString(r)));
    case 'startswith': return (l, r) => asString(l).startsWith(asString(r));
    case 'endswith': return (l, r) => asString(l).endsWith(asString(r));
    case 'glob': case 'iglob': {
      // The pattern changes only when the other field does: keep the last one compiled.
      let pattern: string | undefined;
      let re = /(?!)/;
      return (l, r) => {
        const p = asString(r);
        if (p !== pattern) {
          pattern = p;
          re = globToRegExp(p, op === 'iglob');
        }
        return re.test(asString(l));
      };
    }
    default: return (l, r) => asString(l) === asString(r);
  }
}

function bytesPair(op: BinaryOp): PairTest {
  switch (op) {
    case '!=': return (l, r) => !asBytes(l).equals(asBytes(r));
    case 'contains': case 'bcontains': return (l, r) => asBytes(l).indexOf(asBytes(r)) >= 0;
    case 'startswith': case 'bstartswith': return (l, r) => startsWithBytes(asBytes(l), asBytes(r));
    case 'endswith': return (l, r) => endsWithBytes(asBytes(l), asBytes(r));
    default: return (l, r) => asBytes(l).equals(asBytes(r));
  }
}
