// Loading Falco rules files: the rule language of Falco's engine 0.63.0 (lists, macros, rules,
// exceptions, append and override, version requirements), with Falco's errors and warnings.
//
// Use:
//   const files = readRulesFiles(['/etc/falco/falco_rules.yaml', 'rules.d']);   // throws RulesFileReadError
//   const set = loadRules(files);          // or loadRules(files, { parseCache: openParseCache(dir, version) })
//   if (!set.successful) → print renderLoadResultText(result, set.contents, true) of the failed
//     result (what Falco prints with "Error: " on a failed load) and stop;
//   const err = checkPluginRequirements(set.requiredPluginVersions);  // Falco: fatal "Error: " + err
//   for (const rule of set.rules) {
//     rule.condition   — Expr with macros and lists inlined and exceptions folded in: give it to
//                        compileCondition (src/filter) with the engine's field registry;
//     rule.evttypes    — the event type ids (EVENT_TABLE ids, both directions) it can match, or
//                        'all': index rules by it; an empty set never matches;
//     rule.enabled, rule.priority (0 Emergency … 7 Debug), rule.tags (sorted), rule.source,
//     rule.output      — the output format (%fields), for OutputFormat.parse (src/fields/format.ts);
//   }
//   Rules whose source is not among opts.sources (default: syscall) are not in set.rules (Falco
//   warns LOAD_UNKNOWN_SOURCE and skips them); they are in set.otherSourceRules, uncompiled.
//
// Validation (-V): set.results has one LoadResult per file (successful, errors, warnings, each
// with code, message, context); renderLoadResultsJson(set.results, set.contents) is the line
// Falco prints with json_output, renderValidationSummary(...) what it prints without.
//
// Semantics follow Falco's loader (rule_loader_reader/collector/compiler): files load in order
// into one definition set; each file is read then everything is compiled again, so later files
// redefine, append to and override earlier definitions; a file that fails (its first error stops
// it) leaves the set as it was before the file. Lists are substituted into condition text before
// parsing, as Falco does (so `proc.name=my_list` uses a list too).
export { loadRules, defaultSources, syscallFormatError, type RulesFile } from './loader.js';
export { readRulesFiles, rulesFilePaths, RulesFileReadError } from './files.js';
export { defaultCacheDir, openParseCache, type ParseCache } from './cache.js';
export { checkPluginRequirements, BUILTIN_PLUGINS } from './plugins.js';
export {
  renderLoadResultsJson, renderLoadResultText, renderValidationSummary, loadResultJson, loadErrorLine, loadWarningLines, placeText,
} from './render.js';
export { LoadResult, type LoadError, type LoadWarning } from './result.js';
export { ERROR_CODES, WARNING_CODES, type ErrorCode, type WarningCode } from './codes.js';
export { Context, ITEM_TYPES, snippetOf, type ItemType, type Location, type Position } from './context.js';
export { PRIORITY_NAMES, parsePriority, priorityName, type Priority, type PriorityName } from './priority.js';
export { ENGINE_VERSION, versionString } from './version.js';
export type {
  ExtraOutputField, ExtraOutputFormat, LoadedRule, LoadOptions, OtherSourceRule, PluginAlternatives, PluginRequirement, RuleSet,
} from './types.js';
export {
  describeRulesJson, DescribeError, sortKeys, conditionString, type PluginUse, type RulesDescription, type OneRuleDescription,
  type RuleDescription, type MacroDescription, type ListDescription,
} from './describe.js';
export type { CompiledListDef, CompiledMacroDef, RuleDefinitions } from './types.js';
