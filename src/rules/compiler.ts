// Turning the collected definitions into rules (Falco's rule_loader::compiler): lists expanded,
// macro and rule conditions parsed (lists substituted into their text first), macros inlined,
// exceptions folded in, conditions and outputs checked against the fields, warnings given.
//
// What an item can refer to: a list sees the lists first defined before its latest definition;
// a macro sees the macros first defined before its latest definition or append; a rule sees every
// macro; list names are substituted into every condition whatever their position.
import type { Expr, IdentifierExpr, Pos } from '../filter/ast.js';
import { FilterCompileError, FilterError, FilterSyntaxError } from '../filter/errors.js';
import type { EventTypeUniverse } from '../filter/evttypes.js';
import { compileCondition } from '../filter/compile.js';
import { parseCondition } from '../filter/parser.js';
import { forEachNode, type Node } from '../filter/walk.js';
import { OutputFormat } from '../fields/format.js';
import type { FieldRegistry } from '../fields/types.js';
import { DEPRECATED_FIELDS } from './codes.js';
import type { CollectorState } from './collector.js';
import { conditionFindings, valueWarnings } from './condition-warnings.js';
import { CONDITION_START, type Context } from './context.js';
import { foldExceptions } from './exceptions.js';
import type { ListInfo, MacroInfo, RuleInfo } from './infos.js';
import { conditionWords, isOneWord, listText, substituteList } from './list-refs.js';
import { resolveMacros } from './macro-refs.js';
import { ruleEventTypes } from './rule-evttypes.js';
import { type LoadResult, RuleLoadError } from './result.js';
import type { CompiledListDef, CompiledMacroDef, ExtraOutputField, ExtraOutputFormat, LoadedRule } from './types.js';

export interface CompileConfig {
  readonly result: LoadResult;
  readonly sources: ReadonlyMap<string, FieldRegistry>;
  /** The event types of the syscall source. */
  readonly universe: EventTypeUniverse;
  readonly extraOutputFormats: readonly ExtraOutputFormat[];
  readonly extraOutputFields: readonly ExtraOutputField[];
}

interface CompiledList {
  readonly info: ListInfo;
  readonly name: string;
  readonly items: readonly string[];
  /** The items as substituted into conditions. */
  readonly text: string;
  /** The words of `text`, and whether the name is one word (list-refs.ts: only then is it looked up in a condition's words). */
  readonly words: ReadonlySet<string>;
  readonly oneWord: boolean;
  used: boolean;
}

interface CompiledMacro {
  readonly info: MacroInfo;
  /** The condition text as parsed (lists substituted), and its tree before macros are inlined. */
  readonly text: string;
  readonly parsed: Expr;
  condition: Expr;
  used: boolean;
}

/** A condition as parsed: its text with lists substituted (what positions in the tree refer to), and the tree. */
interface Parsed {
  readonly text: string;
  readonly expr: Expr;
}

const CONTAINER_INFO = '%container.info';
const NO_EVTTYPE_LIMIT = 100;

/** What compiling gives: the rules, and the macros and lists as compiled (for describing them). */
export interface CompileOutput {
  readonly rules: LoadedRule[];
  readonly macros: readonly CompiledMacroDef[];
  readonly lists: readonly CompiledListDef[];
}

/** The rules, or a RuleLoadError for the first problem. Warnings go to cfg.result. */
export function compileRules(state: CollectorState, cfg: CompileConfig): CompileOutput {
  const compiler = new Compiler(state, cfg);
  const rules = compiler.compile();
  return { rules, macros: compiler.compiledMacros(), lists: compiler.compiledLists() };
}

class Compiler {
  private readonly lists: CompiledList[] = [];
  private readonly macros = new Map<string, CompiledMacro>();

  constructor(
    private readonly state: CollectorState,
    private readonly cfg: CompileConfig,
  ) {}

  compiledMacros(): CompiledMacroDef[] {
    return [...this.macros.values()].map((m) => ({ info: m.info, condition: m.condition, used: m.used }));
  }

  compiledLists(): CompiledListDef[] {
    return this.lists.map((l) => ({ info: l.info, items: l.items, used: l.used }));
  }

