import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  compileCondition, FilterCompileError, parseCondition, type CompileErrorKind, type CompileOptions,
} from '../../src/filter/index.js';
import { evt, registry, type Values } from './registry-double.js';

function matches(cond: string, values: Values, opts?: CompileOptions): boolean {
  return compileCondition(parseCondition(cond), registry, opts)(evt(values));
}

/** Asserts which of the events a condition keeps. */
function keeps(cond: string, cases: [Values, boolean][], opts?: CompileOptions): void {
  const p = compileCondition(parseCondition(cond), registry, opts);
  for (const [values, expected] of cases) assert.equal(p(evt(values)), expected, `${cond} on ${JSON.stringify(values)}`);
}

function compileError(cond: string, opts?: CompileOptions): FilterCompileError {
  try {
    compileCondition(parseCondition(cond), registry, opts);
  } catch (e) {
    assert.ok(e instanceof FilterCompileError, `expected a FilterCompileError, got ${String(e)}`);
    return e;
  }
  assert.fail(`'${cond}' compiled`);
}

function rejects(cond: string, kind: CompileErrorKind, reason: string | RegExp, col?: number): void {
  const e = compileError(cond);
  assert.equal(e.kind, kind, `${cond}: ${e.message}`);
  if (typeof reason === 'string') assert.equal(e.reason, reason);
  else assert.match(e.reason, reason);
  if (col !== undefined) assert.equal(e.col, col);
}

/** An IPv4 address as fields return it: the address bytes read little-endian. */
const ip4 = (s: string): number => Buffer.from(s.split('.').map(Number)).readUInt32LE(0);
const ip6 = (hex: string): Buffer => Buffer.from(hex.padEnd(32, '0'), 'hex');

describe('compileCondition: strings', () => {
  const name = (v: string | undefined): Values => ({ 'proc.name': v });
  it('= == != and the ordering operators compare the text', () => {
    keeps('proc.name = cat', [[name('cat'), true], [name('cats'), false], [name('Cat'), false]]);
    keeps('proc.name == "cat"', [[name('cat'), true], [name('dog'), false]]);
    keeps('proc.name != cat', [[name('cat'), false], [name('dog'), true]]);
    keeps('proc.name < b', [[name('a'), true], [name('b'), false], [name('ba'), false]]);
    keeps('proc.name <= b', [[name('b'), true], [name('ba'), false]]);
    keeps('proc.name > b', [[name('ba'), true], [name('b'), false]]);
    keeps('proc.name >= b', [[name('b'), true], [name('a'), false]]);
  });

  it('contains, icontains (ASCII case only), startswith, endswith', () => {
    keeps('proc.name contains at', [[name('cat'), true], [name('dog'), false]]);
    keeps('proc.name icontains aT', [[name('CAT'), true], [name('cat'), true], [name('cbt'), false]]);
    keeps('proc.name icontains ä', [[name('Ä'), false], [name('xä'), true]]);
    keeps('proc.name icontains ""', [[name(''), true]]);
    // Needle characters that mean something in a RegExp are literal; only ASCII letters fold.
    keeps('proc.name icontains "A.(c)"', [[name('xa.(C)y'), true], [name('ab(c)'), false]]);
    keeps('proc.name icontains ks', [[name('\u212a\u017f'), false], [name('KS'), true]]);
    keeps('proc.name startswith ca', [[name('cat'), true], [name('scat'), false]]);
    keeps('proc.name endswith at', [[name('cat'), true], [name('cats'), false]]);
  });

  it('glob and iglob work as fnmatch without flags', () => {
    const path = (v: string): Values => ({ 'fd.name': v });
    keeps('fd.name glob /etc/*', [[path('/etc/passwd'), true], [path('/etc/a/b'), true], [path('/etcx'), false], [path('/ETC/x'), false]]);
    keeps('fd.name glob "/tmp/?.sh"', [[path('/tmp/a.sh'), true], [path('/tmp/ab.sh'), false]]);
    keeps('fd.name glob "*[0-9]"', [[path('x1'), true], [path('x'), false]]);
    keeps('fd.name glob "[!a-c]*"', [[path('d'), true], [path('a'), false]]);
    keeps('fd.name glob "[[:upper:]]x"', [[path('Ax'), true], [path('ax'), false]]);
    keeps('fd.name glob "a\\*"', [[path('a*'), true], [path('ab'), false]]);
    keeps('fd.name glob "a[b"', [[path('a[b'), true]]);
    keeps('fd.name iglob /ETC/*', [[path('/etc/passwd'), true], [path('/usr'), false]]);
  });

  it('regex must match the whole value', () => {
    keeps('proc.name regex "c.t"', [[name('cat'), true], [name('cats'), false], [name('scat'), false]]);
    keeps('proc.name regex "[a-z]+[0-9]?"', [[name('bash5'), true], [name('Bash'), false]]);
    rejects('proc.name regex "("', 'value', /^invalid regex pattern/);
  });

  it('in and intersects test membership; pmatch tests path prefixes', () => {
    keeps('proc.name in (cat, "a b", dog)', [[name('a b'), true], [name('dog'), true], [name('ca'), false]]);
    keeps('proc.name intersects (cat)', [[name('cat'), true], [name('dog'), false]]);
    keeps('proc.name in ()', [[name('cat'), false]]);
    const path = (v: string): Values => ({ 'fd.name': v });
    keeps('fd.name pmatch (/etc, /usr/lib, "/home/*/.ssh")', [
      [path('/etc'), true], [path('/etc/passwd'), true], [path('/etcx'), false], [path('/usr'), false],
      [path('/usr/lib/x.so'), true], [path('/usr//lib/'), true], [path('/home/joe/.ssh/id_rsa'), true], [path('/home/joe/x'), false],
    ]);
    keeps('fd.name pmatch (/usr/lib, /usr)', [[path('/usr/bin'), true]]);
    keeps('fd.name pmatch (/)', [[path('/anything'), true], [path('relative'), true]]);
  });

  it('bcontains and bstartswith are for byte buffers only', () => {
    rejects('proc.name bcontains 41', 'operator', "'bcontains' operator not supported for string filters");
  });
});

