/* Files and their paths, read from the kernel's structures.
 *
 * bpf_d_path() is not allowed in tracepoint programs, so a path is rebuilt by walking the dentries
 * up to the mount's root, crossing mount points, with a bounded number of components. The
 * components are written backwards into the scratch slot's path area, then copied as one string
 * parameter. Like d_path it has no lock: a rename during the walk can give a mixed path.
 */
#ifndef GW_PATH_H
#define GW_PATH_H

#include "writer.h"

#define GW_PATH_COMPONENTS 48

/* The file behind one of the current task's fds, NULL when there is none. Plain loads through the
 * task's BTF pointers (cheaper than a read helper per step): only the fd array's slot needs one. */
static __always_inline struct file *gw_fd_file(__s64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	if (!fdt || fd < 0 || fd >= fdt->max_fds) return NULL;
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fdt->fd[fd]);
	return f;
}

/* Device numbers as scap encodes them (the old 32-bit layout of new_encode_dev). */
static __always_inline __u32 gw_encode_dev(__u32 dev)
{
	__u32 major = dev >> 20, minor = dev & ((1U << 20) - 1);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

/* Which overlayfs layer a file is from: 0 not overlay, 1 upper, 2 lower. */
static __always_inline int gw_overlay_layer(struct file *f)
{
	struct dentry *dentry = BPF_CORE_READ(f, f_path.dentry);
	if (BPF_CORE_READ(dentry, d_sb, s_magic) != GW_OVERLAYFS_SUPER_MAGIC) return 0;
	/* An overlay inode is embedded in struct ovl_inode, followed by its upper dentry pointer. */
	char *inode = (char *)BPF_CORE_READ(dentry, d_inode);
	unsigned long inode_size = bpf_core_type_size(struct inode);
	struct dentry *upper = NULL;
	bpf_probe_read_kernel(&upper, sizeof(upper), inode + inode_size);
	if (upper && BPF_CORE_READ(upper, d_inode, i_ino) != 0) return 1;
	return 2;
}

/* An executable that only exists in memory: a memfd is its own parent and named "memfd:...". */
static __always_inline bool gw_is_memfd(struct file *f)
{
	struct dentry *dentry = BPF_CORE_READ(f, f_path.dentry);
	if (!dentry || BPF_CORE_READ(dentry, d_parent) != dentry) return false;
	char name[7] = {};
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name));
	return name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
	       name[5] == ':';
}

/* The walk's state, shared with the bpf_loop callback (a loop the verifier checks once, instead
 * of once per component as an unrolled or bounded loop would need). */
struct gw_walk {
	struct dentry *dentry;
	struct mount *mnt;
	struct mount *mnt_parent;
	struct dentry *mnt_root;
	__u32 off; /* start of the path written so far, in the path area */
	__u32 cpu;
};

static long gw_walk_step(__u32 i, struct gw_walk *k)
{
	/* (locals: CO-RE reads must not go through this struct's fields) */
	struct dentry *dentry = k->dentry;
	struct mount *mnt = k->mnt, *mnt_parent = k->mnt_parent;
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == k->mnt_root || dentry == parent) {
		if (dentry != k->mnt_root || mnt == mnt_parent) return 1; /* the root, or a detached tree */
		/* The root of a mounted filesystem: continue from where it is mounted. */
		k->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		k->mnt = mnt_parent;
		k->mnt_parent = BPF_CORE_READ(mnt_parent, mnt_parent);
		k->mnt_root = BPF_CORE_READ(mnt_parent, mnt.mnt_root);
		return 0;
	}
	struct qstr name = {};
	bpf_core_read(&name, sizeof(name), &dentry->d_name);
	__u32 len = name.len;
	if (len == 0 || len >= GW_NAME_MAX || len + 1 > k->off) return 1;
	__u8 *d = bpf_map_lookup_elem(&gw_scratch, &k->cpu);
	if (!d) return 1;
	__u8 *p = &d[GW_PATH_AREA];
	__u32 off = k->off - len;
	bpf_probe_read_kernel(&p[off & (GW_PATH_MAX - 1)], len & (GW_NAME_MAX - 1), name.name);
	off -= 1;
	p[off & (GW_PATH_MAX - 1)] = '/';
	k->off = off;
	k->dentry = parent;
	return 0;
}

/* The path of a struct path as a string parameter. */
static __always_inline void gw_path(struct gw_w *w, struct path *path)
{
	struct dentry *dentry = BPF_CORE_READ(path, dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(path, mnt);
	if (!dentry || !vfsmnt) {
		gw_empty(w);
		return;
	}
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct gw_walk k = {
		.dentry = dentry,
		.mnt = mnt,
		.mnt_parent = BPF_CORE_READ(mnt, mnt_parent),
		.mnt_root = BPF_CORE_READ(vfsmnt, mnt_root),
		.off = GW_PATH_MAX,
		.cpu = w->cpu,
	};
	__u8 *p = &w->d[GW_PATH_AREA];
	p[GW_PATH_MAX] = 0;
	bpf_loop(GW_PATH_COMPONENTS, gw_walk_step, &k, 0);

	if (k.off >= GW_PATH_MAX) {
		/* Nothing above it: the root ("/"), or a file with no place in a tree (a memfd). */
		dentry = k.dentry;
		gw_str(w, BPF_CORE_READ(dentry, d_name.name), false);
		return;
	}
	gw_str(w, &p[k.off & (GW_PATH_MAX - 1)], false);
}

static __always_inline void gw_file_path(struct gw_w *w, struct file *f)
{
	if (!f) {
		gw_empty(w);
		return;
	}
	gw_path(w, (struct path *)&f->f_path);
}

#endif
