import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ParamType } from '../../src/capture/event-types.js';
import { listFields } from '../../src/fields/list.js';
import { createRegistry, FIELD_CLASSES } from '../../src/fields/registry.js';
import { FieldError } from '../../src/fields/types.js';
import { sharedPath } from '../helpers.js';
import { fakeState, i64, makeEvent, str, thread, u32 } from './events.js';
import { LIBSINSP_SYSCALL_FIELDS } from './libsinsp-fields.js';
import { sysdigSkip } from '../support/sysdig.js';

/** Fields the stock rules use that libs newer than sysdig 0.29.3's added. */
const NEWER = [
  'proc.pexe', 'proc.aexe', 'proc.pexepath', 'proc.aexepath', 'proc.is_exe_upper_layer', 'proc.is_exe_from_memfd',
  'proc.exe_ino', 'proc.exe_ino.ctime', 'proc.exe_ino.mtime', 'proc.exe_ino.ctime_duration_proc_start',
  'thread.cap_permitted', 'thread.cap_inheritable', 'thread.cap_effective', 'container.start_ts', 'container.info',
  'fd.nameraw',
  // Falco's container plugin.
  'container.duration', 'container.full_id', 'container.ip', 'container.cni.json', 'container.host_pid', 'container.host_network',
  'container.host_ipc', 'container.label', 'container.labels', 'k8s.pod.uid', 'k8s.pod.sandbox_id', 'k8s.pod.full_sandbox_id',
  'k8s.pod.ip', 'k8s.pod.cni.json',
  // sysdig 0.29.3 knows these but leaves them out of -l (table-only fields); libsinsp's field tables have them.
  'evt.latency.quantized', 'evt.outputtime', 'evt.count.procinfo', 'evt.count.threadinfo', 'evt.buflen.in', 'evt.buflen.out',
  'evt.buflen.file', 'evt.buflen.file.in', 'evt.buflen.file.out', 'evt.buflen.net', 'evt.buflen.net.in', 'evt.buflen.net.out',
  'evt.infra.docker.name', 'evt.infra.docker.container.id', 'evt.infra.docker.container.name', 'evt.infra.docker.container.image',
  'thread.nametid', 'thread.vmsize.b', 'thread.vmrss.b',
  // The rest of current libsinsp's syscall field classes.
  'evt.source', 'evt.is_async', 'evt.asynctype', 'evt.hostname', 'evt.is_open_create',
  'proc.aargs', 'proc.acmdline', 'proc.cmdnargs', 'proc.cmdlenargs', 'proc.aenv', 'proc.pvpid', 'proc.sid.exe', 'proc.sid.exepath',
  'proc.vpgid.name', 'proc.vpgid.exe', 'proc.vpgid.exepath', 'proc.pgid', 'proc.pgid.name', 'proc.pgid.exe', 'proc.pgid.exepath',
  'proc.ppid.duration', 'proc.pid.ts', 'proc.ppid.ts', 'proc.is_exe_lower_layer', 'proc.is_sid_leader', 'proc.is_vpgid_leader',
  'proc.is_pgid_leader', 'proc.exe_ino.ctime_duration_pidns_start', 'proc.pidns_init_start_ts', 'proc.stdin.type', 'proc.stdout.type',
  'proc.stderr.type', 'proc.stdin.name', 'proc.stdout.name', 'proc.stderr.name',
  'fd.types', 'fd.ino', 'fd.is_upper_layer', 'fd.is_lower_layer',
];

/** Field classes newer than sysdig 0.29.3: left out whole when comparing with sysdig -l. */
const NEWER_CLASSES = ['fs.path'];

const registry = createRegistry(fakeState());

