// What the outputs share: how a failure's cause is said on one line.

/** The reason of an error, on one line. */
export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = err instanceof Error ? (err.code !== undefined && !err.message.includes(err.code) ? `${err.message} (${err.code})` : err.message) : String(e);
  return text.replace(/[\r\n]+/g, ' ');
}
