// The definitions read so far, across files (Falco's rule_loader::collector): a later definition
// of a name replaces the earlier one in place (keeping its position), an append extends it, an
// override replaces some of its properties. Every definition, append and override takes the next
// number of a counter shared by lists, macros and rules; that number decides what a macro or
// list can refer to (see compiler.ts).
import { MSG } from './codes.js';
import type { Context } from './context.js';
import { validateException } from './exceptions.js';
import {
  type EngineVersionRequirement, type ExceptionInfo, isValidEntry, type ListInfo, type MacroInfo, type PluginAlternatives,
  type RuleInfo, type RuleUpdate, tagSet,
} from './infos.js';
import { check, type LoadResult } from './result.js';
import { compareVersions, compatibleWith, ENGINE_VERSION, parseVersion, versionString } from './version.js';

const fail = (failed: boolean, reason: string, ctx: Context): void => check(failed, 'LOAD_ERR_VALIDATE', reason, ctx);

/** What the collector needs to know about event sources: which exist, and which fields each has. */
export interface SourceCheck {
  has(source: string): boolean;
  /** Whether `field` (maybe inside transformers) can be the left side of a check in this source. */
  isValidField(source: string, field: string): boolean;
}

export interface CollectorState {
  readonly lists: ReadonlyMap<string, ListInfo>;
  readonly macros: ReadonlyMap<string, MacroInfo>;
  readonly rules: ReadonlyMap<string, RuleInfo>;
  readonly requiredEngineVersion: EngineVersionRequirement | undefined;
  readonly requiredPluginVersions: readonly PluginAlternatives[];
  readonly nextIndex: number;
}

export class Collector {
  // Maps keep the order of first definition, which is the order items are compiled in.
  private lists = new Map<string, ListInfo>();
  private macros = new Map<string, MacroInfo>();
  private rules = new Map<string, RuleInfo>();
  private requiredEngineVersion: EngineVersionRequirement | undefined;
  private requiredPluginVersions: PluginAlternatives[] = [];
  private nextIndex = 0;

  constructor(private readonly sources: SourceCheck) {}

  /** A copy of the collected state, to go back to if a file fails. */
  snapshot(): CollectorState {
    return {
      lists: new Map(this.lists),
      macros: new Map(this.macros),
      rules: new Map(this.rules),
      requiredEngineVersion: this.requiredEngineVersion,
      requiredPluginVersions: [...this.requiredPluginVersions],
      nextIndex: this.nextIndex,
    };
  }

  restore(s: CollectorState): void {
    this.lists = new Map(s.lists);
    this.macros = new Map(s.macros);
    this.rules = new Map(s.rules);
    this.requiredEngineVersion = s.requiredEngineVersion;
    this.requiredPluginVersions = [...s.requiredPluginVersions];
    this.nextIndex = s.nextIndex;
  }

  /** The current state (not a copy: do not keep it across further collection). */
  get state(): CollectorState {
    return {
      lists: this.lists,
      macros: this.macros,
      rules: this.rules,
      requiredEngineVersion: this.requiredEngineVersion,
      requiredPluginVersions: this.requiredPluginVersions,
      nextIndex: this.nextIndex,
    };
  }

  requireEngineVersion(req: EngineVersionRequirement): void {
    fail(
      !compatibleWith(ENGINE_VERSION, req.version),
      `Rules require engine version ${versionString(req.version)}, but engine version is ${versionString(ENGINE_VERSION)}`,
      req.ctx,
    );
    if (this.requiredEngineVersion === undefined || compareVersions(this.requiredEngineVersion.version, req.version) < 0) {
      this.requiredEngineVersion = req;
    }
  }

  requirePluginVersions(alternatives: PluginAlternatives, ctx: Context): void {
    const names = new Set<string>();
    for (const req of alternatives) {
      fail(parseVersion(req.version) === undefined, `Invalid required version '${req.version}' for plugin '${req.name}'`, ctx);
      fail(names.has(req.name), `Defined multiple alternative version requirements for plugin '${req.name}'`, ctx);
      names.add(req.name);
    }
    this.requiredPluginVersions.push(alternatives);
  }

  defineList(info: Omit<ListInfo, 'index' | 'visibility'>): void {
    define(this.lists, info, this.nextIndex++);
  }

  appendList(info: Omit<ListInfo, 'index' | 'visibility'>): void {
    const prev = this.lists.get(info.name);
    if (prev === undefined) { fail(true, MSG.ERROR_NO_PREVIOUS_LIST, info.ctx); return; }
    this.lists.set(info.name, { ...prev, items: [...prev.items, ...info.items], visibility: this.nextIndex++ });
  }

  defineMacro(info: Omit<MacroInfo, 'index' | 'visibility'>): void {
    define(this.macros, info, this.nextIndex++);
  }

  appendMacro(info: Omit<MacroInfo, 'index' | 'visibility'>): void {
    const prev = this.macros.get(info.name);
    if (prev === undefined) { fail(true, MSG.ERROR_NO_PREVIOUS_MACRO, info.ctx); return; }
    this.macros.set(info.name, { ...prev, cond: `${prev.cond} ${info.cond}`, visibility: this.nextIndex++ });
  }

  defineRule(info: Omit<RuleInfo, 'index' | 'visibility' | 'unknownSource'>, result: LoadResult): void {
    this.previousRule(info.name, info.source, info.ctx);
    const known = this.sources.has(info.source);
    if (!known) result.addWarning('LOAD_UNKNOWN_SOURCE', `Unknown source ${info.source}, skipping`, info.ctx);
    const exceptions = info.exceptions.map((ex) => {
      fail(!isValidEntry(ex.fields), 'Rule exception item must have fields property with a list of fields', ex.ctx);
      return validateException(ex, this.fieldCheck(known ? info.source : undefined));
    });
    define(this.rules, { ...info, exceptions, unknownSource: !known }, this.nextIndex++);
  }

