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
  return ARGS.get(evt, i, decodeList);
}

function decodeList(evt: Event, i: number): string[] {
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
  return ENVS.get(evt, i, decodeEnv);
}

function decodeEnv(evt: Event, i: number): string[] {
  const out = decodeList(evt, i);
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

/** An execve's or clone's cgroups parameter as [subsystem, path] pairs (sinsp's set_cgroups). */
export function cgroupList(evt: Event, i: number): [string, string][] {
  return CGROUPS.get(evt, i, (e, j) => cgroupPairs(decodeList(e, j)));
}

/**
 * Lists decoded from event parameters, remembered by their bytes. The processes of a host mostly
 * share their cgroups and environment, and a program run again and again (a shell loop, a cron
 * job, a health probe) brings the same arguments: decoding these lists is most of what an execve
 * costs, comparing bytes is cheap. The lists are shared between threads, so nobody may modify them.
 */
class ListCache<T> {
  private readonly keys: Buffer[] = [];
  private readonly values: T[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  get(evt: Event, i: number, decode: (evt: Event, i: number) => T): T {
    const len = evt.paramLen(i);
    const o = evt.paramOffset(i);
    const b = evt.buf;
    const keys = this.keys;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key.length === len && key.compare(b, o, o + len) === 0) return this.values[k];
    }
    const value = decode(evt, i);
    const slot = this.next;
    this.next = (slot + 1) % this.size;
    keys[slot] = Buffer.from(b.subarray(o, o + len));
    this.values[slot] = value;
    return value;
  }
}

const ARGS = new ListCache<string[]>(16);
const ENVS = new ListCache<string[]>(16);
const CGROUPS = new ListCache<[string, string][]>(16);

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
