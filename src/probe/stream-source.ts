// The live capture stream as the reader's byte source: the header blocks (built here from the
// caller's CaptureHeader), then the loader's stdout as it arrives.
import type { Readable } from 'node:stream';
import type { ByteSource } from '../capture/reader.js';

export function streamSource(prefix: Buffer, stream: Readable): ByteSource {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let chunk = prefix;
  let at = 0;
  return {
    async fill(dst, off, len) {
      while (at === chunk.length) {
        const next = await chunks.next();
        if (next.done === true) return 0;
        chunk = next.value;
        at = 0;
      }
      const n = Math.min(len, chunk.length - at);
      chunk.copy(dst, off, at, at + n);
      at += n;
      return n;
    },
    async close() {
      await chunks.return?.();
    },
  };
}
