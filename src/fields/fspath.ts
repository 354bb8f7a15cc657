// The fs.path class: the filesystem path a system call acts on, for calls that take one (mkdir,
// unlink, rename, chmod, mount...) and not only those that open an fd. Which parameter holds the
// path, and whether the call succeeded, is data: one row per event type, as libsinsp declares its
// checks. Older event versions, whose paths are in the enter event, read them there, as libsinsp
// does after converting such events to their newest form.
//
// A resolved path (fs.path.name, .source, .target) that is relative is joined to the directory it
// is relative to: the working directory, or the directory fd the call was given. The raw fields
// are the path exactly as the call received it.
import type { Event } from '../capture/event.js';
import { ParamType, PrintFormat } from '../capture/event-types.js';
import { findParam } from './render.js';
import { AT_FDCWD } from '../capture/flags.js';
import { rawStr } from '../state/parsers/params.js';
import { concatenatePaths } from '../state/paths.js';
import { FdType, type ThreadInfo } from '../state/types.js';
import { processOf } from './ancestry.js';
import type { FieldClass, FieldContext, FieldSpec } from './spec.js';
import type { FieldValue } from './types.js';

/**
 * What a relative path is relative to: the working directory; the call's directory fd, which must
 * be a directory (`dirfd`: the parameter naming it); any fd named by a parameter (`fdOf`); for
 * openat, the name the state gave the new fd; or nothing knowable.
 */
type Base =
  | { readonly kind: 'cwd' }
  | { readonly kind: 'dirfd'; readonly param: string }
  | { readonly kind: 'fdOf'; readonly param: string }
  | { readonly kind: 'opened' }
  | { readonly kind: 'unknown' };

/** Where a path comes from: a parameter holding it, or the name of the fd a parameter holds (fchmod). */
interface PathSource {
  readonly param: string;
  readonly isFd?: boolean;
  readonly base: Base;
}

interface PathCall {
  /** The call succeeded: its res is 0, or (opens) its fd is not -1. */
  readonly success: 'res' | 'fd';
  readonly path?: PathSource;
  readonly source?: PathSource;
  readonly target?: PathSource;
  /** Old event versions: the paths are in the enter event. */
  readonly fromEnter?: boolean;
}

const CWD: Base = { kind: 'cwd' };
const dirfd = (param: string): Base => ({ kind: 'dirfd', param });
const fdOf = (param: string): Base => ({ kind: 'fdOf', param });
const at = (param: string, base: Base = CWD): PathSource => ({ param, base });
const fdName = (param: string): PathSource => ({ param, isFd: true, base: CWD });

const MKDIR: PathCall = { success: 'res', path: at('path') };
const UNLINKAT: PathCall = { success: 'res', path: at('name', dirfd('dirfd')) };
const OPENAT: PathCall = { success: 'fd', path: at('name', { kind: 'opened' }) };
const LINKAT: PathCall = { success: 'res', source: at('newpath', fdOf('newdir')), target: at('oldpath', fdOf('olddir')) };
const LINK: PathCall = { success: 'res', source: at('newpath'), target: at('oldpath') };
const UMOUNT: PathCall = { success: 'res', path: at('name') };

/** By event type id (the exit events; scap numbering). */
const CALLS: ReadonlyMap<number, PathCall> = new Map([
  [277, MKDIR], // mkdir
  [305, { success: 'res', path: at('path', dirfd('dirfd')) }], // mkdirat
  [279, MKDIR], // rmdir
  [301, MKDIR], // unlink
  [303, UNLINKAT], // unlinkat
  [3, { success: 'fd', path: at('name') }], // open
  [307, OPENAT], // openat
  [327, OPENAT], // openat2
  [313, { success: 'res', path: at('filename', dirfd('dirfd')) }], // fchmodat
  [315, { success: 'res', path: at('filename') }], // chmod
  [317, { success: 'res', path: fdName('fd') }], // fchmod
  [379, MKDIR], // chown
  [381, MKDIR], // lchown
  [383, { success: 'res', path: fdName('fd') }], // fchown
  [385, { success: 'res', path: at('pathname', dirfd('dirfd')) }], // fchownat
  [191, { success: 'res', path: at('special') }], // quotactl
  [175, { success: 'res', source: at('oldpath'), target: at('newpath') }], // rename
  [177, { success: 'res', source: at('oldpath', fdOf('olddirfd')), target: at('newpath', fdOf('newdirfd')) }], // renameat
  [319, { success: 'res', source: at('oldpath', fdOf('olddirfd')), target: at('newpath', fdOf('newdirfd')) }], // renameat2
  [309, LINK], // link
  [311, LINKAT], // linkat
  [179, { success: 'res', source: at('linkpath'), target: at('target') }], // symlink
  // A symlink's target is relative to the link's directory, which the event does not say.
  [181, { success: 'res', source: at('linkpath', dirfd('linkdirfd')), target: at('target', { kind: 'unknown' }) }], // symlinkat
  [257, { success: 'res', source: at('dev'), target: at('dir') }], // mount
  [387, UMOUNT], // umount
  [391, UMOUNT], // umount2
  // Old versions.
  [99, { ...MKDIR, fromEnter: true }], // mkdir
  [101, { ...MKDIR, fromEnter: true }], // rmdir
  [103, { ...OPENAT, fromEnter: true }], // openat
  [105, { ...LINK, fromEnter: true }], // link
  [107, { ...LINKAT, fromEnter: true }], // linkat
  [109, { ...MKDIR, fromEnter: true }], // unlink
  [111, { ...UNLINKAT, fromEnter: true }], // unlinkat
  [259, UMOUNT], // umount
]);

