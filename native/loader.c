// SPDX-License-Identifier: Apache-2.0
/* ghostwatch-probe: loads the probe, attaches the programs for the events it is asked for, and
 * copies the ring buffer to stdout as scap event blocks. Decoding is ghostwatch's (TypeScript) job.
 *
 *   ghostwatch-probe [--ring-kb N] [--stats-fd FD] [--ignore-tgid PID]... [--snaplen N]
 *                    [--enter-events [--all-syscalls]] EVENT...
 *   ghostwatch-probe --list
 *
 * EVENT is a system call name (openat, execve, ...) or procexit. Everything attached belongs to
 * this process (nothing is pinned): when it exits, even killed, the kernel detaches it all.
 * --snaplen: copy the first N bytes (at most GW_MAX_SNAPLEN) of the I/O calls' buffers (default 0).
 * --enter-events (capture mode): also an enter event, with its own time, for each call; the calls
 * are then handed to their programs by the two raw_syscalls programs instead of each call's own
 * tracepoint (see ghostwatch.bpf.c). --all-syscalls: every other call too, as a generic event.
 * SIGINT/SIGTERM, or the parent dying, drain the buffer and exit 0.
 *
 * The stats fd (optional) receives one JSON object per line: {"ready":...} once everything is
 * attached, then {"events":{TYPE:N,...},"drops":{TYPE:N,...},"filtered":{TYPE:N,...}} with cumulative counts per event type
 * each second they change and once at exit ("final":true).
 *
 * The control channel (stdin, optional): lines "attach EVENT..." and "detach EVENT..." change the
 * set of events while running, without touching the rest: the ring buffer, the counters and every
 * other program stay as they are. Each line is answered on the stats fd, in order, with
 * {"reply":"attach","ok":true,"programs":N,"ms":T} or {"reply":...,"ok":false,"error":"..."}; an
 * attach that fails attaches none of its events. They run on their own thread: the events keep
 * flowing meanwhile. "filter ..." sets the in-kernel filter of opens (see set_filter), answered
 * the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events.h"
#include "ghostwatch.skel.h"

#define PROG_PREFIX "gw_"
#define MAX_IGNORED 4
/* The output buffer: what one drain of the ring buffer writes at once (256 KiB: larger gains nothing,
 * and every page of it would stay resident). */
#define OUT_SIZE (256 << 10)

static volatile sig_atomic_t stopping;
static unsigned char out[OUT_SIZE];
static size_t out_len;
static bool out_broken;

static void fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void fail(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ghostwatch-probe: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(status);
}

/* First signal: stop and drain. A second one: stop now, even when stdout is not being read. */
static void on_signal(int sig)
{
	(void)sig;
	stopping++;
}

/* libbpf's messages: none, unless GW_PROBE_DEBUG is set (2: also the verifier's statistics). */
static int debug_level;
static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (debug_level == 0 || (level == LIBBPF_DEBUG && debug_level < 2)) return 0;
	return vfprintf(stderr, fmt, ap);
}

static void write_all(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR && stopping < 2) continue;
		if (w <= 0) {
			out_broken = true; /* the reader is gone, or we were told twice to stop */
			stopping = 2;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void flush_out(void)
{
	if (out_len > 0 && !out_broken) write_all(STDOUT_FILENO, out, out_len);
	out_len = 0;
}

static void append(const void *p, size_t n)
{
	memcpy(out + out_len, p, n);
	out_len += n;
}

/* One record, in one piece or two (wrapped at the end of the ring): wrapped in an EV_BLOCK_TYPE_V2
 * block (type, total length, body, padding, length). */
static void on_record(const void *head, size_t head_size, const void *rest, size_t rest_size)
{
	size_t size = head_size + rest_size;
	unsigned int pad = (4 - (8 + size) % 4) % 4;
	unsigned int total = 8 + size + pad + 4;
	if (out_len + total > OUT_SIZE) flush_out();
	unsigned int header[2] = {GW_BLOCK_EVENT_V2, total};
	static const unsigned char zeros[4];
	append(header, sizeof(header));
	append(head, head_size);
	append(rest, rest_size);
	append(zeros, pad);
	append(&total, sizeof(total));
}

/* The ring buffer's consumer side, its data mapped once. libbpf's reader maps the data pages twice
 * in a row, so that a record wrapping at the end reads as one piece; the kernel maps every page at
 * mmap, so that costs the ring's size again in resident memory (8 MiB at Falco's default). Here a
 * wrapped record is copied out in two pieces instead. Layout and protocol are the kernel's
 * (kernel/bpf/ringbuf.c): a consumer position page (written here), a producer position page, then
 * the data, where each record is an 8-byte header (length, busy and discard bits) and its sample,
 * padded to 8 bytes, at position & mask. */
struct ring {
	int fd;
	unsigned long *consumer;
	const unsigned long *producer; /* the producer page; the data follows it */
	const unsigned char *data;
	size_t size;
	size_t page;
};

static int ring_open(struct ring *r, int fd, size_t size)
{
	r->fd = fd;
	r->size = size;
	r->page = sysconf(_SC_PAGESIZE);
	void *c = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c == MAP_FAILED) return -errno;
	void *p = mmap(NULL, r->page + size, PROT_READ, MAP_SHARED, fd, r->page);
	if (p == MAP_FAILED) {
		int err = -errno;
		munmap(c, r->page);
		return err;
	}
	r->consumer = c;
	r->producer = p;
	r->data = (const unsigned char *)p + r->page;
	return 0;
}

