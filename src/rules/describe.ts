// What `ghostwatch run -L` / `-l RULE` print with json_output: Falco's description of the loaded
// rules, macros and lists (falco_engine::describe_rule and get_json_details). Each item has its
// definition as written (`info`) and what compiling it found (`details`): the fields, operators,
// macros, lists and event types its condition uses, its condition as compiled (macros and lists
// inlined, exceptions folded in) in libsinsp's text form, and the plugins it needs.
//
// Falco builds these sets as unordered sets, whose order is its hash order; here they are sorted.
// Keys are sorted, as nlohmann::json prints them.
import { EVENT_TABLE, EVENT_TYPE_NAMES } from '../capture/event-table.js';
import { EventFlag } from '../capture/event-types.js';
import { SYSCALL_NAMES } from '../capture/names.js';
import { OutputFormat } from '../fields/format.js';
import type { Expr, Operand, RightOperand } from '../filter/ast.js';
import { isListOp } from '../filter/operators.js';
import { parseCondition } from '../filter/parser.js';
import { forEachNode } from '../filter/walk.js';
import { SYSCALL_EVENT_UNIVERSE } from './event-universe.js';
import type { ExceptionEntry, RuleInfo } from './infos.js';
import { defaultSources } from './loader.js';
import { PRIORITY_NAMES } from './priority.js';
import { ruleEventTypes } from './rule-evttypes.js';
import type { CompiledListDef, CompiledMacroDef, LoadedRule, RuleSet } from './types.js';

/** What describing needs to know of a plugin to say whether a rule uses it (Falco's get_json_used_plugins). */
export interface PluginUse {
  readonly name: string;
  /** The event source it produces events for (sourcing capability), if any. */
  readonly eventSource?: string;
  /** The sources whose events it extracts fields from, and whether a field name is one of its fields. */
  readonly extractSources: readonly string[];
  hasField(name: string): boolean;
  /** The sources of its async events, and their names. */
  readonly asyncSources: readonly string[];
  readonly asyncEvents: readonly string[];
}

export class DescribeError extends Error {}

/** What the condition of a rule or macro reads, as Falco's describe JSON lists it. */
interface ConditionDetails {
  readonly condition_compiled: string;
  readonly condition_fields: string[];
  readonly condition_operators: string[];
  readonly events: string[];
  readonly lists: string[];
  readonly macros: string[];
  readonly plugins: string[];
}

/** A rule in Falco's describe JSON (falco -L / -l with json_output). */
export interface RuleDescription {
  readonly details: ConditionDetails & {
    readonly exception_fields: string[];
    readonly exception_names: string[];
    readonly exception_operators: string[];
    readonly extra_output_formatted_fields?: Record<string, string>;
    readonly output_compiled: string;
    readonly output_fields: string[];
  };
  readonly info: {
    readonly capture: boolean;
    readonly capture_duration: number;
    readonly condition: string;
    readonly description: string;
    readonly enabled: boolean;
    readonly name: string;
    readonly output: string;
    readonly priority: string;
    readonly source: string;
    readonly tags: string[];
  };
}

export interface MacroDescription {
  readonly details: ConditionDetails & { readonly used: boolean };
  readonly info: { readonly condition: string; readonly name: string };
}

export interface ListDescription {
  readonly details: { readonly items_compiled: string[]; readonly lists: string[]; readonly plugins: string[]; readonly used: boolean };
  readonly info: { readonly items: string[]; readonly name: string };
}

interface PluginRequirement {
  readonly name: string;
  readonly version: string;
}

/** Falco's describe JSON of every loaded rule, macro and list (falco -L). */
export interface RulesDescription {
  readonly lists: ListDescription[];
  readonly macros: MacroDescription[];
  readonly required_engine_version: string;
  readonly required_plugin_versions: (PluginRequirement & { readonly alternatives: PluginRequirement[] })[];
  readonly rules: RuleDescription[];
}

