// Where the tests find the shared reference data (../shared beside the repository).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether tests run from test/ (tsx) or from dist/test/ (compiled). */
export const repoRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/** Absolute path of a file under ../shared, or undefined when ../shared is not there. */
export function sharedPath(...parts: string[]): string | undefined {
  const p = resolve(repoRoot, '..', 'shared', ...parts);
  return existsSync(p) ? p : undefined;
}

export const SHARED_MISSING = '../shared is absent (a user clone): reference data tests skipped';

/** Whether a process exists (one we may not signal exists too). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
