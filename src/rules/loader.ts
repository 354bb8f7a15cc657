// Loading rules files in order into one rule set, as Falco's engine does file by file: each
// file's items join what earlier files defined (and may redefine, append to or override it),
// then everything is compiled again; the file's result carries the errors and warnings of both
// steps. A file that fails leaves the rule set as it was before it.
import { parseCondition } from '../filter/parser.js';
import { compileCondition } from '../filter/compile.js';
import { FilterError } from '../filter/errors.js';
import { OutputFormat } from '../fields/format.js';
import { createRegistry } from '../fields/registry.js';
import { FieldError, type FieldRegistry } from '../fields/types.js';
import { emptyStateView } from '../state/types.js';
import type { ParseCache } from './cache.js';
import { Collector, type SourceCheck } from './collector.js';
import { compileRules } from './compiler.js';
import { Context, ITEM_TYPES } from './context.js';
import { SYSCALL_EVENT_UNIVERSE } from './event-universe.js';
import { Reader } from './reader.js';
import { checkSchema } from './schema.js';
import { LoadResult, RuleLoadError } from './result.js';
import type { PluginAlternatives, RuleInfo } from './infos.js';
import type { CompiledListDef, CompiledMacroDef, LoadedRule, LoadOptions, OtherSourceRule, RuleSet } from './types.js';
import { versionString } from './version.js';
import { parseYamlDocuments, YamlParseError, type YNode } from './yaml.js';

export interface RulesFile {
  /** The name errors and warnings refer to (Falco uses the path as given). */
  readonly name: string;
  readonly content: string;
}

/** Fields are only bound, never evaluated, while loading: no state is needed behind them. */
const NO_STATE = emptyStateView('');

/** The syscall source with ghostwatch's fields: what rules are checked against by default. */
export function defaultSources(): ReadonlyMap<string, FieldRegistry> {
  return new Map([['syscall', createRegistry(NO_STATE)]]);
}

export function loadRules(files: readonly RulesFile[], opts: LoadOptions = {}): RuleSet {
  const sources = opts.sources ?? defaultSources();
  const collector = new Collector(sourceCheck(sources));
  const contents = new Map<string, string>();
  const results: LoadResult[] = [];
  let rules: LoadedRule[] = [];
  let macros: readonly CompiledMacroDef[] = [];
  let lists: readonly CompiledListDef[] = [];
  let otherSourceRules: OtherSourceRule[] = [];
  /** The plugin requirements of files that failed to load. */
  const pluginRequirements: PluginAlternatives[] = [];

  for (const file of files) {
    const result = new LoadResult(file.name);
    results.push(result);
    contents.set(file.name, file.content);
    const before = collector.snapshot();
    const root = Context.root(file.name);
    try {
      const reader = new Reader(collector, result);
      const docs = parseDocuments(file.content, root, result, opts.parseCache);
      result.schemaStatus = docs.flatMap(checkSchema);
      for (const doc of docs) reader.readDocument(doc, root);
      if (result.successful) {
        const compiled = compileRules(collector.state, {
          result, sources, universe: SYSCALL_EVENT_UNIVERSE,
          extraOutputFormats: opts.extraOutputFormats ?? [], extraOutputFields: opts.extraOutputFields ?? [],
        });
        ({ rules, macros, lists } = compiled);
        otherSourceRules = uncompiled(collector.state.rules.values());
      }
    } catch (e) {
      if (!(e instanceof RuleLoadError)) throw e;
      result.addError(e.code, e.reason, e.context);
    }
    if (!result.successful) {
      // The plugins a failed file requires are still checked: a field unknown because its plugin
      // is not loaded is then reported as the missing plugin.
      const required = collector.state.requiredPluginVersions;
      collector.restore(before);
      pluginRequirements.push(...required.slice(before.requiredPluginVersions.length));
    }
  }

  const state = collector.state;
  return {
    rules,
    otherSourceRules,
    results,
    successful: results.every((r) => r.successful),
    contents,
    requiredEngineVersion: state.requiredEngineVersion && versionString(state.requiredEngineVersion.version),
    requiredPluginVersions: [...state.requiredPluginVersions, ...pluginRequirements],
    // A file that failed restored the collector: its state is the one the last compile saw.
    definitions: { rules: new Map(state.rules), macros, lists },
  };
}

/** The fields of syscall rules, made when a format is first checked. */
let syscallFields: FieldRegistry | undefined;

/**
 * Why an output format given apart from the rules (the configuration's append_output, run -p)
 * cannot print for syscall rules (sysdig's message), or undefined: checked before any rule is
 * loaded, so that a bad format is not reported as the error of the first rule it is added to.
 */
export function syscallFormatError(format: string): string | undefined {
  syscallFields ??= createRegistry(NO_STATE);
  try {
    OutputFormat.parse(syscallFields, format);
    return undefined;
  } catch (e) {
    if (e instanceof FieldError) return e.message;
    throw e;
  }
}

function uncompiled(infos: Iterable<RuleInfo>): OtherSourceRule[] {
  const out: OtherSourceRule[] = [];
  for (const r of infos) {
    if (!r.unknownSource) continue;
    const { line, column } = r.ctx.last.position;
    out.push({
      name: r.name, desc: r.desc, output: r.output, priority: r.priority, tags: r.tags, source: r.source, enabled: r.enabled,
      condition: r.cond, file: r.ctx.name, line: line + 1, column: column + 1,
    });
  }
  return out;
}

/**
 * The file's YAML documents (from the cache when it has them); none, with LOAD_ERR_YAML_PARSE in
 * the result, when it does not parse. Only documents that parsed are cached.
 */
function parseDocuments(content: string, root: Context, result: LoadResult, cache: ParseCache | undefined): YNode[] {
  const cached = cache?.get(content);
  if (cached !== undefined) return cached;
  try {
    const docs = parseYamlDocuments(content);
    cache?.put(content, docs);
    return docs;
  } catch (e) {
    if (!(e instanceof YamlParseError)) throw e;
    result.addError('LOAD_ERR_YAML_PARSE', e.message, root.child(e.mark, ITEM_TYPES.VALUE_FOR, ''));
    return [];
  }
}

function sourceCheck(sources: ReadonlyMap<string, FieldRegistry>): SourceCheck {
  return {
    has: (source) => sources.has(source),
    isValidField: (source, field) => {
      const registry = sources.get(source);
      return registry !== undefined && isValidLeftField(field, registry);
    },
  };
}

/** Whether `field` (a field, or transformers around one) can be compared in a condition. */
function isValidLeftField(field: string, registry: FieldRegistry): boolean {
  try {
    const ast = parseCondition(`${field} exists`);
    if (ast.kind !== 'unary' || (!field.includes('(') && ast.left.kind !== 'field')) return false;
    compileCondition(ast, registry);
    return true;
  } catch (e) {
    // Only a field the condition language rejects is invalid; anything else is a bug to surface.
    if (e instanceof FilterError || e instanceof FieldError) return false;
    throw e;
  }
}
