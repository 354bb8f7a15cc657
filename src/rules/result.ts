// The outcome of loading one rules file: whether it loaded, and every error and warning with its
// code, message and context (Falco's falco_load_result).
import type { ErrorCode, WarningCode } from './codes.js';
import type { Context } from './context.js';

export interface LoadError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly context: Context;
}

export interface LoadWarning {
  readonly code: WarningCode;
  readonly message: string;
  readonly context: Context;
  /** For LOAD_DEPRECATED_ITEM about a field: the field (evt.dir...). */
  readonly deprecatedField?: string;
}

export class LoadResult {
  readonly errors: LoadError[] = [];
  readonly warnings: LoadWarning[] = [];
  /** The schema check of each YAML document ('ok' or failure messages); empty when the file did not parse. */
  schemaStatus: readonly string[] = [];

  /** `name`: the file name as given. */
  constructor(readonly name: string) {}

  get successful(): boolean {
    return this.errors.length === 0;
  }

  /** Whether the schema check passed: decided by the first document, as Falco does. undefined: not checked. */
  get schemaValid(): boolean | undefined {
    return this.schemaStatus.length === 0 ? undefined : this.schemaStatus[0] === 'ok';
  }

  get hasWarnings(): boolean {
    return this.warnings.length > 0;
  }

  addError(code: ErrorCode, message: string, context: Context): void {
    this.errors.push({ code, message, context });
  }

  addWarning(code: WarningCode, message: string, context: Context, deprecatedField?: string): void {
    this.warnings.push({ code, message, context, ...(deprecatedField !== undefined && { deprecatedField }) });
  }
}

/** An error that stops the load of a file (Falco's rule_load_exception). */
export class RuleLoadError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
    readonly context: Context,
  ) {
    super(reason);
  }
}

/** Throws a RuleLoadError when `failed`. */
export function check(failed: boolean, code: ErrorCode, reason: string, context: Context): void {
  if (failed) throw new RuleLoadError(code, reason, context);
}
