// What the probe may keep back in the kernel: from the loaded rules, the opens (open, openat,
// openat2) that no rule can match. For each call, every enabled rule's condition is reduced to
// what it needs of an open that the probe can check before it sends the event (src/probe/open-filter.ts):
// flags, path prefixes and suffixes, command names. A part of a condition the probe cannot check
// counts as "anything", so the filter only ever lets through more than the rules match.
//
// The probe only judges paths in their normal form (absolute; no "//", "/." or ".."; no trailing
// '/'), on which fd.name and fd.nameraw are the path as written. Every other path is sent. So a
// check that no such path can pass (fd.name contains "/.ssh/", fd.nameraw contains "../") needs
// nothing of the opens the probe judges: it is covered by the paths that are always sent.
//
// Filtering is off when a rule would judge an open's fd elsewhere: a rule on a call that uses an fd
// (read, dup, fchmod, close...) whose condition reads what that fd is (fd fields other than a
// socket's, paths resolved through it, the rendered arguments), or a rule reading a process's
// standard fds or how many it has open (in its condition or output). In an alert's output, an fd
// whose open was kept back shows as unknown (evt.arg.fd without its name), as after a drop.
import { EVENT_TABLE, EventCategory } from '../capture/event-table.js';
import { EventFlag, ParamType } from '../capture/event-types.js';
import type { BinaryCheck, Expr, Operand } from '../filter/ast.js';
import { FILTERED_OPEN_CALLS, OPEN_FILTER_CLAUSES, OPEN_FILTER_ENTRIES, type FilteredOpenCall, type OpenFilter, type OpenFilterClause } from '../probe/index.js';
import type { LoadedRule } from '../rules/index.js';

/** The filter, or why there is none. */
export type OpenFilterPlan = { readonly filter: OpenFilter } | { readonly off: string };

/** scap open flags (PPM_O_*) the conditions test. */
const PPM_O_RDONLY = 1 << 0;
const PPM_O_WRONLY = 1 << 1;
/** Longest command name (the kernel's TASK_COMM_LEN - 1). */
const COMM_MAX = 15;

/** A disjunction of clauses; 'all' lets every open through, [] none. */
type Need = readonly OpenFilterClause[] | 'all';

const ALL: Need = 'all';
const NEVER: Need = [];

/** A value no path in normal form can contain. */
const notNormal = (s: string): boolean => s.includes('//') || s.includes('/.') || s.includes('..');

function values(c: BinaryCheck): string[] | undefined {
  if (c.right.kind === 'value') return [c.right.value];
  if (c.right.kind === 'list') return c.right.items.map((i) => i.value);
  return undefined;
}

const fieldName = (o: Operand): string | undefined => (o.kind === 'field' && o.arg === undefined ? o.name : undefined);

/** Path atoms: a set of prefixes or suffixes, of which the path has one. */
function pathNeed(prefixes: readonly string[], suffixes: readonly string[] = []): Need {
  const p = prefixes.filter((v) => !notNormal(v));
  const s = suffixes.filter((v) => !notNormal(v));
  if (s.includes('')) return ALL;
  if (p.length === 0 && s.length === 0) return NEVER;
  return [{ flagsAny: [], prefixes: p, suffixes: s }];
}

/** The literal text a glob pattern starts with, and whether one of its literal runs cannot be in a normal path. */
function globPrefix(pattern: string): { prefix: string; impossible: boolean } {
  const runs = pattern.split(/[*?]|\[[^\]]*\]|\\./);
  return { prefix: runs[0], impossible: runs.some(notNormal) };
}

/** Names of the flags a flags field renders (for evt.arg.flags contains X). */
function flagsNeed(call: FilteredOpenCall, text: string): Need {
  const info = EVENT_TABLE.find((e) => e.name === call && e.dir === '<' && e.params.some((p) => p.name === 'flags'));
  const table = info?.params.find((p) => p.name === 'flags')?.flags;
  if (table === undefined || text.includes('|')) return ALL;
  const named = table.filter((f) => f.name.includes(text));
  if (named.length === 0 || named.some((f) => f.value === 0)) return ALL;
  return [{ flagsAny: [named.reduce((m, f) => m | f.value, 0)] }];
}

