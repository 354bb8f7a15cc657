// The event types a rule condition can match (eventTypesOf), made cheap for large expanded
// conditions: a part of the condition with no check on evt.type, syscall.type or evt.num matches
// every event type whether negated or not, so each group of such parts is collapsed into one
// placeholder (a bare identifier, which eventTypesOf also counts as every type) before the
// derivation. The result is the same set; the derivation visits a handful of nodes, not hundreds.
import type { Expr, IdentifierExpr } from '../filter/ast.js';
import { eventTypesOf, type EventTypeUniverse } from '../filter/evttypes.js';
import { fieldsOf } from '../filter/walk.js';

const TYPE_FIELDS: ReadonlySet<string> = new Set(['evt.type', 'syscall.type', 'evt.num']);

export function ruleEventTypes(e: Expr, universe: EventTypeUniverse): Set<number> {
  return eventTypesOf(collapse(e) ?? placeholder(e), universe);
}

function placeholder(e: Expr): IdentifierExpr {
  return { kind: 'identifier', name: 'any', pos: e.pos };
}

/** The condition with type-neutral parts collapsed; undefined when all of it is type-neutral. */
function collapse(e: Expr): Expr | undefined {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const kept: Expr[] = [];
      let neutral = false;
      for (const c of e.children) {
        const k = collapse(c);
        if (k === undefined) neutral = true;
        else kept.push(k);
      }
      if (kept.length === 0) return undefined;
      if (neutral) kept.push(placeholder(e));
      return kept.length === 1 ? kept[0] : { ...e, children: kept };
    }
    case 'not': {
      const child = collapse(e.child);
      return child === undefined ? undefined : { ...e, child };
    }
    case 'identifier':
      return undefined;
    default:
      return fieldsOf(e).some((f) => TYPE_FIELDS.has(f.name)) ? e : undefined;
  }
}
