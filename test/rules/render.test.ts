// Load results as Falco prints them for -V: JSON and text; snippets; the schema check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Context, loadErrorLine, loadWarningLines, placeText, renderLoadResultsJson, renderLoadResultText, renderValidationSummary, snippetOf,
} from '../../src/rules/index.js';
import { load, loadMany, only } from './helpers.js';

const BAD_OUTPUT = `- rule: r
  desc: d
  condition: evt.type = open
  output: "seen %not_a_real_field"
  priority: WARNING
`;

describe('JSON', () => {
  it("is Falco's falco_load_results object, keys in alphabetical order", () => {
    const set = load(BAD_OUTPUT);
    const json = renderLoadResultsJson(set.results, set.contents);
    assert.equal(
      json,
      JSON.stringify({
        falco_load_results: [
          {
            errors: [
              {
                code: 'LOAD_ERR_COMPILE_OUTPUT',
                codedesc: 'Error compiling output',
                context: {
                  locations: [
                    { item_name: '', item_type: 'rules content', position: { column: 0, line: 0, name: 'rules.yaml', offset: 0 } },
                    { item_name: 'r', item_type: 'rule', position: { column: 2, line: 0, name: 'rules.yaml', offset: 2 } },
                    { item_name: '', item_type: 'rule output', position: { column: 10, line: 3, name: 'rules.yaml', offset: 59 } },
                  ],
                  snippet: '  output: "seen %not_a_real_field"\n          ^\n',
                },
                message: 'invalid formatting token not_a_real_field',
              },
            ],
            name: 'rules.yaml',
            schema_valid: true,
            schema_warnings: [],
            successful: false,
            warnings: [],
          },
        ],
      }),
    );
  });

  it('warnings carry their long description, deprecated fields their field', () => {
    const set = load(BAD_OUTPUT.replace('%not_a_real_field', '%evt.dir'));
    const parsed = JSON.parse(renderLoadResultsJson(set.results, set.contents)) as { falco_load_results: { warnings: Record<string, unknown>[] }[] };
    const [w] = parsed.falco_load_results[0].warnings;
    assert.deepEqual(Object.keys(w), ['code', 'codedesc', 'context', 'deprecated_field', 'message']);
    assert.equal(w.codedesc, 'A deprecated item is employed by lists, macros, or rules.');
    assert.equal(w.deprecated_field, 'evt.dir');
  });

  it('has no schema keys when the file does not parse', () => {
    const set = load('this : is : not : yaml');
    const json = JSON.parse(renderLoadResultsJson(set.results, set.contents)) as { falco_load_results: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(json.falco_load_results[0]), ['errors', 'name', 'successful', 'warnings']);
  });
});

describe('text', () => {
  it('verbose: every error with its locations and snippet', () => {
    const set = load(BAD_OUTPUT);
    assert.equal(
      renderLoadResultText(only(set), set.contents, true),
      [
        'rules.yaml: Invalid',
        '1 Errors:',
        'In rules content: (rules.yaml:0:0)',
        "    rule 'r': (rules.yaml:0:2)",
        '    rule output: (rules.yaml:3:10)',
        '------',
        '  output: "seen %not_a_real_field"',
        '          ^',
        '------',
        'LOAD_ERR_COMPILE_OUTPUT (Error compiling output): invalid formatting token not_a_real_field',
        '',
      ].join('\n'),
    );
  });

  it('summary: codes only; -V prints files that only have warnings as "Ok, with warnings"', () => {
    const set = loadMany({ 'a.yaml': '- list: l\n  items: [a]\n', 'b.yaml': BAD_OUTPUT });
    assert.equal(renderLoadResultText(set.results[0], set.contents, false), 'a.yaml: Ok, with warnings\n 1 warnings: [LOAD_UNUSED_LIST (Unused list)]');
    const summary = renderValidationSummary(set.results, set.contents);
    assert.ok(summary.startsWith('a.yaml: Ok, with warnings\nb.yaml: Invalid\n1 Errors:\n'));
    assert.equal(renderValidationSummary(load('').results, new Map()), 'rules.yaml: Ok');
  });

  it('deprecated fields are named in the short text', () => {
    const set = load(BAD_OUTPUT.replace('%not_a_real_field', '%evt.dir'));
    assert.equal(renderLoadResultText(only(set), set.contents, false), "rules.yaml: Ok, with warnings\n 1 warnings: [LOAD_DEPRECATED_ITEM (Used deprecated item: field 'evt.dir')]");
  });

  it('schema failures come first', () => {
    const set = load(BAD_OUTPUT.replace('WARNING', 'Warning'));
    const text = renderLoadResultText(only(set), set.contents, true);
    assert.ok(text.startsWith(
      'rules.yaml: Invalid\n3 Schema warnings:\n------\nfailed for <root>[0][priority]: Failed to match against any enum values.\n------\n' +
        "failed for <root>[0]: Failed to validate against schema associated with property name 'priority'.\n------\n" +
        'failed for <root>: Failed to validate item #0 in array.\n------\n\n1 Errors:\n',
    ));
  });
});

