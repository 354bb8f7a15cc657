import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCondition } from '../../src/filter/index.js';
import { createRegistry } from '../../src/fields/registry.js';
import { AlertFormatter, escapeLine, isoTime, type AlertFormatSettings } from '../../src/outputs/alert-format.js';
import type { LoadedRule } from '../../src/rules/index.js';
import type { ContainerInfo } from '../../src/state/types.js';
import { parseAlert } from '../alerts.js';
import { container, fakeState, fdInfo, makeEvent, str, thread, TS } from '../fields/events.js';

function rule(output: string, extra: Partial<LoadedRule> = {}): LoadedRule {
  return {
    id: 0, name: 'open_from_cat', desc: '', output, priority: 4, tags: ['filesystem', 'process'], source: 'syscall', enabled: true,
    condition: parseCondition('evt.type=open'), evttypes: 'all', exceptionFields: [], capture: false, captureDuration: 0,
    extraOutputFields: new Map(), file: 't.yaml', line: 1, column: 1, ...extra,
  };
}

const cat = thread({ tid: 20072, pid: 20072, comm: 'cat', exe: 'cat', args: ['/dev/null'] });
const registry = createRegistry(fakeState({ threads: [cat] }));
const openEvent = () => makeEvent({ type: 'open<', thread: cat, fd: fdInfo({ name: '/dev/null' }), fdNum: 3, params: [str('x')] });

const settings = (s: Partial<AlertFormatSettings> = {}): AlertFormatSettings => ({
  json: false, includeOutput: true, includeTags: true, includeMessage: false, includeOutputFields: true, iso8601: false,
  hostname: 'test-host', ...s,
});

describe('text alerts', () => {
  it('time of the event, priority, then the output with its fields', () => {
    const f = new AlertFormatter(registry, settings({ iso8601: true }));
    assert.equal(f.format(f.prepare(rule('An open was seen (command=%proc.cmdline)')), openEvent()).line,
      '2016-08-04T16:17:57.881730713+0000: Warning An open was seen (command=cat /dev/null)');
  });

  it('local time of day without time_format_iso_8601', () => {
    const f = new AlertFormatter(registry, settings());
    assert.match(f.format(f.prepare(rule('x')), openEvent()).line, /^\d\d:\d\d:\d\d\.881730713: Warning x$/);
  });

  it('fields without a value print <NA>; a leading * in the output is dropped', () => {
    const f = new AlertFormatter(registry, settings({ iso8601: true }));
    assert.match(f.format(f.prepare(rule('*port=%fd.cport cmd=%proc.cmdline')), openEvent()).line, /Warning port=<NA> cmd=cat \/dev\/null$/);
  });

  it('the priority is written in full (Informational)', () => {
    const f = new AlertFormatter(registry, settings({ iso8601: true }));
    assert.match(f.format(f.prepare(rule('x', { priority: 6 })), openEvent()).line, /: Informational x$/);
  });

  it('nothing from the event can break the line', () => {
    const evil = thread({ tid: 1, comm: 'sh', exe: 'sh', args: ['-c', 'echo "hi"\n12:00:00.000000000: Critical fake alert\u001b[2J\\'] });
    const reg = createRegistry(fakeState({ threads: [evil] }));
    const f = new AlertFormatter(reg, settings({ iso8601: true }));
    const line = f.format(f.prepare(rule('cmd=%proc.cmdline')), makeEvent({ type: 'open<', thread: evil })).line;
    assert.doesNotMatch(line, /[\n\r\u0000-\u001f]/);
    assert.equal(line, '2016-08-04T16:17:57.881730713+0000: Warning cmd=sh -c echo \\"hi\\"\\n12:00:00.000000000: Critical fake alert\\u001b[2J\\\\');
  });
});

