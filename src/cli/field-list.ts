// `ghostwatch run --list`: the fields rules can use, in Falco's layouts. Text is `ghostwatch
// fields`' (sysdig's -l layout); markdown and JSON are libsinsp's filter_fieldclass_info
// as_markdown / as_json, which Falco prints; -N prints the names only (one a line, or Falco's
// {"fieldnames": [...]} in JSON). As Falco does, a field class several sources share (the generic
// evt fields) is listed once, with every source it serves; listing several sources, the text
// layout names each class's sources too.
import { K8S_AUDIT_SOURCE, k8sAuditClasses } from '../fields/k8saudit-source.js';
import { listFields } from '../fields/list.js';
import { typeName } from '../fields/print.js';
import type { FieldClass, FieldSpec } from '../fields/spec.js';
import { sortKeys } from '../rules/index.js';
import { FIELD_CLASSES } from '../fields/registry.js';
import type { OutputFormatName } from './formats.js';

/** An event source and its field classes, in the order they are consulted. */
export interface SourceFields {
  readonly source: string;
  readonly classes: readonly FieldClass[];
}

/** Every event source ghostwatch has, with its fields: syscall, and k8s_audit (the built-in k8saudit and json plugins). */
export const SOURCE_FIELDS: readonly SourceFields[] = [
  { source: 'syscall', classes: FIELD_CLASSES },
  { source: K8S_AUDIT_SOURCE, classes: k8sAuditClasses(true) },
];

export function fieldList(sources: readonly SourceFields[], opts: { format: OutputFormatName; namesOnly: boolean; verbose: boolean }): string {
  const { shown, sourcesOf } = groupClasses(sources);
  const fieldsOf = (c: FieldClass) => c.fields.filter((f) => !f.hidden);
  if (opts.namesOnly) {
    const names = shown.flatMap((c) => fieldsOf(c).map((f) => f.name));
    return opts.format === 'json' ? `${JSON.stringify({ fieldnames: names }, null, 2)}\n` : names.map((n) => `${n}\n`).join('');
  }
  switch (opts.format) {
    case 'text':
      return listFields(shown, opts.verbose, sources.length > 1 ? sourcesOf : undefined);
    case 'markdown':
      return shown.map((c) => `${markdownClass(c, fieldsOf(c), sourcesOf(c))}\n`).join('');
    case 'json':
      return `${JSON.stringify(sortKeys({ fieldclasses: shown.map((c) => jsonClass(c, fieldsOf(c), sourcesOf(c))) }), null, 2)}\n`;
  }
}

/** The classes to show, each once (Falco's key: name and short description), and the sources of each. */
function groupClasses(sources: readonly SourceFields[]): { shown: FieldClass[]; sourcesOf: (c: FieldClass) => readonly string[] } {
  const key = (c: FieldClass) => `${c.name}\u0000${c.shortDesc ?? ''}`;
  const byKey = new Map<string, { cls: FieldClass; sources: string[] }>();
  for (const s of sources) {
    for (const c of s.classes) {
      if (c.hidden) continue;
      const entry = byKey.get(key(c));
      if (entry === undefined) byKey.set(key(c), { cls: c, sources: [s.source] });
      else if (!entry.sources.includes(s.source)) entry.sources.push(s.source);
    }
  }
  // Falco keeps a class's sources in a sorted set.
  for (const e of byKey.values()) e.sources.sort();
  return { shown: [...byKey.values()].map((e) => e.cls), sourcesOf: (c) => byKey.get(key(c))?.sources ?? [] };
}

function dataType(f: FieldSpec): string {
  return f.isList === true ? `LIST(${typeName(f.type)})` : typeName(f.type);
}

function markdownClass(c: FieldClass, fields: readonly FieldSpec[], sources: readonly string[]): string {
  let out = `## Field Class: ${c.name}\n\n`;
  if (c.desc !== '') out += `${c.desc}\n\n`;
  out += `Event Sources: ${sources.map((s) => `${s} `).join('')}\n\n`;
  out += 'Name | Type | Description\n:----|:-----|:-----------\n';
  for (const f of fields) out += `\`${f.name}\` | ${dataType(f)} | ${f.desc}\n`;
  return out;
}

function jsonClass(c: FieldClass, fields: readonly FieldSpec[], sources: readonly string[]): unknown {
  return {
    name: c.name,
    ...(c.desc !== '' && { desc: c.desc }),
    event_sources: sources,
    fields: fields.map((f) => ({
      name: f.name,
      type: typeName(f.type),
      desc: f.desc,
      is_list: f.isList === true,
      argument: f.arg === 'none' ? null : {
        required: f.argRequired === true,
        type: f.arg === 'index' ? ['INDEX'] : f.arg === 'key' ? ['KEY'] : ['INDEX', 'KEY'],
      },
    })),
  };
}
