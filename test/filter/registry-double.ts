// A double of the field registry for the parser/compiler unit tests (the real registry is
// src/fields/registry.ts, tested on its own): a handful of fields of every value type, read from a
// plain record that stands for the event, so a test states each field's value directly.
import type { Event } from '../../src/capture/event.js';
import { ParamType } from '../../src/capture/event-types.js';
import { FieldError, type BoundField, type FieldArg, type FieldDef, type FieldRegistry, type FieldValue } from '../../src/fields/types.js';

/** What a test event carries: field text (as bound, e.g. 'proc.aname[2]') to value; '*' keys hold candidates. */
export type Values = Record<string, FieldValue | readonly FieldValue[]>;

/** An "event" for the double: the predicate passes it back to the double's extractors untouched. */
export function evt(values: Values): Event {
  return { values } as unknown as Event;
}

const read = (e: Event, key: string): FieldValue | readonly FieldValue[] => (e as unknown as { values: Values }).values[key];

interface Def {
  name: string;
  type: ParamType;
  arg?: FieldArg;
  isList?: boolean;
  /** Compares through candidates ('<name>*' in the values), with sinsp's all-differ `!=` when 'all'. */
  candidates?: 'any' | 'all';
  /** The only values a condition may compare it with (as evt.type's event names). */
  values?: readonly string[];
}

const DEFS: Def[] = [
  { name: 'evt.num', type: ParamType.UINT64 },
  { name: 'evt.type', type: ParamType.CHARBUF, values: ['open', 'openat', 'close', 'execve', 'read', 'write'] },
  { name: 'evt.rawtime', type: ParamType.ABSTIME },
  { name: 'evt.rawres', type: ParamType.INT64 },
  { name: 'evt.buffer', type: ParamType.BYTEBUF },
  { name: 'evt.args', type: ParamType.CHARBUF },
  { name: 'evt.arg', type: ParamType.CHARBUF, arg: 'index-or-key' },
  { name: 'evt.fdlist', type: ParamType.FDLIST },
  { name: 'syscall.type', type: ParamType.CHARBUF },
  { name: 'proc.name', type: ParamType.CHARBUF },
  { name: 'proc.pname', type: ParamType.CHARBUF },
  { name: 'proc.cmdline', type: ParamType.CHARBUF },
  { name: 'proc.exepath', type: ParamType.CHARBUF },
  { name: 'proc.pid', type: ParamType.INT64 },
  { name: 'proc.ppid', type: ParamType.INT64 },
  { name: 'proc.tty', type: ParamType.INT32 },
  { name: 'proc.fdusage', type: ParamType.DOUBLE },
  { name: 'proc.env', type: ParamType.CHARBUF, arg: 'key' },
  { name: 'proc.aname', type: ParamType.CHARBUF, arg: 'index', candidates: 'any' },
  { name: 'proc.args.list', type: ParamType.CHARBUF, isList: true },
  { name: 'proc.ports.list', type: ParamType.UINT64, isList: true },
  { name: 'thread.ismain', type: ParamType.BOOL },
  { name: 'user.uid', type: ParamType.UINT32 },
  { name: 'fd.num', type: ParamType.FD },
  { name: 'fd.name', type: ParamType.FSPATH },
  { name: 'fd.sport', type: ParamType.PORT },
  { name: 'fd.sip', type: ParamType.IPADDR },
  { name: 'fd.cip', type: ParamType.IPV4ADDR },
  { name: 'fd.snet', type: ParamType.IPNET },
  { name: 'fd.ip', type: ParamType.IPADDR, candidates: 'all' },
  { name: 'fd.net', type: ParamType.IPNET, candidates: 'all' },
  { name: 'fd.port', type: ParamType.PORT, candidates: 'all' },
];

function bindDef(d: Def, arg: string | undefined): BoundField {
  const text = arg === undefined ? d.name : `${d.name}[${arg}]`;
  const def: FieldDef = { name: d.name, type: d.type, desc: '', arg: d.arg ?? 'none', ...(d.isList && { isList: true }) };
  const field: { -readonly [K in keyof BoundField]: BoundField[K] } = {
    def,
    text,
    type: d.type,
    extract: (e) => read(e, text) as FieldValue,
    render: (e) => String(read(e, text)),
  };
  const values = d.values;
  if (values !== undefined) {
    field.checkValue = (text) => {
      if (!values.includes(text)) throw new FieldError(`unknown event type ${text}`);
    };
  }
  if (d.candidates === undefined || arg !== undefined) return field;
  return {
    ...field,
    neAll: d.candidates === 'all',
    candidates(e, out) {
      const vs = (read(e, `${d.name}*`) ?? []) as readonly FieldValue[];
      vs.forEach((v, i) => (out[i] = v));
      return vs.length;
    },
  };
}

export const registry: FieldRegistry = {
  defs: DEFS.map((d) => ({ name: d.name, type: d.type, desc: '', arg: d.arg ?? 'none' })),
  bind(name, arg) {
    const exact = DEFS.find((d) => d.name === name);
    if (exact !== undefined) {
      if (arg !== undefined && exact.arg === undefined) throw new FieldError(`field ${name} takes no argument`);
      if (exact.arg === 'index' && arg !== undefined && !/^\d+$/.test(arg)) throw new FieldError(`bad index ${arg}`);
      return bindDef(exact, arg);
    }
    // evt.arg.fd: the argument as part of the name.
    const keyed = DEFS.find((d) => d.arg !== undefined && d.arg !== 'index' && name.startsWith(`${d.name}.`));
    if (keyed !== undefined && arg === undefined) return bindDef(keyed, name.slice(keyed.name.length + 1));
    throw new FieldError(`unknown field ${name}`);
  },
  match() {
    throw new FieldError('not used by conditions');
  },
};
