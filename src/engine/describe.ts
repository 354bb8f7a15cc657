// `ghostwatch run -L` (and `-l RULE`): the loaded rules with their descriptions, in Falco's layout:
// the name in 50 columns, then the description wrapped at 110 columns under its own column, a
// blank line after each rule.
import type { LoadedRule } from '../rules/index.js';

const NAME_WIDTH = 50;
const DESC_INDENT = 51;
const LINE_WIDTH = 110;

export function describeRules(rules: readonly LoadedRule[]): string {
  let out = `${'Rule'.padEnd(NAME_WIDTH)} Description\n${'----'.padEnd(NAME_WIDTH)} -----------\n`;
  for (const r of rules) out += `${r.name.padEnd(NAME_WIDTH)} ${wrapText(r.desc, DESC_INDENT, LINE_WIDTH)}\n\n`;
  return out;
}

/** Words separated by one space (each followed by one), a new indented line when the next does not fit. */
export function wrapText(text: string, indent: number, lineWidth: number): string {
  let out = '';
  let len = 0;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (len + word.length + 1 <= lineWidth - indent) {
      len += word.length + 1;
    } else {
      out += `\n${' '.repeat(indent)}`;
      len = word.length + 1;
    }
    out += `${word} `;
  }
  return out;
}
