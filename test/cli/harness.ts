// What the `ghostwatch run` CLI tests share: the built command run as a user runs it, a scratch
// directory for the files a test writes, the configuration that keeps stderr quiet, and the check
// that an error is one line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';

export const bin = join(repoRoot, 'bin', 'ghostwatch');
export const catWrite = sharedPath('falco', 'legacy-tests', 'trace_files', 'cat_write.scap');
/** Why these tests cannot run, or false. */
export const skip = !existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js')) ? 'ghostwatch is not built: run `npm run build` first'
  : catWrite === undefined ? SHARED_MISSING : false;

/** A scratch directory, and a file written into it. */
export function scratch(prefix: string): { dir: string; file: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name, text) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** A configuration with no log lines on stderr: only what the tests look for. */
export const QUIET_CONFIG = 'stdout_output: {enabled: true}\nlog_stderr: false\n';

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** `ghostwatch ARGS` in `cwd`, to its end. */
export function ghostwatch(args: readonly string[], cwd: string, opts: { onSpawn?: (pid: number) => void; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { cwd, ...(opts.env && { env: opts.env }) });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** Exit 1 with exactly one line on stderr, "Error: ...", no stack trace. */
export function assertOneLineError(r: Result, pattern: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^Error: [^\n]*\n$/);
  assert.match(r.stderr, pattern);
}
