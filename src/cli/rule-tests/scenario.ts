// Declarative rule test events → a scap capture the engine reads as it reads the live probe's
// stream: a header with the processes already running (the /proc scan's view: process list,
// users), `container` events describing containers (as the runtimes' answers arrive live), then
// the newest exit event of each call, the one the probe emits, with every parameter. A process
// that starts is its parent's clone (both sides, as the probe reports them) and its execve.
//
// Steps (one action key each; docs/rule-tests.md has the full list):
//   process: NAME   a process already running (args, exepath, parent, user, cwd, env, tty, container...)
//   exec: NAME      a process starts: fork of its parent, then execve (the same keys)
//   open: PATH      openat by a process (flags, fd, result)
//   connect: IP:PORT / accept: IP:PORT   a TCP (or proto: udp) socket, connected out or accepted in
//   syscall: NAME   any call the probe reports, its parameters by name (params: {name: value})
// Every step but process/exec is done `by:` a process (default: the last one named).
import { createHash } from 'node:crypto';
import { EVENT_TABLE, eventId } from '../../capture/event-table.js';
import { Event } from '../../capture/event.js';
import { ParamType, type EventInfo, type ParamInfo } from '../../capture/event-types.js';
import { fixedWidth } from '../../capture/compat.js';
import { ExeFlag } from '../../capture/flags.js';
import type { CaptureHeader, ProcRecord, UserRecord } from '../../capture/records.js';
import { CaptureWriter } from '../../capture/writer.js';
import { containerJson, partialContainer } from '../../sources/containers/runtime.js';
import type { Step, Value } from './schema.js';

/** A step that cannot be built: the message names the step's line (the caller adds the file). */
export class StepError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const COMMON_KEYS = ['by', 'result'];
const PROCESS_KEYS = ['args', 'exe', 'exepath', 'parent', 'user', 'cwd', 'env', 'tty', 'container', 'pid', 'loginuid',
  'exe_writable', 'exe_upper_layer', 'exe_from_memfd', 'caps'];
const STEP_KEYS: Readonly<Record<string, readonly string[]>> = {
  process: PROCESS_KEYS,
  exec: PROCESS_KEYS,
  open: ['flags', 'mode', 'fd', ...COMMON_KEYS],
  connect: ['proto', 'from', 'fd', ...COMMON_KEYS],
  accept: ['proto', 'local', 'fd', ...COMMON_KEYS],
  syscall: ['params', ...COMMON_KEYS],
};

/** When the scenario's events happen (2024-01-01T00:00:00Z), one millisecond apart. */
const START_NS = 1_704_067_200_000_000_000n;
const STEP_NS = 1_000_000n;
const AT_FDCWD = -100;
/** Every capability, as root has them. */
const ALL_CAPS = 0x1ffffffffffn;
const NO_LOGINUID = 0xffffffff;
const FIRST_USER_UID = 1000;
const AF_INET = 2;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const CONTAINER_TYPE_DOCKER = 0;
const CONTAINER_TYPE_CRI = 6;

interface Container {
  readonly name: string;
  readonly fullId: string;
  readonly json: string;
  readonly cgroup: string;
  nextVpid: number;
}

interface Proc {
  readonly name: string;
  readonly tid: number;
  readonly ptid: number;
  readonly exe: string;
  readonly exepath: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
  readonly env: readonly string[];
  readonly tty: number;
  readonly loginuid: number;
  readonly exeFlags: number;
  readonly caps: bigint;
  readonly container: Container | undefined;
  readonly vpid: number;
  nextFd: number;
}

/** Builds the capture of a case's steps into `path`. */
export function writeScenario(steps: readonly Step[], path: string): void {
  const s = new Scenario();
  // The users, as the /proc scan finds them in /etc/passwd, and the processes already running go
  // in the header, wherever their step is.
  for (const step of steps) {
    const user = step.fields.get('user');
    if (user !== undefined) s.uidOf(user, step.line);
  }
  for (const step of steps) if (step.fields.has('process')) s.declare(step, false);
  // Every container is described before the events (live, the runtime's answer comes before the
  // rules judge the container's first events).
  for (const step of steps) if (step.fields.has('exec')) s.describeContainer(step);
  s.rewind();
  const writer = new CaptureWriter(path);
  try {
    writer.writeHeader(s.header());
    for (const c of s.containers.values()) writer.writeEvent(s.containerEvent(c));
    for (const step of steps) for (const e of s.events(step)) writer.writeEvent(e);
  } finally {
    writer.close();
  }
}

