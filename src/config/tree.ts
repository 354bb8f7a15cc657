// A configuration as yaml-cpp holds it before any key is read: maps, sequences and scalars kept as
// text, each with the line it came from (none for values set with -o). `-o key=value` edits this
// tree, so an override and a file entry are validated the same way.
import { parseYamlDocuments, type YNode, YamlParseError } from '../rules/yaml.js';

export type RawNode =
  | { kind: 'map'; entries: Map<string, RawNode>; line?: number }
  | { kind: 'seq'; items: RawNode[]; line?: number }
  | { kind: 'scalar'; text: string; line?: number }
  | { kind: 'null'; line?: number };

export class ConfigError extends Error {}

/** The first document of a configuration text (an empty text is an empty map). */
export function parseConfigText(text: string, name: string): RawNode & { kind: 'map' } {
  let docs: YNode[];
  try {
    docs = parseYamlDocuments(text);
  } catch (e) {
    if (e instanceof YamlParseError) throw new ConfigError(`Cannot read config file (${name}): ${e.message}`);
    throw e;
  }
  const root = docs.length === 0 ? { kind: 'null' as const } : fromYaml(docs[0]);
  if (root.kind === 'null') return { kind: 'map', entries: new Map() };
  if (root.kind !== 'map') throw new ConfigError(`Cannot read config file (${name}): the top level must be a map of keys`);
  return root;
}

function fromYaml(n: YNode): RawNode {
  const line = n.mark.line + 1;
  switch (n.kind) {
    case 'map': {
      const entries = new Map<string, RawNode>();
      // yaml-cpp finds the first of duplicate keys.
      for (const p of n.pairs) if (p.key.kind === 'scalar' && !entries.has(p.key.value)) entries.set(p.key.value, fromYaml(p.value));
      return { kind: 'map', entries, line };
    }
    case 'seq':
      return { kind: 'seq', items: n.items.map(fromYaml), line };
    case 'scalar':
      return { kind: 'scalar', text: n.value, line };
    default:
      return { kind: 'null', line };
  }
}

/**
 * Applies `-o key=value`: dots separate map keys, `[N]` picks a sequence item and `[]` appends one
 * (Falco's syntax: `-o file_output.enabled=true`, `-o rules_files[]=/etc/rules.d`).
 */
export function applyOverride(root: RawNode & { kind: 'map' }, option: string): void {
  const eq = option.indexOf('=');
  if (eq < 0) throw new ConfigError(`Error parsing config option "${option}". Must be of the form key=val or key.subkey=val`);
  const path = parsePath(option.slice(0, eq), option);
  let node: RawNode = root;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    const value: RawNode = last ? { kind: 'scalar', text: option.slice(eq + 1) } : { kind: 'map', entries: new Map() };
    if (typeof step === 'string') {
      if (node.kind !== 'map') throw new ConfigError(`Error parsing config option "${option}": '${step}' is not inside a map`);
      const next = node.entries.get(step);
      const seqNext = !last && typeof path[i + 1] !== 'string';
      if (last || next === undefined || next.kind === 'null' || next.kind === 'scalar') node.entries.set(step, seqNext ? { kind: 'seq', items: [] } : value);
      node = node.entries.get(step)!;
    } else {
      if (node.kind !== 'seq') throw new ConfigError(`Error parsing config option "${option}": not a sequence before '[${step === APPEND ? '' : step}]'`);
      const idx = step === APPEND ? node.items.length : step;
      if (idx > node.items.length) throw new ConfigError(`Error parsing config option "${option}": index ${idx} is past the end of the sequence`);
      const seqNext = !last && typeof path[i + 1] !== 'string';
      const existing = node.items.at(idx);
      if (last || existing === undefined || existing.kind === 'null' || existing.kind === 'scalar') node.items[idx] = seqNext ? { kind: 'seq', items: [] } : value;
      node = node.items[idx];
    }
  }
}

/** A map key, a sequence index, or APPEND for `[]`. */
type Step = string | number;
const APPEND = -1;

function parsePath(key: string, option: string): Step[] {
  const steps: Step[] = [];
  const re = /([^.[\]]+)|\[(\d*)\]|\./gy;
  let m: RegExpExecArray | null;
  let expectName = true;
  while (re.lastIndex < key.length && (m = re.exec(key)) !== null) {
    // Groups that did not take part in the match are undefined.
    const name = m.at(1), index = m.at(2);
    if (name !== undefined) {
      if (!expectName) break;
      steps.push(name);
      expectName = false;
    } else if (index !== undefined) {
      if (steps.length === 0) break;
      steps.push(index === '' ? APPEND : Number(index));
    } else {
      expectName = true;
    }
  }
  if (re.lastIndex !== key.length || steps.length === 0 || expectName) {
    throw new ConfigError(`Error parsing config option "${option}". Must be of the form key=val or key.subkey=val`);
  }
  return steps;
}
