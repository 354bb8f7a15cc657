// The process class (proc.* and thread.*): what the state knows about the thread that generated the
// event, its process, its parents, its session and process group. sysdig 0.29.3's fields first, in
// its order, then those of current libsinsp (executable inode and layer, capabilities, ancestors'
// exe, args and environment, group and session leaders, the standard fds).
import type { Event } from '../capture/event.js';
import { ParamType, PrintFormat } from '../capture/event-types.js';
import { E } from '../state/event-ids.js';
import type { ThreadInfo } from '../state/types.js';
import { CloneFlag } from '../capture/flags.js';
import { ancestor, ancestors, isMainThread, parentChain, parentOf, processOf } from './ancestry.js';
import { ancestorIndex, ancestorIndex2022, dotKey, parseInt32 } from './args.js';
import { capsToString } from './caps.js';
import { fdTypeString } from './fd.js';
import type { ArgValue, FieldClass, FieldContext, FieldSpec } from './spec.js';
import type { FieldValue } from './types.js';

const T = ParamType;
const F = PrintFormat;

type ThreadRead = (t: ThreadInfo, c: FieldContext, e: Event) => FieldValue;

/** A field read from the event's thread: <NA> when the event has none. */
function thr(name: string, type: ParamType, fmt: PrintFormat, desc: string, read: ThreadRead, extra: Partial<FieldSpec> = {}): FieldSpec {
  return { name, type, printFormat: fmt, arg: 'none', desc, ...extra, get: (e, c) => (e.thread ? read(e.thread, c, e) : undefined) };
}

const main = (c: FieldContext, t: ThreadInfo): ThreadInfo => processOf(c.state, t);
const cmdline = (t: ThreadInfo): string => (t.args.length === 0 ? t.comm : `${t.comm} ${t.args.join(' ')}`);
const nonZero = (v: number): number | undefined => (v === 0 ? undefined : v);
/** Threads the state has counted for the process, when it counts them (sinsp's nchilds). */
const childThreads = (t: ThreadInfo): number => t.nchilds ?? 0;

/** The ns between the event and a (ns since epoch) start time. */
function since(e: Event, start: bigint): number {
  return Number(e.ts() - start);
}

/** Every ancestor's value, for conditions on an ancestor field used without an index. */
function ancestorCandidates(c: FieldContext, read: (t: ThreadInfo) => string | number) {
  return (e: Event, out: FieldValue[]): number => {
    const t = e.thread;
    if (t === undefined) return 0;
    const list = ancestors(c.state, t);
    for (let i = 0; i < list.length; i++) out[i] = read(list[i]);
    return list.length;
  };
}

/** The N-th ancestor's value, or (without N) the list of all ancestors' values. */
function ancestorValue(c: FieldContext, arg: ArgValue, read: (t: ThreadInfo) => string | number) {
  return (e: Event): FieldValue => {
    const t = e.thread;
    if (t === undefined) return undefined;
    if (arg === undefined) return ancestors(c.state, t).map(read);
    const a = ancestor(c.state, t, arg as number);
    return a && read(a);
  };
}

/**
 * A proc.aname-style field as sysdig 0.29.3 has it: [N] gives the N-th ancestor; without an index
 * a condition matches any ancestor, while output shows the process itself.
 */
function ancestorField2022(name: string, type: ParamType, fmt: PrintFormat, desc: string, read: (t: ThreadInfo) => string | number): FieldSpec {
  return {
    name, type, printFormat: fmt, arg: 'index', desc,
    parseArg: ancestorIndex2022,
    checkArg: parseInt32,
    make: (c, arg) => ({
      extract: ancestorValue(c, arg, read),
      render: (e) => {
        const t = e.thread;
        const a = t && ancestor(c.state, t, arg === undefined ? 0 : (arg as number));
        return a && String(read(a));
      },
      ...(arg === undefined && { candidates: ancestorCandidates(c, read) }),
    }),
  };
}