class Scenario {
  readonly containers = new Map<string, Container>();
  /** The line of each container's description. */
  private readonly describedAt = new Map<string, number>();
  private readonly procs = new Map<string, Proc>();
  private readonly running: Proc[] = [];
  private readonly users = new Map<string, UserRecord>([['root', { uid: 0, gid: 0, name: 'root', home: '/root', shell: '/bin/bash', container: '' }]]);
  private nextTid = 1000;
  private ts = START_NS;
  private last: Proc | undefined;
  private containerEventsWritten = false;

  constructor() {
    this.running.push(this.add({ name: 'systemd', tid: 1, ptid: 0, exepath: '/usr/lib/systemd/systemd', args: [], uid: 0 }));
  }

  /** After the header's processes are declared: the steps' order starts again. */
  rewind(): void {
    this.last = undefined;
  }

  header(): CaptureHeader {
    this.containerEventsWritten = true;
    return {
      major: 1, minor: 0, machine: { numCpus: 1, memoryBytes: 0, maxPid: 4194304, hostname: 'rule-test', bootTime: 0 },
      procs: this.running.map(procRecord), fds: [], ifaces6: [],
      // The host's addresses: 10.0.0.5, where connections start and are accepted by default.
      ifaces: [{ name: 'lo', ipv4: ipv4('127.0.0.1'), netmask: ipv4('255.0.0.0'), bcast: 0, linkspeed: 0 },
        { name: 'eth0', ipv4: ipv4('10.0.0.5'), netmask: ipv4('255.255.255.0'), bcast: ipv4('10.0.0.255'), linkspeed: 0 }],
      users: [...this.users.values()], groups: [{ gid: 0, name: 'root', container: '' }],
    };
  }

  containerEvent(c: Container): Event {
    return largeEvent(eventId('container', '>').at(-1)!, -1, this.tick(), c.json);
  }

  /** A process/exec step's process, created (and placed in the header, or started by events). */
  declare(step: Step, starts: boolean): Proc {
    const kind = starts ? 'exec' : 'process';
    checkStepKeys(step, kind);
    const name = text(step, kind);
    if (!starts && this.procs.has(name)) throw new StepError(step.line, `process '${name}' is declared twice`);
    const container = this.containerOf(step);
    const parentName = optionalText(step, 'parent');
    const parent = parentName === undefined ? (this.last ?? this.procs.get('systemd')!) : (this.procs.get(parentName) ?? this.implicitParent(parentName, container));
    const user = optionalValue(step, 'user');
    const uid = user === undefined ? parent.uid : this.uidOf(user, step.line);
    const pid = optionalText(step, 'pid');
    const p = this.add({
      name, tid: pid === undefined ? this.nextTid++ : int(pid, step.line, 'pid'), ptid: parent.tid,
      exepath: optionalText(step, 'exepath') ?? `/usr/bin/${name}`, exe: optionalText(step, 'exe'), args: list(step, 'args'), uid,
      cwd: optionalText(step, 'cwd') ?? parent.cwd, env: optionalValue(step, 'env') === undefined ? parent.env : list(step, 'env'),
      tty: int(optionalText(step, 'tty') ?? String(parent.tty), step.line, 'tty'),
      loginuid: int(optionalText(step, 'loginuid') ?? String(parent.loginuid), step.line, 'loginuid'),
      exeFlags: (flag(step, 'exe_writable') ? ExeFlag.WRITABLE : 0) | (flag(step, 'exe_upper_layer') ? ExeFlag.UPPER_LAYER : 0)
        | (flag(step, 'exe_from_memfd') ? ExeFlag.FROM_MEMFD : 0),
      caps: optionalText(step, 'caps') === undefined ? (uid === 0 ? ALL_CAPS : 0n) : BigInt(optionalText(step, 'caps')!),
      container: container ?? parent.container,
    });
    if (!starts) this.running.push(p);
    this.last = p;
    return p;
  }

