// `ghostwatch fields`: every field with its type and a one-line description, in the layout of
// sysdig -lv (sysdig -l without types is `--brief`): the syscall source's fields, then those of the
// k8s_audit source, each class with the sources it serves.
import { fieldList, SOURCE_FIELDS } from './field-list.js';

export function printFields(brief = false): void {
  process.stdout.write(fieldList(SOURCE_FIELDS, { format: 'text', namesOnly: false, verbose: !brief }));
}
