// Text forms of addresses and socket tuples, as sinsp writes them into fd names: IPv4 as dotted
// quads from the little-endian uint32 encoding (a.b.c.d = a + b<<8 + c<<16 + d<<24), IPv6 as
// glibc's inet_ntop prints it, ports as plain numbers (sysdig does not resolve service names).

/** a.b.c.d from the FdInfo IPv4 encoding. */
export function ipv4ToString(ip: number): string {
  return `${ip & 0xff}.${(ip >>> 8) & 0xff}.${(ip >>> 16) & 0xff}.${ip >>> 24}`;
}

/** glibc inet_ntop(AF_INET6): longest run (≥ 2) of zero words as '::', IPv4 tail for ::a.b.c.d and ::ffff:a.b.c.d. */
export function ipv6ToString(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) { curBase = i; curLen = 1; } else curLen++;
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) { bestBase = curBase; bestLen = curLen; }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;

  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
      return out;
    }
    out += words[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** "1.2.3.4:80->5.6.7.8:1234" */
export function ipv4TupleToString(sip: number, sport: number, dip: number, dport: number): string {
  return `${ipv4ToString(sip)}:${sport}->${ipv4ToString(dip)}:${dport}`;
}

export function ipv6TupleToString(sip: Uint8Array, sport: number, dip: Uint8Array, dport: number): string {
  return `${ipv6ToString(sip)}:${sport}->${ipv6ToString(dip)}:${dport}`;
}

/** True for ::ffff:a.b.c.d and for the all-zero address (which sinsp also treats as IPv4). */
export function isIpv4MappedIpv6(b: Uint8Array | Buffer, off = 0): boolean {
  for (let i = 0; i < 10; i++) if (b[off + i] !== 0) return false;
  if (b[off + 10] === 0xff && b[off + 11] === 0xff) return true;
  for (let i = 10; i < 16; i++) if (b[off + i] !== 0) return false;
  return true;
}

/** Unix socket names are printed with every byte outside printable ASCII dropped. */
export function dropUnprintable(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126) return s.replace(/[^\x20-\x7e]/g, '');
  }
  return s;
}

/** The lowercase hex of a 64-bit kernel pointer, without leading zeros. */
export function hex64(v: bigint): string {
  return v.toString(16);
}