  /** The events of one step. */
  events(step: Step): Event[] {
    const kind = [...step.fields.keys()].find((k) => k in STEP_KEYS);
    if (kind === undefined) throw new StepError(step.line, `a step needs one of ${Object.keys(STEP_KEYS).join(', ')}`);
    if (kind === 'process') {
      this.last = this.procs.get(text(step, 'process'));
      return [];
    }
    if (kind === 'exec') return this.exec(step);
    checkStepKeys(step, kind);
    const by = this.by(step);
    const res = optionalText(step, 'result');
    switch (kind) {
      case 'open': {
        const fd = this.fd(step, by);
        const flags = optionalValue(step, 'flags') ?? 'O_RDONLY';
        return [this.exit(by, 'openat', step.line, {
          fd: res ?? String(fd), dirfd: String(AT_FDCWD), name: text(step, 'open'), flags, mode: optionalText(step, 'mode') ?? '0',
        })];
      }
      case 'connect':
      case 'accept': {
        const udp = (optionalText(step, 'proto') ?? 'tcp') === 'udp';
        const fd = this.fd(step, by);
        const peer = text(step, kind);
        const local = optionalText(step, kind === 'connect' ? 'from' : 'local') ?? (kind === 'connect' ? '10.0.0.5:40000' : '10.0.0.5:8080');
        const socket = this.exit(by, 'socket', step.line, {
          fd: String(fd), domain: String(AF_INET), type: String(udp ? SOCK_DGRAM : SOCK_STREAM), proto: String(udp ? IPPROTO_UDP : IPPROTO_TCP), flags: '0',
        });
        if (kind === 'connect') {
          return [socket, this.exit(by, 'connect', step.line, { res: res ?? '0', tuple: `${local}->${peer}`, fd: String(fd), addr: peer })];
        }
        // The listening socket is fd; the connection accepted is the next one.
        const conn = by.nextFd++;
        return [socket, this.exit(by, 'bind', step.line, { res: '0', addr: local, fd: String(fd) }),
          this.exit(by, 'listen', step.line, { res: '0', fd: String(fd), backlog: '128' }),
          this.exit(by, 'accept', step.line, { fd: res ?? String(conn), tuple: `${peer}->${local}`, queuepct: '0', queuelen: '0', queuemax: '128' })];
      }
      case 'syscall': {
        const params = optionalValue(step, 'params') ?? {};
        if (typeof params !== 'object' || Array.isArray(params)) throw new StepError(step.line, 'params: must be a map of parameter: value');
        return [this.exit(by, text(step, 'syscall'), step.line, { ...(res !== undefined && { res }), ...(params as Readonly<Record<string, Value>>) })];
      }
      default:
        throw new StepError(step.line, `unknown step '${kind}'`);
    }
  }