/** A proc.aexe-style field of newer libs: [N] gives the N-th ancestor, without it all ancestors (space-separated in output). */
function ancestorField(name: string, desc: string, read: (t: ThreadInfo) => string): FieldSpec {
  return {
    name, type: T.CHARBUF, arg: 'index', desc,
    parseArg: ancestorIndex,
    checkArg: parseInt32,
    make: (c, arg) => {
      const extract = ancestorValue(c, arg, read);
      return {
        extract,
        render: (e) => {
          const v = extract(e);
          if (Array.isArray(v)) return v.length === 0 ? undefined : v.join(' ');
          return v as string | undefined;
        },
        ...(arg === undefined && { candidates: ancestorCandidates(c, read) }),
      };
    },
  };
}

/** CPU time between successive context switches on a CPU (switch events only; 0 otherwise). */
function switchClock(): (e: Event) => number {
  const lastByCpu = new Map<number, bigint>();
  return (e) => {
    if (e.type !== E.SCHEDSWITCH_1_E && e.type !== E.SCHEDSWITCH_6_E) return 0;
    const ts = e.ts();
    const last = lastByCpu.get(e.cpu);
    lastByCpu.set(e.cpu, ts);
    return last === undefined ? 0 : Number(ts - last);
  };
}

/** A thread's CPU use since its previous procinfo event (procinfo events only), capped at 100. */
function cpuField(name: string, desc: string, user: boolean, system: boolean): FieldSpec {
  return {
    name, type: T.DOUBLE, arg: 'none', desc, keepsState: true,
    make: () => {
      const lastTotal = new Map<number, number>();
      return {
        extract: (e) => {
          const t = e.thread;
          if (t === undefined || e.type !== E.PROCINFO_E) return undefined;
          const total = (user ? e.paramUint(0) : 0) + (system ? e.paramUint(1) : 0);
          const last = lastTotal.get(t.tid) ?? 0;
          lastTotal.set(t.tid, total);
          return last === 0 ? 0 : Math.min(total - last, 100);
        },
      };
    },
  };
}

/** The session leader's name: the thread whose tid is the session id, else the eldest ancestor in the same session. */
function sessionName(c: FieldContext, t: ThreadInfo): string | undefined {
  const leader = t.sid === -1 ? undefined : c.state.thread(t.sid);
  if (leader !== undefined) return leader.comm;
  let eldest = main(c, t);
  for (const a of ancestors(c.state, eldest)) {
    if (a.sid !== eldest.sid) break;
    eldest = a;
  }
  return eldest.comm;
}

/** The pid of the eldest shell (a name ending in 'sh') among the process and its ancestors. */
function loginShellId(c: FieldContext, t: ThreadInfo): number | undefined {
  const mt = main(c, t);
  let found: number | undefined;
  for (const p of [mt, ...ancestors(c.state, mt)]) if (p.comm.length >= 2 && p.comm.endsWith('sh')) found = p.pid;
  return found;
}

/**
 * An argument read in conditions (proc.env[HOME], as newer libsinsp reads it) but not in output
 * formats, where sysdig 0.29.3 prints the field whole and the bracket as text.
 */
function argInConditionsOnly(check: (arg: string) => ArgValue): Pick<FieldSpec, 'parseArg' | 'checkArg'> {
  return { parseArg: (_text, _start, pos) => ({ arg: undefined, end: pos }), checkArg: check };
}

/** proc.env[X] / proc.aenv[X]: digits give an index, anything else a variable's name ('' for none). */
function envArg(arg: string): ArgValue {
  if (/^\d+$/.test(arg)) return parseInt32(arg);
  return arg === '' ? undefined : arg;
}

/** The value of variable `name` in an environment, stripped of surrounding spaces; '' when unset. */
function envValue(env: readonly string[], name: string): string {
  for (const v of env) {
    if (v.length > name.length + 1 && v[name.length] === '=' && v.startsWith(name)) return v.slice(name.length + 1).replace(/^ +| +$/g, '');
  }
  return '';
}

/** Ancestor strings joined as sinsp joins them: a space before each one once the text is not empty. */
function joinAncestors(values: readonly string[]): string {
  let out = '';
  for (const v of values) {
    if (out !== '') out += ' ';
    out += v;
  }
  return out;
}

/** Whether the thread runs in a child pid namespace (a container). */
const inPidNamespace = (t: ThreadInfo): boolean => (t.flags & CloneFlag.CHILD_IN_PIDNS) !== 0 || (t.tid !== t.vtid && t.vtid >= 0);

