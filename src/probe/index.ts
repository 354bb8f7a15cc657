// The live eBPF probe: start it for a set of events, read its stream like a capture file.
export { startProbe, Probe, type ProbeOptions, type SyscallChange } from './probe.js';
export { ProbeError } from './errors.js';
export { STATE_EVENTS, listProbeEvents } from './events.js';
export { CAPTURE_RING_KB, DEFAULT_SNAPLEN, MAX_SNAPLEN } from './events.js';
export { byEventName, type ProbeCounts } from './counts.js';
export { probeBinary } from './binary.js';
export { FILTERED_OPEN_CALLS, OPEN_FILTER_CLAUSES, OPEN_FILTER_ENTRIES, openFilterCommand, type FilteredOpenCall, type OpenFilter, type OpenFilterClause } from './open-filter.js';
