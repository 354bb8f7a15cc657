// Lists are substituted into condition text before it is parsed, as Falco does: every occurrence
// of a list name delimited by blanks, parentheses, commas, '=' or the ends of the text is replaced
// by the list's items joined with ", " (with the blanks around the name). So `proc.name in
// (shell_binaries)` and also `proc.name=cat_binaries` use the list; a list whose item is another
// list's name pulls that list in when it is substituted before it.

const BLANKS = ' \t\n\r';
const DELIMS = `${BLANKS}(),=`;

/** A value with a space in double quotes, unless it already starts with a quote (Falco's quote_item). */
export function quoteListItem(e: string): string {
  return e.includes(' ') && e[0] !== '"' && e[0] !== "'" ? `"${e}"` : e;
}

/** What a reference to a list is replaced by. */
export function listText(items: readonly string[]): string {
  return items.map(quoteListItem).join(', ');
}

/**
 * The words of a text: its runs of characters that are not delimiters. A list whose name is a
 * single word can be referred to only where that word is among them, and replacing a reference
 * adds no words but those of the list's items: a condition need not be searched for a list
 * whose name is not among its words.
 */
export function conditionWords(text: string): Set<string> {
  return new Set(text.split(WORD_BREAK));
}

/** Whether a list's name is one word (see conditionWords); other names are always searched for. */
export function isOneWord(name: string): boolean {
  return name !== '' && !WORD_BREAK.test(name);
}

const WORD_BREAK = /[ \t\n\r(),=]+/;

/**
 * The condition with every reference to the list replaced by `sub` (its listText), and whether
 * there was one.
 */
export function substituteList(condition: string, name: string, sub: string): { condition: string; used: boolean } {
  let cnd = condition;
  let used = false;
  let start = cnd.indexOf(name);
  while (start !== -1) {
    let end = start + name.length;
    if ((start === 0 || DELIMS.includes(cnd[start - 1])) && (end >= cnd.length || DELIMS.includes(cnd[end]))) {
      while (start > 0 && BLANKS.includes(cnd[start - 1])) start--;
      while (end < cnd.length && BLANKS.includes(cnd[end])) end++;
      // An empty list takes a neighbouring comma with it.
      if (sub === '') {
        if (start > 0 && cnd[start - 1] === ',') start--;
        else if (end < cnd.length && cnd[end] === ',') end++;
      }
      cnd = `${start > 0 ? `${cnd.slice(0, start)} ` : ''}${sub} ${cnd.slice(end)}`;
      start += sub.length + 1;
      used = true;
    }
    start = cnd.indexOf(name, start + 1);
  }
  return { condition: cnd, used };
}
