// The cache of parsed rules files: a load through it gives exactly what a load without it gives
// (rules, warnings, errors and their positions), whether it misses, hits or finds garbage; an entry
// is used only for the same bytes, the same version and a directory no one else can write.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultCacheDir, loadRules, openParseCache, type ParseCache, type RulesFile, type RuleSet } from '../../src/rules/index.js';
import type { YNode } from '../../src/rules/yaml.js';
import { sharedPath } from '../helpers.js';

const rulesDir = sharedPath('falco', 'rules');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cacheDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ghostwatch-cache-test-'));
  dirs.push(d);
  return join(d, 'cache');
}

/** A cache that counts what it was asked and what it had. */
function counted(cache: ParseCache): ParseCache & { hits: number; misses: number } {
  const c = {
    hits: 0,
    misses: 0,
    get(content: string): YNode[] | undefined {
      const docs = cache.get(content);
      if (docs === undefined) c.misses++;
      else c.hits++;
      return docs;
    },
    put: (content: string, docs: readonly YNode[]) => cache.put(content, docs),
  };
  return c;
}

function open(dir: string, version = '1.2.3'): ParseCache & { hits: number; misses: number } {
  const cache = openParseCache(dir, version);
  assert.ok(cache !== undefined, 'the cache opens');
  return counted(cache);
}

/** What a load says, in full: rules, definitions, results with every error and warning and its context. */
function outcome(set: RuleSet): unknown {
  return {
    ...set,
    results: set.results.map((r) => ({ errors: r.errors, warnings: r.warnings, schemaStatus: r.schemaStatus, successful: r.successful })),
  };
}

function entries(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.json'));
}

const WITH_WARNINGS: RulesFile = {
  name: 'rules.yaml',
  content: [
    '- list: shells', '  items: [sh, bash]',
    '- macro: spawned', '  condition: evt.type = execve and proc.name in (shells)',
    '- macro: unused', '  condition: proc.name = x',
    '- rule: shell', '  desc: a shell', '  condition: spawned and fd.name = /etc/x', '  output: "%proc.name"', '  priority: WARNING',
    '  nonsense: 1',
  ].join('\n'),
};

const BROKEN: RulesFile = { name: 'broken.yaml', content: '- rule: x\n  condition: a : b : c\n' };

