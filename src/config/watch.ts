// watch_config_files: the configuration file and the rules files and directories are watched, and
// a change calls back once things have settled (debounced), as Falco's restart handler does with
// inotify. Every file is watched through its directory, because the ways a file changes are not all
// writes to it: an editor or `kubectl cp` replaces it by a rename, and a Kubernetes ConfigMap update
// writes a new timestamped directory and renames a `..data` symlink over the old one in the mounted
// directory (the files themselves are symlinks through `..data`). A directory watch sees all of
// these as entries of that directory changing, where a watch on the file itself would stay on the
// replaced inode. A file reached through a symlink is also watched in its target's directory, for
// edits made there.
import { realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** Which entries of a watched directory matter: a file's name, any rules file, or ConfigMap internals. */
type EntryFilter = (name: string) => boolean;

const isConfigMapEntry = (name: string) => name.startsWith('..');
const isRulesFile = (name: string) => /\.ya?ml$/.test(name);

export interface WatchOptions {
  /** Quiet time after the last change before the callback (ms). */
  readonly debounceMs?: number;
  /** Told when a directory cannot be watched (its path and why). */
  readonly warn?: (message: string) => void;
}

export class FileWatcher {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined = undefined;
  private changed: string | undefined = undefined;
  private closed = false;
  private readonly debounceMs: number;

  /** Calls onChange(a path that changed) once changes stop for debounceMs. */
  constructor(
    private readonly onChange: (path: string) => void,
    private readonly o: WatchOptions = {},
  ) {
    this.debounceMs = o.debounceMs ?? 250;
  }

  /** Watch these files and directories (instead of what was watched before). */
  watch(paths: readonly string[]): void {
    this.unwatch();
    if (this.closed) return;
    const dirs = new Map<string, EntryFilter[]>();
    const add = (dir: string, filter: EntryFilter) => {
      const list = dirs.get(dir) ?? [];
      list.push(filter);
      dirs.set(dir, list);
    };
    for (const p of paths) {
      const path = resolve(p);
      for (const target of new Set([path, realpathOr(path)])) {
        if (isDirectory(target)) {
          add(target, (n) => isRulesFile(n) || isConfigMapEntry(n));
        } else {
          const name = basename(target);
          add(dirname(target), (n) => n === name || isConfigMapEntry(n));
        }
      }
    }
    for (const [dir, filters] of dirs) {
      try {
        // Not persistent: watching never keeps ghostwatch running.
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || filters.some((f) => f(name))) this.touched(resolve(dir, name ?? ''));
        });
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch (e) {
        this.o.warn?.(`Cannot watch ${dir}: ${(e as Error).message}`);
      }
    }
  }

  /** The directories watched. */
  get watching(): number {
    return this.watchers.length;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.unwatch();
  }

  private unwatch(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private touched(path: string): void {
    this.changed ??= path;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const changed = this.changed!;
      this.changed = undefined;
      if (!this.closed) this.onChange(changed);
    }, this.debounceMs);
  }
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
