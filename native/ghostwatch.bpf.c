// SPDX-License-Identifier: GPL-2.0
/* ghostwatch's kernel probe.
 *
 * One program per system call, attached to that call's own exit tracepoint
 * (syscalls:sys_exit_<name>) only when the loader is asked for it: a call nobody asked for runs no
 * BPF code at all. Each program emits the newest scap exit event of its call, which carries the
 * call's arguments as well as its result; the arguments are read from the task's saved user
 * registers, still intact at exit. Process life cycle comes from two scheduler tracepoints:
 * sched_process_exec (a successful execve/execveat, whose arguments are gone by the exit) and
 * sched_process_exit.
 *
 * In capture mode (the end of this file) the same exit programs run by tail call from the
 * raw_syscalls tracepoints, after an enter program (gwe_<event>) for each call, and every other call
 * is recorded as the generic event. I/O data is copied up to gw_snaplen bytes (none by default).
 *
 * Program names: gw_<event> for what the loader can be asked for, gwe_<event> for their enter
 * programs, gwx_* for the helpers it attaches along with them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "bpf/flags.h"
#include "bpf/writer.h"
#include "bpf/path.h"
#include "bpf/task.h"
#include "bpf/socket.h"
#include "bpf/event_ids.h"
#include "bpf/filter.h"

char LICENSE[] SEC("license") = "GPL";

/* System call argument i, from the registers the call was made with (x86_64). The registers are
 * a BTF pointer: read directly, without a helper call. */
static __always_inline unsigned long gw_arg(int i)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(gw_task());
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

/* An fd argument: an int, sign-extended (AT_FDCWD is -100). */
#define GW_FD_ARG(i) ((__s64)(__s32)gw_arg(i))
#define GW_USTR(i) ((const void *)gw_arg(i))

#define GW_EXIT(name) SEC("tracepoint/syscalls/sys_exit_" #name) int gw_##name(struct syscall_trace_exit *ctx)
/* An event named otherwise than its system call (prlimit for prlimit64). */
#define GW_EXIT_AS(event, call) SEC("tracepoint/syscalls/sys_exit_" #call) int gw_##event(struct syscall_trace_exit *ctx)

/* Events that hold the call's result and then its arguments as passed: one helper per layout. */

/* result, fd argument 0 */
static __always_inline int gw_res_fd(struct syscall_trace_exit *ctx, __u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 2)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_submit(&w);
	return 0;
}

/* result, int argument 0 */
static __always_inline int gw_res_int(struct syscall_trace_exit *ctx, __u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 2)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s32(&w, gw_arg(0));
	gw_submit(&w);
	return 0;
}

/* result, arguments 0 to n-1 as u32 (ids, flags) */
static __always_inline int gw_res_u32s(struct syscall_trace_exit *ctx, __u16 type, int n)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 1 + n)) return 0;
	gw_s64(&w, ctx->ret);
	for (int i = 0; i < n; i++) gw_u32(&w, gw_arg(i));
	gw_submit(&w);
	return 0;
}

/* result, paths in arguments 0 to n-1 */
static __always_inline int gw_res_paths(struct syscall_trace_exit *ctx, __u16 type, int n)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 1 + n)) return 0;
	gw_s64(&w, ctx->ret);
	for (int i = 0; i < n; i++) gw_str(&w, GW_USTR(i), true);
	gw_submit(&w);
	return 0;
}

/* dev, ino and the creation/overlay flags of the file an open returned. */
struct gw_opened {
	__u32 dev;
	__u64 ino;
	__u32 flags;  /* PPM_O_F_CREATED, PPM_FD_UPPER_LAYER, PPM_FD_LOWER_LAYER */
	__u16 layer;  /* creat's flags: 1 upper layer, 2 lower layer */
};

static __always_inline struct gw_opened gw_opened(long fd)
{
	struct gw_opened o = {};
	struct file *f = fd >= 0 ? gw_fd_file(fd) : NULL;
	if (!f) return o;
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	o.dev = gw_encode_dev(BPF_CORE_READ(inode, i_sb, s_dev));
	o.ino = BPF_CORE_READ(inode, i_ino);
	if (BPF_CORE_READ(f, f_mode) & GW_FMODE_CREATED) o.flags |= PPM_O_F_CREATED;
	int layer = gw_overlay_layer(f);
	if (layer == 1) o.flags |= PPM_FD_UPPER_LAYER;
	if (layer == 2) o.flags |= PPM_FD_LOWER_LAYER;
	o.layer = layer;
	return o;
}

/* ---- files ---- */

GW_EXIT(open)
{
	long fd = ctx->ret;
	__u32 flags = gw_arg(1);
	if (gw_open_kept_back(GW_FILTER_SLOT_OPEN, GW_OPEN_X, GW_USTR(0), gw_open_flags(flags), fd)) return 0;
	struct gw_w w;
	if (!gw_begin(&w, GW_OPEN_X, 6)) return 0;
	struct gw_opened o = gw_opened(fd);
	gw_s64(&w, fd);
	gw_str(&w, GW_USTR(0), true);
	gw_u32(&w, gw_open_flags(flags) | o.flags);
	gw_u32(&w, gw_open_mode(flags, gw_arg(2)));
	gw_u32(&w, o.dev);
	gw_u64(&w, o.ino);
	gw_submit(&w);
	return 0;
}

GW_EXIT(creat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_CREAT_X, 6)) return 0;
	long fd = ctx->ret;
	struct gw_opened o = gw_opened(fd);
	gw_s64(&w, fd);
	gw_str(&w, GW_USTR(0), true);
	gw_u32(&w, gw_arg(1) & 07777);
	gw_u32(&w, o.dev);
	gw_u64(&w, o.ino);
	gw_u16(&w, o.layer);
	gw_submit(&w);
	return 0;
}

GW_EXIT(openat)
{
	long fd = ctx->ret;
	__u32 flags = gw_arg(2);
	if (gw_open_kept_back(GW_FILTER_SLOT_OPENAT, GW_OPENAT_2_X, GW_USTR(1), gw_open_flags(flags), fd)) return 0;
	struct gw_w w;
	if (!gw_begin(&w, GW_OPENAT_2_X, 7)) return 0;
	struct gw_opened o = gw_opened(fd);
	gw_s64(&w, fd);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, gw_open_flags(flags) | o.flags);
	gw_u32(&w, gw_open_mode(flags, gw_arg(3)));
	gw_u32(&w, o.dev);
	gw_u64(&w, o.ino);
	gw_submit(&w);
	return 0;
}

GW_EXIT(openat2)
{
	long fd = ctx->ret;
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)gw_arg(2));
	if (gw_open_kept_back(GW_FILTER_SLOT_OPENAT2, GW_OPENAT2_X, GW_USTR(1), gw_open_flags(how.flags), fd)) return 0;
	struct gw_w w;
	if (!gw_begin(&w, GW_OPENAT2_X, 8)) return 0;
	struct gw_opened o = gw_opened(fd);
	gw_s64(&w, fd);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, gw_open_flags(how.flags) | o.flags);
	gw_u32(&w, gw_open_mode(how.flags, how.mode));
	gw_u32(&w, GW_RESOLVE_FLAGS(how.resolve));
	gw_u32(&w, o.dev);
	gw_u64(&w, o.ino);
	gw_submit(&w);
	return 0;
}

/* open_by_handle_at: the path is the one of the file it opened. */
GW_EXIT(open_by_handle_at)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_OPEN_BY_HANDLE_AT_X, 6)) return 0;
	long fd = ctx->ret;
	__u32 flags = gw_arg(2);
	struct gw_opened o = gw_opened(fd);
	gw_s64(&w, fd);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_open_flags(flags) | o.flags);
	gw_file_path(&w, fd >= 0 ? gw_fd_file(fd) : NULL);
	gw_u32(&w, o.dev);
	gw_u64(&w, o.ino);
	gw_submit(&w);
	return 0;
}

GW_EXIT(close)
{
	if (gw_close_hidden(GW_FD_ARG(0))) return 0;
	return gw_res_fd(ctx, GW_CLOSE_X);
}

#define GW_CLOSE_RANGE_CLOEXEC (1U << 2)

/* close's helper with the open filter (no event): the kept-back fds a close_range closed are
 * forgotten, so that the close of whatever takes their numbers next is sent. */
SEC("tracepoint/syscalls/sys_exit_close_range")
int gwx_close_range(struct syscall_trace_exit *ctx)
{
	if (ctx->ret == 0 && !(gw_arg(2) & GW_CLOSE_RANGE_CLOEXEC)) gw_forget_fds((__u32)gw_arg(0), (__u32)gw_arg(1));
	return 0;
}

GW_EXIT(dup)
{
	return gw_res_fd(ctx, GW_DUP_1_X);
}

