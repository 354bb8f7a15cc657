// The syslog class: messages a process writes to /dev/log, decoded from the write's data buffer
// ('<PRI>message', PRI = facility * 8 + severity). Only the write itself carries them.
import type { Event } from '../capture/event.js';
import { EVENT_TABLE } from '../capture/event-table.js';
import { EventFlag, ParamType, PrintFormat } from '../capture/event-types.js';
import type { FieldClass, FieldSpec } from './spec.js';
import type { FieldValue } from './types.js';

const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'clock', 'authpriv', 'ftp', 'ntp',
  'logaudit', 'logalert', 'cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];
const MAX_PRI_LEN = 15;

interface SyslogMessage { priority: number; message: string }

/** The syslog message a successful write to /dev/log sends, if this event is one. */
export function syslogMessage(e: Event): SyslogMessage | undefined {
  if ((e.type & 1) === 0 || ((EVENT_TABLE[e.type]?.flags ?? 0) & EventFlag.WRITES_TO_FD) === 0) return undefined;
  if (e.fd === undefined || !e.fd.name.includes('/dev/log') || e.nparams < 2 || e.paramInt(0) < 0) return undefined;
  const data = e.paramBytes(1);
  let end = 1;
  while (end < data.length && data[end] !== 0x3e && data[end] !== 0 && end - 1 < MAX_PRI_LEN) end++;
  const pri = data.toString('latin1', 1, end);
  if (pri.length === 0 || data.length < pri.length + 2 || !/^-?\d+$/.test(pri)) return undefined;
  return { priority: Number(pri) | 0, message: data.toString('latin1', pri.length + 2) };
}

function sys(name: string, type: ParamType, fmt: PrintFormat, desc: string, read: (m: SyslogMessage) => FieldValue): FieldSpec {
  return {
    name, type, printFormat: fmt, arg: 'none', desc,
    get: (e) => {
      const m = syslogMessage(e);
      return m && read(m);
    },
  };
}

const facility = (m: SyslogMessage): number => m.priority >>> 3;
const severity = (m: SyslogMessage): number => m.priority & 7;

export const SYSLOG_CLASS: FieldClass = {
  name: 'syslog',
  desc: 'Content of Syslog messages.',
  fields: [
    sys('syslog.facility.str', ParamType.CHARBUF, PrintFormat.NA, 'facility as a string.', (m) => FACILITIES[facility(m)] ?? '<NA>'),
    sys('syslog.facility', ParamType.UINT32, PrintFormat.DEC, 'facility as a number (0-23).', facility),
    sys('syslog.severity.str', ParamType.CHARBUF, PrintFormat.NA, 'severity as a string. Can have one of these values: emerg, alert, crit, err, warn, notice, info, debug',
      (m) => SEVERITIES[severity(m)] ?? '<NA>'),
    sys('syslog.severity', ParamType.UINT32, PrintFormat.DEC, 'severity as a number (0-7).', severity),
    sys('syslog.message', ParamType.CHARBUF, PrintFormat.NA, 'message sent to syslog.', (m) => m.message),
  ],
};
