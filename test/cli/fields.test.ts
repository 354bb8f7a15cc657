// `ghostwatch fields` lists every field the filters and formats accept, with its type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';

const list = spawnSync(join(repoRoot, 'bin', 'ghostwatch'), ['fields'], { encoding: 'utf8' });

test('fields prints each field with its type and description', () => {
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^evt\.num +\(Type: UINT64\) event number\./m);
  assert.match(list.stdout, /^proc\.name +\(Type: CHARBUF\) /m);
  assert.match(list.stdout, /^fd\.sip +\(Type: IPADDR\) /m);
});

test('every field the stock Falco rules use is listed', { skip: !sharedPath('falco', 'fields-used.txt') && SHARED_MISSING }, () => {
  const used = readFileSync(sharedPath('falco', 'fields-used.txt')!, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    // evt.arg.NAME and evt.arg[N] are the one field evt.arg with an argument.
    .map((l) => l.split(' ')[0].replace(/\[.*$/, '').replace(/^evt\.arg\..*$/, 'evt.arg'));
  const listed = new Set([...list.stdout.matchAll(/^([a-z0-9_.]+)\s+\(Type:/gm)].map((m) => m[1]));
  const missing = used.filter((f) => !listed.has(f));
  assert.deepEqual(missing, []);
});
