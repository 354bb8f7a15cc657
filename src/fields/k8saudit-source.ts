// The fields of the k8s_audit event source, as Falco has them with its k8saudit and json plugins
// loaded: the generic evt fields of a plugin source (evt.time, evt.rawtime, evt.source...), the
// k8saudit plugin's ka.* fields and, when the json plugin is loaded, its json.* and jevt.* fields.
import { hostname } from 'node:os';
import { pluginData } from '../capture/plugin-event.js';
import { emptyStateView } from '../state/types.js';
import { JSON_CLASS } from './json.js';
import { K8SAUDIT_CLASS } from './k8saudit.js';
import { pluginEventClass } from './plugin-fields.js';
import { createClassRegistry, type Registry } from './registry.js';
import type { FieldClass, FieldOptions } from './spec.js';

export const K8S_AUDIT_SOURCE = 'k8s_audit';

/** The generic fields of k8s_audit events: the source, the plugin, and the event's JSON as its one-line summary. */
export const K8S_AUDIT_EVENT_CLASS: FieldClass = pluginEventClass({
  source: K8S_AUDIT_SOURCE,
  plugin: 'k8saudit',
  info: (evt) => pluginData(evt)?.toString('utf8'),
});

/** The field classes of the k8s_audit source, in the order Falco consults them. */
export function k8sAuditClasses(withJson: boolean): FieldClass[] {
  return withJson ? [K8S_AUDIT_EVENT_CLASS, K8SAUDIT_CLASS, JSON_CLASS] : [K8S_AUDIT_EVENT_CLASS, K8SAUDIT_CLASS];
}

/** The registry rules of source k8s_audit are compiled against. */
export function createK8sAuditRegistry(withJson: boolean, opts: FieldOptions = {}): Registry {
  // k8s_audit events belong to no thread: the fields see an empty state. Rules files written for
  // Falco before 2024 use `contains` on list fields (ka.req.role.rules.resources).
  return Object.assign(createClassRegistry(k8sAuditClasses(withJson), emptyStateView(hostname()), opts), { anyItemOperators: true });
}
