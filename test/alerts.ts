// Falco's JSON alert (json_output), as the tests read it: which keys are present depends on the
// json_include_* settings, which the tests check with Object.keys.

export interface AlertJson {
  readonly hostname: string;
  readonly rule: string;
  readonly priority: string;
  readonly source: string;
  readonly time: string;
  readonly output: string;
  readonly message?: string;
  readonly tags: string[];
  readonly output_fields: Record<string, string | number | boolean | null>;
}

/** One alert line of json_output. */
export function parseAlert(line: string): AlertJson {
  return JSON.parse(line) as AlertJson;
}
