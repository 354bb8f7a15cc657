// Plugin events: how Falco carries an event of a plugin's source (a Kubernetes audit event, a
// CloudTrail record) through libsinsp — a scap `pluginevent` (PPME_PLUGINEVENT_E) whose two
// parameters are the id of the plugin that produced it (UINT32) and its payload (BYTEBUF, the
// plugin's own encoding: JSON for k8saudit). Wrapping payloads this way lets everything that reads
// events (the filter compiler, the rule engine, the alert formatter) take them unchanged.
import { Event } from './event.js';

export const PLUGINEVENT_E = 322;

const HEADER = 26;
/** pluginevent is a large-payload event: its parameter lengths take 4 bytes. */
const LEN_SIZE = 4;
const NPARAMS = 2;

/**
 * A new Event (not a reused flyweight) holding one plugin event: `tsNs` its time, `num` its
 * number in its source's stream (evt.num), `data` the payload. Plugin events belong to no thread:
 * their tid is -1, as libsinsp gives them.
 */
export function pluginEvent(pluginId: number, tsNs: bigint, data: Uint8Array, num: number): Event {
  const paramsAt = HEADER + NPARAMS * LEN_SIZE;
  const len = paramsAt + 4 + data.length;
  const buf = Buffer.allocUnsafe(len);
  buf.writeBigUInt64LE(tsNs, 0);
  buf.writeBigInt64LE(-1n, 8);
  buf.writeUInt32LE(len, 16);
  buf.writeUInt16LE(PLUGINEVENT_E, 20);
  buf.writeUInt32LE(NPARAMS, 22);
  buf.writeUInt32LE(4, HEADER);
  buf.writeUInt32LE(data.length, HEADER + LEN_SIZE);
  buf.writeUInt32LE(pluginId >>> 0, paramsAt);
  buf.set(data, paramsAt + 4);
  const evt = new Event();
  evt.reset(buf, 0, HEADER, LEN_SIZE, NPARAMS);
  evt.num = num;
  return evt;
}

/** The id of the plugin that produced a plugin event; undefined for any other event. */
export function pluginIdOf(evt: Event): number | undefined {
  return evt.type === PLUGINEVENT_E && evt.paramLen(0) === 4 ? evt.paramUint(0) : undefined;
}

/** A plugin event's payload (a view into the event's buffer); undefined for any other event. */
export function pluginData(evt: Event): Buffer | undefined {
  return evt.type === PLUGINEVENT_E && evt.hasParam(1) ? evt.paramBytes(1) : undefined;
}