/**
 * The leader of the thread's session or process group (sinsp's get_oldest_matching_ancestor): the
 * thread whose tid is the id, unless the id is one of a child pid namespace, where tids mean nothing;
 * then (or when that thread is unknown) the eldest ancestor in an unbroken line with the same id.
 */
function groupLeader(c: FieldContext, t: ThreadInfo, id: (t: ThreadInfo) => number, isVirtual: boolean): ThreadInfo | undefined {
  const want = id(t);
  if (want === -1) return undefined;
  if (!isVirtual || !inPidNamespace(t)) {
    const leader = c.state.thread(want);
    if (leader !== undefined) return leader;
  }
  let leader: ThreadInfo | undefined;
  for (const p of parentChain(c.state, t)) {
    if (id(p) !== want) break;
    leader = p;
  }
  return leader;
}

/** A field of the leader of the thread's session or group; '' when there is none. */
function leaderField(name: string, what: string, id: (t: ThreadInfo) => number, isVirtual: boolean, read: (t: ThreadInfo) => string): FieldSpec {
  return thr(name, T.CHARBUF, F.NA, what, (t, c) => {
    const leader = groupLeader(c, t, id, isVirtual);
    return leader === undefined ? '' : read(leader);
  });
}

const sidOf = (t: ThreadInfo): number => t.sid;
const vpgidOf = (t: ThreadInfo): number => t.vpgid;
const pgidOf = (t: ThreadInfo): number => t.pgid;

/** proc.aargs: [N] the N-th ancestor's arguments; without it every ancestor's, joined. */
function ancestorArgs(): FieldSpec {
  return {
    name: 'proc.aargs', type: T.CHARBUF, arg: 'index',
    desc: "the arguments of one of the process ancestors. E.g. proc.aargs[1] are the parent's, proc.aargs[2] the grandparent's, proc.aargs[0] the current process's. Without an argument, the arguments of all the ancestors (not the process itself), space-separated.",
    parseArg: ancestorIndex,
    checkArg: parseInt32,
    get: (e, c, arg) => {
      const t = e.thread;
      if (t === undefined) return undefined;
      if (typeof arg === 'number') return ancestor(c.state, t, arg)?.args.join(' ');
      const all = joinAncestors(ancestors(c.state, t).map((a) => a.args.join(' ')));
      return all === '' ? undefined : all;
    },
  };
}

/**
 * proc.aenv: without an argument (or with [0]) the process's environment; [N] the N-th ancestor's;
 * [NAME] the value of NAME in the nearest ancestor that has it. A condition without a NAME compares
 * each ancestor's environment (not the process's own), as libsinsp does.
 */
function ancestorEnv(): FieldSpec {
  const envOf = (c: FieldContext, t: ThreadInfo): string => processOf(c.state, t).env.join(' ');
  return {
    name: 'proc.aenv', type: T.CHARBUF, arg: 'index-or-key',
    desc: "the environment variables of one of the process ancestors. E.g. proc.aenv[1] is the parent's environment, proc.aenv[2] the grandparent's; proc.aenv[NAME] is the value of the variable NAME in the nearest ancestor that sets it. Without an argument, or with [0], the environment of the process itself.",
    parseArg: (text, _start, pos) => {
      if (text[pos] !== '[') return { arg: undefined, end: pos };
      const close = text.indexOf(']', pos);
      if (close < 0) return { arg: undefined, end: pos };
      return { arg: envArg(text.slice(pos + 1, close)), end: close + 1 };
    },
    checkArg: envArg,
    make: (c, arg) => {
      const extract = (e: Event): FieldValue => {
        const t = e.thread;
        if (t === undefined) return undefined;
        if (arg === undefined || (typeof arg === 'number' && arg < 1)) return envOf(c, t);
        let p: ThreadInfo | undefined = processOf(c.state, t);
        if (typeof arg === 'string') {
          for (let i = 0; i < 20; i++) {
            p = parentOf(c.state, p);
            if (p === undefined) break;
            const v = envValue(processOf(c.state, p).env, arg);
            if (v !== '') return v;
          }
          return '';
        }
        for (let i = 0; i < arg && p !== undefined; i++) p = parentOf(c.state, p);
        return p === undefined ? undefined : envOf(c, p);
      };
      return {
        extract,
        ...(typeof arg !== 'string' && {
          candidates: (e: Event, out: FieldValue[]): number => {
            const t = e.thread;
            if (t === undefined) return 0;
            const list = ancestors(c.state, t);
            list.forEach((a, i) => (out[i] = envOf(c, a)));
            return list.length;
          },
        }),
      };
    },
  };
}

