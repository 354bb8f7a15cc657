// Which events the probe is asked for: what the loaded rules look at, plus what the state engine
// needs to stay right, within what the probe can capture; adjusted by `base_syscalls` with Falco's
// semantics (its configure_interesting_sets):
// - custom_set: names replace the state set as the base; names starting with '!' are removed from
//   the final set; with no positive name the state set stays the base;
// - repair: instead of the whole state set, only the calls the selected ones need for a consistent
//   state (process life cycle and credentials always; socket when any network call is selected;
//   bind for accept/listen; close for any file, I/O or network call);
// - all: false leaves out the high-volume I/O calls (read, write...) unless the state needs them;
// - procexit is always captured, else exited processes would stay in the tables forever.
import { EventCategory, EVENT_TABLE } from '../capture/event-table.js';
import { STATE_EVENTS, listProbeEvents } from '../probe/index.js';

export interface BaseSyscalls {
  readonly customSet?: readonly string[];
  readonly repair?: boolean;
  readonly all?: boolean;
}

/** Calls that build or change a process's basic facts: repair always keeps them. */
const PROCESS_STATE = [
  'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'fchdir', 'chdir', 'chroot', 'capset',
  'setgid', 'setpgid', 'setresgid', 'setresuid', 'setsid', 'setuid', 'prctl',
];

const categoryByName = new Map<string, number>();
for (const info of EVENT_TABLE) if (!categoryByName.has(info.name)) categoryByName.set(info.name, info.category);
const inCategory = (names: Iterable<string>, ...cats: number[]) => [...names].some((n) => cats.includes(categoryByName.get(n) ?? -1));

/** The high-volume I/O calls Falco leaves out unless asked for all events (and the state does not need them). */
function isHighVolume(name: string): boolean {
  const c = categoryByName.get(name);
  return (c === EventCategory.IO_READ || c === EventCategory.IO_WRITE) && !STATE_EVENTS.includes(name);
}

/** libsinsp's sinsp_repair_state_sc_set: the selection plus the calls it needs. */
function repair(selected: ReadonlySet<string>): Set<string> {
  const out = new Set([...selected, ...PROCESS_STATE, 'procexit']);
  const net = inCategory(selected, EventCategory.NET);
  if (net) out.add('socket').add('getsockopt');
  if (['accept', 'accept4', 'listen'].some((n) => selected.has(n))) out.add('bind');
  if (net || inCategory(selected, EventCategory.FILE, EventCategory.IO_READ, EventCategory.IO_WRITE, EventCategory.IO_OTHER)) out.add('close');
  return out;
}

/**
 * The event names to start the probe with (sorted). ruleEventTypeNames are the event type names
 * the rules can match (EVENT_TABLE names); names the probe cannot capture are left out.
 */
export function probeSyscalls(
  ruleEventTypeNames: Iterable<string>,
  base: BaseSyscalls = {},
  supported: readonly string[] = listProbeEvents(),
): string[] {
  const rules = new Set(ruleEventTypeNames);
  const custom = base.customSet ?? [];
  const positive = custom.filter((n) => n !== '' && !n.startsWith('!'));
  const negative = new Set(custom.filter((n) => n.startsWith('!')).map((n) => n.slice(1)));

  let selected = new Set([...rules, ...(positive.length > 0 ? positive : STATE_EVENTS)]);
  if (base.repair === true && positive.length === 0) selected = repair(rules);
  for (const n of negative) selected.delete(n);
  if (base.all !== true) for (const n of [...selected]) if (isHighVolume(n)) selected.delete(n);
  if (base.repair === true && custom.length > 0) selected = repair(selected);
  selected.add('procexit');

  return supported.filter((n) => selected.has(n)).sort();
}
