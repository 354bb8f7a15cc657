// Names sysdig prints beside numbers: errno codes (res=-2(ENOENT)), signals (sig=9(SIGKILL)) and
// the syscall ids that generic `syscall` events carry (ID=10(mprotect)).

/** Error codes libsinsp names, by positive code; others are printed as plain numbers. */
const ERRNO_NAMES = new Map<number, string>([
  [1, 'EPERM'], [2, 'ENOENT'], [3, 'ESRCH'], [4, 'EINTR'], [5, 'EIO'], [6, 'ENXIO'], [7, 'E2BIG'],
  [8, 'ENOEXEC'], [9, 'EBADF'], [10, 'ECHILD'], [11, 'EAGAIN'], [12, 'ENOMEM'], [13, 'EACCES'],
  [14, 'EFAULT'], [15, 'ENOTBLK'], [16, 'EBUSY'], [17, 'EEXIST'], [18, 'EXDEV'], [19, 'ENODEV'],
  [20, 'ENOTDIR'], [21, 'EISDIR'], [22, 'EINVAL'], [23, 'ENFILE'], [24, 'EMFILE'], [25, 'ENOTTY'],
  [26, 'ETXTBSY'], [27, 'EFBIG'], [28, 'ENOSPC'], [29, 'ESPIPE'], [30, 'EROFS'], [31, 'EMLINK'],
  [32, 'EPIPE'], [33, 'EDOM'], [34, 'ERANGE'], [35, 'EDEADLK'], [36, 'ENAMETOOLONG'], [37, 'ENOLCK'],
  [38, 'ENOSYS'], [39, 'ENOTEMPTY'], [40, 'ELOOP'], [42, 'ENOMSG'], [43, 'EIDRM'], [44, 'ECHRNG'],
  [45, 'EL2NSYNC'], [46, 'EL3HLT'], [47, 'EL3RST'], [48, 'ELNRNG'], [49, 'EUNATCH'], [50, 'ENOCSI'],
  [51, 'EL2HLT'], [52, 'EBADE'], [53, 'EBADR'], [54, 'EXFULL'], [55, 'ENOANO'], [56, 'EBADRQC'],
  [57, 'EBADSLT'], [59, 'EBFONT'], [60, 'ENOSTR'], [61, 'ENODATA'], [62, 'ETIME'], [63, 'ENOSR'],
  [64, 'ENONET'], [65, 'ENOPKG'], [66, 'EREMOTE'], [67, 'ENOLINK'], [68, 'EADV'], [69, 'ESRMNT'],
  [70, 'ECOMM'], [71, 'EPROTO'], [72, 'EMULTIHOP'], [73, 'EDOTDOT'], [74, 'EBADMSG'], [75, 'EOVERFLOW'],
  [76, 'ENOTUNIQ'], [77, 'EBADFD'], [78, 'EREMCHG'], [79, 'ELIBACC'], [80, 'ELIBBAD'], [81, 'ELIBSCN'],
  [82, 'ELIBMAX'], [83, 'ELIBEXEC'], [84, 'EILSEQ'], [85, 'ERESTART'], [86, 'ESTRPIPE'], [87, 'EUSERS'],
  [88, 'ENOTSOCK'], [89, 'EDESTADDRREQ'], [90, 'EMSGSIZE'], [91, 'EPROTOTYPE'], [92, 'ENOPROTOOPT'],
  [93, 'EPROTONOSUPPORT'], [94, 'ESOCKTNOSUPPORT'], [95, 'EOPNOTSUPP'], [96, 'EPFNOSUPPORT'],
  [97, 'EAFNOSUPPORT'], [98, 'EADDRINUSE'], [99, 'EADDRNOTAVAIL'], [100, 'ENETDOWN'], [101, 'ENETUNREACH'],
  [102, 'ENETRESET'], [103, 'ECONNABORTED'], [104, 'ECONNRESET'], [105, 'ENOBUFS'], [106, 'EISCONN'],
  [107, 'ENOTCONN'], [108, 'ESHUTDOWN'], [109, 'ETOOMANYREFS'], [110, 'ETIMEDOUT'], [111, 'ECONNREFUSED'],
  [112, 'EHOSTDOWN'], [113, 'EHOSTUNREACH'], [114, 'EALREADY'], [115, 'EINPROGRESS'], [116, 'ESTALE'],
  [117, 'EUCLEAN'], [118, 'ENOTNAM'], [119, 'ENAVAIL'], [120, 'EISNAM'], [121, 'EREMOTEIO'], [122, 'EDQUOT'],
  [123, 'ENOMEDIUM'], [124, 'EMEDIUMTYPE'], [125, 'ECANCELED'], [512, 'ERESTARTSYS'],
  [513, 'ERESTARTNOINTR'], [514, 'ERESTARTNOHAND'], [515, 'ENOIOCTLCMD'], [516, 'ERESTART_RESTARTBLOCK'],
  [521, 'EBADHANDLE'], [522, 'ENOTSYNC'], [523, 'EBADCOOKIE'], [524, 'ENOTSUPP'], [525, 'ETOOSMALL'],
  [526, 'ESERVERFAULT'], [527, 'EBADTYPE'], [528, 'EJUKEBOX'], [529, 'EIOCBQUEUED'], [530, 'EIOCBRETRY'],
]);

