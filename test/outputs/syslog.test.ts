// The syslog output against real receivers run by the test: a UDP socket, a TCP listener (reading
// the octet-counted frames of RFC 6587), and socat on a unix datagram socket (Node cannot bind
// one) standing for /dev/log. Alert text carrying control characters and ANSI escapes can neither
// break a message nor forge another.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NO_DEADLINE, testAlert } from './alerts.js';
import { parseDestination, SyslogOutput, syslogMessage } from '../../src/outputs/syslog.js';

const EVIL = 'cmd=evil\n<11>1 2016-08-04T16:17:57Z forged - - - - fake alert\r\u001b[31mred\u001b[0m\u0085end';
const evil = testAlert(EVIL, { priority: 'Critical', hostname: 'host name\n' });

describe('syslog output', () => {
  it('an RFC 5424 message: PRI from the priority, the time in microseconds, nothing from the alert can break the line', () => {
    const m = syslogMessage(evil, 42);
    assert.equal(m, '<10>1 2016-08-04T16:17:57.881730Z host_name_ ghostwatch 42 alert - '
      + 'cmd=evil\\u000a<11>1 2016-08-04T16:17:57Z forged - - - - fake alert\\u000d\\u001b[31mred\\u001b[0m\\u0085end');
    assert.doesNotMatch(m, /[\u0000-\u001f\u007f-\u009f]/);
  });

  it('destinations: unix (default /dev/log), udp, tcp; anything else is an error at start', () => {
    assert.deepEqual(parseDestination('unix:///dev/log'), { kind: 'unix', path: '/dev/log' });
    assert.deepEqual(parseDestination('udp://127.0.0.1:5514'), { kind: 'udp', host: '127.0.0.1', port: 5514 });
    assert.deepEqual(parseDestination('tcp://[::1]'), { kind: 'tcp', host: '::1', port: 514 });
    assert.throws(() => new SyslogOutput('http://x/'), /syslog_output\.destination: 'http:\/\/x\/' is neither unix:\/\/, udp:\/\/ nor tcp:\/\//);
    assert.throws(() => new SyslogOutput('/dev/log'), /is not a URL/);
  });

  it('UDP: one datagram per alert', async () => {
    const server = createSocket('udp4');
    const got: string[] = [];
    server.on('message', (b) => got.push(b.toString()));
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    const out = new SyslogOutput(`udp://127.0.0.1:${server.address().port}`, 7);
    await out.deliver([testAlert('first'), evil], NO_DEADLINE);
    for (let i = 0; i < 50 && got.length < 2; i++) await sleep(20);
    await out.close();
    server.close();
    assert.deepEqual(got, [syslogMessage(testAlert('first'), 7), syslogMessage(evil, 7)]);
    assert.match(got[0], /^<12>1 2016-08-04T16:17:57\.881730Z test-host ghostwatch 7 alert - first$/);
  });

  it('TCP: octet-counted frames, one message each however the alert text looks; a refused connection fails the delivery', async () => {
    let data = '';
    const server = createServer((s) => s.on('data', (b: Buffer) => (data += b.toString('latin1'))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const out = new SyslogOutput(`tcp://127.0.0.1:${port}`, 7);
    assert.equal(out.retry, true);
    await out.deliver([evil, testAlert('second')], NO_DEADLINE);
    await out.close();
    for (let i = 0; i < 50 && !data.includes('second'); i++) await sleep(20);
    server.close();
    // RFC 6587 3.4.1: MSG-LEN SP SYSLOG-MSG, repeated.
    const frames: string[] = [];
    const bytes = Buffer.from(data, 'latin1');
    for (let at = 0; at < bytes.length;) {
      const space = bytes.indexOf(0x20, at);
      const len = Number(bytes.subarray(at, space).toString());
      frames.push(bytes.subarray(space + 1, space + 1 + len).toString());
      at = space + 1 + len;
    }
    assert.deepEqual(frames, [syslogMessage(evil, 7), syslogMessage(testAlert('second'), 7)]);
    const refused = new SyslogOutput(`tcp://127.0.0.1:${port}`);
    await assert.rejects(refused.deliver([testAlert('x')], NO_DEADLINE), /^Error: syslog output: could not send to tcp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    await refused.close();
  });

  const socat = spawnSync('socat', ['-V']).status === 0;
  it('unix socket (/dev/log): each alert one datagram, with its priority and the escaped text', { skip: !socat && 'socat is not installed (scripts/setup-debian.sh installs it)' }, async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-syslog-')), 'log');
    const receiver: ChildProcess = spawn('socat', ['-u', `UNIX-RECV:${path}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let got = '';
    receiver.stdout!.on('data', (b: Buffer) => (got += b.toString()));
    for (let i = 0; i < 100 && !existsSync(path); i++) await sleep(20);
    const out = new SyslogOutput(`unix://${path}`);
    await out.deliver([evil, testAlert('second')], NO_DEADLINE);
    for (let i = 0; i < 100 && !got.includes('second'); i++) await sleep(20);
    await out.close();
    receiver.kill();
    // logger writes the RFC 5424 header (its own time and host); the priority and the message are ours.
    // socat prints the datagrams one after the other: each starts with logger's header (the forged
    // "<11>1 ..." inside the first has no such header: it is text of the first message).
    const messages = got.split(/(?=<\d+>1 \S+ \S+ ghostwatch - - \[timeQuality)/);
    assert.equal(messages.length, 2, got);
    assert.match(messages[0], /^<10>1 \S+ \S+ ghostwatch - - \[[^\]]*\] cmd=evil\\u000a<11>1 .* fake alert\\u000d\\u001b\[31mred\\u001b\[0m\\u0085end$/);
    assert.match(messages[1], /^<12>1 .* second$/);
  });

  it('unix socket missing: the delivery fails with logger\'s reason', async () => {
    const out = new SyslogOutput(`unix://${join(tmpdir(), 'gw-no-such-socket')}`);
    await out.deliver([testAlert('x')], NO_DEADLINE).catch(() => undefined);
    await sleep(300);
    await assert.rejects(out.deliver([testAlert('y')], NO_DEADLINE), /^Error: syslog output: could not send to unix:\/\/.*gw-no-such-socket: .*No such file or directory/);
    await out.close();
  });
});
