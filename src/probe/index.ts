// The live eBPF probe: start it for a set of events, read its stream like a capture file.
export { startProbe, Probe, type ProbeOptions } from './probe.js';
export { ProbeError } from './errors.js';
export { STATE_EVENTS, listProbeEvents } from './events.js';
export { byEventName, type ProbeCounts } from './counts.js';
export { probeBinary } from './binary.js';