  /** A process starts: its parent's clone (the parent's side, then the child's), then its execve. */
  private exec(step: Step): Event[] {
    const p = this.declare(step, true);
    const parent = [...this.procs.values()].find((q) => q.tid === p.ptid)!;
    const cloneParams = (tid: number, res: number): Record<string, Value> => {
      const self = tid === p.tid ? p : parent;
      return {
        res: String(res), exe: parent.exe, args: [...parent.args], tid: String(tid), pid: String(tid), ptid: String(self.ptid), cwd: parent.cwd,
        fdlimit: '1024', comm: parent.name.slice(0, 15), cgroups: cgroups(self.container), flags: '0',
        uid: String(parent.uid), gid: String(parent.gid), vtid: String(self.vpid), vpid: String(self.vpid),
      };
    };
    const events = [];
    if (p.container !== undefined && !this.containerEventsWritten) throw new StepError(step.line, 'internal: container before header');
    events.push(this.exit(parent, 'clone', step.line, cloneParams(parent.tid, p.tid)));
    events.push(this.exit(p, 'clone', step.line, cloneParams(p.tid, 0)));
    const caps = p.caps.toString();
    events.push(this.exit(p, 'execve', step.line, {
      res: '0', exe: p.exe, args: [...p.args], tid: String(p.tid), pid: String(p.tid), ptid: String(p.ptid), cwd: p.cwd, fdlimit: '1024',
      comm: p.name.slice(0, 15), cgroups: cgroups(p.container), env: [...p.env], tty: String(p.tty), pgid: String(p.tid),
      loginuid: String(p.loginuid), flags: String(p.exeFlags), cap_inheritable: '0', cap_permitted: caps, cap_effective: caps,
      exe_ino: '1234', exe_ino_ctime: String(START_NS - 3_600_000_000_000n), exe_ino_mtime: String(START_NS - 3_600_000_000_000n),
      uid: String(p.uid), trusted_exepath: p.exepath, gid: String(p.gid), filename: p.exepath,
    }));
    this.last = p;
    return events;
  }

