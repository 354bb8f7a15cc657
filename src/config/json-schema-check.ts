// A JSON Schema validator for the keywords ghostwatch's own schemas use (json-schema.ts): $ref to
// local definitions, type, enum, const, properties, additionalProperties, required, items, anyOf,
// oneOf, allOf, not, minProperties, minimum, maximum, minLength. Other keywords (title,
// description, format...) are annotations and are ignored. It checks files against what
// --config-schema and --rule-schema print; it is not a general-purpose validator.
import type { JsonSchema } from './json-schema.js';

export interface SchemaViolation {
  /** Where in the value, as a JSON pointer ('' for the whole value). */
  readonly path: string;
  readonly message: string;
}

/** Every violation of `schema` by `value` (none: the value is valid). */
export function checkJsonSchema(schema: JsonSchema, value: unknown): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  check(schema, value, '', schema, out);
  return out;
}

function check(s: JsonSchema, v: unknown, path: string, root: JsonSchema, out: SchemaViolation[]): void {
  const fail = (message: string) => out.push({ path, message });
  const ok = (sub: unknown) => {
    const inner: SchemaViolation[] = [];
    check(sub as JsonSchema, v, path, root, inner);
    return inner.length === 0;
  };

  if (typeof s.$ref === 'string') {
    const target = resolveRef(root, s.$ref);
    if (target === undefined) fail(`unresolvable $ref ${s.$ref}`);
    else check(target, v, path, root, out);
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => hasType(v, t))) fail(`expected ${types.join(' or ')}, got ${typeOf(v)}`);
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => sameValue(e, v))) fail(`not one of ${JSON.stringify(s.enum)}`);
  if ('const' in s && !sameValue(s.const, v)) fail(`not ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) check(sub as JsonSchema, v, path, root, out);
  if (Array.isArray(s.anyOf) && !s.anyOf.some(ok)) fail('matches none of anyOf');
  if (Array.isArray(s.oneOf) && s.oneOf.filter(ok).length !== 1) fail('does not match exactly one of oneOf');
  if (s.not !== undefined && ok(s.not)) fail('matches what "not" excludes');

  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) fail(`less than ${String(s.minimum)}`);
    if (typeof s.maximum === 'number' && v > s.maximum) fail(`more than ${String(s.maximum)}`);
  }
  if (typeof v === 'string' && typeof s.minLength === 'number' && Array.from(v).length < s.minLength) fail(`shorter than ${String(s.minLength)}`);
  if (Array.isArray(v) && s.items !== undefined) {
    const items = s.items as JsonSchema;
    v.forEach((item, i) => {
      check(items, item, `${path}/${String(i)}`, root, out);
    });
  }
  if (isObject(v)) checkObject(s, v, path, root, out);
}

function checkObject(s: JsonSchema, v: Record<string, unknown>, path: string, root: JsonSchema, out: SchemaViolation[]): void {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const keys = Object.keys(v);
  if (typeof s.minProperties === 'number' && keys.length < s.minProperties) out.push({ path, message: `fewer than ${String(s.minProperties)} properties` });
  if (Array.isArray(s.required)) {
    for (const k of s.required as string[]) if (!(k in v)) out.push({ path, message: `missing required property '${k}'` });
  }
  for (const k of keys) {
    const p = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const prop = Object.hasOwn(props, k) ? props[k] : undefined;
    if (prop !== undefined) check(prop, v[k], p, root, out);
    else if (s.additionalProperties === false) out.push({ path, message: `property '${k}' is not allowed` });
    else if (isObject(s.additionalProperties)) check(s.additionalProperties, v[k], p, root, out);
  }
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return isObject(node) ? node : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    case 'null':
      return v === null;
    default:
      return typeof v === t;
  }
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