describe('compileCondition: missing values', () => {
  it('makes every comparison false, != included, but not its negation', () => {
    keeps('proc.name != cat', [[{}, false]]);
    keeps('not proc.name = cat', [[{}, true]]);
    keeps('proc.name exists', [[{}, false], [{ 'proc.name': '' }, true]]);
    keeps('evt.num < 5', [[{}, false]]);
    keeps('proc.name in (cat)', [[{}, false]]);
  });
});

describe('compileCondition: numbers', () => {
  const num = (v: number): Values => ({ 'evt.num': v });
  it('compares numerically, with literals as sscanf reads them', () => {
    keeps('evt.num = 10', [[num(10), true], [num(1), false]]);
    keeps('evt.num != 10', [[num(10), false], [num(1), true]]);
    keeps('evt.num < 10', [[num(9), true], [num(10), false]]);
    keeps('evt.num <= 10', [[num(10), true], [num(11), false]]);
    keeps('evt.num > 10', [[num(11), true], [num(10), false]]);
    keeps('evt.num >= 10', [[num(10), true], [num(9), false]]);
    keeps('evt.num in (1, "2", 3)', [[num(2), true], [num(4), false]]);
    keeps('evt.num intersects (1)', [[num(1), true]]);
    keeps('evt.num = " +7"', [[num(7), true]]);
    keeps('proc.pid = -1', [[{ 'proc.pid': -1 }, true]]);
    keeps('proc.fdusage > 0', [[{ 'proc.fdusage': 0.5 }, true], [{ 'proc.fdusage': 0 }, false]]);
  });

  it('wraps out-of-range literals as C does', () => {
    keeps('user.uid = -1', [[{ 'user.uid': 4294967295 }, true]]);
    keeps('proc.tty = 4294967297', [[{ 'proc.tty': 1 }, true]]);
  });

  it('reads ports by number or service name', () => {
    keeps('fd.sport = 8080', [[{ 'fd.sport': 8080 }, true]]);
    if (existsSync('/etc/services')) keeps('fd.sport = http', [[{ 'fd.sport': 80 }, true], [{ 'fd.sport': 81 }, false]]);
    rejects('fd.sport = nosuchservice', 'value', 'unrecognized protocol nosuchservice');
  });

  it('rejects values that are not numbers and string operators', () => {
    rejects('evt.num = abc', 'value', 'abc is not a valid number', 11);
    rejects('evt.num = 1.5', 'value', '1.5 is not a valid number');
    rejects('evt.num = "7 "', 'value', '7  is not a valid number');
    rejects('evt.num in (1, x)', 'value', 'x is not a valid number');
    // An operator error points at the operator (column 9), not at the start of the check.
    rejects('evt.num contains 3', 'operator', "'contains' operator not supported for numeric filters", 9);
    rejects('evt.num glob 3', 'operator', "'glob' operator not supported for numeric filters");
    rejects('evt.num pmatch (3)', 'operator', "'pmatch' operator not supported for numeric filters");
  });
});

