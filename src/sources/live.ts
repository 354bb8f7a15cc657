// The live system as an event source with the capture reader's interface: header(h) once, with what
// a /proc scan found, then event(e) for every event the probe sends, so the state engine, filters,
// rules and writer downstream cannot tell it from a capture file.
//
// Order, as libscap's: the probe is attached first, then /proc is scanned. A process started in
// between is then both in the scan and in the events (the events update it), where the other
// order would lose it entirely.
import type { CaptureHandlers } from '../capture/reader.js';
import type { CaptureHeader } from '../capture/records.js';
import { startProbe, type Probe, type ProbeCounts } from '../probe/index.js';
import { scanProc } from './proc-scan.js';

export { probeSyscalls, type BaseSyscalls } from './syscall-set.js';

export interface LiveOptions {
  /** Events to capture (probe event names, see probeSyscalls). */
  readonly syscalls: readonly string[];
  /** Ring buffer size in KiB, a power of 2 (default: the probe's). */
  readonly ringKb?: number;
  /** Processes whose events are not captured (default: this one). */
  readonly ignorePids?: readonly number[];
  /** Called with the probe's counts about once a second and at the end. */
  readonly onCounts?: (counts: ProbeCounts) => void;
}

export interface LiveSource {
  /** The scan the stream starts from. */
  readonly header: CaptureHeader;
  /** Deliver the header, then every event until stop() (or a handler returns false). Once only. */
  read(handlers: CaptureHandlers): Promise<void>;
  /** Detach the probe; read() resolves once the events already captured are delivered. */
  stop(): Promise<void>;
  /** Events lost because the ring buffer was full, in total and per event name. */
  drops(): { total: number; byEvent: Record<string, number> };
  /** Events sent and dropped, per event type id. */
  counts(): ProbeCounts;
}

/** Attach the probe and scan /proc; rejects with a ProbeError (one line: not root, no BTF...) when the probe cannot start. */
export async function openLive(opts: LiveOptions): Promise<LiveSource> {
  const probe = await startProbe({
    syscalls: opts.syscalls,
    ...(opts.ringKb !== undefined && { ringKb: opts.ringKb }),
    ...(opts.ignorePids !== undefined && { ignorePids: opts.ignorePids }),
    ...(opts.onCounts !== undefined && { onCounts: opts.onCounts }),
  });
  let header: CaptureHeader;
  try {
    header = scanProc();
  } catch (err) {
    await probe.stop();
    throw err;
  }
  return new Live(probe, header);
}

class Live implements LiveSource {
  constructor(
    private readonly probe: Probe,
    readonly header: CaptureHeader,
  ) {}

  async read(handlers: CaptureHandlers): Promise<void> {
    // The probe's stream opens with header blocks of its own (machine only): the scan replaces them.
    // Handing the scan over directly keeps what the capture format's process list cannot carry
    // (tty, capabilities, executable inode...).
    try {
      await this.probe.read({ header: () => handlers.header(this.header), event: (e) => handlers.event(e) });
    } finally {
      // Stopped by a handler: detach too, so nothing stays attached for a stream nobody reads.
      await this.probe.stop();
    }
  }

  stop(): Promise<void> {
    return this.probe.stop();
  }

  drops(): { total: number; byEvent: Record<string, number> } {
    return this.probe.drops();
  }

  counts(): ProbeCounts {
    return this.probe.counts();
  }
}
