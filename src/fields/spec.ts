// How a field class is declared: a table of FieldSpecs, each a FieldDef (name, type, description)
// plus what it takes to read the field from an event. Stateless fields give `get`; fields that keep
// state between events (evt.deltatime) or print in their own way (evt.rawtime, exact to the ns) give
// `make`, called once per use of the field. Fields with an argument give `parseArg`, which reads it
// with sysdig's syntax for that field (evt.arg.NAME, proc.aname[N], thread.cgroup.SUBSYS...).
import type { Event } from '../capture/event.js';
import type { ParamType } from '../capture/event-types.js';
import type { BufferFormat, RenderOptions } from './render.js';
import type { StateView } from '../state/types.js';
import type { FieldDef, FieldValue } from './types.js';

/** sysdig's -t: how evt.outputtime prints (h: local time, a: absolute s.ns, r: since the first event, d: latency, D: delta). */
export type TimeType = 'h' | 'a' | 'r' | 'd' | 'D';

export interface FieldOptions {
  /** Do not cut long parameter strings and buffers (sysdig -v). */
  readonly verbose?: boolean;
  readonly timeType?: TimeType;
  /** How data buffers print (sysdig -A, -x, -X, -b). */
  readonly bufferFormat?: BufferFormat;
  /** evt.arg.*, evt.rawarg.*, evt.args see every parameter an event carries, not only sysdig 0.29.3's (`run`). */
  readonly allParams?: boolean;
}

/**
 * What the fields use from the state beyond StateView when the state provides it: the timestamp of
 * the run's first event (evt.reltime, -t r), IPv6 interface addresses (fd.lip for IPv6 sockets).
 */
export interface StateExtras {
  readonly firstEventTs?: bigint;
  readonly localIpv6?: readonly Uint8Array[];
}

/** What every extractor may read besides the event. */
export interface FieldContext {
  readonly state: StateView & StateExtras;
  readonly timeType: TimeType;
  /** The UTC offset local times are printed with, in seconds. */
  readonly utcOffset: number;
  /** How event parameters render (buffer format and length, the state to resolve pids and fds). */
  readonly render: RenderOptions;
}

/** A parsed argument: a number for [N], a string for a key; undefined when the field was used without one. */
export type ArgValue = number | string | undefined;

/** One use of a field. */
export interface Extractor {
  readonly extract: (evt: Event) => FieldValue;
  /** Printing of its own; by default the extracted value prints by the field's type and print format. */
  readonly render?: (evt: Event) => string | undefined;
  /** With render: how it prints an extracted value, when that is all it does (see BoundField.print). */
  readonly print?: (value: FieldValue) => string | undefined;
  /** The values a condition compares, for fields that stand for several (see BoundField.candidates). */
  readonly candidates?: (evt: Event, out: FieldValue[]) => number;
}

/** What parseArg found: the argument and the offset just past it (== pos when nothing was read). */
export interface ParsedArg {
  readonly arg: ArgValue;
  readonly end: number;
}

export interface FieldSpec extends FieldDef {
  readonly get?: (evt: Event, ctx: FieldContext, arg: ArgValue) => FieldValue;
  readonly make?: (ctx: FieldContext, arg: ArgValue) => Extractor;
  /**
   * Reads the field's argument from text as sysdig does in output formats: start is where the field
   * name begins, pos just past it. Throws FieldError with sysdig's message when the syntax is wrong.
   */
  readonly parseArg?: (text: string, start: number, pos: number) => ParsedArg;
  /** Checks an argument given apart from the name (a condition's proc.aname[2]); returns it normalised. */
  readonly checkArg?: (arg: string) => ArgValue;
  /** Type after binding when it depends on the argument (evt.rawarg.NAME). */
  readonly typeFor?: (arg: ArgValue) => ParamType;
  /** `!=` holds only when every candidate differs (fd.ip, fd.port...). */
  readonly neAll?: boolean;
  /** Checks a literal a condition compares the field with (see BoundField.checkValue). */
  readonly checkValue?: (text: string) => void;
}

export interface FieldClass {
  readonly name: string;
  /** Shown in parentheses after the class name, e.g. 'Syscall events only'. */
  readonly shortDesc?: string;
  readonly desc: string;
  readonly fields: readonly FieldSpec[];
  /** Left out of `ghostwatch fields` (sysdig's hidden util class). */
  readonly hidden?: boolean;
}
