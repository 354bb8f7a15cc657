// The BPF links a process holds, read from its fds' fdinfo: which tracepoints the probe's loader
// has attached, for the tests of attaching and detaching while running.
import { readdirSync, readFileSync } from 'node:fs';

/** The tracepoint of each BPF link process `pid` holds, by link id. */
export function bpfLinks(pid: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    try {
      const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      const id = /^link_id:\s+(\d+)$/m.exec(info);
      if (id !== null) out.set(Number(id[1]), /^tp_name:\s+(\S+)$/m.exec(info)?.[1] ?? '');
    } catch {
      // closed meanwhile
    }
  }
  return out;
}
