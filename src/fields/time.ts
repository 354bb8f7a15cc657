// Timestamps and durations as sysdig writes them. Event times are ns since the epoch (bigint, exact).
// Local times use one UTC offset for the whole run, taken when the run starts, as libsinsp does
// (it asks for the current offset, not the one in force at the event's date).

const NS = 1_000_000_000n;

/** The local time zone's offset from UTC in seconds, now. */
export function localUtcOffsetSeconds(): number {
  return -new Date().getTimezoneOffset() * 60;
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const p4 = (n: number): string => String(n).padStart(4, '0');
const p9 = (n: number): string => String(n).padStart(9, '0');

/** 'hh:mm:ss[.nnnnnnnnn]', optionally preceded by 'YYYY-MM-DD ', in local time. */
export function tsToString(ts: bigint, withDate: boolean, withNs: boolean, utcOffset: number): string {
  const sec = Number(ts / NS) + utcOffset;
  const nsec = Number(ts % NS);
  const s = sec % 86400;
  let out = '';
  if (withDate) {
    const d = new Date((sec - s) * 1000);
    out = `${p4(d.getUTCFullYear())}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} `;
  }
  out += `${p2(Math.floor(s / 3600))}:${p2(Math.floor((s % 3600) / 60))}:${p2(s % 60)}`;
  return withNs ? `${out}.${p9(nsec)}` : out;
}

/** ISO 8601 in UTC with nanoseconds: '2016-08-04T16:17:57.881730713+0000'. */
export function tsToIso8601(ts: bigint): string {
  const sec = Number(ts / NS);
  const d = new Date(sec * 1000);
  return `${p4(d.getUTCFullYear())}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p9(Number(ts % NS))}+0000`;
}

/** 'S.NNNNNNNNN': seconds and zero-padded nanoseconds of a span (the -t r/d/D output times). */
export function secondsDotNs(ns: bigint): string {
  return `${ns / NS}.${p9(Number(ns % NS))}`;
}

/** A duration the way evt.latency.human shows it: 1.12us, 345ms, 2.50s, 3:07, 01:02:03. */
export function humanDuration(ns: number): string {
  const S = 1e9;
  const q = (a: number, b: number): number => Math.floor(a / b);
  if (ns >= 3600 * S) return `${p2(q(ns, 3600 * S))}:${p2(q(ns, 60 * S) % 60)}:${p2(q(ns, S) % 60)}`;
  if (ns >= 60 * S) return `${q(ns, 60 * S)}:${q(ns, S) % 60}`;
  if (ns >= S) return `${q(ns, S)}.${p2(q(ns % S, 1e7))}s`;
  if (ns >= 1e7) return `${q(ns, 1e6)}ms`;
  if (ns >= 1e6) return `${q(ns, 1e6)}.${p2(q(ns % 1e6, 1e4))}ms`;
  if (ns >= 1e4) return `${q(ns, 1e3)}us`;
  if (ns >= 1e3) return `${q(ns, 1e3)}.${p2(q(ns % 1e3, 10))}us`;
  return `${ns}ns`;
}
