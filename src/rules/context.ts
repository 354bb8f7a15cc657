// Where an error or warning is: a chain of locations from the whole file down to the item, the
// property, or the spot inside a condition (Falco's rule_loader::context). Positions are 0-based
// like the YAML parser's marks; a spot inside a condition adds the condition's own 1-based
// parser position to the position of the YAML value holding it, as Falco does. Its snippet is
// the condition with the caret under that spot (Falco puts the caret at the file offset, which
// lies past the condition's end: its caret always sits at the end of the condition).
import type { Pos } from '../filter/ast.js';
import type { Mark } from './yaml.js';

export const ITEM_TYPES = {
  VALUE_FOR: 'value for',
  EXCEPTIONS: 'exceptions',
  EXCEPTION: 'exception',
  EXCEPTION_VALUES: 'exception values',
  EXCEPTION_VALUE: 'exception value',
  RULES_CONTENT: 'rules content',
  RULES_CONTENT_ITEM: 'rules content item',
  REQUIRED_ENGINE_VERSION: 'required_engine_version',
  REQUIRED_PLUGIN_VERSIONS: 'required plugin versions',
  REQUIRED_PLUGIN_VERSIONS_ENTRY: 'required plugin versions entry',
  REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE: 'required plugin versions alternative',
  LIST: 'list',
  LIST_ITEM: 'list item',
  MACRO: 'macro',
  MACRO_CONDITION: 'macro condition',
  RULE: 'rule',
  RULE_CONDITION: 'rule condition',
  CONDITION_EXPRESSION: 'condition expression',
  RULE_OUTPUT: 'rule output',
  RULE_OUTPUT_EXPRESSION: 'rule output expression',
  RULE_PRIORITY: 'rule priority',
  OVERRIDE: 'overrides',
  EXTENSION_ITEM: 'extension item',
} as const;

export type ItemType = (typeof ITEM_TYPES)[keyof typeof ITEM_TYPES];

export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface Location {
  /** The file name, or for a spot inside a condition, the start of the condition in quotes. */
  readonly name: string;
  readonly position: Position;
  readonly itemType: ItemType;
  readonly itemName: string;
}

export class Context {
  private constructor(
    readonly locations: readonly Location[],
    /** The text a snippet is cut from when it is not the file (a condition). */
    readonly altContent?: string,
    /** Where in altContent the snippet's caret goes (0-based). */
    readonly altOffset?: number,
  ) {}

  /** The whole content of a file. */
  static root(name: string): Context {
    return new Context([{ name, position: { offset: 0, line: 0, column: 0 }, itemType: ITEM_TYPES.RULES_CONTENT, itemName: '' }]);
  }

  /** The content name (file name) this context is in. */
  get name(): string {
    return this.locations[0].name;
  }

  /** An item or property at a YAML mark inside this context. */
  child(mark: Mark, itemType: ItemType, itemName: string): Context {
    return new Context([
      ...this.locations,
      { name: this.name, position: { offset: mark.offset, line: mark.line, column: mark.column }, itemType, itemName },
    ]);
  }

  /** A spot inside a condition whose text is `condition`, held by the YAML value this context ends at. */
  inCondition(pos: Pos, condition: string): Context {
    const last = this.locations[this.locations.length - 1].position;
    const head = condition.length > 20 ? `${condition.slice(0, 17)}..."` : `${condition}"`;
    const name = `"${head}`.replace(/[\n\r]/g, ' ');
    return new Context(
      [
        ...this.locations,
        {
          name,
          position: { offset: pos.index + last.offset, line: pos.line + last.line, column: pos.col + last.column },
          itemType: ITEM_TYPES.CONDITION_EXPRESSION,
          itemName: '',
        },
      ],
      condition,
      pos.index,
    );
  }

  /**
   * This context continued by `other`, an item it leads to (a macro a condition uses): other's
   * locations after its root, and other's snippet.
   */
  then(other: Context): Context {
    return new Context([...this.locations, ...other.locations.slice(1)], other.altContent, other.altOffset);
  }

  /** The last location: the most specific one. */
  get last(): Location {
    return this.locations[this.locations.length - 1];
  }
}

/** A condition position at the very start (line and column 0, as Falco uses for whole-condition warnings). */
export const CONDITION_START: Pos = { index: 0, line: 0, col: 0 };

const SNIPPET_WIDTH = 160;

/**
 * The line of content around the context's position, then a line with a caret under the
 * position (Falco's context::snippet, including its cut of very long lines to 160 columns).
 */
export function snippetOf(ctx: Context, contents: ReadonlyMap<string, string>): string {
  const loc = ctx.last;
  const text = ctx.altContent ?? contents.get(loc.name);
  if (text === undefined) return `<No context for file + ${loc.name}>\n`;
  if (text.length === 0) return '<No context available>\n';
  const half = SNIPPET_WIDTH / 2;
  // A mark can point past the end of the content (a dangling property at the end of the file).
  let pos = ctx.altContent === undefined ? loc.position.offset : (ctx.altOffset ?? 0);
  while (pos > 0 && (pos >= text.length || text[pos] === '\n')) pos--;
  let from = pos;
  while (from > 0 && text[from] !== '\n' && pos - from < half) from--;
  let to = pos;
  while (to < text.length - 1 && text[to] !== '\n' && to - pos < half) to++;
  if (from < text.length && text[from] === '\n') from++;
  if (to < text.length && text[to] === '\n') to--;
  let ret = text.slice(from, to + 1);
  if (ret.length === 0) return '<No context available>\n';
  if (pos - from >= half) ret = `...${ret.slice(3)}`;
  if (to - pos >= half) ret = `${ret.slice(0, ret.length - 3)}...`;
  ret += '\n';
  if (pos - from <= ret.length - 1) ret += `${' '.repeat(pos - from)}^\n`;
  return ret;
}
