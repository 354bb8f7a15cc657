/* Linux constants the kernel's BTF does not carry (they are macros), and their translation to the
 * scap encodings capture files use (the PPM_* values of the libs' ppm_events_public.h; the
 * TypeScript flag tables in src/capture/flag-tables.ts name the same numbers). Where scap uses the
 * Linux bits unchanged (file modes, AT_* flags, capabilities, socket families) no translation is
 * done. x86_64 values.
 */
#ifndef GW_FLAGS_H
#define GW_FLAGS_H

/* open(2) flags */
#define GW_O_ACCMODE 00000003
#define GW_O_WRONLY 00000001
#define GW_O_RDWR 00000002
#define GW_O_CREAT 00000100
#define GW_O_EXCL 00000200
#define GW_O_TRUNC 00001000
#define GW_O_APPEND 00002000
#define GW_O_NONBLOCK 00004000
#define GW_O_DSYNC 00010000
#define GW_O_DIRECT 00040000
#define GW_O_LARGEFILE 00100000
#define GW_O_DIRECTORY 00200000
#define GW_O_CLOEXEC 02000000
#define GW_O_SYNC (04000000 | GW_O_DSYNC)
#define GW_O_TMPFILE (020000000 | GW_O_DIRECTORY)

#define GW_FMODE_CREATED 0x100000

/* scap open flags */
#define PPM_O_RDONLY (1 << 0)
#define PPM_O_WRONLY (1 << 1)
#define PPM_O_RDWR (PPM_O_RDONLY | PPM_O_WRONLY)
#define PPM_O_CREAT (1 << 2)
#define PPM_O_APPEND (1 << 3)
#define PPM_O_DSYNC (1 << 4)
#define PPM_O_EXCL (1 << 5)
#define PPM_O_NONBLOCK (1 << 6)
#define PPM_O_SYNC (1 << 7)
#define PPM_O_TRUNC (1 << 8)
#define PPM_O_DIRECT (1 << 9)
#define PPM_O_DIRECTORY (1 << 10)
#define PPM_O_LARGEFILE (1 << 11)
#define PPM_O_CLOEXEC (1 << 12)
#define PPM_O_TMPFILE (1 << 13)
#define PPM_O_F_CREATED (1 << 14)
#define PPM_FD_UPPER_LAYER (1 << 15)
#define PPM_FD_LOWER_LAYER (1 << 16)

static __always_inline __u32 gw_open_flags(__u32 f)
{
	__u32 r;
	switch (f & GW_O_ACCMODE) {
	case GW_O_WRONLY: r = PPM_O_WRONLY; break;
	case GW_O_RDWR: r = PPM_O_RDWR; break;
	default: r = PPM_O_RDONLY; break;
	}
	if (f & GW_O_CREAT) r |= PPM_O_CREAT;
	if ((f & GW_O_TMPFILE) == GW_O_TMPFILE) r |= PPM_O_TMPFILE;
	if (f & GW_O_APPEND) r |= PPM_O_APPEND;
	if (f & GW_O_DSYNC) r |= PPM_O_DSYNC;
	if (f & GW_O_EXCL) r |= PPM_O_EXCL;
	if (f & GW_O_NONBLOCK) r |= PPM_O_NONBLOCK;
	if ((f & GW_O_SYNC) == GW_O_SYNC) r |= PPM_O_SYNC;
	if (f & GW_O_TRUNC) r |= PPM_O_TRUNC;
	if (f & GW_O_DIRECT) r |= PPM_O_DIRECT;
	if (f & GW_O_DIRECTORY) r |= PPM_O_DIRECTORY;
	if (f & GW_O_LARGEFILE) r |= PPM_O_LARGEFILE;
	if (f & GW_O_CLOEXEC) r |= PPM_O_CLOEXEC;
	return r;
}

/* The creation mode only means something when the call can create the file. scap's S_I* bits are
 * the Linux ones. */
static __always_inline __u32 gw_open_mode(__u32 flags, __u32 mode)
{
	if ((flags & (GW_O_CREAT | 020000000)) == 0) return 0;
	return mode & 07777;
}

/* Only close-on-exec and non-blocking survive (dup3, pipe2, accept4, socket types). */
static __always_inline __u32 gw_fd_flags(__u32 f)
{
	__u32 r = 0;
	if (f & GW_O_NONBLOCK) r |= PPM_O_NONBLOCK;
	if (f & GW_O_CLOEXEC) r |= PPM_O_CLOEXEC;
	return r;
}