GW_EXIT(dup2)
{
	gw_forget_fd(ctx->ret);
	struct gw_w w;
	if (!gw_begin(&w, GW_DUP2_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_s64(&w, GW_FD_ARG(1));
	gw_submit(&w);
	return 0;
}

GW_EXIT(dup3)
{
	gw_forget_fd(ctx->ret);
	struct gw_w w;
	if (!gw_begin(&w, GW_DUP3_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_s64(&w, GW_FD_ARG(1));
	gw_u32(&w, gw_fd_flags(gw_arg(2)));
	gw_submit(&w);
	return 0;
}

/* fcntl commands in scap numbering (x86_64 values). */
static __always_inline __u8 gw_fcntl_cmd(__u32 cmd)
{
	switch (cmd) {
	case 0: return 1;     /* F_DUPFD */
	case 1: return 2;     /* F_GETFD */
	case 2: return 3;     /* F_SETFD */
	case 3: return 4;     /* F_GETFL */
	case 4: return 5;     /* F_SETFL */
	case 5: return 6;     /* F_GETLK */
	case 6: return 8;     /* F_SETLK */
	case 7: return 9;     /* F_SETLKW */
	case 8: return 10;    /* F_SETOWN */
	case 9: return 12;    /* F_GETOWN */
	case 10: return 13;   /* F_SETSIG */
	case 11: return 15;   /* F_GETSIG */
	case 15: return 21;   /* F_SETOWN_EX */
	case 16: return 22;   /* F_GETOWN_EX */
	case 36: return 30;   /* F_OFD_GETLK */
	case 37: return 31;   /* F_OFD_SETLK */
	case 38: return 32;   /* F_OFD_SETLKW */
	case 1024: return 23; /* F_SETLEASE */
	case 1025: return 24; /* F_GETLEASE */
	case 1026: return 27; /* F_NOTIFY */
	case 1029: return 25; /* F_CANCELLK */
	case 1030: return 26; /* F_DUPFD_CLOEXEC */
	case 1031: return 28; /* F_SETPIPE_SZ */
	case 1032: return 29; /* F_GETPIPE_SZ */
	default: return 0;
	}
}

GW_EXIT(fcntl)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FCNTL_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u8(&w, gw_fcntl_cmd(gw_arg(1)));
	gw_u64(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

/* pipe/pipe2: the two fds the call wrote to user memory, and the pipe's inode. */
static __always_inline void gw_pipe_params(struct gw_w *w, long res)
{
	int fds[2] = {-1, -1};
	if (res == 0) bpf_probe_read_user(fds, sizeof(fds), (void *)gw_arg(0));
	gw_s64(w, res);
	gw_s64(w, fds[0]);
	gw_s64(w, fds[1]);
	struct file *f = res == 0 ? gw_fd_file(fds[0]) : NULL;
	gw_u64(w, f ? BPF_CORE_READ(f, f_inode, i_ino) : 0);
}

GW_EXIT(pipe)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PIPE_X, 4)) return 0;
	gw_pipe_params(&w, ctx->ret);
	gw_submit(&w);
	return 0;
}

GW_EXIT(pipe2)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PIPE2_X, 5)) return 0;
	gw_pipe_params(&w, ctx->ret);
	gw_u32(&w, gw_pipe2_flags(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(memfd_create)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MEMFD_CREATE_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_str(&w, GW_USTR(0), true);
	gw_u32(&w, gw_memfd_flags(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

/* fds that are not files: the state only needs to know they exist (fd.type). */
GW_EXIT(eventfd)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_EVENTFD_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u64(&w, gw_arg(0));
	gw_u32(&w, 0);
	gw_submit(&w);
	return 0;
}

GW_EXIT(eventfd2)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_EVENTFD2_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u16(&w, gw_fd_flags(gw_arg(1)));
	gw_u64(&w, gw_arg(0));
	gw_submit(&w);
	return 0;
}

/* The first 32 signals of the mask the caller passed. */
static __always_inline __u32 gw_sigmask(unsigned long uptr)
{
	__u32 mask = 0;
	if (uptr) bpf_probe_read_user(&mask, sizeof(mask), (void *)uptr);
	return mask;
}

GW_EXIT(signalfd)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SIGNALFD_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_sigmask(gw_arg(1)));
	gw_u8(&w, 0);
	gw_submit(&w);
	return 0;
}

GW_EXIT(signalfd4)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SIGNALFD4_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u16(&w, gw_fd_flags(gw_arg(3)));
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_sigmask(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(timerfd_create)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_TIMERFD_CREATE_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u8(&w, gw_arg(0));
	gw_u8(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_EXIT(inotify_init)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_INOTIFY_INIT_X, 2)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u8(&w, 0);
	gw_submit(&w);
	return 0;
}

GW_EXIT(inotify_init1)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_INOTIFY_INIT1_X, 2)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u16(&w, gw_fd_flags(gw_arg(0)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(epoll_create)
{
	return gw_res_int(ctx, GW_EPOLL_CREATE_X);
}

/* EPOLL_CLOEXEC is scap's bit 0. */
GW_EXIT(epoll_create1)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_EPOLL_CREATE1_X, 2)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u32(&w, (gw_arg(0) & GW_O_CLOEXEC) ? 1 : 0);
	gw_submit(&w);
	return 0;
}

/* The flags as the caller passed them, as libs records them. */
GW_EXIT(userfaultfd)
{
	return gw_res_u32s(ctx, GW_USERFAULTFD_X, 1);
}

/* Calls whose exit event is the result and then the arguments' paths/fds in order. */
GW_EXIT(symlink)
{
	return gw_res_paths(ctx, GW_SYMLINK_X, 2);
}

GW_EXIT(symlinkat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SYMLINKAT_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_str(&w, GW_USTR(0), true);
	gw_s64(&w, GW_FD_ARG(1));
	gw_str(&w, GW_USTR(2), true);
	gw_submit(&w);
	return 0;
}

GW_EXIT(link)
{
	return gw_res_paths(ctx, GW_LINK_2_X, 2);
}

GW_EXIT(linkat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_LINKAT_2_X, 6)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_s64(&w, GW_FD_ARG(2));
	gw_str(&w, GW_USTR(3), true);
	gw_u32(&w, GW_LINKAT_FLAGS(gw_arg(4)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(unlink)
{
	return gw_res_paths(ctx, GW_UNLINK_2_X, 1);
}

GW_EXIT(unlinkat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_UNLINKAT_2_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, GW_UNLINKAT_FLAGS(gw_arg(2)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(rename)
{
	return gw_res_paths(ctx, GW_RENAME_X, 2);
}

static __always_inline void gw_renameat_params(struct gw_w *w, long res)
{
	gw_s64(w, res);
	gw_s64(w, GW_FD_ARG(0));
	gw_str(w, GW_USTR(1), true);
	gw_s64(w, GW_FD_ARG(2));
	gw_str(w, GW_USTR(3), true);
}

GW_EXIT(renameat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_RENAMEAT_X, 5)) return 0;
	gw_renameat_params(&w, ctx->ret);
	gw_submit(&w);
	return 0;
}

GW_EXIT(renameat2)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_RENAMEAT2_X, 6)) return 0;
	gw_renameat_params(&w, ctx->ret);
	gw_u32(&w, GW_RENAMEAT2_FLAGS(gw_arg(4)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(mkdir)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MKDIR_2_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_str(&w, GW_USTR(0), true);
	gw_u32(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_EXIT(mkdirat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MKDIRAT_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_EXIT(rmdir)
{
	return gw_res_paths(ctx, GW_RMDIR_2_X, 1);
}

GW_EXIT(chmod)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_CHMOD_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_str(&w, GW_USTR(0), true);
	gw_u32(&w, gw_arg(1) & 07777);
	gw_submit(&w);
	return 0;
}

GW_EXIT(fchmod)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FCHMOD_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_arg(1) & 07777);
	gw_submit(&w);
	return 0;
}

GW_EXIT(fchmodat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FCHMODAT_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, gw_arg(2) & 07777);
	gw_submit(&w);
	return 0;
}

GW_EXIT(chdir)
{
	return gw_res_paths(ctx, GW_CHDIR_X, 1);
}

GW_EXIT(fchdir)
{
	return gw_res_fd(ctx, GW_FCHDIR_X);
}

/* The buffer's first bytes (gw_snaplen of them; none in detection mode), as the libs copy them: what
 * a read received (its result), what a write was given (its size, whatever it wrote). */
static __always_inline void gw_read_data(struct gw_w *w, long res)
{
	if (gw_snaplen != 0 && res > 0) gw_data(w, gw_arg(1), res);
	else gw_empty(w);
}

/* read/write, pread64/pwrite64: res, data, fd, size (and pos). */
static __always_inline int gw_rw(struct syscall_trace_exit *ctx, __u16 type, bool write, bool pos)
{
	struct gw_w w;
	if (!gw_begin(&w, type, pos ? 5 : 4)) return 0;
	long res = ctx->ret;
	gw_s64(&w, res);
	if (write) gw_data(&w, gw_arg(1), gw_arg(2));
	else gw_read_data(&w, res);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_arg(2));
	if (pos) gw_u64(&w, gw_arg(3));
	gw_submit(&w);
	return 0;
}

