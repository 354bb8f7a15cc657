// Rule test files (`ghostwatch test`): YAML beside the rules, read with the rules loader's YAML
// (every node keeps its line), checked key by key so that a misspelt key, a wrong type or a case
// without events is one error naming the file and the line. docs/rule-tests.md describes the
// format; RULE_TEST_SCHEMA below is its JSON Schema.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseTyped } from 'yaml';
import { get, parseYamlDocuments, YamlParseError, type YMap, type YNode } from '../../rules/yaml.js';

/** A bad test file: its message names the file and the 1-based line. */
export class TestFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

/** One declarative step: the process it concerns and what it does (see scenario.ts). */
export interface Step {
  readonly line: number;
  /** The step's keys as text (lists and maps as nested values). */
  readonly fields: ReadonlyMap<string, Value>;
}

/** A YAML value as text: scalars are strings, as the rules loader reads them. */
export type Value = string | null | readonly Value[] | { readonly [key: string]: Value };

export interface Expectation {
  readonly rule: string;
  readonly line: number;
  /** Exactly this many alerts; undefined: at least one. */
  readonly count?: number;
  /** Fields every counted alert's output_fields must have, as text. */
  readonly outputFields: ReadonlyMap<string, string>;
}

export type CaseEvents =
  | { readonly kind: 'capture'; readonly path: string }
  | { readonly kind: 'steps'; readonly steps: readonly Step[] }
  | { readonly kind: 'audit'; readonly events: readonly unknown[] }
  | { readonly kind: 'audit_file'; readonly path: string };

export interface TestCase {
  readonly name: string;
  readonly line: number;
  /** Absolute paths of the rules files to load. */
  readonly rules: readonly string[];
  /** -o style overrides (key=value). */
  readonly options: readonly string[];
  readonly events: CaseEvents;
  readonly expect: readonly Expectation[];
  readonly expectNot: readonly { readonly rule: string; readonly line: number }[];
  /** `expect: []` alone: no rule may raise an alert. */
  readonly noAlerts: boolean;
}

export interface TestFile {
  readonly path: string;
  readonly cases: readonly TestCase[];
}

const FILE_KEYS = new Set(['rules', 'options', 'cases']);
const CASE_KEYS = new Set(['name', 'description', 'rules', 'options', 'capture', 'events', 'audit', 'audit_file', 'expect', 'expect_not']);
const EXPECT_KEYS = new Set(['rule', 'count', 'output_fields']);
const EVENT_SOURCES = ['capture', 'events', 'audit', 'audit_file'] as const;

/** Reads and checks a test file; throws TestFileError at the first problem. */
export function readTestFile(path: string): TestFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TestFileError(path, 0, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseTestFile(path, text);
}

export function parseTestFile(path: string, text: string): TestFile {
  const fail = (line: number, message: string): never => {
    throw new TestFileError(path, line, message);
  };
  let docs: YNode[];
  try {
    docs = parseYamlDocuments(text);
  } catch (e) {
    if (e instanceof YamlParseError) fail(e.mark.line + 1, e.message.replace(/^yaml-cpp: error at line \d+, column \d+: /, 'YAML error: '));
    throw e;
  }
  const root = docs.at(0);
  if (docs.length !== 1 || root?.kind !== 'map') return fail(root === undefined ? 1 : root.mark.line + 1, 'a test file is one YAML map with a cases: list');
  checkKeys(root, FILE_KEYS, 'the test file', fail);
  const base = dirname(resolve(path));
  const fileRules = optionalList(root, 'rules', fail) ?? [];
  const fileOptions = optionalList(root, 'options', fail) ?? [];
  const casesNode = get(root, 'cases');
  if (casesNode?.kind !== 'seq' || casesNode.items.length === 0) return fail(line(casesNode ?? root), 'cases: must be a non-empty list');
  // Audit events keep their JSON types (numbers, booleans): they are read again with YAML's core schema.
  const typed = (parseTyped(text) as { cases?: { audit?: unknown }[] } | null)?.cases ?? [];
  const names = new Set<string>();
  const cases = casesNode.items.map((node, i): TestCase => {
    if (node.kind !== 'map') return fail(line(node), 'each case is a map');
    checkKeys(node, CASE_KEYS, 'a case', fail);
    const name = requiredText(node, 'name', fail);
    if (names.has(name)) fail(line(node), `two cases are named '${name}'`);
    names.add(name);
    optionalText(node, 'description', fail);
    const rules = (optionalList(node, 'rules', fail) ?? fileRules).map((r) => resolve(base, r));
    if (rules.length === 0) fail(line(node), `case '${name}': no rules: give rules: in the case or at the top of the file`);
    const options = [...fileOptions, ...(optionalList(node, 'options', fail) ?? [])];
    for (const o of options) if (!o.includes('=')) fail(line(node), `case '${name}': option '${o}' is not KEY=VALUE`);
    const given = EVENT_SOURCES.filter((k) => get(node, k) !== undefined);
    if (given.length !== 1) fail(line(node), `case '${name}': give exactly one of ${EVENT_SOURCES.join(', ')}`);
    const events = caseEvents(node, given[0], base, typed[i]?.audit, name, fail);
    const expect = expectations(node, name, fail);
    const expectNot = (listNode(node, 'expect_not', fail)?.items ?? []).map((n) => ({ rule: textOf(n, 'expect_not', fail), line: line(n) }));
    const noAlerts = expect.length === 0 && expectNot.length === 0;
    if (noAlerts && get(node, 'expect') === undefined) fail(line(node), `case '${name}': nothing expected: give expect: (expect: [] for no alert at all) or expect_not:`);
    return { name, line: line(node), rules, options, events, expect, expectNot, noAlerts };
  });
  return { path, cases };
}

