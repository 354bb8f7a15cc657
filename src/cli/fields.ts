// `ghostwatch fields`: every field with its type and a one-line description, like sysdig -l.
import { FIELD_CLASSES } from '../fields/registry.js';
import { listFields } from '../fields/list.js';

export function printFields(verbose = false): void {
  process.stdout.write(listFields(FIELD_CLASSES, verbose));
}
