// Alerts as the delivery layer hands them to the NATS and Loki outputs.
import { randomUUID } from 'node:crypto';
import type { Alert } from '../../src/outputs/target.js';

export function testAlert(n: number, over: Partial<Alert> = {}): Alert {
  const output = `12:00:00.000000001: Warning File opened (n=${n})`;
  return {
    uuid: randomUUID(),
    time: `2026-12-06T12:00:${String(n % 60).padStart(2, '0')}.000000001Z`,
    rule: 'Read sensitive file untrusted',
    priority: 'Warning',
    source: 'syscall',
    hostname: 'node-1',
    output,
    outputFields: { 'proc.pid': 4242, 'proc.name': 'cat', 'fd.name': '/etc/shadow', n },
    tags: ['filesystem', 'mitre_credential_access'],
    line: output,
    ...over,
  };
}
