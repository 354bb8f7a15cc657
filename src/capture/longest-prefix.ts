// The longest of a set of names that the text starts with at a position, the first of equal ones
// in the set's order: how libsinsp reads a field name out of a format (%proc.name) or a parameter
// name out of evt.arg.NAME. Indexed by first character, longest first, so that a lookup tries a
// handful of names instead of all of them (rules set-up does thousands).
export class LongestPrefix<T> {
  private readonly byFirst = new Map<number, T[]>();

  constructor(items: Iterable<T>, private readonly nameOf: (item: T) => string) {
    for (const item of items) {
      const name = nameOf(item);
      if (name === '') throw new Error('LongestPrefix: an empty name');
      const c = name.charCodeAt(0);
      const list = this.byFirst.get(c);
      if (list === undefined) this.byFirst.set(c, [item]);
      else list.push(item);
    }
    // Array sort is stable: equal lengths keep the set's order.
    for (const list of this.byFirst.values()) list.sort((a, b) => nameOf(b).length - nameOf(a).length);
  }

  find(text: string, pos = 0): T | undefined {
    const list = this.byFirst.get(text.charCodeAt(pos));
    if (list === undefined) return undefined;
    for (const item of list) if (text.startsWith(this.nameOf(item), pos)) return item;
    return undefined;
  }
}
