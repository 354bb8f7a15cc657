// What every alert output does: take alert lines, reopen on request (SIGUSR1), and deliver what is
// pending when ghostwatch stops. Outputs never throw once running: a failure is reported (logged)
// and the output goes on with the next alert, as each output's file describes.

export interface AlertOutput {
  readonly name: string;
  /** Delivers one alert (a text line or a JSON object, without the newline). */
  send(line: string): void;
  /** Closes and opens again what the output writes to (log rotation). */
  reopen(): void;
  /** Delivers what is pending, then releases the output. */
  close(): Promise<void>;
  /** How many alerts it has finished with (delivered or failed): shows progress while closing. */
  readonly handled: number;
}

/** Where outputs report failures while running. */
export type FailureReport = (message: string) => void;

/** The reason of an error, on one line. */
export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = err instanceof Error ? (err.code !== undefined && !err.message.includes(err.code) ? `${err.message} (${err.code})` : err.message) : String(e);
  return text.replace(/[\r\n]+/g, ' ');
}
