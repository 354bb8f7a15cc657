// The span and evtin classes: spans that applications mark by writing tracer records to /dev/null,
// and events that happen inside them. Tracers went out of use with sysdig's own tracing support;
// the fields are declared (with their argument syntax) so formats and conditions that name them
// parse, but no event carries a span, so they never have a value.
import { findLongestParam } from '../capture/event-table.js';
import { ParamType, PrintFormat } from '../capture/event-types.js';
import { bracketNumber, syntaxError } from './args.js';
import type { FieldClass, FieldSpec, ParsedArg } from './spec.js';
import { FieldError } from './types.js';

const T = ParamType;
const F = PrintFormat;

/** span.tag[N] and span.idtag[N]: an index only. */
function spanIndex(text: string, start: number, pos: number): ParsedArg {
  if (text[pos] === '[') return bracketNumber(text, start, pos);
  if (text[pos] === '.') throw new FieldError(`invalid syntax for ${text.slice(start, pos)}`);
  return syntaxError(text, start);
}

/** span.arg[N] or span.arg.NAME, the name running to the end of the text. */
function spanKey(text: string, start: number, pos: number): ParsedArg {
  if (text[pos] === '[') return bracketNumber(text, start, pos);
  if (text[pos] === '.') return { arg: text.slice(pos + 1), end: text.length };
  return syntaxError(text, start);
}

/** evtin.span.arg[N] or evtin.span.arg.NAME, NAME an event parameter name. */
function evtinArg(text: string, start: number, pos: number): ParsedArg {
  if (text[pos] === '[') return bracketNumber(text, start, pos);
  if (text[pos] !== '.') syntaxError(text, start);
  const p = findLongestParam(text.slice(pos + 1));
  if (p === undefined) throw new FieldError(`unknown event argument ${text.slice(pos + 1)}`);
  return { arg: p.name, end: pos + 1 + p.name.length };
}

function inert(name: string, type: ParamType, fmt: PrintFormat, desc: string, extra: Partial<FieldSpec> = {}): FieldSpec {
  return { name, type, printFormat: fmt, arg: 'none', desc, ...extra, get: () => undefined };
}

