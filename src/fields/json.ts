// The fields of Falco's json plugin (json.value[/json/pointer], json.obj, json.rawtime and their
// older jevt.* names), over the JSON payload of a plugin event; and the JSON access the k8saudit
// fields share with them. A payload is parsed once per event: the parse of the last event seen is
// kept (a source that has already parsed it hands it over with seedEventJson).
//
// Values follow fastjson, which the plugins use: an object member or an array item is reached by
// a key (an array's key is its index in decimal); a string reads as its text, anything else as
// its compact JSON text (null as "null"); a pointer that reaches nothing gives no value.
import type { Event } from '../capture/event.js';
import { pluginData } from '../capture/plugin-event.js';
import { pluginField } from './plugin-fields.js';
import type { FieldClass } from './spec.js';

/** What JSON.parse returns. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

// The one-event cache: the event object, its number and where its bytes are (a reused event
// object is another event once any of them changes).
let cachedEvt: Event | undefined;
let cachedNum = -1;
let cachedBuf: Buffer | undefined;
let cachedOff = -1;
let cachedValue: Json | undefined;

/** The event's payload parsed as JSON; undefined for an event with no JSON payload (it must start with { or [). */
export function eventJson(evt: Event): Json | undefined {
  if (evt === cachedEvt && evt.num === cachedNum && evt.buf === cachedBuf && evt.off === cachedOff) return cachedValue;
  const data = pluginData(evt);
  let value: Json | undefined;
  if (data !== undefined && data.length > 0 && (data[0] === OPEN_BRACE || data[0] === OPEN_BRACKET)) {
    try {
      value = JSON.parse(data.toString('utf8')) as Json;
    } catch {
      value = undefined;
    }
  }
  seedEventJson(evt, value);
  return value;
}

/** Tells the cache what the event's payload parses to (its source has just parsed it). */
export function seedEventJson(evt: Event, value: Json | undefined): void {
  cachedEvt = evt;
  cachedNum = evt.num;
  cachedBuf = evt.buf;
  cachedOff = evt.off;
  cachedValue = value;
}

/** fastjson's Get: the member or item each key names in turn; undefined when one is missing. */
export function jsonGet(v: Json | undefined, ...keys: readonly string[]): Json | undefined {
  let cur = v;
  for (const key of keys) cur = jsonChild(cur, key);
  return cur;
}

export function jsonChild(v: Json | undefined, key: string): Json | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (isJsonArray(v)) {
    if (!/^[+-]?\d+$/.test(key)) return undefined;
    const i = Number(key);
    return i >= 0 && i < v.length ? v[i] : undefined;
  }
  return Object.hasOwn(v, key) ? v[key] : undefined;
}

export function isJsonArray(v: Json | undefined): v is readonly Json[] {
  return Array.isArray(v);
}

export function isJsonObject(v: Json | undefined): v is { readonly [key: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A value as the plugins print it: a string's own text, anything else as compact JSON; undefined if it cannot be written. */
export function jsonText(v: Json): string | undefined {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    // Nesting too deep for the serializer: no value, as an extraction error gives none.
    return undefined;
  }
}

/** A JSON pointer (RFC 6901) as the json plugin reads it: an optional leading '/', then keys with ~1 for '/' and ~0 for '~'. */
export function jsonPointer(root: Json, pointer: string): Json | undefined {
  if (pointer === '') return root;
  const path = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  let cur: Json | undefined = root;
  for (const raw of path.split('/')) {
    cur = jsonChild(cur, raw.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** json.value / jevt.value: the value at a pointer. */
function valueAt(evt: Event, pointer: string): string | undefined {
  const root = eventJson(evt);
  if (root === undefined) return undefined;
  const v = jsonPointer(root, pointer);
  return v === undefined ? undefined : jsonText(v);
}

/** json.obj / jevt.obj: the whole payload, indented by two spaces (Go's json.Indent). */
function wholeObject(evt: Event): string | undefined {
  const root = eventJson(evt);
  if (root === undefined) return undefined;
  try {
    return JSON.stringify(root, null, 2);
  } catch {
    return undefined;
  }
}

/** json.rawtime / jevt.rawtime: the event time in nanoseconds, as text. */
function rawTime(evt: Event): string | undefined {
  return eventJson(evt) === undefined ? undefined : evt.ts().toString();
}

const POINTER_DESC = 'Extracts a value from a JSON-encoded input. Syntax is json.value[<json pointer>], where <json pointer> is a json pointer (see https://datatracker.ietf.org/doc/html/rfc6901)';

/** The json plugin's fields (json 0.7.4), in its order. */
export const JSON_CLASS: FieldClass = {
  name: 'json (plugin)',
  desc: '',
  fields: [
    pluginField({ name: 'json.value', desc: POINTER_DESC, arg: 'key', argRequired: true }, (e, a) => valueAt(e, String(a))),
    pluginField({ name: 'json.obj', desc: 'The full json message as a text string.' }, wholeObject),
    pluginField({ name: 'json.rawtime', desc: 'The time of the event, identical to evt.rawtime.' }, rawTime),
    pluginField({ name: 'jevt.value', desc: 'Alias for json.value, provided for backwards compatibility.', arg: 'key', argRequired: true },
      (e, a) => valueAt(e, String(a))),
    pluginField({ name: 'jevt.obj', desc: 'Alias for json.obj, provided for backwards compatibility.' }, wholeObject),
    pluginField({ name: 'jevt.rawtime', desc: 'Alias for json.rawtime, provided for backwards compatibility.' }, rawTime),
  ],
};
