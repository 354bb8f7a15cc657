// Load results as Falco prints them for -V: as JSON ({"falco_load_results":[...]}, one compact
// line, keys in alphabetical order as nlohmann::json keeps them), or as text (a summary line per
// file, and with `verbose` every error and warning with its locations and a snippet).
import { ERROR_CODES, WARNING_CODES } from './codes.js';
import { type Context, type Location, snippetOf } from './context.js';
import type { LoadResult, LoadWarning } from './result.js';

type Contents = ReadonlyMap<string, string>;

function contextJson(ctx: Context, contents: Contents): object {
  return {
    locations: ctx.locations.map((l) => ({
      item_name: l.itemName,
      item_type: l.itemType,
      position: { column: l.position.column, line: l.position.line, name: l.name, offset: l.position.offset },
    })),
    snippet: snippetOf(ctx, contents),
  };
}

function warningJson(w: LoadWarning, contents: Contents): object {
  return {
    code: w.code,
    codedesc: WARNING_CODES[w.code].desc,
    context: contextJson(w.context, contents),
    ...(w.deprecatedField !== undefined && { deprecated_field: w.deprecatedField }),
    message: w.message,
  };
}

/** One file's result as Falco's JSON object. */
export function loadResultJson(r: LoadResult, contents: Contents): object {
  return {
    errors: r.errors.map((e) => ({
      code: e.code,
      // Falco prints the short text here (its error description table is unused).
      codedesc: ERROR_CODES[e.code],
      context: contextJson(e.context, contents),
      message: e.message,
    })),
    name: r.name,
    ...(r.schemaValid !== undefined && { schema_valid: r.schemaValid, schema_warnings: r.schemaValid ? [] : r.schemaStatus }),
    successful: r.successful,
    warnings: r.warnings.map((w) => warningJson(w, contents)),
  };
}

/** The line `falco -V ... -o json_output=true` prints. */
export function renderLoadResultsJson(results: readonly LoadResult[], contents: Contents): string {
  return JSON.stringify({ falco_load_results: results.map((r) => loadResultJson(r, contents)) });
}

function warningShort(w: LoadWarning): string {
  const short = WARNING_CODES[w.code].short;
  return w.deprecatedField !== undefined ? `${short}: field '${w.deprecatedField}'` : short;
}

function statusLine(r: LoadResult): string {
  return `${r.name === '' ? '' : `${r.name}: `}${r.successful ? (r.hasWarnings ? 'Ok, with warnings' : 'Ok') : 'Invalid'}`;
}

function contextText(ctx: Context): string {
  return ctx.locations
    .map((l, i) => `${i === 0 ? 'In ' : '    '}${l.itemType}${l.itemName === '' ? '' : ` '${l.itemName}'`}: (${l.name}:${l.position.line}:${l.position.column})\n`)
    .join('');
}

/**
 * A file's result as text. Not verbose: the status line, then one line listing the codes of the
 * errors and one of the warnings. Verbose: each error and warning in full.
 */
export function renderLoadResultText(r: LoadResult, contents: Contents, verbose: boolean): string {
  let out = statusLine(r);
  if (r.schemaValid === false) {
    const n = r.schemaStatus.length;
    out += verbose
      ? `\n${n} Schema warnings:\n${r.schemaStatus.map((s) => `------\n${s}\n`).join('')}------\n`
      : `\n ${n} schema warnings: [${r.schemaStatus.join(' ')}]`;
  }
  if (!verbose) {
    if (r.errors.length > 0) out += `\n ${r.errors.length} errors: [${r.errors.map((e) => `${e.code} (${ERROR_CODES[e.code]})`).join(' ')}]`;
    if (r.warnings.length > 0) out += `\n ${r.warnings.length} warnings: [${r.warnings.map((w) => `${w.code} (${warningShort(w)})`).join(' ')}]`;
    return out;
  }
  if (r.errors.length > 0) {
    out += `\n${r.errors.length} Errors:\n`;
    for (const e of r.errors) {
      out += `${contextText(e.context)}------\n${snippetOf(e.context, contents)}------\n${e.code} (${ERROR_CODES[e.code]}): ${e.message}\n`;
    }
  }
  if (r.warnings.length > 0) {
    out += `\n${r.warnings.length} Warnings:\n`;
    for (const w of r.warnings) {
      out += `${contextText(w.context)}------\n${snippetOf(w.context, contents)}------\n${w.code} (${warningShort(w)}): ${w.message}\n`;
    }
  }
  return out;
}

/**
 * What `falco -V FILE...` prints on stdout without json_output: per file, the full text when it
 * failed or has no warnings, else just "<file>: Ok, with warnings" (Falco logs the warnings on
 * stderr, as renderLoadResultText(r, contents, true)). Files are separated by a newline.
 */
export function renderValidationSummary(results: readonly LoadResult[], contents: Contents): string {
  return results.map((r) => (!r.successful || !r.hasWarnings ? renderLoadResultText(r, contents, true) : `${r.name}: Ok, with warnings`)).join('\n');
}

/**
 * Where an error or warning is, on one line, numbered as -V numbers it (Falco's convention: file
 * positions 0-based like YAML marks; a spot in a condition is its 1-based place in the condition
 * added to the condition's position): the innermost named item, then the innermost location
 * when it is more precise, e.g. `rule 'r' at rules.yaml:0:2, condition expression at "evt.type=opne":3:23`.
 */
export function placeText(ctx: Context): string {
  const locs = ctx.locations;
  const last = ctx.last;
  const item = [...locs].reverse().find((l) => l.itemName !== '') ?? locs[0];
  const at = (l: Location) => `${l.itemType}${l.itemName === '' ? '' : ` '${l.itemName}'`} at ${l.name}:${l.position.line}:${l.position.column}`;
  return item === last ? at(item) : `${at(item)}, ${at(last)}`;
}

/** A file's first error on one line: what `ghostwatch run` and -V print on stderr when a file does not load. */
export function loadErrorLine(r: LoadResult): string {
  const e = r.errors[0];
  return `${r.name}: Invalid: ${e.code} (${ERROR_CODES[e.code]}): ${e.message} (${placeText(e.context)})`;
}

/** Each warning of a file on one line (the form used when ghostwatch's log is off). */
export function loadWarningLines(r: LoadResult): string[] {
  return r.warnings.map((w) => `${r.name}: ${w.code} (${warningShort(w)})${w.message === '' ? '' : `: ${w.message}`} (${placeText(w.context)})`);
}