/** proc.stdin.type, proc.stdout.name...: the process's fd 0, 1 or 2. */
function stdFd(name: string, fd: number, stream: string, what: 'type' | 'name'): FieldSpec {
  return thr(name, T.CHARBUF, F.NA,
    `The ${what} of file descriptor ${String(fd)}, corresponding to ${stream}, of the process generating the event.`,
    (t) => {
      const f = t.fds.get(fd);
      if (f === undefined) return undefined;
      return what === 'type' ? fdTypeString(f) : f.name;
    });
}

const fdUsage = (t: ThreadInfo, c: FieldContext): number => {
  const mt = main(c, t);
  if (mt.fdlimit <= 0) return 0;
  return Math.min((mt.fds.size * 100) / mt.fdlimit, 100);
};

const SYSDIG_FIELDS: FieldSpec[] = [
  thr('proc.pid', T.INT64, F.ID,
    'the id of the process generating the event.',
    (t) => t.pid),
  thr('proc.exe', T.CHARBUF, F.NA,
    'the first command line argument (usually the executable name or a custom one).',
    (t) => t.exe),
  thr('proc.name', T.CHARBUF, F.NA,
    'the name (excluding the path) of the executable generating the event.',
    (t) => t.comm),
  {
    name: 'proc.args', type: T.CHARBUF, arg: 'index',
    // In conditions, proc.args[N] is the N-th argument alone (from 0; empty when there is none).
    desc: 'the arguments passed on the command line when starting the process generating the event.',
    ...argInConditionsOnly(parseInt32),
    get: (e, _c, arg) => {
      const t = e.thread;
      if (t === undefined) return undefined;
      return typeof arg === 'number' ? (arg >= 0 ? t.args[arg] ?? '' : t.args.join(' ')) : t.args.join(' ');
    },
  },
  {
    name: 'proc.env', type: T.CHARBUF, arg: 'index-or-key',
    // In conditions, proc.env[NAME] is the value of the variable NAME alone (empty when it is not set).
    desc: 'the environment variables of the process generating the event.',
    ...argInConditionsOnly(envArg),
    get: (e, c, arg) => {
      const t = e.thread;
      if (t === undefined) return undefined;
      const env = main(c, t).env;
      return typeof arg === 'string' ? envValue(env, arg) : env.join(' ');
    },
  },
  thr('proc.cmdline', T.CHARBUF, F.NA,
    'full process command line, i.e. proc.name + proc.args.',
    cmdline),
  thr('proc.exeline', T.CHARBUF, F.NA,
    'full process command line, with exe as first argument, i.e. proc.exe + proc.args.',
    (t) => `${t.exe} ${t.args.join(' ')}`),
  thr('proc.cwd', T.CHARBUF, F.NA,
    'the current working directory of the event.',
    (t, c) => main(c, t).cwd),
  thr('proc.nthreads', T.UINT32, F.DEC,
    'the number of threads that the process generating the event currently has, including the main process thread.',
    (t, c) => childThreads(main(c, t)) + 1),
  thr('proc.nchilds', T.UINT32, F.DEC,
    'the number of child threads that the process generating the event currently has. This excludes the main process thread.',
    (t) => childThreads(t)),
  thr('proc.ppid', T.INT64, F.ID,
    'the pid of the parent of the process generating the event.',
    (t, c) => main(c, t).ptid),
  thr('proc.pname', T.CHARBUF, F.NA,
    'the name (excluding the path) of the parent of the process generating the event.',
    (t, c) => parentOf(c.state, t)?.comm),
  thr('proc.pcmdline', T.CHARBUF, F.NA,
    'the full command line (proc.name + proc.args) of the parent of the process generating the event.',
    (t, c) => {
      const p = parentOf(c.state, t);
      return p && cmdline(p);
    }),
  ancestorField2022('proc.apid', T.INT64, F.ID,
    'the pid of one of the process ancestors. E.g. proc.apid[1] returns the parent pid, proc.apid[2] returns the grandparent pid, and so on. proc.apid[0] is the pid of the current process. proc.apid without arguments can be used in filters only and matches any of the process ancestors, e.g. proc.apid=1234.',
    (t) => t.pid),
  ancestorField2022('proc.aname', T.CHARBUF, F.NA,
    'the name (excluding the path) of one of the process ancestors. E.g. proc.aname[1] returns the parent name, proc.aname[2] returns the grandparent name, and so on. proc.aname[0] is the name of the current process. proc.aname without arguments can be used in filters only and matches any of the process ancestors, e.g. proc.aname=bash.',
    (t) => t.comm),
  thr('proc.loginshellid', T.INT64, F.ID,
    'the pid of the oldest shell among the ancestors of the current process, if there is one. This field can be used to separate different user sessions, and is useful in conjunction with chisels like spy_user.',
    (t, c) => loginShellId(c, t)),
  thr('proc.duration', T.RELTIME, F.DEC,
    'number of nanoseconds since the process started.',
    (t, _c, e) => (t.cloneTs === 0n ? undefined : since(e, t.cloneTs))),
  thr('proc.fdopencount', T.UINT64, F.DEC,
    'number of open FDs for the process',
    (t, c) => main(c, t).fds.size),
  thr('proc.fdlimit', T.INT64, F.DEC,
    'maximum number of FDs the process can open.',
    (t, c) => main(c, t).fdlimit),
  thr('proc.fdusage', T.DOUBLE, F.DEC,
    'the ratio between open FDs and maximum available FDs for the process.',
    fdUsage),
  thr('proc.vmsize', T.UINT64, F.DEC,
    'total virtual memory for the process (as kb).',
    (t) => t.vmsizeKb),
  thr('proc.vmrss', T.UINT64, F.DEC,
    'resident non-swapped memory for the process (as kb).',
    (t) => t.vmrssKb),
  thr('proc.vmswap', T.UINT64, F.DEC,
    'swapped memory for the process (as kb).',
    (t) => t.vmswapKb),
  thr('thread.pfmajor', T.UINT64, F.DEC,
    'number of major page faults since thread start.',
    (t) => t.pfmajor),
  thr('thread.pfminor', T.UINT64, F.DEC,
    'number of minor page faults since thread start.',
    (t) => t.pfminor),
  {
    name: 'thread.tid', type: T.INT64, printFormat: F.ID, arg: 'none',
    desc: 'the id of the thread generating the event.',
    get: (e) => e.tid,
  },
  thr('thread.ismain', T.BOOL, F.NA,
    "'true' if the thread generating the event is the main one in the process.",
    isMainThread),
  {
    name: 'thread.exectime', type: T.RELTIME, printFormat: F.DEC, arg: 'none', keepsState: true,
    desc: 'CPU time spent by the last scheduled thread, in nanoseconds. Exported by switch events only.',
    make: () => ({ extract: switchClock() }),
  },
  {
    name: 'thread.totexectime', type: T.RELTIME, printFormat: F.DEC, arg: 'none', keepsState: true,
    desc: 'Total CPU time, in nanoseconds since the beginning of the capture, for the current thread. Exported by switch events only.',
    make: () => {
      const clock = switchClock();
      const totals = new Map<number, number>();
      return {
        extract: (e) => {
          const delta = clock(e);
          const t = e.thread;
          if (t === undefined) return undefined;
          const total = (totals.get(t.tid) ?? 0) + delta;
          totals.set(t.tid, total);
          return total;
        },
      };
    },
  },
  thr('thread.cgroups', T.CHARBUF, F.NA,
    'all the cgroups the thread belongs to, aggregated into a single string.',
    (t) => (t.cgroups.length === 0 ? undefined : t.cgroups.map(([s, p]) => `${s}=${p}`).join(' '))),
  {
    name: 'thread.cgroup', type: T.CHARBUF, arg: 'key', argRequired: true,
    desc: 'the cgroup the thread belongs to, for a specific subsystem. E.g. thread.cgroup.cpuacct.',
    parseArg: (text, start, pos) => dotKey(text, start, pos, /[A-Za-z_]/),
    get: (e, _c, arg) => e.thread?.cgroups.find(([s]) => s === arg)?.[1],
  },
  thr('thread.vtid', T.INT64, F.ID,
    'the id of the thread generating the event as seen from its current PID namespace.',
    (t) => (t.vtid === -1 ? undefined : t.vtid)),
  thr('proc.vpid', T.INT64, F.ID,
    'the id of the process generating the event as seen from its current PID namespace.',
    (t) => (t.vpid === -1 ? undefined : t.vpid)),
  cpuField('thread.cpu', 'the CPU consumed by the thread in the last second.', true, true),
  cpuField('thread.cpu.user', 'the user CPU consumed by the thread in the last second.', true, false),
  cpuField('thread.cpu.system', 'the system CPU consumed by the thread in the last second.', false, true),
  thr('thread.vmsize', T.UINT64, F.DEC,
    'For the process main thread, this is the total virtual memory for the process (as kb). For the other threads, this field is zero.',
    (t) => (isMainThread(t) ? t.vmsizeKb : 0)),
  thr('thread.vmrss', T.UINT64, F.DEC,
    'For the process main thread, this is the resident non-swapped memory for the process (as kb). For the other threads, this field is zero.',
    (t) => (isMainThread(t) ? t.vmrssKb : 0)),
  thr('thread.vmsize.b', T.UINT64, F.DEC,
    'For the process main thread, this is the total virtual memory for the process (in bytes). For the other threads, this field is zero.',
    (t) => (isMainThread(t) ? t.vmsizeKb * 1024 : 0)),
  thr('thread.vmrss.b', T.UINT64, F.DEC,
    'For the process main thread, this is the resident non-swapped memory for the process (in bytes). For the other threads, this field is zero.',
    (t) => (isMainThread(t) ? t.vmrssKb * 1024 : 0)),
  thr('proc.sid', T.INT64, F.ID,
    'the session id of the process generating the event.',
    (t) => t.sid),
  thr('proc.sname', T.CHARBUF, F.NA,
    "the name of the current process's session leader. This is either the process with pid=proc.sid or the eldest ancestor that has the same sid as the current process.",
    (t, c) => sessionName(c, t)),
  thr('proc.tty', T.INT32, F.ID,
    'The controlling terminal of the process. 0 for processes without a terminal.',
    (t) => t.tty),
  thr('proc.exepath', T.CHARBUF, F.NA,
    'The full executable path of the process.',
    (t) => t.exepath),
  thr('thread.nametid', T.CHARBUF, F.NA,
    'this field chains the process name and tid of a thread and can be used as a specific identifier of a thread for a specific execve.',
    (t, _c, e) => `${t.comm}${e.tid}`),
  thr('proc.vpgid', T.INT64, F.ID,
    'the process group id of the process generating the event, as seen from its current PID namespace.',
    (t) => t.vpgid),
  // Container health probes are not tracked: no process is known to run one.
  thr('proc.is_container_healthcheck', T.BOOL, F.NA,
    "true if this process is running as a part of the container's health check.",
    () => false),
  thr('proc.is_container_liveness_probe', T.BOOL, F.NA,
    "true if this process is running as a part of the container's liveness probe.",
    () => false),
  thr('proc.is_container_readiness_probe', T.BOOL, F.NA,
    "true if this process is running as a part of the container's readiness probe.",
    () => false),
  thr('proc.is_exe_writable', T.BOOL, F.NA,
    "true if this process' executable file is writable by the same user that spawned the process.",
    (t) => t.exeWritable),
];

