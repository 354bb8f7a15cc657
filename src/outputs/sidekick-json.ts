// An alert as Falcosidekick's payload: Falco's JSON (time, rule, priority, source, hostname, output,
// output_fields, tags) plus the alert's uuid, which receivers de-duplicate on. What NATS and Loki
// carry, whatever json_output says (stdout, file and program print the alert's `line`).
// JSON.stringify escapes every control character: nothing from an event can break the document.
import type { Alert } from './target.js';

export function sidekickJson(alert: Alert): string {
  return JSON.stringify({
    time: alert.time,
    rule: alert.rule,
    priority: alert.priority,
    source: alert.source,
    hostname: alert.hostname,
    output: alert.output,
    output_fields: alert.outputFields,
    tags: alert.tags,
    uuid: alert.uuid,
  });
}
