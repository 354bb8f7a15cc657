// The container runtimes for the live commands, and how their answers reach the state: the state
// asks about each container it first meets in a cgroup, and forgets those the runtime removed.
import type { LiveSource } from '../sources/live.js';
import { DEFAULT_ENGINES, type ContainerMetadataConfig } from '../sources/containers/metadata.js';
import type { State } from '../state/state.js';

/** Sockets named on the command line (--cri, --docker, --podman), by engine. */
export type ContainerSockets = { readonly cri?: readonly string[]; readonly docker?: readonly string[]; readonly podman?: readonly string[] };

/**
 * The container plugin's defaults, for the commands that take no configuration file (capture,
 * events), with the sockets given on the command line. Naming CRI sockets (sysdig's --cri) makes
 * them the only CRI ones asked: the containerd engine's default socket is left out too.
 */
export function commandLineContainerConfig(sockets: ContainerSockets = {}): ContainerMetadataConfig {
  const engines = { ...DEFAULT_ENGINES };
  if (sockets.cri !== undefined) {
    engines.cri = { enabled: true, sockets: sockets.cri };
    engines.containerd = { enabled: false, sockets: [] };
  }
  if (sockets.docker !== undefined) engines.docker = { enabled: true, sockets: sockets.docker };
  if (sockets.podman !== undefined) engines.podman = { enabled: true, sockets: sockets.podman };
  return { engines, labelMaxLen: 100, lookupTimeoutMs: 2000, hostRoot: hostRoot() };
}

/** Where the host's root is when ghostwatch runs in a container (HOST_ROOT, as Falco names it); '' on the host. */
export function hostRoot(): string {
  return (process.env.HOST_ROOT ?? '').replace(/\/+$/, '');
}

export function attachContainers(state: State, live: LiveSource): void {
  state.containers.lookups = live.containerLookups;
  live.onContainerRemoved = (id) => state.containers.remove(id);
}
