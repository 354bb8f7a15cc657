// `ghostwatch capture -w FILE [-M SECONDS] [-n EVENTS] [-s SNAPLEN] [FILTER]`: record the live system
// into a capture that Debian's sysdig 0.29.3 and `ghostwatch events -r` read alike.
//
// As `sysdig -w` does, it records every system call (the ones the probe has no event for as the
// generic syscall event), each with its enter event at the moment the call started, and the first
// SNAPLEN bytes (80 by default) of the I/O calls' buffers. The probe runs in capture mode for that
// (probe/probe.ts): it costs every call something, which detection never pays.
//
// Probe → /proc scan header → 2022 conversion (compat.ts) → state → filter → writer. The filter
// runs on the converted events, the ones the file holds, so it keeps in the file what it keeps
// when the file is read back. As with `ghostwatch events -w` (sysdig -F), events the filter drops
// but the state needs are written hidden (state-only), and a dropped enter event is written hidden
// before its exit when the exit is written (it is kept per thread until then), so readers pair
// them as the recorder did.
import { LegacyConverter, liveEventsWrittenAs } from '../capture/compat.js';
import { Event } from '../capture/event.js';
import { CaptureWriter } from '../capture/writer.js';
import { createRegistry } from '../fields/registry.js';
import { compileCondition, eventTypesOf, parseCondition } from '../filter/index.js';
import { CAPTURE_RING_KB, DEFAULT_SNAPLEN, listProbeEvents } from '../probe/index.js';
import { SYSCALL_EVENT_UNIVERSE } from '../rules/event-universe.js';
import { openLive, probeSyscalls, type LiveSource } from '../sources/live.js';
import { State, stateNeeds } from '../state/state.js';
import { ContainerHold, type EventSteps } from '../engine/container-hold.js';
import { attachContainers, commandLineContainerConfig, hostRoot, type ContainerSockets } from './containers.js';
import { reportError } from './errors.js';

export interface CaptureOptions {
  /** The capture file to write (-w). */
  write: string;
  /** Stop after this many seconds (-M); 0 or absent: until SIGINT/SIGTERM. */
  durationSeconds?: number;
  /** Stop after this many events are written (-n), hidden state-only events not counted. */
  count?: number;
  /** Keep only the events this condition matches (plus the state they need). */
  filter?: string;
  /** Container runtime sockets given on the command line. */
  containers?: ContainerSockets;
  /** Bytes of each I/O buffer to keep (-s; default 80, as sysdig). */
  snaplen?: number;
}

/** How long events of a new container are kept back, waiting for its description. */
const CONTAINER_WAIT_MS = 500;
/** Threads whose dropped enter event is kept (past this, those kept are forgotten). */
const MAX_PENDING_ENTERS = 65_536;
const GENERIC_E = 0;
const GENERIC_X = 1;

