// The dispatch table: one handler per event type id, built once. Enter events whose arguments the
// exit needs are stored (sinsp's store_event list); everything else without a handler only goes
// through the common bookkeeping in State.
import type { Event } from '../../capture/event.js';
import type { Core, Handler } from '../core.js';
import { E } from '../event-ids.js';
import {
  closeEnter, closeExit, dupExit, fcntlEnter, fcntlExit, memfdCreateExit, openExit, pidfdGetfdExit, pidfdOpenExit, pipeExit,
  singleFdExit,
} from './files.js';
import { containerJson, containerOld, userGroupEvent } from './meta.js';
import { acceptExit, bindExit, connectEnter, connectExit, getsockoptExit, rwExit, sendtoEnter, socketExit, socketpairExit } from './net.js';
import {
  capsetExit, chdirExit, chrootExit, cloneExit, contextSwitch, execveExit, fchdirExit, getcwdExit, memoryExit,
  prlimitExit, procexit, rlimitExit, setgidExit, setreExit, setresgidExit, setresuidExit, setsidExit, setuidExit,
  unshareExit,
} from './process.js';

const store: Handler = (c: Core, evt: Event) => c.storeEnter(c.cur, evt);

const ROUTES: [readonly number[], Handler][] = [
  [[E.OPEN_E, E.CREAT_E, E.OPENAT_E, E.OPENAT_2_E, E.OPENAT2_E, E.SOCKET_E, E.EVENTFD_E, E.CHDIR_E, E.FCHDIR_E,
    E.SHUTDOWN_E, E.GETRLIMIT_E, E.SETRLIMIT_E, E.PRLIMIT_E, E.SENDMSG_E, E.SENDFILE_E, E.SETRESUID_E,
    E.SETRESGID_E, E.SETUID_E, E.SETGID_E, E.EXECVE_18_E, E.EXECVE_19_E, E.EXECVEAT_E, E.SETPGID_E], store],
  [[E.SENDTO_E], sendtoEnter],
  [[E.READ_X, E.WRITE_X, E.RECV_X, E.SEND_X, E.RECVFROM_X, E.RECVMSG_X, E.SENDTO_X, E.SENDMSG_X, E.READV_X,
    E.WRITEV_X, E.PREAD_X, E.PWRITE_X, E.PREADV_X, E.PWRITEV_X], rwExit],
  [[E.OPEN_X, E.CREAT_X, E.OPENAT_X, E.OPENAT_2_X, E.OPENAT2_X, E.OPEN_BY_HANDLE_AT_X], openExit],
  [[E.CLONE_11_X, E.CLONE_16_X, E.CLONE_17_X, E.CLONE_20_X, E.FORK_X, E.FORK_17_X, E.FORK_20_X, E.VFORK_X,
    E.VFORK_17_X, E.VFORK_20_X, E.CLONE3_X], cloneExit],
  [[E.EXECVE_8_X, E.EXECVE_13_X, E.EXECVE_14_X, E.EXECVE_15_X, E.EXECVE_16_X, E.EXECVE_17_X, E.EXECVE_18_X,
    E.EXECVE_19_X, E.EXECVEAT_X], execveExit],
  [[E.PROCEXIT_E, E.PROCEXIT_1_E], procexit],
  [[E.PIPE_X, E.PIPE2_X], pipeExit],
  [[E.SOCKET_X], socketExit],
  [[E.BIND_X], bindExit],
  [[E.CONNECT_E], connectEnter],
  [[E.CONNECT_X], connectExit],
  [[E.ACCEPT_X, E.ACCEPT_5_X, E.ACCEPT4_X, E.ACCEPT4_5_X, E.ACCEPT4_6_X], acceptExit],
  [[E.CLOSE_E], closeEnter],
  [[E.CLOSE_X], closeExit],
  [[E.FCNTL_E], fcntlEnter],
  [[E.FCNTL_X], fcntlExit],
  [[E.EVENTFD_X, E.EVENTFD2_X, E.SIGNALFD_X, E.SIGNALFD4_X, E.TIMERFD_CREATE_X, E.INOTIFY_INIT_X,
    E.INOTIFY_INIT1_X, E.EPOLL_CREATE_X, E.EPOLL_CREATE1_X, E.IO_URING_SETUP_X, E.BPF_2_X], singleFdExit],
  [[E.CHDIR_X], chdirExit],
  [[E.FCHDIR_X], fchdirExit],
  [[E.GETCWD_X], getcwdExit],
  [[E.DUP_X, E.DUP_1_X, E.DUP2_X, E.DUP3_X], dupExit],
  [[E.GETRLIMIT_X, E.SETRLIMIT_X], rlimitExit],
  [[E.PRLIMIT_X], prlimitExit],
  [[E.SOCKETPAIR_X], socketpairExit],
  [[E.SCHEDSWITCH_6_E], contextSwitch],
  [[E.BRK_4_X, E.MMAP_X, E.MMAP2_X, E.MUNMAP_X], memoryExit],
  [[E.SETRESUID_X], setresuidExit],
  [[E.SETRESGID_X], setresgidExit],
  [[E.SETUID_X], setuidExit],
  [[E.SETGID_X], setgidExit],
  [[E.SETREUID_X, E.SETREGID_X], setreExit],
  [[E.CAPSET_X], capsetExit],
  [[E.UNSHARE_X], unshareExit],
  [[E.CONTAINER_E], containerOld],
  [[E.CONTAINER_JSON_E, E.CONTAINER_JSON_2_E], containerJson],
  [[E.CHROOT_X], chrootExit],
  [[E.SETSID_X], setsidExit],
  [[E.GETSOCKOPT_X], getsockoptExit],
  [[E.MEMFD_CREATE_X], memfdCreateExit],
  [[E.PIDFD_OPEN_X], pidfdOpenExit],
  [[E.PIDFD_GETFD_X], pidfdGetfdExit],
  [[E.USER_ADDED_E, E.USER_DELETED_E, E.GROUP_ADDED_E, E.GROUP_DELETED_E], userGroupEvent],
];

/** Handlers indexed by event type id (undefined: no state change beyond the common bookkeeping). */
export function buildHandlers(size: number): (Handler | undefined)[] {
  const out = new Array<Handler | undefined>(size).fill(undefined);
  for (const [ids, h] of ROUTES) for (const id of ids) out[id] = h;
  return out;
}
