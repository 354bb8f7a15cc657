// Reading event parameters the way sinsp interprets them: strings up to their NUL, NUL-separated
// lists (args, env, cgroups), and path strings one character per byte (see paths.ts).
import type { Event } from '../../capture/event.js';

/** Parameter i as a string up to its first NUL, one character per byte (for path handling). */
export function rawStr(evt: Event, i: number): string {
  const o = evt.paramOffset(i);
  const len = evt.paramLen(i);
  let end = evt.buf.indexOf(0, o);
  if (end < 0 || end > o + len) end = o + len;
  return evt.buf.toString('latin1', o, end);
}

/** A NUL-separated list, each item up to its NUL (sinsp's set_args). */
export function strList(evt: Event, i: number): string[] {
  const out: string[] = [];
  const len = evt.paramLen(i);
  if (len === 0) return out;
  const b = evt.buf;
  const o = evt.paramOffset(i);
  const end = o + len;
  let p = o;
  while (p < end) {
    let z = b.indexOf(0, p);
    if (z < 0 || z > end) z = end;
    out.push(b.toString('utf8', p, z));
    p = z + 1;
  }
  return out;
}

/** An environment block: like strList, but a tail of only NULs ends it (sinsp's set_env). */
export function envList(evt: Event, i: number): string[] {
  const out = strList(evt, i);
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** sinsp's subsystem renames: "cpu_cgroup" → "cpu", "perf" → "perf_event", "mem" → "memory", "io" → "blkio". */
function subsystemName(s: string): string {
  const pos = s.indexOf('_cgroup');
  if (pos >= 0) s = s.slice(0, pos) + s.slice(pos + '_cgroup'.length);
  if (s === 'perf') return 'perf_event';
  if (s === 'mem') return 'memory';
  if (s === 'io') return 'blkio';
  return s;
}

/** "subsys=path" entries split at their last '=' (sinsp's set_cgroups); an entry without one ends the list. */
export function cgroupPairs(items: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    if (eq < 0) break;
    out.push([subsystemName(item.slice(0, eq)), item.slice(eq + 1)]);
  }
  return out;
}
