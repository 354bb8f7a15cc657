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
 * sent either. The fd and its file are remembered at the filtered open (gw_hidden); a close of that
 * fd that still closes that same file is dropped by its exit program. Any later use of the fd
 * shows it as unknown, as after a drop.
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

/* (tgid << 32 | fd) of a filtered open → its struct file. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u64);
} gw_hidden SEC(".maps");

/* Threads in a close of a filtered fd (set at its enter, taken at its exit). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} gw_hidden_close SEC(".maps");

/* Threads renamed since their exec. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} gw_renamed SEC(".maps");

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

static __always_inline bool gw_is_directory(struct file *f)
{
	if (!f) return false;
	return (BPF_CORE_READ(f, f_inode, i_mode) & GW_S_IFMT) == GW_S_IFDIR;
}

/* The loops below run through bpf_loop(): the verifier checks a callback once, where it would
 * walk every iteration of an inline loop, and of each loop inside it. */

struct gw_filter_walk {
	const struct gw_filter *f;
	struct gw_filter_scratch *s;
	__u32 slot;
	__u32 len;
	__u32 flags;
	__u64 bits;
	bool yes;
};

/* Whether the path has a "//", "/." or ".." at byte i (from 1). */
static long gw_unclean_at(__u32 i, void *ctx)
{
	struct gw_filter_walk *k = ctx;
	if (i == 0) return 0;
	if (i >= k->len) return 1;
	__u8 prev = k->s->prefix.path[(i - 1) & (GW_FILTER_PATH - 1)], c = k->s->prefix.path[i & (GW_FILTER_PATH - 1)];
	if ((prev == '/' && (c == '/' || c == '.')) || (prev == '.' && c == '.')) {
		k->yes = true;
		return 1;
	}
	return 0;
}

/* The clauses holding a suffix of n bytes of the path. */
static long gw_suffix_of(__u32 n, void *ctx)
{
	struct gw_filter_walk *k = ctx;
	if (n == 0 || n > GW_FILTER_SUFFIX || n > k->len) return 0;
	if (!(k->f->suffix_lens & (1ULL << n))) return 0;
	struct gw_suffix_key *key = &k->s->suffix;
	__builtin_memset(key->tail, 0, sizeof(key->tail));
	key->slot = k->slot;
	key->len = n;
	__u32 from = (k->len - n) & (GW_FILTER_PATH - 1);
	__u32 size = n;
	GW_CLAMP(size, GW_FILTER_SUFFIX);
	bpf_probe_read_kernel(key->tail, size, &k->s->prefix.path[from]);
	__u64 *v = bpf_map_lookup_elem(&gw_suffixes, key);
	if (v) k->bits |= *v;
	return 0;
}

/* Whether clause c, one of the candidates in bits, holds for the flags. */
static long gw_clause_holds(__u32 c, void *ctx)
{
	struct gw_filter_walk *k = ctx;
	if (c >= GW_FILTER_CLAUSES || !(k->bits & (1ULL << c))) return 0;
	__u32 a = k->f->flags_any[c][0], b = k->f->flags_any[c][1];
	if ((a == 0 || (k->flags & a)) && (b == 0 || (k->flags & b))) {
		k->yes = true;
		return 1;
	}
	return 0;
}

/* Whether an open must be sent: its path (n bytes with the NUL, at path_off in the event being
 * built), its scap flags and its result. A filtered open is counted, and its fd remembered. */