static void ring_close(struct ring *r)
{
	munmap(r->consumer, r->page);
	munmap((void *)r->producer, r->page + r->size);
}

/* Every complete record, in order, to on_record; stops at one still being written. */
static void ring_consume(struct ring *r)
{
	size_t mask = r->size - 1;
	unsigned long cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
	while (cons < __atomic_load_n(r->producer, __ATOMIC_ACQUIRE)) {
		/* Records start 8-aligned in a power-of-two ring: a header never wraps. */
		const unsigned int *hdr = (const unsigned int *)(r->data + (cons & mask));
		unsigned int len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT) return;
		size_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			size_t at = (cons + BPF_RINGBUF_HDR_SZ) & mask;
			size_t head = size <= r->size - at ? size : r->size - at;
			on_record(r->data + at, head, r->data, size - head);
		}
		cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
		__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
	}
}

/* Waits up to ms for the probe's wake-up: 0, or -errno. */
static int ring_wait(struct ring *r, int ms)
{
	struct pollfd p = {.fd = r->fd, .events = POLLIN};
	return poll(&p, 1, ms) < 0 ? -errno : 0;
}

/* Wall-clock time of boot in ns: what bpf_ktime_get_boot_ns() values are relative to. */
static unsigned long long boot_time_ns(void)
{
	struct timespec real, boot;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (real.tv_sec - boot.tv_sec) * 1000000000ULL + real.tv_nsec - boot.tv_nsec;
}

static unsigned long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000ULL + t.tv_nsec / 1000000;
}

/* libbpf finds tracepoint ids in tracefs, and --list which tracepoints exist: mount it where the
 * kernel expects it if nobody has (a freshly booted machine has not). 0, or the errno of the mount. */
static int mount_tracefs(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0 || access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return 0;
	return mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0 ? 0 : errno;
}

/* Root, BTF and BPF, each with its own message. */
static void check_prerequisites(void)
{
	if (geteuid() != 0) fail(1, "not running as root (root is needed to load eBPF programs)");
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		fail(1, "kernel BTF missing: /sys/kernel/btf/vmlinux not found (the kernel needs CONFIG_DEBUG_INFO_BTF=y)");
	/* The smallest tracepoint program: return 0. */
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "gw_check", "GPL", insns, 2, NULL);
	if (fd < 0 && errno == EPERM)
		fail(1, "eBPF is not available: loading a program is not permitted (in a container, add the capabilities BPF and PERFMON)");
	if (fd < 0) fail(1, "eBPF is not available: loading a program failed: %s", strerror(errno));
	close(fd);
}

struct counters {
	const struct gw_counter *map;
	int cpus;
	unsigned long long events[GW_EVENT_TYPES], drops[GW_EVENT_TYPES], filtered[GW_EVENT_TYPES];
};

/* Sum the per-cpu counters; true when they changed since the last call. */
static bool sum_counters(struct counters *c)
{
	bool changed = false;
	for (int type = 0; type < GW_EVENT_TYPES; type++) {
		unsigned long long e = 0, d = 0, f = 0;
		for (int cpu = 0; cpu < c->cpus; cpu++) {
			e += c->map[cpu * GW_EVENT_TYPES + type].events;
			d += c->map[cpu * GW_EVENT_TYPES + type].drops;
			f += c->map[cpu * GW_EVENT_TYPES + type].filtered;
		}
		changed |= e != c->events[type] || d != c->drops[type] || f != c->filtered[type];
		c->events[type] = e;
		c->drops[type] = d;
		c->filtered[type] = f;
	}
	return changed;
}

static void write_counts(FILE *f, const char *key, const unsigned long long *counts)
{
	fprintf(f, "\"%s\":{", key);
	bool first = true;
	for (int type = 0; type < GW_EVENT_TYPES; type++) {
		if (counts[type] == 0) continue;
		fprintf(f, "%s\"%d\":%llu", first ? "" : ",", type, counts[type]);
		first = false;
	}
	fputc('}', f);
}

/* The stats fd is written by the pump (counts) and by the control thread (replies). */
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

static void report(FILE *stats, struct counters *c, bool final)
{
	if (!stats) return;
	if (!sum_counters(c) && !final) return;
	pthread_mutex_lock(&stats_lock);
	fputc('{', stats);
	write_counts(stats, "events", c->events);
	fputc(',', stats);
	write_counts(stats, "drops", c->drops);
	fputc(',', stats);
	write_counts(stats, "filtered", c->filtered);
	fprintf(stats, "%s}\n", final ? ",\"final\":true" : "");
	fflush(stats);
	pthread_mutex_unlock(&stats_lock);
}

static void usage(void)
{
	fprintf(stderr, "usage: ghostwatch-probe [--ring-kb N] [--stats-fd FD] [--ignore-tgid PID]... EVENT...\n"
			"       ghostwatch-probe --list\n");
	exit(2);
}

static const char *const TRACEFS[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};

/* Whether the running kernel has the tracepoint a program attaches to: a kernel built without a
 * system call (init_module without CONFIG_MODULES...) has no tracepoint for it. When tracefs cannot
 * be read, the answer is yes and attaching will tell. */
