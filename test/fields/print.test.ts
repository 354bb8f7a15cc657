import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamType as T, PrintFormat as F } from '../../src/capture/event-types.js';
import { fixed1, ipv6ToString, printValue } from '../../src/fields/print.js';
import { humanDuration, secondsDotNs, tsToIso8601, tsToString } from '../../src/fields/time.js';
import { ip4 } from './events.js';

describe('printing values', () => {
  it('prints signed integers in decimal, hex as two\'s complement', () => {
    assert.equal(printValue(-2, T.INT64, F.DEC), '-2');
    assert.equal(printValue(-1, T.INT64, F.HEX), 'FFFFFFFFFFFFFFFF');
    assert.equal(printValue(255, T.INT32, F.HEX), 'FF');
    assert.equal(printValue(7, T.INT64, F.NA), '7');
    assert.equal(printValue(7, T.INT32, F.NA), undefined);
  });

  it('keeps sysdig\'s quirks for unsigned numbers: HEX ignored below 64 bits, no format means <NA>', () => {
    assert.equal(printValue(255, T.UINT32, F.HEX), '255');
    assert.equal(printValue(255, T.UINT64, F.HEX), 'FF');
    assert.equal(printValue(1, T.UINT32, F.NA), undefined);
    assert.equal(printValue(80, T.PORT, F.DEC), '80');
  });

  it('pads PADDED_DEC to nine digits', () => {
    assert.equal(printValue(125, T.RELTIME, F.PADDED_DEC), '000000125');
    assert.equal(printValue(1881730714, T.RELTIME, F.PADDED_DEC), '1881730714');
  });

  it('prints booleans, doubles and addresses', () => {
    assert.equal(printValue(true, T.BOOL, F.NA), 'true');
    assert.equal(printValue(0, T.BOOL, F.NA), 'false');
    assert.equal(printValue(0.09765625, T.DOUBLE, F.DEC), '0.1');
    assert.equal(printValue(ip4(127, 0, 0, 1), T.IPADDR, F.NA), '127.0.0.1');
    assert.equal(printValue(ip4(128, 32, 41, 1), T.IPV4ADDR, F.NA), '128.32.41.1');
  });

  it('rounds %.1f ties to even like printf', () => {
    assert.equal(fixed1(0.25), '0.2');
    assert.equal(fixed1(0.75), '0.8');
    assert.equal(fixed1(12.5), '12.5');
  });

  it('writes IPv6 addresses as inet_ntop does', () => {
    const b = (hex: string) => Buffer.from(hex, 'hex');
    assert.equal(ipv6ToString(b('00000000000000000000000000000001')), '::1');
    assert.equal(ipv6ToString(b('20010db8000000000000000000000001')), '2001:db8::1');
    assert.equal(ipv6ToString(b('00000000000000000000ffff7f000001')), '::ffff:127.0.0.1');
    assert.equal(ipv6ToString(b('20010db8000100000001000000000001')), '2001:db8:1:0:1::1');
    assert.equal(ipv6ToString(b('fe800000000000000000000000000000')), 'fe80::');
  });
});

describe('printing times', () => {
  const ts = 1470327477881730713n; // 2016-08-04T16:17:57.881730713Z
  it('writes local time with the given UTC offset', () => {
    assert.equal(tsToString(ts, false, true, 0), '16:17:57.881730713');
    assert.equal(tsToString(ts, true, false, 0), '2016-08-04 16:17:57');
    assert.equal(tsToString(ts, true, true, 9 * 3600), '2016-08-05 01:17:57.881730713');
    assert.equal(tsToString(ts, true, true, -17 * 3600), '2016-08-03 23:17:57.881730713');
  });

  it('writes ISO 8601 in UTC', () => {
    assert.equal(tsToIso8601(ts), '2016-08-04T16:17:57.881730713+0000');
  });

  it('writes spans as seconds and nanoseconds', () => {
    assert.equal(secondsDotNs(1881730714n), '1.881730714');
    assert.equal(secondsDotNs(5n), '0.000000005');
  });

  it('writes human durations with sysdig\'s units', () => {
    assert.equal(humanDuration(0), '0ns');
    assert.equal(humanDuration(1124), '1.12us');
    assert.equal(humanDuration(12_345), '12us');
    assert.equal(humanDuration(1_500_000), '1.50ms');
    assert.equal(humanDuration(345_000_000), '345ms');
    assert.equal(humanDuration(2_500_000_000), '2.50s');
    assert.equal(humanDuration(187e9), '3:7');
    assert.equal(humanDuration(3723e9), '01:02:03');
  });
});
