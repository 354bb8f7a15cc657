// `ghostwatch test`: the shipped tests of the stock rules pass and cover every stock rule that can
// fire (the others are named with their reason in rules-tests/uncovered.yaml); a case that should
// fail fails naming the rule, the case and the difference; bad test files are one line naming the
// file and line; JUnit XML carries names from events safely.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';
import { ghostwatch, scratch, skip } from './harness.js';

const testsDir = join(repoRoot, 'rules-tests');
const stockDir = sharedPath('falco', 'rules');
const RULES = stockDir === undefined ? '' : join(stockDir, 'falco_rules.yaml');

describe('ghostwatch test: the stock rules', { skip: skip || (stockDir === undefined ? SHARED_MISSING : false) }, () => {
  it('passes every case of rules-tests/', async () => {
    const r = await ghostwatch(['test', testsDir], repoRoot);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /^FAIL/m);
    assert.match(r.stdout, /\d+ passed, 0 failed \(\d+ cases in \d+ files/);
  });

  it('covers every stock rule that can fire, and names the others with their reason', (t) => {
    const testFiles = readdirSync(testsDir).filter((f) => f.endsWith('.test.yaml'));
    // What each stock file's tests expect to fire: the cases' expect: rules, by the stock file they load.
    const expected = new Map<string, Set<string>>();
    for (const f of testFiles) {
      const doc = parse(readFileSync(join(testsDir, f), 'utf8')) as TestFileDoc;
      for (const c of doc.cases) {
        const stock = (c.rules ?? doc.rules ?? []).map((p) => p.split('/').pop() ?? p);
        for (const e of c.expect ?? []) for (const s of stock) addTo(expected, s, typeof e === 'string' ? e : e.rule);
      }
    }
    const uncovered = parse(readFileSync(join(testsDir, 'uncovered.yaml'), 'utf8')) as Record<string, Record<string, string | undefined> | undefined>;
    const problems: string[] = [];
    for (const file of ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml', 'k8s_audit_rules.yaml']) {
      const rules = (parse(readFileSync(join(stockDir!, file), 'utf8')) as { rule?: string }[]).flatMap((i) => (i.rule === undefined ? [] : [i.rule]));
      const covered = rules.filter((r) => expected.get(file)?.has(r) === true);
      const why = uncovered[file] ?? {};
      for (const r of rules) {
        const isCovered = covered.includes(r);
        if (!isCovered && why[r] === undefined) problems.push(`${file}: '${r}' has no test and no reason in uncovered.yaml`);
        if (isCovered && why[r] !== undefined) problems.push(`${file}: '${r}' is tested but also listed in uncovered.yaml`);
      }
      for (const r of Object.keys(why)) if (!rules.includes(r)) problems.push(`${file}: uncovered.yaml names '${r}', which is not a rule of it`);
      const missing = rules.filter((r) => !covered.includes(r));
      t.diagnostic(`${file}: ${covered.length} of ${rules.length} rules tested${missing.length === 0 ? '' : `; not tested: ${missing.map((r) => `'${r}' (${why[r] ?? '?'})`).join(', ')}`}`);
    }
    assert.deepEqual(problems, []);
  });
});

interface TestFileDoc {
  rules?: string[];
  cases: { rules?: string[]; expect?: (string | { rule: string })[] }[];
}

function addTo(m: Map<string, Set<string>>, key: string, value: string): void {
  let s = m.get(key);
  if (s === undefined) m.set(key, (s = new Set()));
  s.add(value);
}