  private add(p: { name: string; tid: number; ptid: number; exepath: string; exe?: string | undefined; args: readonly string[]; uid: number; cwd?: string;
    env?: readonly string[]; tty?: number; loginuid?: number; exeFlags?: number; caps?: bigint; container?: Container | undefined }): Proc {
    const container = p.container;
    const proc: Proc = {
      name: p.name, tid: p.tid, ptid: p.ptid, exe: p.exe ?? p.exepath, exepath: p.exepath, args: p.args, cwd: p.cwd ?? '/', uid: p.uid, gid: p.uid,
      env: p.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], tty: p.tty ?? 0, loginuid: p.loginuid ?? NO_LOGINUID,
      exeFlags: p.exeFlags ?? 0, caps: p.caps ?? ALL_CAPS, container, vpid: container === undefined ? p.tid : container.nextVpid++, nextFd: 3,
    };
    this.procs.set(p.name, proc);
    return proc;
  }

  /** A parent named but not declared: a process already running (in the child's container). */
  private implicitParent(name: string, container: Container | undefined): Proc {
    const p = this.add({ name, tid: this.nextTid++, ptid: 1, exepath: `/usr/bin/${name}`, args: [], uid: 0, container });
    this.running.push(p);
    return p;
  }

  private by(step: Step): Proc {
    const name = optionalText(step, 'by');
    const p = name === undefined ? this.last : this.procs.get(name);
    if (p === undefined) throw new StepError(step.line, name === undefined ? 'no process yet: start one with exec: or declare one with process:' : `no process '${name}' (declare it first)`);
    return p;
  }

  private fd(step: Step, by: Proc): number {
    const given = optionalText(step, 'fd');
    if (given === undefined) return by.nextFd++;
    const fd = int(given, step.line, 'fd');
    by.nextFd = Math.max(by.nextFd, fd + 1);
    return fd;
  }

  uidOf(user: Value, line: number): number {
    const spec = typeof user === 'string' ? { name: user } : user;
    if (spec === null || Array.isArray(spec) || typeof spec !== 'object') throw new StepError(line, 'user: is a name or {name, uid}');
    const name = (spec as Record<string, Value>).name;
    const uidText = (spec as Record<string, Value>).uid;
    if (typeof name !== 'string') throw new StepError(line, 'user: needs a name');
    const known = this.users.get(name);
    if (known !== undefined) return known.uid;
    const uid = typeof uidText === 'string' ? int(uidText, line, 'uid') : FIRST_USER_UID + this.users.size - 1;
    this.users.set(name, { uid, gid: uid, name, home: `/home/${name}`, shell: '/bin/bash', container: '' });
    return uid;
  }

  describeContainer(step: Step): void {
    this.containerOf(step);
  }

  private containerOf(step: Step): Container | undefined {
    const v = optionalValue(step, 'container');
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') {
      const known = this.containers.get(v);
      if (known === undefined) throw new StepError(step.line, `no container '${v}' yet: describe it with container: {name: ${v}, image: ...}`);
      return known;
    }
    if (Array.isArray(v) || typeof v !== 'object') throw new StepError(step.line, 'container: is a name or a map (name, image, pod, privileged, labels, mounts)');
    const spec = v as Record<string, Value>;
    const allowed = ['name', 'image', 'pod', 'privileged', 'labels', 'mounts', 'id'];
    for (const k of Object.keys(spec)) if (!allowed.includes(k)) throw new StepError(step.line, `unknown key '${k}' in container (known: ${allowed.join(', ')})`);
    const name = typeof spec.name === 'string' ? spec.name : '';
    if (name === '') throw new StepError(step.line, 'container: needs a name');
    const described = this.containers.get(name);
    if (described !== undefined) {
      if (this.describedAt.get(name) === step.line) return described;
      throw new StepError(step.line, `container '${name}' is described twice (after its first description, name it: container: ${name})`);
    }
    this.describedAt.set(name, step.line);
    const fullId = typeof spec.id === 'string' ? spec.id.padEnd(64, '0') : createHash('sha256').update(name).digest('hex');
    const pod = typeof spec.pod === 'string' ? spec.pod : undefined;
    const [podNs, podName] = pod === undefined ? [] : pod.includes('/') ? pod.split('/', 2) : ['default', pod];
    const labels: Record<string, string> = {};
    if (typeof spec.labels === 'object' && spec.labels !== null && !Array.isArray(spec.labels)) {
      for (const [k, val] of Object.entries(spec.labels)) labels[k] = typeof val === 'string' ? val : '';
    }
    if (pod !== undefined) {
      Object.assign(labels, {
        'io.kubernetes.pod.name': podName, 'io.kubernetes.pod.namespace': podNs, 'io.kubernetes.container.name': name,
        'io.kubernetes.pod.uid': createHash('sha256').update(pod).digest('hex').slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
      });
    }
    const base = partialContainer(fullId, pod === undefined ? CONTAINER_TYPE_DOCKER : CONTAINER_TYPE_CRI, name, typeof spec.image === 'string' ? spec.image : '', labels);
    const mountSpecs: readonly Value[] = Array.isArray(spec.mounts) ? spec.mounts : [];
    const mounts = mountSpecs.map((m) => {
      const [source = '', dest = '', mode = 'rw'] = scalar(m).split(':');
      return { source, dest, mode, rw: mode === 'rw', propagation: 'rprivate' };
    });
    const description = { ...base, privileged: spec.privileged === 'true', mounts, createdTime: Number(START_NS / 1_000_000_000n) - 60 };
    const podUid = labels['io.kubernetes.pod.uid'] ?? '';
    const c: Container = {
      name, fullId, json: containerJson(description),
      cgroup: pod === undefined ? `/system.slice/docker-${fullId}.scope` : `/kubepods/besteffort/pod${podUid}/${fullId}`, nextVpid: 1,
    };
    this.containers.set(name, c);
    return c;
  }

  private tick(): number {
    this.ts += STEP_NS;
    return Number(this.ts);
  }

  /** The newest exit event of a call (the probe's), by thread p, its parameters by name. */
  private exit(p: Proc, call: string, line: number, values: Readonly<Record<string, Value>>): Event {
    const id = eventId(call, '<').at(-1);
    if (id === undefined) throw new StepError(line, `no event for the call '${call}'`);
    const info = EVENT_TABLE[id];
    for (const k of Object.keys(values)) {
      if (!info.params.some((q) => q.name === k)) throw new StepError(line, `${call} has no parameter '${k}' (it has ${info.params.map((q) => q.name).join(', ')})`);
    }
    return smallEvent(info, p.tid, this.tick(), info.params.map((q) => encodeParam(q, values[q.name], line, call)));
  }
}

