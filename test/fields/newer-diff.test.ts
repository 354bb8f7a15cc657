// Fields of newer libsinsp that sysdig 0.29.3 does not know, checked against sysdig all the same
// where one of its fields says the same thing: on every fixture capture, fs.path.name of a
// successful open is the new fd's fd.name (libsinsp's own tests check this). Every new field is
// also extracted on every event of every capture, to be sure none throws on real data. (The
// fixtures have no event on a known fd 0, 1 or 2: test/e2e/live-sandbox.test.ts checks
// proc.stdin.name and the like against fd.name on a live capture.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHARED_MISSING, sharedPath } from '../helpers.js';
import { sysdigSkip } from '../support/sysdig.js';
import { ourLines, sysdigLines } from './lines.js';

const traces = sharedPath('falco', 'legacy-tests', 'trace_files');
const skip = traces === undefined ? SHARED_MISSING : sysdigSkip;
const CAPTURES = ['cat_write', 'connect_localhost', 'empty', 'open-multiple-files', 'ping_sendto', 'syscall'];

/** Every field of current libsinsp's syscall classes that sysdig 0.29.3 lacks (with arguments where they take one). */
const NEWER = [
  'evt.source', 'evt.is_async', 'evt.asynctype', 'evt.hostname', 'evt.is_open_create',
  'proc.aargs', 'proc.aargs[1]', 'proc.acmdline', 'proc.acmdline[2]', 'proc.cmdnargs', 'proc.cmdlenargs', 'proc.aenv', 'proc.aenv[1]',
  'proc.aenv[HOME]', 'proc.pvpid', 'proc.sid.exe', 'proc.sid.exepath', 'proc.vpgid.name', 'proc.vpgid.exe', 'proc.vpgid.exepath',
  'proc.pgid', 'proc.pgid.name', 'proc.pgid.exe', 'proc.pgid.exepath', 'proc.ppid.duration', 'proc.pid.ts', 'proc.ppid.ts',
  'proc.is_exe_lower_layer', 'proc.is_sid_leader', 'proc.is_vpgid_leader', 'proc.is_pgid_leader',
  'proc.exe_ino.ctime_duration_pidns_start', 'proc.pidns_init_start_ts', 'proc.stdin.type', 'proc.stdout.type', 'proc.stderr.type',
  'proc.stdin.name', 'proc.stdout.name', 'proc.stderr.name',
  'fd.types', 'fd.types[0]', 'fd.ino', 'fd.is_upper_layer', 'fd.is_lower_layer',
  'fs.path.name', 'fs.path.nameraw', 'fs.path.source', 'fs.path.sourceraw', 'fs.path.target', 'fs.path.targetraw',
];


const OPEN = '*%evt.num|%evt.type|%evt.dir|%evt.rawres|';

describe('newer fields agree with what sysdig 0.29.3 says otherwise', { skip }, () => {
  for (const capture of CAPTURES) {
    describe(capture, () => {
      const path = `${traces}/${capture}.scap`;
      let ours: Promise<string[][]> | undefined;
      const formats = [
        `${OPEN}%fs.path.name`,
        `*%evt.num ${NEWER.map((f) => `%${f}`).join('|')}`,
        '*%evt.num',
      ];
      const run = () => (ours ??= ourLines(path, formats));

      it('fs.path.name of a successful open is the fd.name sysdig gives the new fd', async () => {
        const opened = (line: string) => {
          const [, type, dir, res] = line.split('|');
          return (type === 'open' || type === 'openat') && dir === '<' && Number(res) >= 0;
        };
        const mine = (await run())[0].filter(opened);
        const theirs = sysdigLines(path, `${OPEN}%fd.name`, 'evt.type in (open, openat) and evt.dir=< and evt.rawres>=0');
        assert.deepEqual(mine, theirs);
      });

      it('every newer field extracts on every event', async () => {
        const [, all, every] = await run();
        assert.equal(all.length, every.length);
      });
    });
  }
});
