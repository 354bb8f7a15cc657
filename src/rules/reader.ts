// Reading the items of a rules file into the collector, in file order, with Falco's checks and
// messages (rule_loader::reader). The first error stops the file.
import { MSG } from './codes.js';
import { type Collector } from './collector.js';
import { Context, ITEM_TYPES } from './context.js';
import { asBool, asString, asUint32, decodeOptional, decodeOptionalEmpty, decodeStrings, decodeValue, fail, raise } from './decode.js';
import {
  type ExceptionEntry, type ExceptionInfo, listEntry, NO_ENTRY, type PluginRequirement, type RuleUpdate, scalarEntry, tagSet,
} from './infos.js';
import { parsePriority, type Priority } from './priority.js';
import { type LoadResult, RuleLoadError } from './result.js';
import { implicitEngineVersion, parseVersion, type Version } from './version.js';
import { get, type Mark, scalarText, type YMap, type YNode } from './yaml.js';

const IDENTIFIER = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;
const BARE_STRING = /^[^()"'\s=,]+$/;

const MACRO_NAME_WARNING = 'Macro has an invalid name. Macro names should match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)';
const LIST_NAME_WARNING = `List has an invalid name. List names should match a regular expression: ([^()"'[:space:]=,]+)`;

const RULE_APPENDABLE: ReadonlySet<string> = new Set(['condition', 'output', 'desc', 'tags', 'exceptions']);
const RULE_REPLACEABLE: ReadonlySet<string> = new Set([
  'condition', 'output', 'desc', 'priority', 'capture', 'capture_duration', 'tags', 'exceptions', 'enabled', 'warn_evttypes',
  'skip-if-unknown-filter',
]);
const RULE_KEYS: ReadonlySet<string> = new Set([
  'rule', 'condition', 'output', 'desc', 'priority', 'source', 'enabled', 'capture', 'capture_duration', 'warn_evttypes',
  'skip-if-unknown-filter', 'tags', 'exceptions', 'override', 'append',
]);
const LIST_KEYS: ReadonlySet<string> = new Set(['list', 'items', 'append', 'override']);
const MACRO_KEYS: ReadonlySet<string> = new Set(['macro', 'condition', 'append', 'override']);

/** Output is trimmed of the blanks C's isspace() knows. */
function trim(s: string): string {
  return s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
}

export class Reader {
  constructor(
    private readonly collector: Collector,
    private readonly result: LoadResult,
  ) {}

  /** Reads one YAML document of a file whose root context is `root`. */
  readDocument(doc: YNode, root: Context): void {
    if (doc.kind === 'null') return;
    fail(doc.kind !== 'map' && doc.kind !== 'seq', 'Rules content is not yaml', root);
    if (doc.kind !== 'seq') raise('Rules content is not yaml array of objects', root);
    for (const item of doc.items) if (item.kind !== 'null') this.readItem(item, root);
  }

  private readItem(item: YNode, parent: Context): void {
    if (item.kind !== 'map') raise('Unexpected element type. Each element should be a yaml associative array.', parent.child(item.mark, ITEM_TYPES.RULES_CONTENT_ITEM, ''));
    if (get(item, 'required_engine_version') !== undefined) this.readEngineVersion(item, parent);
    else if (get(item, 'required_plugin_versions') !== undefined) this.readPluginVersions(item, parent);
    else if (get(item, 'list') !== undefined) this.readList(item, parent);
    else if (get(item, 'macro') !== undefined) this.readMacro(item, parent);
    else if (get(item, 'rule') !== undefined) this.readRule(item, parent);
    else this.result.addWarning('LOAD_UNKNOWN_ITEM', 'Unknown top level item', parent.child(item.mark, ITEM_TYPES.RULES_CONTENT_ITEM, ''));
  }

  private readEngineVersion(item: YMap, parent: Context): void {
    const ctx = parent.child(item.mark, ITEM_TYPES.REQUIRED_ENGINE_VERSION, '');
    let version: Version | undefined;
    try {
      version = implicitEngineVersion(decodeValue(item, 'required_engine_version', asUint32, ctx));
    } catch (e) {
      if (!(e instanceof RuleLoadError)) throw e;
      const text = decodeValue(item, 'required_engine_version', asString, ctx);
      version = parseVersion(text);
      if (version === undefined) raise(`Unable to parse engine version '${text}' as a semver string. Expected "x.y.z" semver format.`, ctx);
    }
    this.collector.requireEngineVersion({ ctx, version });
    this.warnUnknownKeys(item, new Set(['required_engine_version']), ctx);
  }

  private readPluginVersions(item: YMap, parent: Context): void {
    const node = get(item, 'required_plugin_versions')!;
    const ctx = parent.child(node.mark, ITEM_TYPES.REQUIRED_PLUGIN_VERSIONS, '');
    if (node.kind !== 'seq') raise('Value of required_plugin_versions must be a sequence', ctx);
    for (const plugin of node.items) {
      const tmp = ctx.child(plugin.mark, ITEM_TYPES.REQUIRED_PLUGIN_VERSIONS_ENTRY, '');
      if (plugin.kind !== 'map') raise('Plugin version must be a mapping', tmp);
      const name = decodeValue(plugin, 'name', asString, tmp);
      const pctx = ctx.child(plugin.mark, ITEM_TYPES.REQUIRED_PLUGIN_VERSIONS_ENTRY, name);
      const alternatives: PluginRequirement[] = [{ name, version: decodeValue(plugin, 'version', asString, pctx) }];
      const alts = get(plugin, 'alternatives');
      if (alts !== undefined) {
        if (alts.kind !== 'seq') raise('Value of plugin version alternatives must be a sequence', pctx);
        for (const alt of alts.items) {
          const atmp = pctx.child(alt.mark, ITEM_TYPES.REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE, '');
          if (alt.kind !== 'map') raise('Plugin version alternative must be a mapping', atmp);
          const altName = decodeValue(alt, 'name', asString, atmp);
          const actx = pctx.child(alt.mark, ITEM_TYPES.REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE, altName);
          alternatives.push({ name: altName, version: decodeValue(alt, 'version', asString, actx) });
        }
      }
      this.collector.requirePluginVersions(alternatives, pctx);
    }
    this.warnUnknownKeys(item, new Set(['required_plugin_versions']), parent.child(item.mark, ITEM_TYPES.REQUIRED_PLUGIN_VERSIONS, ''));
  }

  private readList(item: YMap, parent: Context): void {
    const name = decodeValue(item, 'list', asString, parent.child(item.mark, ITEM_TYPES.LIST, ''));
    const ctx = parent.child(item.mark, ITEM_TYPES.LIST, name);
    if (!BARE_STRING.test(name)) this.result.addWarning('LOAD_INVALID_LIST_NAME', LIST_NAME_WARNING, ctx);
    const items = decodeStrings(item, 'items', ctx, false)!;
    let append = this.readAppendFlag(item, ctx);
    const overrides = readOverrides(item, new Set(['items']), new Set(['items']), ctx);
    fail(append && overrides.any, MSG.ERROR_OVERRIDE_APPEND, ctx);
    append ||= overrides.append.has('items');
    if (append) this.collector.appendList({ ctx, name, items });
    else this.collector.defineList({ ctx, name, items });
    this.warnUnknownKeys(item, LIST_KEYS, ctx);
  }

  private readMacro(item: YMap, parent: Context): void {
    const name = decodeValue(item, 'macro', asString, parent.child(item.mark, ITEM_TYPES.MACRO, ''));
    const ctx = parent.child(item.mark, ITEM_TYPES.MACRO, name);
    if (!IDENTIFIER.test(name)) this.result.addWarning('LOAD_INVALID_MACRO_NAME', MACRO_NAME_WARNING, ctx);
    const cond = decodeValue(item, 'condition', asString, ctx);
    const condCtx = ctx.child(get(item, 'condition')!.mark, ITEM_TYPES.MACRO_CONDITION, '');
    let append = this.readAppendFlag(item, ctx);
    const overrides = readOverrides(item, new Set(['condition']), new Set(['condition']), ctx);
    fail(append && overrides.any, MSG.ERROR_OVERRIDE_APPEND, ctx);
    append ||= overrides.append.has('condition');
    if (append) this.collector.appendMacro({ ctx, condCtx, name, cond });
    else this.collector.defineMacro({ ctx, condCtx, name, cond });
    this.warnUnknownKeys(item, MACRO_KEYS, ctx);
  }

  private readRule(item: YMap, parent: Context): void {
    const name = decodeValue(item, 'rule', asString, parent.child(item.mark, ITEM_TYPES.RULE, ''));
    const ctx = parent.child(item.mark, ITEM_TYPES.RULE, name);
    const source = decodeOptionalEmpty(item, 'source', asString, ctx) ?? '';
    const append = this.readAppendFlag(item, ctx);
    const overrides = readOverrides(item, RULE_APPENDABLE, RULE_REPLACEABLE, ctx);
    fail(append && overrides.any, MSG.ERROR_OVERRIDE_APPEND, ctx);
    if (overrides.any) this.readRuleOverrides(item, name, source, overrides, ctx);
    else if (append) this.readRuleAppend(item, name, source, ctx);
    else this.readRuleDefinition(item, name, ctx);
    this.warnUnknownKeys(item, RULE_KEYS, ctx);
  }

  private readRuleOverrides(item: YMap, name: string, source: string, overrides: Overrides, ctx: Context): void {
    // The keys given that could be overridden; each must be claimed by an override entry.
    const expected = new Set<string>();
    for (const key of [...RULE_APPENDABLE, ...RULE_REPLACEABLE]) if (get(item, key) !== undefined) expected.add(key);
    const wants = (ops: ReadonlySet<string>, op: 'append' | 'replace', key: string): boolean => {
      if (!ops.has(key)) return false;
      fail(!expected.has(key), `An ${op} override for '${key}' was specified but '${key}' is not defined`, ctx);
      expected.delete(key);
      return true;
    };
    if (overrides.append.size > 0) {
      const u: RuleUpdate = { ctx, name, source: '' };
      const a = overrides.append;
      if (wants(a, 'append', 'condition')) {
        u.source = source;
        u.cond = decodeValue(item, 'condition', asString, ctx);
      }
      if (wants(a, 'append', 'exceptions')) u.exceptions = this.readExceptions(item, ctx, true);
      if (wants(a, 'append', 'output')) u.output = decodeValue(item, 'output', asString, ctx);
      if (wants(a, 'append', 'desc')) u.desc = decodeValue(item, 'desc', asString, ctx);
      if (wants(a, 'append', 'tags')) u.tags = tagSet(decodeStrings(item, 'tags', ctx, true) ?? []);
      this.collector.appendRule(u);
    }
    if (overrides.replace.size > 0) {
      const u: RuleUpdate = { ctx, name, source: '' };
      const r = overrides.replace;
      if (wants(r, 'replace', 'condition')) {
        u.source = source;
        u.cond = decodeValue(item, 'condition', asString, ctx);
      }
      if (wants(r, 'replace', 'exceptions')) u.exceptions = this.readExceptions(item, ctx, false);
      if (wants(r, 'replace', 'output')) u.output = decodeValue(item, 'output', asString, ctx);
      if (wants(r, 'replace', 'desc')) u.desc = decodeValue(item, 'desc', asString, ctx);
      if (wants(r, 'replace', 'tags')) u.tags = tagSet(decodeStrings(item, 'tags', ctx, true) ?? []);
      if (wants(r, 'replace', 'priority')) u.priority = readPriority(item, ctx);
      if (wants(r, 'replace', 'capture')) u.capture = decodeValue(item, 'capture', asBool, ctx);
      if (wants(r, 'replace', 'capture_duration')) u.captureDuration = decodeValue(item, 'capture_duration', asUint32, ctx);
      if (wants(r, 'replace', 'enabled')) u.enabled = decodeValue(item, 'enabled', asBool, ctx);
      if (wants(r, 'replace', 'warn_evttypes')) u.warnEvttypes = decodeValue(item, 'warn_evttypes', asBool, ctx);
      if (wants(r, 'replace', 'skip-if-unknown-filter')) u.skipIfUnknownFilter = decodeValue(item, 'skip-if-unknown-filter', asBool, ctx);
      this.collector.replaceRule(u);
    }
    const unclaimed = [...expected].sort().at(0);
    if (unclaimed !== undefined) {
      raise(
        `Unexpected key '${unclaimed}': no corresponding entry under 'override' is defined.`,
        ctx.child(get(item, unclaimed)!.mark, ITEM_TYPES.OVERRIDE, unclaimed),
      );
    }
  }

  /** The deprecated `append: true` form: condition and exceptions only. */
  private readRuleAppend(item: YMap, name: string, source: string, ctx: Context): void {
    const u: RuleUpdate = { ctx, name, source };
    if (get(item, 'condition') !== undefined) u.cond = decodeValue(item, 'condition', asString, ctx);
    if (get(item, 'exceptions') !== undefined) u.exceptions = this.readExceptions(item, ctx, true);
    this.collector.appendRule(u);
  }

  private readRuleDefinition(item: YMap, name: string, ctx: Context): void {
    // An item with none of condition/output/desc/priority only sets `enabled` of an existing rule.
    if (['condition', 'output', 'desc', 'priority'].every((k) => get(item, k) === undefined)) {
      const enabled = decodeValue(item, 'enabled', asBool, ctx);
      this.result.addWarning('LOAD_DEPRECATED_ITEM', MSG.WARNING_ENABLED, ctx);
      this.collector.enableRule(name, enabled, ctx);
      return;
    }
    const cond = decodeValue(item, 'condition', asString, ctx);
    const condCtx = ctx.child(get(item, 'condition')!.mark, ITEM_TYPES.RULE_CONDITION, '');
    const output = decodeValue(item, 'output', asString, ctx);
    const outputCtx = ctx.child(get(item, 'output')!.mark, ITEM_TYPES.RULE_OUTPUT, '');
    const desc = decodeValue(item, 'desc', asString, ctx);
    const priority = readPriority(item, ctx);
    this.collector.defineRule(
      {
        ctx, condCtx, outputCtx, name, cond, desc, priority,
        output: trim(output),
        source: decodeOptional(item, 'source', asString, ctx) ?? 'syscall',
        enabled: decodeOptional(item, 'enabled', asBool, ctx) ?? true,
        capture: decodeOptional(item, 'capture', asBool, ctx) ?? false,
        captureDuration: decodeOptional(item, 'capture_duration', asUint32, ctx) ?? 0,
        warnEvttypes: decodeOptional(item, 'warn_evttypes', asBool, ctx) ?? true,
        skipIfUnknownFilter: decodeOptional(item, 'skip-if-unknown-filter', asBool, ctx) ?? false,
        tags: tagSet(decodeStrings(item, 'tags', ctx, true) ?? []),
        exceptions: this.readExceptions(item, ctx, false),
      },
      this.result,
    );
  }

  private readAppendFlag(item: YMap, ctx: Context): boolean {
    const append = decodeOptional(item, 'append', asBool, ctx) ?? false;
    if (append) this.result.addWarning('LOAD_DEPRECATED_ITEM', MSG.WARNING_APPEND, ctx);
    return append;
  }

  /** The exceptions property (none when missing or null). `append`: fields may be left out. */
  private readExceptions(item: YMap, parent: Context, append: boolean): ExceptionInfo[] {
    const exs = get(item, 'exceptions');
    if (exs === undefined || exs.kind === 'null') return [];
    const exsCtx = parent.child(exs.mark, ITEM_TYPES.EXCEPTIONS, '');
    if (exs.kind !== 'seq') raise('Rule exceptions must be a sequence', exsCtx);
    const out: ExceptionInfo[] = [];
    for (const ex of exs.items) {
      const tmp = exsCtx.child(ex.mark, ITEM_TYPES.EXCEPTION, '');
      if (ex.kind !== 'map') raise('Rule exception must be a mapping', tmp);
      const name = decodeValue(ex, 'name', asString, tmp);
      const ctx = parent.child(ex.mark, ITEM_TYPES.EXCEPTION, name);
      for (const prev of out) {
        if (prev.name === name) {
          this.result.addWarning('LOAD_EXCEPTION_NAME_NOT_UNIQUE', `Multiple definitions of exception '${name}' in the same rule`, ctx);
        }
      }
      const fields = readExceptionEntry(get(ex, 'fields'), 'fields', ctx, append);
      const comps = readExceptionEntry(get(ex, 'comps'), 'comps', ctx, true);
      const values: ExceptionEntry[] = [];
      const vals = get(ex, 'values');
      if (vals !== undefined) {
        const valsCtx = ctx.child(vals.mark, ITEM_TYPES.EXCEPTION_VALUES, '');
        if (vals.kind !== 'seq') raise('Rule exception values must be a sequence', valsCtx);
        for (const v of vals.items) {
          values.push(readExceptionEntry(v, '', valsCtx.child(v.mark, ITEM_TYPES.EXCEPTION_VALUE, ''), false));
        }
      } else if (append) {
        this.result.addWarning('LOAD_APPEND_NO_VALUES', 'Overriding/appending exception with no values', ctx);
      }
      out.push({ ctx, name, fields, comps, values });
    }
    return out;
  }

  private warnUnknownKeys(item: YMap, expected: ReadonlySet<string>, ctx: Context): void {
    for (const { key } of item.pairs) {
      const k = scalarText(key);
      if (k !== undefined && !expected.has(k)) this.result.addWarning('LOAD_UNKNOWN_KEY', `Unknown key '${k}'. The key will be ignored.`, ctx);
    }
  }
}

function readPriority(item: YMap, ctx: Context): Priority {
  const text = decodeValue(item, 'priority', asString, ctx);
  const priority = parsePriority(text);
  if (priority === undefined) raise('Invalid priority', ctx.child(get(item, 'priority')!.mark, ITEM_TYPES.RULE_PRIORITY, ''));
  return priority;
}

/** A string or (nested) list of strings of an exception; a missing or non-text value gives no entry. */
function readExceptionEntry(val: YNode | undefined, key: string, ctx: Context, optional: boolean): ExceptionEntry {
  if (val === undefined && optional) return NO_ENTRY;
  if (val === undefined) raise(`Item has no mapping for key '${key}'`, ctx);
  const valCtx = ctx.child(val.mark, ITEM_TYPES.VALUE_FOR, key);
  if (val.kind === 'scalar') {
    fail(val.value === '', 'Value must be non-empty', valCtx);
    return scalarEntry(val.value);
  }
  if (val.kind === 'seq') return listEntry(val.items.map((v) => readExceptionEntry(v, '', valCtx.child(v.mark, ITEM_TYPES.EXCEPTION, ''), false)));
  return NO_ENTRY;
}

interface Overrides {
  readonly append: ReadonlySet<string>;
  readonly replace: ReadonlySet<string>;
  readonly any: boolean;
}

/** The `override:` mapping of an item: which keys are appended to, which replaced. */
function readOverrides(item: YMap, appendable: ReadonlySet<string>, replaceable: ReadonlySet<string>, ctx: Context): Overrides {
  const append = new Set<string>();
  const replace = new Set<string>();
  const val = get(item, 'override');
  if (val !== undefined && val.kind !== 'null' && val.kind !== 'scalar') {
    const overrideCtx = ctx.child(item.mark, ITEM_TYPES.OVERRIDE, '');
    if (val.kind === 'seq') {
      if (val.items.length > 0) badConversion('invalid node; this may result from using a map iterator as a sequence iterator, or vice-versa', ctx);
    } else {
      for (const { key: keyNode, value } of val.pairs) {
        const key = scalarText(keyNode) ?? badConversion(yamlCppMessage(keyNode.mark, 'bad conversion'), ctx);
        const op = scalarText(value) ?? badConversion(yamlCppMessage(value.mark, 'bad conversion'), ctx);
        if (op === 'append') {
          fail(!appendable.has(key), `Key '${key}' cannot be appended to, use 'replace' instead`, overrideCtx.child(keyNode.mark, ITEM_TYPES.OVERRIDE, key));
          append.add(key);
        } else if (op === 'replace') {
          fail(!replaceable.has(key), `Key '${key}' cannot be replaced`, overrideCtx.child(keyNode.mark, ITEM_TYPES.OVERRIDE, key));
          replace.add(key);
        } else {
          const allowed = `${appendable.has(key) ? 'append ' : ''}${replaceable.has(key) ? 'replace ' : ''}`;
          raise(`Invalid override operation for key '${key}': '${op}'. Allowed values are: ${allowed}`, overrideCtx.child(value.mark, ITEM_TYPES.VALUE_FOR, key));
        }
      }
    }
  }
  return { append, replace, any: append.size > 0 || replace.size > 0 };
}

function yamlCppMessage(mark: Mark, what: string): string {
  return `yaml-cpp: error at line ${mark.line + 1}, column ${mark.column + 1}: ${what}`;
}

/** A YAML node read as the wrong kind: Falco reports the library's exception for the whole file. */
function badConversion(message: string, ctx: Context): never {
  throw new RuleLoadError('LOAD_ERR_VALIDATE', message, Context.root(ctx.name));
}
