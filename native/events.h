/* The wire format the probe and its loader share.
 *
 * Each ring-buffer record is the body of one scap event block (EV_BLOCK_TYPE_V2, 0x216) without the
 * block's type/length header and trailer: the cpu id (u16), then the event exactly as a capture file
 * stores it (struct gw_event_hdr, one u16 length per parameter, the parameter bytes). The loader
 * only wraps each record in its block header and trailer; all decoding is done by ghostwatch's
 * TypeScript reader, so a live event and the same event read from a file are the same bytes.
 *
 * Timestamps are nanoseconds since the epoch: bpf_ktime_get_boot_ns() plus the wall-clock time of
 * boot, which the loader measures once at start (CLOCK_REALTIME - CLOCK_BOOTTIME) and passes in as
 * a load-time constant. Boot time is used rather than the monotonic clock so time spent suspended
 * is counted, like the kernel's own process start times.
 */
#ifndef GHOSTWATCH_EVENTS_H
#define GHOSTWATCH_EVENTS_H

/* scap block type of the blocks the loader writes. */
#define GW_BLOCK_EVENT_V2 0x216

/* The event header (scap's ppm_evt_hdr). */
struct gw_event_hdr {
	unsigned long long ts;   /* ns since the epoch */
	unsigned long long tid;  /* the thread (kernel pid) */
	unsigned int len;        /* whole event: header, lengths and parameters */
	unsigned short type;     /* event type id (src/capture/event-table.ts) */
	unsigned int nparams;
} __attribute__((packed));

/* Bytes before the event in a record: the cpu id. */
#define GW_RECORD_CPU_BYTES 2

/* Largest event the probe emits, header included (scap's limit for small event blocks is 64 KiB). */
#define GW_MAX_EVENT (32 * 1024)

/* Event type ids are below this (the event table has 454). */
#define GW_EVENT_TYPES 512

/* System call numbers are below this (capture mode's tail-call maps are indexed by them). */
#define GW_SYSCALLS 512

/* Most bytes of an I/O buffer an event carries (--snaplen). */
#define GW_MAX_SNAPLEN 4096

/* Per cpu and event type: events submitted, events lost because the ring buffer was full, and
 * events the filter kept back.
 * The counters map holds GW_EVENT_TYPES of these per possible cpu (index cpu * GW_EVENT_TYPES + type)
 * and is memory-mapped by the loader, so reading it costs no system call. */
struct gw_counter {
	unsigned long long events;
	unsigned long long drops;
	unsigned long long filtered; /* not sent: no rule could match it (bpf/filter.h) */
};

/* In-kernel filtering of opens (bpf/filter.h): the maps' layouts, which the loader fills. */
#define GW_FILTER_SLOTS 4
#define GW_FILTER_CLAUSES 64
/* Bytes of path the filter reads (a power of 2): longer paths are always sent. */
#define GW_FILTER_PATH 256
#define GW_FILTER_SUFFIX 30
#define GW_FILTER_ENTRIES 4096

/* One filtered call. active 0: everything passes. Clause c holds when it is one of the first
 * nclauses, and for each i with bit c in requiring[i], the event's flags share a bit with masks[i];
 * when bit c is in comm_any or in the bits of the thread's comm; and when it is in path_any or in
 * the bits of a prefix or suffix of the path. suffix_lens: the lengths of the suffixes (at most
 * GW_FILTER_SUFFIX_LENS different ones); suffix_clauses: the clauses that have some. */
#define GW_FILTER_SUFFIX_LENS 8
#define GW_FILTER_MASKS 8
struct gw_filter {
	unsigned int active;
	unsigned int version; /* new at each setting: what the probe remembers per thread is then looked up again */
	unsigned int nclauses;
	unsigned long long path_any;
	unsigned long long comm_any;
	unsigned long long suffix_clauses;
	unsigned long long requiring[GW_FILTER_MASKS];
	unsigned int masks[GW_FILTER_MASKS];
	unsigned char suffix_lens[GW_FILTER_SUFFIX_LENS];
	unsigned int n_suffix_lens;
};

/* LPM trie key: the slot byte, then the path (prefixlen counts bits of both). */
struct gw_prefix_key {
	unsigned int prefixlen;
	unsigned char slot;
	unsigned char path[GW_FILTER_PATH - 1];
};

/* The last len bytes of a path, zero-padded. */
struct gw_suffix_key {
	unsigned char slot;
	unsigned char len;
	unsigned char tail[GW_FILTER_SUFFIX];
};

struct gw_comm_key {
	unsigned int slot;
	char comm[16];
};

#endif
