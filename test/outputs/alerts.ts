// Alerts for the output tests: each with its own uuid, the line given, the rest a fixed rule's.
import { randomUUID } from 'node:crypto';
import type { Alert } from '../../src/outputs/target.js';

export function testAlert(line: string, over: Partial<Alert> = {}): Alert {
  return {
    uuid: randomUUID(), time: '2016-08-04T16:17:57.881730713Z', rule: 'open_from_cat', priority: 'Warning', source: 'syscall',
    hostname: 'test-host', output: line, outputFields: { 'proc.name': 'cat' }, tags: ['filesystem'], line, ...over,
  };
}

/** The signal of an attempt that has no deadline. */
export const NO_DEADLINE = new AbortController().signal;
