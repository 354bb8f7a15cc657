// Runs one command with its stdout sent to /dev/null and measures its wall time and peak RSS.
// A tiny Python parent forks the command and reaps it with wait4(), whose rusage gives the exact
// peak RSS (ru_maxrss) of that process: no polling to miss a late peak, no dependency on
// /usr/bin/time (python3 is needed anyway to build the capture).
import { spawnSync } from 'node:child_process';

const WAIT4_TIMER = `
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open('/dev/null', os.O_WRONLY)
    os.dup2(null, 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
print(wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
`;

export interface Measurement {
  wallS: number;
  peakRssKb: number;
  exitCode: number;
  /** The command's stderr, for reporting a failure. */
  stderr: string;
}

export function measure(argv: readonly string[], cwd: string): Measurement {
  const r = spawnSync('python3', ['-c', WAIT4_TIMER, ...argv], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  const fields = r.stdout.trim().split(' ');
  if (fields.length !== 3) throw new Error(`measuring ${argv.join(' ')} failed: ${r.stderr.trim()}`);
  return { wallS: Number(fields[0]), peakRssKb: Number(fields[1]), exitCode: Number(fields[2]), stderr: r.stderr };
}