  compile(): LoadedRule[] {
    this.compileLists();
    this.compileMacros();
    const rules: LoadedRule[] = [];
    for (const info of this.state.rules.values()) {
      if (info.unknownSource) continue;
      const rule = this.compileRule(info, rules.length);
      if (rule !== undefined) rules.push(rule);
    }
    const result = this.cfg.result;
    for (const m of this.macros.values()) {
      if (!m.used) result.addWarning('LOAD_UNUSED_MACRO', 'Macro not referred to by any other rule/macro', m.info.ctx);
    }
    for (const l of this.lists) {
      if (!l.used) result.addWarning('LOAD_UNUSED_LIST', 'List not referred to by any other rule/macro', this.state.lists.get(l.name)!.ctx);
    }
    return rules;
  }

  /** Items naming a list visible to this one are replaced by that list's items (as written). */
  private compileLists(): void {
    const usedNames = new Set<string>();
    for (const list of this.state.lists.values()) {
      const items: string[] = [];
      for (const item of list.items) {
        const ref = this.state.lists.get(item);
        if (ref !== undefined && ref.index < list.visibility) {
          usedNames.add(ref.name);
          items.push(...ref.items);
        } else {
          items.push(item);
        }
      }
      const text = listText(items);
      this.lists.push({ info: list, name: list.name, items, text, words: conditionWords(text), oneWord: isOneWord(list.name), used: false });
    }
    for (const l of this.lists) if (usedNames.has(l.name)) l.used = true;
  }

  private compileMacros(): void {
    for (const info of this.state.macros.values()) {
      const { text, expr } = this.parse(info.cond, info.condCtx);
      this.macros.set(info.name, { info, text, parsed: expr, condition: expr, used: false });
    }
    for (const m of this.macros.values()) {
      const visibility = m.info.visibility;
      m.condition = this.inlineMacros(m.condition, m.text, m.info.condCtx, (name) => {
        const ref = this.macros.get(name);
        return ref !== undefined && ref.info.index < visibility ? ref.condition : undefined;
      });
    }
  }

  /**
   * The condition text with lists substituted, parsed; LOAD_ERR_COMPILE_CONDITION when it does not
   * parse. Positions in the tree are in that text, which is what errors show them in.
   */
  private parse(condition: string, ctx: Context): Parsed {
    let text = condition;
    const words = conditionWords(text);
    for (const l of this.lists) {
      if (l.oneWord && !words.has(l.name)) continue;
      const r = substituteList(text, l.name, l.text);
      text = r.condition;
      if (r.used) {
        l.used = true;
        for (const w of l.words) words.add(w);
      }
    }
    try {
      return { text, expr: parseCondition(text, { maxDepth: 1000 }) };
    } catch (e) {
      if (!(e instanceof FilterSyntaxError)) throw e;
      throw new RuleLoadError('LOAD_ERR_COMPILE_CONDITION', e.reason, ctx.inCondition(posOf(e), text));
    }
  }

  /**
   * Macros inlined; LOAD_ERR_VALIDATE for a reference loop (first) or an unknown macro, pointing at
   * the reference inside the condition (Falco places it relative to the rule or macro item instead,
   * which lands on no meaningful spot of the file).
   */
  private inlineMacros(e: Expr, condition: string, ctx: Context, lookup: (name: string) => Expr | undefined): Expr {
    const r = resolveMacros(e, lookup);
    const loop = r.errors.at(0);
    const unknown = r.unknown.at(0);
    if (loop !== undefined) throw new RuleLoadError('LOAD_ERR_VALIDATE', loop.message, ctx.inCondition(loop.pos, condition));
    if (unknown !== undefined) {
      throw new RuleLoadError('LOAD_ERR_VALIDATE', `Undefined macro '${unknown.name}' used in filter.`, ctx.inCondition(unknown.pos, condition));
    }
    for (const name of r.resolved) this.macros.get(name)!.used = true;
    return r.expr;
  }

