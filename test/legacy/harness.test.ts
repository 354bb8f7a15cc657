// The legacy harness's checks catch what Falco's caught: a passing outcome passes, each kind of
// wrong outcome fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOutcome, commandLine, strictlyContains, withLatestFalco } from './harness.js';

const summary = (body: string) => `Events detected: 9\nRule counts by severity:\n   WARNING: 8\n   INFO: 1\nTriggered rules by rule name:\n${body}`;
const ok = { status: 0, stdout: summary('   open_from_cat: 8\n   other: 1\n'), stderr: '' };

describe('legacy harness', () => {
  it("builds Falco's command line", () => {
    assert.deepEqual(commandLine({ rules_file: ['a.yaml'], trace_file: 't.scap', disabled_rules: 'x', run_tags: ['p'], all_events: true, time_iso_8601: true }), [
      '-r', 'a.yaml', '-D', 'x', '-c', 'falco.yaml', '-e', 't.scap', '-o', 'json_output=False', '-o', 'json_include_output_property=True',
      '-o', 'json_include_tags_property=True', '-o', 'priority=debug', '-v', '-t', 'p', '-A', '-o', 'time_format_iso_8601=true',
    ]);
    assert.deepEqual(commandLine({ validate_rules_file: 'v.yaml' }).slice(0, 4), ['-V', 'v.yaml', '-r', '../rules/falco_rules-1.0.1.yaml']);
  });

  it('detections: counts per rule, levels, none when none expected', () => {
    assert.deepEqual(checkOutcome({ detect: true, detect_level: ['WARNING', 'INFO'], detect_counts: [{ open_from_cat: 8 }, { never: 0 }] }, ok, '.'), []);
    assert.equal(checkOutcome({ detect: true, detect_level: 'ERROR' }, ok, '.').length, 1);
    assert.equal(checkOutcome({ detect: false }, ok, '.').length, 1);
    assert.equal(checkOutcome({ detect: true, detect_counts: [{ open_from_cat: 7 }] }, ok, '.').length, 1);
    assert.equal(checkOutcome({ detect: true, detect_counts: [{ 'from_cat': 8 }] }, ok, '.').length, 1);
    assert.equal(checkOutcome({ detect: false }, { ...ok, stdout: '' }, '.').length, 1);
  });

  it('exit status, output patterns and validation results', () => {
    assert.equal(checkOutcome({ exit_status: 1 }, ok, '.').length, 2);
    assert.equal(checkOutcome({ detect: true, stdout_contains: 'WARNING: \\d+' }, ok, '.').length, 0);
    assert.equal(checkOutcome({ detect: true, stdout_not_contains: ['WARNING'] }, ok, '.').length, 1);
    assert.equal(checkOutcome({ detect: true, stderr_contains: ['x'] }, ok, '.').length, 1);
    const json = JSON.stringify({ falco_load_results: [{ name: '/a/b.yaml', successful: false, errors: [{ code: 'LOAD_ERR_VALIDATE', message: 'm', context: { locations: [{ item_type: 'rule', item_name: 'r' }] } }], warnings: [] }] });
    const v = { status: 1, stdout: `${json}\n`, stderr: '' };
    const err = { item_type: 'rule', item_name: 'r', code: 'LOAD_ERR_VALIDATE' };
    assert.deepEqual(checkOutcome({ exit_status: 1, validate_rules_file: 'b.yaml', validate_errors: [{ ...err, message: 'm' }] }, v, '.'), []);
    assert.equal(checkOutcome({ exit_status: 1, validate_rules_file: 'b.yaml', validate_errors: [{ ...err, message: 'n' }] }, v, '.').length, 1);
    assert.equal(checkOutcome({ exit_status: 1, validate_rules_file: 'b.yaml', validate_ok: ['b.yaml'] }, v, '.').length, 1);
  });

  it('strict containment keeps the order of the lines', () => {
    assert.equal(strictlyContains('x a y b z', 'a\nb\n'), true);
    assert.equal(strictlyContains('x b y a z', 'a\nb\n'), false);
  });

  it("uses Falco 0.63's wording where it changed", () => {
    assert.equal(withLatestFalco('validate_skip_unknown_noevt', {}).validate_warnings![0].code, 'LOAD_UNKNOWN_FILTER');
  });
});
