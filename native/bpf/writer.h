/* Building one event and handing it to user space.
 *
 * An event is assembled in this cpu's slot of the scratch map (a BPF program runs on one cpu
 * without being preempted by another of ours, so the slot is private for the program's duration),
 * in the record layout of events.h: cpu id, event header, one u16 length per parameter, parameter
 * bytes. gw_submit() then copies the record into the ring buffer, or counts a drop when it is full.
 *
 * Every write goes through an offset masked with GW_REC_MASK and is at most GW_MAX_WRITE bytes,
 * so the verifier can prove it stays inside the slot whatever the offset; an event that outgrows
 * GW_MAX_EVENT is not sent (the writes past it land in the slot's slack).
 */
#ifndef GW_WRITER_H
#define GW_WRITER_H

#include "../events.h"

#define GW_REC_MASK (2 * GW_MAX_EVENT - 1)
/* Largest single write: a path, an argument block, an environment block. */
#define GW_MAX_WRITE 4096
/* Room to build a path backwards from its last component, and the longest component. */
#define GW_PATH_MAX 4096
#define GW_NAME_MAX 256
#define GW_PATH_AREA (2 * GW_MAX_EVENT + GW_MAX_WRITE)
#define GW_SCRATCH_SIZE (GW_PATH_AREA + GW_PATH_MAX + GW_NAME_MAX + 8)
#define GW_HDR_OFF GW_RECORD_CPU_BYTES
#define GW_LENS_OFF (GW_RECORD_CPU_BYTES + sizeof(struct gw_event_hdr))

struct gw_scratch {
	__u8 data[GW_SCRATCH_SIZE];
};

/* One slot per possible cpu (max_entries is set by the loader). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gw_scratch);
} gw_scratch SEC(".maps");

/* The ring buffer every cpu writes to (its size is set by the loader). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} gw_ring SEC(".maps");

/* Events and drops per cpu and event type (struct gw_counter), memory-mapped by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, GW_EVENT_TYPES);
	__type(key, __u32);
	__type(value, struct gw_counter);
} gw_counters SEC(".maps");

/* Load-time settings (see loader.c). */
const volatile __u64 gw_boot_time_ns = 0;
/* Processes whose events are not sent (the loader itself, and its consumer): no feedback loops. */
const volatile __u32 gw_ignore_tgid[4] = {0, 0, 0, 0};
/* How many bytes of each I/O buffer (read, write, send, recv... data) are copied: sysdig's snaplen.
 * 0 (detection without -A): none, and the copying code is dead to the verifier, which knows these
 * constants. At most GW_MAX_WRITE. */
const volatile __u32 gw_snaplen = 0;

/* Clamp a length to a constant in a way the verifier follows: clang may otherwise compare one copy
 * of the value and pass another to the helper. */
#define GW_CLAMP(n, max) asm volatile("if %[v] <= %[m] goto +1; %[v] = %[m];" : [v] "+r"(n) : [m] "i"(max))

struct gw_w {
	__u8 *d;
	__u32 pos;  /* next parameter byte */
	__u32 lens; /* next parameter length slot */
	__u32 cpu;
	__u16 type;
};

static __always_inline bool gw_ignored(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	return tgid == gw_ignore_tgid[0] || tgid == gw_ignore_tgid[1] || tgid == gw_ignore_tgid[2] ||
	       tgid == gw_ignore_tgid[3];
}

/* Start an event of this type with nparams parameters; false when it must not be sent. */
static __always_inline bool gw_begin(struct gw_w *w, __u16 type, __u32 nparams)
{
	if (gw_ignored()) return false;
	w->cpu = bpf_get_smp_processor_id();
	w->d = bpf_map_lookup_elem(&gw_scratch, &w->cpu);
	if (!w->d) return false;
	w->type = type;
	*(__u16 *)&w->d[0] = (__u16)w->cpu;
	struct gw_event_hdr *h = (struct gw_event_hdr *)&w->d[GW_HDR_OFF];
	h->ts = bpf_ktime_get_boot_ns() + gw_boot_time_ns;
	h->tid = (__u32)bpf_get_current_pid_tgid();
	h->type = type;
	h->nparams = nparams;
	w->lens = GW_LENS_OFF;
	w->pos = GW_LENS_OFF + 2 * nparams;
	return true;
}

static __always_inline void gw_len(struct gw_w *w, __u32 n)
{
	*(__u16 *)&w->d[w->lens & GW_REC_MASK] = (__u16)n;
	w->lens += 2;
}

#define GW_PUT(name, T)                                                                           \
	static __always_inline void name(struct gw_w *w, T v)                                         \
	{                                                                                             \
		*(T *)&w->d[w->pos & GW_REC_MASK] = v;                                                    \
		w->pos += sizeof(T);                                                                      \
		gw_len(w, sizeof(T));                                                                     \
	}
