// Falco's legacy suite was written for the Falco of 2023; ghostwatch's rule loader follows Falco
// 0.63, whose wording changed for a few validation cases. Each entry gives what Falco 0.63 reports
// instead, and why. Used by the legacy suite (harness.ts) and the loader's validation tests.

export interface ExpectedItem {
  readonly item_type: string;
  readonly item_name: string;
  readonly code: string;
  readonly message?: string;
  readonly message_contains?: string;
}

export const LATEST_FALCO: Readonly<Record<string, { validate_errors?: ExpectedItem[]; validate_warnings?: ExpectedItem[] }>> = {
  // An engine version that is neither an integer nor x.y.z is now reported as such.
  invalid_engine_version_not_number: {
    validate_errors: [{
      item_type: 'required_engine_version', item_name: '', code: 'LOAD_ERR_YAML_VALIDATE',
      message: 'Unable to parse engine version \'not-a-number\' as a semver string. Expected "x.y.z" semver format.',
    }],
  },
  // Dangling appends are described for both ways of appending (append: true and override).
  invalid_append_macro_dangling: {
    validate_errors: [{
      item_type: 'macro', item_name: 'dangling append', code: 'LOAD_ERR_VALIDATE',
      message: "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
    }],
  },
  invalid_list_append_dangling: {
    validate_errors: [{
      item_type: 'list', item_name: 'my_list', code: 'LOAD_ERR_VALIDATE',
      message: "List uses 'append' or 'override.items: append' but no list by that name already exists",
    }],
  },
  invalid_rule_append_dangling: {
    validate_errors: [{
      item_type: 'rule', item_name: 'my_rule', code: 'LOAD_ERR_VALIDATE',
      message: "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists",
    }],
  },
  // LOAD_UNKNOWN_FIELD was renamed LOAD_UNKNOWN_FILTER (it also covers unknown event types).
  validate_skip_unknown_noevt: {
    validate_warnings: [{
      item_type: 'rule', item_name: 'Contains Unknown Event And Skipping', code: 'LOAD_UNKNOWN_FILTER',
      message: 'filter_check called with nonexistent field proc.nobody',
    }],
  },
  // Integer engine versions are semver 0.N.0 now, and are printed so.
  engine_version_mismatch: {
    validate_errors: [{
      item_type: 'required_engine_version', item_name: '', code: 'LOAD_ERR_VALIDATE',
      message: 'Rules require engine version 0.9999999.0, but engine version is 0.63.0',
    }],
  },
};
