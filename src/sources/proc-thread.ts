// One thread of the /proc scan as a process-list record, with the facts libscap reads from /proc:
// what the whole process shares (command line, environment, directories, executable, limits) read
// once per process, and what each thread has (ids, credentials, memory, faults, cgroups) per thread.
import { SCAP_MAX, type ProcRecord } from '../capture/records.js';
import { CloneFlag } from '../capture/flags.js';
import { field, nulList, numbers, readBytes, readLink, readText, statFields, statOf, truncateUtf8, USER_HZ } from './proc-files.js';

/** What every thread of a process shares. */
export interface ProcessFacts {
  exe: string;
  args: string[];
  env: string[];
  cwd: string;
  root: string;
  exepath: string;
  fdlimit: number;
  exeIno: number;
  exeInoCtime: number;
  exeInoMtime: number;
  exeFromMemfd: boolean;
  /** Owner, group and mode of the executable, to tell whether the process's user may write it. */
  exeOwner: { uid: number; gid: number; mode: number } | undefined;
}

const NO_LOGINUID = 0xffffffff;

/** The shared facts of the process in dir (/proc/PID/); undefined for kernel threads and vanished processes. */
export function readProcess(dir: string): ProcessFacts | undefined {
  // libscap reads at most SCAP_MAX.ARGS - 1 bytes of the command line and SCAP_MAX.ENV - 1 of the environment
  // (the last byte of its buffer is the terminating NUL).
  const cmdline = readBytes(`${dir}cmdline`)?.subarray(0, SCAP_MAX.ARGS - 1);
  if (cmdline === undefined) return undefined;
  const exepath = pathOf(readLink(`${dir}exe`));
  // No command line and no executable: a kernel thread or a zombie (libscap skips them too).
  if (cmdline.length === 0 && exepath === undefined) return undefined;
  const argv = nulList(cmdline);
  const exeStat = statOf(`${dir}exe`);
  return {
    exe: pathOf(argv[0]) ?? '',
    args: argv.slice(1),
    env: nulList(readBytes(`${dir}environ`)?.subarray(0, SCAP_MAX.ENV - 1)),
    cwd: pathOf(readLink(`${dir}cwd`)) ?? '',
    root: pathOf(readLink(`${dir}root`)) ?? '',
    exepath: exepath ?? '',
    fdlimit: openFilesLimit(readText(`${dir}limits`)),
    exeIno: exeStat === undefined ? 0 : Number(exeStat.ino),
    exeInoCtime: exeStat === undefined ? 0 : Number(exeStat.ctimeNs),
    exeInoMtime: exeStat === undefined ? 0 : Number(exeStat.mtimeNs),
    exeFromMemfd: (exepath ?? '').startsWith('/memfd:'),
    exeOwner: exeStat === undefined ? undefined : { uid: Number(exeStat.uid), gid: Number(exeStat.gid), mode: Number(exeStat.mode) },
  };
}

