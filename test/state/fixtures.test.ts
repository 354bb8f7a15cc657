// The state engine on the fixture captures, against what sysdig 0.29.3 shows for them
// (`sysdig -r CAPTURE -p "*%evt.num|%thread.tid|%proc.name|%fd.num|%fd.name"` and friends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../src/capture/event.js';
import { EventCategory, EVENT_TABLE } from '../../src/capture/event-table.js';
import { readCapture } from '../../src/capture/reader.js';
import { State } from '../../src/state/state.js';
import { CloneFlag } from '../../src/capture/flags.js';
import { FdType } from '../../src/state/types.js';
import { SHARED_MISSING, sharedPath } from '../helpers.js';

const traces = sharedPath('falco', 'legacy-tests', 'trace_files');
const skip = traces === undefined ? SHARED_MISSING : false;

/** Run a capture through the state; `check` sees each event sysdig would print, right after process(). */
async function run(name: string, check: (e: Event, s: State) => void): Promise<{ state: State; shown: number }> {
  const state = new State();
  let shown = 0;
  await readCapture(`${traces}/${name}.scap`, {
    header: (h) => state.seed(h),
    event: (e) => {
      if (!state.process(e) || ((EVENT_TABLE[e.type].category & EventCategory.INTERNAL) !== 0)) return;
      shown++;
      check(e, state);
    },
  });
  return { state, shown };
}

/** "num:fd:name ..." → map from event number to [fd number, fd name]. */
function fdNames(spec: string): Map<number, [number, string]> {
  return new Map(spec.trim().split(/\s+/).map((item) => {
    const [num, fd, ...name] = item.split(':');
    return [Number(num), [Number(fd), name.join(':')]];
  }));
}

/** Every event sysdig shows with a known fd has the same fd number and name here. */
function checkFdNames(expected: Map<number, [number, string]>, seen: Set<number>) {
  return (e: Event): void => {
    const want = expected.get(e.num);
    if (want === undefined) return;
    seen.add(e.num);
    assert.equal(e.fdNum, want[0], `evt ${e.num} fd.num`);
    assert.equal(e.fd?.name, want[1], `evt ${e.num} fd.name`);
  };
}

test('cat_write: the cat process, its fds, and a closed fd leaving the table', { skip }, async () => {
  const expected = fdNames(`141:3:/etc/ld.so.cache 142:3:/etc/ld.so.cache 143:3:/etc/ld.so.cache 146:3:/etc/ld.so.cache
    147:3:/etc/ld.so.cache 151:3:/lib/x86_64-linux-gnu/libc.so.6 152:3:/lib/x86_64-linux-gnu/libc.so.6
    153:3:/lib/x86_64-linux-gnu/libc.so.6 154:3:/lib/x86_64-linux-gnu/libc.so.6 155:3:/lib/x86_64-linux-gnu/libc.so.6
    164:3:/lib/x86_64-linux-gnu/libc.so.6 165:3:/lib/x86_64-linux-gnu/libc.so.6 187:3:/usr/lib/locale/locale-archive
    188:3:/usr/lib/locale/locale-archive 189:3:/usr/lib/locale/locale-archive 192:3:/usr/lib/locale/locale-archive
    193:3:/usr/lib/locale/locale-archive 197:3:/dev/null 198:3:/dev/null 199:3:/dev/null 204:3:/dev/null
    205:3:/dev/null 208:3:/dev/null 209:3:/dev/null`);
  const seen = new Set<number>();
  const fdCheck = checkFdNames(expected, seen);
  const { shown } = await run('cat_write', (e, s) => {
    fdCheck(e);
    const t = e.thread!;
    assert.equal(t.tid, 20072);
    assert.equal(t.comm, 'cat');
    assert.equal(s.parent(t)?.comm, 'bash');
    if (e.num === 131) {
      assert.equal(t.exe, 'cat');
      assert.deepEqual(t.args, ['/dev/null']);
      assert.equal(t.ptid, 11310);
      assert.equal(t.vmsizeKb, 360);
      assert.deepEqual(t.cgroups[0], ['cpuset', '/user.slice/user-1000.slice/session-1.scope']);
    }
    // fd 3 closed by events 146/147 is still there for them, and gone from event 148 on.
    if (e.num === 147) assert.ok(t.fds.has(3));
    if (e.num === 148) assert.equal(t.fds.has(3), false);
    if (e.num === 145) assert.equal(t.vmsizeKb, 440, 'mmap exits update the memory counters');
  });
  assert.equal(shown, 85);
  assert.equal(seen.size, expected.size);
});

test('cat_write: the thread table after the capture', { skip }, async () => {
  let closed = false;
  const { state } = await run('cat_write', (e) => {
    if (e.num === 215) closed = (e.thread!.flags & CloneFlag.CLOSED) !== 0;
  });
  assert.ok(closed, 'procexit marks the thread closed');
  assert.equal(state.thread(20072), undefined, 'and it is gone once later events came');
  assert.equal(state.thread(11310)?.comm, 'bash');
  assert.equal(state.thread(1)?.comm, 'systemd');
  assert.equal(state.hostname, 'ubuntu');
  assert.equal(state.localIpv4.length, 3);
});

