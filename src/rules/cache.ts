// A cache of parsed rules files: the YAML documents of a file (yaml.ts's YNode trees) as JSON,
// keyed by the hash of the file's bytes and of the build that parsed it. Parsing YAML is most of
// what loading Falco's stock rules costs; reading the same trees back as JSON is some 30 times
// faster. Everything after the parse (collecting, compiling, errors and warnings) runs as before,
// on the same trees, so a load with the cache gives exactly what a load without it gives.
//
// Safety: an entry is trusted only when the key it holds is the key asked for (the file's bytes,
// the cache format, ghostwatch's and the rule engine's versions, and the identity of the code
// that parsed it: a rebuild never reads an older build's entries), and when its JSON has the
// shape of YAML nodes; anything else is ignored and written again. The directory and its files
// must belong to the user running ghostwatch and be writable by no one else (root reads nothing
// another user could have written); entries are written to a temporary file, then renamed.
import { createHash } from 'node:crypto';
import {
  closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_VERSION, versionString } from './version.js';
import { YAML_MODULE_URL, type Mark, type YNode } from './yaml.js';

/** The parsed documents of files seen before. */
export interface ParseCache {
  /** The documents of a file with this content, as parsed before, or undefined. */
  get(content: string): YNode[] | undefined;
  /** Keeps the documents parsed from this content (failures to write are ignored). */
  put(content: string, docs: readonly YNode[]): void;
}

/** Changed whenever the stored form changes. */
const CACHE_FORMAT = 1;
/** The most entries kept: the oldest go first (an entry per version of each rules file). */
const MAX_ENTRIES = 64;
const ENTRY_NAME = /^[0-9a-f]{64}\.json$/;

/**
 * Where the cache is: $GHOSTWATCH_CACHE_DIR (empty: no cache), else $XDG_CACHE_HOME/ghostwatch,
 * else ~/.cache/ghostwatch; undefined when there is no cache.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.GHOSTWATCH_CACHE_DIR;
  if (explicit !== undefined) return explicit === '' ? undefined : explicit;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg.startsWith('/')) return join(xdg, 'ghostwatch');
  try {
    const home = homedir();
    return home === '' ? undefined : join(home, '.cache', 'ghostwatch');
  } catch {
    return undefined;
  }
}

/**
 * The cache of rules files in `dir` (created if missing), for this version of ghostwatch; undefined
 * when the directory cannot be made or is not safe to read (not ours, or writable by others).
 */
export function openParseCache(dir: string, version: string): ParseCache | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivate(lstatSync(dir), true)) return undefined;
  } catch {
    return undefined;
  }
  const code = codeStamp();
  if (code === undefined) return undefined;
  return new DirectoryCache(dir, `${CACHE_FORMAT}\0${version}\0${versionString(ENGINE_VERSION)}\0${code}`);
}

class DirectoryCache implements ParseCache {
  constructor(
    private readonly dir: string,
    /** What besides the file's bytes decides its documents. */
    private readonly build: string,
  ) {}

  get(content: string): YNode[] | undefined {
    const key = this.key(content);
    const text = readPrivate(join(this.dir, `${key}.json`));
    if (text === undefined) return undefined;
    try {
      const entry = JSON.parse(text) as unknown;
      if (!isRecord(entry) || entry.key !== key || !Array.isArray(entry.docs) || !entry.docs.every(isNode)) return undefined;
      return entry.docs;
    } catch {
      return undefined;
    }
  }

  put(content: string, docs: readonly YNode[]): void {
    const key = this.key(content);
    const tmp = join(this.dir, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      writeFileSync(tmp, JSON.stringify({ key, docs }), { mode: 0o600, flag: 'wx' });
      renameSync(tmp, join(this.dir, `${key}.json`));
      this.prune();
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  private key(content: string): string {
    return createHash('sha256').update(this.build).update('\0').update(content).digest('hex');
  }

  /** Removes the oldest entries beyond MAX_ENTRIES. */
  private prune(): void {
    const names = readdirSync(this.dir).filter((n) => ENTRY_NAME.test(n));
    if (names.length <= MAX_ENTRIES) return;
    const dated = names.map((n) => ({ path: join(this.dir, n), mtime: statSync(join(this.dir, n)).mtimeMs }));
    dated.sort((a, b) => a.mtime - b.mtime);
    for (const { path } of dated.slice(0, dated.length - MAX_ENTRIES)) rmSync(path, { force: true });
  }
}

/** Whether a file or directory is ours and writable by no one else. */
function isPrivate(st: { uid: number; mode: number; isDirectory(): boolean; isFile(): boolean }, directory: boolean): boolean {
  const uid = process.getuid?.() ?? st.uid;
  return (directory ? st.isDirectory() : st.isFile()) && st.uid === uid && (st.mode & 0o022) === 0;
}

/** A file's text when it is a private regular file (not followed through a link), else undefined. */
function readPrivate(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    return isPrivate(fstatSync(fd), false) ? readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The identity of the code that parses YAML (its file's size, time and inode): each build has its
 * own entries. Undefined when there is no file to tell builds apart by: no cache then.
 */
function codeStamp(): string | undefined {
  try {
    const st = statSync(fileURLToPath(YAML_MODULE_URL));
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isMark(v: unknown): v is Mark {
  return isRecord(v) && Number.isInteger(v.offset) && Number.isInteger(v.line) && Number.isInteger(v.column);
}

/** Whether JSON has the shape of a YNode (and nothing else, so that it compares equal to a fresh parse). */
function isNode(v: unknown): v is YNode {
  if (!isRecord(v) || !isMark(v.mark)) return false;
  const keys = Object.keys(v).length;
  switch (v.kind) {
    case 'scalar':
      return keys === 3 && typeof v.value === 'string';
    case 'null':
      return keys === 2;
    case 'seq':
      return keys === 3 && Array.isArray(v.items) && v.items.every(isNode);
    case 'map':
      return keys === 3 && Array.isArray(v.pairs) && v.pairs.every((p) => isRecord(p) && Object.keys(p).length === 2 && isNode(p.key) && isNode(p.value));
    default:
      return false;
  }
}