function procRecord(p: Proc): ProcRecord {
  return {
    tid: p.tid, pid: p.tid, ptid: p.ptid, sid: p.tid, vpgid: p.vpid, pgid: p.tid, comm: p.name.slice(0, 15), exe: p.exe, exepath: p.exepath,
    args: [...p.args], env: [...p.env], cwd: p.cwd, root: '/', fdlimit: 1024, flags: 0, uid: p.uid, gid: p.gid, loginuid: p.loginuid, tty: p.tty,
    vmsizeKb: 0, vmrssKb: 0, vmswapKb: 0, pfmajor: 0, pfminor: 0, vtid: p.vpid, vpid: p.vpid, cgroups: cgroupPairs(p.container),
    exeWritable: (p.exeFlags & ExeFlag.WRITABLE) !== 0, exeUpperLayer: false, exeFromMemfd: false, capInheritable: 0n, capPermitted: p.caps,
    capEffective: p.caps, exeIno: 0, exeInoCtime: 0, exeInoMtime: 0, cloneTs: 0, pidnsInitStartTs: 0,
  };
}

const CGROUP_CONTROLLERS = ['cpuset', 'cpu', 'memory', 'pids'];

function cgroupPairs(c: Container | undefined): [string, string][] {
  return CGROUP_CONTROLLERS.map((k) => [k, c === undefined ? '/user.slice' : c.cgroup]);
}

function cgroups(c: Container | undefined): string[] {
  return cgroupPairs(c).map(([k, v]) => `${k}=${v}`);
}

function checkStepKeys(step: Step, kind: string): void {
  const allowed = STEP_KEYS[kind];
  for (const k of step.fields.keys()) {
    if (k !== kind && !allowed.includes(k)) throw new StepError(step.line, `unknown key '${k}' in a ${kind} step (known: ${allowed.join(', ')})`);
  }
  const actions = [...step.fields.keys()].filter((k) => k in STEP_KEYS);
  if (actions.length > 1) throw new StepError(step.line, `a step does one thing: ${actions.join(' and ')}`);
}

function optionalValue(step: Step, key: string): Value | undefined {
  return step.fields.get(key);
}

function optionalText(step: Step, key: string): string | undefined {
  const v = step.fields.get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new StepError(step.line, `${key}: must be a text`);
  return v;
}

function text(step: Step, key: string): string {
  const v = optionalText(step, key);
  if (v === undefined || v === '') throw new StepError(step.line, `${key}: needs a value`);
  return v;
}

function flag(step: Step, key: string): boolean {
  return optionalText(step, key) === 'true';
}

/** A list of texts: a YAML list, or one text split at spaces. */
function list(step: Step, key: string): string[] {
  const v = step.fields.get(key);
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v.split(/\s+/).filter((s) => s !== '');
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : ''));
  throw new StepError(step.line, `${key}: must be a list`);
}

function int(s: string, line: number, what: string): number {
  if (!/^-?\d+$/.test(s)) throw new StepError(line, `${what}: '${s}' is not a whole number`);
  return Number(s);
}

/** One parameter's bytes, from its value as text (numbers, flag names, addresses, lists). */
function encodeParam(p: ParamInfo, v: Value | undefined, line: number, call: string): Buffer {
  const where = `${call}'s ${p.name}`;
  const width = fixedWidth(p.type);
  if (width > 0) {
    const n = v === undefined || v === null ? 0n : numeric(p, v, line, where);
    const b = Buffer.alloc(width);
    if (width === 1) b.writeUInt8(Number(BigInt.asUintN(8, n)));
    else if (width === 2) b.writeUInt16LE(Number(BigInt.asUintN(16, n)));
    else if (width === 4) b.writeUInt32LE(Number(BigInt.asUintN(32, n)));
    else b.writeBigUInt64LE(BigInt.asUintN(64, n));
    return b;
  }
  switch (p.type) {
    case ParamType.CHARBUF: case ParamType.FSPATH: case ParamType.FSRELPATH:
      return Buffer.from(`${typeof v === 'string' ? v : ''}\0`, 'utf8');
    case ParamType.BYTEBUF: case ParamType.CHARBUFARRAY:
      if (Array.isArray(v)) return Buffer.from(v.map((x) => `${typeof x === 'string' ? x : ''}\0`).join(''), 'utf8');
      return dataBytes(typeof v === 'string' ? v : '');
    case ParamType.SOCKADDR:
      return v === undefined || v === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([AF_INET]), endpoint(scalar(v), line, where)]);
    case ParamType.SOCKTUPLE: {
      if (v === undefined || v === null) return Buffer.alloc(0);
      const [from = '', to = ''] = scalar(v).split('->');
      return Buffer.concat([Buffer.from([AF_INET]), endpoint(from, line, where), endpoint(to, line, where)]);
    }
    default:
      if (v === undefined || v === null) return Buffer.alloc(0);
      throw new StepError(line, `${where} cannot be given in a test (its type is not supported)`);
  }
}