  appendRule(update: RuleUpdate): void {
    const prev = this.previousRule(update.name, update.source, update.ctx);
    if (prev === undefined) { fail(true, MSG.ERROR_NO_PREVIOUS_RULE_APPEND, update.ctx); return; }
    fail(!hasAnyValue(update), 'Appended rule must have exceptions or condition property', update.ctx);
    const isValidField = this.fieldCheck(prev.unknownSource ? undefined : prev.source);
    const next: { -readonly [K in keyof RuleInfo]: RuleInfo[K] } = { ...prev, visibility: this.nextIndex++ };
    if (update.cond) next.cond = `${prev.cond} ${update.cond}`;
    if (update.output) next.output = `${prev.output} ${update.output}`;
    if (update.desc) next.desc = `${prev.desc} ${update.desc}`;
    if (update.tags !== undefined) next.tags = tagSet([...prev.tags, ...update.tags]);
    if (update.exceptions !== undefined) next.exceptions = appendExceptions(prev.exceptions, update.exceptions, isValidField);
    this.rules.set(prev.name, next);
  }

  replaceRule(update: RuleUpdate): void {
    const prev = this.previousRule(update.name, update.source, update.ctx);
    if (prev === undefined) { fail(true, MSG.ERROR_NO_PREVIOUS_RULE_REPLACE, update.ctx); return; }
    fail(!hasAnyValue(update), 'The rule must have at least one field that can be replaced', update.ctx);
    const isValidField = this.fieldCheck(prev.unknownSource ? undefined : prev.source);
    const next: { -readonly [K in keyof RuleInfo]: RuleInfo[K] } = { ...prev, visibility: this.nextIndex++ };
    if (update.cond !== undefined) next.cond = update.cond;
    if (update.output !== undefined) next.output = update.output;
    if (update.desc !== undefined) next.desc = update.desc;
    if (update.tags !== undefined) next.tags = update.tags;
    // Falco does not validate replaced exceptions; defaulting their comps keeps them usable.
    if (update.exceptions !== undefined) next.exceptions = update.exceptions.map((ex) => validateException(ex, isValidField));
    if (update.priority !== undefined) next.priority = update.priority;
    if (update.capture !== undefined) next.capture = update.capture;
    if (update.captureDuration !== undefined) next.captureDuration = update.captureDuration;
    if (update.enabled !== undefined) next.enabled = update.enabled;
    if (update.warnEvttypes !== undefined) next.warnEvttypes = update.warnEvttypes;
    if (update.skipIfUnknownFilter !== undefined) next.skipIfUnknownFilter = update.skipIfUnknownFilter;
    this.rules.set(prev.name, next);
  }

  /** The deprecated `- rule: X` + `enabled: B` item. */
  enableRule(name: string, enabled: boolean, ctx: Context): void {
    const prev = this.rules.get(name);
    if (prev === undefined) { fail(true, "Rule has 'enabled' key but no rule by that name already exists", ctx); return; }
    this.rules.set(name, { ...prev, enabled });
  }

  private previousRule(name: string, source: string, ctx: Context): RuleInfo | undefined {
    const prev = this.rules.get(name);
    fail(
      prev !== undefined && prev.source !== '' && source !== '' && prev.source !== source,
      'Rule has been re-defined with a different source',
      ctx,
    );
    return prev;
  }

  private fieldCheck(source: string | undefined): ((f: string) => boolean) | undefined {
    return source === undefined ? undefined : (f) => this.sources.isValidField(source, f);
  }
}

function define<T extends { readonly name: string; readonly index: number; readonly visibility: number }>(
  map: Map<string, T>,
  info: Omit<T, 'index' | 'visibility'>,
  id: number,
): void {
  const prev = map.get(info.name);
  map.set(info.name, { ...info, index: prev?.index ?? id, visibility: id } as T);
}

function hasAnyValue(u: RuleUpdate): boolean {
  return (
    u.cond !== undefined || u.output !== undefined || u.desc !== undefined || u.tags !== undefined || u.exceptions !== undefined ||
    u.priority !== undefined || u.enabled !== undefined || u.capture !== undefined || u.captureDuration !== undefined ||
    u.warnEvttypes !== undefined || u.skipIfUnknownFilter !== undefined
  );
}

/** New exceptions are added whole; values for an existing one (by name) extend its values. */
function appendExceptions(
  prev: readonly ExceptionInfo[],
  added: readonly ExceptionInfo[],
  isValidField: ((f: string) => boolean) | undefined,
): ExceptionInfo[] {
  const out = [...prev];
  for (const ex of added) {
    const i = out.findIndex((p) => p.name === ex.name);
    if (i < 0) {
      fail(!isValidEntry(ex.fields), 'Rule exception must have fields property with a list of fields', ex.ctx);
      fail(ex.values.length === 0, 'Rule exception must have values property with a list of values', ex.ctx);
      out.push(validateException(ex, isValidField));
    } else {
      fail(isValidEntry(ex.fields), 'Can not append exception fields to existing exception, only values', ex.ctx);
      fail(isValidEntry(ex.comps), 'Can not append exception comps to existing exception, only values', ex.ctx);
      out[i] = { ...out[i], values: [...out[i].values, ...ex.values] };
    }
  }
  return out;
}
