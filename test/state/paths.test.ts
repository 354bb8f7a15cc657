import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatenatePaths } from '../../src/state/paths.js';
import { ipv4ToString, ipv6ToString, isIpv4MappedIpv6 } from '../../src/state/net-format.js';

test('relative paths join the base; absolute ones replace it', () => {
  assert.equal(concatenatePaths('/home/u/', 'a/b'), '/home/u/a/b');
  assert.equal(concatenatePaths('/home/u/', '/etc/passwd'), '/etc/passwd');
  assert.equal(concatenatePaths('', 'x'), 'x');
});

test('., .. and repeated separators are resolved; a trailing / is dropped', () => {
  assert.equal(concatenatePaths('/a/b/', '../c/./d//e/'), '/a/c/d/e');
  assert.equal(concatenatePaths('/a/b/', '..'), '/a');
  assert.equal(concatenatePaths('/', '../../x'), '/x');
  assert.equal(concatenatePaths('/a/', '.'), '/a');
  assert.equal(concatenatePaths('/a/', '.hidden'), '/a/.hidden');
  assert.equal(concatenatePaths('/a/', '..x'), '/a/..x');
  assert.equal(concatenatePaths('/', '/'), '/');
});

test('an empty relative path gives the base without its trailing /', () => {
  assert.equal(concatenatePaths('/srv/app/', '', 1), '/srv/app');
  assert.equal(concatenatePaths('/srv/app/', '', 0), '');
});

test('bytes outside printable ASCII become dots, one per byte', () => {
  const utf8AsBytes = Buffer.from('/tmp/é', 'utf8').toString('latin1');
  assert.equal(concatenatePaths('/', utf8AsBytes), '/tmp/..');
  assert.equal(concatenatePaths('/', '/a\tb'), '/a.b');
});

test('over-long results are replaced by /PATH_TOO_LONG', () => {
  assert.equal(concatenatePaths('/' + 'a'.repeat(1000), 'b'.repeat(30)), '/PATH_TOO_LONG');
});

test('IPv4 and IPv6 addresses print as sinsp prints them', () => {
  assert.equal(ipv4ToString(0x0100007f), '127.0.0.1');
  assert.equal(ipv4ToString(0xff0000c0), '192.0.0.255');
  const v6 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/:/g, ''), 'hex'));
  assert.equal(ipv6ToString(v6('00000000000000000000000000000001')), '::1');
  assert.equal(ipv6ToString(v6('00000000000000000000000000000000')), '::');
  assert.equal(ipv6ToString(v6('20010db8000000000000000000000001')), '2001:db8::1');
  assert.equal(ipv6ToString(v6('20010db8000100000000000100000001')), '2001:db8:1::1:0:1');
  assert.equal(ipv6ToString(v6('fe800000000000000000000000000000')), 'fe80::');
  assert.equal(ipv6ToString(v6('00000000000000000000ffff7f000001')), '::ffff:127.0.0.1');
  assert.equal(ipv6ToString(v6('0000000000000000000000000a000001')), '::10.0.0.1');
  assert.equal(ipv6ToString(v6('20010db8000000010001000100010001')), '2001:db8:0:1:1:1:1:1', 'a single zero word is not compressed');
  assert.equal(isIpv4MappedIpv6(v6('00000000000000000000ffff7f000001')), true);
  assert.equal(isIpv4MappedIpv6(v6('00000000000000000000000000000000')), true);
  assert.equal(isIpv4MappedIpv6(v6('00000000000000000000000000000001')), false);
});
