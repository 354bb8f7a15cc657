// The user and group classes: the identity of the thread that generated the event, with names from
// the capture's user and group tables.
import type { Event } from '../capture/event.js';
import { ParamType, PrintFormat } from '../capture/event-types.js';
import type { ThreadInfo } from '../state/types.js';
import type { FieldClass, FieldContext, FieldSpec } from './spec.js';
import type { FieldValue } from './types.js';

const T = ParamType;
const F = PrintFormat;

function thr(name: string, type: ParamType, fmt: PrintFormat, desc: string, read: (t: ThreadInfo, c: FieldContext) => FieldValue): FieldSpec {
  return { name, type, printFormat: fmt, arg: 'none', desc, get: (e: Event, c) => (e.thread ? read(e.thread, c) : undefined) };
}

export const USER_CLASS: FieldClass = {
  name: 'user',
  desc: 'Information about the user executing the specific event.',
  fields: [
    thr('user.uid', T.UINT32, F.ID, 'user ID.', (t) => t.uid >>> 0),
    thr('user.name', T.CHARBUF, F.NA, 'user name.', (t, c) => c.state.user(t.uid >>> 0)?.name),
    thr('user.homedir', T.CHARBUF, F.NA, 'home directory of the user.', (t, c) => c.state.user(t.uid >>> 0)?.home),
    thr('user.shell', T.CHARBUF, F.NA, "user's shell.", (t, c) => c.state.user(t.uid >>> 0)?.shell),
    thr('user.loginuid', T.INT32, F.ID, 'audit user id (auid).', (t) => t.loginuid | 0),
    thr('user.loginname', T.CHARBUF, F.NA, 'audit user name (auid).', (t, c) => c.state.user(t.loginuid >>> 0)?.name),
  ],
};

export const GROUP_CLASS: FieldClass = {
  name: 'group',
  desc: 'Information about the user group.',
  fields: [
    thr('group.gid', T.UINT64, F.ID, 'group ID.', (t) => t.gid >>> 0),
    thr('group.name', T.CHARBUF, F.NA, 'group name.', (t, c) => c.state.group(t.gid >>> 0)?.name),
  ],
};