GW_EXIT(read)
{
	return gw_rw(ctx, GW_READ_X, false, false);
}

GW_EXIT(write)
{
	return gw_rw(ctx, GW_WRITE_X, true, false);
}

GW_EXIT_AS(pread, pread64)
{
	return gw_rw(ctx, GW_PREAD_X, false, true);
}

GW_EXIT_AS(pwrite, pwrite64)
{
	return gw_rw(ctx, GW_PWRITE_X, true, true);
}

/* ---- what else a program does: memory, stat, seeks, signals, ids (capture mode records them) ---- */

/* The caller's memory after the call, in KiB: vm_size, vm_rss, vm_swap. */
static __always_inline void gw_vm(struct gw_w *w)
{
	struct mm_struct *mm = BPF_CORE_READ(gw_task(), mm);
	gw_u32(w, gw_vm_size(mm));
	gw_u32(w, gw_vm_rss(mm));
	gw_u32(w, gw_vm_swap(mm));
}

GW_EXIT(brk)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_BRK_4_X, 5)) return 0;
	gw_u64(&w, ctx->ret);
	gw_vm(&w);
	gw_u64(&w, gw_arg(0));
	gw_submit(&w);
	return 0;
}

GW_EXIT(mmap)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MMAP_X, 10)) return 0;
	gw_u64(&w, ctx->ret);
	gw_vm(&w);
	gw_u64(&w, gw_arg(0));
	gw_u64(&w, gw_arg(1));
	gw_u32(&w, gw_prot_flags(gw_arg(2)));
	gw_u32(&w, gw_mmap_flags(gw_arg(3)));
	gw_s64(&w, GW_FD_ARG(4));
	gw_u64(&w, gw_arg(5));
	gw_submit(&w);
	return 0;
}

GW_EXIT(munmap)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MUNMAP_X, 6)) return 0;
	gw_s64(&w, ctx->ret);
	gw_vm(&w);
	gw_u64(&w, gw_arg(0));
	gw_u64(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_EXIT(mprotect)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MPROTECT_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u64(&w, gw_arg(0));
	gw_u64(&w, gw_arg(1));
	gw_u32(&w, gw_prot_flags(gw_arg(2)));
	gw_submit(&w);
	return 0;
}

/* fstat/stat/lstat: the kernel's tracepoints name them newfstat/newstat/newlstat on x86_64. */
GW_EXIT_AS(fstat, newfstat)
{
	return gw_res_fd(ctx, GW_FSTAT_X);
}

GW_EXIT_AS(stat, newstat)
{
	return gw_res_paths(ctx, GW_STAT_X, 1);
}

GW_EXIT_AS(lstat, newlstat)
{
	return gw_res_paths(ctx, GW_LSTAT_X, 1);
}

GW_EXIT(access)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_ACCESS_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_str(&w, GW_USTR(0), true);
	gw_u32(&w, GW_ACCESS_MODE(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(lseek)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_LSEEK_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u64(&w, gw_arg(1));
	gw_u8(&w, GW_LSEEK_WHENCE(gw_arg(2)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(ioctl)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_IOCTL_3_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u64(&w, gw_arg(1));
	gw_u64(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

/* The directory the call wrote to the caller's buffer. */
GW_EXIT(getcwd)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_GETCWD_X, 2)) return 0;
	long res = ctx->ret;
	gw_s64(&w, res);
	gw_str(&w, res > 0 ? GW_USTR(0) : NULL, true);
	gw_submit(&w);
	return 0;
}

GW_EXIT(getdents)
{
	return gw_res_fd(ctx, GW_GETDENTS_X);
}

GW_EXIT(getdents64)
{
	return gw_res_fd(ctx, GW_GETDENTS64_X);
}

/* kill/tkill/tgkill: the result, the pid or tid arguments, then the signal. */
static __always_inline int gw_signal_call(struct syscall_trace_exit *ctx, __u16 type, int ids)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 2 + ids)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, (__s32)gw_arg(0));
	if (ids == 2) gw_s64(&w, (__s32)gw_arg(1));
	gw_u8(&w, gw_arg(ids));
	gw_submit(&w);
	return 0;
}

GW_EXIT(kill)
{
	return gw_signal_call(ctx, GW_KILL_X, 1);
}

GW_EXIT(tkill)
{
	return gw_signal_call(ctx, GW_TKILL_X, 1);
}

GW_EXIT(tgkill)
{
	return gw_signal_call(ctx, GW_TGKILL_X, 2);
}

/* A struct timespec the caller passed, in ns (0 when there is none). */
static __always_inline __u64 gw_timespec_ns(unsigned long uptr)
{
	struct __kernel_timespec ts = {};
	if (uptr) bpf_probe_read_user(&ts, sizeof(ts), (void *)uptr);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

GW_EXIT(nanosleep)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_NANOSLEEP_X, 2)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u64(&w, gw_timespec_ns(gw_arg(0)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(futex)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FUTEX_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u64(&w, gw_arg(0));
	gw_u16(&w, gw_futex_op(gw_arg(1)));
	gw_u64(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_EXIT(epoll_wait)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_EPOLL_WAIT_X, 2)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, (__s32)gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_EXIT(select)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SELECT_X, 1)) return 0;
	gw_s64(&w, ctx->ret);
	gw_submit(&w);
	return 0;
}

GW_EXIT(flock)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FLOCK_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, GW_FLOCK_OP(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

/* sendfile (sendfile64 to the tracepoints): the offset after the call (0 without one). */
GW_EXIT_AS(sendfile, sendfile64)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SENDFILE_X, 5)) return 0;
	__u64 offset = 0;
	if (gw_arg(2)) bpf_probe_read_user(&offset, sizeof(offset), (void *)gw_arg(2));
	gw_s64(&w, ctx->ret);
	gw_u64(&w, offset);
	gw_s64(&w, GW_FD_ARG(0));
	gw_s64(&w, GW_FD_ARG(1));
	gw_u64(&w, gw_arg(3));
	gw_submit(&w);
	return 0;
}

GW_EXIT(splice)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SPLICE_X, 5)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_s64(&w, GW_FD_ARG(2));
	gw_u64(&w, gw_arg(4));
	gw_u32(&w, GW_SPLICE_FLAGS(gw_arg(5)));
	gw_submit(&w);
	return 0;
}

/* getuid/geteuid/getgid/getegid: the id is the result. */
static __always_inline int gw_id(struct syscall_trace_exit *ctx, __u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 1)) return 0;
	gw_u32(&w, ctx->ret);
	gw_submit(&w);
	return 0;
}

GW_EXIT(getuid)
{
	return gw_id(ctx, GW_GETUID_X);
}

GW_EXIT(geteuid)
{
	return gw_id(ctx, GW_GETEUID_X);
}

GW_EXIT(getgid)
{
	return gw_id(ctx, GW_GETGID_X);
}

GW_EXIT(getegid)
{
	return gw_id(ctx, GW_GETEGID_X);
}

/* getresuid/getresgid: the three ids the call wrote to the caller's memory. */
static __always_inline int gw_getres(struct syscall_trace_exit *ctx, __u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 4)) return 0;
	long res = ctx->ret;
	gw_s64(&w, res);
	for (int i = 0; i < 3; i++) {
		__u32 id = 0;
		if (res == 0) bpf_probe_read_user(&id, sizeof(id), (void *)gw_arg(i));
		gw_u32(&w, id);
	}
	gw_submit(&w);
	return 0;
}

GW_EXIT(getresuid)
{
	return gw_getres(ctx, GW_GETRESUID_X);
}

GW_EXIT(getresgid)
{
	return gw_getres(ctx, GW_GETRESGID_X);
}

/* ---- network ---- */

GW_EXIT(socket)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SOCKET_X, 5)) return 0;
	__u32 type = gw_arg(1);
	gw_s64(&w, ctx->ret);
	gw_u32(&w, gw_arg(0));
	gw_u32(&w, type);
	gw_u32(&w, gw_arg(2));
	gw_u32(&w, gw_fd_flags(type));
	gw_submit(&w);
	return 0;
}

GW_EXIT(bind)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_BIND_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_sockaddr(&w, gw_arg(1), gw_arg(2));
	gw_s64(&w, GW_FD_ARG(0));
	gw_submit(&w);
	return 0;
}

GW_EXIT(listen)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_LISTEN_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_s32(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_EXIT(connect)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_CONNECT_X, 4)) return 0;
	long res = ctx->ret;
	__s64 fd = GW_FD_ARG(0);
	unsigned long uaddr = gw_arg(1);
	gw_s64(&w, res);
	if (res == 0 || res == -GW_EINPROGRESS) gw_socktuple(&w, fd, true, uaddr);
	else gw_empty(&w);
	gw_s64(&w, fd);
	gw_sockaddr(&w, uaddr, gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_EXIT(shutdown)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SHUTDOWN_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u8(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

/* getsockname/getpeername: the events have no parameters. */
GW_EXIT(getsockname)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_GETSOCKNAME_X, 0)) return 0;
	gw_submit(&w);
	return 0;
}