/**
 * A data buffer's bytes: text whose characters are all below 256 is taken byte for byte (YAML's
 * "\xca\xfe" gives the bytes 0xca 0xfe), other text as UTF-8.
 */
function dataBytes(s: string): Buffer {
  return /^[\u0000-\u00ff]*$/.test(s) ? Buffer.from(s, 'latin1') : Buffer.from(s, 'utf8');
}

/** A value that must be one text (a list or a map is ''). */
function scalar(v: Value): string {
  return typeof v === 'string' ? v : '';
}

/** A number, or flag names (a list, or names joined by |) of the parameter's flags table. */
function numeric(p: ParamInfo, v: Value, line: number, where: string): bigint {
  const names = Array.isArray(v) ? v.map(scalar) : scalar(v).split('|').map((s) => s.trim());
  let n = 0n;
  for (const name of names) {
    if (/^-?\d+$/.test(name) || /^0x[0-9a-f]+$/i.test(name)) {
      n |= BigInt(name);
      continue;
    }
    if (/^0[0-7]+$/.test(name)) {
      n |= BigInt(`0o${name.slice(1)}`);
      continue;
    }
    const f = p.flags?.find((x) => x.name === name);
    if (f === undefined) throw new StepError(line, `${where}: '${name}' is not a number${p.flags === undefined ? '' : ` nor one of ${p.flags.map((x) => x.name).join(', ')}`}`);
    n |= BigInt(f.value);
  }
  return n;
}

/** "a.b.c.d:port" as the 4 address bytes and the port, little-endian as scap stores them. */
function endpoint(s: string, line: number, where: string): Buffer {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(s.trim());
  if (m === null) throw new StepError(line, `${where}: '${s}' is not IP:PORT`);
  const b = Buffer.alloc(6);
  for (let i = 0; i < 4; i++) b[i] = Number(m[i + 1]);
  b.writeUInt16LE(Number(m[5]), 4);
  return b;
}

/** An IPv4 address as the state stores it (the 4 bytes read little-endian). */
function ipv4(s: string): number {
  return Buffer.from(s.split('.').map(Number)).readUInt32LE(0);
}

/** An event with 16-bit parameter lengths. */
function smallEvent(info: EventInfo, tid: number, ts: number, params: readonly Buffer[]): Event {
  return frame(info.id, tid, ts, params, 2);
}

/** An event with one 32-bit-length text parameter (the container event). */
function largeEvent(type: number, tid: number, ts: number, json: string): Event {
  return frame(type, tid, ts, [Buffer.from(`${json}\0`, 'utf8')], 4);
}

function frame(type: number, tid: number, ts: number, params: readonly Buffer[], lenSize: 2 | 4): Event {
  const headerLen = 26 + lenSize * params.length;
  const buf = Buffer.alloc(headerLen + params.reduce((n, b) => n + b.length, 0));
  buf.writeBigUInt64LE(BigInt(ts), 0);
  buf.writeBigInt64LE(BigInt(tid), 8);
  buf.writeUInt32LE(buf.length, 16);
  buf.writeUInt16LE(type, 20);
  buf.writeUInt32LE(params.length, 22);
  let at = 26;
  for (const b of params) {
    if (lenSize === 2) buf.writeUInt16LE(b.length, at);
    else buf.writeUInt32LE(b.length, at);
    at += lenSize;
  }
  for (const b of params) {
    b.copy(buf, at);
    at += b.length;
  }
  const e = new Event();
  e.reset(buf, 0, 26, lenSize, params.length);
  return e;
}
