/* Facts about a task: ids in and out of its pid namespace, credentials, capabilities, memory,
 * terminal, cgroups and executable, as the process parameters of execve and clone carry them.
 * Fields that moved between kernel versions are read through CO-RE flavors.
 */
#ifndef GW_TASK_H
#define GW_TASK_H

#include "path.h"

struct kernel_cap_struct___old {
	__u32 cap[2];
} __attribute__((preserve_access_index));

struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

struct inode___old {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline struct task_struct *gw_task(void)
{
	return (struct task_struct *)bpf_get_current_task_btf();
}

/* A pid (PIDTYPE_*) of the task as its own pid namespace sees it. */
static __always_inline __s64 gw_vnr(struct task_struct *t, enum pid_type type)
{
	struct pid *pid = type == PIDTYPE_PID ? BPF_CORE_READ(t, thread_pid) : BPF_CORE_READ(t, signal, pids[type]);
	if (!pid) return 0;
	unsigned int level = BPF_CORE_READ(pid, level);
	return BPF_CORE_READ(pid, numbers[level].nr);
}

/* A pid of the task in the initial namespace (process group, session). */
static __always_inline __s64 gw_nr(struct task_struct *t, enum pid_type type)
{
	struct pid *pid = BPF_CORE_READ(t, signal, pids[type]);
	return pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
}

/* True when the task lives in a pid namespace other than the initial one. */
static __always_inline bool gw_in_child_pidns(struct task_struct *t)
{
	return BPF_CORE_READ(t, thread_pid, level) != 0;
}

static __always_inline __u64 gw_cap(kernel_cap_t *c)
{
	if (bpf_core_field_exists(((struct kernel_cap_struct___old *)0)->cap)) {
		struct kernel_cap_struct___old old = {};
		bpf_core_read(&old, sizeof(old), c);
		return GW_CAPS(((__u64)old.cap[1] << 32) | old.cap[0]);
	}
	__u64 v = 0;
	bpf_core_read(&v, sizeof(v), &c->val);
	return GW_CAPS(v);
}

static __always_inline __u64 gw_cap_inheritable(struct task_struct *t)
{
	const struct cred *cred = BPF_CORE_READ(t, cred);
	return gw_cap((kernel_cap_t *)&cred->cap_inheritable);
}
static __always_inline __u64 gw_cap_permitted(struct task_struct *t)
{
	const struct cred *cred = BPF_CORE_READ(t, cred);
	return gw_cap((kernel_cap_t *)&cred->cap_permitted);
}
static __always_inline __u64 gw_cap_effective(struct task_struct *t)
{
	const struct cred *cred = BPF_CORE_READ(t, cred);
	return gw_cap((kernel_cap_t *)&cred->cap_effective);
}

/* Memory in KiB. */
static __always_inline __u32 gw_vm_size(struct mm_struct *mm)
{
	return mm ? BPF_CORE_READ(mm, total_vm) << 2 : 0;
}

static __always_inline __s64 gw_rss_counter(struct mm_struct *mm, int member)
{
	if (bpf_core_field_exists(((struct mm_struct___old *)0)->rss_stat.count))
		return BPF_CORE_READ((struct mm_struct___old *)mm, rss_stat.count[member].counter);
	return BPF_CORE_READ(mm, rss_stat[member].count);
}

static __always_inline __u32 gw_vm_rss(struct mm_struct *mm)
{
	if (!mm) return 0;
	__s64 pages = gw_rss_counter(mm, MM_FILEPAGES) + gw_rss_counter(mm, MM_ANONPAGES) +
		      gw_rss_counter(mm, MM_SHMEMPAGES);
	return pages > 0 ? pages << 2 : 0;
}

static __always_inline __u32 gw_vm_swap(struct mm_struct *mm)
{
	if (!mm) return 0;
	__s64 pages = gw_rss_counter(mm, MM_SWAPENTS);
	return pages > 0 ? pages << 2 : 0;
}

/* The controlling terminal as a device number (0: none). */
static __always_inline __u32 gw_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	if (!tty) return 0;
	struct tty_driver *driver = BPF_CORE_READ(tty, driver);
	if (!driver) return 0;
	__u32 major = BPF_CORE_READ(driver, major);
	__u32 minor = BPF_CORE_READ(driver, minor_start) + BPF_CORE_READ(tty, index);
	return gw_encode_dev((major << 20) | minor);
}

static __always_inline __u32 gw_loginuid(struct task_struct *t)
{
	if (bpf_core_field_exists(t->loginuid)) return BPF_CORE_READ(t, loginuid.val);
	return (__u32)-1;
}

#define GW_NSEC_MASK ((1U << 30) - 1)

