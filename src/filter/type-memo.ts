// A condition that reads nothing but the event's type name (`evt.type=connect`, `evt.type in
// (open, openat)`, `not syscall.type=read`) gives the same answer for every event of one type:
// evt.type and syscall.type are the type's name (and whether it is a system call), except for the
// generic system call events, which name the system call in their first parameter (remembered by
// that parameter, the system call's id). Such a
// condition is run once per type id and its answer kept: on a million events of a few dozen
// types, the test becomes one array load instead of a name lookup and string comparisons.
import type { Event } from '../capture/event.js';
import type { Expr } from './ast.js';
import type { Predicate } from './shared.js';
import { fieldsOf } from './walk.js';

/** The fields whose value depends on the event type alone (but for the generic events). */
const TYPE_FIELDS: ReadonlySet<string> = new Set(['evt.type', 'syscall.type']);
/** Generic system call events (GENERIC_E, GENERIC_X): their name is their first parameter's. */
const GENERIC_LAST = 1;
/** Generic events with a system call id past this are not remembered (there are about 450 calls). */
const MAX_SYSCALL_ID = 4096;
const UNKNOWN = 0, NO = 1, YES = 2;

/** Whether the condition reads only the event's type name (so is a function of the type id). */
export function dependsOnTypeOnly(ast: Expr): boolean {
  const fields = fieldsOf(ast);
  return fields.length > 0 && fields.every((f) => TYPE_FIELDS.has(f.name) && f.arg === undefined);
}

/**
 * The predicate, answering from a table per type id once it has run for an event of that type.
 * Only for a condition of which dependsOnTypeOnly(ast) holds.
 */
export function memoByEventType(predicate: Predicate): Predicate {
  let known = new Uint8Array(512);
  /** The generic events' answers, by system call id (first parameter) and direction. */
  const knownGeneric = new Uint8Array(2 * MAX_SYSCALL_ID);
  return (evt: Event): boolean => {
    const type = evt.type;
    if (type <= GENERIC_LAST) {
      const id = evt.paramUint(0);
      if (id >= MAX_SYSCALL_ID) return predicate(evt);
      const slot = 2 * id + type;
      const g = knownGeneric[slot];
      if (g !== UNKNOWN) return g === YES;
      const r = predicate(evt);
      knownGeneric[slot] = r ? YES : NO;
      return r;
    }
    if (type >= known.length) {
      const bigger = new Uint8Array(2 * type);
      bigger.set(known);
      known = bigger;
    }
    const k = known[type];
    if (k !== UNKNOWN) return k === YES;
    const r = predicate(evt);
    known[type] = r ? YES : NO;
    return r;
  };
}
