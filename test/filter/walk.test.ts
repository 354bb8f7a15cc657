import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fieldsOf, listCandidatesOf, macrosOf, parseCondition } from '../../src/filter/index.js';

const text =
  'spawned and not proc.name in (shell_binaries, "quoted_list", x) and fd.name pmatch sensitive ' +
  'and tolower(proc.aname[2]) = val(proc.pname) and (spawned or container) and evt.type = open_ish';
const cond = parseCondition(text);

it('fieldsOf lists every field reference, transformers and val() included', () => {
  assert.deepEqual(
    fieldsOf(cond).map((f) => (f.arg === undefined ? f.name : `${f.name}[${f.arg}]`)),
    ['proc.name', 'fd.name', 'proc.aname[2]', 'proc.pname', 'evt.type'],
  );
  assert.equal(fieldsOf(cond)[2].pos.index, text.indexOf('proc.aname'));
});

it('macrosOf lists the identifiers used as conditions, once each', () => {
  assert.deepEqual(macrosOf(cond), ['spawned', 'container']);
});

it('listCandidatesOf lists the bare words that may name lists, right of list operators only', () => {
  assert.deepEqual(listCandidatesOf(cond), ['shell_binaries', 'x', 'sensitive']);
});