  private compileRule(r: RuleInfo, id: number): LoadedRule | undefined {
    const { result } = this.cfg;
    const registry = this.cfg.sources.get(r.source)!;
    const folded = r.exceptions.length > 0 ? foldExceptions(r.cond, r.exceptions) : { condition: r.cond, fields: new Set<string>() };

    // As Falco did before its container plugin: %container.info is a field of its own, and an extra
    // format (-pc, -pk, -p FORMAT) takes its place where a rule uses it, or is appended where not.
    // Suggested fields (Falco 0.41+) are appended, and leave %container.info empty.
    let output = r.output;
    let suggested = false;
    for (const extra of this.cfg.extraOutputFormats) {
      if (!appliesTo(extra, r)) continue;
      if (extra.suggested === true) {
        output = `${output} ${extra.format}`;
        suggested = true;
      } else {
        output = output.includes(CONTAINER_INFO) ? output.split(CONTAINER_INFO).join(extra.format) : `${output} ${extra.format}`;
      }
    }
    if (suggested) output = output.split(CONTAINER_INFO).join('');
    const extraOutputFields = new Map<string, { format: string; raw: boolean }>();
    for (const extra of this.cfg.extraOutputFields) {
      if (appliesTo(extra, r)) extraOutputFields.set(extra.key, { format: extra.format, raw: extra.raw ?? false });
    }

    const outputError = formatError(registry, output);
    if (outputError !== undefined) {
      if (isUnknownFieldError(outputError) && r.skipIfUnknownFilter) {
        result.addWarning('LOAD_UNKNOWN_FILTER', outputError, r.outputCtx);
        return undefined;
      }
      throw new RuleLoadError('LOAD_ERR_COMPILE_OUTPUT', outputError, r.outputCtx);
    }
    this.warnDeprecatedOutput(output, r.outputCtx);
    for (const { format } of extraOutputFields.values()) {
      const err = formatError(registry, format);
      if (err !== undefined) throw new RuleLoadError('LOAD_ERR_COMPILE_OUTPUT', err, r.outputCtx);
      this.warnDeprecatedOutput(format, r.outputCtx);
    }

    const condition = this.compileCondition(r, folded.condition, registry);
    if (condition === undefined) return undefined;

    let evttypes: ReadonlySet<number> | 'all' = 'all';
    if (r.source === 'syscall') {
      const types = this.eventTypes(condition, folded.condition, r.condCtx);
      if (types.size > NO_EVTTYPE_LIMIT && r.warnEvttypes) {
        result.addWarning('LOAD_NO_EVTTYPE', 'Rule matches too many evt.type values. This has a significant performance penalty.', r.ctx);
      }
      if (types.size < this.cfg.universe.all.length) evttypes = types;
    }

    const { line, column } = r.ctx.last.position;
    return {
      id, name: r.name, desc: r.desc, output, priority: r.priority, tags: r.tags, source: r.source, enabled: r.enabled,
      condition, evttypes, exceptionFields: [...folded.fields], capture: r.capture, captureDuration: r.captureDuration,
      extraOutputFields, file: r.ctx.name, line: line + 1, column: column + 1,
    };
  }

  /** The expanded condition, checked against the fields; undefined when skipped (skip-if-unknown-filter). */
  private compileCondition(r: RuleInfo, condition: string, registry: FieldRegistry): Expr | undefined {
    const { result } = this.cfg;
    const parsed = this.parse(condition, r.condCtx);
    const expr = this.inlineMacros(parsed.expr, parsed.text, r.condCtx, (name) => this.macros.get(name)?.condition);
    // Where a check of the expanded condition is written: in the rule's condition or a macro's.
    const at = (check: Expr | undefined, pos: Pos) => this.locate(check, pos, parsed, r.condCtx);

    const findings = conditionFindings(expr);
    const whole = r.condCtx.inCondition(CONDITION_START, condition);
    if (findings.unsafeNaCheck) result.addWarning('LOAD_UNSAFE_NA_CHECK', '', whole);
    for (const field of findings.deprecatedFields) {
      result.addWarning('LOAD_DEPRECATED_ITEM', DEPRECATED_FIELDS.find((d) => d.field === field)!.desc, whole, field);
    }

    const error = compileError(expr, registry);
    if (error !== undefined) {
      const ctx = at(error.check, error.pos);
      if (isUnknownFieldError(error.message) && r.skipIfUnknownFilter) {
        result.addWarning('LOAD_UNKNOWN_FILTER', error.message, ctx);
        return undefined;
      }
      throw new RuleLoadError('LOAD_ERR_COMPILE_CONDITION', error.message, ctx);
    }
    for (const w of valueWarnings(expr, registry)) result.addWarning('LOAD_COMPILE_CONDITION', w.message, at(w.check, w.pos));
    return expr;
  }

