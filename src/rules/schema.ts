// The JSON schema Falco checks each rules document against before reading it, and the check
// itself as Falco's validator (valijson, weak types, on yaml-cpp nodes) performs it: every scalar
// counts as a string, "true"/"false" as booleans, integer text as integers. The outcome is "ok"
// or the validator's messages ("failed for <root>[0]: Object contains a property that could not
// be validated using 'properties' or 'additionalProperties' constraints: 'foo'."), innermost
// first; a failed schema check is only reported, it does not stop the load.
// The schema is data: `--rule-schema` prints it (src/config/json-schema.ts), each titled part as
// one of Falco's definitions.
import type { YNode } from './yaml.js';

export interface Schema {
  readonly title?: string;
  readonly type?: 'string' | 'boolean' | 'integer' | 'array' | 'object';
  readonly enum?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: false;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly minProperties?: number;
}

const STRING: Schema = { type: 'string' };
const BOOLEAN: Schema = { type: 'boolean' };
const OVERRIDDEN: Schema = { title: 'OverriddenItem', type: 'string', enum: ['append', 'replace'] };
const PLUGIN_ALTERNATIVE: Schema = {
  title: 'Alternative', type: 'object', additionalProperties: false, properties: { name: STRING, version: STRING }, required: ['name', 'version'],
};

const FALCO_RULE: Schema = {
  title: 'FalcoRule',
  type: 'object',
  additionalProperties: false,
  properties: {
    // An integer N is a version too (0.N.0), as the stock packs of 2023 write it. (Every scalar
    // passes as a string here; a YAML-typed validator of --rule-schema needs the integer said.)
    required_engine_version: { anyOf: [STRING, { type: 'integer' }] },
    required_plugin_versions: {
      type: 'array',
      items: {
        title: 'RequiredPluginVersion',
        type: 'object', additionalProperties: false,
        properties: { name: STRING, version: STRING, alternatives: { type: 'array', items: PLUGIN_ALTERNATIVE } },
        required: ['name', 'version'],
      },
    },
    macro: STRING,
    condition: STRING,
    list: STRING,
    items: { type: 'array', items: { title: 'Item', anyOf: [{ type: 'integer' }, STRING] } },
    rule: STRING,
    desc: STRING,
    enabled: BOOLEAN,
    output: STRING,
    append: BOOLEAN,
    priority: {
      title: 'Priority',
      type: 'string',
      enum: ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFO', 'INFORMATIONAL', 'DEBUG'],
    },
    capture: BOOLEAN,
    capture_duration: { type: 'integer' },
    source: STRING,
    exceptions: {
      type: 'array',
      items: {
        title: 'Exception', type: 'object', additionalProperties: false, properties: { name: STRING, fields: {}, comps: {}, values: {} }, required: ['name'],
      },
    },
    override: {
      title: 'Override',
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(
        ['items', 'desc', 'condition', 'output', 'priority', 'enabled', 'exceptions', 'capture', 'capture_duration', 'tags', 'warn_evttypes', 'skip-if-unknown-filter'].map(
          (k) => [k, OVERRIDDEN],
        ),
      ),
    },
    tags: { type: 'array', items: STRING },
    warn_evttypes: BOOLEAN,
    'skip-if-unknown-filter': BOOLEAN,
  },
};

/** A rules document: a sequence of items (rules, macros, lists, version requirements). */
export const RULES_DOCUMENT_SCHEMA: Schema = { type: 'array', items: FALCO_RULE };

export const SCHEMA_OK = 'ok';

/** The schema check of one document: ['ok'], or the messages of its failures. */
export function checkSchema(doc: YNode): string[] {
  const errors: SchemaError[] = [];
  return validate(doc, RULES_DOCUMENT_SCHEMA, ['<root>'], errors) ? [SCHEMA_OK] : errors.map((e) => `failed for ${e.context.join('')}: ${e.message}`);
}

