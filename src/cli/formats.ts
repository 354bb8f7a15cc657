// --format (and the deprecated --markdown): how --list and --list-events print, with Falco's
// messages for a format it does not know and for both options at once.

export type OutputFormatName = 'text' | 'markdown' | 'json';

const FORMATS: readonly OutputFormatName[] = ['text', 'markdown', 'json'];

/** The format asked for, or an Error with Falco's message; `deprecated` is the warning --markdown earns. */
export function outputFormat(format: string | undefined, markdown: boolean): { format: OutputFormatName; deprecated?: string } {
  if (markdown && format !== undefined) throw new Error('Cannot specify both --markdown and --format options together');
  if (format !== undefined && format !== '') {
    const f = format.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f)) throw new Error(`Invalid format '${format}'. Valid values are: text, markdown, json`);
    return { format: f as OutputFormatName };
  }
  if (markdown) return { format: 'markdown', deprecated: 'WARNING: --markdown is deprecated, use --format markdown instead.' };
  return { format: 'text' };
}