  /**
   * The context of a spot of a rule's expanded condition: in the rule's condition when `check` is
   * written there; when it comes from a macro, through the reference to that macro (and to the
   * macros in between) down to the spot in the macro's condition. The rule stays in the chain,
   * the snippet is the condition the spot is in, the caret under it.
   */
  private locate(check: Expr | undefined, pos: Pos, rule: Parsed, ctx: Context): Context {
    const path = check === undefined ? [] : this.macroPath(check, rule.expr, new Set()) ?? [];
    let text = rule.text;
    let at = ctx;
    for (const { ref, macro } of path) {
      at = at.inCondition(ref.pos, text).then(macro.info.condCtx);
      text = macro.text;
    }
    return at.inCondition(pos, text);
  }

  /** The macro references leading from `tree` to the macro whose own condition holds `check`; [] when `tree` holds it. */
  private macroPath(check: Expr, tree: Expr, seen: Set<string>): { ref: IdentifierExpr; macro: CompiledMacro }[] | undefined {
    const nodes: Node[] = [];
    forEachNode(tree, (n) => nodes.push(n));
    if (nodes.includes(check)) return [];
    for (const ref of nodes) {
      if (ref.kind !== 'identifier') continue;
      const macro = this.macros.get(ref.name);
      if (macro === undefined || seen.has(ref.name)) continue;
      const rest = this.macroPath(check, macro.parsed, new Set([...seen, ref.name]));
      if (rest !== undefined) return [{ ref, macro }, ...rest];
    }
    return undefined;
  }

  private eventTypes(expr: Expr, condition: string, condCtx: Context): Set<number> {
    try {
      return ruleEventTypes(expr, this.cfg.universe);
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      throw new RuleLoadError('LOAD_ERR_COMPILE_CONDITION', e.reason, condCtx.inCondition(posOf(e), condition));
    }
  }

  private warnDeprecatedOutput(format: string, ctx: Context): void {
    for (const { field } of DEPRECATED_FIELDS) {
      if (format.includes(field)) {
        this.cfg.result.addWarning('LOAD_DEPRECATED_ITEM', `usage of deprecated field '${field}' has been detected in the rule output`, ctx, field);
      }
    }
  }
}

/**
 * Why the condition does not compile against the source's fields, and where: at the token at
 * fault (the field, the operator, the value), where Falco points at the start of the check. The
 * same compile as `ghostwatch events` and `capture` filters, so a condition one accepts the other
 * does too (evt.type compared with a name no event or system call has: "unknown event type foo").
 */
function compileError(expr: Expr, registry: FieldRegistry): { message: string; pos: Pos; check?: Expr } | undefined {
  try {
    compileCondition(expr, registry);
  } catch (e) {
    if (!(e instanceof FilterCompileError)) throw e;
    return { message: e.reason, pos: posOf(e), ...(e.check !== undefined && { check: e.check }) };
  }
  return undefined;
}

function appliesTo(extra: { readonly source?: string; readonly tags?: readonly string[]; readonly rule?: string }, r: RuleInfo): boolean {
  if (extra.source && extra.source !== r.source) return false;
  if (extra.tags !== undefined && !extra.tags.every((t) => r.tags.includes(t))) return false;
  return !extra.rule || extra.rule === r.name;
}

function formatError(registry: FieldRegistry, format: string): string | undefined {
  try {
    OutputFormat.parse(registry, format);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The errors skip-if-unknown-filter turns into warnings (Falco matches their text). */
function isUnknownFieldError(message: string): boolean {
  return ['nonexistent field', 'invalid formatting token', 'unknown event type', 'unknown filter:'].some((s) => message.includes(s));
}

function posOf(e: FilterError): Pos {
  return { index: e.index, line: e.line, col: e.col };
}
