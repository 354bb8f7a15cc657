// The state of the machine at start, read from /proc as libscap reads it when a live capture
// opens: every thread of every process (kernel threads left out), every open fd of each process,
// the machine, its interfaces, users and groups. The result is a capture header: the state engine
// seeds from it exactly as from a capture file's. A process that ends during the scan is skipped.
import { readdirSync } from 'node:fs';
import type { CaptureHeader, FdRecord, ProcRecord } from '../capture/records.js';
import { bootTimeNs, interfaces, machineInfo, usersAndGroups } from './host-info.js';
import { readFds, type SocketCache } from './proc-fds.js';
import { readProcess, readThread } from './proc-thread.js';

export interface ScanOptions {
  /** Where procfs is mounted (default /proc). */
  proc?: string;
  /** Where passwd and group are (default /etc). */
  etc?: string;
}

export function scanProc(opts: ScanOptions = {}): CaptureHeader {
  const proc = opts.proc ?? '/proc';
  const boot = bootTimeNs(proc);
  const procs: ProcRecord[] = [];
  const fds: FdRecord[] = [];
  const sockets: SocketCache = new Map();
  for (const pid of numericEntries(proc)) {
    const dir = `${proc}/${pid}/`;
    const facts = readProcess(dir);
    if (facts === undefined) continue;
    const threads: ProcRecord[] = [];
    // The main thread first, as libscap lists it.
    for (const tid of [pid, ...numericEntries(`${dir}task`).filter((t) => t !== pid)]) {
      const r = readThread(`${dir}task/${tid}/`, tid, facts, boot);
      if (r !== undefined) threads.push(r);
    }
    if (threads.length === 0 || threads[0].tid !== pid) continue;
    procs.push(...threads);
    fds.push(...readFds(dir, pid, sockets));
  }
  return { major: 1, minor: 2, machine: machineInfo(boot, proc), procs, fds, ...interfaces(), ...usersAndGroups(opts.etc) };
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir).filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
}
