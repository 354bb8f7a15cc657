// Walking a process's family the way libsinsp does: from the thread to its process's main thread,
// then from parent to parent through each one's ptid, guarding against loops in broken state.
import { CloneFlag } from '../capture/flags.js';
import type { StateView, ThreadInfo } from '../state/types.js';

export function isMainThread(t: ThreadInfo): boolean {
  return t.tid === t.pid || (t.flags & CloneFlag.IS_MAIN_THREAD) !== 0;
}

/** The thread's process (its main thread). */
export function processOf(state: StateView, t: ThreadInfo): ThreadInfo {
  return isMainThread(t) ? t : state.mainThread(t);
}

/** The thread that created t (by t's ptid), if the state knows it. */
export function parentOf(state: StateView, t: ThreadInfo): ThreadInfo | undefined {
  return t.ptid === -1 ? undefined : state.thread(t.ptid);
}

/** The n-th ancestor of t's process (0: the process itself). */
export function ancestor(state: StateView, t: ThreadInfo, n: number): ThreadInfo | undefined {
  let p: ThreadInfo | undefined = processOf(state, t);
  for (let i = 0; i < n && p !== undefined; i++) p = parentOf(state, p);
  return p;
}

/**
 * The ancestors of t's process, parent first, stopping at the first unknown one (sinsp's
 * traverse_parent_state from the main thread).
 */
export function ancestors(state: StateView, t: ThreadInfo): ThreadInfo[] {
  return parentChain(state, processOf(state, t));
}

/**
 * The threads reached from t by following ptid, t's creator first. A second walker moving two
 * steps at a time stops the walk if the chain loops back on itself.
 */
export function parentChain(state: StateView, t: ThreadInfo): ThreadInfo[] {
  const out: ThreadInfo[] = [];
  let slow = parentOf(state, t);
  let fast = slow && parentOf(state, slow);
  while (slow !== undefined && slow.tid !== -1) {
    out.push(slow);
    slow = parentOf(state, slow);
    for (let i = 0; i < 2; i++) {
      fast = fast && parentOf(state, fast);
      if (slow !== undefined && ((fast !== undefined && slow.tid === fast.tid) || slow.tid === slow.ptid)) return out;
    }
  }
  return out;
}
