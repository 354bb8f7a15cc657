// The container runtimes for the live commands, and how their answers reach the state: the state
// asks about each container it first meets in a cgroup, and forgets those the runtime removed.
import type { LiveSource } from '../sources/live.js';
import { DEFAULT_ENGINES, type ContainerMetadataConfig } from '../sources/containers/metadata.js';
import type { State } from '../state/state.js';

/** The container plugin's defaults, for the commands that take no configuration file (capture, events). */
export function defaultContainerConfig(): ContainerMetadataConfig {
  return { engines: DEFAULT_ENGINES, labelMaxLen: 100, lookupTimeoutMs: 2000, hostRoot: process.env.HOST_ROOT ?? '' };
}

export function attachContainers(state: State, live: LiveSource): void {
  state.containers.lookups = live.containerLookups;
  live.onContainerRemoved = (id) => state.containers.remove(id);
}
