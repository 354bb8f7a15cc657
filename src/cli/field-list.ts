// `ghostwatch run --list`: the fields rules can use, in Falco's layouts. Text is `ghostwatch
// fields`' (sysdig's -l layout); markdown and JSON are libsinsp's filter_fieldclass_info
// as_markdown / as_json, which Falco prints; -N prints the names only (one a line, or Falco's
// {"fieldnames": [...]} in JSON).
import { listFields } from '../fields/list.js';
import { typeName } from '../fields/print.js';
import type { FieldClass, FieldSpec } from '../fields/spec.js';
import { sortKeys } from '../rules/index.js';
import type { OutputFormatName } from './formats.js';

/** Every field class belongs to the one event source ghostwatch has fields for. */
const SOURCES = ['syscall'];

export function fieldList(classes: readonly FieldClass[], opts: { format: OutputFormatName; namesOnly: boolean; verbose: boolean }): string {
  const shown = classes.filter((c) => !c.hidden);
  const fieldsOf = (c: FieldClass) => c.fields.filter((f) => !f.hidden);
  if (opts.namesOnly) {
    const names = shown.flatMap((c) => fieldsOf(c).map((f) => f.name));
    return opts.format === 'json' ? `${JSON.stringify({ fieldnames: names }, null, 2)}\n` : names.map((n) => `${n}\n`).join('');
  }
  switch (opts.format) {
    case 'text':
      return listFields(classes, opts.verbose);
    case 'markdown':
      return shown.map((c) => `${markdownClass(c, fieldsOf(c))}\n`).join('');
    case 'json':
      return `${JSON.stringify(sortKeys({ fieldclasses: shown.map((c) => jsonClass(c, fieldsOf(c))) }), null, 2)}\n`;
  }
}

function dataType(f: FieldSpec): string {
  return f.isList === true ? `LIST(${typeName(f.type)})` : typeName(f.type);
}

function markdownClass(c: FieldClass, fields: readonly FieldSpec[]): string {
  let out = `## Field Class: ${c.name}\n\n`;
  if (c.desc !== '') out += `${c.desc}\n\n`;
  out += `Event Sources: ${SOURCES.map((s) => `${s} `).join('')}\n\n`;
  out += 'Name | Type | Description\n:----|:-----|:-----------\n';
  for (const f of fields) out += `\`${f.name}\` | ${dataType(f)} | ${f.desc}\n`;
  return out;
}

function jsonClass(c: FieldClass, fields: readonly FieldSpec[]): unknown {
  return {
    name: c.name,
    ...(c.desc !== '' && { desc: c.desc }),
    event_sources: SOURCES,
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
