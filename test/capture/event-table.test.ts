import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EVENT_TABLE, EVENT_TYPE_NAMES, EventCategory, LEGACY_EVENT_COUNT, eventId, findLongestParam, legacyParamCount,
} from '../../src/capture/event-table.js';
import { EventFlag, ParamType, PrintFormat } from '../../src/capture/event-types.js';
import { FILE_FLAGS, FLAG_TABLES } from '../../src/capture/flag-tables.js';
import { errnoName, LEGACY_SYSCALL_COUNT, signalName, SYSCALL_CATEGORIES, SYSCALL_NAMES } from '../../src/capture/names.js';

const names = (id: number) => EVENT_TABLE[id].params.map((p) => p.name);

test('the table covers every event type of the latest libs, indexed by id', () => {
  assert.equal(EVENT_TABLE.length, 454);
  EVENT_TABLE.forEach((info, id) => {
    assert.equal(info.id, id);
    assert.equal(info.dir, id % 2 === 0 ? '>' : '<');
  });
  assert.equal(LEGACY_EVENT_COUNT, 336);
});

test('well-known ids', () => {
  assert.deepEqual([EVENT_TABLE[2].name, EVENT_TABLE[2].dir], ['open', '>']);
  assert.deepEqual([EVENT_TABLE[3].name, EVENT_TABLE[3].dir], ['open', '<']);
  assert.deepEqual(eventId('open', '>'), [2]);
  assert.deepEqual(eventId('open', '<'), [3]);
  assert.deepEqual(eventId('openat', '<'), [103, 307]);
  assert.deepEqual(eventId('execve', '<'), [13, 155, 173, 215, 231, 283, 289, 293]);
  assert.deepEqual(eventId('execve', '>'), [12, 154, 172, 214, 230, 282, 288, 292]);
  assert.deepEqual(eventId('dup', '<'), [125, 367]);
  assert.deepEqual(eventId('nosuchevent', '>'), []);
  assert.equal(EVENT_TABLE[186].name, 'procexit');
  assert.equal(EVENT_TABLE[322].name, 'pluginevent');
  assert.equal(EVENT_TABLE[453].name, 'keyctl');
  assert.ok(EVENT_TYPE_NAMES.has('clone3') && EVENT_TYPE_NAMES.has('switch') && !EVENT_TYPE_NAMES.has('nosuchevent'));
});

test('parameters of common events', () => {
  assert.deepEqual(names(3), ['fd', 'name', 'flags', 'mode', 'dev', 'ino']);
  assert.deepEqual(names(293).slice(0, 20), [
    'res', 'exe', 'args', 'tid', 'pid', 'ptid', 'cwd', 'fdlimit', 'pgft_maj', 'pgft_min', 'vm_size', 'vm_rss',
    'vm_swap', 'comm', 'cgroups', 'env', 'tty', 'pgid', 'loginuid', 'flags',
  ]);
  const flags = EVENT_TABLE[3].params[2];
  assert.equal(flags.type, ParamType.FLAGS32);
  assert.equal(flags.fmt, PrintFormat.HEX);
  assert.equal(flags.flags, FILE_FLAGS);
  assert.equal(EVENT_TABLE[3].params[3].fmt, PrintFormat.OCT);
  const renameatPath = EVENT_TABLE[177].params[4];
  assert.deepEqual([renameatPath.name, renameatPath.type, renameatPath.dirfdParam], ['newpath', ParamType.FSRELPATH, 3]);
  const val = EVENT_TABLE[45].params[4];
  assert.equal(val.type, ParamType.DYN);
  assert.deepEqual(val.dyn!.map((s) => s.type), [ParamType.BYTEBUF, ParamType.ERRNO, ParamType.UINT32, ParamType.UINT64, ParamType.RELTIME]);
});

test('parameters appended by newer drivers are marked: sysdig 0.29.3 shows only the first ones', () => {
  assert.equal(legacyParamCount(EVENT_TABLE[3]), 5);
  assert.equal(legacyParamCount(EVENT_TABLE[7]), 2);
  assert.deepEqual(names(7), ['res', 'data', 'fd', 'size']);
  assert.equal(legacyParamCount(EVENT_TABLE[293]), 20);
  assert.equal(EVENT_TABLE[293].params.length, 31);
  assert.equal(legacyParamCount(EVENT_TABLE[2]), 3);
  assert.equal(EVENT_TABLE[2].legacyParams, undefined);
  assert.equal(EVENT_TABLE[400].legacyParams, undefined, 'events newer than 2022 show everything');
});

