// The field registry: every field class, in sysdig's order, and the two ways to get a field ready
// for events. match() reads a field reference inside an output format exactly as sysdig does: the
// classes are asked in order and the first one that knows a prefix of the text wins, with its
// longest matching field name, then that field's own argument syntax. bind() serves conditions,
// whose parser has already split the field from its argument.
import type { Event } from '../capture/event.js';
import { PrintFormat } from '../capture/event-types.js';
import { LongestPrefix } from '../capture/longest-prefix.js';
import type { StateView } from '../state/types.js';
import { indexOrKey } from './args.js';
import { CONTAINER_CLASS, K8S_CLASS, MESOS_CLASS } from './container.js';
import { UTIL_CLASS } from './counter.js';
import { GEN_EVENT_CLASS, SYSCALL_EVENT_CLASS } from './evt.js';
import { FD_CLASS } from './fd.js';
import { FDLIST_CLASS } from './fdlist.js';
import { FSPATH_CLASS } from './fspath.js';
import { printsDigits, printValue } from './print.js';
import { PROC_CLASS } from './proc.js';
import type { ArgValue, Extractor, FieldClass, FieldContext, FieldOptions, FieldSpec } from './spec.js';
import { localUtcOffsetSeconds } from './time.js';
import { FieldError, type BoundField, type FieldDef, type FieldMatch, type FieldRegistry, type FieldValue } from './types.js';
import { SYSLOG_CLASS } from './syslog.js';
import { EVTIN_CLASS, SPAN_CLASS } from './tracers.js';
import { GROUP_CLASS, USER_CLASS } from './user.js';

/** All field classes in the order sysdig consults (and lists) them. */
export const FIELD_CLASSES: readonly FieldClass[] = [
  GEN_EVENT_CLASS, SYSCALL_EVENT_CLASS, PROC_CLASS, USER_CLASS, GROUP_CLASS, CONTAINER_CLASS, FD_CLASS, FSPATH_CLASS,
  SYSLOG_CLASS, UTIL_CLASS, FDLIST_CLASS, K8S_CLASS, MESOS_CLASS, SPAN_CLASS, EVTIN_CLASS,
];

export interface Registry extends FieldRegistry {
  readonly classes: readonly FieldClass[];
}

export function createRegistry(state: StateView, opts: FieldOptions = {}): Registry {
  const ctx: FieldContext = {
    state,
    timeType: opts.timeType ?? 'h',
    utcOffset: localUtcOffsetSeconds(),
    render: { bufferFormat: opts.bufferFormat ?? 'normal', maxBufferLen: opts.verbose ? 0 : 80, state, allParams: opts.allParams === true },
  };
  return new FieldTable(FIELD_CLASSES, ctx);
}

/** A registry of other field classes (a plugin event source's), bound and matched the same way. */
export function createClassRegistry(classes: readonly FieldClass[], state: StateView, opts: FieldOptions = {}): Registry {
  const ctx: FieldContext = {
    state,
    timeType: opts.timeType ?? 'h',
    utcOffset: localUtcOffsetSeconds(),
    render: { bufferFormat: opts.bufferFormat ?? 'normal', maxBufferLen: opts.verbose ? 0 : 80, state, allParams: opts.allParams === true },
  };
  return new FieldTable(classes, ctx);
}

class FieldTable implements Registry {
  readonly defs: readonly FieldDef[];
  private readonly byName = new Map<string, FieldSpec>();

  constructor(readonly classes: readonly FieldClass[], private readonly ctx: FieldContext) {
    const defs: FieldSpec[] = [];
    for (const cls of classes) {
      for (const f of cls.fields) {
        defs.push(f);
        if (!this.byName.has(f.name)) this.byName.set(f.name, f);
      }
    }
    this.defs = defs;
  }

  match(text: string, pos: number): FieldMatch {
    for (const cls of this.classes) {
      const found = matchInClass(cls, text, pos);
      if (found === undefined) continue;
      const { spec, arg, end } = found;
      if (spec.filterOnly && spec.parseArg === undefined) {
        throw new FieldError(`${text.slice(pos)} is filter only and cannot be used as a display field`);
      }
      return { field: this.bindSpec(spec, arg, text.slice(pos, Math.max(end, pos))), end };
    }
    throw new FieldError(`invalid formatting token ${text.slice(pos)}`);
  }

  bind(name: string, arg: string | undefined): BoundField {
    const spec = this.byName.get(name);
    if (spec !== undefined) {
      if (arg === undefined) {
        // The field's own syntax decides whether it may go without an argument (evt.abspath may, evt.arg may not).
        const parsed = spec.parseArg?.(name, 0, name.length);
        return this.bindSpec(spec, parsed?.arg, name);
      }
      if (spec.arg === 'none') throw new FieldError(`field ${name} takes no argument`);
      const value = spec.checkArg ? spec.checkArg(arg) : indexOrKey(arg);
      return this.bindSpec(spec, value, `${name}[${arg}]`);
    }
    // evt.arg.fd, thread.cgroup.cpu, k8s.pod.label.app: the argument is part of the name.
    for (const cls of this.classes) {
      const found = matchInClass(cls, name, 0);
      if (found === undefined) continue;
      if (found.end !== name.length || arg !== undefined) break;
      return this.bindSpec(found.spec, found.arg, name);
    }
    throw new FieldError(`unknown field ${arg === undefined ? name : `${name}[${arg}]`}`);
  }

  private bindSpec(spec: FieldSpec, arg: ArgValue, text: string): BoundField {
    const ctx = this.ctx;
    const get = spec.get;
    let x: Extractor;
    if (spec.make !== undefined) x = spec.make(ctx, arg);
    else if (get !== undefined) x = { extract: (e: Event) => get(e, ctx, arg) };
    else throw new Error(`${spec.name}: a field reads its value with get or make`);
    const type = spec.typeFor ? spec.typeFor(arg) : spec.type;
    const fmt = spec.printFormat ?? PrintFormat.NA;
    const extract = x.extract;
    const print = x.render === undefined ? (v: FieldValue) => printValue(v, type, fmt) : x.print;
    const render = x.render ?? ((e: Event) => printValue(extract(e), type, fmt));
    const candidates = x.candidates;
    const checkValue = spec.checkValue;
    const decimal = x.render === undefined && printsDigits(type, fmt);
    return {
      def: spec, text, type, ...(arg !== undefined && { arg }), extract, render, ...(print !== undefined && { print }), ...(decimal && { decimal }),
      ...(candidates !== undefined && { candidates, ...(spec.neAll && { neAll: true }) }),
      ...(checkValue !== undefined && { checkValue }),
    };
  }
}

interface ClassMatch {
  readonly spec: FieldSpec;
  readonly arg: ArgValue;
  readonly end: number;
}

const classNames = new WeakMap<FieldClass, LongestPrefix<FieldSpec>>();

/** The class's field whose name is the longest prefix of text at pos, with its argument read. */
function matchInClass(cls: FieldClass, text: string, pos: number): ClassMatch | undefined {
  let names = classNames.get(cls);
  if (names === undefined) classNames.set(cls, (names = new LongestPrefix(cls.fields, (f) => f.name)));
  const best = names.find(text, pos);
  if (best === undefined) return undefined;
  const nameEnd = pos + best.name.length;
  if (best.parseArg === undefined) return { spec: best, arg: undefined, end: nameEnd };
  const { arg, end } = best.parseArg(text, pos, nameEnd);
  return { spec: best, arg, end };
}