GW_PUT(gw_u8, __u8)
GW_PUT(gw_u16, __u16)
GW_PUT(gw_u32, __u32)
GW_PUT(gw_u64, __u64)
GW_PUT(gw_s64, __s64)
GW_PUT(gw_s32, __s32)

/* A parameter with no value (sinsp shows it as missing). */
static __always_inline void gw_empty(struct gw_w *w)
{
	gw_len(w, 0);
}

/* Raw bytes appended to the parameter being written (its length is set by the caller). */
static __always_inline void gw_raw_u8(struct gw_w *w, __u8 v)
{
	w->d[w->pos & GW_REC_MASK] = v;
	w->pos += 1;
}
static __always_inline void gw_raw_u16(struct gw_w *w, __u16 v)
{
	*(__u16 *)&w->d[w->pos & GW_REC_MASK] = v;
	w->pos += 2;
}
static __always_inline void gw_raw_u32(struct gw_w *w, __u32 v)
{
	*(__u32 *)&w->d[w->pos & GW_REC_MASK] = v;
	w->pos += 4;
}
static __always_inline void gw_raw_u64(struct gw_w *w, __u64 v)
{
	*(__u64 *)&w->d[w->pos & GW_REC_MASK] = v;
	w->pos += 8;
}
static __always_inline void gw_raw_bytes(struct gw_w *w, const void *src, __u64 n)
{
	GW_CLAMP(n, GW_MAX_WRITE);
	bpf_probe_read_kernel(&w->d[w->pos & GW_REC_MASK], n, src);
	w->pos += n;
}

/* A NUL-terminated string appended to the parameter being written; returns its length with the
 * NUL (0 when it cannot be read). */
static __always_inline __u32 gw_raw_str(struct gw_w *w, const void *p, bool user)
{
	long n = user ? bpf_probe_read_user_str(&w->d[w->pos & GW_REC_MASK], GW_MAX_WRITE, p)
		      : bpf_probe_read_kernel_str(&w->d[w->pos & GW_REC_MASK], GW_MAX_WRITE, p);
	if (n <= 0) return 0;
	w->pos += n;
	return n;
}

/* A string parameter; empty when the pointer is NULL or unreadable. */
static __always_inline __u32 gw_str(struct gw_w *w, const void *p, bool user)
{
	__u32 n = p ? gw_raw_str(w, p, user) : 0;
	gw_len(w, n);
	return n;
}

/* A byte block from user memory (an argument or environment block) as one parameter. */
static __always_inline void gw_user_block(struct gw_w *w, unsigned long p, __u64 n)
{
	GW_CLAMP(n, GW_MAX_WRITE);
	if (p == 0 || bpf_probe_read_user(&w->d[w->pos & GW_REC_MASK], n, (void *)p) != 0) n = 0;
	w->pos += n;
	gw_len(w, n);
}

/* The data of an I/O call: the first bytes of the user buffer, at most len and the snaplen (empty
 * when nothing is to be copied or the memory cannot be read). */
static __always_inline void gw_data(struct gw_w *w, unsigned long p, __u64 len)
{
	if (gw_snaplen == 0) {
		gw_empty(w);
		return;
	}
	__u64 n = len < gw_snaplen ? len : gw_snaplen;
	if (n == 0) gw_empty(w);
	else gw_user_block(w, p, n);
}

/* Finish the event and hand it to user space; count it, or count the drop. */
static __always_inline void gw_submit(struct gw_w *w)
{
	__u32 size = w->pos;
	__u32 idx = w->cpu * GW_EVENT_TYPES + (w->type & (GW_EVENT_TYPES - 1));
	struct gw_counter *c = bpf_map_lookup_elem(&gw_counters, &idx);
	if (size > GW_RECORD_CPU_BYTES + GW_MAX_EVENT) {
		if (c) c->drops++;
		return;
	}
	((struct gw_event_hdr *)&w->d[GW_HDR_OFF])->len = size - GW_RECORD_CPU_BYTES;
	/* Waking the reader for every event costs more than building it: the loader reads at least every
	 * 20 ms anyway, and is woken early once, when a sixteenth of the ring becomes full. */
	__u64 pending = bpf_ringbuf_query(&gw_ring, BPF_RB_AVAIL_DATA);
	__u64 early = bpf_ringbuf_query(&gw_ring, BPF_RB_RING_SIZE) >> 4;
	__u64 wake = pending < early && pending + size >= early ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	GW_CLAMP(size, GW_RECORD_CPU_BYTES + GW_MAX_EVENT);
	if (bpf_ringbuf_output(&gw_ring, w->d, size, wake) != 0) {
		if (c) c->drops++;
		return;
	}
	if (c) c->events++;
}

#endif