test("sysdig 0.29.3's definitions win where they print differently", () => {
  // Newer libs: ENUMFLAGS32 (exact match only), 'vpgid', 'plugin_id', ERRNO res, 'NA'.
  assert.equal(EVENT_TABLE[18].params[0].type, ParamType.FLAGS32);
  assert.equal(EVENT_TABLE[293].params[17].name, 'pgid');
  assert.equal(EVENT_TABLE[293].params[16].type, ParamType.INT32);
  assert.equal(EVENT_TABLE[322].params[0].name, 'plugin ID');
  assert.equal(EVENT_TABLE[161].params[0].type, ParamType.UINT64);
  assert.deepEqual([EVENT_TABLE[17].name, EVENT_TABLE[147].name, EVENT_TABLE[196].name], ['NA1', 'NA2', 'sysdigevent']);
  // Flags and categories keep 2022 semantics: mmap does not use its fd, close's enter is current.
  assert.equal(EVENT_TABLE[160].flags & EventFlag.USES_FD, 0);
  assert.equal(EVENT_TABLE[4].flags & EventFlag.OLD_VERSION, 0);
  assert.equal(EVENT_TABLE[3].category, EventCategory.FILE);
  assert.equal(EVENT_TABLE[7].category, EventCategory.IO_READ);
  // Newer events lose the event-source bits and the "enter events are converted" flags.
  assert.equal(EVENT_TABLE[344].category, EventCategory.MEMORY);
  assert.equal(EVENT_TABLE[344].flags & (EventFlag.OLD_VERSION | EventFlag.CONVERTER_MANAGED), 0);
  assert.ok(EVENT_TABLE[402].flags & EventFlag.LARGE_PAYLOAD);
});

test('every flags reference resolves to a table, and every table is ordered as the driver has it', () => {
  for (const info of EVENT_TABLE) {
    for (const p of info.params) {
      if (p.type === ParamType.MODE || p.type === ParamType.ENUMFLAGS8 || p.type === ParamType.ENUMFLAGS32) assert.ok(p.flags, `${info.name}.${p.name}`);
    }
  }
  assert.deepEqual(FILE_FLAGS.slice(10, 13).map((f) => f.name), ['O_RDWR', 'O_WRONLY', 'O_RDONLY']);
  assert.deepEqual(FLAG_TABLES.socket_families.slice(-4).map((f) => `${f.name}=${f.value}`), ['AF_INET=2', 'AF_LOCAL=1', 'AF_UNIX=1', 'AF_UNSPEC=0']);
  assert.equal(FILE_FLAGS.find((f) => f.name === 'O_F_CREATED'), undefined, 'sysdig 0.29.3 has no O_F_CREATED');
});

test('evt.arg.NAME finds the longest parameter name the field starts with, in table order', () => {
  assert.deepEqual([findLongestParam('fd')!.name, findLongestParam('fd')!.type], ['fd', ParamType.FD]);
  assert.equal(findLongestParam('res')!.type, ParamType.ERRNO);
  assert.equal(findLongestParam('flags')!.type, ParamType.FLAGS32);
  assert.equal(findLongestParam('fdlimit')!.name, 'fdlimit');
  assert.equal(findLongestParam('fd.name')!.name, 'fd');
  assert.equal(findLongestParam('nosuch'), undefined);
  assert.equal(findLongestParam('reaper_tid'), undefined, 'parameters newer than 2022 are unknown');
});

test('name tables', () => {
  assert.equal(errnoName(-2), 'ENOENT');
  assert.equal(errnoName(-115), 'EINPROGRESS');
  assert.equal(errnoName(-516), 'ERESTART_RESTARTBLOCK');
  assert.equal(errnoName(-41), '');
  assert.equal(errnoName(3), '');
  assert.equal(signalName(9), 'SIGKILL');
  assert.equal(signalName(31), 'SIGSYS');
  assert.equal(signalName(0), '');
  assert.equal(signalName(40), '');
  assert.equal(SYSCALL_NAMES[0], '<unknown>');
  assert.equal(SYSCALL_NAMES[10], 'chdir');
  assert.equal(SYSCALL_NAMES[305], 'setuid');
  assert.equal(LEGACY_SYSCALL_COUNT, 329);
  assert.equal(SYSCALL_CATEGORIES.length, LEGACY_SYSCALL_COUNT);
  assert.equal(SYSCALL_CATEGORIES[10], EventCategory.FILE);
});
