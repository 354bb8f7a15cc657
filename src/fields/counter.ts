// sysdig's hidden util class: a counter chisels use to number the events they print.
import { ParamType, PrintFormat } from '../capture/event-types.js';
import type { FieldClass } from './spec.js';

export const UTIL_CLASS: FieldClass = {
  name: 'util',
  desc: '',
  hidden: true,
  fields: [
    {
      name: 'util.cnt', type: ParamType.UINT64, printFormat: PrintFormat.ID, arg: 'none', keepsState: true,
      desc: 'incremental counter.',
      make: () => {
        let n = 0;
        return { extract: () => ++n };
      },
    },
  ],
};
