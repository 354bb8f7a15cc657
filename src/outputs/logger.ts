// ghostwatch's own messages (not alerts) on standard error, as Falco logs them: each line starts
// with the time ("Thu Aug  4 16:17:57 2016" local, or "2016-08-04T16:17:57+0000" UTC with
// time_format_iso_8601), and only messages at the configured level or more severe are written.
// Messages are flattened to one line, with every other control character escaped as in a JSON
// string (an escape sequence becomes \u001b[...): a message can carry text from rules, files,
// runtimes or events, and none of it may drive the terminal or forge a line.
import type { LogLevel } from '../config/config.js';

export const LOG = { EMERG: 0, ALERT: 1, CRIT: 2, ERR: 3, WARNING: 4, NOTICE: 5, INFO: 6, DEBUG: 7 } as const;

export interface LoggerSettings {
  readonly enabled: boolean;
  readonly level: LogLevel;
  readonly iso8601: boolean;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  constructor(
    private settings: LoggerSettings,
    private readonly write: (s: string) => void = (s) => process.stderr.write(s),
    private readonly now: () => Date = () => new Date(),
  ) {}

  configure(settings: LoggerSettings): void {
    this.settings = settings;
  }

  /** Whether a message at this level would be written. */
  enabled(level: number): boolean {
    return this.settings.enabled && level <= this.settings.level;
  }

  log(level: number, message: string): void {
    if (!this.enabled(level)) return;
    this.write(`${this.timestamp()}: ${escapeControls(message.replace(/[\r\n]+$/, '').replace(/[\r\n]+/g, ' '))}\n`);
  }

  private timestamp(): string {
    const d = this.now();
    const p2 = (n: number) => String(n).padStart(2, '0');
    if (this.settings.iso8601) {
      return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}+0000`;
    }
    // asctime(): "Thu Aug  4 16:17:57 2016"
    const day = String(d.getDate()).padStart(2, ' ');
    return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
  }
}

/** Control characters (C0, DEL, C1) as JSON-style escapes; everything else as it is. */
export function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\t' ? '\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