describe('field registry', () => {
  it('binds a field with its argument apart or inside the name', () => {
    assert.equal(registry.bind('proc.aname', '2').arg, 2);
    assert.equal(registry.bind('proc.aname', '2').text, 'proc.aname[2]');
    assert.equal(registry.bind('evt.arg.fd', undefined).arg, 'fd');
    assert.equal(registry.bind('evt.arg', 'fd').arg, 'fd');
    assert.equal(registry.bind('evt.arg', '0').arg, 0);
    assert.equal(registry.bind('thread.cgroup.cpuacct', undefined).arg, 'cpuacct');
    assert.equal(registry.bind('k8s.pod.label.app.kubernetes.io/name', undefined).arg, 'app.kubernetes.io/name');
    assert.equal(registry.bind('container.mount.dest', '/var/run/docker.sock').arg, '/var/run/docker.sock');
    assert.equal(registry.bind('proc.name', undefined).type, ParamType.CHARBUF);
  });

  it('gives evt.rawarg the type of the parameter it names', () => {
    assert.equal(registry.bind('evt.rawarg.res', undefined).type, ParamType.ERRNO);
    assert.equal(registry.bind('evt.rawarg.name', undefined).type, ParamType.FSPATH);
  });

  it('rejects unknown fields and bad arguments', () => {
    assert.throws(() => registry.bind('proc.nosuch', undefined), FieldError);
    assert.throws(() => registry.bind('evt.arg', undefined), FieldError);
    assert.throws(() => registry.bind('proc.name', 'x'), FieldError);
    assert.throws(() => registry.bind('evt.arg.nosuchparam', undefined), /unknown event argument/);
    assert.throws(() => registry.bind('proc.aname', 'x'), /not a valid number/);
  });

  it('binds filter-only fields for conditions but not for output', () => {
    assert.equal(registry.bind('fd.ip', undefined).def.filterOnly, true);
    assert.throws(() => registry.match('fd.ip', 0), /filter only/);
  });

  it('asks the field classes in sysdig\'s order and takes the first that knows a prefix', () => {
    const m = registry.match('evt.rawtime.nsx', 0);
    assert.equal(m.field.def.name, 'evt.rawtime.ns');
    assert.equal(m.end, 'evt.rawtime.ns'.length);
    assert.equal(registry.match('x %evt.args y', 3).field.def.name, 'evt.args');
    assert.equal(registry.match('evt.arg.namex', 0).field.arg, 'name');
  });

  it('stands for every ancestor in conditions when proc.aname has no index', () => {
    const bash = thread({ tid: 10, comm: 'bash', ptid: 1 });
    const init = thread({ tid: 1, comm: 'systemd', ptid: 0 });
    const cat = thread({ tid: 20, comm: 'cat', ptid: 10 });
    const r = createRegistry(fakeState({ threads: [bash, init, cat] }));
    const e = makeEvent({ type: 'brk>', params: [i64(0)], thread: cat });
    const f = r.bind('proc.aname', undefined);
    const out: unknown[] = [];
    assert.equal(f.candidates!(e, out as never[]), 2);
    assert.deepEqual(out, ['bash', 'systemd']);
    assert.equal(f.render(e), 'cat');
    assert.equal(r.bind('proc.aname', '2').render(e), 'systemd');
    assert.equal(r.bind('proc.aname', '3').render(e), undefined);
    assert.equal(r.bind('proc.aexe', undefined).candidates !== undefined, true);
  });

  it('binds fd.ip and fd.port to both ends of a connection, != meaning both differ', () => {
    const f = registry.bind('fd.port', undefined);
    assert.equal(f.neAll, true);
    assert.notEqual(f.candidates, undefined);
  });

  it('knows every field the stock Falco rules use', (t) => {
    const path = sharedPath('falco', 'fields-used.txt');
    if (path === undefined) { t.skip('../shared is absent'); return; }
    const names = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(' ')[0]);
    const unknown = names.filter((n) => {
      if (n === 'evt.arg[N]' || registry.defs.some((d) => d.name === n && d.argRequired)) return false;
      try {
        registry.bind(n, undefined);
        return false;
      } catch {
        return true;
      }
    });
    assert.deepEqual(unknown, []);
  });
});

describe('ghostwatch fields', () => {
  const sysdig = spawnSync('sysdig', ['-l'], { encoding: 'utf8' });

  it('lists fields as sysdig -l does, plus the newer ones', (t) => {
    if (sysdigSkip !== false) { t.skip(sysdigSkip); return; }
    const ours = listFields(FIELD_CLASSES);
    for (const name of NEWER) assert.match(ours, new RegExp(`^${name.replace(/\./g, '\\.')}( |$)`, 'm'));
    assert.equal(withoutNewer(ours), sysdig.stdout);
  });

  it('lists every field of current libsinsp\'s syscall field classes', () => {
    const ours = listFields(FIELD_CLASSES);
    const missing = LIBSINSP_SYSCALL_FIELDS.filter((n) => !new RegExp(`^${n.replace(/\./g, '\\.')}( |$)`, 'm').test(ours));
    assert.deepEqual(missing, []);
  });

  it('shows each field\'s type with -v, as sysdig -lv', (t) => {
    const lv = spawnSync('sysdig', ['-lv'], { encoding: 'utf8' });
    if (sysdigSkip !== false) { t.skip(sysdigSkip); return; }
    assert.equal(withoutNewer(listFields(FIELD_CLASSES, true)), lv.stdout);
  });
});

/**
 * The listing without the newer classes (from their rule line to the next class's) and without the
 * entries (name line and its wrapped continuation lines) of the newer fields.
 */
function withoutNewer(listing: string): string {
  const out: string[] = [];
  const lines = listing.split('\n');
  let skipping = false;
  let inNewerClass = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('-----')) {
      const cls = /^Field Class:\s+(\S+)/.exec(lines[i + 1] ?? '')?.[1];
      inNewerClass = cls !== undefined && NEWER_CLASSES.includes(cls);
    }
    if (inNewerClass) continue;
    if (!line.startsWith(' ')) skipping = NEWER.some((n) => line === n || line.startsWith(`${n} `));
    if (!skipping) out.push(line);
  }
  return out.join('\n');
}

// A quick end-to-end look at one real-shaped event, as a smoke test of the wiring.
describe('registry wiring', () => {
  it('extracts and renders through the bound field', () => {
    const t = thread({ tid: 7, comm: 'cat' });
    const e = makeEvent({ type: 'open<', thread: t, params: [i64(-2), str('/nope'), u32(1), u32(0)] });
    assert.equal(registry.bind('evt.res', undefined).render(e), 'ENOENT');
    assert.equal(registry.bind('evt.rawres', undefined).extract(e), -2);
    assert.equal(registry.bind('evt.failed', undefined).extract(e), true);
  });
});
