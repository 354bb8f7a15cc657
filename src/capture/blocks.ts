// Block types of the scap capture format. A capture is a sequence of pcapng-style blocks:
// type u32, total length u32, body (padded to 4 bytes), total length u32 again.

export const BlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  MACHINE_INFO: 0x201, MACHINE_INFO_INT: 0x8002abcd,
  PROCLIST_V1: 0x202, PROCLIST_V1_INT: 0x8000abcd,
  PROCLIST_V2: 0x207, PROCLIST_V2_INT: 0x8013abcd,
  PROCLIST_V3: 0x209, PROCLIST_V3_INT: 0x8014abcd,
  PROCLIST_V4: 0x210, PROCLIST_V5: 0x211, PROCLIST_V6: 0x212, PROCLIST_V7: 0x213,
  PROCLIST_V8: 0x214, PROCLIST_V9: 0x215,
  FDLIST: 0x203, FDLIST_INT: 0x8001abcd, FDLIST_V2: 0x218,
  EVENT: 0x204, EVENT_INT: 0x8010abcd, EVENT_V2: 0x216, EVENT_V2_LARGE: 0x221,
  EVENT_FLAGS: 0x208, EVENT_FLAGS_V2: 0x217, EVENT_FLAGS_V2_LARGE: 0x222,
  IFLIST: 0x205, IFLIST_INT: 0x8011abcd, IFLIST_V2: 0x219,
  USERLIST: 0x206, USERLIST_INT: 0x8012abcd, USERLIST_V2: 0x220,
} as const;

export const SECTION_MAGIC = 0x1a2b3c4d;
/** Every block has its 8-byte header and 4-byte trailer. */
export const BLOCK_OVERHEAD = 12;

/** Process list versions by block type (1..9). */
export const PROCLIST_VERSION: ReadonlyMap<number, number> = new Map([
  [BlockType.PROCLIST_V1, 1], [BlockType.PROCLIST_V1_INT, 1],
  [BlockType.PROCLIST_V2, 2], [BlockType.PROCLIST_V2_INT, 2],
  [BlockType.PROCLIST_V3, 3], [BlockType.PROCLIST_V3_INT, 3],
  [BlockType.PROCLIST_V4, 4], [BlockType.PROCLIST_V5, 5], [BlockType.PROCLIST_V6, 6],
  [BlockType.PROCLIST_V7, 7], [BlockType.PROCLIST_V8, 8], [BlockType.PROCLIST_V9, 9],
]);

export interface EventBlockShape {
  /** Events in old (v1) blocks have no nparams in their header. */
  readonly v2: boolean;
  /** EVF blocks carry 32 bits of dump flags after the cpu id. */
  readonly hasFlags: boolean;
  /** Parameter lengths are 32-bit in the LARGE blocks. */
  readonly large: boolean;
}

export const EVENT_BLOCKS: ReadonlyMap<number, EventBlockShape> = new Map([
  [BlockType.EVENT, { v2: false, hasFlags: false, large: false }],
  [BlockType.EVENT_INT, { v2: false, hasFlags: false, large: false }],
  [BlockType.EVENT_FLAGS, { v2: false, hasFlags: true, large: false }],
  [BlockType.EVENT_V2, { v2: true, hasFlags: false, large: false }],
  [BlockType.EVENT_V2_LARGE, { v2: true, hasFlags: false, large: true }],
  [BlockType.EVENT_FLAGS_V2, { v2: true, hasFlags: true, large: false }],
  [BlockType.EVENT_FLAGS_V2_LARGE, { v2: true, hasFlags: true, large: true }],
]);

export function hex(n: number): string {
  return '0x' + n.toString(16);
}
