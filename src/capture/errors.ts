// Errors about a capture's content carry where they are: the file and the byte offset (in the
// uncompressed stream). They are rendered once, at the edge, as one line.

export class CaptureError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`${file}: byte offset ${offset}: ${detail}`);
    this.name = 'CaptureError';
  }
}