describe('compileCondition: booleans', () => {
  it('compares true and false', () => {
    keeps('thread.ismain = true', [[{ 'thread.ismain': true }, true], [{ 'thread.ismain': false }, false]]);
    keeps('thread.ismain != true', [[{ 'thread.ismain': false }, true]]);
    keeps('thread.ismain in (false)', [[{ 'thread.ismain': false }, true]]);
    rejects('thread.ismain = yes', 'value', 'filter error: unrecognized boolean value yes');
    rejects('thread.ismain < 1', 'operator', "'<' operator not supported for numeric filters");
  });
});

describe('compileCondition: byte buffers', () => {
  const buf = (s: string): Values => ({ 'evt.buffer': Buffer.from(s) });
  it('compares bytes, with bcontains/bstartswith taking hex', () => {
    keeps('evt.buffer contains GET', [[buf('xGETx'), true], [buf('get'), false]]);
    keeps('evt.buffer bcontains 474554', [[buf('xGETx'), true], [buf('xGEx'), false]]);
    keeps('evt.buffer bstartswith 4745', [[buf('GET'), true], [buf('xGE'), false], [buf('G'), false]]);
    keeps('evt.buffer startswith GE', [[buf('GET'), true], [buf('G'), false]]);
    keeps('evt.buffer endswith ET', [[buf('GET'), true], [buf('T'), false]]);
    keeps('evt.buffer = GET', [[buf('GET'), true], [buf('GETS'), false]]);
    keeps('evt.buffer != GET', [[buf('GET'), false], [buf('GETS'), true]]);
    keeps('evt.buffer in (GET, PUT)', [[buf('PUT'), true], [buf('POST'), false]]);
  });

  it('rejects bad hex and string-only operators', () => {
    rejects('evt.buffer bcontains 4', 'value', 'filter error: bcontains and bstartswith operator support hex strings only');
    rejects('evt.buffer bcontains zz', 'value', /hex strings only/);
    rejects('evt.buffer icontains x', 'operator', "'icontains' operator not supported for buffer filters");
    rejects('evt.buffer glob x', 'operator', "'glob' operator not supported for buffer filters");
  });
});

describe('compileCondition: IP addresses and networks', () => {
  it('compares IPv4 and IPv6 addresses; the other family never equals', () => {
    keeps('fd.sip = 10.0.0.1', [[{ 'fd.sip': ip4('10.0.0.1') }, true], [{ 'fd.sip': ip4('10.0.0.2') }, false], [{ 'fd.sip': ip6('00') }, false]]);
    keeps('fd.sip != 10.0.0.1', [[{ 'fd.sip': ip6('00') }, true], [{ 'fd.sip': ip4('10.0.0.1') }, false]]);
    keeps('fd.sip = ::1', [[{ 'fd.sip': ip6('0'.repeat(31) + '1') }, true], [{ 'fd.sip': ip4('0.0.0.1') }, false]]);
    keeps('fd.sip = 2001:db8::ff', [[{ 'fd.sip': ip6('20010db8' + '0'.repeat(22) + 'ff') }, true]]);
    keeps('fd.sip in (10.0.0.1, 192.168.1.1)', [[{ 'fd.sip': ip4('192.168.1.1') }, true], [{ 'fd.sip': ip4('1.1.1.1') }, false]]);
    keeps('fd.cip = 127.0.0.1', [[{ 'fd.cip': ip4('127.0.0.1') }, true]]);
  });

  it('tests membership of networks', () => {
    const snet = (v: number | Buffer): Values => ({ 'fd.snet': v });
    keeps('fd.snet = 10.0.0.0/8', [[snet(ip4('10.1.2.3')), true], [snet(ip4('11.0.0.1')), false], [snet(ip6('0a')), false]]);
    keeps('fd.snet != 10.0.0.0/8', [[snet(ip4('10.1.2.3')), false], [snet(ip4('11.0.0.1')), true]]);
    keeps('fd.snet in (192.168.0.0/16, 172.16.0.0/12)', [[snet(ip4('172.31.255.1')), true], [snet(ip4('172.32.0.1')), false]]);
    keeps('fd.snet = 0.0.0.0/0', [[snet(ip4('8.8.8.8')), true]]);
    keeps('fd.snet = 2001:db8::/33', [[snet(ip6('20010db87f')), true], [snet(ip6('20010db880')), false]]);
  });

  it('rejects malformed addresses and networks and non-equality operators', () => {
    rejects('fd.sip = 1.2.3', 'value', 'unrecognized IPv4 address 1.2.3');
    rejects('fd.sip = 1.2.3.04', 'value', 'unrecognized IPv4 address 1.2.3.04');
    rejects('fd.sip = zz::1', 'value', 'unrecognized IPv6 address zz::1');
    rejects('fd.snet = 10.0.0.1', 'value', 'unrecognized IP network 10.0.0.1');
    rejects('fd.snet = 10.0.0.0/33', 'value', 'invalid netmask 33');
    rejects('fd.sip contains 1', 'operator', "'contains' operator not supported for ip address and network filters");
    rejects('fd.sip > 1.1.1.1', 'operator', "'>' operator not supported for ip address and network filters");
  });
});