function checkNeed(c: BinaryCheck, call: FilteredOpenCall): Need {
  const field = fieldName(c.left);
  const vals = values(c);
  if (field === undefined || vals === undefined) return ALL;
  const equal = c.op === '=' || c.op === '==' || c.op === 'in';
  switch (field) {
    case 'evt.type':
      if (equal) return vals.includes(call) ? ALL : NEVER;
      if (c.op === '!=') return vals[0] === call ? NEVER : ALL;
      return ALL;
    case 'fd.name':
    case 'fd.nameraw':
      if (equal || c.op === 'startswith' || c.op === 'pmatch') return pathNeed(vals);
      if (c.op === 'endswith') return pathNeed([], vals);
      if (c.op === 'contains') return notNormal(vals[0]) ? NEVER : ALL;
      if (c.op === 'glob') {
        const g = globPrefix(vals[0]);
        return g.impossible ? NEVER : pathNeed([g.prefix]);
      }
      return ALL;
    case 'fd.directory':
      if (equal) return pathNeed(vals.map((d) => (d.endsWith('/') ? d : `${d}/`)));
      return ALL;
    case 'fd.filename':
      if (equal) return pathNeed([], vals.filter((f) => !f.includes('/')).map((f) => `/${f}`));
      if (c.op === 'endswith' && !vals[0].includes('/')) return pathNeed([], vals);
      return ALL;
    case 'proc.name':
      if (!equal || vals.some((v) => Buffer.byteLength(v) > COMM_MAX || v === '')) return ALL;
      return [{ flagsAny: [], comms: vals }];
    case 'evt.is_open_read':
    case 'evt.is_open_write':
      if (c.op !== '=' && c.op !== '==') return ALL;
      if (vals[0] !== 'true') return ALL;
      return [{ flagsAny: [field === 'evt.is_open_read' ? PPM_O_RDONLY : PPM_O_WRONLY] }];
    case 'evt.arg.flags':
      return c.op === 'contains' ? flagsNeed(call, vals[0]) : ALL;
    default:
      return ALL;
  }
}

/** Both clauses: their flags, the narrower of their path sets, the common command names. */
function both(a: OpenFilterClause, b: OpenFilterClause): OpenFilterClause | undefined {
  const flagsAny = [...new Set([...a.flagsAny, ...b.flagsAny])].slice(0, 2);
  let comms = a.comms ?? b.comms;
  if (a.comms !== undefined && b.comms !== undefined) {
    comms = a.comms.filter((n) => b.comms!.includes(n));
    if (comms.length === 0) return undefined;
  }
  const size = (x: OpenFilterClause) => (x.prefixes?.length ?? 0) + (x.suffixes?.length ?? 0);
  const paths = a.prefixes === undefined && a.suffixes === undefined ? b
    : b.prefixes === undefined && b.suffixes === undefined ? a
      : size(a) <= size(b) ? a : b;
  return { flagsAny, prefixes: paths.prefixes, suffixes: paths.suffixes, comms };
}

function and(a: Need, b: Need): Need {
  if (a === 'all') return b;
  if (b === 'all') return a;
  if (a.length * b.length > OPEN_FILTER_CLAUSES) return a.length <= b.length ? a : b;
  const out: OpenFilterClause[] = [];
  for (const x of a) {
    for (const y of b) {
      const c = both(x, y);
      if (c !== undefined) out.push(c);
    }
  }
  return out;
}

function or(a: Need, b: Need): Need {
  return a === 'all' || b === 'all' ? ALL : [...a, ...b];
}