/** The name of a (negative) syscall result or fd, '' when sysdig has none for it. */
export function errnoName(res: number): string {
  return ERRNO_NAMES.get(-res) ?? '';
}

/** Signals 1..31 as sysdig names them (it has no names for real-time signals). */
const SIGNAL_NAMES = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS'
];

/** The name of signal n, '' when sysdig has none (0, real-time signals). */
export function signalName(n: number): string {
  return SIGNAL_NAMES[n] ?? '';
}

/**
 * Syscall names by PPM_SC id, the syscall id generic events carry. The first LEGACY_SYSCALL_COUNT
 * are sysdig 0.29.3's own table (which prints '<unknown syscall>' beyond it); the rest come from
 * newer libs, which kept the numbering (they renamed a few, e.g. setuid → setuid32: we keep the
 * old names).
 */
export const SYSCALL_NAMES: readonly string[] = [
  '<unknown>', 'restart_syscall', 'exit', 'read', 'write', 'open', 'close', 'creat', 'link', 'unlink',
  'chdir', 'time', 'mknod', 'chmod', 'stat', 'lseek', 'getpid', 'mount', 'ptrace', 'alarm', 'fstat', 'pause',
  'utime', 'access', 'sync', 'kill', 'rename', 'mkdir', 'rmdir', 'dup', 'pipe', 'times', 'brk', 'acct',
  'ioctl', 'fcntl', 'setpgid', 'umask', 'chroot', 'ustat', 'dup2', 'getppid', 'getpgrp', 'setsid',
  'sethostname', 'setrlimit', 'getrusage', 'gettimeofday', 'settimeofday', 'symlink', 'lstat', 'readlink',
  'uselib', 'swapon', 'reboot', 'mmap', 'munmap', 'truncate', 'ftruncate', 'fchmod', 'getpriority',
  'setpriority', 'statfs', 'fstatfs', 'syslog', 'setitimer', 'getitimer', 'uname', 'vhangup', 'wait4',
  'swapoff', 'sysinfo', 'fsync', 'setdomainname', 'adjtimex', 'mprotect', 'init_module', 'delete_module',
  'quotactl', 'getpgid', 'fchdir', 'sysfs', 'personality', 'getdents', 'select', 'flock', 'msync', 'readv',
  'writev', 'getsid', 'fdatasync', 'mlock', 'munlock', 'mlockall', 'munlockall', 'sched_setparam',
  'sched_getparam', 'sched_setscheduler', 'sched_getscheduler', 'sched_yield', 'sched_get_priority_max',
  'sched_get_priority_min', 'sched_rr_get_interval', 'nanosleep', 'mremap', 'poll', 'prctl', 'rt_sigaction',
  'rt_sigprocmask', 'rt_sigpending', 'rt_sigtimedwait', 'rt_sigqueueinfo', 'rt_sigsuspend', 'getcwd',
  'capget', 'capset', 'sendfile', 'getrlimit', 'lchown', 'getuid', 'getgid', 'geteuid', 'getegid',
  'setreuid', 'setregid', 'getgroups', 'setgroups', 'fchown', 'setresuid', 'getresuid', 'setresgid',
  'getresgid', 'chown', 'setuid', 'setgid', 'setfsuid', 'setfsgid', 'pivot_root', 'mincore', 'madvise',
  'gettid', 'setxattr', 'lsetxattr', 'fsetxattr', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr',
  'llistxattr', 'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr', 'tkill', 'futex',
  'sched_setaffinity', 'sched_getaffinity', 'set_thread_area', 'get_thread_area', 'io_setup', 'io_destroy',
  'io_getevents', 'io_submit', 'io_cancel', 'exit_group', 'epoll_create', 'epoll_ctl', 'epoll_wait',
  'remap_file_pages', 'set_tid_address', 'timer_create', 'timer_settime', 'timer_gettime',
  'timer_getoverrun', 'timer_delete', 'clock_settime', 'clock_gettime', 'clock_getres', 'clock_nanosleep',
  'tgkill', 'utimes', 'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedreceive', 'mq_notify',
  'mq_getsetattr', 'kexec_load', 'waitid', 'add_key', 'request_key', 'keyctl', 'ioprio_set', 'ioprio_get',
  'inotify_init', 'inotify_add_watch', 'inotify_rm_watch', 'openat', 'mkdirat', 'mknodat', 'fchownat',
  'futimesat', 'unlinkat', 'renameat', 'linkat', 'symlinkat', 'readlinkat', 'fchmodat', 'faccessat',
  'pselect6', 'ppoll', 'unshare', 'set_robust_list', 'get_robust_list', 'splice', 'tee', 'vmsplice',
  'getcpu', 'epoll_pwait', 'utimensat', 'signalfd', 'timerfd_create', 'eventfd', 'timerfd_settime',
  'timerfd_gettime', 'signalfd4', 'eventfd2', 'epoll_create1', 'dup3', 'pipe2', 'inotify_init1', 'preadv',
  'pwritev', 'rt_tgsigqueueinfo', 'perf_event_open', 'fanotify_init', 'prlimit64', 'clock_adjtime', 'syncfs',
  'setns', 'getdents64', 'socket', 'bind', 'connect', 'listen', 'accept', 'getsockname', 'getpeername',
  'socketpair', 'sendto', 'recvfrom', 'shutdown', 'setsockopt', 'getsockopt', 'sendmsg', 'sendmmsg',
  'recvmsg', 'recvmmsg', 'accept4', 'semop', 'semget', 'semctl', 'msgsnd', 'msgrcv', 'msgget', 'msgctl',
  'shmdt', 'shmget', 'shmctl', 'statfs64', 'fstatfs64', 'fstatat64', 'sendfile64', 'ugetrlimit', 'bdflush',
  'sigprocmask', 'ipc', 'socketcall', 'stat64', 'lstat64', 'fstat64', 'fcntl64', 'mmap2', 'newselect',
  'sgetmask', 'ssetmask', 'sigpending', 'olduname', 'umount', 'signal', 'nice', 'stime', 'llseek', 'waitpid',
  'pread64', 'pwrite64', 'arch_prctl', 'shmat', 'sigreturn', 'fallocate', 'newfstatat', 'process_vm_readv',
  'process_vm_writev', 'fork', 'vfork', 'setuid', 'getuid', 'setgid', 'geteuid', 'getgid', 'setresuid',
  'setresgid', 'getresuid', 'getresgid', 'finit_module', 'bpf', 'seccomp', 'sigaltstack', 'getrandom',
  'fadvise64', 'renameat2', 'userfaultfd', 'openat2', 'umount2', 'execve', 'execveat', 'copy_file_range',
  'clone', 'clone3', 'open_by_handle_at', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'mlock2',
  'getegid32', 'fsconfig', 'fspick', 'fsmount', 'fsopen', 'open_tree', 'move_mount', 'mount_setattr',
  'memfd_create', 'memfd_secret', 'ioperm', 'kexec_file_load', 'pidfd_getfd', 'pidfd_open',
  'pidfd_send_signal', 'pkey_alloc', 'pkey_mprotect', 'pkey_free', 'landlock_create_ruleset', 'quotactl_fd',
  'landlock_restrict_self', 'landlock_add_rule', 'epoll_pwait2', 'migrate_pages', 'move_pages', 'preadv2',
  'pwritev2', 'kcmp', 'sched_setattr', 'mbind', 'epoll_ctl_old', 'lookup_dcookie', 'modify_ldt', 'statx',
  'set_mempolicy', 'io_pgetevents', 'set_mempolicy_home_node', 'semtimedop', 'get_kernel_syms', 'readahead',
  'futex_waitv', 'getpmsg', 'name_to_handle_at', 'process_mrelease', 'nfsservctl', 'epoll_wait_old', 'rseq',
  'create_module', 'na_1', 'sched_getattr', 'faccessat2', '_sysctl', 'query_module', 'get_mempolicy',
  'sync_file_range', 'process_madvise', 'membarrier', 'iopl', 'close_range', 'fanotify_mark', 'recv', 'send',
  'sched_process_exit', 'sched_switch', 'page_fault_user', 'page_fault_kernel', 'signal_deliver', 'timerfd',
  's390_pci_mmio_read', 'sigaction', 's390_pci_mmio_write', 'readdir', 's390_sthyi', 'sigsuspend', 'idle',
  's390_runtime_instr', 'sigreturn', 's390_guarded_storage', 'cachestat', 'fchmodat2', 'map_shadow_stack',
  'riscv_flush_icache', 'riscv_hwprobe', 'futex_wake', 'futex_requeue', 'futex_wait', 'oldstat',
  'switch_endian', 'multiplexer', 'oldlstat', 'spu_create', 'sync_file_range2', 'oldfstat', 'spu_run',
  'swapcontext', 'pciconfig_write', 'rtas', 'pciconfig_read', 'sys_debug_setcontext', 'vm86', 'oldolduname',
  'subpage_prot', 'pciconfig_iobase', 'listmount', 'statmount', 'lsm_get_self_attr', 'lsm_set_self_attr',
  'lsm_list_modules', 'mseal', 'uretprobe', 'removexattrat', 'listxattrat', 'getxattrat', 'setxattrat',
  'open_tree_attr', 'file_getattr', 'file_setattr', 'listns', 'uprobe', 'rseq_slice_yield',
];
export const LEGACY_SYSCALL_COUNT = 329;