static bool has_tracepoint(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);
	const char *prefix = "tracepoint/";
	if (strncmp(sec, prefix, strlen(prefix)) != 0) return true;
	bool tracefs_readable = false;
	for (size_t i = 0; i < sizeof(TRACEFS) / sizeof(TRACEFS[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/events/%s", TRACEFS[i], sec + strlen(prefix));
		if (access(path, F_OK) == 0) return true;
		snprintf(path, sizeof(path), "%s/events", TRACEFS[i]);
		if (access(path, R_OK | X_OK) == 0) tracefs_readable = true;
	}
	return !tracefs_readable;
}

/* The events this probe can capture on the running kernel. */
static void list_events(struct ghostwatch *skel)
{
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, skel->obj)
	{
		const char *name = bpf_program__name(prog);
		if (strncmp(name, PROG_PREFIX, strlen(PROG_PREFIX)) == 0 && has_tracepoint(prog))
			printf("%s\n", name + strlen(PROG_PREFIX));
	}
}

static struct bpf_program *find_event(struct ghostwatch *skel, const char *event)
{
	char name[64];
	snprintf(name, sizeof(name), PROG_PREFIX "%s", event);
	return bpf_object__find_program_by_name(skel->obj, name);
}

struct options {
	unsigned long ring_kb;
	int stats_fd;
	unsigned int ignored[MAX_IGNORED];
	int n_ignored;
	bool list;
	unsigned long snaplen;
	bool enter_events;
	bool all_syscalls;
	char **events;
	int n_events;
};

static struct options parse_args(int argc, char **argv)
{
	struct options o = {.ring_kb = 8192, .stats_fd = -1, .ignored = {(unsigned int)getpid()}, .n_ignored = 1};
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(a, "--list") == 0) o.list = true;
		else if (strcmp(a, "--ring-kb") == 0 && has_value) o.ring_kb = strtoul(argv[++i], NULL, 10);
		else if (strcmp(a, "--stats-fd") == 0 && has_value) o.stats_fd = atoi(argv[++i]);
		else if (strcmp(a, "--snaplen") == 0 && has_value) o.snaplen = strtoul(argv[++i], NULL, 10);
		else if (strcmp(a, "--enter-events") == 0) o.enter_events = true;
		else if (strcmp(a, "--all-syscalls") == 0) o.all_syscalls = true;
		else if (strcmp(a, "--ignore-tgid") == 0 && has_value) {
			if (o.n_ignored == MAX_IGNORED) fail(2, "at most %d --ignore-tgid", MAX_IGNORED - 1);
			o.ignored[o.n_ignored++] = strtoul(argv[++i], NULL, 10);
		} else usage();
	}
	o.events = argv + i;
	o.n_events = argc - i;
	if (o.snaplen > GW_MAX_SNAPLEN) fail(2, "--snaplen is at most %d", GW_MAX_SNAPLEN);
	if (o.all_syscalls && !o.enter_events) fail(2, "--all-syscalls goes with --enter-events");
	return o;
}

/* Capture mode (--enter-events): the system calls' programs are tail-called by the raw_syscalls
 * programs, from maps indexed by call number; each call's number is in its enter program's section
 * (tracepoint/gw_enter/NR). */
static bool enter_events;
#define ENTER_SECTION "tracepoint/gw_enter/"
#define SYSCALL_EXIT_SECTION "tracepoint/syscalls/sys_exit_"

/* The enter program of an event, or NULL (procexit has none), and its call's number. */
static struct bpf_program *enter_program(struct ghostwatch *skel, const char *event, int *nr)
{
	char name[64];
	snprintf(name, sizeof(name), "gwe_%s", event);
	struct bpf_program *p = bpf_object__find_program_by_name(skel->obj, name);
	if (!p || sscanf(bpf_program__section_name(p), ENTER_SECTION "%d", nr) != 1 || *nr < 0 || *nr >= GW_SYSCALLS) return NULL;
	return p;
}

/* Whether a program runs by tail call, not attached on its own. */
static bool tail_called(const struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p);
	return enter_events && (strncmp(sec, ENTER_SECTION, strlen(ENTER_SECTION)) == 0 ||
				strncmp(sec, SYSCALL_EXIT_SECTION, strlen(SYSCALL_EXIT_SECTION)) == 0);
}

/* The helper program an event needs besides its own, or NULL. */
static const char *helper_program(const char *event)
{
	/* A successful exec is seen on sched_process_exec: its arguments are gone at the exit. */
	if (strcmp(event, "execve") == 0 || strcmp(event, "execveat") == 0) return "gwx_exec";
	/* The open filter (detection mode only): a command name check is skipped for a renamed thread... */
	if (enter_events) return NULL;
	if (strcmp(event, "open") == 0 || strcmp(event, "openat") == 0 || strcmp(event, "openat2") == 0) return "gwx_rename";
	/* ... and the fds a close_range closes are no longer kept back. */
	if (strcmp(event, "close") == 0) return "gwx_close_range";
	return NULL;
}

/* Only the programs asked for are loaded (and verified); an unknown event is refused. */
static void select_programs(struct ghostwatch *skel, const struct options *o)
{
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(prog, false);
	for (int i = 0; i < o->n_events; i++) {
		const char *event = o->events[i];
		struct bpf_program *p = find_event(skel, event);
		if (!p || !has_tracepoint(p))
			fail(2, "unknown event '%s' (ghostwatch-probe --list shows the ones this kernel supports)", event);
		bpf_program__set_autoload(p, true);
		const char *helper = helper_program(event);
		if (helper) bpf_program__set_autoload(bpf_object__find_program_by_name(skel->obj, helper), true);
		int nr;
		struct bpf_program *enter = o->enter_events ? enter_program(skel, event, &nr) : NULL;
		if (enter) bpf_program__set_autoload(enter, true);
	}
	if (o->enter_events) {
		bpf_program__set_autoload(skel->progs.gwx_sys_enter, true);
		bpf_program__set_autoload(skel->progs.gwx_sys_exit, true);
	}
	if (debug_level >= 2)
		bpf_object__for_each_program(prog, skel->obj) bpf_program__set_log_level(prog, 4);
}