export const SPAN_CLASS: FieldClass = {
  name: 'span',
  desc: 'Fields used if information about distributed tracing is available.',
  fields: [
    inert('span.id', T.INT64, F.ID,
      'ID of the span. This is a unique identifier that is used to match the enter and exit tracer events for this span. It can also be used to match different spans belonging to a trace.'),
    inert('span.time', T.CHARBUF, F.NA,
      'time of the span\'s enter tracer as a human readable string that includes the nanosecond part.'),
    inert('span.ntags', T.UINT32, F.DEC,
      'number of tags that this span has.'),
    inert('span.nargs', T.UINT32, F.DEC,
      'number of arguments that this span has.'),
    inert('span.tags', T.CHARBUF, F.NA,
      'dot-separated list of all of the span\'s tags.'),
    inert('span.tag', T.CHARBUF, F.NA,
      'one of the span\'s tags, specified by 0-based offset, e.g. \'span.tag[1]\'. You can use a negative offset to pick elements from the end of the tag list. For example, \'span.tag[-1]\' returns the last tag.', { arg: 'index', parseArg: spanIndex, argRequired: true }),
    inert('span.args', T.CHARBUF, F.NA,
      'comma-separated list of the span\'s arguments.'),
    inert('span.arg', T.CHARBUF, F.NA,
      'one of the span arguments, specified by name or by 0-based offset. E.g. \'span.arg.xxx\' or \'span.arg[1]\'. You can use a negative offset to pick elements from the end of the tag list. For example, \'span.arg[-1]\' returns the last argument.', { arg: 'index-or-key', parseArg: spanKey, argRequired: true }),
    inert('span.enterargs', T.CHARBUF, F.NA,
      'comma-separated list of the span\'s enter tracer event arguments. For enter tracers, this is the same as evt.args. For exit tracers, this is the evt.args of the corresponding enter tracer.'),
    inert('span.enterarg', T.CHARBUF, F.NA,
      'one of the span\'s enter arguments, specified by name or by 0-based offset. For enter tracer events, this is the same as evt.arg. For exit tracer events, this is the evt.arg of the corresponding enter event.', { arg: 'index-or-key', parseArg: spanKey, argRequired: true }),
    inert('span.duration', T.RELTIME, F.DEC,
      'delta between this span\'s exit tracer event and the enter tracer event.'),
    inert('span.duration.quantized', T.UINT64, F.DEC,
      '10-base log of the delta between an exit tracer event and the correspondent enter event.', { hidden: true }),
    inert('span.duration.human', T.CHARBUF, F.NA,
      'delta between this span\'s exit tracer event and the enter event, as a human readable string (e.g. 10.3ms).'),
    inert('span.duration.fortag', T.RELTIME, F.DEC,
      'duration of the span if the number of tags matches the field argument, otherwise 0. For example, span.duration.fortag[1] returns the duration of all the spans with 1 tag, and zero for all the other ones.', { hidden: true, arg: 'index-or-key', parseArg: spanKey, argRequired: true }),
    inert('span.count', T.UINT64, F.DEC,
      '1 for span exit events.', { hidden: true }),
    inert('span.count.fortag', T.UINT64, F.DEC,
      '1 if the span\'s number of tags matches the field argument, and zero for all the other ones.', { hidden: true, arg: 'index-or-key', parseArg: spanKey, argRequired: true }),
    inert('span.childcount.fortag', T.UINT64, F.DEC,
      '1 if the span\'s number of tags is greater than the field argument, and zero for all the other ones.', { hidden: true, arg: 'index-or-key', parseArg: spanKey, argRequired: true }),
    inert('span.idtag', T.CHARBUF, F.NA,
      'id used by the span list view.', { hidden: true, arg: 'index', parseArg: spanIndex, argRequired: true }),
    inert('span.rawtime', T.CHARBUF, F.NA,
      'id used by the span list view.', { hidden: true }),
    inert('span.rawparenttime', T.CHARBUF, F.NA,
      'id used by the span list view.', { hidden: true }),
  ],
};

