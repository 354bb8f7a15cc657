// sysdig's output formats (-p): literal text with %field references, %N field to print a field in
// exactly N columns (cut or padded with spaces), and a leading '*' to print every event, writing
// <NA> for fields without a value. Without the '*', an event with any field lacking a value is not
// printed at all. Every field is still evaluated on every event, printed or not, because some keep
// state from one event to the next (evt.deltatime).
import type { Event } from '../capture/event.js';
import { FieldError, type BoundField, type FieldRegistry, type FieldValue } from './types.js';

/** sysdig's default line. */
export const DEFAULT_FORMAT = '*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info';
/** sysdig -pc (containers) and -pk (Kubernetes). */
export const CONTAINER_FORMAT =
  '*%evt.num %evt.outputtime %evt.cpu %container.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info';
export const K8S_FORMAT =
  '*%evt.num %evt.outputtime %evt.cpu %k8s.pod.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info';

type Token = string | { readonly field: BoundField; readonly width: number };

/** Where write() puts a line: piece by piece, with a way to take back a line that is not printed. */
export interface LineSink {
  text(s: string): void;
  /** A safe integer >= 0, in decimal (what text(String(n)) writes, without the string). */
  digits(n: number): void;
  mark(): number;
  rollback(mark: number): void;
  endLine(): void;
}

export class OutputFormat {
  /** The current line's fields, in order (writeComplete): printed, and as extracted for those printed last. */
  private readonly values: (string | undefined)[];
  private readonly raw: FieldValue[];
  /** Per field: a decimal field printed at its own width, whose digits go straight to the sink. */
  private readonly asDigits: boolean[];

  private constructor(
    private readonly tokens: readonly Token[],
    /** False when the format starts with '*': missing values print as <NA>. */
    readonly requireAll: boolean,
    readonly fields: readonly BoundField[],
  ) {
    this.values = fields.map(() => undefined);
    this.raw = fields.map(() => undefined);
    const widths = tokens.flatMap((t) => (typeof t === 'string' ? [] : [t.width]));
    this.asDigits = fields.map((f, i) => f.decimal === true && widths[i] === 0);
  }

  /** Parses a format; throws FieldError with sysdig's message when it is malformed. */
  static parse(registry: FieldRegistry, format: string): OutputFormat {
    if (format === '') throw new FieldError('empty formatting token');
    const requireAll = format[0] !== '*';
    const fmt = requireAll ? format : format.slice(1);
    const tokens: Token[] = [];
    const fields: BoundField[] = [];
    let literalStart = 0;
    let j = 0;
    for (; j < fmt.length; j++) {
      if (fmt[j] !== '%') continue;
      if (literalStart !== j) tokens.push(fmt.slice(literalStart, j));
      if (j === fmt.length - 1) throw new FieldError('invalid formatting syntax: formatting cannot end with a %');
      let width = 0;
      let k = j + 1;
      if (isDigit(fmt[k])) {
        while (isDigit(fmt[k])) k++;
        if (k === fmt.length) throw new FieldError('invalid formatting syntax: formatting cannot end with a number');
        width = Number.parseInt(fmt.slice(j + 1, k), 10);
      }
      const { field, end } = registry.match(fmt, k);
      tokens.push({ field, width });
      fields.push(field);
      // An empty reference (end === k) leaves the name to print as literal text, as sysdig does.
      j = end - 1;
      literalStart = end;
    }
    if (literalStart !== j) tokens.push(fmt.slice(literalStart, j));
    return new OutputFormat(tokens, requireAll, fields);
  }

  /** The line for this event; undefined when a value is missing and the format does not start with '*'. */
  format(evt: Event): string | undefined {
    return this.formatWith((f) => f.render(evt));
  }

  /** The line for the values `valueOf` gives (values read earlier, or partly later). */
  formatWith(valueOf: (f: BoundField) => string | undefined): string | undefined {
    let out = '';
    let complete = true;
    for (const t of this.tokens) {
      if (typeof t === 'string') {
        out += t;
        continue;
      }
      let s = valueOf(t.field);
      if (s === undefined) {
        if (this.requireAll) complete = false;
        s = '<NA>';
      }
      out += t.width === 0 ? s : fit(s, t.width);
    }
    return complete ? out : undefined;
  }

  /**
   * Like format(), but the line goes to `out` (with its newline) without being built as a string.
   * A field that throws (sysdig's "wrong event type 30" for %evt.rawarg.flags on an event without
   * flags) leaves nothing of the line in `out`: the error is the only thing printed.
   */
  write(evt: Event, out: LineSink): void {
    if (this.requireAll) {
      this.writeComplete(evt, out);
      return;
    }
    // With '*' every line is printed, missing values as <NA>.
    const mark = out.mark();
    try {
      for (const t of this.tokens) {
        if (typeof t === 'string') {
          out.text(t);
          continue;
        }
        const s = t.field.render(evt) ?? '<NA>';
        out.text(t.width === 0 ? s : fit(s, t.width));
      }
    } catch (e) {
      out.rollback(mark);
      throw e;
    }
    out.endLine();
  }

  /**
   * write() for a format without '*': every field is evaluated first, in order, and the line is
   * written only when none is missing. Most events of a capture miss some field (%fd.name on an
   * event without an fd): their lines are no longer written and then taken back, and the fields
   * whose printing is apart from their value (BoundField.print) are not even printed.
   */
  private writeComplete(evt: Event, out: LineSink): void {
    const values = this.values;
    const raw = this.raw;
    const fields = this.fields;
    let complete = true;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (f.print !== undefined) {
        // Printed below, once the line is known to be kept.
        const v = f.extract(evt);
        if (v === undefined) complete = false;
        raw[i] = v;
        values[i] = undefined;
      } else {
        const s = f.render(evt);
        if (s === undefined) complete = false;
        values[i] = s;
      }
    }
    if (!complete) return;
    const asDigits = this.asDigits;
    for (let i = 0; i < fields.length; i++) {
      const print = fields[i].print;
      if (print === undefined) continue;
      const v = raw[i];
      // Left in raw, written as digits below (evt.num on every line: no string for it).
      if (asDigits[i] && typeof v === 'number' && v >= 0 && Number.isSafeInteger(v)) continue;
      const s = print(v);
      raw[i] = undefined;
      if (s === undefined) return;
      values[i] = s;
    }
    let i = 0;
    for (const t of this.tokens) {
      if (typeof t === 'string') {
        out.text(t);
        continue;
      }
      const k = i++;
      const s = values[k];
      const v = raw[k];
      if (s === undefined && typeof v === 'number') {
        out.digits(v);
        raw[k] = undefined;
        continue;
      }
      out.text(t.width === 0 ? s ?? '' : fit(s ?? '', t.width));
    }
    out.endLine();
  }
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Exactly `width` columns: cut, or padded on the right with spaces. */
function fit(s: string, width: number): string {
  return s.length >= width ? s.slice(0, width) : s.padEnd(width, ' ');
}

/** The escapes sysdig expands in a -p format before parsing it: \n, \t, \e and \\. */
export function unescapeFormat(s: string): string {
  return s.replace(/\\([nte\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'e' ? '\x1b' : '\\'));
}