GW_EXIT(getpeername)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_GETPEERNAME_X, 0)) return 0;
	gw_submit(&w);
	return 0;
}

/* socketpair: the two fds and the kernel addresses of the first one's socket and of its peer,
 * which name unix socket pairs. */
GW_EXIT(socketpair)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SOCKETPAIR_X, 8)) return 0;
	long res = ctx->ret;
	int fds[2] = {-1, -1};
	if (res == 0) bpf_probe_read_user(fds, sizeof(fds), (void *)gw_arg(3));
	struct socket *sock = res == 0 ? gw_fd_socket(fds[0]) : NULL;
	struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	gw_s64(&w, res);
	gw_s64(&w, fds[0]);
	gw_s64(&w, fds[1]);
	gw_u64(&w, (__u64)sk);
	gw_u64(&w, sk ? (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer) : 0);
	gw_u32(&w, gw_arg(0));
	gw_u32(&w, gw_arg(1));
	gw_u32(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

/* accept/accept4: the new connection's tuple and the listening socket's queue. */
static __always_inline void gw_accept_params(struct gw_w *w, long fd)
{
	__u32 queuelen = 0, queuemax = 0;
	__u8 queuepct = 0;
	gw_s64(w, fd);
	if (fd >= 0) {
		gw_socktuple(w, fd, false, 0);
		struct socket *listener = gw_fd_socket(GW_FD_ARG(0));
		struct sock *sk = listener ? BPF_CORE_READ(listener, sk) : NULL;
		if (sk) {
			queuelen = BPF_CORE_READ(sk, sk_ack_backlog);
			queuemax = BPF_CORE_READ(sk, sk_max_ack_backlog);
			if (queuelen && queuemax) queuepct = (__u64)queuelen * 100 / queuemax;
		}
	} else {
		gw_empty(w);
	}
	gw_u8(w, queuepct);
	gw_u32(w, queuelen);
	gw_u32(w, queuemax);
}

GW_EXIT(accept)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_ACCEPT_5_X, 5)) return 0;
	gw_accept_params(&w, ctx->ret);
	gw_submit(&w);
	return 0;
}

GW_EXIT(accept4)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_ACCEPT4_6_X, 6)) return 0;
	gw_accept_params(&w, ctx->ret);
	gw_u32(&w, gw_fd_flags(gw_arg(3)));
	gw_submit(&w);
	return 0;
}

/* Datagram I/O: which fd, how much, the peer and the data's first bytes (the snaplen; none in
 * detection mode). The tuple is what names an unconnected UDP socket's peer (fd.name), so it comes
 * from the address the caller gave (sendto/sendmsg) or received (recvfrom/recvmsg) when the socket
 * has no peer of its own. */
GW_EXIT(sendto)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SENDTO_X, 5)) return 0;
	long res = ctx->ret;
	__s64 fd = GW_FD_ARG(0);
	gw_s64(&w, res);
	gw_read_data(&w, res); /* what was sent: its result, as the libs copy it */
	gw_s64(&w, fd);
	gw_u32(&w, gw_arg(2));
	if (res >= 0) gw_socktuple(&w, fd, true, gw_arg(4));
	else gw_empty(&w);
	gw_submit(&w);
	return 0;
}

GW_EXIT(recvfrom)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_RECVFROM_X, 5)) return 0;
	long res = ctx->ret;
	__s64 fd = GW_FD_ARG(0);
	gw_s64(&w, res);
	gw_read_data(&w, res);
	if (res >= 0) gw_socktuple(&w, fd, false, gw_arg(4));
	else gw_empty(&w);
	gw_s64(&w, fd);
	gw_u32(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

#define GW_IOV_MAX 16

/* The bytes an iovec array asks for (its first GW_IOV_MAX entries). */
static __always_inline __u32 gw_iov_size(const struct iovec *iov, __u64 count)
{
	__u32 total = 0;
	for (int i = 0; i < GW_IOV_MAX; i++) {
		if (i >= count) break;
		struct iovec v = {};
		if (bpf_probe_read_user(&v, sizeof(v), &iov[i]) != 0) break;
		total += v.iov_len;
	}
	return total;
}

/* The first bytes of the buffers of an iovec array (its first GW_IOV_MAX entries), at most max in
 * all and the snaplen: the data of readv/writev/sendmsg/recvmsg. */
static __always_inline void gw_iov_data(struct gw_w *w, const struct iovec *iov, __u64 count, __u64 max)
{
	if (gw_snaplen == 0) {
		gw_empty(w);
		return;
	}
	__u32 start = w->pos;
	__u64 left = max < gw_snaplen ? max : gw_snaplen;
	for (int i = 0; i < GW_IOV_MAX; i++) {
		if (i >= count || left == 0) break;
		struct iovec v = {};
		if (bpf_probe_read_user(&v, sizeof(v), &iov[i]) != 0) break;
		__u64 n = v.iov_len < left ? v.iov_len : left;
		GW_CLAMP(n, GW_MAX_WRITE);
		if (bpf_probe_read_user(&w->d[w->pos & GW_REC_MASK], n, v.iov_base) != 0) break;
		w->pos += n;
		left -= n;
	}
	gw_len(w, w->pos - start);
}

GW_EXIT(sendmsg)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SENDMSG_X, 5)) return 0;
	long res = ctx->ret;
	__s64 fd = GW_FD_ARG(0);
	struct user_msghdr msg = {};
	bool have = bpf_probe_read_user(&msg, sizeof(msg), (void *)gw_arg(1)) == 0;
	__u32 size = have ? gw_iov_size(msg.msg_iov, msg.msg_iovlen) : 0;
	gw_s64(&w, res);
	if (have) gw_iov_data(&w, msg.msg_iov, msg.msg_iovlen, size);
	else gw_empty(&w);
	gw_s64(&w, fd);
	if (have) gw_u32(&w, size);
	else gw_empty(&w);
	if (have && res >= 0) gw_socktuple(&w, fd, true, (unsigned long)msg.msg_name);
	else gw_empty(&w);
	gw_submit(&w);
	return 0;
}

/* recvmsg also carries the control data (it passes fds between processes, SCM_RIGHTS). */
GW_EXIT(recvmsg)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_RECVMSG_X, 6)) return 0;
	long res = ctx->ret;
	__s64 fd = GW_FD_ARG(0);
	gw_s64(&w, res);
	struct user_msghdr msg = {};
	if (res >= 0 && bpf_probe_read_user(&msg, sizeof(msg), (void *)gw_arg(1)) == 0) {
		gw_u32(&w, res);
		gw_iov_data(&w, msg.msg_iov, msg.msg_iovlen, res);
		gw_socktuple(&w, fd, false, (unsigned long)msg.msg_name);
		if (msg.msg_control && msg.msg_controllen <= GW_MAX_WRITE) gw_user_block(&w, (unsigned long)msg.msg_control, msg.msg_controllen);
		else gw_empty(&w);
	} else {
		gw_u32(&w, 0);
		gw_empty(&w);
		gw_empty(&w);
		gw_empty(&w);
	}
	gw_s64(&w, fd);
	gw_submit(&w);
	return 0;
}

/* readv/writev/preadv/pwritev: what readv reads is its result, bounded by the buffers' size; what
 * writev writes is all of its buffers. */
static __always_inline int gw_rwv(struct syscall_trace_exit *ctx, __u16 type, bool write, bool pos)
{
	struct gw_w w;
	if (!gw_begin(&w, type, pos ? 5 : 4)) return 0;
	long res = ctx->ret;
	const struct iovec *iov = (const struct iovec *)gw_arg(1);
	__u64 count = gw_arg(2);
	__u32 size = gw_iov_size(iov, count);
	gw_s64(&w, res);
	if (write) {
		gw_iov_data(&w, iov, count, size);
		gw_s64(&w, GW_FD_ARG(0));
		gw_u32(&w, size);
	} else {
		__u32 got = res > 0 ? (res < size ? res : size) : 0;
		gw_u32(&w, got);
		gw_iov_data(&w, iov, count, got);
		gw_s64(&w, GW_FD_ARG(0));
	}
	if (pos) gw_u64(&w, gw_arg(3));
	gw_submit(&w);
	return 0;
}

GW_EXIT(readv)
{
	return gw_rwv(ctx, GW_READV_X, false, false);
}

GW_EXIT(writev)
{
	return gw_rwv(ctx, GW_WRITEV_X, true, false);
}

GW_EXIT(preadv)
{
	return gw_rwv(ctx, GW_PREADV_X, false, true);
}

