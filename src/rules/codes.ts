// The error and warning codes of a rules load, with the short text and the description Falco
// prints for each (falco_load_result). Falco prints an error's short text where its JSON says
// "codedesc" (its error description table is never consulted); warnings get the long description.

export const ERROR_CODES = {
  LOAD_ERR_FILE_READ: 'File read error',
  LOAD_ERR_YAML_PARSE: 'YAML parse error',
  LOAD_ERR_YAML_VALIDATE: 'Error validating internal structure of YAML file',
  LOAD_ERR_COMPILE_CONDITION: 'Error compiling condition',
  LOAD_ERR_COMPILE_OUTPUT: 'Error compiling output',
  LOAD_ERR_VALIDATE: 'Error validating rule/macro/list/exception objects',
  LOAD_ERR_EXTENSION: 'Error in extension item',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

interface WarningText {
  readonly short: string;
  readonly desc: string;
}

export const WARNING_CODES = {
  LOAD_UNKNOWN_SOURCE: {
    short: 'Unknown event source',
    desc: 'A rule has a unknown event source. This can occur when reading rules content without having a corresponding plugin loaded, etc. The rule will be silently ignored.',
  },
  LOAD_UNSAFE_NA_CHECK: {
    short: 'Unsafe <NA> comparison in condition',
    desc: "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule condition. If you need to check for the existence of a field, consider using the 'exists' operator instead.",
  },
  LOAD_NO_EVTTYPE: {
    short: 'Condition has no event-type restriction',
    desc: 'A rule condition matches too many evt.type values. This has a significant performance penalty. Make the condition more specific by adding an evt.type field or further restricting the number of evt.type values in the condition.',
  },
  LOAD_UNKNOWN_FILTER: {
    short: 'Unknown field or event-type in condition or output',
    desc: 'A rule condition or output refers to a field or evt.type that does not exist. This is normally an error, but if a rule has a skip-if-unknown-filter property, the error is downgraded to a warning.',
  },
  LOAD_UNUSED_MACRO: {
    short: 'Unused macro',
    desc: 'A macro is defined in the rules content but is not used by any other macro or rule.',
  },
  LOAD_UNUSED_LIST: {
    short: 'Unused list',
    desc: 'A list is defined in the rules content but is not used by any other list, macro, or rule.',
  },
  LOAD_UNKNOWN_ITEM: {
    short: 'Unknown rules file item',
    desc: 'An unknown top-level object is in the rules content. It will be ignored.',
  },
  LOAD_DEPRECATED_ITEM: {
    short: 'Used deprecated item',
    desc: 'A deprecated item is employed by lists, macros, or rules.',
  },
  LOAD_WARNING_EXTENSION: { short: 'Warning in extension item', desc: 'An extension item has a warning' },
  LOAD_APPEND_NO_VALUES: {
    short: 'Overriding/appending with no values',
    desc: 'A rule exception is overriding/appending with no values',
  },
  LOAD_EXCEPTION_NAME_NOT_UNIQUE: {
    short: 'Multiple exceptions defined with the same name',
    desc: 'A rule is defining multiple exceptions with the same name',
  },
  LOAD_INVALID_MACRO_NAME: { short: 'Invalid macro name', desc: 'A macro is defined with an invalid name' },
  LOAD_INVALID_LIST_NAME: { short: 'Invalid list name', desc: 'A list is defined with an invalid name' },
  LOAD_COMPILE_CONDITION: {
    short: 'Warning in rule condition',
    desc: 'A rule condition or output have been parsed with a warning',
  },
  LOAD_UNKNOWN_KEY: {
    short: 'Unknown key in item definition',
    desc: 'An item in the rules content contains an unrecognized key. The key will be ignored. This may indicate a typo or a property placed on the wrong item type.',
  },
} as const satisfies Record<string, WarningText>;

export type WarningCode = keyof typeof WARNING_CODES;

/** Fields whose use Falco reports as deprecated (LOAD_DEPRECATED_ITEM), in its order. */
export const DEPRECATED_FIELDS: readonly { readonly field: string; readonly desc: string }[] = (() => {
  const latency = 'field is not available due to the drop of enter events.';
  return [
    {
      field: 'evt.dir',
      desc: "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the condition on 'evt.dir'",
    },
    { field: 'evt.latency', desc: latency },
    { field: 'evt.latency.s', desc: latency },
    { field: 'evt.latency.ns', desc: latency },
    { field: 'evt.latency.human', desc: latency },
    { field: 'evt.wait_latency', desc: latency },
  ];
})();

// Messages shared by several places of the loader (Falco's rule_loading_messages).
export const MSG = {
  WARNING_APPEND: "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
  WARNING_ENABLED:
    "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').",
  ERROR_OVERRIDE_APPEND:
    "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
  ERROR_NO_PREVIOUS_MACRO: "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
  ERROR_NO_PREVIOUS_LIST: "List uses 'append' or 'override.items: append' but no list by that name already exists",
  ERROR_NO_PREVIOUS_RULE_APPEND: "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists",
  ERROR_NO_PREVIOUS_RULE_REPLACE:
    "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists",
} as const;
