// What loading rules files gives the engine.
import type { Expr } from '../filter/ast.js';
import type { FieldRegistry } from '../fields/types.js';
import type { ParseCache } from './cache.js';
import type { ListInfo, MacroInfo, PluginAlternatives, PluginRequirement, RuleInfo } from './infos.js';
import type { Priority } from './priority.js';
import type { LoadResult } from './result.js';

export interface LoadedRule {
  /** Position among the loaded rules (order of first definition). */
  readonly id: number;
  readonly name: string;
  readonly desc: string;
  /** The output format (%field references), appends and extra formats applied. */
  readonly output: string;
  readonly priority: Priority;
  /** Sorted, without duplicates. */
  readonly tags: readonly string[];
  readonly source: string;
  readonly enabled: boolean;
  /** Macros and lists inlined, exceptions folded in: ready for compileCondition. */
  readonly condition: Expr;
  /** The event types the condition can match (syscall source); 'all' for every type or another source. */
  readonly evttypes: ReadonlySet<number> | 'all';
  /** Fields compared by the rule's exceptions. */
  readonly exceptionFields: readonly string[];
  readonly capture: boolean;
  readonly captureDuration: number;
  /** Extra output fields from the configuration (key → format). */
  readonly extraOutputFields: ReadonlyMap<string, { readonly format: string; readonly raw: boolean }>;
  /** Where the rule is defined: file name as given, 1-based line and column. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A rule of a source ghostwatch has no fields for (k8s_audit...): kept as written, not compiled. */
export interface OtherSourceRule {
  readonly name: string;
  readonly desc: string;
  readonly output: string;
  readonly priority: Priority;
  readonly tags: readonly string[];
  readonly source: string;
  readonly enabled: boolean;
  /** The condition as written (appends applied), exceptions not folded in. */
  readonly condition: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface RuleSet {
  /** The compiled rules of the last file that loaded, in load order (rules of unknown sources left out). */
  readonly rules: readonly LoadedRule[];
  /**
   * The rules of sources not in LoadOptions.sources, which Falco skips with LOAD_UNKNOWN_SOURCE
   * (in load order, as of the last file that loaded).
   */
  readonly otherSourceRules: readonly OtherSourceRule[];
  /** One result per file, in order. */
  readonly results: readonly LoadResult[];
  /** Whether every file loaded. */
  readonly successful: boolean;
  /** File name → content, for the renderers' snippets. */
  readonly contents: ReadonlyMap<string, string>;
  /** The highest required_engine_version met, as "x.y.z". */
  readonly requiredEngineVersion: string | undefined;
  /** Check them with checkPluginRequirements (plugins.ts). */
  readonly requiredPluginVersions: readonly PluginAlternatives[];
  /** The definitions behind `rules`, as of the last file that loaded (what -L describes). */
  readonly definitions: RuleDefinitions;
}

/** A macro as compiled: its definition, its condition with lists and macros inlined, whether a rule or macro uses it. */
export interface CompiledMacroDef {
  readonly info: MacroInfo;
  readonly condition: Expr;
  readonly used: boolean;
}

/** A list as compiled: its definition, its items with the lists it names expanded, whether anything uses it. */
export interface CompiledListDef {
  readonly info: ListInfo;
  readonly items: readonly string[];
  readonly used: boolean;
}

/** Every rule, macro and list as written (appends and overrides applied) and as compiled, in definition order. */
export interface RuleDefinitions {
  /** Every rule collected, including those of sources not loaded (unknownSource). */
  readonly rules: ReadonlyMap<string, RuleInfo>;
  readonly macros: readonly CompiledMacroDef[];
  readonly lists: readonly CompiledListDef[];
}

/** An output format appended to the output of the matching rules (Falco's append_output). */
export interface ExtraOutputFormat {
  readonly format: string;
  /** Only rules of this source ('' or absent: any). */
  readonly source?: string;
  /** Only rules with all these tags. */
  readonly tags?: readonly string[];
  /** Only the rule with this name. */
  readonly rule?: string;
  /**
   * A field a plugin suggests for every output (Falco 0.41+'s append_output.suggested_output: the
   * container plugin's container and pod fields): always appended, and %container.info, which
   * these fields replace, then prints nothing.
   */
  readonly suggested?: boolean;
}

/** An extra output field given to the matching rules (Falco's append_output with extra_output_fields). */
export interface ExtraOutputField extends Omit<ExtraOutputFormat, 'format'> {
  readonly key: string;
  readonly format: string;
  readonly raw?: boolean;
}

export interface LoadOptions {
  /**
   * The event sources rules may be for, each with the fields conditions and outputs may use.
   * Default: syscall only, with ghostwatch's field registry. Rules of other sources are skipped
   * with LOAD_UNKNOWN_SOURCE.
   */
  readonly sources?: ReadonlyMap<string, FieldRegistry>;
  readonly extraOutputFormats?: readonly ExtraOutputFormat[];
  readonly extraOutputFields?: readonly ExtraOutputField[];
  /** Files parsed before (cache.ts): their YAML documents are taken from it instead of parsed again. */
  readonly parseCache?: ParseCache;
}

export type { PluginAlternatives, PluginRequirement };