/** Fields of newer libs: first those the stock Falco rules use. */
const NEWER_FIELDS: FieldSpec[] = [
  thr('proc.pexe', T.CHARBUF, F.NA,
    'the proc.exe (first command line argument argv[0]) of the parent process.',
    (t, c) => ancestor(c.state, t, 1)?.exe),
  ancestorField('proc.aexe',
    'the proc.exe (first command line argument argv[0]) of one of the process ancestors. E.g. proc.aexe[1] is the parent\'s, proc.aexe[2] the grandparent\'s, proc.aexe[0] the current process\'s. Without an argument it matches any ancestor in filters and lists all the ancestors\' proc.exe, space-separated, in output.',
    (t) => t.exe),
  thr('proc.pexepath', T.CHARBUF, F.NA,
    'the proc.exepath (full executable path) of the parent process.',
    (t, c) => ancestor(c.state, t, 1)?.exepath),
  ancestorField('proc.aexepath',
    'the proc.exepath (full executable path) of one of the process ancestors. E.g. proc.aexepath[1] is the parent\'s, proc.aexepath[2] the grandparent\'s, proc.aexepath[0] the current process\'s. Without an argument it matches any ancestor in filters and lists all the ancestors\' proc.exepath, space-separated, in output.',
    (t) => t.exepath),
  thr('proc.is_exe_upper_layer', T.BOOL, F.NA,
    "'true' if this process' executable file is in the upper layer of an overlayfs (e.g. it was written inside a container).",
    (t) => t.exeUpperLayer),
  thr('proc.is_exe_from_memfd', T.BOOL, F.NA,
    "'true' if the executable file of the current process is an anonymous file created with memfd_create() and executed through its fd: it exists only in memory, not on disk.",
    (t) => t.exeFromMemfd),
  thr('proc.exe_ino', T.INT64, F.DEC,
    'the inode number of the executable file on disk.',
    (t) => nonZero(t.exeIno)),
  thr('proc.exe_ino.ctime', T.ABSTIME, F.DEC,
    'last status change time (ctime) of the executable file, as epoch timestamp in nanoseconds.',
    (t) => nonZero(t.exeInoCtime)),
  thr('proc.exe_ino.mtime', T.ABSTIME, F.DEC,
    'last modification time (mtime) of the executable file, as epoch timestamp in nanoseconds.',
    (t) => nonZero(t.exeInoMtime)),
  thr('proc.exe_ino.ctime_duration_proc_start', T.ABSTIME, F.DEC,
    'number of nanoseconds between the last status change of the executable file and the start of the process that runs it.',
    (t) => (t.cloneTs === 0n || t.exeInoCtime === 0 ? undefined : nonZero(Number(t.cloneTs - BigInt(Math.round(t.exeInoCtime)))))),
  thr('thread.cap_permitted', T.CHARBUF, F.NA,
    'the permitted capabilities set.',
    (t) => capsToString(t.capPermitted)),
  thr('thread.cap_inheritable', T.CHARBUF, F.NA,
    'the inheritable capabilities set.',
    (t) => capsToString(t.capInheritable)),
  thr('thread.cap_effective', T.CHARBUF, F.NA,
    'the effective capabilities set.',
    (t) => capsToString(t.capEffective)),
  // The rest of libsinsp's process class.
  ancestorArgs(),
  ancestorField('proc.acmdline',
    "the full command line (proc.name + proc.args) of one of the process ancestors. E.g. proc.acmdline[1] is the parent's, proc.acmdline[2] the grandparent's, proc.acmdline[0] the current process's. Without an argument it matches any ancestor in filters and lists all the ancestors' command lines, space-separated, in output.",
    cmdline),
  thr('proc.cmdnargs', T.UINT64, F.DEC,
    'the number of command line arguments of the process (proc.args).',
    (t) => t.args.length),
  thr('proc.cmdlenargs', T.UINT64, F.DEC,
    'the total length in bytes of the command line arguments of the process (proc.args), separators excluded.',
    (t) => t.args.reduce((n, a) => n + Buffer.byteLength(a, 'utf8'), 0)),
  ancestorEnv(),
  thr('proc.pvpid', T.INT64, F.ID,
    'the id of the parent of the thread generating the event, as seen from its current PID namespace.',
    (t, c) => parentOf(c.state, t)?.vpid),
  leaderField('proc.sid.exe',
    "the proc.exe (first command line argument argv[0]) of the current process's session leader: the process whose pid is proc.sid or, in a child PID namespace, the eldest ancestor with the same sid.",
    sidOf, true, (t) => t.exe),
  leaderField('proc.sid.exepath',
    "the proc.exepath (full executable path) of the current process's session leader.",
    sidOf, true, (t) => t.exepath),
  leaderField('proc.vpgid.name',
    "the name (excluding the path) of the current process's process group leader: the process whose pid is proc.vpgid or, in a child PID namespace, the eldest ancestor with the same vpgid.",
    vpgidOf, true, (t) => t.comm),
  leaderField('proc.vpgid.exe',
    "the proc.exe (first command line argument argv[0]) of the current process's process group leader.",
    vpgidOf, true, (t) => t.exe),
  leaderField('proc.vpgid.exepath',
    "the proc.exepath (full executable path) of the current process's process group leader.",
    vpgidOf, true, (t) => t.exepath),
  thr('proc.pgid', T.INT64, F.ID,
    'the process group id of the process generating the event, as seen from the host PID namespace.',
    (t) => t.pgid),
  leaderField('proc.pgid.name',
    "the name (excluding the path) of the current process's process group leader, from the host PID namespace: the process whose pid is proc.pgid.",
    pgidOf, false, (t) => t.comm),
  leaderField('proc.pgid.exe',
    "the proc.exe (first command line argument argv[0]) of the current process's process group leader, from the host PID namespace.",
    pgidOf, false, (t) => t.exe),
  leaderField('proc.pgid.exepath',
    "the proc.exepath (full executable path) of the current process's process group leader, from the host PID namespace.",
    pgidOf, false, (t) => t.exepath),
  thr('proc.ppid.duration', T.RELTIME, F.DEC,
    'number of nanoseconds since the parent of the process started.',
    (t, c, e) => {
      const p = ancestor(c.state, t, 1);
      return p === undefined || p.cloneTs === 0n ? undefined : since(e, p.cloneTs);
    }),
  thr('proc.pid.ts', T.RELTIME, F.DEC,
    'start of the process, as epoch timestamp in nanoseconds.',
    (t) => nonZero(Number(t.cloneTs))),
  thr('proc.ppid.ts', T.RELTIME, F.DEC,
    'start of the parent of the thread generating the event, as epoch timestamp in nanoseconds.',
    (t, c) => {
      const p = parentOf(c.state, t);
      return p === undefined ? undefined : Number(p.cloneTs);
    }),
  thr('proc.is_exe_lower_layer', T.BOOL, F.NA,
    "'true' if this process' executable file is in the lower layer of an overlayfs (e.g. it comes from a container image).",
    (t) => t.exeLowerLayer === true),
  thr('proc.is_sid_leader', T.BOOL, F.NA,
    "'true' if this process is the leader of its session: proc.sid equals proc.vpid.",
    (t) => t.sid === t.vpid),
  thr('proc.is_vpgid_leader', T.BOOL, F.NA,
    "'true' if this process is the leader of its process group: proc.vpgid equals proc.vpid.",
    (t) => t.vpgid === t.vpid),
  thr('proc.is_pgid_leader', T.BOOL, F.NA,
    "'true' if this process is the leader of its process group, from the host PID namespace: proc.pgid equals proc.pid.",
    (t) => t.pgid === t.pid),
  thr('proc.exe_ino.ctime_duration_pidns_start', T.ABSTIME, F.DEC,
    'number of nanoseconds between the start of the PID namespace (of the container) and the last status change of the executable file, when the change came after that start (set when the process calls execve).',
    (t) => nonZero(t.exeInoCtimeDurationPidnsStart ?? 0)),
  thr('proc.pidns_init_start_ts', T.UINT64, F.DEC,
    'start of the init process of the PID namespace of the process (of its container, if any), as epoch timestamp in nanoseconds.',
    (t) => nonZero(t.pidnsInitStartTs)),
  stdFd('proc.stdin.type', 0, 'stdin', 'type'),
  stdFd('proc.stdout.type', 1, 'stdout', 'type'),
  stdFd('proc.stderr.type', 2, 'stderr', 'type'),
  stdFd('proc.stdin.name', 0, 'stdin', 'name'),
  stdFd('proc.stdout.name', 1, 'stdout', 'name'),
  stdFd('proc.stderr.name', 2, 'stderr', 'name'),
];

export const PROC_CLASS: FieldClass = {
  name: 'process',
  desc: 'Additional information about the process and thread executing the syscall event.',
  fields: [...SYSDIG_FIELDS, ...NEWER_FIELDS],
};