GW_EXIT(pwritev)
{
	return gw_rwv(ctx, GW_PWRITEV_X, true, true);
}

/* ---- credentials ---- */

GW_EXIT(setuid)
{
	return gw_res_u32s(ctx, GW_SETUID_X, 1);
}

GW_EXIT(setgid)
{
	return gw_res_u32s(ctx, GW_SETGID_X, 1);
}

GW_EXIT(setreuid)
{
	return gw_res_u32s(ctx, GW_SETREUID_X, 2);
}

GW_EXIT(setregid)
{
	return gw_res_u32s(ctx, GW_SETREGID_X, 2);
}

GW_EXIT(setresuid)
{
	return gw_res_u32s(ctx, GW_SETRESUID_X, 3);
}

GW_EXIT(setresgid)
{
	return gw_res_u32s(ctx, GW_SETRESGID_X, 3);
}

/* Resource limits (the state keeps the fd limit). scap numbers the resources as x86_64 does. */
static __always_inline __u8 gw_rlimit_resource(__u32 r)
{
	return r <= 15 ? r : 255;
}

/* A struct rlimit the caller passed; -1 each when there is none. */
static __always_inline void gw_rlimit(struct gw_w *w, unsigned long uptr, bool valid)
{
	struct rlimit r = {.rlim_cur = -1, .rlim_max = -1};
	if (!valid || !uptr || bpf_probe_read_user(&r, sizeof(r), (void *)uptr) != 0) r.rlim_cur = r.rlim_max = -1;
	gw_s64(w, r.rlim_cur);
	gw_s64(w, r.rlim_max);
}

GW_EXIT(getrlimit)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_GETRLIMIT_X, 4)) return 0;
	long res = ctx->ret;
	gw_s64(&w, res);
	gw_rlimit(&w, gw_arg(1), res == 0);
	gw_u8(&w, gw_rlimit_resource(gw_arg(0)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(setrlimit)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SETRLIMIT_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_rlimit(&w, gw_arg(1), true);
	gw_u8(&w, gw_rlimit_resource(gw_arg(0)));
	gw_submit(&w);
	return 0;
}

/* prlimit64: the new limits asked for and the old ones the call returned. */
GW_EXIT_AS(prlimit, prlimit64)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PRLIMIT_X, 7)) return 0;
	long res = ctx->ret;
	gw_s64(&w, res);
	gw_rlimit(&w, gw_arg(2), true);
	gw_rlimit(&w, gw_arg(3), res == 0);
	gw_s64(&w, (__s32)gw_arg(0));
	gw_u8(&w, gw_rlimit_resource(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

/* PIDFD_NONBLOCK is scap's bit 0. */
GW_EXIT(pidfd_open)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PIDFD_OPEN_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, (__s32)gw_arg(0));
	gw_u32(&w, (gw_arg(1) & GW_O_NONBLOCK) ? 1 : 0);
	gw_submit(&w);
	return 0;
}

/* pidfd_getfd: a copy of another process's fd. */
GW_EXIT(pidfd_getfd)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PIDFD_GETFD_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_s64(&w, GW_FD_ARG(1));
	gw_u32(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

/* ---- namespaces, BPF and kernel modules ---- */

GW_EXIT(setns)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SETNS_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_clone_flags(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_EXIT(unshare)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_UNSHARE_X, 2)) return 0;
	gw_s64(&w, ctx->ret);
	gw_u32(&w, gw_clone_flags(gw_arg(0)));
	gw_submit(&w);
	return 0;
}

/* bpf(2): the result and the command (scap numbers them as the kernel does). */
GW_EXIT(bpf)
{
	return gw_res_int(ctx, GW_BPF_2_X);
}

/* The module image itself is not copied: its length and parameters are. */
GW_EXIT(init_module)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_INIT_MODULE_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_empty(&w);
	gw_u64(&w, gw_arg(1));
	gw_str(&w, GW_USTR(2), true);
	gw_submit(&w);
	return 0;
}

/* MODULE_INIT_IGNORE_MODVERSIONS, _IGNORE_VERMAGIC and _COMPRESSED_FILE keep their values in scap. */
GW_EXIT(finit_module)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FINIT_MODULE_X, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, gw_arg(2) & 0x7);
	gw_submit(&w);
	return 0;
}

GW_EXIT(chroot)
{
	return gw_res_paths(ctx, GW_CHROOT_X, 1);
}

GW_EXIT(setsid)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SETSID_X, 1)) return 0;
	gw_s64(&w, ctx->ret);
	gw_submit(&w);
	return 0;
}

GW_EXIT(setpgid)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SETPGID_X, 3)) return 0;
	gw_s64(&w, ctx->ret);
	gw_s64(&w, (__s32)gw_arg(0));
	gw_s64(&w, (__s32)gw_arg(1));
	gw_submit(&w);
	return 0;
}

/* capset: the sets the thread has after the call. */
GW_EXIT(capset)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_CAPSET_X, 4)) return 0;
	struct task_struct *t = gw_task();
	gw_s64(&w, ctx->ret);
	gw_u64(&w, gw_cap_inheritable(t));
	gw_u64(&w, gw_cap_permitted(t));
	gw_u64(&w, gw_cap_effective(t));
	gw_submit(&w);
	return 0;
}

/* ---- ptrace ---- */

GW_EXIT(ptrace)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PTRACE_X, 5)) return 0;
	long res = ctx->ret;
	__u16 req = gw_ptrace_request(gw_arg(0));
	unsigned long addr = gw_arg(2), data = gw_arg(3);
	gw_s64(&w, res);
	/* addr: a u64, 0 on failure */
	gw_raw_u8(&w, PPM_PTRACE_IDX_UINT64);
	gw_raw_u64(&w, res < 0 ? 0 : addr);
	gw_len(&w, 9);
	/* data: what was read for PEEK requests, the signal for resuming ones, else the value */
	if (res >= 0 && (req == PPM_PTRACE_CONT || req == PPM_PTRACE_SINGLESTEP || req == PPM_PTRACE_DETACH ||
			 req == PPM_PTRACE_SYSCALL)) {
		gw_raw_u8(&w, PPM_PTRACE_IDX_SIGTYPE);
		gw_raw_u8(&w, data);
		gw_len(&w, 2);
	} else {
		__u64 v = 0;
		if (res >= 0 && (req == PPM_PTRACE_PEEKTEXT || req == PPM_PTRACE_PEEKDATA || req == PPM_PTRACE_PEEKUSR))
			bpf_probe_read_user(&v, sizeof(v), (void *)data);
		else if (res >= 0)
			v = data;
		gw_raw_u8(&w, PPM_PTRACE_IDX_UINT64);
		gw_raw_u64(&w, v);
		gw_len(&w, 9);
	}
	gw_u16(&w, req);
	gw_s64(&w, (__s64)(__s32)gw_arg(1));
	gw_submit(&w);
	return 0;
}

/* ---- processes ---- */

/* Parameters 4 to 14 of execve and clone events: ids, working directory, fd limit, page faults,
 * memory, comm. */
static __always_inline void gw_process_common(struct gw_w *w, struct task_struct *t)
{
	gw_s64(w, BPF_CORE_READ(t, pid));
	gw_s64(w, BPF_CORE_READ(t, tgid));
	gw_s64(w, BPF_CORE_READ(t, real_parent, pid));
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	if (fs) gw_path(w, &fs->pwd);
	else gw_empty(w);
	gw_u64(w, BPF_CORE_READ(t, signal, rlim[GW_RLIMIT_NOFILE].rlim_cur));
	gw_u64(w, BPF_CORE_READ(t, maj_flt));
	gw_u64(w, BPF_CORE_READ(t, min_flt));
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	gw_u32(w, gw_vm_size(mm));
	gw_u32(w, gw_vm_rss(mm));
	gw_u32(w, gw_vm_swap(mm));
	gw_str(w, &t->comm, false);
}

#define GW_EXEC_ARGS_MAX 32

/* exe and args of a failed execve, from the argv array the caller passed. */
static __always_inline void gw_exec_argv(struct gw_w *w, unsigned long argv)
{
	const char *p = NULL;
	if (argv) bpf_probe_read_user(&p, sizeof(p), (void *)argv);
	gw_str(w, p, true);
	__u32 start = w->pos;
	for (int i = 1; i < GW_EXEC_ARGS_MAX && argv; i++) {
		p = NULL;
		bpf_probe_read_user(&p, sizeof(p), (void *)(argv + i * sizeof(p)));
		if (!p || w->pos - start > GW_MAX_WRITE) break;
		gw_raw_str(w, p, true);
	}
	gw_len(w, w->pos - start);
}

/* env of a failed execve, from the envp array the caller passed. */
static __always_inline void gw_exec_envp(struct gw_w *w, unsigned long envp)
{
	__u32 start = w->pos;
	for (int i = 0; i < GW_EXEC_ARGS_MAX && envp; i++) {
		const char *p = NULL;
		bpf_probe_read_user(&p, sizeof(p), (void *)(envp + i * sizeof(p)));
		if (!p || w->pos - start > GW_MAX_WRITE) break;
		gw_raw_str(w, p, true);
	}
	gw_len(w, w->pos - start);
}