test('connect_localhost: an inferred thread\'s socket gets the connect tuple', { skip }, async () => {
  const comms = new Map([[31699, '<NA>'], [466, 'systemd-udevd'], [1190, 'systemd-logind']]);
  let sawConnect = false;
  await run('connect_localhost', (e) => {
    assert.equal(e.thread!.comm, comms.get(e.thread!.tid));
    if (e.num === 185) assert.equal(e.fd?.type, FdType.IPV4_SOCK);
    if (e.num === 187) {
      sawConnect = true;
      assert.equal(e.thread!.incomplete, true);
      assert.equal(e.fdNum, 4);
      assert.equal(e.fd?.name, '127.0.0.1:47192->127.0.0.1:80');
      assert.equal(e.fd.isRoleClient, true);
    }
    if (e.num === 189) {
      assert.equal(e.fd?.type, FdType.UNIX_SOCK);
      assert.equal(e.fd.name, '');
    }
  });
  assert.ok(sawConnect);
});

test('open-multiple-files: alternating fds 3 and 4 over thirteen files', { skip }, async () => {
  const names = fdNames(`
    1098:3:/tmp/file-1 1099:3:/tmp/file-1 1100:3:/tmp/file-1 1102:4:/tmp/file-2 1103:4:/tmp/file-2
    1104:4:/tmp/file-2 1105:3:/tmp/file-1 1106:3:/tmp/file-1 1108:3:/tmp/file-3 1109:3:/tmp/file-3
    1110:3:/tmp/file-3 1111:4:/tmp/file-2 1112:4:/tmp/file-2 1114:4:/tmp/file-4 1115:4:/tmp/file-4
    1116:4:/tmp/file-4 1117:3:/tmp/file-3 1118:3:/tmp/file-3 1120:3:/tmp/file-5 1121:3:/tmp/file-5
    1122:3:/tmp/file-5 1123:4:/tmp/file-4 1124:4:/tmp/file-4 1126:4:/tmp/file-6 1127:4:/tmp/file-6
    1128:4:/tmp/file-6 1129:3:/tmp/file-5 1130:3:/tmp/file-5 1132:3:/tmp/file-7 1133:3:/tmp/file-7
    1134:3:/tmp/file-7 1135:4:/tmp/file-6 1136:4:/tmp/file-6 1138:4:/tmp/file-8 1139:4:/tmp/file-8
    1140:4:/tmp/file-8 1141:3:/tmp/file-7 1142:3:/tmp/file-7 1144:3:/tmp/file-9 1145:3:/tmp/file-9
    1146:3:/tmp/file-9 1147:4:/tmp/file-8 1148:4:/tmp/file-8 1150:4:/tmp/file-10 1151:4:/tmp/file-10
    1152:4:/tmp/file-10 1153:3:/tmp/file-9 1154:3:/tmp/file-9 1156:3:/tmp/file-11 1157:3:/tmp/file-11
    1158:3:/tmp/file-11 1159:4:/tmp/file-10 1160:4:/tmp/file-10 1162:4:/tmp/file-12 1163:4:/tmp/file-12
    1164:4:/tmp/file-12 1165:3:/tmp/file-11 1166:3:/tmp/file-11 1168:3:/tmp/file-13 1169:3:/tmp/file-13
    1170:3:/tmp/file-13 1171:4:/tmp/file-12 1172:4:/tmp/file-12 1175:3:/tmp/file-13 1176:3:/tmp/file-13`);
  const seen = new Set<number>();
  const fdCheck = checkFdNames(names, seen);
  const { shown } = await run('open-multiple-files', (e) => {
    fdCheck(e);
    assert.equal(e.thread!.comm, 'python');
    assert.equal(e.thread!.cwd, '/mnt/sf_mstemm/work/src/falco/test/');
  });
  assert.equal(shown, 86);
  assert.equal(seen.size, names.size);
});

test('syscall and ping_sendto: unknown threads, files and an unknown socket', { skip }, async () => {
  const expected = fdNames('180:3:/etc/ld.so.cache 182:3:/lib/x86_64-linux-gnu/libc.so.6 188:3:/dev/null 190:3:/dev/null');
  const seen = new Set<number>();
  const fdCheck = checkFdNames(expected, seen);
  await run('syscall', (e) => {
    fdCheck(e);
    assert.equal(e.thread!.comm, '<NA>');
  });
  assert.equal(seen.size, expected.size);
  let sends = 0;
  await run('ping_sendto', (e) => {
    sends++;
    assert.equal(e.thread!.tid, 738);
    assert.equal(e.fd, undefined, 'sendmsg on an fd never seen creates nothing');
  });
  assert.equal(sends, 20);
});
