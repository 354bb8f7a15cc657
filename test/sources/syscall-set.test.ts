// Which events the probe is started with: the rules' events, the state's, within what the probe
// supports, with Falco's base_syscalls semantics (custom_set, '!' removals, repair, all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STATE_EVENTS } from '../../src/probe/index.js';
import { probeSyscalls } from '../../src/sources/live.js';

/** What a probe might support: the state's events, a few more, and the high-volume read/write. */
const SUPPORTED = [...new Set([...STATE_EVENTS, 'read', 'write', 'symlink', 'unlink', 'ptrace', 'listen', 'chmod'])];
const sorted = (names: Iterable<string>) => [...names].sort();

test('by default: the rules\' events and the state\'s, that the probe supports', () => {
  assert.deepEqual(probeSyscalls(['symlink', 'openat', 'container', 'nosuchcall'], {}, SUPPORTED), sorted([...STATE_EVENTS, 'symlink']));
});

test('high-volume I/O calls only with all: true, even when a rule asks for them', () => {
  assert.ok(!probeSyscalls(['read', 'write'], {}, SUPPORTED).includes('read'));
  assert.ok(!probeSyscalls(['read'], { all: false }, SUPPORTED).includes('read'));
  const all = probeSyscalls(['read', 'write'], { all: true }, SUPPORTED);
  assert.ok(all.includes('read') && all.includes('write'));
});

test('custom_set replaces the state set; procexit stays', () => {
  assert.deepEqual(probeSyscalls(['symlink'], { customSet: ['execve', 'clone'] }, SUPPORTED), ['clone', 'execve', 'procexit', 'symlink']);
});

test('custom_set names starting with ! are removed from the final set, rules\' events included', () => {
  const set = probeSyscalls(['symlink', 'chmod'], { customSet: ['!chmod', '!close'] }, SUPPORTED);
  assert.ok(!set.includes('chmod') && !set.includes('close'));
  // Only negative names: the state set is still the base.
  assert.ok(set.includes('execve') && set.includes('symlink'));
});

test('repair without a custom set: only what the rules\' calls need, not the whole state set', () => {
  // A file call needs close; process life cycle and credentials always.
  assert.deepEqual(probeSyscalls(['unlink'], { repair: true }, SUPPORTED),
    sorted(['unlink', 'close', 'procexit', 'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'chdir', 'fchdir',
      'chroot', 'capset', 'setsid', 'setpgid', 'setuid', 'setgid', 'setresuid', 'setresgid']));
  // A network call needs socket and close; accept and listen need bind.
  const net = probeSyscalls(['listen'], { repair: true }, SUPPORTED);
  for (const n of ['listen', 'socket', 'bind', 'close']) assert.ok(net.includes(n), n);
  assert.ok(!net.includes('openat') && !net.includes('dup2'), 'the fd calls of the full state set are not added');
  // ptrace is a process call: nothing beyond the process set.
  assert.ok(!probeSyscalls(['ptrace'], { repair: true }, SUPPORTED).includes('close'));
});

test('repair with a custom set repairs the custom selection', () => {
  const set = probeSyscalls([], { customSet: ['connect', '!close'], repair: true }, SUPPORTED);
  // Repair runs after the removals (as in Falco): close comes back because connect needs it.
  for (const n of ['connect', 'socket', 'close', 'execve', 'procexit']) assert.ok(set.includes(n), n);
  assert.ok(!set.includes('openat'));
});

test('procexit is always captured', () => {
  assert.ok(probeSyscalls([], { customSet: ['execve'] }, SUPPORTED).includes('procexit'));
  assert.ok(probeSyscalls([], { customSet: ['!procexit'] }, SUPPORTED).includes('procexit'));
});
