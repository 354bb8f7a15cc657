// The contract between the fields (what an event knows) and their users: the condition compiler,
// the output formatter, `ghostwatch fields`. A field is declared once in a table; binding it to its
// argument (evt.arg.fd, proc.aname[2]) gives an extractor that runs per event.
import type { Event } from '../capture/event.js';
import type { ParamType, PrintFormat } from '../capture/event-types.js';

/**
 * What an extractor returns. undefined: the field has no value for this event (sysdig's <NA>).
 * Integers are numbers (64-bit values beyond 2^53 lose precision in extract(); render() prints
 * timestamps and other wide values exactly);
 * IP addresses are numbers (IPv4, the FdInfo encoding: the 4 address bytes read little-endian)
 * or 16-byte Buffers (IPv6); byte buffers are Buffers.
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
  /** How numbers print (sysdig's print format: DEC, HEX, ID, PADDED_DEC...); NA when unset. */
  readonly printFormat?: PrintFormat;
  /** Usable in conditions only, not in output formats (fd.ip, fd.net...). */
  readonly filterOnly?: boolean;
  /**
   * Each use of the field remembers the events it saw (evt.deltatime, util.cnt): its value depends
   * on which events it was extracted from, so two uses cannot share one extraction.
   */
  readonly keepsState?: boolean;
  /**
   * The value comes from the container runtime's description of the event's container, which may
   * arrive after the event (live lookups): container.name, container.image..., k8s.pod.name...
   */
  readonly fromRuntime?: boolean;
}

/** A field bound to its argument: ready to extract from events. */
export interface BoundField {
  readonly def: FieldDef;
  /** The field as written, e.g. 'proc.aname[2]'. */
  readonly text: string;
  /** Value type after binding (evt.arg.X takes the type of the parameter it names where known). */
  readonly type: ParamType;
  /** The parsed argument: a number for [N], a string for .key or [key]; undefined when none. */
  readonly arg?: number | string;
  readonly extract: (evt: Event) => FieldValue;
  /** The value as sysdig prints it in -p output; undefined for <NA>. */
  readonly render: (evt: Event) => string | undefined;
  /**
   * When present, render(evt) is print(extract(evt)) and print has no effect of its own: an output
   * format can extract every value of a line first and print only the lines it keeps.
   */
  readonly print?: (value: FieldValue) => string | undefined;
  /** print(v) is v's decimal digits whenever v is a safe integer >= 0: an output can write them itself. */
  readonly decimal?: boolean;
  /**
   * For fields that stand for several values in conditions (fd.ip and fd.port: both ends of the
   * connection; proc.aname and proc.apid without an index: every ancestor). When present, a
   * condition compares each candidate instead of extract()'s value: the check holds when one
   * candidate satisfies it, except `!=` on a field with `neAll`, which holds only when every
   * candidate differs (sinsp's fd.ip/fd.port/fd.net). Fills `out` from index 0 and returns how many
   * (0: the field has no value). Added for src/filter.
   */
  readonly candidates?: (evt: Event, out: FieldValue[]) => number;
  readonly neAll?: boolean;
  /**
   * Checks a literal that a condition compares this field with, beyond its type (evt.type: the
   * name of an event or syscall, as sinsp's validate_filter_value); throws FieldError with sinsp's
   * message ("unknown event type foo"). Added for src/filter.
   */
  readonly checkValue?: (text: string) => void;
}

export class FieldError extends Error {}

/** A field reference found inside a longer text (an output format), as sysdig's parser reads it. */
export interface FieldMatch {
  readonly field: BoundField;
  /** Offset just past the field reference (may equal the start: sysdig accepts empty references). */
  readonly end: number;
}

export interface FieldRegistry {
  /** All declared fields, in display order. */
  readonly defs: readonly FieldDef[];
  /**
   * Bind a field name and optional argument; throws FieldError for an unknown field or bad argument.
   * Accepts both shapes a condition may carry: bind('proc.aname', '2') for proc.aname[2] and
   * bind('evt.arg.fd', undefined) or bind('evt.arg', 'fd') for evt.arg.fd.
   */
  bind(name: string, arg: string | undefined): BoundField;
  /**
   * Read the field reference that starts at text[pos] the way sysdig's output formats do (the longest
   * field name that prefixes the text, then its argument); throws FieldError when none matches.
   */
  match(text: string, pos: number): FieldMatch;
  /**
   * List fields also take the single-value operators (`contains`...), holding when one item does,
   * as Falco's engine accepted before libs 0.17 (2024). Plugin sources (k8s_audit) have it, so
   * the rules files written for those engines still load; the syscall source does not.
   */
  readonly anyItemOperators?: boolean;
}