/** What an open of this call must have to match the condition. */
function need(e: Expr, call: FilteredOpenCall): Need {
  switch (e.kind) {
    case 'and': return e.children.reduce<Need>((n, c) => and(n, need(c, call)), ALL);
    case 'or': return e.children.reduce<Need>((n, c) => or(n, need(c, call)), NEVER);
    case 'binary': return checkNeed(e, call);
    default: return ALL; // not, exists, a bare identifier: anything may match
  }
}

/** Whether the condition cannot hold on an event of this type (by its evt.type checks). */
function impossibleFor(e: Expr, type: string): boolean {
  switch (e.kind) {
    case 'and': return e.children.some((c) => impossibleFor(c, type));
    case 'or': return e.children.every((c) => impossibleFor(c, type));
    case 'binary': {
      const vals = values(e);
      if (fieldName(e.left) !== 'evt.type' || vals === undefined) return false;
      if (e.op === '=' || e.op === '==' || e.op === 'in') return !vals.includes(type);
      return e.op === '!=' && vals[0] === type;
    }
    default: return false;
  }
}

/** The fields the condition reads on an event of this type. */
function fieldsRead(e: Expr, type: string, out: Set<string>): Set<string> {
  if (impossibleFor(e, type)) return out;
  const operand = (o: Operand): void => {
    if (o.kind === 'field') out.add(o.name);
    else operand(o.operand);
  };
  switch (e.kind) {
    case 'and': case 'or': for (const c of e.children) fieldsRead(c, type, out); break;
    case 'not': fieldsRead(e.child, type, out); break;
    case 'unary': operand(e.left); break;
    case 'binary':
      operand(e.left);
      if (e.right.kind === 'field' || e.right.kind === 'transformer') operand(e.right);
      break;
    default: break;
  }
  return out;
}

/** Fields that read the thread's fd table whatever the event: its standard fds, how many it has open. */
const readsThreadFds = (f: string): boolean => /^proc\.(stdin|stdout|stderr)\.|^proc\.(fdopencount|fdusage)$/.test(f);

const SOCKET_TYPES = new Set(['ipv4', 'ipv6', 'unix', 'netlink']);
const SOCKET_TYPECHARS = new Set(['4', '6', 'u', 'n']);
const SOCKET_FIELDS = new Set([
  'fd.sip', 'fd.cip', 'fd.lip', 'fd.rip', 'fd.ip', 'fd.sport', 'fd.cport', 'fd.lport', 'fd.rport', 'fd.port',
  'fd.net', 'fd.snet', 'fd.cnet', 'fd.lnet', 'fd.rnet', 'fd.l4proto', 'fd.sockfamily', 'fd.sip.name', 'fd.cip.name',
  'fd.lip.name', 'fd.rip.name',
]);

/** Whether the condition can only hold on a socket's fd (which no open makes). */
function socketOnly(e: Expr): boolean {
  switch (e.kind) {
    case 'and': return e.children.some(socketOnly);
    case 'or': return e.children.length > 0 && e.children.every(socketOnly);
    case 'binary': {
      const field = fieldName(e.left);
      const vals = values(e);
      if (field === undefined || vals === undefined || !(e.op === '=' || e.op === '==' || e.op === 'in')) return false;
      if (field === 'fd.type') return vals.every((v) => SOCKET_TYPES.has(v));
      if (field === 'fd.typechar') return vals.every((v) => SOCKET_TYPECHARS.has(v));
      return SOCKET_FIELDS.has(field);
    }
    default: return false;
  }
}

/** An fd parameter naming a directory, or a call's result: never an open's fd the filter kept back. */
const notOpenedFd = (name: string): boolean => name.includes('dirfd') || name === 'res';

