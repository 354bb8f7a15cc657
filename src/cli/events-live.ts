// `ghostwatch events` without -r: the live system, shown as sysdig 0.29.3 shows it. The probe's
// events go through the same conversion as `ghostwatch capture` (compat.ts: enter and exit events,
// sysdig's parameters), so the lines printed live are the lines `events -r` prints for a capture
// recorded at the same moment: the probe runs in capture mode (enter events at the calls' start,
// every call, the first snaplen bytes of I/O buffers). SIGINT/SIGTERM detach the probe and end the
// stream.
import { LegacyConverter, liveEventsWrittenAs } from '../capture/compat.js';
import type { Event } from '../capture/event.js';
import type { CaptureHandlers } from '../capture/reader.js';
import { eventTypesOf, parseCondition } from '../filter/index.js';
import { CAPTURE_RING_KB, listProbeEvents } from '../probe/index.js';
import { SYSCALL_EVENT_UNIVERSE } from '../rules/event-universe.js';
import { openLive, probeSyscalls } from '../sources/live.js';
import type { State } from '../state/state.js';
import { attachContainers, commandLineContainerConfig, hostRoot, type ContainerSockets } from './containers.js';

/** Read the live system into the capture reader's handlers until a signal, or a handler returns false. */
export async function readLive(
  filter: string | undefined, state: State, sockets: ContainerSockets, snaplen: number, handlers: CaptureHandlers,
): Promise<void> {
  let syscalls = listProbeEvents();
  let allSyscalls = true;
  // With a filter, only the events it can keep (and those the state needs) are captured.
  if (filter !== undefined) {
    const types = eventTypesOf(parseCondition(filter), SYSCALL_EVENT_UNIVERSE);
    syscalls = probeSyscalls(liveEventsWrittenAs(types), { all: true }, syscalls);
    allSyscalls = types.has(0) || types.has(1); // the generic syscall events
  }
  const live = await openLive({
    syscalls, enterEvents: true, allSyscalls, snaplen, ringKb: CAPTURE_RING_KB,
    hostRoot: hostRoot(), containers: commandLineContainerConfig(sockets), onWarning: (m) => process.stderr.write(`Warning: ${m}\n`),
  });
  attachContainers(state, live);
  const stop = () => void live.stop();
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const converter = new LegacyConverter({ probeEnters: true });
  let more = true;
  const emit = (e: Event) => {
    if (!more) return;
    if (handlers.event(e) === false) more = false;
  };
  try {
    await live.read({
      header: (h) => handlers.header(h),
      event(e) {
        converter.convert(e, emit);
        return more;
      },
    });
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}
