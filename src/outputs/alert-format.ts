// Alerts as Falco writes them. Text: "<time>: <Priority> <rule output>", the time being the
// event's local time of day (%evt.time) or its ISO 8601 time (%evt.time.iso8601), with fields
// missing from the event printed as <NA>. JSON: one object per line, keys as Falco writes them
// (hostname, message, output, priority, rule, source, tags, time), then "output_fields" with the
// value of every field the output uses.
//
// Nothing from an event can break a line or the JSON: the text line is escaped as the inside of a
// JSON string (control characters become \n, \u001b...; quotes and backslashes are escaped), as
// Falco does, and the JSON is written by JSON.stringify.
//
// Each alert is an Alert (target.ts): the line above, for stdout, file and program, and the
// fields of Falcosidekick's JSON (time, rule, priority, source, hostname, output, output_fields,
// tags) with a random uuid, for the network outputs. Every producer of alerts (rules, plugin
// sources, ghostwatch's internal alerts) goes through this formatter.
import { randomUUID } from 'node:crypto';
import { Event } from '../capture/event.js';
import type { GhostwatchConfig } from '../config/config.js';
import { OutputFormat } from '../fields/format.js';
import type { BoundField, FieldRegistry } from '../fields/types.js';
import { priorityName, type LoadedRule, type Priority } from '../rules/index.js';
import { fieldJson } from './json-fields.js';
import type { Alert } from './target.js';

export interface AlertFormatSettings {
  readonly json: boolean;
  readonly includeOutput: boolean;
  readonly includeTags: boolean;
  readonly includeMessage: boolean;
  readonly includeOutputFields: boolean;
  readonly iso8601: boolean;
  readonly hostname: string;
}

/** The alerts' format the configuration sets (json_output and its json_include_* keys, time_format_iso_8601). */
export function alertFormatSettings(config: GhostwatchConfig, hostname: string): AlertFormatSettings {
  return {
    json: config.jsonOutput,
    includeOutput: config.jsonIncludeOutputProperty,
    includeTags: config.jsonIncludeTagsProperty,
    includeMessage: config.jsonIncludeMessageProperty,
    includeOutputFields: config.jsonIncludeOutputFieldsProperty,
    iso8601: config.timeFormatIso8601,
    hostname,
  };
}

/** Where a rendering takes each field's value: the event, or values read earlier. */
interface FieldValues {
  readonly text: (f: BoundField) => string | undefined;
  readonly json: (f: BoundField) => string;
}

interface ExtraField {
  readonly key: string;
  /** For a raw field: the field whose typed value is given. */
  readonly raw?: BoundField;
  readonly format: OutputFormat;
}

/** A rule's output, parsed once. */
export interface PreparedOutput {
  readonly rule: LoadedRule;
  readonly priority: string;
  readonly message: OutputFormat;
  /** The fields of output_fields, sorted by name, each once. */
  readonly fields: readonly BoundField[];
  readonly extra: readonly ExtraField[];
}

export class AlertFormatter {
  private readonly time: OutputFormat;
  private readonly timeField: BoundField;

  constructor(
    private readonly registry: FieldRegistry,
    private readonly s: AlertFormatSettings,
  ) {
    this.time = OutputFormat.parse(registry, s.iso8601 ? '*%evt.time.iso8601' : '*%evt.time');
    this.timeField = this.time.fields[0];
  }

  prepare(rule: LoadedRule): PreparedOutput {
    const text = rule.output.startsWith('*') ? rule.output : `*${rule.output}`;
    const message = OutputFormat.parse(this.registry, text);
    const byName = new Map<string, BoundField>([[this.timeField.text, this.timeField]]);
    for (const f of message.fields) if (!byName.has(f.text)) byName.set(f.text, f);
    const fields = [...byName.values()].sort((a, b) => byCodeUnits(a.text, b.text));
    const extra = [...rule.extraOutputFields].map(([key, { format, raw }]) => {
      const f = OutputFormat.parse(this.registry, format.startsWith('*') ? format : `*${format}`);
      return { key, format: f, ...(raw && f.fields.length > 0 && { raw: f.fields[0] }) };
    });
    return { rule, priority: priorityName(rule.priority), message, fields, extra };
  }

  /** The alert for this event (with the flight recorder's capture of it, when there is one). */
  format(p: PreparedOutput, evt: Event, capture?: string): Alert {
    return this.render(p, evt, { text: (f) => f.render(evt), json: (f) => fieldJson(f, evt) }, capture);
  }

  /**
   * The alert for this event, rendered later: every field is read now, except those whose value
   * comes from the container runtime (fromRuntime), read when the returned function is called.
   */
  deferred(p: PreparedOutput, evt: Event, capture?: string): () => Alert {
    const text = new Map<BoundField, string | undefined>();
    const json = new Map<BoundField, string>();
    const late = new Event();
    late.thread = evt.thread;
    late.tsHi = evt.tsHi;
    late.tsLo = evt.tsLo;
    const fields = [this.timeField, ...p.message.fields, ...p.fields, ...p.extra.flatMap((x) => [...x.format.fields, ...(x.raw ? [x.raw] : [])])];
    for (const f of fields) {
      if (f.def.fromRuntime === true || text.has(f)) continue;
      text.set(f, f.render(evt));
      json.set(f, fieldJson(f, evt));
    }
    return () => this.render(p, late, {
      text: (f) => (text.has(f) ? text.get(f) : f.render(late)),
      json: (f) => json.get(f) ?? fieldJson(f, late),
    }, capture);
  }

