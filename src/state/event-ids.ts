// The event type ids the state engine handles. Ids are part of the scap format (PPME_* in the
// driver's ppm_events_public.h) and never change meaning; several versions of one syscall share a
// name and differ in their parameters, so handlers are keyed by id. checkEventIds() confirms once
// at start-up that every id here names the event the event table says it does.
import type { EventInfo } from '../capture/event-types.js';

export const E = {
  OPEN_E: 2, OPEN_X: 3, CLOSE_E: 4, CLOSE_X: 5, READ_X: 7, WRITE_E: 8, WRITE_X: 9,
  EXECVE_8_X: 13, CLONE_11_X: 15, PROCEXIT_E: 16,
  SOCKET_E: 18, SOCKET_X: 19, BIND_X: 21, CONNECT_E: 22, CONNECT_X: 23, ACCEPT_X: 27,
  SEND_X: 29, SENDTO_E: 30, SENDTO_X: 31, RECV_X: 33, RECVFROM_X: 35, SHUTDOWN_E: 36, SHUTDOWN_X: 37,
  SOCKETPAIR_X: 43, SETSOCKOPT_X: 45, GETSOCKOPT_X: 47, SENDMSG_E: 48, SENDMSG_X: 49,
  RECVMSG_X: 53, ACCEPT4_X: 57, CREAT_E: 58, CREAT_X: 59, PIPE_X: 61, EVENTFD_E: 62, EVENTFD_X: 63,
  EPOLLWAIT_E: 78, POLL_E: 80, SELECT_E: 82,
  GETCWD_X: 93, CHDIR_E: 94, CHDIR_X: 95, FCHDIR_E: 96, FCHDIR_X: 97, OPENAT_E: 102, OPENAT_X: 103,
  PREAD_X: 113, PWRITE_X: 115, READV_X: 117, WRITEV_X: 119, PREADV_X: 121, PWRITEV_X: 123,
  DUP_X: 125, SIGNALFD_X: 127, TIMERFD_CREATE_X: 137, INOTIFY_INIT_X: 139,
  GETRLIMIT_E: 140, GETRLIMIT_X: 141, SETRLIMIT_E: 142, SETRLIMIT_X: 143, PRLIMIT_E: 144, PRLIMIT_X: 145,
  SCHEDSWITCH_1_E: 146, FCNTL_E: 150, FCNTL_X: 151, SCHEDSWITCH_6_E: 152,
  EXECVE_13_X: 155, CLONE_16_X: 157, BRK_4_X: 159, MMAP_X: 161, MMAP2_X: 163, MUNMAP_X: 165,
  EXECVE_14_X: 173, FORK_X: 183, VFORK_X: 185, PROCEXIT_1_E: 186,
  SENDFILE_E: 188, SENDFILE_X: 189, SETRESUID_E: 192, SETRESUID_X: 193, SETRESGID_E: 194, SETRESGID_X: 195,
  SETUID_E: 198, SETUID_X: 199, SETGID_E: 200, SETGID_X: 201,
  EXECVE_15_X: 215, CLONE_17_X: 217, FORK_17_X: 219, VFORK_17_X: 221,
  CLONE_20_X: 223, FORK_20_X: 225, VFORK_20_X: 227, CONTAINER_E: 228, EXECVE_16_X: 231,
  PROCINFO_E: 234, ACCEPT_5_X: 247, ACCEPT4_5_X: 249, PPOLL_E: 254, CHROOT_X: 267, TRACER_E: 268,
  CONTAINER_JSON_E: 272, SETSID_X: 275, EXECVE_17_X: 283, UNSHARE_X: 285,
  EXECVE_18_E: 288, EXECVE_18_X: 289, EXECVE_19_E: 292, EXECVE_19_X: 293,
  SETPGID_E: 294, SETPGID_X: 295, OPENAT_2_E: 306, OPENAT_2_X: 307,
  CONTAINER_JSON_2_E: 324, OPENAT2_E: 326, OPENAT2_X: 327,
  EXECVEAT_E: 330, EXECVEAT_X: 331, COPY_FILE_RANGE_X: 333, CLONE3_X: 335,
  // Events newer than the 2022 libs sysdig 0.29.3 is built on.
  OPEN_BY_HANDLE_AT_X: 337, IO_URING_SETUP_X: 339, CAPSET_X: 353,
  USER_ADDED_E: 354, USER_DELETED_E: 356, GROUP_ADDED_E: 358, GROUP_DELETED_E: 360,
  DUP2_X: 363, DUP3_X: 365, DUP_1_X: 367, BPF_2_X: 369,
  EPOLL_CREATE_X: 375, EPOLL_CREATE1_X: 377, ACCEPT4_6_X: 389, PIPE2_X: 393,
  INOTIFY_INIT1_X: 395, EVENTFD2_X: 397, SIGNALFD4_X: 399, PRCTL_X: 401,
  MEMFD_CREATE_X: 405, PIDFD_GETFD_X: 407, PIDFD_OPEN_X: 409, SETREUID_X: 427, SETREGID_X: 429,
} as const;