const ALL = { allParams: true } as const;

type Which = 'path' | 'source' | 'target';

/** The call's path of that kind when it succeeded, as given or (resolved) made absolute. */
function extract(e: Event, c: FieldContext, which: Which, resolved: boolean): FieldValue {
  const call = CALLS.get(e.type);
  const src = call?.[which];
  if (call === undefined || src === undefined || !succeeded(e, call)) return undefined;
  const t = e.thread;
  const from = call.fromEnter ? (t === undefined ? undefined : c.state.enterEvent(t)) : e;
  if (from === undefined) return undefined;
  let path: string;
  if (src.isFd) {
    const i = findParam(from, src.param, ALL);
    if (i < 0) return undefined;
    // An fd the state does not know has no name: the path is empty.
    path = t?.fds.get(from.paramInt(i))?.name ?? '';
  } else {
    const i = findParam(from, src.param, ALL);
    if (i < 0) return undefined;
    path = rawStr(from, i);
  }
  if (!resolved) return path;
  if (t === undefined) return undefined;
  if (path.startsWith('/')) return concatenatePaths('', path);
  if (src.base.kind === 'opened') return concatenatePaths('', e.fd?.name ?? '<UNKNOWN>');
  if (path === '') return '';
  return concatenatePaths(baseDir(c, t, from, src.base), path);
}

function succeeded(e: Event, call: PathCall): boolean {
  const i = findParam(e, call.success, ALL);
  if (i < 0) return false;
  const v = e.paramInt(i);
  return call.success === 'res' ? v === 0 : v !== -1;
}

/** The directory a relative path starts from, ending in '/' (or '<UNKNOWN>'). */
function baseDir(c: FieldContext, t: ThreadInfo, from: Event, base: Base): string {
  switch (base.kind) {
    case 'cwd': return processOf(c.state, t).cwd;
    case 'unknown': case 'opened': return '<UNKNOWN>';
    case 'dirfd': case 'fdOf': {
      const i = findParam(from, base.param, ALL);
      if (i < 0) return '<UNKNOWN>';
      const num = from.paramInt(i);
      if (num === AT_FDCWD) return processOf(c.state, t).cwd;
      const fd = t.fds.get(num);
      if (fd === undefined || (base.kind === 'dirfd' && fd.type !== FdType.DIRECTORY)) return '<UNKNOWN>';
      return fd.name === '' || fd.name.endsWith('/') ? fd.name : `${fd.name}/`;
    }
  }
}

function pathField(name: string, which: Which, resolved: boolean, desc: string): FieldSpec {
  return {
    name, type: ParamType.CHARBUF, printFormat: PrintFormat.NA, arg: 'none', desc,
    get: (e, c) => extract(e, c, which, resolved),
  };
}

export const FSPATH_CLASS: FieldClass = {
  name: 'fs.path',
  desc: 'Every syscall that has a filesystem path in its arguments has these fields set with information related to the path arguments. This differs from the fd.* fields as it includes syscalls like unlink, rename, etc. that act directly on filesystem paths as compared to opened file descriptors.',
  fields: [
    pathField('fs.path.name', 'path', true,
      'For any event type that deals with a filesystem path, the path the file syscall is operating on. This path is always fully resolved, prepending the thread cwd when needed.'),
    pathField('fs.path.nameraw', 'path', false,
      'For any event type that deals with a filesystem path, the path the file syscall is operating on. This path is always the path provided to the syscall and may not be fully resolved.'),
    pathField('fs.path.source', 'source', true,
      'For any event type that deals with a filesystem path, and specifically for a source and target like mv, cp, etc, the source path the file syscall is operating on. This path is always fully resolved, prepending the thread cwd when needed.'),
    pathField('fs.path.sourceraw', 'source', false,
      'For any event type that deals with a filesystem path, and specifically for a source and target like mv, cp, etc, the source path the file syscall is operating on. This path is always the path provided to the syscall and may not be fully resolved.'),
    pathField('fs.path.target', 'target', true,
      'For any event type that deals with a filesystem path, and specifically for a source and target like mv, cp, etc, the target path the file syscall is operating on. This path is always fully resolved, prepending the thread cwd when needed.'),
    pathField('fs.path.targetraw', 'target', false,
      'For any event type that deals with a filesystem path, and specifically for a source and target like mv, cp, etc, the target path the file syscall is operating on. This path is always the path provided to the syscall and may not be fully resolved.'),
  ],
};
