// Which events the probe can be asked for, and which of them the state engine needs whatever the
// rules ask for: process life cycle, fd creation and closing (including dup/fcntl copies), the
// peers of datagram sockets (sendto/recvfrom... name an unconnected socket's fd), the working
// directory (relative paths), and credential changes (user.name). These are the probe's share of
// libsinsp's state set (every call whose events modify state).
import { execFileSync } from 'node:child_process';
import { probeBinary } from './binary.js';

export const STATE_EVENTS: readonly string[] = [
  'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'procexit',
  'open', 'openat', 'openat2', 'creat', 'open_by_handle_at', 'close', 'dup', 'dup2', 'dup3', 'fcntl', 'pipe', 'pipe2', 'memfd_create',
  'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'timerfd_create', 'inotify_init', 'inotify_init1',
  'epoll_create', 'epoll_create1', 'userfaultfd',
  'socket', 'socketpair', 'connect', 'accept', 'accept4', 'bind', 'shutdown', 'sendto', 'sendmsg', 'recvfrom', 'recvmsg',
  'chdir', 'fchdir', 'chroot', 'setsid', 'setpgid', 'getrlimit', 'setrlimit', 'prlimit', 'pidfd_open', 'pidfd_getfd',
  'setuid', 'setgid', 'setresuid', 'setresgid', 'setreuid', 'setregid', 'capset',
];

/**
 * sysdig's and Falco's default snaplen (bytes of each I/O buffer an event keeps; Falco's
 * falco_libs.snaplen), and the most the probe copies of one buffer (GW_MAX_SNAPLEN, native/events.h).
 */
export const DEFAULT_SNAPLEN = 80;
export const MAX_SNAPLEN = 4096;

/** Capture mode's ring buffer (KiB): every call, enter and exit, is several times detection's flow. */
export const CAPTURE_RING_KB = 32_768;

/** The event names the built probe supports (system call names and procexit). */
export function listProbeEvents(binary: string = probeBinary()): string[] {
  return execFileSync(binary, ['--list'], { encoding: 'utf8' }).split('\n').filter((s) => s !== '');
}