/** The scap name and direction of each id above, as the event table must have them. */
const EXPECTED: Record<keyof typeof E, string> = {
  OPEN_E: 'open>', OPEN_X: 'open<', CLOSE_E: 'close>', CLOSE_X: 'close<', READ_X: 'read<',
  WRITE_E: 'write>', WRITE_X: 'write<', EXECVE_8_X: 'execve<', CLONE_11_X: 'clone<',
  PROCEXIT_E: 'procexit>', SOCKET_E: 'socket>', SOCKET_X: 'socket<', BIND_X: 'bind<',
  CONNECT_E: 'connect>', CONNECT_X: 'connect<', ACCEPT_X: 'accept<', SEND_X: 'send<',
  SENDTO_E: 'sendto>', SENDTO_X: 'sendto<', RECV_X: 'recv<', RECVFROM_X: 'recvfrom<',
  SHUTDOWN_E: 'shutdown>', SHUTDOWN_X: 'shutdown<', SOCKETPAIR_X: 'socketpair<',
  SETSOCKOPT_X: 'setsockopt<', GETSOCKOPT_X: 'getsockopt<', SENDMSG_E: 'sendmsg>', SENDMSG_X: 'sendmsg<',
  RECVMSG_X: 'recvmsg<', ACCEPT4_X: 'accept<', CREAT_E: 'creat>', CREAT_X: 'creat<', PIPE_X: 'pipe<',
  EVENTFD_E: 'eventfd>', EVENTFD_X: 'eventfd<', EPOLLWAIT_E: 'epoll_wait>', POLL_E: 'poll>',
  SELECT_E: 'select>', GETCWD_X: 'getcwd<', CHDIR_E: 'chdir>', CHDIR_X: 'chdir<',
  FCHDIR_E: 'fchdir>', FCHDIR_X: 'fchdir<', OPENAT_E: 'openat>', OPENAT_X: 'openat<',
  PREAD_X: 'pread<', PWRITE_X: 'pwrite<', READV_X: 'readv<', WRITEV_X: 'writev<',
  PREADV_X: 'preadv<', PWRITEV_X: 'pwritev<', DUP_X: 'dup<', SIGNALFD_X: 'signalfd<',
  TIMERFD_CREATE_X: 'timerfd_create<', INOTIFY_INIT_X: 'inotify_init<',
  GETRLIMIT_E: 'getrlimit>', GETRLIMIT_X: 'getrlimit<', SETRLIMIT_E: 'setrlimit>', SETRLIMIT_X: 'setrlimit<',
  PRLIMIT_E: 'prlimit>', PRLIMIT_X: 'prlimit<', SCHEDSWITCH_1_E: 'switch>', FCNTL_E: 'fcntl>',
  FCNTL_X: 'fcntl<', SCHEDSWITCH_6_E: 'switch>', EXECVE_13_X: 'execve<', CLONE_16_X: 'clone<',
  BRK_4_X: 'brk<', MMAP_X: 'mmap<', MMAP2_X: 'mmap2<', MUNMAP_X: 'munmap<', EXECVE_14_X: 'execve<',
  FORK_X: 'fork<', VFORK_X: 'vfork<', PROCEXIT_1_E: 'procexit>', SENDFILE_E: 'sendfile>',
  SENDFILE_X: 'sendfile<', SETRESUID_E: 'setresuid>', SETRESUID_X: 'setresuid<',
  SETRESGID_E: 'setresgid>', SETRESGID_X: 'setresgid<', SETUID_E: 'setuid>', SETUID_X: 'setuid<',
  SETGID_E: 'setgid>', SETGID_X: 'setgid<', EXECVE_15_X: 'execve<', CLONE_17_X: 'clone<',
  FORK_17_X: 'fork<', VFORK_17_X: 'vfork<', CLONE_20_X: 'clone<', FORK_20_X: 'fork<',
  VFORK_20_X: 'vfork<', CONTAINER_E: 'container>', EXECVE_16_X: 'execve<', PROCINFO_E: 'procinfo>',
  ACCEPT_5_X: 'accept<', ACCEPT4_5_X: 'accept<', PPOLL_E: 'ppoll>', CHROOT_X: 'chroot<',
  TRACER_E: 'tracer>', CONTAINER_JSON_E: 'container>', SETSID_X: 'setsid<', EXECVE_17_X: 'execve<',
  UNSHARE_X: 'unshare<', EXECVE_18_E: 'execve>', EXECVE_18_X: 'execve<', EXECVE_19_E: 'execve>',
  EXECVE_19_X: 'execve<', SETPGID_E: 'setpgid>', SETPGID_X: 'setpgid<', OPENAT_2_E: 'openat>',
  OPENAT_2_X: 'openat<', CONTAINER_JSON_2_E: 'container>', OPENAT2_E: 'openat2>', OPENAT2_X: 'openat2<',
  EXECVEAT_E: 'execveat>', EXECVEAT_X: 'execveat<', COPY_FILE_RANGE_X: 'copy_file_range<',
  CLONE3_X: 'clone3<', OPEN_BY_HANDLE_AT_X: 'open_by_handle_at<', IO_URING_SETUP_X: 'io_uring_setup<',
  CAPSET_X: 'capset<', USER_ADDED_E: 'useradded>', USER_DELETED_E: 'userdeleted>',
  GROUP_ADDED_E: 'groupadded>', GROUP_DELETED_E: 'groupdeleted>', DUP2_X: 'dup2<', DUP3_X: 'dup3<',
  DUP_1_X: 'dup<', BPF_2_X: 'bpf<', EPOLL_CREATE_X: 'epoll_create<', EPOLL_CREATE1_X: 'epoll_create1<',
  ACCEPT4_6_X: 'accept4<', PIPE2_X: 'pipe2<', INOTIFY_INIT1_X: 'inotify_init1<',
  EVENTFD2_X: 'eventfd2<', SIGNALFD4_X: 'signalfd4<', PRCTL_X: 'prctl<', MEMFD_CREATE_X: 'memfd_create<',
  PIDFD_GETFD_X: 'pidfd_getfd<', PIDFD_OPEN_X: 'pidfd_open<', SETREUID_X: 'setreuid<', SETREGID_X: 'setregid<',
};

/** Throws when the event table disagrees with an id above (a table or constant typo). */
export function checkEventIds(table: readonly EventInfo[]): void {
  for (const key of Object.keys(E) as (keyof typeof E)[]) {
    const id = E[key];
    const want = EXPECTED[key];
    const have = id < table.length ? table[id].name + table[id].dir : 'nothing';
    if (have !== want) throw new Error(`event table: id ${E[key]} (${key}) is ${have}, expected ${want}`);
  }
}