static __always_inline bool gw_open_passes(struct gw_w *w, __u32 slot, __u32 path_off, __u32 n, __u32 flags, long fd)
{
	struct gw_filter *f = bpf_map_lookup_elem(&gw_filters, &slot);
	if (!f || !f->active) return true;
	if (n < 2 || n > GW_FILTER_PATH - 1) return true;
	struct file *file = fd >= 0 ? gw_fd_file(fd) : NULL;
	if ((flags & PPM_O_DIRECTORY) || gw_is_directory(file)) return true;
	__u32 zero = 0;
	struct gw_filter_scratch *s = bpf_map_lookup_elem(&gw_filter_scratch, &zero);
	if (!s) return true;
	__u32 len = n - 1;
	GW_CLAMP(len, GW_FILTER_PATH - 2);
	bpf_probe_read_kernel(s->prefix.path, len, &w->d[path_off & GW_REC_MASK]);
	struct gw_filter_walk k = {.f = f, .s = s, .slot = slot, .len = len, .flags = flags};

	/* Only a path in its normal form can be judged. */
	if (len == 0 || s->prefix.path[0] != '/' || s->prefix.path[(len - 1) & (GW_FILTER_PATH - 1)] == '/') return true;
	bpf_loop(len, gw_unclean_at, &k, 0);
	if (k.yes) return true;

	s->prefix.prefixlen = 8 * (1 + len);
	s->prefix.slot = slot;
	__u64 *v = bpf_map_lookup_elem(&gw_prefixes, &s->prefix);
	if (v) k.bits = *v;
	if (f->suffix_lens) bpf_loop(GW_FILTER_SUFFIX + 1, gw_suffix_of, &k, 0);
	__u64 path = f->path_any | k.bits;

	__u64 comm = f->comm_any;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_lookup_elem(&gw_renamed, &tid)) {
		comm = ~0ULL;
	} else {
		__builtin_memset(&s->comm, 0, sizeof(s->comm));
		s->comm.slot = slot;
		bpf_get_current_comm(s->comm.comm, sizeof(s->comm.comm));
		v = bpf_map_lookup_elem(&gw_comms, &s->comm);
		if (v) comm |= *v;
	}
	k.bits = path & comm;
	if (k.bits) bpf_loop(f->nclauses & (GW_FILTER_CLAUSES | (GW_FILTER_CLAUSES - 1)), gw_clause_holds, &k, 0);
	if (k.yes) return true;

	gw_count_filtered(w->type);
	if (file) {
		__u64 key = (bpf_get_current_pid_tgid() & 0xffffffff00000000ULL) | (__u32)fd;
		__u64 value = (__u64)file;
		bpf_map_update_elem(&gw_hidden, &key, &value, BPF_ANY);
	}
	return false;
}

/* A close: whether it closes the file of a filtered open (its exit is then not sent). */
SEC("tracepoint/syscalls/sys_enter_close")
int gwx_close_enter(struct trace_event_raw_sys_enter *ctx)
{
	__s64 fd = (__s32)ctx->args[0];
	if (fd < 0) return 0;
	__u64 key = (bpf_get_current_pid_tgid() & 0xffffffff00000000ULL) | (__u32)fd;
	__u64 *file = bpf_map_lookup_elem(&gw_hidden, &key);
	if (!file) return 0;
	bool same = *file == (__u64)gw_fd_file(fd);
	bpf_map_delete_elem(&gw_hidden, &key);
	if (!same) return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u8 one = 1;
	bpf_map_update_elem(&gw_hidden_close, &tid, &one, BPF_ANY);
	return 0;
}

/* At a close's exit: true when it closed a filtered fd (counted as filtered). */
static __always_inline bool gw_close_hidden(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	if (!bpf_map_lookup_elem(&gw_hidden_close, &tid)) return false;
	bpf_map_delete_elem(&gw_hidden_close, &tid);
	gw_count_filtered(GW_CLOSE_X);
	return true;
}

/* A thread's name changed: prctl, a write to /proc/.../comm, or an exec (whose own program
 * clears the mark again, see gw_exec_renamed). */
SEC("tracepoint/task/task_rename")
int gwx_rename(struct trace_event_raw_task_rename *ctx)
{
	__u32 tid = ctx->pid;
	__u8 one = 1;
	bpf_map_update_elem(&gw_renamed, &tid, &one, BPF_ANY);
	return 0;
}

/* An exec names the thread after its program, which ghostwatch also takes as its proc.name. */
static __always_inline void gw_exec_renamed(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_delete_elem(&gw_renamed, &tid);
}

#endif
