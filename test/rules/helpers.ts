// Shared by the rules tests: load inline YAML and look at the outcome.
import { parseCondition } from '../../src/filter/parser.js';
import { printCondition } from '../../src/filter/print.js';
import { type LoadedRule, loadRules, type LoadOptions, type LoadResult, type RuleSet } from '../../src/rules/index.js';

export function load(content: string, opts: LoadOptions = {}): RuleSet {
  return loadRules([{ name: 'rules.yaml', content }], opts);
}

export function loadMany(files: Record<string, string>): RuleSet {
  return loadRules(Object.entries(files).map(([name, content]) => ({ name, content })), {});
}

export function only(set: RuleSet): LoadResult {
  const r = set.results.at(0);
  if (r === undefined || set.results.length !== 1) throw new Error('expected one result');
  return r;
}

export function rule(set: RuleSet, name: string): LoadedRule {
  const r = set.rules.find((x) => x.name === name);
  if (r === undefined) throw new Error(`no rule ${name}`);
  return r;
}

/** A rule's condition as text, to compare with normalized(): same text, same tree. */
export function conditionText(set: RuleSet, name: string): string {
  return printCondition(rule(set, name).condition);
}

/** A condition written as Falco prints compiled conditions, in printCondition's form. */
export function normalized(condition: string): string {
  return printCondition(parseCondition(condition));
}

export function errorMessages(set: RuleSet): string[] {
  return set.results.flatMap((r) => r.errors.map((e) => e.message));
}

export function warningMessages(set: RuleSet): string[] {
  return set.results.flatMap((r) => r.warnings.map((w) => w.message));
}

export function warningCodes(set: RuleSet): string[] {
  return set.results.flatMap((r) => r.warnings.map((w) => w.code));
}