interface SchemaError {
  readonly context: readonly string[];
  readonly message: string;
}

/** All of the schema's constraints, in the validator's order; every failure is recorded. */
function validate(n: YNode, s: Schema, ctx: readonly string[], out: SchemaError[]): boolean {
  let ok = true;
  const push = (context: readonly string[], message: string): void => {
    out.push({ context, message });
  };
  if (s.anyOf !== undefined) {
    const children: SchemaError[] = [];
    let validated = false;
    for (const [i, sub] of s.anyOf.entries()) {
      if (validate(n, sub, ctx, children)) {
        validated = true;
        break;
      }
      children.push({ context: ctx, message: `Failed to validate against child schema #${i}.` });
    }
    if (!validated) {
      out.push(...children);
      push(ctx, 'Failed to validate against any schemas allowed by anyOf constraint.');
      ok = false;
    }
  }
  if (s.enum !== undefined && !(n.kind === 'scalar' && s.enum.includes(n.value))) {
    push(ctx, 'Failed to match against any enum values.');
    ok = false;
  }
  if (s.items !== undefined && n.kind === 'seq') {
    for (const [i, item] of n.items.entries()) {
      if (!validate(item, s.items, [...ctx, `[${i}]`], out)) {
        push(ctx, `Failed to validate item #${i} in array.`);
        ok = false;
      }
    }
  }
  if (s.minProperties !== undefined && n.kind === 'map' && n.pairs.length < s.minProperties) {
    push(ctx, `Object should have no fewer than ${s.minProperties} properties.`);
    ok = false;
  }
  if ((s.properties !== undefined || s.additionalProperties !== undefined) && n.kind === 'map') {
    if (!validateProperties(n, s, ctx, out)) ok = false;
  }
  if (s.required !== undefined && n.kind === 'map') {
    for (const key of s.required) {
      if (!n.pairs.some((p) => p.key.kind === 'scalar' && p.key.value === key)) {
        push(ctx, `Missing required property '${key}'.`);
        ok = false;
      }
    }
  }
  if (s.type !== undefined && !hasType(n, s.type)) {
    push(ctx, "Value type not permitted by 'type' constraint.");
    ok = false;
  }
  return ok;
}

function validateProperties(n: YNode & { kind: 'map' }, s: Schema, ctx: readonly string[], out: SchemaError[]): boolean {
  let ok = true;
  const keyOf = (k: YNode): string => (k.kind === 'scalar' ? k.value : '');
  const matched = new Set<string>();
  // The validator walks the schema's properties in name order.
  const properties = s.properties ?? {};
  for (const name of Object.keys(properties).sort()) {
    const pair = n.pairs.find((p) => keyOf(p.key) === name);
    if (pair === undefined) continue;
    matched.add(name);
    if (!validate(pair.value, properties[name], [...ctx, `[${name}]`], out)) {
      out.push({ context: ctx, message: `Failed to validate against schema associated with property name '${name}'.` });
      ok = false;
    }
  }
  if (s.additionalProperties === false && matched.size !== n.pairs.length) {
    const unwanted = n.pairs.map((p) => keyOf(p.key)).find((k) => !matched.has(k)) ?? '';
    out.push({
      context: ctx,
      message: `Object contains a property that could not be validated using 'properties' or 'additionalProperties' constraints: '${unwanted}'.`,
    });
    return false;
  }
  return ok;
}

function hasType(n: YNode, type: NonNullable<Schema['type']>): boolean {
  switch (type) {
    case 'string':
      // yaml-cpp nodes all pass for strings with this validator.
      return true;
    case 'boolean':
      return n.kind === 'scalar' && (n.value === 'true' || n.value === 'false');
    case 'integer':
      return n.kind === 'scalar' && /^[ \t\n\v\f\r]*[+-]?\d+$/.test(n.value);
    case 'array':
      return n.kind === 'seq';
    case 'object':
      return n.kind === 'map';
  }
}