static __always_inline __u32 gw_pipe2_flags(__s32 f)
{
	if (f < 0) return 0;
	__u32 r = gw_fd_flags(f);
	if (f & GW_O_DIRECT) r |= PPM_O_DIRECT;
	return r;
}

/* clone(2) flags and their scap bits, as a table: [linux bit, scap bit]. */
#define PPM_CL_CHILD_IN_PIDNS (1 << 29)
static const __u32 gw_clone_bits[][2] = {
	{0x00000400, 1 << 0},  /* CLONE_FILES */
	{0x00000200, 1 << 1},  /* CLONE_FS */
	{0x80000000, 1 << 2},  /* CLONE_IO */
	{0x08000000, 1 << 3},  /* CLONE_NEWIPC */
	{0x40000000, 1 << 4},  /* CLONE_NEWNET */
	{0x00020000, 1 << 5},  /* CLONE_NEWNS */
	{0x20000000, 1 << 6},  /* CLONE_NEWPID */
	{0x04000000, 1 << 7},  /* CLONE_NEWUTS */
	{0x00008000, 1 << 8},  /* CLONE_PARENT */
	{0x00100000, 1 << 9},  /* CLONE_PARENT_SETTID */
	{0x00002000, 1 << 10}, /* CLONE_PTRACE */
	{0x00000800, 1 << 11}, /* CLONE_SIGHAND */
	{0x00040000, 1 << 12}, /* CLONE_SYSVSEM */
	{0x00010000, 1 << 13}, /* CLONE_THREAD */
	{0x00800000, 1 << 14}, /* CLONE_UNTRACED */
	{0x00000100, 1 << 15}, /* CLONE_VM */
	{0x10000000, 1 << 20}, /* CLONE_NEWUSER */
	{0x00200000, 1 << 23}, /* CLONE_CHILD_CLEARTID */
	{0x01000000, 1 << 24}, /* CLONE_CHILD_SETTID */
	{0x00080000, 1 << 25}, /* CLONE_SETTLS */
	{0x00004000, 1 << 27}, /* CLONE_VFORK */
	{0x02000000, 1 << 28}, /* CLONE_NEWCGROUP */
};

static __always_inline __u32 gw_clone_flags(__u64 f)
{
	__u32 r = 0;
#pragma unroll
	for (int i = 0; i < sizeof(gw_clone_bits) / sizeof(gw_clone_bits[0]); i++)
		if (f & gw_clone_bits[i][0]) r |= gw_clone_bits[i][1];
	return r;
}

/* memfd_create(2) */
static __always_inline __u32 gw_memfd_flags(__u32 f)
{
	__u32 r = 0;
	if (f & 0x1) r |= 1 << 0; /* MFD_CLOEXEC */
	if (f & 0x2) r |= 1 << 1; /* MFD_ALLOW_SEALING */
	if (f & 0x4) r |= 1 << 2; /* MFD_HUGETLB */
	return r;
}

/* linkat(2): AT_SYMLINK_FOLLOW and AT_EMPTY_PATH keep their values in scap. */
#define GW_LINKAT_FLAGS(f) ((f) & (0x400 | 0x1000))
/* unlinkat(2): AT_REMOVEDIR keeps its value in scap. */
#define GW_UNLINKAT_FLAGS(f) ((f) & 0x200)
/* renameat2(2): RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT keep their values in scap. */
#define GW_RENAMEAT2_FLAGS(f) ((f) & 0x7)
/* openat2(2) resolve flags: RESOLVE_NO_XDEV..RESOLVE_CACHED keep their values in scap. */
#define GW_RESOLVE_FLAGS(f) ((f) & 0x3f)

/* mmap(2)/mprotect(2) protections in scap bits (PROT_READ, _WRITE, _EXEC keep theirs). */
static __always_inline __u32 gw_prot_flags(__u32 p)
{
	__u32 r = p & 0x7;
	if (p & 0x01000000) r |= 1 << 4; /* PROT_GROWSDOWN */
	if (p & 0x02000000) r |= 1 << 5; /* PROT_GROWSUP */
	return r;
}