/* Map sizes and load-time constants. */
static void configure(struct ghostwatch *skel, const struct options *o, int cpus, unsigned long ring_bytes)
{
	bpf_map__set_max_entries(skel->maps.gw_scratch, cpus);
	bpf_map__set_max_entries(skel->maps.gw_counters, cpus * GW_EVENT_TYPES);
	bpf_map__set_max_entries(skel->maps.gw_ring, ring_bytes);
	skel->rodata->gw_boot_time_ns = boot_time_ns();
	for (int i = 0; i < o->n_ignored; i++) skel->rodata->gw_ignore_tgid[i] = o->ignored[i];
	skel->rodata->gw_snaplen = o->snaplen;
	skel->rodata->gw_all_syscalls = o->all_syscalls;
	int nr;
	for (int i = 0; i < o->n_events && o->enter_events; i++)
		if (enter_program(skel, o->events[i], &nr)) skel->rodata->gw_own[nr] = 1;
}

/* Capture mode: each call's enter and exit programs in the tail-call maps, at its number. */
static void fill_tail_calls(struct ghostwatch *skel, const struct options *o)
{
	for (int i = 0; i < o->n_events && o->enter_events; i++) {
		int nr;
		struct bpf_program *enter = enter_program(skel, o->events[i], &nr);
		if (!enter) continue;
		int fds[2] = {bpf_program__fd(enter), bpf_program__fd(find_event(skel, o->events[i]))};
		int maps[2] = {bpf_map__fd(skel->maps.gw_enters), bpf_map__fd(skel->maps.gw_exits)};
		for (int m = 0; m < 2; m++)
			if (bpf_map_update_elem(maps[m], &nr, &fds[m], BPF_ANY) != 0)
				fail(1, "cannot set up the programs of %s: %s", o->events[i], strerror(errno));
	}
}

#define MAX_LINKS 128
#define DETACH_THREADS 16

struct detach_job {
	struct bpf_link **links;
	int n;
	int first;
};

static void *detach_some(void *arg)
{
	struct detach_job *job = arg;
	for (int i = job->first; i < job->n; i += DETACH_THREADS) bpf_link__destroy(job->links[i]);
	return NULL;
}

/* Detach every program. Each detach waits for a kernel grace period (about 55 ms here): one after
 * the other, 70 programs take 4 s. From several threads the kernel overlaps them in part (it still
 * serialises on a lock), which halves that. */
static void detach_all(struct bpf_link **links, int n)
{
	pthread_t threads[DETACH_THREADS];
	struct detach_job jobs[DETACH_THREADS];
	int started = 0;
	for (int t = 0; t < DETACH_THREADS && t < n; t++) {
		jobs[t] = (struct detach_job){.links = links, .n = n, .first = t};
		if (pthread_create(&threads[t], NULL, detach_some, &jobs[t]) != 0) {
			detach_some(&jobs[t]);
			continue;
		}
		threads[started++] = threads[t];
	}
	for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
}

/* Attach every loaded program; the links are owned by this process only. progs[i] names the
 * program of links[i]. */
static int attach_all(struct ghostwatch *skel, struct bpf_link **links, const char **progs)
{
	int n = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, skel->obj)
	{
		if (!bpf_program__autoload(prog) || tail_called(prog)) continue;
		struct bpf_link *link = bpf_program__attach(prog);
		if (!link) fail(1, "cannot attach %s: %s", bpf_program__name(prog), strerror(errno));
		if (n < MAX_LINKS) {
			progs[n] = bpf_program__name(prog);
			links[n++] = link;
		}
	}
	return n;
}

/* How often events are read when few arrive: the latency of a quiet system's events (a container's
 * first process is looked up in its runtime when it is read, and short-lived containers are gone
 * soon after). */
#define DRAIN_MS 20

/* Copy events to stdout until told to stop; counts go to the stats channel once a second. */
static void pump(struct ring *rb, FILE *stats, struct counters *counters)
{
	unsigned long long last_report = now_ms();
	while (!stopping) {
		/* The probe wakes this wait only when much is waiting (see gw_submit): what came since
		 * is read at each timeout. */
		int err = ring_wait(rb, DRAIN_MS);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "ghostwatch-probe: waiting on the ring buffer failed: %s\n", strerror(-err));
			return;
		}
		ring_consume(rb);
		flush_out();
		if (now_ms() - last_report >= 1000) {
			report(stats, counters, false);
			last_report = now_ms();
		}
	}
}

/* The control channel (see the top of this file). Programs are loaded once and kept: detaching
 * leaves a program loaded, so attaching it again costs no verification. A program never loaded is
 * loaded in a new instance of the object that shares every map (ring buffer, counters, constants)
 * with the first one. */

#define MAX_OBJECTS 64
#define EVENT_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"
#define MAX_EVENTS 256

struct control {
	struct ghostwatch *objects[MAX_OBJECTS]; /* [0]: the one loaded at start */
	int n_objects;
	char *events[MAX_EVENTS]; /* the events attached */
	int n_events;
	struct bpf_link *links[MAX_LINKS];
	const char *progs[MAX_LINKS]; /* the program of each link */
	int n_links;
	FILE *stats;
	pthread_mutex_t lock; /* held while a command runs, and from exit on */
};