/** The record of thread tid (dir: /proc/PID/task/TID/); undefined when it has vanished. */
export function readThread(dir: string, tid: number, proc: ProcessFacts, bootTimeNs: number): ProcRecord | undefined {
  const status = readText(`${dir}status`);
  const stat = readText(`${dir}stat`);
  if (status === undefined || stat === undefined) return undefined;
  const st = statFields(stat);
  const pid = numbers(status, 'Tgid')[0] ?? tid;
  const nspid = numbers(status, 'NSpid');
  const nstgid = numbers(status, 'NStgid');
  const nspgid = numbers(status, 'NSpgid');
  const pgid = Number(st[2]);
  // libscap keeps the effective ids.
  const uid = numbers(status, 'Uid')[1] ?? 0;
  const gid = numbers(status, 'Gid')[1] ?? 0;
  const isMain = tid === pid;
  const loginuid = Number(readText(`${dir}loginuid`) ?? NO_LOGINUID);
  return {
    tid, pid,
    // A thread's parent is the process that created it; the main thread's is its process's parent.
    ptid: isMain ? numbers(status, 'PPid')[0] ?? 0 : pid,
    sid: Number(st[3]), pgid, vpgid: nspgid[nspgid.length - 1] ?? pgid,
    comm: (readText(`${dir}comm`) ?? '').replace(/\n$/, ''),
    exe: proc.exe, exepath: proc.exepath, args: proc.args, env: proc.env, cwd: proc.cwd, root: proc.root,
    fdlimit: proc.fdlimit,
    // The scan cannot know how a thread was created: libscap assumes pthread_create's flags.
    flags: isMain ? 0 : CloneFlag.CLONE_THREAD | CloneFlag.CLONE_FILES,
    uid, gid,
    loginuid: Number.isFinite(loginuid) ? loginuid >>> 0 : NO_LOGINUID,
    tty: Number(st[4]),
    vmsizeKb: kb(status, 'VmSize'), vmrssKb: kb(status, 'VmRSS'), vmswapKb: kb(status, 'VmSwap'),
    pfminor: Number(st[7]), pfmajor: Number(st[9]),
    vtid: nspid[nspid.length - 1] ?? tid, vpid: nstgid[nstgid.length - 1] ?? pid,
    cgroups: cgroupsOf(readText(`${dir}cgroup`)),
    exeWritable: isWritable(proc.exeOwner, uid, gid),
    exeUpperLayer: false,
    exeFromMemfd: proc.exeFromMemfd,
    capInheritable: caps(status, 'CapInh'), capPermitted: caps(status, 'CapPrm'), capEffective: caps(status, 'CapEff'),
    exeIno: proc.exeIno, exeInoCtime: proc.exeInoCtime, exeInoMtime: proc.exeInoMtime,
    cloneTs: bootTimeNs + (Number(st[19]) / USER_HZ) * 1e9,
    pidnsInitStartTs: 0,
  };
}

function pathOf(p: string | undefined): string | undefined {
  return p === undefined ? undefined : truncateUtf8(p, SCAP_MAX.PATH - 1);
}

function kb(status: string, key: string): number {
  return numbers(status, key)[0] ?? 0;
}

function caps(status: string, key: string): bigint {
  const v = field(status, key);
  return v === undefined || v === '' ? 0n : BigInt(`0x${v}`);
}

/** The soft limit of "Max open files" in /proc/PID/limits (-1: unlimited or unknown). */
function openFilesLimit(limits: string | undefined): number {
  const m = limits === undefined ? null : /^Max open files\s+(\S+)/m.exec(limits);
  return m === null || m[1] === 'unlimited' ? -1 : Number(m[1]);
}

/**
 * /proc/PID/cgroup as (controller, path) pairs. Version 1 lines name their controllers; the
 * version 2 line (0::path) stands for cpu, memory and cpuset, as in libscap, when the process is in
 * no version 1 hierarchy.
 */
export function cgroupsOf(text: string | undefined): [string, string][] {
  const out: [string, string][] = [];
  let unified: string | undefined;
  for (const line of (text ?? '').split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (controllers === '') {
      if (line.slice(0, a) === '0') unified = path;
      continue;
    }
    for (const c of controllers.split(',')) out.push([c, path]);
  }
  if (out.length === 0 && unified !== undefined) for (const c of ['cpu', 'memory', 'cpuset']) out.push([c, unified]);
  // libscap keeps the "controller=path" entries that fit its buffer, each with its NUL, and drops the rest.
  let size = 0;
  return out.filter(([c, path]) => {
    const len = Buffer.byteLength(c) + 1 + Buffer.byteLength(path) + 1;
    if (size + len > SCAP_MAX.CGROUPS) return false;
    size += len;
    return true;
  });
}

/** Whether a user may write the executable: its owner, or the write bit of its group or of others. */
function isWritable(owner: ProcessFacts['exeOwner'], uid: number, gid: number): boolean {
  if (owner === undefined) return false;
  if (uid === 0 || owner.uid === uid) return true;
  return (owner.gid === gid && (owner.mode & 0o020) !== 0) || (owner.mode & 0o002) !== 0;
}