/** Falco's describe JSON of one rule (falco -l RULE). */
export interface OneRuleDescription {
  readonly rules: [RuleDescription];
}

export interface DescribeOptions {
  readonly ruleName?: string;
  readonly plugins?: readonly PluginUse[];
}

const SYSCALL_SOURCE = 'syscall';
const GENERIC_IDS: ReadonlySet<number> = new Set([0, 1]);

/**
 * Falco's JSON for every loaded rule, macro and list (no `ruleName`), or for one rule; throws
 * DescribeError ("Rule \"x\" is not loaded") for a rule that is not.
 */
export function describeRulesJson(set: RuleSet, opts: DescribeOptions & { readonly ruleName: string }): OneRuleDescription;
export function describeRulesJson(set: RuleSet, opts?: DescribeOptions & { readonly ruleName?: undefined }): RulesDescription;
export function describeRulesJson(set: RuleSet, opts?: DescribeOptions): RulesDescription | OneRuleDescription;
export function describeRulesJson(set: RuleSet, opts: DescribeOptions = {}): RulesDescription | OneRuleDescription {
  const d = new Describer(set, opts.plugins ?? []);
  if (opts.ruleName !== undefined) {
    const rule = set.rules.find((r) => r.name === opts.ruleName);
    const info = set.definitions.rules.get(opts.ruleName);
    if (rule === undefined || info === undefined || info.unknownSource) throw new DescribeError(`Rule "${opts.ruleName}" is not loaded`);
    return { rules: [d.rule(rule, info)] };
  }
  return {
    lists: set.definitions.lists.map((l) => d.list(l)),
    macros: set.definitions.macros.map((m) => d.macro(m)),
    required_engine_version: set.requiredEngineVersion ?? '0.0.0',
    // Each requirement: the plugin, then its alternatives.
    required_plugin_versions: set.requiredPluginVersions.map(([first, ...alternatives]) => ({
      alternatives: alternatives.map((a) => ({ name: a.name, version: a.version })),
      name: first.name,
      version: first.version,
    })),
    rules: set.rules.flatMap((r) => {
      const info = set.definitions.rules.get(r.name);
      return info === undefined ? [] : [d.rule(r, info)];
    }),
  };
}

/** A value with its object keys sorted at every level (nlohmann::json's order): the same value, keys reordered. */
export function sortKeys<T>(v: T): T {
  return withSortedKeys(v) as T;
}

function withSortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withSortedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, withSortedKeys(x)]));
}

class Describer {
  private readonly macroNames: ReadonlySet<string>;
  private readonly listNames: ReadonlySet<string>;
  private readonly registry = defaultSources().get(SYSCALL_SOURCE);

  constructor(
    set: RuleSet,
    private readonly plugins: readonly PluginUse[],
  ) {
    this.macroNames = new Set(set.definitions.macros.map((m) => m.info.name));
    this.listNames = new Set(set.definitions.lists.map((l) => l.info.name));
  }

  rule(r: LoadedRule, info: RuleInfo): RuleDescription {
    const written = this.written(info.cond);
    const compiled = filterDetails(r.condition, this.listNames);
    const extra = [...r.extraOutputFields];
    const outputFields = [...extra.map(([, f]) => f.format), ...this.outputFields(r)];
    const exceptionOperators = new Set<string>();
    for (const e of info.exceptions) for (const op of flatten(e.comps)) exceptionOperators.add(op);
    const formatted = extra.filter(([, f]) => !f.raw);
    return {
      details: {
        condition_compiled: conditionString(r.condition),
        condition_fields: sorted(compiled.fields),
        condition_operators: sorted(compiled.operators),
        events: r.source === SYSCALL_SOURCE ? syscallEventNames(r.condition) : ['asyncevent', 'pluginevent'],
        exception_fields: sorted(r.exceptionFields),
        exception_names: sorted(info.exceptions.map((e) => e.name)),
        exception_operators: sorted(exceptionOperators),
        ...(formatted.length > 0 && { extra_output_formatted_fields: Object.fromEntries(formatted.map(([k, f]) => [k, f.format])) }),
        lists: sorted(written.lists),
        macros: sorted(written.macros),
        output_compiled: r.output,
        output_fields: outputFields,
        plugins: this.usedPlugins(r.source, compiled.evtnames, [...compiled.fields, ...outputFields]),
      },
      info: {
        capture: r.capture,
        capture_duration: r.captureDuration,
        condition: info.cond,
        description: r.desc,
        enabled: info.enabled,
        name: r.name,
        output: info.output,
        priority: PRIORITY_NAMES[r.priority],
        source: r.source,
        tags: [...info.tags],
      },
    };
  }