describe('ghostwatch test: results', { skip: skip || (stockDir === undefined ? SHARED_MISSING : false) }, () => {
  const files = scratch('gw-rule-tests-');
  const wrong = files.file('wrong.test.yaml', `rules: [${RULES}]
cases:
  - name: expects the wrong process
    events:
      - process: bash
      - exec: cat
      - open: /etc/shadow
    expect:
      - rule: Read sensitive file untrusted
        output_fields: {proc.name: python3}
  - name: expects two alerts
    events:
      - process: bash
      - exec: cat
      - open: /etc/shadow
    expect:
      - rule: Read sensitive file untrusted
        count: 2
  - name: expects silence
    events:
      - process: bash
      - exec: cat
      - open: /etc/shadow
    expect_not: [Read sensitive file untrusted]
  - name: passes
    events:
      - process: bash
      - exec: cat
      - open: /etc/shadow
    expect: [Read sensitive file untrusted]
`);

  it('fails a case that should fail, naming the rule, the case and the difference', async () => {
    const junit = join(files.dir, 'report.xml');
    const r = await ghostwatch(['test', wrong, '--junit', junit], files.dir);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^FAIL {2}wrong\.test\.yaml: expects the wrong process\n {6}rule 'Read sensitive file untrusted': expected at least 1 alert with proc\.name=python3, got 0 \(1 of the rule, with proc\.name=cat\)$/m);
    assert.match(r.stdout, /^FAIL {2}wrong\.test\.yaml: expects two alerts\n {6}rule 'Read sensitive file untrusted': expected 2 alerts, got 1$/m);
    assert.match(r.stdout, /^FAIL {2}wrong\.test\.yaml: expects silence\n {6}rule 'Read sensitive file untrusted': expected no alert, got 1 \(first: .*file=\/etc\/shadow .*process=cat /m);
    assert.match(r.stdout, /^ok {4}wrong\.test\.yaml: passes$/m);
    assert.match(r.stdout, /\n1 passed, 3 failed \(4 cases in 1 file, /);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="ghostwatch rule tests" tests="4" failures="3"/);
    assert.match(xml, /<testcase classname="wrong.test.yaml" name="passes" time="[\d.]+"\/>/);
    assert.match(xml, /<failure message="rule &apos;Read sensitive file untrusted&apos;: expected 2 alerts, got 1">/);
  });

  it('escapes what comes from events in the report and in JUnit XML', async () => {
    const evil = files.file('evil.test.yaml', `rules: [${RULES}]
cases:
  - name: "a <case> & \\"quotes\\" \\u001b[31m"
    events:
      - process: bash
      - exec: "ca<t>\\u0007"
      - open: "/etc/shadow"
    expect_not: [Read sensitive file untrusted]
`);
    const junit = join(files.dir, 'evil.xml');
    const r = await ghostwatch(['test', evil, '--junit', junit], files.dir);
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f]/);
    assert.match(r.stdout, /FAIL {2}evil\.test\.yaml: a <case> & "quotes" \\u001b\[31m/);
    const xml = readFileSync(junit, 'utf8');
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    assert.match(xml, /name="a &lt;case&gt; &amp; &quot;quotes&quot; \\u001b\[31m"/);
    assert.match(xml, /ca&lt;t&gt;\\u0007/);
  });

  const bad: [string, string, RegExp][] = [
    ['a YAML error', 'cases:\n  - name: x\n    expect: [a\n', /^ghostwatch: bad\.test\.yaml:4: YAML error: /],
    ['an unknown key', `rules: [${RULES}]\ncases:\n  - name: x\n    events:\n      - exec: cat\n    expct: [Read sensitive file untrusted]\n`, /^ghostwatch: bad\.test\.yaml:6: unknown key 'expct' in a case/],
    ['an unknown rule', `rules: [${RULES}]\ncases:\n  - name: x\n    events:\n      - exec: cat\n    expect:\n      - Read sensitive file untrustd\n`,
      /^ghostwatch: bad\.test\.yaml:7: case 'x': no rule named 'Read sensitive file untrustd' in /],
    ['an unknown step key', `rules: [${RULES}]\ncases:\n  - name: x\n    events:\n      - exec: cat\n        argz: [x]\n    expect: []\n`,
      /^ghostwatch: bad\.test\.yaml:5: case 'x': unknown key 'argz' in a exec step/],
    ['an unknown flag name', `rules: [${RULES}]\ncases:\n  - name: x\n    events:\n      - exec: cat\n      - open: /x\n        flags: O_READ\n    expect: []\n`,
      /^ghostwatch: bad\.test\.yaml:6: case 'x': openat's flags: 'O_READ' is not a number nor one of /],
    ['no events', `rules: [${RULES}]\ncases:\n  - name: x\n    expect: []\n`, /^ghostwatch: bad\.test\.yaml:3: case 'x': give exactly one of capture, events, audit, audit_file/],
  ];
  for (const [what, text, message] of bad) {
    it(`reports ${what} as one line naming the file and line, exit 1`, async () => {
      const dir = scratch('gw-rule-tests-bad-');
      dir.file('bad.test.yaml', text);
      const r = await ghostwatch(['test', 'bad.test.yaml'], dir.dir);
      assert.equal(r.status, 1);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, r.stderr);
    });
  }

  it('runs a capture file as a case', async () => {
    const capture = sharedPath('falco', 'legacy-tests', 'trace_files', 'cat_write.scap')!;
    const f = files.file('capture.test.yaml', `rules: [${RULES}]\ncases:\n  - name: cat writes\n    capture: ${capture}\n    expect: []\n`);
    const r = await ghostwatch(['test', f], files.dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok {4}capture\.test\.yaml: cat writes$/m);
  });
});

describe('ghostwatch test: documentation', { skip }, () => {
  it("the README's usage names every option of test", async () => {
    const help = (await ghostwatch(['test', '--help'], repoRoot)).stdout;
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const usage = readme.slice(readme.indexOf('## Usage'), readme.indexOf('## Layout'));
    const options = [...help.matchAll(/^ {2}(-\w|--[\w-]+)(?:, (--[\w-]+))?/gm)].map((m) => [m[1], m.at(2)].filter((f) => f !== undefined));
    assert.ok(options.length >= 8, options.join(' '));
    const named = (f: string) => new RegExp(`(^|[\\s\`\\[|(])${f}([\\s\`\\]|),=]|$)`, 'm').test(usage);
    assert.deepEqual(options.filter((names) => !names.some(named)), []);
  });
});