describe('compileCondition: fields with several candidate values', () => {
  const conn = (a: string, b: string): Values => ({ 'fd.ip*': [ip4(a), ip4(b)], 'fd.net*': [ip4(a), ip4(b)] });
  it('fd.ip/fd.net: = holds for either end, != only when both differ', () => {
    keeps('fd.ip = 10.0.0.1', [[conn('10.0.0.1', '1.1.1.1'), true], [conn('1.1.1.1', '10.0.0.1'), true], [conn('1.1.1.1', '2.2.2.2'), false], [{}, false]]);
    keeps('fd.ip != 10.0.0.1', [[conn('10.0.0.1', '1.1.1.1'), false], [conn('1.1.1.1', '2.2.2.2'), true], [{}, false]]);
    keeps('fd.net in (10.0.0.0/8)', [[conn('1.1.1.1', '10.9.9.9'), true]]);
    keeps('fd.net != 10.0.0.0/8', [[conn('1.1.1.1', '10.9.9.9'), false], [conn('1.1.1.1', '2.2.2.2'), true]]);
    keeps('fd.ip exists', [[conn('1.1.1.1', '2.2.2.2'), true], [{}, false]]);
  });

  it('fd.port: the ordering operators hold for either port', () => {
    const ports: Values = { 'fd.port*': [34567, 80] };
    keeps('fd.port < 1024', [[ports, true]]);
    keeps('fd.port = 80', [[ports, true]]);
    keeps('fd.port != 80', [[ports, false]]);
    keeps('fd.port in (22, 443)', [[ports, false]]);
  });

  it('proc.aname without an index matches any ancestor, != too; with one it reads that ancestor', () => {
    const tree: Values = { 'proc.aname*': ['bash', 'sshd', 'systemd'], 'proc.aname[1]': 'sshd' };
    keeps('proc.aname = sshd', [[tree, true]]);
    keeps('proc.aname != sshd', [[tree, true], [{ 'proc.aname*': ['sshd'] }, false]]);
    keeps('proc.aname in (init, systemd)', [[tree, true]]);
    keeps('proc.aname[1] = sshd', [[tree, true]]);
    keeps('proc.aname[1] = bash', [[tree, false]]);
  });
});

describe('compileCondition: list fields', () => {
  it('support in (all elements among the values), intersects (one) and exists', () => {
    const args = (...a: string[]): Values => ({ 'proc.args.list': a });
    keeps('proc.args.list in (-a, -b)', [[args('-a'), true], [args('-a', '-b'), true], [args('-a', '-c'), false], [args(), true]]);
    keeps('proc.args.list intersects (-a, -b)', [[args('-c', '-b'), true], [args('-c'), false], [args(), false]]);
    keeps('proc.ports.list in (80, 443)', [[{ 'proc.ports.list': [80, 443] }, true], [{ 'proc.ports.list': [22] }, false]]);
    keeps('proc.args.list exists', [[args(), true], [{}, false]]);
    rejects('proc.args.list = -a', 'operator', "'=' operator not supported list filters");
    rejects('proc.args.list contains a', 'operator', "'contains' operator not supported list filters");
  });

  it('types without comparisons only support exists', () => {
    rejects('evt.fdlist = 1', 'operator', "'=' operator not supported for type 'FDLIST'");
    keeps('evt.fdlist exists', [[{ 'evt.fdlist': '1' }, true]]);
  });
});

