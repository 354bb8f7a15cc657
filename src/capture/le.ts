// Little-endian reads straight from the bytes, for the per-event paths: Buffer's readUInt32LE and
// friends validate their offset on every call, which costs more than the read itself. Callers
// guarantee the bytes are there (the reader has checked the block's bounds).

export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

export function i32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}