describe('JSON alerts', () => {
  const json = (s: Partial<AlertFormatSettings> = {}, r = rule('An open was seen (command=%proc.cmdline)')) => {
    const f = new AlertFormatter(registry, settings({ json: true, iso8601: true, ...s }));
    return f.format(f.prepare(r), openEvent()).line;
  };

  it("Falco's keys and layout, output_fields last and typed", () => {
    assert.equal(json(),
      '{"hostname":"test-host","output":"2016-08-04T16:17:57.881730713+0000: Warning An open was seen (command=cat /dev/null)",'
      + '"priority":"Warning","rule":"open_from_cat","source":"syscall","tags":["filesystem","process"],"time":"2016-08-04T16:17:57.881730713Z", '
      + '"output_fields": {"evt.time.iso8601":1470327477881730713,"proc.cmdline":"cat /dev/null"}}');
  });

  it('output, tags, message and output_fields can each be left out or added', () => {
    const o = parseAlert(json({ includeOutput: false, includeTags: false, includeMessage: true }));
    assert.deepEqual(Object.keys(o), ['hostname', 'message', 'priority', 'rule', 'source', 'time', 'output_fields']);
    assert.equal(o.message, 'An open was seen (command=cat /dev/null)');
    assert.deepEqual(Object.keys(parseAlert(json({ includeOutputFields: false }))), ['hostname', 'output', 'priority', 'rule', 'source', 'tags', 'time']);
    assert.match(json({}, rule('x', { tags: [] })), /"tags":\[\]/);
  });

  it('numbers, booleans, null for fields without a value, strings, sorted by name, each once', () => {
    const o = parseAlert(json({}, rule('%proc.pid %proc.name %fd.cport %evt.is_io %proc.name %fd.num %evt.type')));
    assert.deepEqual(o.output_fields, {
      'evt.is_io': false, 'evt.time.iso8601': 1470327477881730713, 'evt.type': 'open', 'fd.cport': null, 'fd.num': 3,
      'proc.name': 'cat', 'proc.pid': 20072,
    });
    const text = json({ iso8601: false }, rule('%proc.pid'));
    assert.match(text, /"output_fields": \{"evt.time":1470327477881730713,"proc.pid":20072\}\}$/);
  });

  it('extra output fields from the configuration, raw (typed) or formatted', () => {
    const extra = new Map([['pid', { format: '%proc.pid', raw: true }], ['a.label', { format: 'cmd %proc.name', raw: false }]]);
    const o = parseAlert(json({}, rule('x', { extraOutputFields: extra })));
    assert.deepEqual(o.output_fields, { 'a.label': 'cmd cat', 'evt.time.iso8601': 1470327477881730713, pid: 20072 });
  });

  it('values from the event are escaped', () => {
    const evil = thread({ tid: 1, comm: 'x"}', exe: 'x', args: ['\n{"rule":"fake"}'] });
    const reg = createRegistry(fakeState({ threads: [evil] }));
    const f = new AlertFormatter(reg, settings({ json: true }));
    const line = f.format(f.prepare(rule('%proc.name %proc.cmdline')), makeEvent({ type: 'open<', thread: evil })).line;
    assert.doesNotMatch(line, /\n/);
    const o = parseAlert(line);
    assert.equal(o.rule, 'open_from_cat');
    assert.equal(o.output_fields['proc.name'], 'x"}');
  });
});

describe('deferred alerts (the container is still being looked up)', () => {
  const ID = 'abcdefabcdef';
  /** A thread in container ID, which the state does not know yet; the alert's event. */
  function scene() {
    const containers: ContainerInfo[] = [];
    const t = thread({ tid: 300, pid: 300, comm: 'nginx', exe: 'nginx', args: ['-g', 'daemon off;'], containerId: ID });
    const reg = createRegistry(fakeState({ threads: [t], containers }));
    const evt = makeEvent({ type: 'open<', thread: t, fd: fdInfo({ name: '/etc/shadow' }), fdNum: 3, params: [str('x')] });
    const describe = () => containers.push(container({ id: ID, name: 'web', imageRepo: 'docker.io/library/nginx', labels: { 'io.kubernetes.pod.name': 'web-1' } }));
    return { t, reg, evt, describe };
  }
  const OUTPUT = 'proc=%proc.name file=%fd.name id=%container.id container=%container.name repo=%container.image.repository pod=%k8s.pod.name';

  it('read the other fields when the alert is made, and the runtime\'s fields when it is rendered', () => {
    const { t, reg, evt, describe } = scene();
    const f = new AlertFormatter(reg, settings({ iso8601: true }));
    const p = f.prepare(rule(OUTPUT));
    const late = f.deferred(p, evt);
    t.comm = 'renamed';
    describe();
    assert.equal(late().line,
      '2016-08-04T16:17:57.881730713+0000: Warning proc=nginx file=/etc/shadow id=abcdefabcdef container=web repo=docker.io/library/nginx pod=web-1');
    assert.match(f.format(p, evt).line, /proc=renamed/, 'format() reads everything now');
  });

  it('rendered before the description arrives, the runtime\'s fields have no value', () => {
    const { reg, evt } = scene();
    const f = new AlertFormatter(reg, settings({ iso8601: true }));
    assert.match(f.deferred(f.prepare(rule(OUTPUT)), evt)().line, /id=abcdefabcdef container=<NA> repo=<NA> pod=<NA>$/);
  });

  it('the event may be reused once deferred() returns: what it said was read then', () => {
    const { reg, evt, describe } = scene();
    const f = new AlertFormatter(reg, settings({ iso8601: true }));
    const late = f.deferred(f.prepare(rule('%evt.type fd=%fd.num %proc.name %container.name')), evt);
    evt.buf.fill(0);
    evt.fd = undefined;
    evt.fdNum = -1;
    describe();
    assert.equal(late().line, '2016-08-04T16:17:57.881730713+0000: Warning open fd=3 nginx web');
  });

  it('JSON: output_fields take the same values, typed', () => {
    const { t, reg, evt, describe } = scene();
    const f = new AlertFormatter(reg, settings({ json: true, iso8601: true }));
    const extra = new Map([['img', { format: '%container.image.repository', raw: true }], ['who', { format: '%proc.name in %container.name', raw: false }]]);
    const late = f.deferred(f.prepare(rule('%proc.name %container.name %proc.pid', { extraOutputFields: extra })), evt);
    t.comm = 'renamed';
    describe();
    const o = parseAlert(late().line);
    assert.equal(o.output, '2016-08-04T16:17:57.881730713+0000: Warning nginx web 300');
    assert.deepEqual(o.output_fields, {
      'container.name': 'web', 'evt.time.iso8601': 1470327477881730713, img: 'docker.io/library/nginx', 'proc.name': 'nginx', 'proc.pid': 300, who: 'nginx in web',
    });
    assert.equal(o.time, '2016-08-04T16:17:57.881730713Z');
  });

  it('with nothing changed, the same line as format()', () => {
    const { reg, evt, describe } = scene();
    describe();
    for (const json of [false, true]) {
      const f = new AlertFormatter(reg, settings({ json, iso8601: true }));
      const p = f.prepare(rule(OUTPUT));
      assert.equal(f.deferred(p, evt)().line, f.format(p, evt).line);
    }
  });
});

