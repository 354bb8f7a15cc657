// The contract between the fields (what an event knows) and their users: the condition compiler,
// the output formatter, `ghostwatch fields`. A field is declared once in a table; binding it to its
// argument (evt.arg.fd, proc.aname[2]) gives an extractor that runs per event.
import type { Event } from '../capture/event.js';
import type { ParamType } from '../capture/event-types.js';

/**
 * What an extractor returns. undefined: the field has no value for this event (sysdig's <NA>).
 * Integers are numbers (64-bit values beyond 2^53 lose precision, which no field here needs);
 * IP addresses are numbers (IPv4, host order) or 16-byte Buffers (IPv6); byte buffers are Buffers.
 * List fields return arrays.
 */
export type FieldValue = string | number | boolean | Buffer | readonly (string | number)[] | undefined;

/** How a field takes an argument: none, an index (proc.aname[2]), a key (evt.arg.fd), or either. */
export type FieldArg = 'none' | 'index' | 'key' | 'index-or-key';

export interface FieldDef {
  /** Full name, e.g. 'proc.name'. */
  readonly name: string;
  /** Value type, in the event table's types: CHARBUF for strings, INT64/UINT64..., IPADDR, BOOL, RELTIME... */
  readonly type: ParamType;
  readonly desc: string;
  readonly arg: FieldArg;
  /** Whether the argument must be given (evt.arg needs one; proc.aname may go without). */
  readonly argRequired?: boolean;
  /** The field yields a list (e.g. container.mounts, evt.args-style multi-value fields). */
  readonly isList?: boolean;
  /** Hidden from `ghostwatch fields` (internal aliases). */
  readonly hidden?: boolean;
}

/** A field bound to its argument: ready to extract from events. */
export interface BoundField {
  readonly def: FieldDef;
  /** The field as written, e.g. 'proc.aname[2]'. */
  readonly text: string;
  /** Value type after binding (evt.arg.X takes the type of the parameter it names where known). */
  readonly type: ParamType;
  extract(evt: Event): FieldValue;
  /** The value as sysdig prints it in -p output; undefined for <NA>. */
  render(evt: Event): string | undefined;
}

export class FieldError extends Error {}

export interface FieldRegistry {
  /** All declared fields, in display order. */
  readonly defs: readonly FieldDef[];
  /** Bind a field name and optional argument; throws FieldError for an unknown field or bad argument. */
  bind(name: string, arg: string | undefined): BoundField;
}