describe('compileCondition: transformers', () => {
  it('transform the value before comparing', () => {
    keeps('tolower(proc.name) = bash', [[{ 'proc.name': 'BaSh' }, true], [{ 'proc.name': 'zsh' }, false], [{}, false]]);
    keeps('toupper(proc.name) = BASH', [[{ 'proc.name': 'bash' }, true]]);
    keeps('basename(fd.name) = passwd', [[{ 'fd.name': '/etc/passwd' }, true], [{ 'fd.name': 'passwd' }, true]]);
    keeps('len(proc.name) = 4', [[{ 'proc.name': 'bash' }, true], [{ 'proc.name': 'sh' }, false]]);
    keeps('len(proc.name) > 2', [[{ 'proc.name': 'héé' }, true]]);
    keeps('len(proc.args.list) = 2', [[{ 'proc.args.list': ['a', 'b'] }, true]]);
    keeps('len(evt.buffer) = 3', [[{ 'evt.buffer': Buffer.from('abc') }, true]]);
    keeps('b64(proc.cmdline) = hello', [[{ 'proc.cmdline': 'aGVsbG8=' }, true], [{ 'proc.cmdline': 'aGVsbG8' }, true], [{ 'proc.cmdline': 'not base64!' }, false]]);
    keeps('b64(evt.buffer) contains hi', [[{ 'evt.buffer': Buffer.from('aGk=') }, true]]);
    keeps('tolower(basename(fd.name)) = passwd', [[{ 'fd.name': '/etc/PASSWD' }, true]]);
    keeps('tolower(proc.args.list) intersects (-a)', [[{ 'proc.args.list': ['-A'] }, true]]);
  });

  it('check the type they apply to', () => {
    rejects('tolower(proc.pid) = 1', 'transformer', "can't add field transformer: type 'INT64' is not supported by 'tolower' transformer applied on field 'proc.pid'", 1);
    rejects('len(proc.pid) = 1', 'transformer', /type 'INT64' is not supported by 'len'/);
    rejects('b64(fd.name) = x', 'transformer', /type 'FSPATH' is not supported by 'b64'/);
    rejects('len(proc.name) contains 1', 'operator', "'contains' operator not supported for numeric filters");
  });
});

