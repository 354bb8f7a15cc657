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

// Prime u32's feedback with a value past 2^31: otherwise V8 first compiles it (and every hot
// function it is inlined into: the reader, Event.reset) for small integers, and throws all of that
// code away at the first timestamp or id past 2^31, in the middle of the first million events.
// V8 records feedback only once a function has been called a few times: hence the loop.
const PAST_2_31 = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
for (let i = 0; i < 64; i++) u32(PAST_2_31, 0);
