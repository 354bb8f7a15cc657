// The delivery layer in a real `ghostwatch run`: alerts raised from a capture while the HTTP
// receiver is down wait in the spool; ghostwatch is killed with -9; once the receiver is up, the
// next start sends every one of them, each with the uuid it was given when it was raised.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAlert } from '../alerts.js';
import { assertOneLineError, ghostwatch as run, scratch, skip } from './harness.js';
import { sharedPath } from '../helpers.js';

const { dir, file } = scratch('gw-delivery-run-');
const capture = sharedPath('falco', 'legacy-tests', 'trace_files', 'open-multiple-files.scap');
const EVERY_EVENT = file('every.yaml', `
- rule: every_event
  desc: every event of the capture
  condition: evt.num > 0
  output: "%evt.type (num=%evt.num)"
  priority: WARNING
`);
const NOTHING = file('nothing.yaml', `
- rule: no_event
  desc: matches nothing
  condition: evt.num < 0
  output: "never"
  priority: WARNING
`);

const ghostwatch = (args: string[], opts: { onSpawn?: (pid: number) => void } = {}) => run(['run', ...args], dir, opts);

/** A port free a moment ago: nothing listens there until the test starts its receiver. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function receiver(port: number, bodies: Record<string, unknown>[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
      res.end();
    });
  });
  return new Promise((r) => server.listen(port, '127.0.0.1', () => r(server)));
}

describe('ghostwatch run: delivery', { skip: skip || (capture === undefined && 'the shared captures are missing') }, () => {
  it('kill -9 with a spool while the receiver is down, restart, receiver up: every alert arrives, one uuid each', async () => {
    const port = await freePort();
    const spool = join(dir, 'spool');
    const config = file('spool.yaml', `
json_output: true
log_stderr: false
stdout_output: {enabled: true}
http_output: {enabled: true, url: "http://127.0.0.1:${port}/", keep_alive: true}
delivery: {spool_dir: ${spool}}
`);
    let pid = 0;
    // -M keeps it running once the capture is read; it is killed long before.
    const first = ghostwatch(['-r', EVERY_EVENT, '-c', config, '-e', capture!, '-M', '120'], { onSpawn: (p) => (pid = p) });
    const spoolFile = join(spool, 'http.spool');
    const spooled = () => (existsSync(spoolFile) ? readFileSync(spoolFile, 'utf8').split('\n').filter((l) => l.startsWith('+')).length : 0);
    let previous = -1;
    for (let i = 0; i < 300; i++) {
      await sleep(100);
      const now = spooled();
      if (now > 0 && now === previous) break;
      previous = now;
    }
    process.kill(pid, 'SIGKILL');
    const killed = await first;
    assert.equal(killed.status, -1, 'killed by the signal');
    // What stdout printed is every alert raised.
    const raised = killed.stdout.trim().split('\n').map(parseAlert);
    assert.ok(raised.length > 1000, `the capture raised ${raised.length} alerts`);
    assert.equal(spooled(), raised.length, 'every alert raised is in the spool');

    const bodies: Record<string, unknown>[] = [];
    const server = await receiver(port, bodies);
    const second = await ghostwatch(['-r', NOTHING, '-c', config, '-e', capture!]);
    server.close();
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, new RegExp(`http output: ${raised.length} alerts left undelivered by the last run are sent again`));

    const uuidsByEvent = new Map<unknown, Set<unknown>>();
    for (const b of bodies) {
      const num = (b.output_fields as Record<string, unknown>)['evt.num'];
      uuidsByEvent.set(num, (uuidsByEvent.get(num) ?? new Set()).add(b.uuid));
    }
    const distinct = new Set(bodies.map((b) => b.uuid)).size;
    console.log(`# kill -9 test: ${raised.length} alerts raised, ${distinct} distinct uuids received, ${bodies.length - distinct} duplicates`);
    assert.deepEqual([...uuidsByEvent.keys()].sort(), raised.map((a) => a.output_fields['evt.num']).sort());
    for (const [num, uuids] of uuidsByEvent) assert.equal(uuids.size, 1, `event ${String(num)} arrived with one uuid`);
    assert.equal(readFileSync(spoolFile, 'utf8'), '', 'the spool is empty once everything is delivered');
  });

  it('bad delivery settings are one line and exit 1 at start', async () => {
    const notDir = file('not-a-dir', '');
    for (const [option, pattern] of [
      [`delivery.spool_dir=${notDir}/spool`, /^Error: delivery\.spool_dir: cannot use .*not-a-dir\/spool\/http\.spool: ENOTDIR$/m],
      ['http_output.url=http//nowhere', /http output: 'http\/\/nowhere' is not a valid URL/],
      ['syslog_output.destination=ftp://x', /syslog_output\.destination: 'ftp:\/\/x' is neither unix:\/\/, udp:\/\/ nor tcp:\/\//],
      ['outputs_queue.capacity=-1', /outputs_queue\.capacity must be an integer >= 0/],
      ['http_output.retries=3', /http_output\.retries/],
    ] as const) {
      const r = await ghostwatch(['-r', NOTHING, '-e', capture!, '-o', 'log_stderr=false', '-o', 'http_output.enabled=true',
        '-o', 'http_output.url=http://127.0.0.1:1/', '-o', 'syslog_output.enabled=true', '-o', 'syslog_output.destination=udp://127.0.0.1:1', '-o', option]);
      assertOneLineError(r, pattern);
    }
  });
});
