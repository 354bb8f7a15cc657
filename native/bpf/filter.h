/* In-kernel filtering of opens (detection mode): an open that no loaded rule can match is not sent.
 *
 * ghostwatch derives, from its rules, what an open must have to be able to match one of them
 * (src/engine/kernel-filter.ts): a few clauses per open call, each a conjunction of
 *   - open flags: each non-zero mask of the clause must share a bit with the event's (scap) flags;
 *   - a path: one of a set of prefixes (an LPM trie) or suffixes (a hash per suffix length);
 *   - a command name: one of a set of comms.
 * An open passes when some clause holds. These checks are only sound on a path that is its own
 * normal form, so every other path passes: relative paths, paths with "//", "/." (which also
 * covers "." and ".." components and every dot file) or "..", a trailing '/', and paths longer
 * than GW_FILTER_PATH. Opens of directories always pass (fchdir and *at calls resolve paths
 * through them). A command name check is skipped for a thread renamed since its exec (prctl
 * PR_SET_NAME, /proc/.../comm): ghostwatch's proc.name is the name at exec or clone.
 *
 * The state stays exact: the fd of a filtered open is unknown to user space, so its close is not
 * sent either. The fd is remembered at the filtered open (gw_hidden, a bit per fd of the process),
 * and forgotten when user space is told of a file on it (a sent open, dup2/dup3 onto it), when a
 * close_range closes it (close's helper, gwx_close_range), and at an exec (which closes the
 * close-on-exec fds unseen). A close of a remembered fd is not sent; any other close is, and user
 * space ignores one of an fd it does not know. Any later use of a kept-back fd shows it as unknown,
 * as after a drop.
 *
 * The loader fills these maps (loader.c, "filter" command); an inactive slot passes everything.
 */
#ifndef GW_FILTER_H
#define GW_FILTER_H

#include "../events.h"
#include "writer.h"
#include "path.h"

/* The calls filtered, by slot: open, openat, openat2. */
#define GW_FILTER_SLOT_OPEN 0
#define GW_FILTER_SLOT_OPENAT 1
#define GW_FILTER_SLOT_OPENAT2 2

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GW_FILTER_SLOTS);
	__type(key, __u32);
	__type(value, struct gw_filter);
} gw_filters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, GW_FILTER_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gw_prefix_key);
	__type(value, __u64);
} gw_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GW_FILTER_ENTRIES);
	__type(key, struct gw_suffix_key);
	__type(value, __u64);
} gw_suffixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GW_FILTER_ENTRIES);
	__type(key, struct gw_comm_key);
	__type(value, __u64);
} gw_comms SEC(".maps");

/* The kept-back fds of a process (a bit per fd below GW_HIDDEN_FDS), on its group leader: task
 * storage, which the kernel frees with the task, so a pid used again starts with none. A kept-back
 * fd above them is not remembered: its close is sent. */
#define GW_HIDDEN_FDS 4096
struct gw_hidden_fds {
	__u64 bits[GW_HIDDEN_FDS / 64];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct gw_hidden_fds);
} gw_hidden SEC(".maps");

/* Per thread: the clauses its command name satisfies, per slot, as of the filter's version then
 * (the name changes only at an exec, which drops them, or by a rename); renamed since its exec. */
struct gw_thread_filter {
	__u32 version[GW_FILTER_SLOTS];
	__u64 comm[GW_FILTER_SLOTS];
	__u32 renamed;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct gw_thread_filter);
} gw_threads SEC(".maps");

/* The word of fd's bit (fd is below GW_HIDDEN_FDS). */
static __always_inline __u32 gw_fd_word(long fd)
{
	return ((__u64)fd >> 6) & (GW_HIDDEN_FDS / 64 - 1);
}

