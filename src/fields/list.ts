// The text of `ghostwatch fields`: every field class with its fields, types on request, laid out as
// `sysdig -l` lays them out (names in a 30-column block, descriptions word-wrapped at 120 columns),
// so the two can be compared line by line.
import { typeName } from './print.js';
import type { FieldClass } from './spec.js';

const LEFT = 30;
const WIDTH = 120;
const RULE = '-------------------------------';

/** `sourcesOf`, when given, names each class's event sources (an "Event Sources:" line, when several sources are listed). */
export function listFields(classes: readonly FieldClass[], verbose = false, sourcesOf?: (cls: FieldClass) => readonly string[]): string {
  let out = '';
  for (const cls of classes) {
    if (cls.hidden) continue;
    out += `${RULE}\n`;
    out += `${'Field Class:'.padEnd(LEFT)}${cls.name}${cls.shortDesc ? ` (${cls.shortDesc})` : ''}\n`;
    if (cls.desc !== '') out += `${'Description:'.padEnd(LEFT)}${wrap(cls.desc)}\n`;
    if (sourcesOf !== undefined) out += `${'Event Sources:'.padEnd(LEFT)}${sourcesOf(cls).join(' ')}\n`;
    out += '\n';
    for (const f of cls.fields) {
      if (f.hidden) continue;
      out += f.name.length > LEFT ? `${f.name}\n${' '.repeat(LEFT)}` : f.name.padEnd(LEFT);
      let desc = f.filterOnly ? `(FILTER ONLY) ${f.desc}` : f.desc;
      if (verbose) desc = `(Type: ${typeName(f.type)}) ${desc}`;
      out += `${wrap(desc)}\n`;
    }
    out += '\n';
  }
  return out;
}

/** Words separated by single spaces, each followed by one, breaking before a word that would pass the right edge. */
function wrap(text: string): string {
  let out = '';
  let len = 0;
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const w = word.length + 1;
    if (len + w <= WIDTH - LEFT) {
      len += w;
    } else {
      out += `\n${' '.repeat(LEFT)}`;
      len = w;
    }
    out += `${word} `;
  }
  return out;
}
