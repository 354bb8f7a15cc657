// One entry of a process's fd table. Socket addresses live in a raw 40-byte buffer laid out like
// sinsp's sockinfo union (IPv4 tuple, IPv6 tuple, IPv4/IPv6 server address and unix tuple all
// overlapping), because sinsp switches an fd between these views without clearing it and what is
// left over shows in the names and fields it prints; the typed getters read the view the fd's
// type selects. For server sockets sip/sport/l4proto are the bound address and dip/dport are 0.
import { FdType } from './types.js';
import type { FdInfo } from './types.js';
import { FdFlag, L4 } from '../capture/flags.js';

/** Byte offsets inside the sockinfo union. */
export const SockOff = {
  V4_SIP: 0, V4_DIP: 4, V4_SPORT: 8, V4_DPORT: 10, V4_L4: 12,
  V4S_IP: 0, V4S_PORT: 4, V4S_L4: 6,
  V6_SIP: 0, V6_DIP: 16, V6_SPORT: 32, V6_DPORT: 34, V6_L4: 36,
  V6S_IP: 0, V6S_PORT: 16, V6S_L4: 18,
  UNIX_SRC: 0, UNIX_DST: 8,
} as const;
const SOCK_SIZE = 40;

export class FdEntry implements FdInfo {
  type: FdType = FdType.UNINITIALIZED;
  openFlags = 0;
  name = '';
  nameRaw = '';
  /** The name when the current event started using this fd (sinsp's m_oldname). */
  oldName = '';
  /** FdFlag bits. */
  flags = 0;
  dev = 0;
  ino = 0;
  mountId = 0;
  /** pidfds: the process the fd refers to. */
  pid = 0;
  nameChanged = false;
  /** The sockinfo union; allocated when the fd first becomes a socket. */
  sock: Buffer | undefined = undefined;

  /** The sockinfo union, allocated zeroed on first use. */
  sockBuf(): Buffer {
    if (this.sock === undefined) this.sock = Buffer.alloc(SOCK_SIZE);
    return this.sock;
  }

  get sip(): number | Uint8Array {
    const s = this.sock;
    if (s === undefined) return 0;
    switch (this.type) {
      case FdType.IPV4_SOCK: case FdType.IPV4_SERVSOCK: return s.readUInt32LE(SockOff.V4_SIP);
      case FdType.IPV6_SOCK: case FdType.IPV6_SERVSOCK: return s.subarray(SockOff.V6_SIP, SockOff.V6_SIP + 16);
      default: return 0;
    }
  }

  get dip(): number | Uint8Array {
    const s = this.sock;
    if (s === undefined) return 0;
    switch (this.type) {
      case FdType.IPV4_SOCK: return s.readUInt32LE(SockOff.V4_DIP);
      case FdType.IPV6_SOCK: return s.subarray(SockOff.V6_DIP, SockOff.V6_DIP + 16);
      default: return 0;
    }
  }

  get sport(): number {
    const s = this.sock;
    if (s === undefined) return 0;
    switch (this.type) {
      case FdType.IPV4_SOCK: return s.readUInt16LE(SockOff.V4_SPORT);
      case FdType.IPV4_SERVSOCK: return s.readUInt16LE(SockOff.V4S_PORT);
      case FdType.IPV6_SOCK: return s.readUInt16LE(SockOff.V6_SPORT);
      case FdType.IPV6_SERVSOCK: return s.readUInt16LE(SockOff.V6S_PORT);
      default: return 0;
    }
  }

  get dport(): number {
    const s = this.sock;
    if (s === undefined) return 0;
    switch (this.type) {
      case FdType.IPV4_SOCK: return s.readUInt16LE(SockOff.V4_DPORT);
      case FdType.IPV6_SOCK: return s.readUInt16LE(SockOff.V6_DPORT);
      default: return 0;
    }
  }

  /** The L4 protocol as sinsp reports it (get_l4proto): not known yet for a socket with no role. */
  get l4proto(): number {
    const s = this.sock;
    if (s === undefined) return L4.NA;
    switch (this.type) {
      case FdType.IPV4_SOCK: case FdType.IPV6_SOCK: {
        const l4 = s[this.type === FdType.IPV4_SOCK ? SockOff.V4_L4 : SockOff.V6_L4];
        return l4 === L4.RAW || !this.isRoleNone() ? l4 : L4.NA;
      }
      case FdType.IPV4_SERVSOCK: return s[SockOff.V4S_L4];
      case FdType.IPV6_SERVSOCK: return s[SockOff.V6S_L4];
      default: return L4.NA;
    }
  }

  get unixSource(): bigint {
    return this.sock === undefined ? 0n : this.sock.readBigUInt64LE(SockOff.UNIX_SRC);
  }

  get unixDest(): bigint {
    return this.sock === undefined ? 0n : this.sock.readBigUInt64LE(SockOff.UNIX_DST);
  }

  get isServer(): boolean {
    return (this.flags & FdFlag.ROLE_SERVER) !== 0;
  }

  get isRoleClient(): boolean {
    return (this.flags & FdFlag.ROLE_CLIENT) !== 0;
  }

  get connected(): boolean {
    return (this.flags & FdFlag.SOCKET_CONNECTED) !== 0;
  }

  isRoleNone(): boolean {
    return (this.flags & (FdFlag.ROLE_CLIENT | FdFlag.ROLE_SERVER)) === 0;
  }

  setConnected(): void {
    this.flags = (this.flags & ~(FdFlag.CONNECTION_PENDING | FdFlag.CONNECTION_FAILED)) | FdFlag.SOCKET_CONNECTED;
  }

  /** sinsp counts only IPv4 sockets as TCP or UDP ones. */
  isTcpSocket(): boolean {
    return this.type === FdType.IPV4_SOCK && this.sock !== undefined && this.sock[SockOff.V4_L4] === L4.TCP;
  }

  isUdpSocket(): boolean {
    return this.type === FdType.IPV4_SOCK && this.sock !== undefined && this.sock[SockOff.V4_L4] === L4.UDP;
  }

  /** Overwrite this entry with another's contents (sinsp's struct copy). */
  copyFrom(o: FdEntry): void {
    this.type = o.type;
    this.openFlags = o.openFlags;
    this.name = o.name;
    this.nameRaw = o.nameRaw;
    this.oldName = o.oldName;
    this.flags = o.flags;
    this.dev = o.dev;
    this.ino = o.ino;
    this.mountId = o.mountId;
    this.pid = o.pid;
    if (o.sock !== undefined) o.sock.copy(this.sockBuf());
    else if (this.sock !== undefined) this.sock.fill(0);
  }

  clone(): FdEntry {
    const c = new FdEntry();
    c.copyFrom(this);
    return c;
  }
}