/* The execve/execveat exit event up to its 30th parameter (execve adds the filename). A failed
 * call still runs the old program: its arguments come from the argv/envp arrays passed in. */
static __always_inline void gw_exec_params(struct gw_w *w, long res, unsigned long argv, unsigned long envp)
{
	struct task_struct *t = gw_task();
	gw_s64(w, res);
	if (res == 0) gw_exe_args(w, t);
	else gw_exec_argv(w, argv);
	gw_process_common(w, t);
	gw_cgroups(w, t);
	if (res == 0) gw_env(w, t);
	else gw_exec_envp(w, envp);
	gw_u32(w, gw_tty(t));
	gw_s64(w, gw_vnr(t, PIDTYPE_PGID));
	gw_u32(w, gw_loginuid(t));
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);
	gw_u32(w, gw_exe_flags(t, exe));
	gw_u64(w, gw_cap_inheritable(t));
	gw_u64(w, gw_cap_permitted(t));
	gw_u64(w, gw_cap_effective(t));
	struct inode *inode = exe ? BPF_CORE_READ(exe, f_inode) : NULL;
	gw_u64(w, inode ? BPF_CORE_READ(inode, i_ino) : 0);
	gw_u64(w, inode ? gw_inode_ctime(inode) : 0);
	gw_u64(w, inode ? gw_inode_mtime(inode) : 0);
	gw_u32(w, BPF_CORE_READ(t, cred, euid.val));
	gw_file_path(w, exe);
	gw_s64(w, gw_nr(t, PIDTYPE_PGID));
	gw_u32(w, BPF_CORE_READ(t, cred, egid.val));
}

/* A successful execve or execveat: the new program is in place. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(gwx_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	gw_exec_seen();
	struct gw_w w;
	if (!gw_begin(&w, GW_EXECVE_19_X, 31)) return 0;
	gw_exec_params(&w, 0, 0, 0);
	gw_str(&w, BPF_CORE_READ(bprm, filename), false);
	gw_submit(&w);
	return 0;
}

/* Failed calls only: a successful one is reported by gwx_exec. */
GW_EXIT(execve)
{
	long res = ctx->ret;
	if (res == 0) return 0;
	struct gw_w w;
	if (!gw_begin(&w, GW_EXECVE_19_X, 31)) return 0;
	gw_exec_params(&w, res, gw_arg(1), gw_arg(2));
	gw_str(&w, GW_USTR(0), true);
	gw_submit(&w);
	return 0;
}

GW_EXIT(execveat)
{
	long res = ctx->ret;
	if (res == 0) return 0;
	struct gw_w w;
	if (!gw_begin(&w, GW_EXECVEAT_X, 30)) return 0;
	gw_exec_params(&w, res, gw_arg(2), gw_arg(3));
	gw_submit(&w);
	return 0;
}

/* The clone family's exit event, seen by the parent (res: the child's id) and by the child
 * (res 0). flags are the Linux clone flags the call was made with. */
static __always_inline void gw_clone_params(struct gw_w *w, long res, __u64 flags)
{
	struct task_struct *t = gw_task();
	gw_s64(w, res);
	if (res >= 0) {
		gw_exe_args(w, t);
	} else {
		gw_empty(w);
		gw_empty(w);
	}
	gw_process_common(w, t);
	gw_cgroups(w, t);
	__u32 scap = gw_clone_flags(flags);
	/* The child is in another pid namespace: the caller is, or the call made one for it. */
	if (gw_in_child_pidns(t) ||
	    BPF_CORE_READ(t, nsproxy, pid_ns_for_children) != BPF_CORE_READ(t, thread_pid, numbers[0].ns))
		scap |= PPM_CL_CHILD_IN_PIDNS;
	gw_u32(w, scap);
	gw_u32(w, BPF_CORE_READ(t, cred, euid.val));
	gw_u32(w, BPF_CORE_READ(t, cred, egid.val));
	gw_s64(w, gw_vnr(t, PIDTYPE_PID));
	gw_s64(w, gw_vnr(t, PIDTYPE_TGID));
	/* For the child: when its pid namespace's init started (ns since the epoch; a container's start). */
	__u64 init_start = 0;
	if (res == 0) {
		struct pid *pid = BPF_CORE_READ(t, thread_pid);
		unsigned int level = BPF_CORE_READ(pid, level);
		struct pid_namespace *ns = BPF_CORE_READ(pid, numbers[level].ns);
		init_start = BPF_CORE_READ(ns, child_reaper, start_boottime) + gw_boot_time_ns;
	}
	gw_u64(w, init_start);
}

GW_EXIT(clone)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_CLONE_20_X, 21)) return 0;
	gw_clone_params(&w, ctx->ret, gw_arg(0));
	gw_submit(&w);
	return 0;
}

GW_EXIT(clone3)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_CLONE3_X, 21)) return 0;
	__u64 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), (void *)gw_arg(0)); /* clone_args.flags */
	gw_clone_params(&w, ctx->ret, flags);
	gw_submit(&w);
	return 0;
}

GW_EXIT(fork)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FORK_20_X, 21)) return 0;
	gw_clone_params(&w, ctx->ret, 0); /* as the libs' probe: no flags argument */
	gw_submit(&w);
	return 0;
}

GW_EXIT(vfork)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_VFORK_20_X, 21)) return 0;
	gw_clone_params(&w, ctx->ret, 0); /* as the libs' probe: no flags argument */
	gw_submit(&w);
	return 0;
}

/* A thread ends (kernel threads are left out). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(gw_procexit, struct task_struct *p)
{
	if (BPF_CORE_READ(p, flags) & GW_PF_KTHREAD) return 0;
	struct gw_w w;
	if (!gw_begin(&w, GW_PROCEXIT_1_E, 4)) return 0;
	__s32 code = BPF_CORE_READ(p, exit_code);
	__u8 sig = code & 0x7f;
	gw_s64(&w, code);
	gw_s64(&w, (code >> 8) & 0xff);
	gw_u8(&w, sig != 0 && sig != 0x7f ? sig : 0);
	gw_u8(&w, (code & 0x80) != 0);
	gw_submit(&w);
	return 0;
}

/* ---- capture mode: every call, each with its enter event ----
 *
 * `ghostwatch capture` and `ghostwatch events` record what `sysdig -w` records: an enter event at
 * the moment each call starts (its own timestamp, so evt.latency is the call's duration) and an
 * exit event when it returns, for every call. Two programs on the raw_syscalls tracepoints, which
 * run for every call (never attached in detection mode, where that would tax every call), hand each
 * call to its own programs with a tail call: the gwe_<event> enter program below and the gw_<event>
 * exit program above (its context, the raw sys_exit record, has the result where a syscall exit
 * tracepoint's has it). A call without programs of its own is recorded as the generic syscall event
 * when every call is asked for (gw_all_syscalls).
 *
 * Each enter program emits the 2022 enter event of its call, the one sysdig 0.29.3 reads, with the
 * arguments as the exit program reads them. Its section names the x86_64 number of its call
 * (tracepoint/gw_enter/NR): the loader fills the tail-call maps from it.
 */
#include <asm/unistd_64.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, GW_SYSCALLS);
	__type(key, __u32);
	__type(value, __u32);
} gw_enters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, GW_SYSCALLS);
	__type(key, __u32);
	__type(value, __u32);
} gw_exits SEC(".maps");

/* Calls with programs of their own (1), by number; every other call is a generic event when
 * gw_all_syscalls is set. */
const volatile __u8 gw_own[GW_SYSCALLS] = {};
const volatile bool gw_all_syscalls = false;

/* The generic event of call nr; its PPM_SC id is named by user space (from nativeID). */
static __always_inline int gw_generic(__u16 type, long nr)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 2)) return 0;
	gw_u16(&w, 0);
	gw_u16(&w, nr);
	gw_submit(&w);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int gwx_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	long nr = ctx->id;
	if (nr < 0 || nr >= GW_SYSCALLS) return 0;
	bpf_tail_call(ctx, &gw_enters, nr);
	/* Reached only when the call has no enter program. */
	if (!gw_all_syscalls || gw_own[nr]) return 0;
	return gw_generic(GW_GENERIC_E, nr);
}

SEC("tracepoint/raw_syscalls/sys_exit")
int gwx_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	long nr = ctx->id;
	if (nr < 0 || nr >= GW_SYSCALLS) return 0;
	bpf_tail_call(ctx, &gw_exits, nr);
	if (!gw_all_syscalls || gw_own[nr]) return 0;
	return gw_generic(GW_GENERIC_X, nr);
}

