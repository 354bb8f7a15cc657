// The state every event handler works on: the thread, container, user and interface tables, the
// current event's thread and fd (sinsp's evt->m_tinfo / m_fdinfo), the fd table operations with
// sinsp's close-in-flight bookkeeping, stored enter events, and the work deferred to the next event.
import { Event } from '../capture/event.js';
import type { EventInfo } from '../capture/event-types.js';
import type { GroupInfo, UserInfo } from './types.js';
import { ContainerTable } from './containers.js';
import type { FdEntry } from './fdinfo.js';
import { CANCELED_FD, FdFlag, MAX_FD_TABLE_SIZE } from '../capture/flags.js';
import { ThreadTable, type ThreadEntry } from './threads.js';

/** Events larger than this are not kept as enter events (sinsp's SP_EVT_BUF_SIZE). */
const MAX_STORED_EVENT = 4096;

export type Handler = (c: Core, evt: Event) => void;

export class Core {
  readonly threads = new ThreadTable();
  readonly containers = new ContainerTable();
  readonly users = new Map<number, UserInfo>();
  readonly groups = new Map<number, GroupInfo>();
  hostname = '';
  readonly localIpv4: number[] = [];
  readonly ipv4Ifaces: { addr: number; netmask: number }[] = [];
  readonly ipv6Ifaces: Uint8Array[] = [];
  /** Ports of the server sockets in the capture's fd lists. */
  readonly serverPorts = new Set<number>();

  /** The current event's thread (may change while parsing, e.g. after a tid collision in clone). */
  cur: ThreadEntry | undefined = undefined;
  /** The fd the current event is about, as parsing found it (sinsp's evt->m_fdinfo). */
  curFd: FdEntry | undefined = undefined;

  /** Set by a handler when the event must not be shown (sinsp's m_filtered_out from parsing). */
  hidden = false;

  /** Deferred to the start of the next event, so the current one still shows them. */
  tidToRemove = -1;
  tidOfFdsToRemove = -1;
  /** fdsToRemove[0, fdsToRemoveCount): a reused array, so closing an fd allocates nothing. */
  readonly fdsToRemove: number[] = [];
  fdsToRemoveCount = 0;

  constructor(readonly table: readonly EventInfo[]) {}

  /** A thread's fd entry; remembers its name so a rename during this event can be detected. */
  getFd(t: ThreadEntry, fd: number): FdEntry | undefined {
    if (fd < 0) return undefined;
    const e = t.fds.get(fd);
    if (e !== undefined) e.oldName = e.name;
    return e;
  }

  /**
   * Put `e` in t's fd table under `fd` (an existing entry is overwritten in place) and make it the
   * thread's last event fd. If a close() of that fd is in flight, the old entry is parked so the
   * close's exit removes it instead of the new one.
   */
  addFd(t: ThreadEntry, fd: number, e: FdEntry): FdEntry | undefined {
    const table = t.fds;
    const old = table.get(fd);
    let res: FdEntry | undefined;
    if (old === undefined) {
      if (table.size < MAX_FD_TABLE_SIZE) {
        table.set(fd, e);
        res = e;
      }
    } else {
      if ((old.flags & FdFlag.CLOSE_IN_PROGRESS) !== 0) {
        e.flags = (e.flags & ~FdFlag.CLOSE_IN_PROGRESS) | FdFlag.CLOSE_CANCELED;
        table.set(CANCELED_FD, old.clone());
      }
      old.copyFrom(e);
      res = old;
    }
    t.lastEventFd = fd;
    return res;
  }

  /** Schedule the removal of an fd before the next event (sinsp's erase_fd). */
  eraseFd(t: ThreadEntry, fd: number): void {
    this.tidOfFdsToRemove = t.tid;
    this.fdsToRemove[this.fdsToRemoveCount++] = fd;
  }

  /** Keep a copy of an enter event for its exit event (sinsp's store_event). */
  storeEnter(t: ThreadEntry | undefined, evt: Event): void {
    if (t === undefined || evt.len > MAX_STORED_EVENT) return;
    if (t.enter === undefined) t.enter = this.threads.takeEvent() ?? new Event();
    t.enter.copyFrom(evt);
    t.enterStored = true;
    t.enterValid = evt.cpu !== 0xffff;
  }

  /** The stored enter event matching this exit event (sinsp's retrieve_enter_event). */
  retrieveEnter(t: ThreadEntry | undefined, exit: Event): Event | undefined {
    if (t === undefined || !t.enterValid || !t.enterStored || t.enter === undefined) return undefined;
    if (t.enter.type !== exit.type - 1) {
      t.enterValid = false;
      return undefined;
    }
    return t.enter;
  }

  /** Set t.containerId from its cgroups. */
  resolveContainer(t: ThreadEntry): void {
    this.containers.resolve(t, (x) => this.threads.get(x.ptid, false, true));
  }

  /** True when this event was written by a driver newer than sysdig 0.29.3's (parameters appended). */
  isModern(evt: Event): boolean {
    if (evt.type >= this.table.length) return false;
    const legacy = this.table[evt.type].legacyParams;
    return legacy !== undefined && evt.nparams > legacy;
  }
}
