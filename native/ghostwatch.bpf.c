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
 * Program names: gw_<event> for what the loader can be asked for, gwx_* for the helpers it attaches
 * along with them.
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
	struct gw_w w;
	if (!gw_begin(&w, GW_OPEN_X, 6)) return 0;
	long fd = ctx->ret;
	__u32 flags = gw_arg(1);
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
	struct gw_w w;
	if (!gw_begin(&w, GW_OPENAT_2_X, 7)) return 0;
	long fd = ctx->ret;
	__u32 flags = gw_arg(2);
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
	struct gw_w w;
	if (!gw_begin(&w, GW_OPENAT2_X, 8)) return 0;
	long fd = ctx->ret;
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)gw_arg(2));
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
	return gw_res_fd(ctx, GW_CLOSE_X);
}

GW_EXIT(dup)
{
	return gw_res_fd(ctx, GW_DUP_1_X);
}

GW_EXIT(dup2)
{
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

/* read/write: only which fd and how much; the data is never copied. */
static __always_inline int gw_rw(struct syscall_trace_exit *ctx, __u16 type)
{
	struct gw_w w;
	if (!gw_begin(&w, type, 4)) return 0;
	gw_s64(&w, ctx->ret);
	gw_empty(&w);
	gw_s64(&w, GW_FD_ARG(0));
	gw_u32(&w, gw_arg(2));
	gw_submit(&w);
	return 0;
}

GW_EXIT(read)
{
	return gw_rw(ctx, GW_READ_X);
}

GW_EXIT(write)
{
	return gw_rw(ctx, GW_WRITE_X);
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

/* Datagram I/O: which fd, how much and the peer; the data is never copied. The tuple is what
 * names an unconnected UDP socket's peer (fd.name), so it comes from the address the caller gave
 * (sendto/sendmsg) or received (recvfrom/recvmsg) when the socket has no peer of its own. */
GW_EXIT(sendto)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SENDTO_X, 5)) return 0;
	long res = ctx->ret;
	__s64 fd = GW_FD_ARG(0);
	gw_s64(&w, res);
	gw_empty(&w);
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
	gw_empty(&w);
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

GW_EXIT(sendmsg)
{
	struct gw_w w;
	if (!gw_begin(&w, GW_SENDMSG_X, 5)) return 0;
	long res = ctx->ret;
	__s64 fd = GW_FD_ARG(0);
	struct user_msghdr msg = {};
	bool have = bpf_probe_read_user(&msg, sizeof(msg), (void *)gw_arg(1)) == 0;
	gw_s64(&w, res);
	gw_empty(&w);
	gw_s64(&w, fd);
	if (have) gw_u32(&w, gw_iov_size(msg.msg_iov, msg.msg_iovlen));
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
		gw_empty(&w);
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