  macro(m: CompiledMacroDef): MacroDescription {
    const written = this.written(m.info.cond);
    const compiled = filterDetails(m.condition, this.listNames);
    return {
      details: {
        condition_compiled: conditionString(m.condition),
        condition_fields: sorted(compiled.fields),
        condition_operators: sorted(compiled.operators),
        events: syscallEventNames(m.condition),
        lists: sorted(written.lists),
        macros: sorted(written.macros),
        // A macro has no source of its own: which plugin it needs depends on the rule using it.
        plugins: [],
        used: m.used,
      },
      info: { condition: m.info.cond, name: m.info.name },
    };
  }

  list(l: CompiledListDef): ListDescription {
    // An item of the definition that is not among the compiled items was a list, expanded.
    const compiled = new Set(l.items);
    const refs = new Set<string>();
    const items: string[] = [];
    for (const i of l.info.items) {
      if (compiled.has(i)) items.push(i);
      else refs.add(i);
    }
    return {
      details: { items_compiled: [...l.items], lists: sorted(refs), plugins: [], used: l.used },
      info: { items, name: l.info.name },
    };
  }

  /** The macros and lists a condition names as written (before anything is inlined). */
  private written(condition: string): { macros: Set<string>; lists: Set<string> } {
    let ast: Expr;
    try {
      ast = parseCondition(condition, { maxDepth: 1000 });
    } catch {
      // It compiled once lists were substituted into its text; as written it may not parse alone.
      return { macros: new Set(), lists: new Set() };
    }
    const macros = new Set<string>();
    forEachNode(ast, (n) => {
      if (n.kind === 'identifier' && this.macroNames.has(n.name)) macros.add(n.name);
    });
    return { macros, lists: filterDetails(ast, this.listNames).lists };
  }

  /** The fields the rule's output format prints, as written there. */
  private outputFields(r: LoadedRule): string[] {
    if (r.source !== SYSCALL_SOURCE || this.registry === undefined) return [];
    try {
      return OutputFormat.parse(this.registry, r.output).fields.map((f) => f.text);
    } catch {
      return [];
    }
  }

  private usedPlugins(source: string, evtnames: ReadonlySet<string>, fields: readonly string[]): string[] {
    const names = new Set(fields.map((f) => (f.includes('[') ? f.slice(0, f.indexOf('[')) : f)));
    const used = new Set<string>();
    for (const p of this.plugins) {
      const compatible = (sources: readonly string[]) => sources.length === 0 || sources.includes(source);
      if (p.eventSource === source
        || (compatible(p.extractSources) && [...names].some((f) => p.hasField(f)))
        || (compatible(p.asyncSources) && p.asyncEvents.some((e) => evtnames.has(e)))) {
        used.add(p.name);
      }
    }
    return sorted(used);
  }
}

interface FilterDetails {
  readonly fields: Set<string>;
  readonly operators: Set<string>;
  readonly lists: Set<string>;
  /** Values compared with evt.type or evt.asynctype. */
  readonly evtnames: Set<string>;
}

