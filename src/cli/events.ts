// `ghostwatch events`: sysdig's capture inspector. Reader → state (which runs the filter where
// sysdig runs it) → formatter → stdout, or → writer with -w. Events sysdig keeps to itself
// (the internal category: procinfo, drops...) are not printed, as without sysdig -D.
import { EventCategory, EVENT_TABLE, LEGACY_EVENT_COUNT } from '../capture/event-table.js';
import type { Event } from '../capture/event.js';
import { readCapture, type CaptureHandlers } from '../capture/reader.js';
import type { BufferFormat } from '../fields/render.js';
import { CaptureWriter } from '../capture/writer.js';
import { DEFAULT_FORMAT, OutputFormat, unescapeFormat } from '../fields/format.js';
import { createRegistry } from '../fields/registry.js';
import { compileCondition, parseCondition } from '../filter/index.js';
import { State, stateNeeds } from '../state/state.js';
import { reportError } from './errors.js';
import { readLive } from './events-live.js';
import type { ContainerSockets } from './containers.js';
import { LineOutput } from './output.js';

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
}

/** Prints (or writes) the events of a capture; resolves to the exit status. */
export async function runEvents(o: EventsOptions): Promise<number> {
  const state = new State();
  const registry = createRegistry(state, { verbose: o.verbose, bufferFormat: o.bufferFormat });
  let format: OutputFormat;
  try {
    format = OutputFormat.parse(registry, unescapeFormat(o.format ?? DEFAULT_FORMAT));
    if (o.filter !== undefined) state.filter = compileCondition(parseCondition(o.filter), registry);
  } catch (err) {
    reportError(err);
    return 1;
  }

  const out = o.write === undefined ? new LineOutput() : undefined;
  const writer = o.write === undefined ? undefined : new CaptureWriter(o.write, { gzip: o.compress });
  const limit = o.count ?? Infinity;
  let kept = 0;
  let num = 0;
  const isInternal = (e: Event) => ((EVENT_TABLE[e.type]?.category ?? 0) & EventCategory.INTERNAL) !== 0;

  // Live, printed lines go out at least every 100 ms, not only once the buffer is full.
  const ticker = o.file === undefined && out !== undefined ? setInterval(() => out.flush(), 100) : undefined;
  try {
    const read = (h: CaptureHandlers) => (o.file !== undefined ? readCapture(o.file, h) : readLive(o.filter, state, o.containers ?? {}, h));
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
        if (out !== undefined && !isInternal(e)) format.write(e, out);
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
  out?.flush();
  writer?.close();
  return 0;
}