export const EVTIN_CLASS: FieldClass = {
  name: 'evtin',
  desc: 'Fields used if information about distributed tracing is available.',
  fields: [
    inert('evtin.span.id', T.INT64, F.ID,
      'accepts all the events that are between the enter and exit tracers of the spans with the given ID and are generated by the same thread that generated the tracers.'),
    inert('evtin.span.ntags', T.UINT32, F.DEC,
      'accepts all the events that are between the enter and exit tracers of the spans with the given number of tags and are generated by the same thread that generated the tracers.'),
    inert('evtin.span.nargs', T.UINT32, F.DEC,
      'accepts all the events that are between the enter and exit tracers of the spans with the given number of arguments and are generated by the same thread that generated the tracers.'),
    inert('evtin.span.tags', T.CHARBUF, F.NA,
      'accepts all the events that are between the enter and exit tracers of the spans with the given tags and are generated by the same thread that generated the tracers.'),
    inert('evtin.span.tag', T.CHARBUF, F.NA,
      'accepts all the events that are between the enter and exit tracers of the spans with the given tag and are generated by the same thread that generated the tracers. See the description of span.tag for information about the syntax accepted by this field.', { arg: 'index-or-key', parseArg: evtinArg, argRequired: true }),
    inert('evtin.span.args', T.CHARBUF, F.NA,
      'accepts all the events that are between the enter and exit tracers of the spans with the given arguments and are generated by the same thread that generated the tracers.'),
    inert('evtin.span.arg', T.CHARBUF, F.NA,
      'accepts all the events that are between the enter and exit tracers of the spans with the given argument and are generated by the same thread that generated the tracers. See the description of span.arg for information about the syntax accepted by this field.', { arg: 'index-or-key', parseArg: evtinArg, argRequired: true }),
    inert('evtin.span.p.id', T.INT64, F.ID,
      'same as evtin.span.id, but also accepts events generated by other threads in the same process that produced the span.'),
    inert('evtin.span.p.ntags', T.UINT32, F.DEC,
      'same as evtin.span.ntags, but also accepts events generated by other threads in the same process that produced the span.'),
    inert('evtin.span.p.nargs', T.UINT32, F.DEC,
      'same as evtin.span.nargs, but also accepts events generated by other threads in the same process that produced the span.'),
    inert('evtin.span.p.tags', T.CHARBUF, F.NA,
      'same as evtin.span.tags, but also accepts events generated by other threads in the same process that produced the span.'),
    inert('evtin.span.p.tag', T.CHARBUF, F.NA,
      'same as evtin.span.tag, but also accepts events generated by other threads in the same process that produced the span.', { arg: 'index-or-key', parseArg: evtinArg, argRequired: true }),
    inert('evtin.span.p.args', T.CHARBUF, F.NA,
      'same as evtin.span.args, but also accepts events generated by other threads in the same process that produced the span.'),
    inert('evtin.span.p.arg', T.CHARBUF, F.NA,
      'same as evtin.span.arg, but also accepts events generated by other threads in the same process that produced the span.', { arg: 'index-or-key', parseArg: evtinArg, argRequired: true }),
    inert('evtin.span.s.id', T.INT64, F.ID,
      'same as evtin.span.id, but also accepts events generated by the script that produced the span, i.e. by the processes whose parent PID is the same as the one of the process generating the span.'),
    inert('evtin.span.s.ntags', T.UINT32, F.DEC,
      'same as evtin.span.id, but also accepts events generated by the script that produced the span, i.e. by the processes whose parent PID is the same as the one of the process generating the span.'),
    inert('evtin.span.s.nargs', T.UINT32, F.DEC,
      'same as evtin.span.id, but also accepts events generated by the script that produced the span, i.e. by the processes whose parent PID is the same as the one of the process generating the span.'),
    inert('evtin.span.s.tags', T.CHARBUF, F.NA,
      'same as evtin.span.id, but also accepts events generated by the script that produced the span, i.e. by the processes whose parent PID is the same as the one of the process generating the span.'),
    inert('evtin.span.s.tag', T.CHARBUF, F.NA,
      'same as evtin.span.id, but also accepts events generated by the script that produced the span, i.e. by the processes whose parent PID is the same as the one of the process generating the span.', { arg: 'index-or-key', parseArg: evtinArg, argRequired: true }),
    inert('evtin.span.s.args', T.CHARBUF, F.NA,
      'same as evtin.span.id, but also accepts events generated by the script that produced the span, i.e. by the processes whose parent PID is the same as the one of the process generating the span.'),
    inert('evtin.span.s.arg', T.CHARBUF, F.NA,
      'same as evtin.span.id, but also accepts events generated by the script that produced the span, i.e. by the processes whose parent PID is the same as the one of the process generating the span.', { arg: 'index-or-key', parseArg: evtinArg, argRequired: true }),
    inert('evtin.span.m.id', T.INT64, F.ID,
      'same as evtin.span.id, but accepts all the events generated on the machine during the span, including other threads and other processes.'),
    inert('evtin.span.m.ntags', T.UINT32, F.DEC,
      'same as evtin.span.id, but accepts all the events generated on the machine during the span, including other threads and other processes.'),
    inert('evtin.span.m.nargs', T.UINT32, F.DEC,
      'same as evtin.span.id, but accepts all the events generated on the machine during the span, including other threads and other processes.'),
    inert('evtin.span.m.tags', T.CHARBUF, F.NA,
      'same as evtin.span.id, but accepts all the events generated on the machine during the span, including other threads and other processes.'),
    inert('evtin.span.m.tag', T.CHARBUF, F.NA,
      'same as evtin.span.id, but accepts all the events generated on the machine during the span, including other threads and other processes.', { arg: 'index-or-key', parseArg: evtinArg, argRequired: true }),
    inert('evtin.span.m.args', T.CHARBUF, F.NA,
      'same as evtin.span.id, but accepts all the events generated on the machine during the span, including other threads and other processes.'),
    inert('evtin.span.m.arg', T.CHARBUF, F.NA,
      'same as evtin.span.id, but accepts all the events generated on the machine during the span, including other threads and other processes.', { arg: 'index-or-key', parseArg: evtinArg, argRequired: true }),
  ],
};