static bool has_event(const struct control *c, const char *event)
{
	for (int i = 0; i < c->n_events; i++)
		if (strcmp(c->events[i], event) == 0) return true;
	return false;
}

/* Whether an attached event needs the program. */
static bool needed(const struct control *c, const char *prog)
{
	size_t n = strlen(PROG_PREFIX);
	for (int i = 0; i < c->n_events; i++) {
		if (strncmp(prog, PROG_PREFIX, n) == 0 && strcmp(prog + n, c->events[i]) == 0) return true;
		const char *helper = helper_program(c->events[i]);
		if (helper && strcmp(helper, prog) == 0) return true;
	}
	return false;
}

static bool is_attached(const struct control *c, const char *prog)
{
	for (int i = 0; i < c->n_links; i++)
		if (strcmp(c->progs[i], prog) == 0) return true;
	return false;
}

/* The program, loaded in one of the objects, or NULL. */
static struct bpf_program *loaded_program(const struct control *c, const char *name)
{
	for (int i = 0; i < c->n_objects; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(c->objects[i]->obj, name);
		if (p && bpf_program__fd(p) >= 0) return p;
	}
	return NULL;
}

/* An event name this probe and kernel have (names are checked before they are ever echoed). */
static bool known_event(const struct control *c, const char *event)
{
	if (strlen(event) > 40 || strspn(event, EVENT_CHARS) != strlen(event)) return false;
	struct bpf_program *p = find_event(c->objects[0], event);
	return p && has_tracepoint(p);
}

/* The probe's object. CO-RE relocations read the kernel's BTF from its file: left to itself,
 * libbpf also walks every module's BTF, which takes CAP_SYS_ADMIN, and a least-privileged pod (BPF,
 * PERFMON, SYS_RESOURCE, SYS_PTRACE) does not have it. The probe uses vmlinux types only. */
static struct ghostwatch *open_probe(void)
{
	static const char vmlinux_btf[] = "/sys/kernel/btf/vmlinux";
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = access(vmlinux_btf, R_OK) == 0 ? vmlinux_btf : NULL);
	return ghostwatch__open_opts(&opts);
}

/* The probe's object, embedded in this binary (2 MiB), is read only while programs load: its pages
 * are let go after each load. They are the binary's own, unwritten, so a later load (events added
 * by a hot reload) has the kernel read them back from the file. */
static void release_object_bytes(void)
{
	size_t size;
	uintptr_t at = (uintptr_t)ghostwatch__elf_bytes(&size), page = sysconf(_SC_PAGESIZE);
	uintptr_t first = (at + page - 1) & ~(page - 1), end = (at + size) & ~(page - 1);
	if (end > first) madvise((void *)first, end - first, MADV_DONTNEED);
}

/* A new instance of the object with only these programs, sharing the first one's maps. */
static struct ghostwatch *load_programs(const struct control *c, const char *const *names, int n, char *err, size_t errlen)
{
	struct ghostwatch *skel = open_probe();
	if (!skel) {
		snprintf(err, errlen, "cannot open the probe: %s", strerror(errno));
		return NULL;
	}
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, skel->obj)
	{
		bpf_program__set_autoload(prog, false);
		if (debug_level >= 2) bpf_program__set_log_level(prog, 4);
	}
	for (int i = 0; i < n; i++) bpf_program__set_autoload(bpf_object__find_program_by_name(skel->obj, names[i]), true);
	struct bpf_map *map;
	int e = 0;
	bpf_object__for_each_map(map, skel->obj)
	{
		struct bpf_map *first = bpf_object__find_map_by_name(c->objects[0]->obj, bpf_map__name(map));
		if (e == 0 && first && bpf_map__fd(first) >= 0) e = bpf_map__reuse_fd(map, bpf_map__fd(first));
	}
	if (e == 0) e = ghostwatch__load(skel);
	release_object_bytes();
	if (e) {
		snprintf(err, errlen, "cannot load %.63s: %s", names[0], strerror(-e));
		ghostwatch__destroy(skel);
		return NULL;
	}
	return skel;
}