describe('one-line errors and warnings (run, and -V on stderr)', () => {
  it('name the innermost item and, when more precise, the innermost spot, numbered as -V numbers them', () => {
    const set = load(BAD_OUTPUT);
    const r = only(set);
    assert.equal(placeText(r.errors[0].context), "rule 'r' at rules.yaml:0:2, rule output at rules.yaml:3:10");
    assert.equal(loadErrorLine(r),
      "rules.yaml: Invalid: LOAD_ERR_COMPILE_OUTPUT (Error compiling output): invalid formatting token not_a_real_field (rule 'r' at rules.yaml:0:2, rule output at rules.yaml:3:10)");
    const typo = only(load(BAD_OUTPUT.replace('%not_a_real_field', '%proc.name').concat('  enabeld: false\n')));
    assert.deepEqual(loadWarningLines(typo), [
      "rules.yaml: LOAD_UNKNOWN_KEY (Unknown key in item definition): Unknown key 'enabeld'. The key will be ignored. (rule 'r' at rules.yaml:0:2)",
    ]);
  });
});

describe('snippets', () => {
  it('of a spot in a condition: the condition, the caret under the spot', () => {
    const cond = Context.root('f').child({ offset: 40, line: 2, column: 13 }, 'rule condition', '').inCondition({ index: 9, line: 1, col: 10 }, 'evt.type=opne');
    assert.equal(snippetOf(cond, new Map([['f', 'x'.repeat(100)]])), 'evt.type=opne\n         ^\n');
    assert.deepEqual(cond.last.position, { offset: 49, line: 3, column: 23 });
  });

  const contents = new Map([['f', `short\n${'x'.repeat(100)}Y${'z'.repeat(100)}\nend`]]);
  const at = (offset: number): string => snippetOf(Context.root('f').child({ offset, line: 0, column: 0 }, 'rule', 'r'), contents);

  it('the line of the position, with a caret under it', () => {
    assert.equal(at(2), 'short\n  ^\n');
  });

  it('long lines are cut to 80 characters each side, marked with ...', () => {
    const s = at(106);
    const [line, caret] = s.split('\n');
    assert.equal(line, `...${'x'.repeat(77)}Y${'z'.repeat(77)}...`);
    assert.equal(caret, `${' '.repeat(80)}^`);
  });

  it('a position past the end points at the last character', () => {
    assert.equal(at(1000), 'end\n  ^\n');
  });

  it('unknown content', () => {
    assert.equal(snippetOf(Context.root('nope'), contents), '<No context for file + nope>\n');
  });
});

describe('schema check', () => {
  it('reports what Falco 0.63 reports, without stopping the load', () => {
    const set = load(`- rule: r
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
  capture: "yes"
  typo: 1
  override: {}
`);
    const r = only(set);
    assert.equal(r.successful, true);
    assert.equal(r.schemaValid, false);
    assert.deepEqual(r.schemaStatus, [
      "failed for <root>[0][capture]: Value type not permitted by 'type' constraint.",
      "failed for <root>[0]: Failed to validate against schema associated with property name 'capture'.",
      'failed for <root>[0][override]: Object should have no fewer than 1 properties.',
      "failed for <root>[0]: Failed to validate against schema associated with property name 'override'.",
      "failed for <root>[0]: Object contains a property that could not be validated using 'properties' or 'additionalProperties' constraints: 'typo'.",
      'failed for <root>: Failed to validate item #0 in array.',
    ]);
  });

  it('valid documents are ok, one status per document', () => {
    assert.deepEqual(only(load('---\n- list: l\n  items: [1, a]\n---\n- macro: m\n  condition: x\n')).schemaStatus, ['ok', 'ok']);
  });
});