#define GW_STR_(x) #x
#define GW_STR(x) GW_STR_(x)
#define GW_ENTER_AS(event, call) SEC("tracepoint/gw_enter/" GW_STR(__NR_##call)) int gwe_##event(struct trace_event_raw_sys_enter *ctx)
#define GW_ENTER(name) GW_ENTER_AS(name, name)

/* Enter events without parameters. */
static __always_inline int gw_enter_none(__u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 0)) return 0;
	gw_submit(&w);
	return 0;
}

/* Enter events with one parameter, the fd in argument 0. */
static __always_inline int gw_enter_fd(__u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 1)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_submit(&w);
	return 0;
}

/* Enter events with the arguments 0 to n-1 as u32 (ids). */
static __always_inline int gw_enter_u32s(__u16 type, int n)
{
	struct gw_w w;
	if (!gw_begin(&w, type, n)) return 0;
	for (int i = 0; i < n; i++) gw_u32(&w, gw_arg(i));
	gw_submit(&w);
	return 0;
}

/* Calls sysdig 0.29.3's driver recorded as generic events. */
#define GW_ENTER_GENERIC(name) GW_ENTER(name) { return gw_generic(GW_GENERIC_E, ctx->id); }

/* files */
GW_ENTER(open)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_OPEN_E, 3)) return 0;
	__u32 flags = gw_arg(1);
	gw_str(&w, GW_USTR(0), true);
	gw_u32(&w, gw_open_flags(flags));
	gw_u32(&w, gw_open_mode(flags, gw_arg(2)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(creat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_CREAT_E, 2)) return 0;
	gw_str(&w, GW_USTR(0), true);
	gw_u32(&w, gw_arg(1) & 07777);
	gw_submit(&w);
	return 0;
}

GW_ENTER(openat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_OPENAT_2_E, 4)) return 0;
	__u32 flags = gw_arg(2);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, gw_open_flags(flags));
	gw_u32(&w, gw_open_mode(flags, gw_arg(3)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(openat2)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_OPENAT2_E, 5)) return 0;
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)gw_arg(2));
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, gw_open_flags(how.flags));
	gw_u32(&w, gw_open_mode(how.flags, how.mode));
	gw_u32(&w, GW_RESOLVE_FLAGS(how.resolve));
	gw_submit(&w);
	return 0;
}

GW_ENTER_GENERIC(open_by_handle_at)

GW_ENTER(close) { return gw_enter_fd(GW_CLOSE_E); }
GW_ENTER(dup) { return gw_enter_fd(GW_DUP_E); }
GW_ENTER(dup2) { return gw_enter_fd(GW_DUP_E); }
GW_ENTER(dup3) { return gw_enter_fd(GW_DUP_E); }

GW_ENTER(fcntl)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FCNTL_E, 2)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u8(&w, gw_fcntl_cmd(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(pipe) { return gw_enter_none(GW_PIPE_E); }
GW_ENTER(pipe2) { return gw_enter_none(GW_PIPE_E); }
GW_ENTER_GENERIC(memfd_create)

static __always_inline int gw_enter_eventfd(__u32 flags)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_EVENTFD_E, 2)) return 0;
	gw_u64(&w, gw_arg(0));
	gw_u32(&w, flags);
	gw_submit(&w);
	return 0;
}

GW_ENTER(eventfd) { return gw_enter_eventfd(0); }
GW_ENTER(eventfd2) { return gw_enter_eventfd(gw_fd_flags(gw_arg(1))); }

static __always_inline int gw_enter_signalfd(__u8 flags)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SIGNALFD_E, 3)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_sigmask(gw_arg(1)));
	gw_u8(&w, flags);
	gw_submit(&w);
	return 0;
}

GW_ENTER(signalfd) { return gw_enter_signalfd(0); }
GW_ENTER(signalfd4) { return gw_enter_signalfd(gw_fd_flags(gw_arg(3))); }

GW_ENTER(timerfd_create)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_TIMERFD_CREATE_E, 2)) return 0;
	gw_u8(&w, gw_arg(0));
	gw_u8(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

static __always_inline int gw_enter_inotify(__u8 flags)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_INOTIFY_INIT_E, 1)) return 0;
	gw_u8(&w, flags);
	gw_submit(&w);
	return 0;
}

GW_ENTER(inotify_init) { return gw_enter_inotify(0); }
GW_ENTER(inotify_init1) { return gw_enter_inotify(gw_fd_flags(gw_arg(0))); }
GW_ENTER_GENERIC(epoll_create)
GW_ENTER_GENERIC(epoll_create1)
GW_ENTER(userfaultfd) { return gw_enter_none(GW_USERFAULTFD_E); }
GW_ENTER(symlink) { return gw_enter_none(GW_SYMLINK_E); }
GW_ENTER(symlinkat) { return gw_enter_none(GW_SYMLINKAT_E); }
GW_ENTER(link) { return gw_enter_none(GW_LINK_2_E); }
GW_ENTER(linkat) { return gw_enter_none(GW_LINKAT_2_E); }
GW_ENTER(unlink) { return gw_enter_none(GW_UNLINK_2_E); }
GW_ENTER(unlinkat) { return gw_enter_none(GW_UNLINKAT_2_E); }
GW_ENTER(rename) { return gw_enter_none(GW_RENAME_E); }
GW_ENTER(renameat) { return gw_enter_none(GW_RENAMEAT_E); }
GW_ENTER(renameat2) { return gw_enter_none(GW_RENAMEAT2_E); }

GW_ENTER(mkdir)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MKDIR_2_E, 1)) return 0;
	gw_u32(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_ENTER(mkdirat) { return gw_enter_none(GW_MKDIRAT_E); }
GW_ENTER(rmdir) { return gw_enter_none(GW_RMDIR_2_E); }
GW_ENTER(chmod) { return gw_enter_none(GW_CHMOD_E); }
GW_ENTER(fchmod) { return gw_enter_none(GW_FCHMOD_E); }
GW_ENTER(fchmodat) { return gw_enter_none(GW_FCHMODAT_E); }
GW_ENTER(chdir) { return gw_enter_none(GW_CHDIR_E); }
GW_ENTER(fchdir) { return gw_enter_fd(GW_FCHDIR_E); }

/* fd and size; pread/pwrite add the position */
static __always_inline int gw_enter_rw(__u16 type, __u32 size, bool pos)
{
	struct gw_w w;
	if (!gw_begin(&w, type, pos ? 3 : 2)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, size);
	if (pos) gw_u64(&w, gw_arg(3));
	gw_submit(&w);
	return 0;
}

GW_ENTER(read) { return gw_enter_rw(GW_READ_E, gw_arg(2), false); }
GW_ENTER(write) { return gw_enter_rw(GW_WRITE_E, gw_arg(2), false); }
GW_ENTER_AS(pread, pread64) { return gw_enter_rw(GW_PREAD_E, gw_arg(2), true); }
GW_ENTER_AS(pwrite, pwrite64) { return gw_enter_rw(GW_PWRITE_E, gw_arg(2), true); }
GW_ENTER(readv) { return gw_enter_fd(GW_READV_E); }
GW_ENTER(writev) { return gw_enter_rw(GW_WRITEV_E, gw_iov_size((const struct iovec *)gw_arg(1), gw_arg(2)), false); }
GW_ENTER(pwritev) { return gw_enter_rw(GW_PWRITEV_E, gw_iov_size((const struct iovec *)gw_arg(1), gw_arg(2)), true); }

GW_ENTER(preadv)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PREADV_E, 2)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u64(&w, gw_arg(3));
	gw_submit(&w);
	return 0;
}

/* memory, stat, seeks, signals, ids */
GW_ENTER(brk)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_BRK_4_E, 1)) return 0;
	gw_u64(&w, gw_arg(0));
	gw_submit(&w);
	return 0;
}

GW_ENTER(mmap)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MMAP_E, 6)) return 0;
	gw_u64(&w, gw_arg(0));
	gw_u64(&w, gw_arg(1));
	gw_u32(&w, gw_prot_flags(gw_arg(2)));
	gw_u32(&w, gw_mmap_flags(gw_arg(3)));
	gw_s64(&w, GW_FD_ARG(4));
	gw_u64(&w, gw_arg(5));
	gw_submit(&w);
	return 0;
}

