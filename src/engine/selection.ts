// Which loaded rules run: each rule's `enabled`, then the configuration's `rules:` selections, then
// the command line (-D disables rules whose name contains a text, -T rules with a tag, -t runs only
// rules with one of the tags), as Falco applies them; finally rules below the priority threshold
// are left out. Enabling by name or tag also enables a rule its file disabled, as Falco does.
import type { RuleSelectionEntry } from '../config/config.js';
import type { LoadedRule, Priority } from '../rules/index.js';

export interface RuleSelection {
  /** Rules less severe than this (a higher number) do not run. */
  readonly minPriority: Priority;
  readonly configSelection?: readonly RuleSelectionEntry[];
  /** -D */
  readonly disabledSubstrings?: readonly string[];
  /** -T */
  readonly disabledTags?: readonly string[];
  /** -t */
  readonly enabledTags?: readonly string[];
}

export class SelectionError extends Error {}

/** Throws SelectionError when both disabling (-D/-T) and enabling (-t) options are given. */
export function checkSelection(sel: RuleSelection): void {
  const disabling = (sel.disabledSubstrings?.length ?? 0) + (sel.disabledTags?.length ?? 0);
  if (disabling > 0 && (sel.enabledTags?.length ?? 0) > 0) {
    throw new SelectionError('You can not specify both disabled (-D/-T) and enabled (-t) rules');
  }
}

/** The rules that run, in load order. */
export function selectRules(rules: readonly LoadedRule[], sel: RuleSelection): LoadedRule[] {
  checkSelection(sel);
  const on = rules.map((r) => r.enabled);
  const set = (pick: (r: LoadedRule) => boolean, value: boolean) => rules.forEach((r, i) => pick(r) && (on[i] = value));
  const hasAnyTag = (tags: readonly string[]) => (r: LoadedRule) => r.tags.some((t) => tags.includes(t));

  for (const s of sel.configSelection ?? []) {
    if (s.rule !== undefined) {
      const re = wildcard(s.rule);
      set((r) => re.test(r.name), s.enable);
    }
    if (s.tag !== undefined) set(hasAnyTag([s.tag]), s.enable);
  }
  for (const sub of sel.disabledSubstrings ?? []) set((r) => r.name.includes(sub), false);
  const disabledTags = sel.disabledTags ?? [], enabledTags = sel.enabledTags ?? [];
  if (disabledTags.length > 0) set(hasAnyTag(disabledTags), false);
  if (enabledTags.length > 0) {
    set(() => true, false);
    set(hasAnyTag(enabledTags), true);
  }
  return rules.filter((r, i) => on[i] && r.priority <= sel.minPriority);
}

/** A name pattern: * for any text, ? for one character, everything else literal. */
function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${body}$`, 's');
}