describe('parse cache', () => {
  it('a load through the cache, cold then warm, is the load without it', () => {
    const files = rulesDir === undefined ? [WITH_WARNINGS] : ['falco_rules.yaml', 'falco-incubating_rules.yaml'].map((n) => ({
      name: n, content: readFileSync(join(rulesDir, n), 'utf8'),
    }));
    const fresh = outcome(loadRules(files));
    const dir = cacheDir();
    const cold = open(dir);
    assert.deepStrictEqual(outcome(loadRules(files, { parseCache: cold })), fresh);
    assert.equal(cold.misses, files.length);
    assert.equal(entries(dir).length, files.length);
    const warm = open(dir);
    assert.deepStrictEqual(outcome(loadRules(files, { parseCache: warm })), fresh);
    assert.deepEqual([warm.hits, warm.misses], [files.length, 0]);
  });

  it('warnings and their positions are the same from a cached file', () => {
    const fresh = loadRules([WITH_WARNINGS]);
    assert.ok(fresh.results[0].warnings.length > 0);
    const dir = cacheDir();
    loadRules([WITH_WARNINGS], { parseCache: open(dir) });
    const warm = open(dir);
    assert.deepStrictEqual(outcome(loadRules([WITH_WARNINGS], { parseCache: warm })), outcome(fresh));
    assert.equal(warm.hits, 1);
  });

  it('a file that does not parse is not cached, and fails as without the cache', () => {
    const dir = cacheDir();
    const cache = open(dir);
    const set = loadRules([BROKEN], { parseCache: cache });
    assert.deepStrictEqual(outcome(set), outcome(loadRules([BROKEN])));
    assert.equal(set.results[0].errors[0].code, 'LOAD_ERR_YAML_PARSE');
    assert.deepEqual(entries(dir), []);
  });

  it('a changed file is parsed again', () => {
    const dir = cacheDir();
    loadRules([WITH_WARNINGS], { parseCache: open(dir) });
    const changed = { ...WITH_WARNINGS, content: WITH_WARNINGS.content.replace('priority: WARNING', 'priority: ERROR') };
    const cache = open(dir);
    const set = loadRules([changed], { parseCache: cache });
    assert.deepEqual([cache.hits, cache.misses], [0, 1]);
    assert.equal(set.rules[0].priority, 3);
    assert.deepStrictEqual(outcome(set), outcome(loadRules([changed])));
  });

  it('entries of another version are not used', () => {
    const dir = cacheDir();
    loadRules([WITH_WARNINGS], { parseCache: open(dir, '1.2.3') });
    const other = open(dir, '1.2.4');
    loadRules([WITH_WARNINGS], { parseCache: other });
    assert.deepEqual([other.hits, other.misses], [0, 1]);
  });

  it('a corrupt or foreign entry is ignored and written again', () => {
    const dir = cacheDir();
    loadRules([WITH_WARNINGS], { parseCache: open(dir) });
    const [name] = entries(dir);
    const path = join(dir, name);
    const good = readFileSync(path, 'utf8');
    const bad = [
      good.slice(0, good.length >> 1),
      '',
      'null',
      JSON.stringify({ key: 'not-this-one', docs: [] }),
      JSON.stringify({ key: name.replace('.json', ''), docs: [{ kind: 'scalar', mark: { offset: 0, line: 0, column: 0 }, value: 7 }] }),
      JSON.stringify({ key: name.replace('.json', ''), docs: [{ kind: 'seq', mark: { offset: 0, line: 0, column: 0 }, items: [{}] }] }),
    ];
    for (const text of bad) {
      writeFileSync(path, text, { mode: 0o600 });
      const cache = open(dir);
      assert.deepStrictEqual(outcome(loadRules([WITH_WARNINGS], { parseCache: cache })), outcome(loadRules([WITH_WARNINGS])));
      assert.deepEqual([cache.hits, cache.misses], [0, 1]);
      assert.equal(readFileSync(path, 'utf8'), good);
    }
  });

  it('an entry or a directory others can write is not trusted', () => {
    const dir = cacheDir();
    loadRules([WITH_WARNINGS], { parseCache: open(dir) });
    const [name] = entries(dir);
    chmodSync(join(dir, name), 0o666);
    const cache = open(dir);
    loadRules([WITH_WARNINGS], { parseCache: cache });
    assert.deepEqual([cache.hits, cache.misses], [0, 1]);
    chmodSync(dir, 0o777);
    assert.equal(openParseCache(dir, '1.2.3'), undefined);
  });

  it('entries are written whole: no temporary file is left behind', () => {
    const dir = cacheDir();
    loadRules([WITH_WARNINGS, { name: 'b.yaml', content: '- list: l\n  items: [a]\n' }], { parseCache: open(dir) });
    assert.deepEqual(readdirSync(dir).filter((n) => !n.endsWith('.json')), []);
    for (const n of entries(dir)) assert.match(n, /^[0-9a-f]{64}\.json$/);
  });

  it('the directory: $GHOSTWATCH_CACHE_DIR (empty: none), else $XDG_CACHE_HOME/ghostwatch, else ~/.cache/ghostwatch', () => {
    assert.equal(defaultCacheDir({ GHOSTWATCH_CACHE_DIR: '/x', XDG_CACHE_HOME: '/y' }), '/x');
    assert.equal(defaultCacheDir({ GHOSTWATCH_CACHE_DIR: '', XDG_CACHE_HOME: '/y' }), undefined);
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/y' }), '/y/ghostwatch');
    assert.match(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }) ?? '', /\/\.cache\/ghostwatch$/);
  });
});