/* Attach the events (all of them, or none). NULL, or what went wrong. */
static const char *attach_events(struct control *c, char **events, int n, char *err, size_t errlen)
{
	if (c->n_events + n > MAX_EVENTS) return snprintf(err, errlen, "too many events"), err;
	/* The programs to attach: each new event's own, and its helper unless attached already. */
	char missing[2 * MAX_EVENTS][64];
	int n_missing = 0;
	for (int i = 0; i < n; i++) {
		if (!known_event(c, events[i])) {
			bool printable = strlen(events[i]) <= 40 && strspn(events[i], EVENT_CHARS) == strlen(events[i]);
			snprintf(err, errlen, "unknown event '%s'", printable ? events[i] : "?");
			return err;
		}
		if (has_event(c, events[i])) continue;
		char own[64];
		snprintf(own, sizeof(own), PROG_PREFIX "%s", events[i]);
		const char *wanted[2] = {own, helper_program(events[i])};
		for (int w = 0; w < 2; w++) {
			if (!wanted[w] || is_attached(c, wanted[w])) continue;
			bool listed = false;
			for (int m = 0; m < n_missing; m++) listed |= strcmp(missing[m], wanted[w]) == 0;
			if (!listed) snprintf(missing[n_missing++], sizeof(missing[0]), "%s", wanted[w]);
		}
	}
	/* Those never loaded are loaded together, in one new instance. */
	const char *unloaded[2 * MAX_EVENTS];
	int n_unloaded = 0;
	for (int m = 0; m < n_missing; m++)
		if (!loaded_program(c, missing[m])) unloaded[n_unloaded++] = missing[m];
	if (n_unloaded > 0) {
		if (c->n_objects == MAX_OBJECTS) return snprintf(err, errlen, "too many program loads"), err;
		struct ghostwatch *skel = load_programs(c, unloaded, n_unloaded, err, errlen);
		if (!skel) return err;
		c->objects[c->n_objects++] = skel;
	}
	int first_new = c->n_links;
	for (int m = 0; m < n_missing; m++) {
		struct bpf_program *p = loaded_program(c, missing[m]);
		struct bpf_link *link = p && c->n_links < MAX_LINKS ? bpf_program__attach(p) : NULL;
		if (!link) {
			snprintf(err, errlen, "cannot attach %.63s: %s", missing[m], strerror(errno));
			detach_all(c->links + first_new, c->n_links - first_new);
			c->n_links = first_new;
			return err;
		}
		c->progs[c->n_links] = bpf_program__name(p);
		c->links[c->n_links++] = link;
	}
	for (int i = 0; i < n; i++)
		if (!has_event(c, events[i])) c->events[c->n_events++] = strdup(events[i]);
	return NULL;
}

/* Detach the events (and the helpers no attached event needs any more); unknown ones are ignored. */
static void detach_events(struct control *c, char **events, int n)
{
	for (int i = 0; i < n; i++) {
		for (int e = 0; e < c->n_events; e++) {
			if (strcmp(c->events[e], events[i]) != 0) continue;
			free(c->events[e]);
			c->events[e] = c->events[--c->n_events];
			break;
		}
	}
	struct bpf_link *gone[MAX_LINKS];
	int n_gone = 0, kept = 0;
	for (int i = 0; i < c->n_links; i++) {
		if (needed(c, c->progs[i])) {
			c->progs[kept] = c->progs[i];
			c->links[kept++] = c->links[i];
		} else gone[n_gone++] = c->links[i];
	}
	c->n_links = kept;
	detach_all(gone, n_gone);
}

/* The open filter (bpf/filter.h): "filter" then, for each call filtered, "slot=N" followed by its
 * clauses and entries (numbers in hex, strings hex-encoded):
 *   clauses=N pathany=BITS commany=BITS flags=CLAUSE:MASK:MASK prefix=PATH:BITS suffix=TAIL:BITS
 *   comm=NAME:BITS
 * Every slot is made inactive (everything passes) and every entry removed before the new ones are
 * written, and the slots given are made active last; a bare "filter" turns filtering off. */

static int unhex(const char *p, size_t n, unsigned char *out, size_t cap)
{
	if (n % 2 != 0 || n / 2 > cap) return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int byte;
		if (sscanf(p + 2 * i, "%2x", &byte) != 1 || !strchr("0123456789abcdefABCDEF", p[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", p[2 * i + 1]))
			return -1;
		out[i] = (unsigned char)byte;
	}
	return (int)(n / 2);
}

static void clear_map(int fd)
{
	unsigned char key[sizeof(struct gw_prefix_key)];
	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key) != 0) break;
}

/* "TEXT:BITS": the hex-decoded text (its length, or -1) and the bits. */
static int entry(const char *value, unsigned char *text, size_t cap, unsigned long long *bits)
{
	const char *colon = strchr(value, ':');
	if (!colon) return -1;
	char *end;
	*bits = strtoull(colon + 1, &end, 16);
	if (*end != '\0') return -1;
	return unhex(value, (size_t)(colon - value), text, cap);
}

