// Every error reaches the user as one line on stderr, never a stack trace. Errors that know
// where they are (a capture's byte offset, a filter's column) say so in their own message.
import { CaptureError } from '../capture/errors.js';

export function errorLine(err: unknown): string {
  if (err instanceof CaptureError) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      const path = (err as NodeJS.ErrnoException).path;
      return `${path ?? ''}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : 'is a directory'}`;
    }
    return err.message;
  }
  return String(err);
}

export function reportError(err: unknown): void {
  // Flatten to one line: a message can carry text from the input (a path, a filter).
  process.stderr.write(`ghostwatch: ${errorLine(err).replace(/[\r\n]+/g, ' ')}\n`);
}
