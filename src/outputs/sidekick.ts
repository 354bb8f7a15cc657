// An alert in Falcosidekick's JSON shape (what its HTTP endpoint takes, and what webhooks fed by
// Falcosidekick receive): output, priority, rule, time, output_fields, source, tags, hostname and
// uuid, the alert's stable id that receivers de-duplicate on. Written by JSON.stringify, except
// output_fields, which the formatter already wrote as JSON text.
import type { Alert } from './target.js';

/** The alert's output_fields as JSON text, without parsing and printing them again when the formatter kept them. */
export function outputFieldsJson(a: Alert): string {
  const kept = (a as { outputFieldsJson?: unknown }).outputFieldsJson;
  return typeof kept === 'string' ? kept : JSON.stringify(a.outputFields);
}

export function sidekickJson(a: Alert): string {
  const head = JSON.stringify({
    uuid: a.uuid, output: a.output, priority: a.priority, rule: a.rule, time: a.time, source: a.source, tags: a.tags, hostname: a.hostname,
    ...(a.capture !== undefined && { capture: a.capture }),
  });
  return `${head.slice(0, -1)},"output_fields":${outputFieldsJson(a)}}`;
}