static const char *set_filter(struct control *c, char *args, char *err, size_t errlen)
{
	struct ghostwatch *skel = c->objects[0];
	int filters = bpf_map__fd(skel->maps.gw_filters);
	int prefixes = bpf_map__fd(skel->maps.gw_prefixes);
	int suffixes = bpf_map__fd(skel->maps.gw_suffixes);
	int comms = bpf_map__fd(skel->maps.gw_comms);
	static struct gw_filter slots[GW_FILTER_SLOTS];
	bool given[GW_FILTER_SLOTS] = {false};
	static unsigned int versions;
	unsigned int version = ++versions;
	memset(slots, 0, sizeof(slots));
	for (__u32 i = 0; i < GW_FILTER_SLOTS; i++) bpf_map_update_elem(filters, &i, &slots[i], BPF_ANY);
	clear_map(prefixes);
	clear_map(suffixes);
	clear_map(comms);

	int slot = -1;
	char *save = NULL;
	for (char *tok = strtok_r(args, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq) return snprintf(err, errlen, "filter: bad item"), err;
		*eq = '\0';
		const char *key = tok, *value = eq + 1;
		char *end;
		if (strcmp(key, "slot") == 0) {
			slot = (int)strtol(value, &end, 16);
			if (*end != '\0' || slot < 0 || slot >= GW_FILTER_SLOTS) return snprintf(err, errlen, "filter: bad slot"), err;
			given[slot] = true;
			slots[slot].active = 1;
			slots[slot].version = version;
			continue;
		}
		if (slot < 0) return snprintf(err, errlen, "filter: %.20s before any slot", key), err;
		struct gw_filter *f = &slots[slot];
		unsigned long long bits;
		int n;
		if (strcmp(key, "clauses") == 0) {
			f->nclauses = (unsigned int)strtoul(value, &end, 16);
			if (*end != '\0' || f->nclauses > GW_FILTER_CLAUSES) return snprintf(err, errlen, "filter: bad clause count"), err;
		} else if (strcmp(key, "pathany") == 0 || strcmp(key, "commany") == 0) {
			bits = strtoull(value, &end, 16);
			if (*end != '\0') return snprintf(err, errlen, "filter: bad bits"), err;
			if (key[0] == 'p') f->path_any = bits;
			else f->comm_any = bits;
		} else if (strcmp(key, "flags") == 0) {
			unsigned int clause, any[2];
			if (sscanf(value, "%x:%x:%x", &clause, &any[0], &any[1]) != 3 || clause >= GW_FILTER_CLAUSES)
				return snprintf(err, errlen, "filter: bad flags"), err;
			for (int m = 0; m < 2; m++) {
				if (any[m] == 0) continue;
				int i = 0;
				while (i < GW_FILTER_MASKS && f->masks[i] != 0 && f->masks[i] != any[m]) i++;
				/* More masks than there is room for: the clause does not require this one. */
				if (i == GW_FILTER_MASKS) continue;
				f->masks[i] = any[m];
				f->requiring[i] |= 1ULL << clause;
			}
		} else if (strcmp(key, "prefix") == 0) {
			struct gw_prefix_key k = {.slot = (unsigned char)slot};
			if ((n = entry(value, k.path, sizeof(k.path), &bits)) < 0) return snprintf(err, errlen, "filter: bad prefix"), err;
			k.prefixlen = 8 * (1 + n);
			if (bpf_map_update_elem(prefixes, &k, &bits, BPF_ANY) != 0) return snprintf(err, errlen, "filter: cannot add a prefix: %s", strerror(errno)), err;
		} else if (strcmp(key, "suffix") == 0) {
			struct gw_suffix_key k = {.slot = (unsigned char)slot};
			if ((n = entry(value, k.tail, sizeof(k.tail), &bits)) < 1) return snprintf(err, errlen, "filter: bad suffix"), err;
			k.len = (unsigned char)n;
			f->suffix_clauses |= bits;
			unsigned int l = 0;
			while (l < f->n_suffix_lens && f->suffix_lens[l] != n) l++;
			if (l == f->n_suffix_lens && l < GW_FILTER_SUFFIX_LENS) f->suffix_lens[f->n_suffix_lens++] = (unsigned char)n;
			/* Too many lengths to look up: these clauses hold whatever the path ends with. */
			if (l == GW_FILTER_SUFFIX_LENS) f->path_any |= bits;
			if (bpf_map_update_elem(suffixes, &k, &bits, BPF_ANY) != 0) return snprintf(err, errlen, "filter: cannot add a suffix: %s", strerror(errno)), err;
		} else if (strcmp(key, "comm") == 0) {
			struct gw_comm_key k = {.slot = (unsigned int)slot};
			if ((n = entry(value, (unsigned char *)k.comm, sizeof(k.comm) - 1, &bits)) < 1) return snprintf(err, errlen, "filter: bad comm"), err;
			if (bpf_map_update_elem(comms, &k, &bits, BPF_ANY) != 0) return snprintf(err, errlen, "filter: cannot add a comm: %s", strerror(errno)), err;
		} else {
			return snprintf(err, errlen, "filter: unknown item"), err;
		}
	}
	for (__u32 i = 0; i < GW_FILTER_SLOTS; i++)
		if (given[i] && bpf_map_update_elem(filters, &i, &slots[i], BPF_ANY) != 0)
			return snprintf(err, errlen, "filter: cannot set slot %u: %s", i, strerror(errno)), err;
	return NULL;
}

static void reply(const struct control *c, const char *verb, const char *error, unsigned long long ms)
{
	if (!c->stats) return;
	pthread_mutex_lock(&stats_lock);
	if (!error) {
		fprintf(c->stats, "{\"reply\":\"%s\",\"ok\":true,\"programs\":%d,\"ms\":%llu}\n", verb, c->n_links, ms);
	} else {
		fprintf(c->stats, "{\"reply\":\"%s\",\"ok\":false,\"error\":\"", verb);
		for (const char *p = error; *p; p++) {
			if (*p == '"' || *p == '\\') fputc('\\', c->stats);
			fputc((unsigned char)*p < 0x20 ? ' ' : *p, c->stats);
		}
		fputs("\"}\n", c->stats);
	}
	fflush(c->stats);
	pthread_mutex_unlock(&stats_lock);
}

