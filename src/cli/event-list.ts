// `ghostwatch run --list-events` and `-i`: the event types ghostwatch knows (the event table) in
// Falco's three layouts (print_syscall_events: text, markdown, JSON), and the system calls left
// out by default for performance (Falco's ignored_sc_set: the high-volume I/O calls the state does
// not need; -A or base_syscalls.all brings them back).
//
// Like Falco, the list leaves out the generic syscall event (it is listed once per system call it
// stands for), old versions of an event, unused ids and the /proc iterator events; of the events a
// newer driver redefined, the newest definition is shown. The table keeps no libs category bits, so
// tracepoint, meta and plugin events are known here by name.
import { EVENT_TABLE, EventCategory, EVENT_TYPE_NAMES } from '../capture/event-table.js';
import { EventFlag, type EventInfo, type ParamInfo, ParamType } from '../capture/event-types.js';
import { SYSCALL_NAMES } from '../capture/names.js';
import { typeName } from '../fields/print.js';
import { STATE_EVENTS } from '../probe/index.js';
import { sortKeys } from '../rules/index.js';
import type { OutputFormatName } from './formats.js';

const TRACEPOINT_EVENTS: ReadonlySet<string> = new Set(['procexit', 'switch', 'signaldeliver', 'page_fault']);
const META_EVENTS: ReadonlySet<string> = new Set([
  'drop', 'sysdigevent', 'scapevent', 'container', 'procinfo', 'cpu_hotplug', 'k8s', 'tracer', 'mesos', 'notification', 'infra',
  'useradded', 'userdeleted', 'groupadded', 'groupdeleted', 'asyncevent',
]);
const PLUGIN_EVENTS: ReadonlySet<string> = new Set(['pluginevent']);
const GENERIC_IDS = [0, 1];

const CATEGORIES = ['Syscall events', 'Tracepoint events', 'Plugin events', 'Metaevents'] as const;
type Category = (typeof CATEGORIES)[number];

interface EventEntry {
  readonly name: string;
  readonly dir: '>' | '<';
  readonly params: readonly ParamInfo[];
  /** Captured by default (not among the ignored system calls). */
  readonly available: boolean;
}

/** -i: the system calls not captured by default, for performance (the high-volume reads and writes the state does not need). */
export function ignoredEventNames(): string[] {
  const names = new Set<string>();
  for (const e of EVENT_TABLE) {
    const io = e.category === EventCategory.IO_READ || e.category === EventCategory.IO_WRITE;
    if (io && (e.flags & EventFlag.UNUSED) === 0 && !STATE_EVENTS.includes(e.name)) names.add(e.name);
  }
  return [...names].sort();
}

/** -i's text, as Falco prints it. */
export function ignoredEventsText(): string {
  return `Ignored syscall(s):\n${ignoredEventNames().map((n) => `- ${n}\n`).join('')}\n`;
}

function category(e: EventInfo): Category | undefined {
  if (/^task(_|$)/.test(e.name)) return undefined; // the /proc iterator events
  if (TRACEPOINT_EVENTS.has(e.name)) return 'Tracepoint events';
  if (META_EVENTS.has(e.name)) return 'Metaevents';
  if (PLUGIN_EVENTS.has(e.name)) return 'Plugin events';
  return 'Syscall events';
}

function eventsByCategory(): Record<Category, EventEntry[]> {
  const ignored = new Set(ignoredEventNames());
  const newest = new Map<string, EventInfo>();
  for (const e of EVENT_TABLE) {
    if (GENERIC_IDS.includes(e.id) || (e.flags & (EventFlag.UNUSED | EventFlag.OLD_VERSION)) !== 0 || e.name.startsWith('NA')) continue;
    newest.set(e.dir + e.name, e);
  }
  const out: Record<Category, EventEntry[]> = { 'Syscall events': [], 'Tracepoint events': [], 'Plugin events': [], Metaevents: [] };
  const entry = (name: string, e: EventInfo): EventEntry => ({ name, dir: e.dir, params: e.params, available: !ignored.has(name) });
  for (const e of [...newest.values()].sort((a, b) => a.id - b.id)) {
    const c = category(e);
    if (c !== undefined) out[c].push(entry(e.name, e));
  }
  // Each system call without an event of its own, through the generic events.
  const generic = [...new Set(SYSCALL_NAMES.slice(1))].filter((n) => !EVENT_TYPE_NAMES.has(n) && !n.startsWith('<')).sort();
  for (const name of generic) for (const id of GENERIC_IDS) out['Syscall events'].push(entry(name, EVENT_TABLE[id]));
  return out;
}

const FLAG_TYPES: readonly number[] = [ParamType.FLAGS8, ParamType.FLAGS16, ParamType.FLAGS32, ParamType.ENUMFLAGS8, ParamType.ENUMFLAGS16, ParamType.ENUMFLAGS32];

/** The names a flags or enum parameter takes; undefined for other parameters. */
function flagNames(p: ParamInfo): string[] | undefined {
  return p.flags !== undefined && FLAG_TYPES.includes(p.type) ? p.flags.map((f) => f.name) : undefined;
}

function paramText(p: ParamInfo, markdown: boolean): string {
  const flags = flagNames(p);
  const s = `${typeName(p.type)} **${p.name}**`;
  return flags === undefined ? s : `${s}: ${flags.map((f) => (markdown ? `*${f}*` : f)).join(', ')}`;
}

/** --list-events in the given format; schemaVersion is the event schema the probe's events follow. */
export function listEvents(format: OutputFormatName, schemaVersion: string): string {
  const events = eventsByCategory();
  if (format === 'json') {
    const root: Record<string, unknown> = { schema_version: schemaVersion };
    for (const c of CATEGORIES) {
      root[c] = events[c].map((e) => ({
        available: e.available,
        dir: e.dir,
        name: e.name,
        params: e.params.map((p) => {
          const flags = flagNames(p);
          return { name: p.name, type: typeName(p.type), ...(flags !== undefined && { flags }) };
        }),
      }));
    }
    return `${JSON.stringify(sortKeys(root), null, 2)}\n`;
  }
  const markdown = format === 'markdown';
  let out = `The events below are valid for Falco *Schema Version*: ${schemaVersion}\n`;
  for (const c of CATEGORIES) {
    out += `## ${c}\n\n`;
    if (markdown) out += 'Default | Dir | Name | Params \n:-------|:----|:-----|:-----\n';
    for (const e of events[c]) {
      const params = e.params.map((p) => paramText(p, markdown)).join(', ');
      out += markdown ? `${e.available ? 'Yes' : 'No'} | \`${e.dir}\` | \`${e.name}\` | ${params}\n` : `${e.dir} ${e.name}(${params})\n`;
    }
    out += '\n';
  }
  return out;
}
