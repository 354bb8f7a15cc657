// Which files a rules path names, and reading them, as Falco does for -r/-V and rules_files: a
// directory stands for its regular *.yaml and *.yml files in name order (not recursively), a file
// is taken only if it is named *.yaml or *.yml; a file that cannot be read stops everything.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { RulesFile } from './loader.js';

/** "permission denied (EACCES)": the system's reason for a failed file operation. */
export function systemReason(err: NodeJS.ErrnoException): string {
  const text = err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return err.code !== undefined ? `${text} (${err.code})` : text;
}

const YAML_NAME = /\.ya?ml$/;

/** The rules files of a path, in load order, named as Falco names them (the directory joined to the file name). */
export function rulesFilePaths(path: string): string[] {
  if (!isDirectory(path)) return YAML_NAME.test(path) ? [path] : [];
  const dir = path.endsWith('/') ? path : `${path}/`;
  return readdirSync(path)
    .map((name) => dir + name)
    .filter((p) => isRegularFile(p) && YAML_NAME.test(p))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export class RulesFileReadError extends Error {}

/** The contents of the files of these paths; throws RulesFileReadError with Falco's message. */
export function readRulesFiles(paths: readonly string[]): RulesFile[] {
  return paths.flatMap(rulesFilePaths).map((name) => {
    try {
      return { name, content: readFileSync(name, 'utf8') };
    } catch (e) {
      throw new RulesFileReadError(`Could not open file ${name} for reading: ${systemReason(e as NodeJS.ErrnoException)}`);
    }
  });
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
