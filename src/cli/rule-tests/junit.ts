// JUnit XML for CI systems: one testsuite per test file, one testcase per case, a <failure> with the
// differences. Everything from a rule or an event (names, outputs) is escaped for XML, and the
// characters XML 1.0 cannot carry at all are written as \uXXXX.
import type { CaseResult } from './runner.js';

export interface FileResults {
  readonly file: string;
  readonly results: readonly CaseResult[];
}

export function junitXml(files: readonly FileResults[]): string {
  const all = files.flatMap((f) => f.results);
  const failed = (rs: readonly CaseResult[]) => rs.filter((r) => r.failures.length > 0).length;
  const time = (rs: readonly CaseResult[]) => rs.reduce((s, r) => s + r.seconds, 0).toFixed(3);
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += `<testsuites name="ghostwatch rule tests" tests="${all.length}" failures="${failed(all)}" time="${time(all)}">\n`;
  for (const f of files) {
    out += `  <testsuite name="${xml(f.file)}" tests="${f.results.length}" failures="${failed(f.results)}" time="${time(f.results)}">\n`;
    for (const r of f.results) {
      out += `    <testcase classname="${xml(f.file)}" name="${xml(r.case.name)}" time="${r.seconds.toFixed(3)}"`;
      if (r.failures.length === 0) {
        out += '/>\n';
        continue;
      }
      out += `>\n      <failure message="${xml(r.failures[0])}">${xml(r.failures.join('\n'))}</failure>\n    </testcase>\n`;
    }
    out += '  </testsuite>\n';
  }
  return `${out}</testsuites>\n`;
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text as XML attribute or element content. */
export function xml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