/** Category (EventCategory value) of each syscall in the legacy part of SYSCALL_NAMES. */
export const SYSCALL_CATEGORIES: readonly number[] = [
  1, 8, 6, 32, 33, 2, 2, 2, 2, 2, 2, 11, 2, 2, 2, 2, 6, 2, 1, 11, 2, 64, 11, 2, 34, 4, 2, 2, 2, 34, 4, 11, 5,
  6, 34, 64, 6, 6, 4, 2, 34, 6, 6, 6, 8, 6, 6, 11, 11, 2, 2, 2, 6, 6, 8, 2, 2, 2, 2, 2, 6, 6, 2, 2, 8, 11,
  11, 8, 1, 64, 8, 8, 34, 8, 8, 5, 8, 8, 8, 6, 2, 8, 6, 2, 64, 2, 34, 32, 33, 6, 34, 5, 5, 5, 5, 6, 6, 6, 6,
  7, 6, 6, 6, 7, 2, 64, 6, 9, 9, 9, 9, 9, 9, 2, 6, 6, 2, 6, 2, 10, 10, 10, 10, 10, 10, 10, 10, 2, 10, 10, 10,
  10, 2, 10, 10, 10, 10, 6, 5, 5, 6, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 9, 4, 6, 6, 6, 6, 34, 34, 34, 34,
  34, 34, 64, 64, 64, 2, 6, 11, 11, 11, 11, 11, 11, 11, 11, 7, 9, 2, 4, 4, 4, 4, 4, 4, 8, 64, 8, 8, 8, 6, 6,
  4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 64, 64, 6, 6, 6, 4, 4, 4, 6, 64, 2, 9, 11, 4, 11, 11, 9, 4,
  64, 34, 4, 4, 32, 33, 1, 1, 4, 6, 1, 2, 6, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4,
  4, 4, 4, 4, 4, 4, 4, 4, 2, 2, 2, 2, 6, 1, 9, 4, 3, 2, 2, 2, 2, 2, 64, 9, 9, 9, 8, 2, 9, 6, 11, 2, 64, 2, 2,
  6, 4, 9, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 8, 1, 1, 34, 34, 34, 2, 2, 2, 2, 8, 8,
  2, 6, 6,
];
