// The line buffer `events` prints through: what it writes is what the strings given say, in UTF-8,
// integers written as digits included, whole lines at a time.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineOutput } from '../../src/cli/output.js';

/** A LineOutput over a stream that keeps what it is given. */
function capture(): { out: LineOutput; written: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { out: new LineOutput(stream), written: () => Buffer.concat(chunks).toString('utf8') };
}

describe('LineOutput', () => {
  it('writes an integer as String() does, alone and among text', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.maxSafeNat(), fc.nat({ max: 1000 }), fc.string({ unit: 'grapheme' }))), (parts) => {
      const { out, written } = capture();
      for (const p of parts) {
        if (typeof p === 'number') out.digits(p);
        else out.text(p);
      }
      out.endLine();
      out.flush();
      assert.equal(written(), `${parts.map(String).join('')}\n`);
    }));
  });

  it('writes the integers at the edges: 0, 9, 10, 2^53 - 1', () => {
    const { out, written } = capture();
    for (const n of [0, 9, 10, 99, 100, Number.MAX_SAFE_INTEGER]) {
      out.digits(n);
      out.endLine();
    }
    out.flush();
    assert.equal(written(), '0\n9\n10\n99\n100\n9007199254740991\n');
  });

  it('grows for a line longer than its buffer, digits included', () => {
    const { out, written } = capture();
    const long = 'x'.repeat(3 << 20);
    out.text(long);
    out.digits(1234567);
    out.endLine();
    out.flush();
    assert.equal(written(), `${long}1234567\n`);
  });
});
