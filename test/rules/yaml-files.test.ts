// Reading rules files: YAML as yaml-cpp reads it (marks, nulls, scalar conversions, errors), and
// which files a rules path stands for.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readRulesFiles, rulesFilePaths, RulesFileReadError } from '../../src/rules/index.js';
import { decodeBool, decodeUint32, get, parseYamlDocuments, YamlParseError, type YMap } from '../../src/rules/yaml.js';
import { errorMessages, load, only } from './helpers.js';

describe('YAML', () => {
  it('nodes carry 0-based marks; plain null spellings are null, quoted ones are not', () => {
    const doc = parseYamlDocuments('- rule: x\n  a: ~\n  b: "null"\n  c:\n').at(0);
    assert.ok(doc?.kind === 'seq');
    const item = doc.items[0] as YMap;
    assert.deepEqual(item.mark, { offset: 2, line: 0, column: 2 });
    assert.equal(get(item, 'a')?.kind, 'null');
    assert.deepEqual(get(item, 'b'), { kind: 'scalar', mark: { offset: 22, line: 2, column: 5 }, value: 'null' });
    assert.equal(get(item, 'c')?.kind, 'null');
    assert.equal(get(item, 'd'), undefined);
  });

  it('the first of duplicate keys wins; aliases are resolved', () => {
    const doc = parseYamlDocuments('- list: l\n  items: &i [a]\n  items: [b]\n- list: m\n  items: *i\n').at(0);
    assert.ok(doc?.kind === 'seq');
    const items = doc.items.map((i) => get(i as YMap, 'items'));
    assert.deepEqual(items.map((i) => (i?.kind === 'seq' ? i.items.map((x) => (x.kind === 'scalar' ? x.value : '')) : [])), [['a'], ['a']]);
  });

  it('syntax errors in yaml-cpp form', () => {
    assert.throws(() => parseYamlDocuments('this : is : not : yaml'), (e: unknown) => {
      assert.ok(e instanceof YamlParseError);
      assert.equal(e.message, 'yaml-cpp: error at line 1, column 11: illegal map value');
      assert.deepEqual(e.mark, { offset: 10, line: 0, column: 10 });
      return true;
    });
    const set = load('- list: l\n  items: [a, b\n');
    assert.equal(only(set).errors[0]?.code, 'LOAD_ERR_YAML_PARSE');
    assert.deepEqual(set.rules, []);
  });

  it("yaml-cpp's bool and uint32 conversions", () => {
    for (const t of ['true', 'True', 'TRUE', 'yes', 'Yes', 'y', 'on', 'ON']) assert.equal(decodeBool(t), true, t);
    for (const t of ['false', 'no', 'n', 'off', 'Off']) assert.equal(decodeBool(t), false, t);
    for (const t of ['tRue', '1', '', 'maybe']) assert.equal(decodeBool(t), undefined, t);
    assert.deepEqual(['17', '+3', '0x1f', '010', '4294967295', '7 '].map(decodeUint32), [17, 3, 31, 8, 4294967295, 7]);
    for (const t of ['-1', '4294967296', '1.5', 'x', '']) assert.equal(decodeUint32(t), undefined, t);
  });

  it('empty documents and null items are skipped', () => {
    const set = load('---\n---\n- \n- list: l\n  items: []\n');
    assert.deepEqual(errorMessages(set), []);
    assert.equal(only(set).warnings[0]?.code, 'LOAD_UNUSED_LIST');
  });
});

describe('rules paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ghostwatch-rules-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'rules.d'));
  mkdirSync(join(dir, 'rules.d', 'sub.yaml'));
  for (const n of ['b.yaml', 'a.yml', 'c.txt', 'A.yaml']) writeFileSync(join(dir, 'rules.d', n), '- list: l\n  items: []\n');

  it('a directory is its YAML files in name order, not recursively', () => {
    const d = join(dir, 'rules.d');
    assert.deepEqual(rulesFilePaths(d), [`${d}/A.yaml`, `${d}/a.yml`, `${d}/b.yaml`]);
    assert.deepEqual(rulesFilePaths(`${d}/`), [`${d}/A.yaml`, `${d}/a.yml`, `${d}/b.yaml`]);
  });

  it('a file counts only when named .yaml or .yml', () => {
    assert.deepEqual(rulesFilePaths(join(dir, 'rules.d', 'c.txt')), []);
    assert.deepEqual(readRulesFiles([join(dir, 'rules.d', 'b.yaml')]).map((f) => f.content), ['- list: l\n  items: []\n']);
  });

  it("a file that cannot be read stops everything, with Falco's message and the reason", () => {
    const missing = join(dir, 'missing.yaml');
    assert.throws(() => readRulesFiles([missing]), new RulesFileReadError(`Could not open file ${missing} for reading: no such file or directory (ENOENT)`));
  });
});
