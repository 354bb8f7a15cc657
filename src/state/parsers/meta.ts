// Events that describe the environment rather than a syscall: container descriptions written into
// the capture, and (newer drivers) users and groups added or deleted.
import type { Event } from '../../capture/event.js';
import type { Core } from '../core.js';
import { newContainer } from '../containers.js';
import { E } from '../event-ids.js';

/** A container JSON event. The thread it shows is a stand-in for the container, as in sinsp. */
export function containerJson(c: Core, evt: Event): void {
  const info = c.containers.parseJson(evt.paramStr(0));
  if (info === undefined) return;
  const t = c.threads.create();
  t.tid = -1;
  t.pid = -1;
  t.ptid = 0; // sysdig 0.29.3 shows proc.ppid 0 for it
  t.vtid = -2;
  t.vpid = -2;
  t.comm = `container:${info.id}`;
  t.containerId = info.id;
  c.cur = t;
  c.containers.add(info);
  // A container whose lookup failed is recorded but its event is not shown.
  if (!info.lookupSuccessful) c.hidden = true;
}

/** The oldest container event: id, type, name and image as parameters. */
export function containerOld(c: Core, evt: Event): void {
  const info = newContainer(evt.paramStr(0), evt.paramUint(1));
  info.name = evt.paramStr(2);
  info.image = evt.paramStr(3);
  c.containers.add(info);
}

/** useradded/userdeleted/groupadded/groupdeleted: only the host's users and groups are kept. */
export function userGroupEvent(c: Core, evt: Event): void {
  const isUser = evt.type === E.USER_ADDED_E || evt.type === E.USER_DELETED_E;
  const container = evt.paramStr(isUser ? 5 : 2);
  if (container !== '') return;
  if (isUser) {
    const uid = evt.paramUint(0);
    if (evt.type === E.USER_DELETED_E) c.users.delete(uid);
    else c.users.set(uid, { uid, gid: evt.paramUint(1), name: evt.paramStr(2), home: evt.paramStr(3), shell: evt.paramStr(4) });
  } else {
    const gid = evt.paramUint(0);
    if (evt.type === E.GROUP_DELETED_E) c.groups.delete(gid);
    else c.groups.set(gid, { gid, name: evt.paramStr(1) });
  }
}
