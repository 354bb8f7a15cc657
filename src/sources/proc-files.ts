// Reading /proc without exceptions: a process can end at any moment of the scan, and then every
// file of it is gone. These return undefined for a file that cannot be read, whatever the reason.
import { readFileSync, readlinkSync, statSync, type BigIntStats } from 'node:fs';

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The bytes of a file, for NUL-separated lists (cmdline, environ) whose text may not be UTF-8. */
export function readBytes(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** stat() (following links) with nanosecond times. */
export function statOf(path: string): BigIntStats | undefined {
  try {
    return statSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

/** A NUL-separated list (cmdline, environ) without its trailing empty item. */
export function nulList(b: Buffer | undefined): string[] {
  if (b === undefined || b.length === 0) return [];
  const items = b.toString('utf8').split('\0');
  if (items[items.length - 1] === '') items.pop();
  return items;
}

/** s cut to at most maxBytes bytes of UTF-8, never inside a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  const b = Buffer.from(s);
  if (b.length <= maxBytes) return s;
  let end = maxBytes;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8');
}

/** The value after "Key:" in a key/value file such as /proc/PID/status, undefined when absent. */
export function field(text: string, key: string): string | undefined {
  const at = text.indexOf(`\n${key}:`);
  const start = at >= 0 ? at + key.length + 2 : text.startsWith(`${key}:`) ? key.length + 1 : -1;
  if (start < 0) return undefined;
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

/** The whitespace-separated numbers of a status field (Uid:, NSpid:...). */
export function numbers(text: string, key: string): number[] {
  const v = field(text, key);
  return v === undefined || v === '' ? [] : v.split(/\s+/).map(Number);
}

/** A device number as the kernel encodes it in events (new_encode_dev), from a user-space dev_t. */
export function kernelDev(dev: bigint): number {
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ: 100 on every Linux architecture ghostwatch runs on). */
export const USER_HZ = 100;

/** The fields of a /proc/PID/stat text after the command name, which is in parentheses and may itself hold spaces or ')' ([0]: the state). */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The CPU time a process has used so far (utime + stime of /proc/PID/stat, in seconds), 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return 0;
  const f = statFields(stat);
  return (Number(f[11]) + Number(f[12])) / USER_HZ;
}