describe('compileCondition: val() and transformers on the right', () => {
  it('compare with another field of the same event', () => {
    keeps('proc.name = val(proc.pname)', [[{ 'proc.name': 'a', 'proc.pname': 'a' }, true], [{ 'proc.name': 'a', 'proc.pname': 'b' }, false], [{ 'proc.name': 'a' }, false]]);
    keeps('proc.name != val(proc.pname)', [[{ 'proc.name': 'a', 'proc.pname': 'b' }, true], [{ 'proc.name': 'a' }, false]]);
    keeps('proc.pid < val(proc.ppid)', [[{ 'proc.pid': 1, 'proc.ppid': 2 }, true], [{ 'proc.pid': 3, 'proc.ppid': 2 }, false]]);
    keeps('proc.cmdline contains val(proc.name)', [[{ 'proc.cmdline': 'bash -c x', 'proc.name': 'bash' }, true]]);
    keeps('proc.cmdline icontains val(proc.name)', [[{ 'proc.cmdline': 'BASH -c x', 'proc.name': 'bash' }, true]]);
    keeps('proc.name glob val(proc.pname)', [[{ 'proc.name': 'bash', 'proc.pname': 'b*' }, true], [{ 'proc.name': 'zsh', 'proc.pname': 'b*' }, false]]);
    keeps('proc.name = tolower(proc.pname)', [[{ 'proc.name': 'bash', 'proc.pname': 'BASH' }, true]]);
    keeps('proc.name in val(proc.pname)', [[{ 'proc.name': 'a', 'proc.pname': 'a' }, true]]);
    keeps('fd.name = val(proc.exepath)', [[{ 'fd.name': '/bin/sh', 'proc.exepath': '/bin/sh' }, true]]);
  });

  it('reject incompatible types and operators', () => {
    rejects('proc.name = val(proc.pid)', 'operator', "field 'proc.name' has type 'CHARBUF' while the right-hand side field 'proc.pid' has incompatible type 'INT64'");
    rejects('proc.name pmatch val(proc.pname)', 'operator', "operator 'pmatch' doesn't support right-hand side fields");
    rejects('proc.name regex val(proc.pname)', 'operator', /doesn't support right-hand side fields/);
    rejects('fd.snet = val(fd.sip)', 'operator', "field type 'IPNET' doesn't support right-hand side fields");
  });
});

describe('compileCondition: fields', () => {
  it('reports unknown fields and bad arguments with their position', () => {
    rejects('proc.name = a and proc.nam = cat', 'unknown-field', 'filter_check called with nonexistent field proc.nam', 19);
    rejects('proc.aname[x] = a', 'field-arg', /bad index x/);
    rejects('proc.name[1] = a', 'field-arg', /takes no argument/);
  });

  it("lets a field check its literals (evt.type's event names)", () => {
    keeps('evt.type in (open, openat)', [[{ 'evt.type': 'openat' }, true], [{ 'evt.type': 'read' }, false]]);
    rejects('evt.type = opne', 'value', 'unknown event type opne', 12);
    // At the item at fault, not at the list.
    rejects('evt.type in (open, nope)', 'value', 'unknown event type nope', 20);
  });

  it('binds arguments written in brackets or after a dot', () => {
    keeps('proc.env[HOME] = /root', [[{ 'proc.env[HOME]': '/root' }, true]]);
    keeps('evt.arg.fd = 3 and evt.arg[fd] = 3', [[{ 'evt.arg[fd]': '3' }, true]]);
  });
});

describe('compileCondition: boolean structure', () => {
  const v = (a: boolean, b: boolean, c: boolean): Values => ({ 'proc.name': a ? 'a' : '-', 'proc.pname': b ? 'b' : '-', 'proc.cmdline': c ? 'c' : '-' });
  it('evaluates not, and, or with their precedence', () => {
    const cond = 'not proc.name = a and proc.pname = b or proc.cmdline = c';
    for (const a of [false, true]) {
      for (const b of [false, true]) {
        for (const c of [false, true]) assert.equal(matches(cond, v(a, b, c)), (!a && b) || c, `${a} ${b} ${c}`);
      }
    }
    keeps('proc.name = a and proc.pname = b and proc.cmdline = c', [[v(true, true, true), true], [v(true, true, false), false]]);
    keeps('proc.name = a or proc.pname = b or proc.cmdline = c', [[v(false, false, true), true], [v(false, false, false), false]]);
  });
});

describe('compileCondition: macros and lists', () => {
  const macros: Partial<Record<string, string>> = {
    is_shell: 'proc.name in (shell_binaries)',
    interactive: 'is_shell and proc.tty != 0',
    loop_a: 'loop_b',
    loop_b: 'loop_a',
  };
  const lists: Record<string, string[]> = { shell_binaries: ['bash', 'sh', 'zsh'], sensitive: ['/etc/shadow', '/etc/sudoers'] };
  const opts: CompileOptions = {
    resolveMacro: (n) => {
      const text = macros[n];
      return text === undefined ? undefined : parseCondition(text);
    },
    resolveList: (n) => lists[n],
  };

  it('expands macros (nested) and lists (in literals and as a bare name)', () => {
    keeps('interactive', [[{ 'proc.name': 'zsh', 'proc.tty': 34816 }, true], [{ 'proc.name': 'cat', 'proc.tty': 34816 }, false]], opts);
    keeps('fd.name in sensitive', [[{ 'fd.name': '/etc/shadow' }, true], [{ 'fd.name': 'sensitive' }, false]], opts);
    keeps('fd.name in (sensitive, /tmp/x)', [[{ 'fd.name': '/etc/sudoers' }, true], [{ 'fd.name': '/tmp/x' }, true]], opts);
    keeps('fd.name in ("sensitive")', [[{ 'fd.name': 'sensitive' }, true], [{ 'fd.name': '/etc/shadow' }, false]], opts);
    keeps('fd.name pmatch (sensitive)', [[{ 'fd.name': '/etc/sudoers' }, true]], opts);
  });

  it('reports unknown and recursive macros, and any identifier without a resolver', () => {
    const unknown = compileError('is_shell and nope', opts);
    assert.equal(unknown.kind, 'macro');
    assert.equal(unknown.reason, "Undefined macro 'nope' used in filter.");
    assert.equal(unknown.col, 14);
    assert.match(compileError('loop_a', opts).reason, /^reference loop in macro 'loop_a'$/);
    assert.equal(compileError('is_shell').reason, "unexpected identifier 'is_shell'");
  });
});
