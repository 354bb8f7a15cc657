// The sysdig options scripts use, on every fixture capture, against sysdig 0.29.3 itself: -j (JSON
// lines, with sysdig's types, key order and escapes), -t (each time format), -S (the summary, ties
// in sysdig's order), -pc/-pk/-pm (the container, Kubernetes and Mesos lines), -pp, -x/-X (hex
// buffers), and the one-line refusals of a bad -t or -s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cxxSort } from '../../src/cli/summary.js';
import { quote } from '../../src/fields/json-format.js';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';
import { sysdigSkip } from '../support/sysdig.js';

const traces = sharedPath('falco', 'legacy-tests', 'trace_files');
const captures = traces ? readdirSync(traces).filter((f) => f.endsWith('.scap')).map((f) => join(traces, f)) : [];

function ghostwatch(...args: string[]) {
  return spawnSync(join(repoRoot, 'bin', 'ghostwatch'), ['events', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
}
function sysdig(...args: string[]) {
  return spawnSync('sysdig', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
}

/** ghostwatch prints what sysdig prints, and both succeed. */
function same(args: readonly string[], what: string): void {
  const theirs = sysdig(...args);
  assert.equal(theirs.status, 0, `sysdig ${args.join(' ')}: ${theirs.stderr}`);
  const ours = ghostwatch(...args);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stdout, theirs.stdout, what);
}

/** Fields of every JSON type sysdig gives: numbers, strings, booleans, null (with '*'), raw times. */
const JSON_FORMAT = '*%evt.num %evt.outputtime %evt.time %evt.rawtime %evt.rawtime.ns %evt.reltime %evt.deltatime %evt.latency ' +
  '%evt.cpu %evt.dir %evt.type %evt.args %evt.res %evt.failed %evt.is_io %evt.count %evt.buffer %proc.name %proc.pid %proc.duration ' +
  '%thread.tid %thread.vtid %user.uid %user.name %fd.num %fd.name %fd.type %fd.sport %fd.cip %proc.vmsize';

if (captures.length === 0) test('sysdig options on the shared captures', { skip: SHARED_MISSING }, () => {});

for (const file of captures) {
  const name = file.slice(file.lastIndexOf('/') + 1);

  test(`-j prints the events of ${name} as sysdig's JSON lines`, { skip: sysdigSkip }, () => {
    same(['-r', file, '-j'], 'default fields');
    same(['-r', file, '-j', '-p', JSON_FORMAT], 'fields of every JSON type');
    same(['-r', file, '-j', '-p', '%evt.num %fd.name %evt.buffer'], 'a line without a value is left out');
    for (const buffers of ['-A', '-x', '-X', '-b']) same(['-r', file, '-j', buffers, '-p', '%evt.num %evt.buffer %evt.info'], `buffers with ${buffers}`);
  });

  test(`-t prints the times of ${name} as sysdig's h, a, r, d and D`, { skip: sysdigSkip }, () => {
    for (const t of ['h', 'a', 'r', 'd', 'D']) same(['-r', file, '-t', t], `-t ${t}`);
  });

  test(`-S ends the events of ${name} with sysdig's summary`, { skip: sysdigSkip }, () => {
    same(['-r', file, '-S'], 'events and summary');
    same(['-r', file, '-S', 'evt.dir=<'], 'the summary counts the events the filter keeps');
  });

  test(`-pc, -pk and -pm print the lines of ${name} that sysdig prints`, { skip: sysdigSkip }, () => {
    for (const p of ['c', 'container', 'k', 'kubernetes', 'm', 'mesos']) same(['-r', file, '-p', p], `-p${p}`);
  });

  test(`-x and -X print the buffers of ${name} in hex as sysdig does`, { skip: sysdigSkip }, () => {
    for (const x of ['-x', '-X']) same(['-r', file, x], x);
  });
}

test('-pp prints the default format', { skip: sysdigSkip }, () => {
  same(['-pp'], '-pp');
});

test('a bad -t or -s is one line on stderr and exit 1', () => {
  for (const [args, message] of [[['-t', 'x'], /-t takes h, a, r, d or D/], [['-s', '5000'], /-s takes at most 4096/], [['-s', 'x'], /-s takes a whole number/]] as const) {
    const r = ghostwatch(...args, '-r', '/nonexistent');
    assert.equal(r.status, 1);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('JSON strings escape as jsoncpp does: quotes, backslashes, control characters, and past ASCII', () => {
  assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quote('\b\f\n\r\t\x01\x1f'), '"\\b\\f\\n\\r\\t\\u0001\\u001f"');
  assert.equal(quote('/é€😀'), '"/\\u00e9\\u20ac\\ud83d\\ude00"');
});

test("the summary's sort is libstdc++'s std::sort: ties come out in its order (checked against g++)", () => {
  const sortIds = (keys: (i: number) => number, n: number) => {
    const entries = Array.from({ length: n }, (_, i) => ({ i, k: keys(i) }));
    cxxSort(entries, (a, b) => a.k > b.k);
    return entries.map((e) => e.i);
  };
  // 40 entries, 3 keys: introsort partitions, then insertion sort of runs of 16.
  assert.deepEqual(sortIds((i) => [5, 1, 5, 0, 1][i % 5], 40), [
    0, 22, 20, 25, 17, 27, 15, 30, 12, 10, 32, 7, 35, 5, 37, 2, 31, 34, 29, 36, 26, 24, 39, 11, 1, 4, 6, 9, 14, 16, 19, 21, 28, 13, 23, 33, 8, 18, 3, 38,
  ]);
  // sysdig's table size, mostly zeros: its first 30.
  assert.deepEqual(sortIds((i) => ((i * 7919) % 13 === 0 ? i % 4 : 0), 994).slice(0, 30), [
    611, 91, 195, 247, 819, 975, 715, 351, 663, 403, 767, 39, 871, 923, 299, 507, 143, 455, 559, 702, 78, 546, 442, 962, 910, 806, 234, 338, 390, 650,
  ]);
});
