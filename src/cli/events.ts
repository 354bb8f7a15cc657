// `ghostwatch events`: sysdig's capture inspector. Reader → state (which runs the filter where
// sysdig runs it) → formatter → stdout (text, or JSON with -j), or → writer with -w. Events sysdig
// keeps to itself (the internal category: procinfo, drops...) are not printed, as without sysdig -D,
// but -S counts them, as sysdig's summary does.
import { EventCategory, EVENT_TABLE, LEGACY_EVENT_COUNT } from '../capture/event-table.js';
import type { Event } from '../capture/event.js';
import { readCapture, type CaptureHandlers } from '../capture/reader.js';
import type { BufferFormat } from '../fields/render.js';
import { CaptureWriter } from '../capture/writer.js';
import { CONTAINER_FORMAT, DEFAULT_FORMAT, K8S_FORMAT, OutputFormat, unescapeFormat } from '../fields/format.js';
import { JsonFormat } from '../fields/json-format.js';
import { createRegistry } from '../fields/registry.js';
import type { TimeType } from '../fields/spec.js';
import { DEFAULT_SNAPLEN } from '../probe/events.js';
import { compileCondition, parseCondition } from '../filter/index.js';
import { dependsOnTypeOnly, memoByEventType } from '../filter/type-memo.js';
import { State, stateNeeds } from '../state/state.js';
import { reportError } from './errors.js';
import type { ContainerSockets } from './containers.js';
import { LineOutput } from './output.js';
import { EventSummary } from './summary.js';

export interface EventsOptions {
  /** The capture to read; absent: the live system (events-live.ts). */
  file?: string;
  format?: string;
  filter?: string;
  write?: string;
  compress?: boolean;
  count?: number;
  verbose?: boolean;
  bufferFormat?: BufferFormat;
  /** Live: container runtime sockets given on the command line. */
  containers?: ContainerSockets;
  /** -j: one JSON object per event. */
  json?: boolean;
  /** -t: how %evt.outputtime prints. */
  timeType?: TimeType;
  /** -s, live: bytes of each I/O buffer the probe keeps (default 80). */
  snaplen?: number;
  /** -S: the event summary at the end. */
  summary?: boolean;
}

/** sysdig -pm. */
const MESOS_FORMAT =
  '*%evt.num %evt.outputtime %evt.cpu %mesos.task.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info';

/** sysdig's -p shorthands: the container, Kubernetes and Mesos lines. */
const NAMED_FORMATS: Readonly<Record<string, string>> = {
  c: CONTAINER_FORMAT, container: CONTAINER_FORMAT,
  k: K8S_FORMAT, kubernetes: K8S_FORMAT,
  m: MESOS_FORMAT, mesos: MESOS_FORMAT,
};

/** Prints (or writes) the events of a capture; resolves to the exit status. */
export async function runEvents(o: EventsOptions): Promise<number> {
  // -pp prints the default line's format (to start a format of one's own from).
  if (o.format === 'p') {
    process.stdout.write(`${DEFAULT_FORMAT}\n`);
    return 0;
  }
  const state = new State();
  // sysdig cuts long buffers (to 80 characters) in its text lines only, not in JSON.
  const registry = createRegistry(state, { verbose: o.verbose === true || o.json === true, bufferFormat: o.bufferFormat, timeType: o.timeType });
  let format: OutputFormat;
  try {
    const named = o.format === undefined ? undefined : NAMED_FORMATS[o.format];
    format = OutputFormat.parse(registry, unescapeFormat(named ?? o.format ?? DEFAULT_FORMAT));
    if (o.filter !== undefined) {
      const ast = parseCondition(o.filter);
      const filter = compileCondition(ast, registry);
      state.filter = dependsOnTypeOnly(ast) ? memoByEventType(filter) : filter;
    }
  } catch (err) {
    reportError(err);
    return 1;
  }

  const out = o.write === undefined ? new LineOutput() : undefined;
  const writer = o.write === undefined ? undefined : new CaptureWriter(o.write, { gzip: o.compress });
  const json = o.json === true ? new JsonFormat(format) : undefined;
  const summary = o.summary === true ? new EventSummary() : undefined;
  const limit = o.count ?? Infinity;
  let kept = 0;
  let num = 0;
  const isInternal = (e: Event) => ((EVENT_TABLE[e.type]?.category ?? 0) & EventCategory.INTERNAL) !== 0;

  // Live, printed lines go out at least every 100 ms, not only once the buffer is full.
  const ticker = o.file === undefined && out !== undefined ? setInterval(() => out.flush(), 100) : undefined;
  try {
    // The live source (probe, container runtimes) is loaded only for a live run.
    const read = async (h: CaptureHandlers) =>
      (o.file !== undefined ? readCapture(o.file, h)
        : (await import('./events-live.js')).readLive(o.filter, state, o.containers ?? {}, o.snaplen ?? DEFAULT_SNAPLEN, h));
    await read({
      header(h) {
        state.seed(h);
        writer?.writeHeader(h);
      },
      event(e) {
        // sysdig 0.29.3 skips the events it does not know (newer drivers' useradded, dup2...) and
        // numbers the others without them.
        if (e.type >= LEGACY_EVENT_COUNT && o.file !== undefined) return;
        e.num = ++num;
        const shown = state.process(e);
        if (writer !== undefined) {
          // Like sysdig -F: events the filter drops but the state needs stay in the capture, hidden.
          if (shown) writer.writeEvent(e);
          else if (stateNeeds(e.type) || isInternal(e)) writer.writeHidden(e);
        }
        if (!shown) return;
        kept++;
        summary?.count(e);
        if (out !== undefined && !isInternal(e)) {
          if (json !== undefined) json.write(e, out);
          else format.write(e, out);
        }
        if (kept >= limit) return false;
      },
    });
  } catch (err) {
    clearInterval(ticker);
    out?.flush();
    writer?.close();
    reportError(err);
    return 1;
  }
  clearInterval(ticker);
  if (summary !== undefined) {
    if (out !== undefined) out.text(summary.lines());
    else process.stdout.write(summary.lines());
  }
  out?.flush();
  writer?.close();
  return 0;
}
