// Checks a configuration tree against the schema: every key must be one Falco or ghostwatch knows,
// every value of the type the key takes. Returns the keys ghostwatch does not implement (they are
// accepted, with a warning); throws ConfigError naming the first key that is wrong.
import { decodeBool } from '../rules/yaml.js';
import { CONFIG_SCHEMA, type KeySpec, type ScalarType } from './schema.js';
import { ConfigError, type RawNode } from './tree.js';

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function isValidScalar(type: ScalarType, text: string): boolean {
  switch (type) {
    case 'boolean':
      return decodeBool(text) !== undefined;
    case 'integer':
      return INTEGER.test(text.trim());
    case 'number':
      return NUMBER.test(text.trim());
    default:
      return true;
  }
}

const TYPE_NAMES: Record<ScalarType, string> = {
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
};

/** The keys present that ghostwatch does not implement, as dotted paths, in file order. */
export function validateConfig(root: RawNode & { kind: 'map' }, name: string): string[] {
  const unimplemented: string[] = [];
  checkMap(root, CONFIG_SCHEMA, '', { name, unimplemented });
  return unimplemented;
}

interface Walk {
  readonly name: string;
  readonly unimplemented: string[];
  /** Inside a key already reported as not implemented: its keys are not reported again. */
  readonly reported?: boolean;
}

function where(w: Walk, node: RawNode): string {
  return node.line === undefined ? `Error in config option set with -o` : `Error reading config file (${w.name}), line ${node.line}`;
}

function checkMap(node: RawNode & { kind: 'map' }, keys: Readonly<Record<string, KeySpec>>, prefix: string, w: Walk): void {
  for (const [key, value] of node.entries) {
    const path = prefix + key;
    // Own keys only: 'toString' or 'constructor' must be unknown keys, not Object.prototype's.
    const spec: KeySpec | undefined = Object.hasOwn(keys, key) ? keys[key] : undefined;
    if (spec === undefined) throw new ConfigError(`${where(w, value)}: unknown key '${path}' (neither Falco nor ghostwatch knows it)`);
    const report = !spec.implemented && w.reported !== true;
    if (report && !w.unimplemented.includes(path)) w.unimplemented.push(path);
    check(value, spec, path, report ? { ...w, reported: true } : w);
  }
}

function check(node: RawNode, spec: KeySpec, path: string, w: Walk): void {
  if (node.kind === 'null') return;
  switch (spec.kind) {
    case 'scalar':
      if (node.kind !== 'scalar' || !isValidScalar(spec.type, node.text)) {
        throw new ConfigError(`${where(w, node)}: '${path}' must be ${TYPE_NAMES[spec.type]}, got ${describe(node)}`);
      }
      return;
    case 'strings':
      if (node.kind === 'scalar') return;
      if (node.kind !== 'seq' || node.items.some((i) => i.kind !== 'scalar')) {
        throw new ConfigError(`${where(w, node)}: '${path}' must be a list of strings, got ${describe(node)}`);
      }
      return;
    case 'map':
      if (node.kind !== 'map') throw new ConfigError(`${where(w, node)}: '${path}' must be a map of keys, got ${describe(node)}`);
      checkMap(node, spec.keys, `${path}.`, w);
      return;
    case 'list':
      if (node.kind !== 'seq') throw new ConfigError(`${where(w, node)}: '${path}' must be a list, got ${describe(node)}`);
      for (const item of node.items) {
        if (item.kind !== 'map') throw new ConfigError(`${where(w, item)}: each item of '${path}' must be a map of keys, got ${describe(item)}`);
        checkMap(item, spec.item, `${path}.`, w);
      }
      return;
    default:
      return;
  }
}

function describe(node: RawNode): string {
  switch (node.kind) {
    case 'scalar':
      return `'${node.text}'`;
    case 'seq':
      return 'a list';
    case 'map':
      return 'a map';
    default:
      return 'nothing';
  }
}
