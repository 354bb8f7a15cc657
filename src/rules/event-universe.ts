// The event types a syscall rule can be indexed by: every id of the event table. A name matches
// the events of that name (both directions); a system call with no event of its own matches the
// generic syscall events (ids 0 and 1), as libsinsp's names_to_event_set does.
import { EVENT_TABLE } from '../capture/event-table.js';
import { SYSCALL_NAMES } from '../capture/names.js';
import type { EventTypeUniverse } from '../filter/evttypes.js';

const GENERIC_EVENTS: readonly number[] = [0, 1];

function buildUniverse(): EventTypeUniverse {
  const byName = new Map<string, number[]>();
  // Ids 0 and 1 are the generic events: found through the syscall names, not their own name.
  for (const info of EVENT_TABLE.slice(2)) {
    const ids = byName.get(info.name);
    if (ids === undefined) byName.set(info.name, [info.id]);
    else ids.push(info.id);
  }
  const syscalls = new Set(SYSCALL_NAMES.slice(1));
  return {
    all: EVENT_TABLE.map((e) => e.id),
    idsOf: (name) => byName.get(name) ?? (syscalls.has(name) ? GENERIC_EVENTS : []),
  };
}

export const SYSCALL_EVENT_UNIVERSE: EventTypeUniverse = buildUniverse();