/** Falco's filter_details_resolver: what a condition's checks refer to. */
function filterDetails(e: Expr, knownLists: ReadonlySet<string>): FilterDetails {
  const d: FilterDetails = { fields: new Set(), operators: new Set(), lists: new Set(), evtnames: new Set() };
  forEachNode(e, (n) => {
    if (n.kind === 'field') d.fields.add(fieldText(n.name, n.arg));
    if (n.kind === 'unary') d.operators.add(n.op);
    if (n.kind !== 'binary') return;
    d.operators.add(n.op);
    const typeCheck = n.left.kind === 'field' && (n.left.name === 'evt.type' || n.left.name === 'evt.asynctype');
    const values = n.right.kind === 'list' ? n.right.items.map((i) => i.value) : n.right.kind === 'value' ? [n.right.value] : [];
    for (const v of values) {
      // A bare word after a list operator names a list as much as an item in parentheses does.
      const listPosition = n.right.kind === 'list' || isListOp(n.op);
      if (listPosition && knownLists.has(v)) d.lists.add(v);
      else if (typeCheck) d.evtnames.add(v);
    }
  });
  return d;
}

/**
 * The event names a syscall condition can match, as Falco lists them: the events of its event
 * types, the system calls without an event of their own it names, and asyncevent (which every
 * syscall rule sees).
 */
function syscallEventNames(condition: Expr): string[] {
  const names = new Set(['asyncevent']);
  const ids = ruleEventTypes(condition, SYSCALL_EVENT_UNIVERSE);
  const all = ids.size === SYSCALL_EVENT_UNIVERSE.all.length;
  for (const id of ids) {
    const info = EVENT_TABLE[id];
    if (!GENERIC_IDS.has(id) && (info.flags & EventFlag.UNUSED) === 0) names.add(info.name);
  }
  if (all) {
    for (const s of SYSCALL_NAMES.slice(1)) names.add(s);
  } else if ([...GENERIC_IDS].some((id) => ids.has(id))) {
    // The generic events stand for every system call without its own event: name those the condition compares.
    for (const v of filterDetails(condition, new Set()).evtnames) if (!EVENT_TYPE_NAMES.has(v) && SYSCALL_NAMES.includes(v)) names.add(v);
  }
  return sorted(names);
}

/** libsinsp's ast::as_string: the compiled condition as Falco prints it. */
export function conditionString(e: Expr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.children.map(conditionString).join(` ${e.kind} `)})`;
    case 'not':
      return `not ${conditionString(e.child)}`;
    case 'identifier':
      return e.name;
    case 'unary':
      return `${operandString(e.left)} ${e.op}`;
    case 'binary':
      return `${operandString(e.left)} ${e.op} ${rightString(e.right)}`;
  }
}

function operandString(o: Operand): string {
  if (o.kind === 'transformer') return `${o.name}(${operandString(o.operand)})`;
  if (o.arg === undefined) return o.name;
  return `${o.name}[${o.arg === '' ? '""' : escapeValue(o.arg)}]`;
}

function rightString(r: RightOperand): string {
  switch (r.kind) {
    case 'value':
      return escapeValue(r.value);
    case 'list':
      return `(${r.items.map((i) => escapeValue(i.value)).join(', ')})`;
    default:
      return operandString(r);
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\', '"': '\\"' };
const NEEDS_QUOTES = /[\b\f\n\r\t =\\"'\0]/;

/** libsinsp's escape_str: a value with blanks, '=', quotes or backslashes is quoted, its specials escaped. */
function escapeValue(v: string): string {
  if (!NEEDS_QUOTES.test(v)) return v;
  return `"${v.replace(/[\b\f\n\r\t\\"]/g, (c) => ESCAPES[c] ?? c)}"`;
}

function fieldText(name: string, arg: string | undefined): string {
  return arg === undefined || arg === '' ? name : `${name}[${arg}]`;
}

/** The strings of an exception's comps (a string, or a list of them, two levels at most). */
function flatten(e: ExceptionEntry): string[] {
  return e.isList ? e.items.flatMap(flatten) : [e.item];
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