type Fail = (line: number, message: string) => never;

function line(n: YNode): number {
  return n.mark.line + 1;
}

function checkKeys(map: YMap, allowed: ReadonlySet<string>, what: string, fail: Fail): void {
  for (const p of map.pairs) {
    const key = p.key.kind === 'scalar' ? p.key.value : '';
    if (!allowed.has(key)) fail(line(p.key), `unknown key '${key}' in ${what} (known: ${[...allowed].join(', ')})`);
  }
}

function textOf(n: YNode, key: string, fail: Fail): string {
  if (n.kind !== 'scalar') return fail(line(n), `${key}: must be a text`);
  return n.value;
}

function requiredText(map: YMap, key: string, fail: Fail): string {
  const n = get(map, key);
  if (n === undefined || n.kind === 'null') return fail(line(map), `${key}: is required`);
  return textOf(n, key, fail);
}

function optionalText(map: YMap, key: string, fail: Fail): string | undefined {
  const n = get(map, key);
  return n === undefined ? undefined : textOf(n, key, fail);
}

function listNode(map: YMap, key: string, fail: Fail) {
  const n = get(map, key);
  if (n === undefined) return undefined;
  if (n.kind !== 'seq') return fail(line(n), `${key}: must be a list`);
  return n;
}

function optionalList(map: YMap, key: string, fail: Fail): string[] | undefined {
  return listNode(map, key, fail)?.items.map((n) => textOf(n, key, fail));
}

function caseEvents(node: YMap, kind: (typeof EVENT_SOURCES)[number], base: string, typedAudit: unknown, name: string, fail: Fail): CaseEvents {
  const n = get(node, kind)!;
  switch (kind) {
    case 'capture':
      return { kind, path: resolve(base, textOf(n, kind, fail)) };
    case 'audit_file':
      return { kind, path: resolve(base, textOf(n, kind, fail)) };
    case 'audit':
      if (n.kind !== 'seq' || !Array.isArray(typedAudit) || typedAudit.length === 0) return fail(line(n), `case '${name}': audit: must be a non-empty list of audit events`);
      n.items.forEach((item, i) => {
        const e = typedAudit[i] as Record<string, unknown> | null;
        if (item.kind !== 'map' || e === null || typeof e !== 'object' || e.kind !== 'Event') fail(line(item), `case '${name}': an audit event is a map with kind: Event`);
      });
      return { kind, events: typedAudit };
    case 'events':
      if (n.kind !== 'seq' || n.items.length === 0) return fail(line(n), `case '${name}': events: must be a non-empty list of steps`);
      return {
        kind: 'steps',
        steps: n.items.map((s) => {
          if (s.kind !== 'map') return fail(line(s), `case '${name}': each step is a map`);
          return { line: line(s), fields: new Map(s.pairs.map((p) => [p.key.kind === 'scalar' ? p.key.value : '', plain(p.value)])) };
        }),
      };
  }
}

function expectations(node: YMap, name: string, fail: Fail): Expectation[] {
  return (listNode(node, 'expect', fail)?.items ?? []).map((n): Expectation => {
    // `- Rule name` is short for `- rule: Rule name`.
    if (n.kind === 'scalar') return { rule: n.value, line: line(n), outputFields: new Map() };
    if (n.kind !== 'map') return fail(line(n), `case '${name}': an expectation is a rule name or a map with rule:`);
    checkKeys(n, EXPECT_KEYS, 'an expectation', fail);
    const rule = requiredText(n, 'rule', fail);
    const countText = optionalText(n, 'count', fail);
    if (countText !== undefined && !/^\d+$/.test(countText)) fail(line(n), `case '${name}': count: must be a whole number`);
    const fieldsNode = get(n, 'output_fields');
    if (fieldsNode !== undefined && fieldsNode.kind !== 'map') fail(line(fieldsNode), 'output_fields: must be a map of field: value');
    const outputFields = new Map(fieldsNode?.kind === 'map' ? fieldsNode.pairs.map((p) => [textOf(p.key, 'output_fields', fail), p.value.kind === 'null' ? '<NA>' : textOf(p.value, 'output_fields', fail)]) : []);
    return { rule, line: line(n), ...(countText !== undefined && { count: Number(countText) }), outputFields };
  });
}

/** A node as plain text values (scalars as strings). */
function plain(n: YNode): Value {
  switch (n.kind) {
    case 'scalar':
      return n.value;
    case 'null':
      return null;
    case 'seq':
      return n.items.map(plain);
    case 'map':
      return Object.fromEntries(n.pairs.map((p) => [p.key.kind === 'scalar' ? p.key.value : '', plain(p.value)]));
  }
}