/* mmap(2) flags in scap bits. */
static __always_inline __u32 gw_mmap_flags(__u32 f)
{
	static const __u32 bits[][2] = {
		{0x01, 1 << 0},     /* MAP_SHARED */
		{0x02, 1 << 1},     /* MAP_PRIVATE */
		{0x10, 1 << 2},     /* MAP_FIXED */
		{0x20, 1 << 3},     /* MAP_ANONYMOUS */
		{0x40, 1 << 4},     /* MAP_32BIT */
		{0x4000, 1 << 6},   /* MAP_NORESERVE */
		{0x8000, 1 << 7},   /* MAP_POPULATE */
		{0x10000, 1 << 8},  /* MAP_NONBLOCK */
		{0x100, 1 << 9},    /* MAP_GROWSDOWN */
		{0x800, 1 << 10},   /* MAP_DENYWRITE */
		{0x1000, 1 << 11},  /* MAP_EXECUTABLE */
		{0x2000, 1 << 14},  /* MAP_LOCKED */
	};
	__u32 r = 0;
	for (int i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (f & bits[i][0]) r |= bits[i][1];
	return r;
}

/* futex(2) operations: the command (FUTEX_WAIT.. FUTEX_CMP_REQUEUE_PI keep their numbers) and the
 * FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256) bits, as scap has them. */
static __always_inline __u16 gw_futex_op(__u32 op)
{
	__u32 cmd = op & 127;
	return (cmd <= 12 ? cmd : 0) | (op & (128 | 256));
}

/* access(2) modes: F_OK is scap's 0... X_OK 1, W_OK 2, R_OK 4 keep their bits. */
#define GW_ACCESS_MODE(m) ((m) & 0x7)
/* lseek(2) whence: SEEK_SET, _CUR, _END keep their numbers; others are 0. */
#define GW_LSEEK_WHENCE(w) ((w) <= 2 ? (w) : 0)
/* flock(2): LOCK_SH 1, LOCK_EX 2, LOCK_NB 4, LOCK_UN 8 keep their bits. */
#define GW_FLOCK_OP(o) ((o) & 0xf)
/* splice(2): SPLICE_F_MOVE, _NONBLOCK, _MORE, _GIFT keep their bits. */
#define GW_SPLICE_FLAGS(f) ((f) & 0xf)

/* Capabilities: scap bit i is capability i, for the 41 capabilities scap knows. */
#define GW_CAPS(c) ((c) & ((1ULL << 41) - 1))
#define GW_CAP_DAC_OVERRIDE 1
#define GW_CAP_FOWNER 3

/* ptrace(2) requests in scap numbering. */
static __always_inline __u16 gw_ptrace_request(__u64 req)
{
	/* Linux requests 0..33 (x86_64), 0 where scap has no name. */
	static const __u8 low[34] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 26, 27, 28, 29, 11,
				     12, 30, 31, 0, 32, 0, 0, 13, 33, 34, 0, 0, 0, 35, 36, 37, 38};
	if (req < 34) return low[req & 63];
	/* PTRACE_SETOPTIONS (0x4200) .. PTRACE_SETSIGMASK (0x420b) are 14..25 */
	if (req >= 0x4200 && req <= 0x420b) return (__u16)(req - 0x4200 + 14);
	return 0;
}
#define PPM_PTRACE_PEEKTEXT 2
#define PPM_PTRACE_PEEKDATA 3
#define PPM_PTRACE_PEEKUSR 4
#define PPM_PTRACE_CONT 8
#define PPM_PTRACE_SINGLESTEP 10
#define PPM_PTRACE_DETACH 12
#define PPM_PTRACE_SYSCALL 13
/* Shapes of ptrace's dynamic addr/data parameters. */
#define PPM_PTRACE_IDX_UINT64 0
#define PPM_PTRACE_IDX_SIGTYPE 1

/* execve flags parameter */
#define PPM_EXE_WRITABLE (1 << 0)
#define PPM_EXE_UPPER_LAYER (1 << 1)
#define PPM_EXE_FROM_MEMFD (1 << 2)
#define PPM_EXE_LOWER_LAYER (1 << 3)

/* Socket families: scap numbers them as Linux does for every family it names. */
#define GW_AF_UNIX 1
#define GW_AF_INET 2
#define GW_AF_INET6 10
#define GW_EINPROGRESS 115

#define GW_OVERLAYFS_SUPER_MAGIC 0x794c7630
#define GW_SB_RDONLY 1
#define GW_S_IMMUTABLE 8
#define GW_S_IFMT 00170000
#define GW_S_IFSOCK 0140000
#define GW_S_IFDIR 0040000
#define GW_FMODE_PATH 0x4000
#define GW_RLIMIT_NOFILE 7
#define GW_PF_KTHREAD 0x00200000

#endif
