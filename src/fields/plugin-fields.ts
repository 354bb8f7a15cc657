// What the fields of Falco's plugins share, as libsinsp's plugin filtercheck treats them: every
// value is a string or a list of strings; an argument is written in brackets (field[ARG]) and is
// an index (digits only, no leading zero) or a key; a list that comes out empty is no value at all
// (sinsp: res_len 0 is "not extracted"); a list prints as "(a,b,c)". And the generic evt fields a
// plugin's event source has (libsinsp's gen_event filtercheck), with the source, plugin name and
// plugin info of that source.
import type { Event } from '../capture/event.js';
import { ParamType } from '../capture/event-types.js';
import { GEN_EVENT_CLASS } from './evt.js';
import type { ArgValue, FieldClass, FieldSpec, ParsedArg } from './spec.js';
import { FieldError, type FieldArg } from './types.js';

/** A plugin field's value: one string, a non-empty list of strings, or undefined (not extracted). */
export type PluginValue = string | readonly string[] | undefined;

export interface PluginFieldDef {
  readonly name: string;
  readonly desc: string;
  readonly list?: boolean;
  /** The argument it takes: an index, a key, or none (the default). */
  readonly arg?: 'index' | 'key';
  readonly argRequired?: boolean;
}

/** A field of a plugin: `read` gets the event and the parsed argument (a number for an index, a string for a key). */
export function pluginField(def: PluginFieldDef, read: (evt: Event, arg: ArgValue) => PluginValue): FieldSpec {
  const arg: FieldArg = def.arg ?? 'none';
  const check = (text: string): ArgValue => checkPluginArg(def, text);
  return {
    name: def.name, type: ParamType.CHARBUF, desc: def.desc, arg,
    ...(def.argRequired === true && { argRequired: true }),
    ...(def.list === true && { isList: true }),
    parseArg: (text, start, pos) => parsePluginArg(def, text, start, pos),
    checkArg: check,
    make: (_ctx, a) => {
      const extract = (evt: Event): PluginValue => {
        const v = read(evt, a);
        return Array.isArray(v) && v.length === 0 ? undefined : v;
      };
      return {
        extract,
        render: (evt) => {
          const v = extract(evt);
          return v === undefined ? undefined : typeof v === 'string' ? v : `(${v.join(',')})`;
        },
      };
    },
  };
}

/**
 * The argument after a plugin field's name in an output format or condition text: `[ARG]`, up to
 * the first `]` (a space ends the field first, as in libsinsp). None when no `[` follows.
 */
function parsePluginArg(def: PluginFieldDef, text: string, start: number, pos: number): ParsedArg {
  if (text[pos] !== '[') {
    if (def.argRequired === true) throw new FieldError(`filter '${text.slice(start, pos)}': ${def.name} requires an argument but none provided`);
    return { arg: undefined, end: pos };
  }
  const space = text.indexOf(' ', pos);
  const limit = space < 0 ? text.length : space;
  const close = text.indexOf(']', pos);
  const field = text.slice(start, limit);
  if (pos + 1 >= limit) throw new FieldError(`filter '${field}': ${def.name} terminates with incomplete argument brackets`);
  if (close < 0 || close > limit) throw new FieldError(`filter '${field}': ${def.name} has unbalanced argument brackets`);
  return { arg: checkPluginArg(def, text.slice(pos + 1, close)), end: close + 1 };
}

/** The argument as the field takes it; FieldError with libsinsp's words when it cannot. */
export function checkPluginArg(def: PluginFieldDef, text: string): ArgValue {
  if (def.arg === undefined) throw new FieldError(`filter '${def.name}[${text}]': ${def.name} does not allow nor require an argument but one is provided: ${text}`);
  if (def.arg === 'key') return text;
  let problem: string | undefined;
  if (text.length === 0 || (text.length > 1 && text.startsWith('0'))) problem = 'has an invalid index argument starting with 0';
  if (!/^\d*$/.test(text)) problem = 'has an invalid index argument not composed only by digits';
  if (problem === undefined && !Number.isSafeInteger(Number(text))) problem = 'has an invalid index argument not representable on 64 bit';
  if (problem !== undefined) throw new FieldError(`filter ${def.name}[${text}] ${def.name} ${problem}: ${text}`);
  return Number(text);
}

/** What a plugin's event source says of its events in the generic fields. */
export interface PluginSourceInfo {
  readonly source: string;
  readonly plugin: string;
  /** evt.plugininfo: the plugin's one-line rendering of the event. */
  readonly info: (evt: Event) => string | undefined;
}

/**
 * The generic evt fields (libsinsp's gen_event filtercheck) for a plugin's event source: the
 * syscall source's, with evt.source, evt.pluginname and evt.plugininfo of this source, and no
 * asynchronous events.
 */
export function pluginEventClass(s: PluginSourceInfo): FieldClass {
  const overrides: Readonly<Record<string, FieldSpec['get']>> = {
    'evt.source': () => s.source,
    'evt.pluginname': () => s.plugin,
    'evt.plugininfo': (e) => s.info(e),
    'evt.is_async': () => false,
    'evt.asynctype': () => undefined,
  };
  return {
    ...GEN_EVENT_CLASS,
    fields: GEN_EVENT_CLASS.fields.map((f) => {
      const get = Object.hasOwn(overrides, f.name) ? overrides[f.name] : undefined;
      return get === undefined ? f : { ...f, make: undefined, get };
    }),
  };
}