static __always_inline __u64 gw_epoch_ns(struct timespec64 ts)
{
	return ts.tv_sec < 0 ? 0 : ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __always_inline __u64 gw_inode_ctime(struct inode *i)
{
	if (bpf_core_field_exists(((struct inode___old *)0)->i_ctime))
		return gw_epoch_ns(BPF_CORE_READ((struct inode___old *)i, i_ctime));
	/* The top bits of the nanoseconds are flags (multigrain timestamps: I_CTIME_QUERIED). */
	struct timespec64 ts = {.tv_sec = BPF_CORE_READ(i, i_ctime_sec), .tv_nsec = BPF_CORE_READ(i, i_ctime_nsec) & GW_NSEC_MASK};
	return gw_epoch_ns(ts);
}

static __always_inline __u64 gw_inode_mtime(struct inode *i)
{
	if (bpf_core_field_exists(((struct inode___old *)0)->i_mtime))
		return gw_epoch_ns(BPF_CORE_READ((struct inode___old *)i, i_mtime));
	struct timespec64 ts = {.tv_sec = BPF_CORE_READ(i, i_mtime_sec), .tv_nsec = BPF_CORE_READ(i, i_mtime_nsec) & GW_NSEC_MASK};
	return gw_epoch_ns(ts);
}

/* Whether the task could write its own executable: its owner, a group or other write bit that
 * applies, or the capability to override file permissions (supplementary groups and ACLs are not
 * looked at). */
static __always_inline bool gw_exe_writable(struct task_struct *t, struct inode *inode)
{
	if (!inode) return false;
	umode_t mode = BPF_CORE_READ(inode, i_mode);
	if ((BPF_CORE_READ(inode, i_sb, s_flags) & GW_SB_RDONLY) != 0) return false;
	if ((BPF_CORE_READ(inode, i_flags) & GW_S_IMMUTABLE) != 0) return false;
	__u32 uid = BPF_CORE_READ(inode, i_uid.val), gid = BPF_CORE_READ(inode, i_gid.val);
	__u32 fsuid = BPF_CORE_READ(t, cred, fsuid.val), fsgid = BPF_CORE_READ(t, cred, fsgid.val);
	if (fsuid == uid) return true;
	if (fsgid == gid ? (mode & 0020) : (mode & 0002)) return true;
	__u64 eff = gw_cap_effective(t);
	return (eff & (1ULL << GW_CAP_DAC_OVERRIDE)) != 0 || (eff & (1ULL << GW_CAP_FOWNER)) != 0;
}

/* The execve flags parameter: writable, overlay layer, run from a memfd. */
static __always_inline __u32 gw_exe_flags(struct task_struct *t, struct file *exe)
{
	if (!exe) return 0;
	__u32 flags = 0;
	if (gw_exe_writable(t, BPF_CORE_READ(exe, f_inode))) flags |= PPM_EXE_WRITABLE;
	int layer = gw_overlay_layer(exe);
	if (layer == 1) flags |= PPM_EXE_UPPER_LAYER;
	else if (layer == 2) flags |= PPM_EXE_LOWER_LAYER;
	if (gw_is_memfd(exe)) flags |= PPM_EXE_FROM_MEMFD;
	return flags;
}

/* "exe" and "args": the process's first argument, then the others as one NUL-separated block,
 * read from its argument area. */
static __always_inline void gw_exe_args(struct gw_w *w, struct task_struct *t)
{
	unsigned long start = BPF_CORE_READ(t, mm, arg_start), end = BPF_CORE_READ(t, mm, arg_end);
	if (start == 0 || end <= start) {
		gw_empty(w);
		gw_empty(w);
		return;
	}
	__u32 exe = gw_str(w, (void *)start, true);
	gw_user_block(w, start + exe, end - start > exe ? end - start - exe : 0);
}

/* "env": the environment block. */
static __always_inline void gw_env(struct gw_w *w, struct task_struct *t)
{
	unsigned long start = BPF_CORE_READ(t, mm, env_start), end = BPF_CORE_READ(t, mm, env_end);
	gw_user_block(w, start, end > start ? end - start : 0);
}

#define GW_CGROUP_DEPTH 8

static __always_inline struct kernfs_node *gw_kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(((struct kernfs_node___old *)0)->parent))
		return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
	return BPF_CORE_READ(kn, __parent);
}

/* One "subsystem=/path" entry of the cgroups parameter; returns the bytes written. */
static __always_inline __u32 gw_cgroup(struct gw_w *w, struct task_struct *t, int id)
{
	struct cgroup_subsys_state *css = BPF_CORE_READ(t, cgroups, subsys[id]);
	if (!css) return 0;
	__u32 n = gw_raw_str(w, BPF_CORE_READ(css, ss, name), false);
	if (n == 0) return 0;
	w->d[(w->pos - 1) & GW_REC_MASK] = '='; /* over the name's NUL */

	/* Collect the path's components from the leaf up, then write them root first. */
	const char *names[GW_CGROUP_DEPTH] = {};
	struct kernfs_node *kn = BPF_CORE_READ(css, cgroup, kn);
	int depth = 0;
	for (int i = 0; i < GW_CGROUP_DEPTH; i++) {
		struct kernfs_node *parent = kn ? gw_kn_parent(kn) : NULL;
		if (!parent) break; /* the root's own name is empty */
		names[i] = BPF_CORE_READ(kn, name);
		depth = i + 1;
		kn = parent;
	}
	if (depth == 0) {
		gw_raw_u8(w, '/');
		gw_raw_u8(w, 0);
		return n + 2;
	}
	for (int i = GW_CGROUP_DEPTH - 1; i >= 0; i--) {
		if (i >= depth) continue;
		gw_raw_u8(w, '/');
		__u32 m = gw_raw_str(w, names[i & (GW_CGROUP_DEPTH - 1)], false);
		if (m > 0) w->pos -= 1; /* drop the NUL: another component or the final NUL follows */
		n += 1 + (m > 0 ? m - 1 : 0);
	}
	gw_raw_u8(w, 0);
	return n + 1;
}

/* "cgroups": the cgroup of each subsystem sinsp looks at, as NUL-separated "subsystem=/path". */
static __always_inline void gw_cgroups(struct gw_w *w, struct task_struct *t)
{
	__u32 n = 0;
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuset_cgrp_id))
		n += gw_cgroup(w, t, bpf_core_enum_value(enum cgroup_subsys_id, cpuset_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id))
		n += gw_cgroup(w, t, bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuacct_cgrp_id))
		n += gw_cgroup(w, t, bpf_core_enum_value(enum cgroup_subsys_id, cpuacct_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, io_cgrp_id))
		n += gw_cgroup(w, t, bpf_core_enum_value(enum cgroup_subsys_id, io_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		n += gw_cgroup(w, t, bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id));
	gw_len(w, n);
}

#endif