describe('alerts as objects', () => {
  it("Falcosidekick's fields beside the line, a new uuid per alert, output_fields typed", () => {
    const f = new AlertFormatter(registry, settings({ iso8601: true }));
    const p = f.prepare(rule('An open was seen (command=%proc.cmdline)'));
    const a = f.format(p, openEvent());
    const b = f.format(p, openEvent());
    assert.match(a.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a.uuid, b.uuid);
    assert.deepEqual({ time: a.time, rule: a.rule, priority: a.priority, source: a.source, hostname: a.hostname, output: a.output, tags: a.tags }, {
      time: '2016-08-04T16:17:57.881730713Z', rule: 'open_from_cat', priority: 'Warning', source: 'syscall', hostname: 'test-host',
      output: '2016-08-04T16:17:57.881730713+0000: Warning An open was seen (command=cat /dev/null)', tags: ['filesystem', 'process'],
    });
    assert.deepEqual(a.outputFields, { 'evt.time.iso8601': 1470327477881730713, 'proc.cmdline': 'cat /dev/null' });
    assert.equal(a.line, a.output, 'the text line is the output, escaped');
  });

  it("Falco's JSON line keeps its keys: no uuid in it", () => {
    const f = new AlertFormatter(registry, settings({ json: true }));
    const a = f.format(f.prepare(rule('x')), openEvent());
    assert.equal(parseAlert(a.line).rule, 'open_from_cat');
    assert.doesNotMatch(a.line, /uuid/);
  });

  it('internal alerts have the same fields (source internal)', () => {
    const a = new AlertFormatter(registry, settings()).internal(TS, 7, 'Dropped.', 'Falco internal: x', { n_evts: '5' });
    assert.equal(a.source, 'internal');
    assert.equal(a.priority, 'Debug');
    assert.deepEqual(a.outputFields, { n_evts: '5' });
  });
});

describe('internal messages', () => {
  it('text and JSON as Falco writes them', () => {
    const text = new AlertFormatter(registry, settings()).internal(TS, 7, 'Dropped.', 'Falco internal: x', { n_evts: '5', a: '1' }).line;
    assert.match(text, /^\d\d:\d\d:\d\d\.881730713: Debug Dropped\. \(a="1" n_evts="5"\)$/);
    const json = new AlertFormatter(registry, settings({ json: true })).internal(TS, 7, 'Dropped.', 'Falco internal: x', { n_evts: '5', a: '1' }).line;
    assert.equal(json, '{"hostname":"test-host","output":"Dropped.","output_fields":{"a":"1","n_evts":"5"},"priority":"Debug","rule":"Falco internal: x","source":"internal","time":"2016-08-04T16:17:57.881730713Z"}');
  });
});

describe('helpers', () => {
  it('isoTime keeps nanoseconds', () => assert.equal(isoTime(1000000000000000001n), '2001-09-09T01:46:40.000000001Z'));
  it('escapeLine escapes like the inside of a JSON string', () => assert.equal(escapeLine('a\tb"c\\'), 'a\\tb\\"c\\\\'));
});
