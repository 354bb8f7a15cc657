// `ghostwatch fields`: every field with its type and a one-line description, in the layout of
// sysdig -lv (sysdig -l without types is `--brief`).
import { FIELD_CLASSES } from '../fields/registry.js';
import { listFields } from '../fields/list.js';

export function printFields(brief = false): void {
  process.stdout.write(listFields(FIELD_CLASSES, !brief));
}