/** Per event name, its fd parameters that may hold an open's fd (not sockets' calls, not calls that only make an fd). */
const OPENED_FD_PARAMS = new Map<string, Set<string>>();
for (const e of EVENT_TABLE) {
  if (e.category === EventCategory.NET || ((e.flags & EventFlag.CREATES_FD) !== 0 && (e.flags & EventFlag.USES_FD) === 0)) continue;
  for (const p of e.params) {
    if (p.type !== ParamType.FD || notOpenedFd(p.name)) continue;
    const set = OPENED_FD_PARAMS.get(e.name) ?? new Set<string>();
    set.add(p.name);
    OPENED_FD_PARAMS.set(e.name, set);
  }
}

/** Fields that read what an event's fd argument is: fd.*, the paths resolved through it, its rendering. */
function readsEventFd(f: string, type: string): boolean {
  if (f.startsWith('evt.arg.')) return OPENED_FD_PARAMS.get(type)?.has(f.slice('evt.arg.'.length)) === true;
  return (f.startsWith('fd.') && f !== 'fd.num') || f.startsWith('fs.path.') || f.startsWith('fdlist.') ||
    f === 'evt.args' || f === 'evt.info' || f === 'evt.arg';
}

/** Fields an output format reads (%field and %{field}). */
function outputFields(output: string): string[] {
  return [...output.matchAll(/%\{?([A-Za-z0-9_.]+)/g)].map((m) => m[1]);
}

/** Why no open may be kept back for these rules, or undefined. */
function fdConsumer(rules: readonly LoadedRule[]): string | undefined {
  for (const r of rules) {
    if (!r.enabled || r.evttypes === 'all') continue;
    const types = new Set([...r.evttypes].flatMap((id) => (id < EVENT_TABLE.length ? [EVENT_TABLE[id].name] : [])));
    const output = outputFields(r.output);
    for (const type of types) {
      if (impossibleFor(r.condition, type)) continue;
      const fields = fieldsRead(r.condition, type, new Set());
      const thread = [...fields, ...output].find(readsThreadFds);
      if (thread !== undefined) return `rule '${r.name}' reads ${thread}`;
      if ((FILTERED_OPEN_CALLS as readonly string[]).includes(type) || !OPENED_FD_PARAMS.has(type)) continue;
      // In a condition only: an alert's output shows a kept-back fd as unknown, as after a drop.
      const event = [...fields].find((f) => readsEventFd(f, type));
      if (event !== undefined && !socketOnly(r.condition)) return `rule '${r.name}' reads ${event} on ${type} events`;
    }
  }
  return undefined;
}

/** The in-kernel filter of opens for these rules. */
export function planOpenFilter(rules: readonly LoadedRule[]): OpenFilterPlan {
  const enabled = rules.filter((r) => r.enabled);
  if (enabled.some((r) => r.evttypes === 'all')) return { off: 'a rule matches every event type' };
  const consumer = fdConsumer(enabled);
  if (consumer !== undefined) return { off: consumer };
  const calls = new Map<FilteredOpenCall, readonly OpenFilterClause[]>();
  for (const call of FILTERED_OPEN_CALLS) {
    const ids = new Set(EVENT_TABLE.flatMap((e, id) => (e.name === call ? [id] : [])));
    let n: Need = NEVER;
    for (const r of enabled) {
      if (r.evttypes !== 'all' && [...r.evttypes].some((id) => ids.has(id))) n = or(n, need(r.condition, call));
      if (n === 'all') break;
    }
    if (n !== 'all' && n.length <= OPEN_FILTER_CLAUSES) calls.set(call, n);
  }
  for (const kind of ['prefixes', 'suffixes', 'comms'] as const) {
    const entries = [...calls.values()].reduce((sum, clauses) => sum + new Set(clauses.flatMap((c) => c[kind] ?? [])).size, 0);
    if (entries > OPEN_FILTER_ENTRIES) return { off: `the rules name ${entries} ${kind === 'comms' ? 'command names' : `path ${kind}`}, more than the probe holds (${OPEN_FILTER_ENTRIES})` };
  }
  return { filter: { calls } };
}