static __always_inline struct gw_hidden_fds *gw_hidden_fds(bool create)
{
	return bpf_task_storage_get(&gw_hidden, gw_task()->group_leader, 0, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* fd is no longer a kept-back one: it was closed, or user space is told of a file on it (an open
 * sent, dup2/dup3 onto it). True when it was kept back. */
static __always_inline bool gw_forget_fd(long fd)
{
	if (fd < 0 || fd >= GW_HIDDEN_FDS) return false;
	struct gw_hidden_fds *h = gw_hidden_fds(false);
	__u64 bit = 1ULL << (fd & 63);
	if (!h || !(h->bits[gw_fd_word(fd)] & bit)) return false;
	__sync_fetch_and_and(&h->bits[gw_fd_word(fd)], ~bit);
	return true;
}

struct gw_fd_range {
	struct gw_hidden_fds *h;
	__u64 first, last;
};

/* Clears the range's bits in its i-th word from the first's (a bpf_loop callback). */
static long gw_forget_word(__u32 i, void *ctx)
{
	struct gw_fd_range *r = ctx;
	__u64 w = (r->first >> 6) + i, lo = w * 64, hi = lo + 63;
	__u64 closed = ~0ULL;
	if (r->first > lo) closed &= ~0ULL << (r->first - lo);
	if (r->last < hi) closed &= ~0ULL >> (hi - r->last);
	__sync_fetch_and_and(&r->h->bits[w & (GW_HIDDEN_FDS / 64 - 1)], ~closed);
	return 0;
}

/* gw_forget_fd for the fds first to last (close_range). */
static __always_inline void gw_forget_fds(__u64 first, __u64 last)
{
	struct gw_fd_range r = {.h = gw_hidden_fds(false), .first = first, .last = last};
	if (!r.h || first >= GW_HIDDEN_FDS || last < first) return;
	if (r.last >= GW_HIDDEN_FDS) r.last = GW_HIDDEN_FDS - 1;
	bpf_loop((r.last >> 6) - (first >> 6) + 1, gw_forget_word, &r, 0);
}

/* Room for the lookup keys (too large for the stack). */
struct gw_filter_scratch {
	struct gw_prefix_key prefix;
	struct gw_suffix_key suffix;
	struct gw_comm_key comm;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gw_filter_scratch);
} gw_filter_scratch SEC(".maps");

static __always_inline void gw_count_filtered(__u16 type)
{
	__u32 idx = bpf_get_smp_processor_id() * GW_EVENT_TYPES + (type & (GW_EVENT_TYPES - 1));
	struct gw_counter *c = bpf_map_lookup_elem(&gw_counters, &idx);
	if (c) c->filtered++;
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

static __always_inline bool gw_is_directory(struct file *f)
{
	if (!f) return false;
	struct file *file = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
	return (file->f_inode->i_mode & GW_S_IFMT) == GW_S_IFDIR;
}

/* Whether the path (len bytes in path, the bytes after it zero) is in normal form: it starts with
 * '/', does not end with one, and has no "//", "/." or "..". Eight bytes at a time: a byte equal to
 * c is found as a zero byte of the word XOR c, and a pair as a '/' byte followed by a '/' or '.'.
 * The zeros after the path are neither. */
#define GW_ONES 0x0101010101010101ULL
/* The offset of an 8-byte word of path[]. */
#define GW_FILTER_WORDS (GW_FILTER_PATH - 8)
#define GW_HIGHS 0x8080808080808080ULL
static __always_inline __u64 gw_bytes_equal(__u64 w, __u8 c)
{
	__u64 x = w ^ (GW_ONES * c);
	/* The high bit of each zero byte of x, exactly (no borrow between bytes). */
	return ~(((x & ~GW_HIGHS) + ~GW_HIGHS) | x | ~GW_HIGHS);
}

struct gw_path_walk {
	const __u8 *path;
	__u32 len;
	__u64 carry_slash, carry_dot; /* the previous word's last byte */
	bool bad;
};

/* One 8-byte word of the path (a bpf_loop callback: the verifier checks it once). */
static long gw_normal_word(__u32 i, void *ctx)
{
	struct gw_path_walk *k = ctx;
	if (i * 8 >= k->len || i >= GW_FILTER_PATH / 8) return 1;
	__u64 w = *(const __u64 *)&k->path[(i * 8) & GW_FILTER_WORDS];
	__u64 slash = gw_bytes_equal(w, '/'), dot = gw_bytes_equal(w, '.');
	/* Byte k+1 after byte k is the next byte up (little-endian): shift the first of the pair up. */
	__u64 after_slash = (slash << 8) | k->carry_slash, after_dot = (dot << 8) | k->carry_dot;
	if ((after_slash & (slash | dot)) || (after_dot & dot)) {
		k->bad = true;
		return 1;
	}
	k->carry_slash = slash >> 56;
	k->carry_dot = dot >> 56;
	return 0;
}

static __always_inline bool gw_normal_path(const __u8 *path, __u32 len)
{
	if (len == 0 || path[0] != '/' || path[(len - 1) & (GW_FILTER_PATH - 1)] == '/') return false;
	struct gw_path_walk k = {.path = path, .len = len};
	bpf_loop((len + 7) / 8, gw_normal_word, &k, 0);
	return !k.bad;
}

/* The command-name clauses the current thread satisfies in this slot: looked up once per thread
 * and filter version. A thread renamed since its exec satisfies them all. */
static __always_inline __u64 gw_comm_clauses(struct gw_filter *f, struct gw_filter_scratch *s, __u32 slot)
{
	struct gw_thread_filter *t = bpf_task_storage_get(&gw_threads, gw_task(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t || t->renamed) return ~0ULL;
	__u32 i = slot & (GW_FILTER_SLOTS - 1);
	if (t->version[i] == f->version) return t->comm[i];
	__u64 comm = 0;
	__builtin_memset(&s->comm, 0, sizeof(s->comm));
	s->comm.slot = slot;
	bpf_get_current_comm(s->comm.comm, sizeof(s->comm.comm));
	__u64 *v = bpf_map_lookup_elem(&gw_comms, &s->comm);
	if (v) comm = *v;
	t->comm[i] = comm;
	t->version[i] = f->version;
	return comm;
}

/* Whether an open may match a rule: its path (user memory), its scap open flags (from its
 * arguments) and its result. Checked before anything of the event is built, so a kept-back open
 * costs little. The cheap checks come first: most opens of a storm fail on their flags or command
 * name. */
static __always_inline bool gw_open_may_match(struct gw_filter *f, __u32 slot, const void *upath, __u32 flags, long fd)
{
	/* Without branches (each one would double the paths the verifier walks): a mask the flags miss
	 * rules out the clauses requiring it. */
	__u64 excluded = 0;
	for (__u32 i = 0; i < GW_FILTER_MASKS; i++) {
		__u64 shared = flags & f->masks[i];
		__u64 has = (shared | -shared) >> 63;
		excluded |= f->requiring[i] & (has - 1);
	}
	__u32 n = f->nclauses;
	GW_CLAMP(n, GW_FILTER_CLAUSES);
	__u64 cand = (n == GW_FILTER_CLAUSES ? ~0ULL : (1ULL << n) - 1) & ~excluded;
	__u32 zero = 0;
	struct gw_filter_scratch *s = bpf_map_lookup_elem(&gw_filter_scratch, &zero);
	if (!s) return true;
	if (cand & ~f->comm_any) cand &= f->comm_any | gw_comm_clauses(f, s, slot);
	if (cand & f->path_any) return true;
	/* Whatever the rules: user space resolves paths through directory fds. */
	if ((flags & PPM_O_DIRECTORY) || gw_is_directory(gw_fd_file(fd))) return true;
	if (!cand) return false;

	/* The path, and zeros after it to the end of its last 8 bytes. */
	long got = bpf_probe_read_user_str(s->prefix.path, sizeof(s->prefix.path), upath);
	if (got < 2 || got >= (long)sizeof(s->prefix.path)) return true; /* unreadable, empty, or too long to judge */
	__u32 len = got - 1;
	GW_CLAMP(len, GW_FILTER_PATH - 2);
	__u64 *tail = (__u64 *)&s->prefix.path[len & GW_FILTER_WORDS];
	*tail &= (1ULL << ((len & 7) * 8)) - 1;
	if (!gw_normal_path(s->prefix.path, len)) return true;

	s->prefix.prefixlen = 8 * (1 + len);
	s->prefix.slot = slot;
	__u64 *v = bpf_map_lookup_elem(&gw_prefixes, &s->prefix);
	if (v && (cand & *v)) return true;
	if (cand & f->suffix_clauses) {
		for (__u32 i = 0; i < GW_FILTER_SUFFIX_LENS; i++) {
			if (i >= f->n_suffix_lens) break;
			__u32 size = f->suffix_lens[i];
			if (size == 0 || size > len) continue;
			GW_CLAMP(size, GW_FILTER_SUFFIX);
			__builtin_memset(s->suffix.tail, 0, sizeof(s->suffix.tail));
			s->suffix.slot = slot;
			s->suffix.len = size;
			bpf_probe_read_kernel(s->suffix.tail, size, &s->prefix.path[(len - size) & (GW_FILTER_PATH - 1)]);
			v = bpf_map_lookup_elem(&gw_suffixes, &s->suffix);
			if (v && (cand & *v)) return true;
		}
	}

	return false;
}

/* Whether an open is kept back (see gw_open_may_match): then it is counted, and its fd remembered. */
static __always_inline bool gw_open_kept_back(__u32 slot, __u16 type, const void *upath, __u32 flags, long fd)
{
	struct gw_filter *f = bpf_map_lookup_elem(&gw_filters, &slot);
	/* Sent (also while the filter is lifted, in a hot reload): its fd is no longer a kept-back one. */
	if (!f || !f->active || gw_ignored() || gw_open_may_match(f, slot, upath, flags, fd)) {
		gw_forget_fd(fd);
		return false;
	}
	gw_count_filtered(type);
	if (fd >= 0 && fd < GW_HIDDEN_FDS) {
		struct gw_hidden_fds *h = gw_hidden_fds(true);
		if (h) __sync_fetch_and_or(&h->bits[gw_fd_word(fd)], 1ULL << (fd & 63));
	}
	return true;
}

/* At a close's exit: true when it closed a kept-back fd (the close is then kept back too, and
 * counted). */
static __always_inline bool gw_close_hidden(__s64 fd)
{
	if (!gw_forget_fd(fd)) return false;
	gw_count_filtered(GW_CLOSE_X);
	return true;
}

/* A thread's name changed: prctl, a write to /proc/.../comm (of another thread, maybe), or an exec
 * (whose own program drops the mark again, see gw_exec_seen). */
SEC("tp_btf/task_rename")
int BPF_PROG(gwx_rename, struct task_struct *task, const char *comm)
{
	struct gw_thread_filter *t = bpf_task_storage_get(&gw_threads, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t) t->renamed = 1;
	return 0;
}

/* An exec names the thread after its program, which ghostwatch also takes as its proc.name; and
 * it closes the close-on-exec fds, unseen. The exec'ing thread is its process's leader by now. */
static __always_inline void gw_exec_seen(void)
{
	bpf_task_storage_delete(&gw_threads, gw_task());
	bpf_task_storage_delete(&gw_hidden, gw_task());
}

#endif
