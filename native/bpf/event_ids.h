/* The event type ids the probe emits (PPME_* of the scap format; src/capture/event-table.ts has
 * each one's parameters) and how many parameters each carries. The probe always emits the newest
 * exit event of a system call, which carries the call's arguments too, so no enter events are sent.
 */
#ifndef GW_EVENT_IDS_H
#define GW_EVENT_IDS_H

enum gw_event_id {
	GW_OPEN_X = 3,          /* fd, name, flags, mode, dev, ino */
	GW_CLOSE_X = 5,         /* res, fd */
	GW_READ_X = 7,          /* res, data, fd, size */
	GW_WRITE_X = 9,         /* res, data, fd, size */
	GW_SOCKET_X = 19,       /* fd, domain, type, proto, flags */
	GW_SENDTO_X = 31,       /* res, data, fd, size, tuple */
	GW_RECVFROM_X = 35,     /* res, data, tuple, fd, size */
	GW_SENDMSG_X = 49,      /* res, data, fd, size, tuple */
	GW_RECVMSG_X = 53,      /* res, size, data, tuple, msgcontrol, fd */
	GW_BIND_X = 21,         /* res, addr, fd */
	GW_CONNECT_X = 23,      /* res, tuple, fd, addr */
	GW_LISTEN_X = 25,       /* res, fd, backlog */
	GW_SHUTDOWN_X = 37,     /* res, fd, how */
	GW_SOCKETPAIR_X = 43,   /* res, fd1, fd2, source, peer, domain, type, proto */
	GW_CREAT_X = 59,        /* fd, name, mode, dev, ino, creat_flags */
	GW_PIPE_X = 61,         /* res, fd1, fd2, ino */
	GW_EVENTFD_X = 63,      /* res, initval, flags */
	GW_CHDIR_X = 95,        /* res, path */
	GW_FCHDIR_X = 97,       /* res, fd */
	GW_SIGNALFD_X = 127,    /* res, fd, mask, flags */
	GW_TIMERFD_CREATE_X = 137, /* res, clockid, flags */
	GW_INOTIFY_INIT_X = 139, /* res, flags */
	GW_GETRLIMIT_X = 141,   /* res, cur, max, resource */
	GW_SETRLIMIT_X = 143,   /* res, cur, max, resource */
	GW_PRLIMIT_X = 145,     /* res, newcur, newmax, oldcur, oldmax, pid, resource */
	GW_FCNTL_X = 151,       /* res, fd, cmd, arg */
	GW_PTRACE_X = 169,      /* res, addr, data, request, pid */
	GW_RENAME_X = 175,      /* res, oldpath, newpath */
	GW_RENAMEAT_X = 177,    /* res, olddirfd, oldpath, newdirfd, newpath */
	GW_SYMLINK_X = 179,     /* res, target, linkpath */
	GW_SYMLINKAT_X = 181,   /* res, target, linkdirfd, linkpath */
	GW_PROCEXIT_1_E = 186,  /* status, ret, sig, core */
	GW_SETRESUID_X = 193,   /* res, ruid, euid, suid */
	GW_SETRESGID_X = 195,   /* res, rgid, egid, sgid */
	GW_SETUID_X = 199,      /* res, uid */
	GW_SETGID_X = 201,      /* res, gid */
	GW_CLONE_20_X = 223,    /* 21 process parameters */
	GW_SETNS_X = 241,       /* res, fd, nstype */
	GW_CHROOT_X = 267,      /* res, path */
	GW_SETSID_X = 275,      /* res */
	GW_FORK_20_X = 225,
	GW_VFORK_20_X = 227,
	GW_MKDIR_2_X = 277,     /* res, path, mode */
	GW_RMDIR_2_X = 279,     /* res, path */
	GW_UNSHARE_X = 285,     /* res, flags */
	GW_SETPGID_X = 295,     /* res, pid, pgid */
	GW_EXECVE_19_X = 293,   /* 31 process parameters */
	GW_UNLINK_2_X = 301,    /* res, path */
	GW_UNLINKAT_2_X = 303,  /* res, dirfd, name, flags */
	GW_MKDIRAT_X = 305,     /* res, dirfd, path, mode */
	GW_OPENAT_2_X = 307,    /* fd, dirfd, name, flags, mode, dev, ino */
	GW_LINK_2_X = 309,      /* res, oldpath, newpath */
	GW_LINKAT_2_X = 311,    /* res, olddir, oldpath, newdir, newpath, flags */
	GW_FCHMODAT_X = 313,    /* res, dirfd, filename, mode */
	GW_CHMOD_X = 315,       /* res, filename, mode */
	GW_FCHMOD_X = 317,      /* res, fd, mode */
	GW_RENAMEAT2_X = 319,   /* res, olddirfd, oldpath, newdirfd, newpath, flags */
	GW_USERFAULTFD_X = 321, /* res, flags */
	GW_OPENAT2_X = 327,     /* fd, dirfd, name, flags, mode, resolve, dev, ino */
	GW_EXECVEAT_X = 331,    /* 30 process parameters */
	GW_CLONE3_X = 335,      /* 21 process parameters */
	GW_OPEN_BY_HANDLE_AT_X = 337, /* fd, mountfd, flags, path, dev, ino */
	GW_CAPSET_X = 353,      /* res, cap_inheritable, cap_permitted, cap_effective */
	GW_DUP2_X = 363,        /* res, oldfd, newfd */
	GW_DUP3_X = 365,        /* res, oldfd, newfd, flags */
	GW_DUP_1_X = 367,       /* res, oldfd */
	GW_BPF_2_X = 369,       /* fd, cmd */
	GW_EPOLL_CREATE_X = 375, /* res, size */
	GW_EPOLL_CREATE1_X = 377, /* res, flags */
	GW_ACCEPT_5_X = 247,    /* fd, tuple, queuepct, queuelen, queuemax */
	GW_ACCEPT4_6_X = 389,   /* fd, tuple, queuepct, queuelen, queuemax, flags */
	GW_PIPE2_X = 393,       /* res, fd1, fd2, ino, flags */
	GW_INOTIFY_INIT1_X = 395, /* res, flags */
	GW_EVENTFD2_X = 397,    /* res, flags, initval */
	GW_SIGNALFD4_X = 399,   /* res, flags, fd, mask */
	GW_MEMFD_CREATE_X = 405, /* fd, name, flags */
	GW_PIDFD_GETFD_X = 407, /* fd, pid_fd, target_fd, flags */
	GW_PIDFD_OPEN_X = 409,  /* fd, pid, flags */
	GW_INIT_MODULE_X = 411, /* res, img, length, uargs */
	GW_FINIT_MODULE_X = 413, /* res, fd, uargs, flags */
	GW_SETREUID_X = 427,    /* res, ruid, euid */
	GW_SETREGID_X = 429,    /* res, rgid, egid */
};

#endif