  private render(p: PreparedOutput, evt: Event, v: FieldValues, capture?: string): Alert {
    const message = p.message.formatWith(v.text)!;
    const output = `${this.time.formatWith(v.text)!}: ${p.priority} ${message}`;
    const r = p.rule;
    const time = isoTime(evt.ts());
    const fieldsJson = this.outputFields(p, v);
    const alert = { time, rule: r.name, priority: p.priority, source: r.source, hostname: this.s.hostname, output, tags: r.tags, ...(capture !== undefined && { capture }) };
    if (!this.s.json) return new FormattedAlert(alert, fieldsJson, escapeLine(output));
    const head: Record<string, unknown> = { hostname: this.s.hostname };
    if (this.s.includeMessage) head.message = message;
    if (this.s.includeOutput) head.output = output;
    Object.assign(head, { priority: p.priority, rule: r.name, source: r.source });
    if (this.s.includeTags) head.tags = r.tags;
    head.time = time;
    // ghostwatch's: where the flight recorder writes the events around this alert.
    if (capture !== undefined) head.capture = capture;
    const json = JSON.stringify(head);
    const line = this.s.includeOutputFields ? `${json.slice(0, -1)}, "output_fields": ${fieldsJson}}` : json;
    return new FormattedAlert(alert, fieldsJson, line);
  }

  /** A message of ghostwatch itself (source "internal"), with its fields, as Falco writes them. */
  internal(tsNs: bigint, priority: Priority, message: string, rule: string, fields: Record<string, string | number>): Alert {
    const keys = Object.keys(fields).sort();
    const sorted: Record<string, string | number> = {};
    for (const k of keys) sorted[k] = fields[k];
    const fieldsJson = JSON.stringify(sorted);
    const time = isoTime(tsNs);
    const alert = { time, rule, priority: priorityName(priority), source: 'internal', hostname: this.s.hostname, output: message, tags: [] };
    if (this.s.json) {
      return new FormattedAlert(alert, fieldsJson, JSON.stringify({
        hostname: this.s.hostname, output: message, output_fields: sorted, priority: priorityName(priority), rule, source: 'internal', time,
      }));
    }
    const list = keys.map((k) => `${k}=${JSON.stringify(fields[k])}`).join(' ');
    // Nothing here comes from an event: written as it is, as Falco does.
    return new FormattedAlert(alert, fieldsJson, `${localTimeOfDay(tsNs)}: ${priorityName(priority)} ${message} (${list})`);
  }

  private outputFields(p: PreparedOutput, v: FieldValues): string {
    const values = new Map<string, string>();
    for (const f of p.fields) values.set(f.text, v.json(f));
    for (const x of p.extra) values.set(x.key, x.raw !== undefined ? v.json(x.raw) : JSON.stringify(x.format.formatWith(v.text)!));
    const keys = p.extra.length === 0 ? [...values.keys()] : [...values.keys()].sort(byCodeUnits);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${values.get(k)!}`).join(',')}}`;
  }
}

type AlertHead = Omit<Alert, 'uuid' | 'line' | 'outputFields'>;

/**
 * An alert as formatted: output_fields is kept as the JSON text the formatter wrote (the http
 * output sends it as it is) and parsed only when an output asks for the object.
 */
export class FormattedAlert implements Alert {
  readonly uuid = randomUUID();
  readonly time: string;
  readonly rule: string;
  readonly priority: string;
  readonly source: string;
  readonly hostname: string;
  readonly output: string;
  readonly tags: readonly string[];
  readonly capture?: string;
  private fields: Readonly<Record<string, unknown>> | undefined;

  constructor(head: AlertHead, readonly outputFieldsJson: string, readonly line: string) {
    this.time = head.time;
    this.rule = head.rule;
    this.priority = head.priority;
    this.source = head.source;
    this.hostname = head.hostname;
    this.output = head.output;
    this.tags = head.tags;
    if (head.capture !== undefined) this.capture = head.capture;
  }

  get outputFields(): Readonly<Record<string, unknown>> {
    this.fields ??= JSON.parse(this.outputFieldsJson) as Record<string, unknown>;
    return this.fields;
  }
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A line with every control character, quote and backslash escaped as in a JSON string. */
export function escapeLine(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** "2016-08-04T16:17:57.881781397Z" */
export function isoTime(tsNs: bigint): string {
  const sec = tsNs / 1_000_000_000n;
  const ns = tsNs % 1_000_000_000n;
  const d = new Date(Number(sec) * 1000);
  return `${d.toISOString().slice(0, 19)}.${ns.toString().padStart(9, '0')}Z`;
}

/** "16:17:57.881781397", local time. */
export function localTimeOfDay(tsNs: bigint): string {
  const d = new Date(Number(tsNs / 1_000_000n));
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${(tsNs % 1_000_000_000n).toString().padStart(9, '0')}`;
}