/** Records the live system; resolves to the exit status. */
export async function runCapture(o: CaptureOptions): Promise<number> {
  const state = new State();
  let syscalls: string[];
  let allSyscalls = true;
  try {
    const ast = o.filter === undefined ? undefined : parseCondition(o.filter);
    if (ast !== undefined) state.filter = compileCondition(ast, createRegistry(state));
    syscalls = listProbeEvents();
    // With a filter, only the events it can match and those the state needs; the calls without
    // events of their own only when it can match the generic event.
    if (ast !== undefined) {
      const types = eventTypesOf(ast, SYSCALL_EVENT_UNIVERSE);
      syscalls = probeSyscalls(liveEventsWrittenAs(types), { all: true }, syscalls);
      allSyscalls = types.has(GENERIC_E) || types.has(GENERIC_X);
    }
  } catch (err) {
    reportError(err);
    return 1;
  }

  let live: LiveSource;
  try {
    live = await openLive({
      syscalls, enterEvents: true, allSyscalls, snaplen: o.snaplen ?? DEFAULT_SNAPLEN, ringKb: CAPTURE_RING_KB,
      hostRoot: hostRoot(), containers: commandLineContainerConfig(o.containers), onWarning: (m) => process.stderr.write(`Warning: ${m}\n`),
    });
  } catch (err) {
    reportError(err);
    return 1;
  }

  attachContainers(state, live);
  let writer: CaptureWriter;
  try {
    writer = new CaptureWriter(o.write);
  } catch (err) {
    await live.stop();
    reportError(err);
    return 1;
  }

  // A signal detaches the probe: the events it captured until then are still written (on a busy
  // system the recording runs behind the calls it records), then the file is closed. A second
  // signal stops at the next event.
  let interrupted = false;
  let signals = 0;
  const interrupt = () => {
    if (++signals > 1) interrupted = true;
    void live.stop();
  };
  process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
  // -M, as sysdig: the events of the first SECONDS of event time, however late they are read; the
  // timer only ends a recording no event comes to end.
  const seconds = o.durationSeconds ?? 0;
  const window = seconds * 1e9;
  let deadline = Infinity;
  const timer = window > 0 ? setTimeout(() => void live.stop(), seconds * 1000) : undefined;
  const recorder = new Recorder(state, writer, o.count ?? Infinity);
  const converter = new LegacyConverter({ probeEnters: true });
  // A new container's description is written before its first events (it comes from the runtime
  // a moment after them): readers of the capture then know the container from its first process on.
  const hold = new ContainerHold({
    maxMs: CONTAINER_WAIT_MS, maxEvents: 100_000,
    pending: (id) => state.containers.get(id)?.lookupPending === true,
    learn: (e) => recorder.writeAhead(e),
  }, recorder);
  let num = 0;
  const emit = (e: Event) => {
    e.num = ++num;
    hold.offer(e);
  };
  let status = 0;
  try {
    await live.read({
      header(h) {
        state.seed(h);
        writer.writeHeader(h);
      },
      event(e) {
        if (interrupted) return false;
        if (window > 0) {
          if (deadline === Infinity) deadline = e.tsNum() + window;
          else if (e.tsNum() > deadline) return false;
        }
        converter.convert(e, emit);
        return !recorder.full;
      },
    });
  } catch (err) {
    reportError(err);
    status = 1;
  } finally {
    hold.finish();
    clearTimeout(timer);
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
    writer.close();
  }
  const drops = live.drops();
  if (drops.total > 0) {
    const by = Object.entries(drops.byEvent).map(([name, n]) => `${name}=${n}`).join(' ');
    process.stderr.write(`ghostwatch: ${drops.total} events dropped (the ring buffer was full): ${by}\n`);
  }
  return status;
}

/** Runs each event through the state and the filter and writes what the capture must hold. */
class Recorder implements EventSteps {
  /** Set once `limit` shown events are written. */
  full = false;
  private shown = 0;
  /** Per thread, the last enter event the filter dropped, while its exit may still be written. */
  private readonly pendingEnters = new Map<number, Event>();
  /** Copies no longer pending, reused (no allocation per event). */
  private readonly spareEvents: Event[] = [];
  /** Container events already written ahead of their turn (by number). */
  private readonly written = new Set<number>();

  constructor(
    private readonly state: State,
    private readonly writer: CaptureWriter,
    private readonly limit: number,
  ) {}

  /** The state's part: true when the event is to be written as shown (judge() writes it); hidden ones are written here. */
  parse(e: Event): boolean {
    if (this.full) return false;
    const isEnter = (e.type & 1) === 0;
    const shown = this.state.process(e);
    const write = shown || stateNeeds(e.type);
    const pending = this.pendingEnters.get(e.tid);
    if (pending !== undefined) {
      // The thread's next event: its exit (written hidden before it, when it is written), or a
      // call whose exit never came.
      if (!isEnter && write && pending.type === e.type - 1) this.writer.writeHidden(pending);
      this.pendingEnters.delete(e.tid);
      this.spareEvents.push(pending);
    }
    if (isEnter && !write) {
      if (this.pendingEnters.size >= MAX_PENDING_ENTERS) this.pendingEnters.clear();
      const copy = this.spareEvents.pop() ?? new Event();
      copy.copyFrom(e);
      this.pendingEnters.set(e.tid, copy);
    }
    if (!write) return false;
    if (!shown) {
      if (!this.written.delete(e.num)) this.writer.writeHidden(e);
      return false;
    }
    return true;
  }

  judge(e: Event): void {
    if (!this.written.delete(e.num)) this.writer.writeEvent(e);
    if (++this.shown >= this.limit) this.full = true;
  }

  /** A container's description that readers need before the events kept while it was awaited. */
  writeAhead(e: Event): void {
    this.state.learnContainer(e);
    this.written.add(e.num);
    this.writer.writeEvent(e);
  }
}