/* One command per line, until stdin ends or the loader stops. */
static void *control_loop(void *arg)
{
	struct control *c = arg;
	char *line = NULL;
	size_t cap = 0;
	for (;;) {
		if (getline(&line, &cap, stdin) < 0) {
			if (errno == EINTR) {
				clearerr(stdin);
				continue;
			}
			break; /* nobody will ask anything more */
		}
		if (strncmp(line, "filter", 6) == 0 && (line[6] == '\0' || strchr(" \t\r\n", line[6]))) {
			pthread_mutex_lock(&c->lock);
			if (stopping) break;
			unsigned long long start = now_ms();
			char err[256];
			if (enter_events) reply(c, "filter", "the filter is for detection, not with --enter-events", 0);
			else reply(c, "filter", set_filter(c, line + 6, err, sizeof(err)), now_ms() - start);
			pthread_mutex_unlock(&c->lock);
			continue;
		}
		char *words[MAX_EVENTS + 1], *save = NULL;
		int n = 0;
		for (char *w = strtok_r(line, " \t\r\n", &save); w && n <= MAX_EVENTS; w = strtok_r(NULL, " \t\r\n", &save)) words[n++] = w;
		if (n == 0) continue;
		pthread_mutex_lock(&c->lock);
		if (stopping) break; /* the lock stays held: exit owns everything now */
		unsigned long long start = now_ms();
		char err[256];
		if (n > MAX_EVENTS) reply(c, "error", "too many events on one line", 0);
		/* With enter events, the calls are wired together in the tail-call maps at load. */
		else if (enter_events) reply(c, "error", "the events cannot change with --enter-events", 0);
		else if (strcmp(words[0], "attach") == 0) reply(c, "attach", attach_events(c, words + 1, n - 1, err, sizeof(err)), now_ms() - start);
		else if (strcmp(words[0], "detach") == 0) {
			detach_events(c, words + 1, n - 1);
			reply(c, "detach", NULL, now_ms() - start);
		} else reply(c, "error", "unknown command (attach or detach)", 0);
		pthread_mutex_unlock(&c->lock);
	}
	free(line);
	return NULL;
}

/* Start the control thread; SIGINT and SIGTERM stay the pump's (they interrupt its wait). */
static void start_control(struct control *c)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	pthread_t thread;
	if (pthread_create(&thread, NULL, control_loop, c) == 0) pthread_detach(thread);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int main(int argc, char **argv)
{
	const pid_t parent = getppid();
	debug_level = getenv("GW_PROBE_DEBUG") ? atoi(getenv("GW_PROBE_DEBUG")) : 0;
	libbpf_set_print(quiet_libbpf);
	struct options o = parse_args(argc, argv);

	struct ghostwatch *skel = open_probe();
	if (!skel) fail(1, "cannot open the probe: %s", strerror(errno));
	if (o.list) {
		/* Without tracefs (not root), every event is listed and attaching tells. */
		mount_tracefs();
		list_events(skel);
		return 0;
	}
	if (o.n_events == 0) usage();
	long page = sysconf(_SC_PAGESIZE);
	unsigned long ring_bytes = o.ring_kb * 1024;
	if (ring_bytes < (unsigned long)page || (ring_bytes & (ring_bytes - 1)) != 0)
		fail(2, "--ring-kb must be a power of 2 of at least %ld", page / 1024);
	enter_events = o.enter_events;
	select_programs(skel, &o);

	check_prerequisites();
	int err = mount_tracefs();
	if (err) fail(1, "tracefs is not mounted and cannot be mounted on /sys/kernel/tracing: %s", strerror(err));
	int cpus = libbpf_num_possible_cpus();
	if (cpus <= 0) fail(1, "cannot count the cpus: %s", strerror(-cpus));
	configure(skel, &o, cpus, ring_bytes);
	err = ghostwatch__load(skel);
	release_object_bytes();
	if (err) fail(1, "cannot load the probe: %s (GW_PROBE_DEBUG=1 shows the verifier's log)", strerror(-err));
	fill_tail_calls(skel, &o);
	static struct control control = {.lock = PTHREAD_MUTEX_INITIALIZER};
	control.objects[control.n_objects++] = skel;
	for (int i = 0; i < o.n_events && i < MAX_EVENTS; i++)
		if (!has_event(&control, o.events[i])) control.events[control.n_events++] = strdup(o.events[i]);
	control.n_links = attach_all(skel, control.links, control.progs);

	struct counters counters = {.cpus = cpus};
	size_t counters_size = (size_t)cpus * GW_EVENT_TYPES * sizeof(struct gw_counter);
	counters.map = mmap(NULL, counters_size, PROT_READ, MAP_SHARED, bpf_map__fd(skel->maps.gw_counters), 0);
	if (counters.map == MAP_FAILED) fail(1, "cannot map the counters: %s", strerror(errno));
	struct ring rb;
	err = ring_open(&rb, bpf_map__fd(skel->maps.gw_ring), ring_bytes);
	if (err) fail(1, "cannot map the ring buffer: %s", strerror(-err));

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* ghostwatch's own signals (SIGHUP reloads, SIGUSR1 reopens outputs) reach the loader too when
	 * sent to the process group (a terminal's hangup, kill -HUP -PGID): they are not its to act on. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* The parent died before we asked to be told: we have been reparented. (Not "getppid() == 1":
	 * in a container with its own pid namespace, ghostwatch itself is pid 1.) */
	if (getppid() != parent) stopping = 1;

	FILE *stats = o.stats_fd >= 0 ? fdopen(o.stats_fd, "w") : NULL;
	if (stats) {
		fprintf(stats, "{\"ready\":true,\"cpus\":%d,\"ringBytes\":%lu,\"programs\":%d}\n", cpus, ring_bytes, control.n_links);
		fflush(stats);
	}
	control.stats = stats;
	start_control(&control);
	pump(&rb, stats, &counters);

	/* No command runs from here on. Detach first so nothing new arrives, then drain what is left. */
	pthread_mutex_lock(&control.lock);
	detach_all(control.links, control.n_links);
	ring_consume(&rb);
	flush_out();
	report(stats, &counters, true);
	ring_close(&rb);
	munmap((void *)counters.map, counters_size);
	for (int i = control.n_objects - 1; i >= 0; i--) ghostwatch__destroy(control.objects[i]);
	return 0;
}
