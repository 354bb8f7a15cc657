import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FORMAT, type LineSink, OutputFormat, unescapeFormat } from '../../src/fields/format.js';
import { createRegistry } from '../../src/fields/registry.js';
import { FieldError } from '../../src/fields/types.js';
import { fakeState, fdInfo, i64, makeEvent, str, thread, TS, u32 } from './events.js';

const cat = thread({ tid: 20072, comm: 'cat', args: ['/dev/null'] });
const registry = createRegistry(fakeState({ threads: [cat] }));
const fmt = (f: string) => OutputFormat.parse(registry, f);
const brkEnter = (extra: Partial<Parameters<typeof makeEvent>[0]> = {}) =>
  makeEvent({ type: 'brk>', params: [i64(0)], thread: cat, num: 132, ...extra });

describe('output formats', () => {
  it('mixes literal text and fields', () => {
    assert.equal(fmt('[%evt.num] %proc.name (%thread.tid) %evt.dir %evt.type').format(brkEnter()), '[132] cat (20072) > brk');
  });

  it('skips the line when a field has no value and the format does not start with *', () => {
    const e = brkEnter();
    assert.equal(fmt('%evt.num %evt.res').format(e), undefined);
    assert.equal(fmt('*%evt.num %evt.res').format(e), '132 <NA>');
  });

  it('prints a field in exactly N columns with %N', () => {
    const e = brkEnter();
    assert.equal(fmt('[%10evt.num][%2proc.name][%02evt.cpu]').format(e), '[132       ][ca][0 ]');
  });

  it('reads the longest field name that prefixes the text, the rest is literal', () => {
    assert.equal(fmt('%evt.numfoo %proc.namex').format(brkEnter()), '132foo catx');
  });

  it('takes a mid-format proc.aname without [N] as an empty reference to the process itself', () => {
    // sysdig prints the process name, then the field name as text.
    assert.equal(fmt('%proc.aname x').format(brkEnter()), 'catproc.aname x');
    assert.equal(fmt('a %proc.aname').format(brkEnter()), 'a cat');
  });

  it('prints evt.type.is as <NA> and, mid-format, reads nothing of its argument', () => {
    assert.equal(fmt('*%evt.type.is.open %evt.num').format(brkEnter()), '<NA>evt.type.is.open 132');
  });

  it('keeps evaluating stateful fields on lines it does not print', () => {
    const f = fmt('%evt.deltatime %evt.res');
    const g = fmt('%evt.deltatime');
    for (const ts of [TS, TS + 100n]) {
      const e = brkEnter({ ts });
      f.format(e);
      g.format(e);
    }
    const third = brkEnter({ ts: TS + 250n });
    assert.equal(fmt('%evt.res').format(third), undefined);
    assert.equal(f.format(makeEvent({ type: 'brk<', params: [i64(0)], thread: cat, ts: TS + 300n })), '200 SUCCESS');
    assert.equal(g.format(third), '150');
  });

  it('reports malformed formats with sysdig messages', () => {
    const msg = (f: string) => assert.throws(() => fmt(f), FieldError);
    msg('');
    assert.throws(() => fmt('abc%'), /formatting cannot end with a %/);
    assert.throws(() => fmt('%12'), /formatting cannot end with a number/);
    assert.throws(() => fmt('*%foo.bar x'), /invalid formatting token foo.bar x/);
    assert.throws(() => fmt('%fd.cnet'), /fd.cnet is filter only and cannot be used as a display field/);
    assert.throws(() => fmt('%evt.arg'), /filter syntax error: evt.arg/);
    assert.throws(() => fmt('%evt.arg.nosuchparam'), /unknown event argument nosuchparam/);
    assert.throws(() => fmt('%container.mount'), /filter syntax error: container.mount/);
  });

  it('accepts an empty format after the star: an empty line per event', () => {
    assert.equal(fmt('*').format(brkEnter()), '');
  });

  it('renders the default sysdig line', () => {
    const fd = fdInfo({ name: '/etc/ld.so.cache' });
    const t = thread({ tid: 20072, comm: 'cat', fds: new Map([[3, fd]]) });
    const e = makeEvent({
      type: 'open<', thread: t, num: 141, cpu: 0, ts: TS,
      params: [i64(3), str('/etc/ld.so.cache'), u32(4097), u32(0)], fd, fdNum: 3,
    });
    const out = OutputFormat.parse(createRegistry(fakeState({ threads: [t] })), DEFAULT_FORMAT).format(e);
    assert.match(out!, /^141 \d\d:17:57\.881730713 0 cat \(20072\) < open fd=3\(<f>\/etc\/ld\.so\.cache\) name=\/etc\/ld\.so\.cache flags=4097\(O_RDONLY\|O_CLOEXEC\) mode=0 $/);
  });

  it('write() leaves nothing of a line whose field fails (sysdig prints only the error)', () => {
    const lines: string[] = [];
    let line = '';
    const sink: LineSink = {
      text: (s) => { line += s; },
      digits: (n) => { line += String(n); },
      mark: () => line.length,
      rollback: (m) => { line = line.slice(0, m); },
      endLine: () => { lines.push(line); line = ''; },
    };
    const open = makeEvent({ type: 'open<', thread: cat, num: 141, params: [i64(3), str('/etc/ld.so.cache'), u32(4097), u32(0)] });
    fmt('%evt.num %evt.type').write(open, sink);
    // evt.rawarg.flags cannot render open's flags (a FLAGS32): sysdig says "wrong event type 30".
    assert.throws(() => fmt('%evt.num %evt.type %evt.rawarg.flags').write(open, sink), /^Error: wrong event type 30$/);
    assert.deepEqual(lines, ['141 open']);
    assert.equal(line, '');
  });

  it('expands the escapes sysdig does in -p', () => {
    assert.equal(unescapeFormat('a\\tb\\nc\\\\d\\e[0m\\x'), 'a\tb\nc\\d\x1b[0m\\x');
  });
});
