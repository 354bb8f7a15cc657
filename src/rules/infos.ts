// What the reader collects from the YAML items, before anything is compiled: lists, macros and
// rules as written (with appends and overrides applied), and the version requirements.
// Collected objects are never modified once stored, so a snapshot of the collection is a copy of
// its maps (see collector.ts).
import type { Context } from './context.js';
import type { Priority } from './priority.js';
import type { Version } from './version.js';

/** A value of an exception's fields, comps or values: a string or a (nested) list of them. */
export interface ExceptionEntry {
  readonly isList: boolean;
  readonly item: string;
  readonly items: readonly ExceptionEntry[];
}

export const NO_ENTRY: ExceptionEntry = { isList: false, item: '', items: [] };

export function scalarEntry(item: string): ExceptionEntry {
  return { isList: false, item, items: [] };
}

export function listEntry(items: readonly ExceptionEntry[]): ExceptionEntry {
  return { isList: true, item: '', items };
}

/** Whether an entry was given: a non-empty string or a non-empty list. */
export function isValidEntry(e: ExceptionEntry): boolean {
  return e.isList ? e.items.length > 0 : e.item.length > 0;
}

export interface ExceptionInfo {
  readonly ctx: Context;
  readonly name: string;
  readonly fields: ExceptionEntry;
  readonly comps: ExceptionEntry;
  readonly values: readonly ExceptionEntry[];
}

/** Position of an item among all definitions, and of its latest definition or update. */
interface Ordered {
  /** Order of the first definition (what later items see). */
  readonly index: number;
  /** Order of the latest definition, append or override (what this item sees). */
  readonly visibility: number;
}

export interface ListInfo extends Ordered {
  readonly ctx: Context;
  readonly name: string;
  readonly items: readonly string[];
}

export interface MacroInfo extends Ordered {
  readonly ctx: Context;
  readonly condCtx: Context;
  readonly name: string;
  readonly cond: string;
}

export interface RuleInfo extends Ordered {
  readonly ctx: Context;
  readonly condCtx: Context;
  readonly outputCtx: Context;
  readonly unknownSource: boolean;
  readonly name: string;
  readonly cond: string;
  readonly source: string;
  readonly desc: string;
  readonly output: string;
  /** Sorted, without duplicates (a set, as Falco keeps them). */
  readonly tags: readonly string[];
  readonly exceptions: readonly ExceptionInfo[];
  readonly priority: Priority;
  readonly capture: boolean;
  readonly captureDuration: number;
  readonly enabled: boolean;
  readonly warnEvttypes: boolean;
  readonly skipIfUnknownFilter: boolean;
}

/** An append to, or a selective replacement of, an existing rule: only the given properties. */
export interface RuleUpdate {
  readonly ctx: Context;
  readonly name: string;
  source: string;
  cond?: string;
  output?: string;
  desc?: string;
  tags?: readonly string[];
  exceptions?: ExceptionInfo[];
  priority?: Priority;
  capture?: boolean;
  captureDuration?: number;
  enabled?: boolean;
  warnEvttypes?: boolean;
  skipIfUnknownFilter?: boolean;
}

export interface EngineVersionRequirement {
  readonly ctx: Context;
  readonly version: Version;
}

export interface PluginRequirement {
  readonly name: string;
  readonly version: string;
}

/** One required_plugin_versions entry: the plugin and its alternatives (any one will do). */
export type PluginAlternatives = readonly PluginRequirement[];

/** A set of tags, sorted as Falco's std::set keeps them. */
export function tagSet(tags: Iterable<string>): string[] {
  return [...new Set(tags)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