GW_ENTER(munmap)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MUNMAP_E, 2)) return 0;
	gw_u64(&w, gw_arg(0));
	gw_u64(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_ENTER(mprotect)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_MPROTECT_E, 3)) return 0;
	gw_u64(&w, gw_arg(0));
	gw_u64(&w, gw_arg(1));
	gw_u32(&w, gw_prot_flags(gw_arg(2)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(fstat) { return gw_enter_fd(GW_FSTAT_E); }
GW_ENTER(stat) { return gw_enter_none(GW_STAT_E); }
GW_ENTER(lstat) { return gw_enter_none(GW_LSTAT_E); }

GW_ENTER(access)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_ACCESS_E, 1)) return 0;
	gw_u32(&w, GW_ACCESS_MODE(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(lseek)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_LSEEK_E, 3)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u64(&w, gw_arg(1));
	gw_u8(&w, GW_LSEEK_WHENCE(gw_arg(2)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(ioctl)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_IOCTL_3_E, 3)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u64(&w, gw_arg(1));
	gw_u64(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_ENTER(getcwd) { return gw_enter_none(GW_GETCWD_E); }
GW_ENTER(getdents) { return gw_enter_fd(GW_GETDENTS_E); }
GW_ENTER(getdents64) { return gw_enter_fd(GW_GETDENTS64_E); }

/* kill/tkill/tgkill: the pid or tid arguments, then the signal */
static __always_inline int gw_enter_kill(__u16 type, int ids)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 1 + ids)) return 0;
	gw_s64(&w, (__s32)gw_arg(0));
	if (ids == 2) gw_s64(&w, (__s32)gw_arg(1));
	gw_u8(&w, gw_arg(ids));
	gw_submit(&w);
	return 0;
}

GW_ENTER(kill) { return gw_enter_kill(GW_KILL_E, 1); }
GW_ENTER(tkill) { return gw_enter_kill(GW_TKILL_E, 1); }
GW_ENTER(tgkill) { return gw_enter_kill(GW_TGKILL_E, 2); }

GW_ENTER(nanosleep)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_NANOSLEEP_E, 1)) return 0;
	gw_u64(&w, gw_timespec_ns(gw_arg(0)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(futex)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FUTEX_E, 3)) return 0;
	gw_u64(&w, gw_arg(0));
	gw_u16(&w, gw_futex_op(gw_arg(1)));
	gw_u64(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_ENTER(epoll_wait)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_EPOLL_WAIT_E, 1)) return 0;
	gw_s64(&w, (__s32)gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_ENTER(select) { return gw_enter_none(GW_SELECT_E); }

GW_ENTER(flock)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_FLOCK_E, 2)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, GW_FLOCK_OP(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(sendfile)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SENDFILE_E, 4)) return 0;
	__u64 offset = 0;
	if (gw_arg(2)) bpf_probe_read_user(&offset, sizeof(offset), (void *)gw_arg(2));
	gw_s64(&w, GW_FD_ARG(0));
	gw_s64(&w, GW_FD_ARG(1));
	gw_u64(&w, offset);
	gw_u64(&w, gw_arg(3));
	gw_submit(&w);
	return 0;
}

GW_ENTER(splice)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SPLICE_E, 4)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_s64(&w, GW_FD_ARG(2));
	gw_u64(&w, gw_arg(4));
	gw_u32(&w, GW_SPLICE_FLAGS(gw_arg(5)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(getuid) { return gw_enter_none(GW_GETUID_E); }
GW_ENTER(geteuid) { return gw_enter_none(GW_GETEUID_E); }
GW_ENTER(getgid) { return gw_enter_none(GW_GETGID_E); }
GW_ENTER(getegid) { return gw_enter_none(GW_GETEGID_E); }
GW_ENTER(getresuid) { return gw_enter_none(GW_GETRESUID_E); }
GW_ENTER(getresgid) { return gw_enter_none(GW_GETRESGID_E); }

/* network */
static __always_inline int gw_enter_socket(__u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 3)) return 0;
	gw_u32(&w, gw_arg(0));
	gw_u32(&w, gw_arg(1));
	gw_u32(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_ENTER(socket) { return gw_enter_socket(GW_SOCKET_E); }
GW_ENTER(socketpair) { return gw_enter_socket(GW_SOCKETPAIR_E); }
GW_ENTER(bind) { return gw_enter_fd(GW_BIND_E); }

GW_ENTER(listen)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_LISTEN_E, 2)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_ENTER(connect)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_CONNECT_E, 2)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_sockaddr(&w, gw_arg(1), gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_ENTER(shutdown)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SHUTDOWN_E, 2)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u8(&w, gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_ENTER(getsockname) { return gw_enter_none(GW_GETSOCKNAME_E); }
GW_ENTER(getpeername) { return gw_enter_none(GW_GETPEERNAME_E); }
GW_ENTER(accept) { return gw_enter_none(GW_ACCEPT_5_E); }

GW_ENTER(accept4)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_ACCEPT4_5_E, 1)) return 0;
	gw_s32(&w, gw_fd_flags(gw_arg(3)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(sendto)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SENDTO_E, 3)) return 0;
	__s64 fd = GW_FD_ARG(0);
	gw_s64(&w, fd);
	gw_u32(&w, gw_arg(2));
	gw_socktuple(&w, fd, true, gw_arg(4));
	gw_submit(&w);
	return 0;
}

GW_ENTER(recvfrom) { return gw_enter_rw(GW_RECVFROM_E, gw_arg(2), false); }

GW_ENTER(sendmsg)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SENDMSG_E, 3)) return 0;
	__s64 fd = GW_FD_ARG(0);
	struct user_msghdr msg = {};
	bool have = bpf_probe_read_user(&msg, sizeof(msg), (void *)gw_arg(1)) == 0;
	gw_s64(&w, fd);
	if (have) gw_u32(&w, gw_iov_size(msg.msg_iov, msg.msg_iovlen));
	else gw_empty(&w);
	if (have) gw_socktuple(&w, fd, true, (unsigned long)msg.msg_name);
	else gw_empty(&w);
	gw_submit(&w);
	return 0;
}

GW_ENTER(recvmsg) { return gw_enter_fd(GW_RECVMSG_E); }

/* credentials, limits, namespaces */
GW_ENTER(setuid) { return gw_enter_u32s(GW_SETUID_E, 1); }
GW_ENTER(setgid) { return gw_enter_u32s(GW_SETGID_E, 1); }
GW_ENTER_GENERIC(setreuid)
GW_ENTER_GENERIC(setregid)
GW_ENTER(setresuid) { return gw_enter_u32s(GW_SETRESUID_E, 3); }
GW_ENTER(setresgid) { return gw_enter_u32s(GW_SETRESGID_E, 3); }

static __always_inline int gw_enter_rlimit(__u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 1)) return 0;
	gw_u8(&w, gw_rlimit_resource(gw_arg(0)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(getrlimit) { return gw_enter_rlimit(GW_GETRLIMIT_E); }
GW_ENTER(setrlimit) { return gw_enter_rlimit(GW_SETRLIMIT_E); }

GW_ENTER_AS(prlimit, prlimit64)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PRLIMIT_E, 2)) return 0;
	gw_s64(&w, (__s32)gw_arg(0));
	gw_u8(&w, gw_rlimit_resource(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_ENTER_GENERIC(pidfd_open)
GW_ENTER_GENERIC(pidfd_getfd)

GW_ENTER(setns)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SETNS_E, 2)) return 0;
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_clone_flags(gw_arg(1)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(unshare)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_UNSHARE_E, 1)) return 0;
	gw_u32(&w, gw_clone_flags(gw_arg(0)));
	gw_submit(&w);
	return 0;
}

GW_ENTER(bpf)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_BPF_2_E, 1)) return 0;
	gw_s64(&w, (__s32)gw_arg(0));
	gw_submit(&w);
	return 0;
}

GW_ENTER_GENERIC(init_module)
GW_ENTER_GENERIC(finit_module)
GW_ENTER(chroot) { return gw_enter_none(GW_CHROOT_E); }
GW_ENTER(setsid) { return gw_enter_none(GW_SETSID_E); }

GW_ENTER(setpgid)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SETPGID_E, 2)) return 0;
	gw_s64(&w, (__s32)gw_arg(0));
	gw_s64(&w, (__s32)gw_arg(1));
	gw_submit(&w);
	return 0;
}

GW_ENTER_GENERIC(capset)

GW_ENTER(ptrace)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_PTRACE_E, 2)) return 0;
	gw_u16(&w, gw_ptrace_request(gw_arg(0)));
	gw_s64(&w, (__s32)gw_arg(1));
	gw_submit(&w);
	return 0;
}

/* processes */
GW_ENTER(execve)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_EXECVE_19_E, 1)) return 0;
	gw_str(&w, GW_USTR(0), true);
	gw_submit(&w);
	return 0;
}

/* AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW in scap bits. */
GW_ENTER(execveat)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_EXECVEAT_E, 3)) return 0;
	__u32 flags = gw_arg(4);
	gw_s64(&w, GW_FD_ARG(0));
	gw_str(&w, GW_USTR(1), true);
	gw_u32(&w, ((flags & 0x1000) ? 1 : 0) | ((flags & 0x100) ? 2 : 0));
	gw_submit(&w);
	return 0;
}

GW_ENTER(clone) { return gw_enter_none(GW_CLONE_20_E); }
GW_ENTER(clone3) { return gw_enter_none(GW_CLONE3_E); }
GW_ENTER(fork) { return gw_enter_none(GW_FORK_20_E); }
GW_ENTER(vfork) { return gw_enter_none(GW_VFORK_20_E); }
