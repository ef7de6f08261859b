// SPDX-License-Identifier: GPL-2.0-only
/*
 * A benchmark of the Xen users of gfn_to_pfn_cache, to compare kernels.
 *
 * Workshop benchmark, not part of the series (v9 posted it as a selftest):
 * built against the tree's KVM selftest library (scripts/build-selftests.sh)
 * and run by "make bench".  Not a test: it checks only that each operation
 * succeeds.  Every result is printed as one line,
 *
 *	metric <name> <value> <unit>
 *
 * so that runs on different kernels can be compared by a script.  Workloads
 * (all by default, or those named on the command line):
 *
 *  send	KVM_XEN_HVM_EVTCHN_SEND rate, to a port left pending
 *		(coalesced) and to one the host clears after each send (full)
 *  hcall	in-guest EVTCHNOP_send rate, delivered by KVM
 *  runstate	guest progress and vCPU context switches per second with the
 *		vCPU thread sharing a CPU with a yielding thread, with and
 *		without a runstate area
 *  refresh	shared_info activation latency (p50, p99, max), alternating
 *		between two GFNs, quiet and under invalidation storms: 1, 4
 *		and 16 threads doing MADV_DONTNEED, and 1 and 4 doing
 *		mprotect(), on memory outside the guest; 1 thread of each on
 *		such memory with no page mapped (invalidations without TLB
 *		flushes); 1 thread doing MADV_DONTNEED on the two shared_info
 *		pages.  With tracefs
 *		kprobe events, also the number of hva_to_pfn() calls per
 *		activation.  As a control, the p50 and p99 latency of a
 *		null KVM ioctl (KVM_CHECK_EXTENSION on the VM), one after
 *		each activation: what the storm costs any ioctl (TLB
 *		shootdowns, CPU contention) rather than the refresh.  With
 *		perf tracepoint events, also the share of activations that
 *		took a function call IPI (the storm's TLB flushes), the
 *		remote TLB flushes per activation, and the p99 of the
 *		activations without and with such an IPI
 *  revalidate	the refresh that follows an invalidation of the cached page
 *		(the common one: the cache stays on its page): latency (p50,
 *		p99) of a KVM_XEN_HVM_EVTCHN_SEND that finds shared_info
 *		invalidated by MADV_DONTNEED of its page, refreshes it and
 *		delivers, quiet and under 1 MADV_DONTNEED and 1 mprotect()
 *		thread on memory outside the guest; as a control, the p50 of
 *		the same send to a valid cache; with kprobe events, the
 *		hva_to_pfn() calls per refresh
 *  inval	the cost of an unrelated MADV_DONTNEED with 0 to 3000 active
 *		caches (vcpu_info, vcpu_time_info and runstate of many vCPUs)
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

#define REGION_GPA		0xc0000000ULL
#define REGION_SLOT		10
#define REGION_PAGES		64

#define SHINFO_A_GPA		(REGION_GPA)
#define SHINFO_B_GPA		(REGION_GPA + PAGE_SIZE)
#define VCPU_INFO_GPA		(REGION_GPA + 2 * PAGE_SIZE)
#define RUNSTATE_GPA		(REGION_GPA + 2 * PAGE_SIZE + 0x400)
/* Per-vCPU areas of the "inval" workload: 64 bytes each, 64 per page. */
#define MANY_PAGES		16
#define MANY_VCPU_INFO_GPA	(REGION_GPA + 4 * PAGE_SIZE)
#define MANY_TIME_INFO_GPA	(MANY_VCPU_INFO_GPA + MANY_PAGES * PAGE_SIZE)
#define MANY_RUNSTATE_GPA	(MANY_TIME_INFO_GPA + MANY_PAGES * PAGE_SIZE)
#define MANY_MAX_VCPUS		(MANY_PAGES * PAGE_SIZE / 64)

#define __HYPERVISOR_event_channel_op	32
#define EVTCHNOP_send		4
#define EVTCHNSTAT_interdomain	2
#define SEND_PORT		127
#define DELIVER_PORT		15
#define PENDING_PORT		7
#define FULL_PORT		9
/* evtchn_pending[] in the 64-bit shared_info layout. */
#define SHINFO_PENDING		0x800

#define HCALLS_PER_SYNC		1000
#define WORK_PER_SYNC		BIT(16)

#define STORM_BYTES		(64 * 1024)
#define MAX_STORM_THREADS	16

static double seconds = 2;
static unsigned int activations = 2000;

static void print_metric(const char *name, double value, const char *unit)
{
	printf("metric %s %.6g %s\n", name, value, unit);
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_hvm_attr(struct kvm_vm *vm, u16 type, u64 val)
{
	struct kvm_xen_hvm_attr a = { .type = type, .u.pad[0] = val };

	vm_ioctl(vm, KVM_XEN_HVM_SET_ATTR, &a);
}

static void set_vcpu_attr(struct kvm_vcpu *vcpu, u16 type, u64 val)
{
	struct kvm_xen_vcpu_attr a = { .type = type, .u.gpa = val };

	vcpu_ioctl(vcpu, KVM_XEN_VCPU_SET_ATTR, &a);
}

/* "hcall": EVTCHNOP_send, delivered by KVM to DELIVER_PORT, left pending. */
static void guest_hcall(void)
{
	struct evtchn_send { u32 port; } s = { .port = SEND_PORT };
	int i;

	for (;;) {
		for (i = 0; i < HCALLS_PER_SYNC; i++)
			__xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &s);
		GUEST_SYNC(0);
	}
}

/* "runstate": plain work, while the host preempts the vCPU thread. */
static void guest_work(void)
{
	u64 i;

	for (;;) {
		/* A loop the compiler cannot drop. */
		for (i = 0; i < WORK_PER_SYNC; i++)
			asm volatile("" : "+r" (i));
		GUEST_SYNC(0);
	}
}

/* A Xen VM with shared_info at A and vcpu_info. */
static struct kvm_vm *xen_vm_create(struct kvm_vcpu **vcpu, void *guest_code)
{
	struct kvm_xen_hvm_config hvmc = {
		.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL |
			 KVM_XEN_HVM_CONFIG_EVTCHN_SEND,
	};
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, guest_code);

	vm_ioctl(vm, KVM_XEN_HVM_CONFIG, &hvmc);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, REGION_GPA,
				    REGION_SLOT, REGION_PAGES, 0);
	set_hvm_attr(vm, KVM_XEN_ATTR_TYPE_LONG_MODE, 1);
	set_hvm_attr(vm, KVM_XEN_ATTR_TYPE_SHARED_INFO, SHINFO_A_GPA / PAGE_SIZE);
	set_vcpu_attr(*vcpu, KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO, VCPU_INFO_GPA);
	return vm;
}

/* Run the vCPU to its next GUEST_SYNC. */
static void run_to_sync(struct kvm_vcpu *vcpu)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	TEST_ASSERT_EQ(get_ucall(vcpu, &uc), UCALL_SYNC);
}

static void bench_send(void)
{
	struct kvm_irq_routing_xen_evtchn e = {
		.vcpu = 0,
		.priority = KVM_IRQ_ROUTING_XEN_EVTCHN_PRIO_2LEVEL,
	};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = xen_vm_create(&vcpu, guest_work);
	u8 *pending = addr_gpa2hva(vm, SHINFO_A_GPA + SHINFO_PENDING);
	unsigned long n;
	double t0, t;

	e.port = PENDING_PORT;
	t0 = now_s();
	for (n = 0; (t = now_s()) - t0 < seconds; n++)
		vm_ioctl(vm, KVM_XEN_HVM_EVTCHN_SEND, &e);
	print_metric("send_coalesced", n / (t - t0), "sends/s");

	e.port = FULL_PORT;
	t0 = now_s();
	for (n = 0; (t = now_s()) - t0 < seconds; n++) {
		vm_ioctl(vm, KVM_XEN_HVM_EVTCHN_SEND, &e);
		TEST_ASSERT(pending[FULL_PORT / 8] & BIT(FULL_PORT % 8),
			    "event not delivered to shared_info");
		pending[FULL_PORT / 8] = 0;
	}
	print_metric("send_full", n / (t - t0), "sends/s");
	kvm_vm_free(vm);
}

static void bench_hcall(void)
{
	struct kvm_xen_hvm_attr ev = {
		.type = KVM_XEN_ATTR_TYPE_EVTCHN,
		.u.evtchn.send_port = SEND_PORT,
		.u.evtchn.type = EVTCHNSTAT_interdomain,
		.u.evtchn.deliver.port.port = DELIVER_PORT,
		.u.evtchn.deliver.port.priority = KVM_IRQ_ROUTING_XEN_EVTCHN_PRIO_2LEVEL,
		.u.evtchn.deliver.port.vcpu = 0,
	};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = xen_vm_create(&vcpu, guest_hcall);
	unsigned long n = 0;
	double t0, t;

	vm_ioctl(vm, KVM_XEN_HVM_SET_ATTR, &ev);
	t0 = now_s();
	do {
		run_to_sync(vcpu);
		n += HCALLS_PER_SYNC;
	} while ((t = now_s()) - t0 < seconds);
	print_metric("hcall_send", n / (t - t0), "hypercalls/s");
	kvm_vm_free(vm);
}

static atomic_bool hog_stop;

static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	TEST_ASSERT(!sched_setaffinity(0, sizeof(set), &set), "sched_setaffinity");
}

static void *hog_thread(void *arg)
{
	pin_to_cpu0();
	while (!atomic_load(&hog_stop))
		sched_yield();
	return NULL;
}

/* Voluntary plus involuntary context switches of the calling thread. */
static unsigned long ctx_switches(void)
{
	unsigned long v = 0, total = 0;
	char line[128];
	FILE *f = fopen("/proc/thread-self/status", "r");

	TEST_ASSERT(f, "open /proc/thread-self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %lu", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %lu", &v) == 1)
			total += v;
	fclose(f);
	return total;
}

static void bench_runstate_one(bool runstate)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = xen_vm_create(&vcpu, guest_work);
	unsigned long n = 0, sw0;
	pthread_t hog;
	double t0, t;

	if (runstate)
		set_vcpu_attr(vcpu, KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADDR, RUNSTATE_GPA);

	atomic_store(&hog_stop, false);
	pthread_create(&hog, NULL, hog_thread, NULL);
	pin_to_cpu0();
	sw0 = ctx_switches();
	t0 = now_s();
	do {
		run_to_sync(vcpu);
		n++;
	} while ((t = now_s()) - t0 < seconds);
	print_metric(runstate ? "runstate_on_rounds" : "runstate_off_rounds",
		     n / (t - t0), "rounds/s");
	print_metric(runstate ? "runstate_on_switches" : "runstate_off_switches",
		     (ctx_switches() - sw0) / (t - t0), "switches/s");
	atomic_store(&hog_stop, true);
	pthread_join(hog, NULL);
	kvm_vm_free(vm);
}

static void bench_runstate(void)
{
	cpu_set_t all;

	TEST_ASSERT(!sched_getaffinity(0, sizeof(all), &all), "sched_getaffinity");
	bench_runstate_one(false);
	bench_runstate_one(true);
	TEST_ASSERT(!sched_setaffinity(0, sizeof(all), &all), "sched_setaffinity");
}

/*
 * hva_to_pfn() calls, counted by a kprobe event (the same on every kernel):
 * tracefs and CONFIG_KPROBE_EVENTS are needed, else this returns -1.
 */
#define TRACEFS			"/sys/kernel/tracing"
#define KPROBE_EVENT		"xen_gpc_bench_hva_to_pfn"
#define KPROBE_NAME		"xen_gpc_bench/" KPROBE_EVENT

static bool tracefs_write(const char *file, const char *s)
{
	char path[128];
	int fd, r;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0)
		return false;
	r = write(fd, s, strlen(s));
	close(fd);
	return r == (int)strlen(s);
}

static bool kprobe_setup(void)
{
	if (access(TRACEFS "/kprobe_events", W_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	tracefs_write("kprobe_events", "-:" KPROBE_NAME "\n");
	/* Count hits without recording them. */
	return tracefs_write("tracing_on", "0") &&
	       tracefs_write("kprobe_events", "p:" KPROBE_NAME " hva_to_pfn\n") &&
	       tracefs_write("events/" KPROBE_NAME "/enable", "1");
}

static void kprobe_teardown(void)
{
	tracefs_write("events/" KPROBE_NAME "/enable", "0");
	tracefs_write("kprobe_events", "-:" KPROBE_NAME "\n");
}

static long kprobe_hits(void)
{
	char name[128];
	long hits = -1, h, miss;
	FILE *f = fopen(TRACEFS "/kprobe_profile", "r");

	if (!f)
		return -1;
	/* Lines of "EVENT HITS MISSES", without the group. */
	while (fscanf(f, "%127s %ld %ld", name, &h, &miss) == 3)
		if (!strcmp(name, KPROBE_EVENT))
			hits = h;
	fclose(f);
	return hits;
}

/*
 * The flush IPIs an activation takes: a storm that unmaps or write-protects
 * mapped pages in the VMM's mm makes the kernel flush the TLB of every CPU
 * running that mm, by IPI where it has no broadcast or paravirtual flush,
 * and the activating thread runs that mm.  Counted by perf tracepoint events of
 * the calling thread: the function call IPIs it takes, and the remote TLB
 * flushes (tlb:tlb_flush, reason TLB_REMOTE_SHOOTDOWN) among them.  Ticks,
 * device interrupts and the thread's own waits are not counted, which
 * makes the activations without a function call IPI less biased by their
 * length (a longer one is still likelier to take one).
 */
/* enum tlb_flush_reason in include/linux/mm_types.h */
#define TLB_REMOTE_SHOOTDOWN	1

static const char * const ipi_events[] = {
	"irq_vectors/call_function_entry",
	"irq_vectors/call_function_single_entry",
	"tlb/tlb_flush",	/* last, with a filter */
};

#define NR_COUNTERS		ARRAY_SIZE(ipi_events)

struct counters {
	int fd[NR_COUNTERS];	/* fd[0] < 0: not counting */
	u64 v[NR_COUNTERS];
};

static int tracepoint_id(const char *event)
{
	char path[128];
	int id = -1;
	FILE *f;

	snprintf(path, sizeof(path), TRACEFS "/events/%s/id", event);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &id) != 1)
		id = -1;
	fclose(f);
	return id;
}

static void counters_close(struct counters *c)
{
	unsigned int i;

	for (i = 0; i < NR_COUNTERS; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		c->fd[i] = -1;
	}
}

/* All of them or none: a missing one would hide flush IPIs. */
static bool counters_open(struct counters *c)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
	};
	char filter[32];
	unsigned int i;
	int id;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NR_COUNTERS; i++) {
		id = tracepoint_id(ipi_events[i]);
		attr.config = id;
		c->fd[i] = id < 0 ? -1 : syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	}
	snprintf(filter, sizeof(filter), "reason == %d", TLB_REMOTE_SHOOTDOWN);
	for (i = 0; i < NR_COUNTERS; i++) {
		if (c->fd[i] < 0)
			break;
	}
	if (i == NR_COUNTERS &&
	    !ioctl(c->fd[NR_COUNTERS - 1], PERF_EVENT_IOC_SET_FILTER, filter))
		return true;
	counters_close(c);
	return false;
}

/*
 * Read the counters: true if any moved since the last read; the remote TLB
 * flushes since then are added to @tlb_flushes if it is not NULL.
 */
static bool counters_moved(struct counters *c, u64 *tlb_flushes)
{
	bool moved = false;
	unsigned int i;
	u64 v;

	if (c->fd[0] < 0)
		return false;
	for (i = 0; i < NR_COUNTERS; i++) {
		TEST_ASSERT(read(c->fd[i], &v, sizeof(v)) == sizeof(v), "read a perf counter");
		moved |= v != c->v[i];
		if (tlb_flushes && i == NR_COUNTERS - 1)
			*tlb_flushes += v - c->v[i];
		c->v[i] = v;
	}
	return moved;
}

/*
 * The _EMPTY storms invalidate memory that has page tables but no page
 * mapped: KVM's mmu_notifier sees every invalidation, but no TLB needs a
 * flush, so no flush IPI reaches the activating thread.  That holds for
 * one storm thread zapping less than a page table's worth: concurrent zaps
 * in one mm, or freeing a page table, force a flush.
 */
enum storm { QUIET, DONTNEED, MPROTECT, DONTNEED_EMPTY, MPROTECT_EMPTY, TARGETED };

struct storm_thread {
	pthread_t thread;
	enum storm kind;
	struct kvm_vm *vm;
	char *buf;
	/* A storm ends by then even if an activation never returns. */
	double deadline;
};

static atomic_bool storm_stop;

static void *storm_fn(void *arg)
{
	struct storm_thread *s = arg;
	unsigned long i;
	void *a, *b;

	if (s->kind == DONTNEED_EMPTY || s->kind == MPROTECT_EMPTY) {
		for (i = 0; i < STORM_BYTES; i += PAGE_SIZE)
			s->buf[i] = 1;
		TEST_ASSERT(!madvise(s->buf, STORM_BYTES, MADV_DONTNEED), "madvise");
	}
	while (!atomic_load(&storm_stop) && now_s() < s->deadline) {
		switch (s->kind) {
		case DONTNEED:
			for (i = 0; i < STORM_BYTES; i += PAGE_SIZE)
				s->buf[i] = 1;
			TEST_ASSERT(!madvise(s->buf, STORM_BYTES, MADV_DONTNEED), "madvise");
			break;
		case MPROTECT:
			for (i = 0; i < STORM_BYTES; i += PAGE_SIZE)
				s->buf[i] = 1;
			TEST_ASSERT(!mprotect(s->buf, STORM_BYTES, PROT_READ), "mprotect");
			TEST_ASSERT(!mprotect(s->buf, STORM_BYTES, PROT_READ | PROT_WRITE),
				    "mprotect");
			break;
		case DONTNEED_EMPTY:
			TEST_ASSERT(!madvise(s->buf, STORM_BYTES, MADV_DONTNEED), "madvise");
			break;
		case MPROTECT_EMPTY:
			TEST_ASSERT(!mprotect(s->buf, STORM_BYTES, PROT_READ), "mprotect");
			TEST_ASSERT(!mprotect(s->buf, STORM_BYTES, PROT_READ | PROT_WRITE),
				    "mprotect");
			break;
		case TARGETED:
			a = addr_gpa2hva(s->vm, SHINFO_A_GPA);
			b = addr_gpa2hva(s->vm, SHINFO_B_GPA);
			TEST_ASSERT(!madvise(a, PAGE_SIZE, MADV_DONTNEED), "madvise");
			TEST_ASSERT(!madvise(b, PAGE_SIZE, MADV_DONTNEED), "madvise");
			break;
		case QUIET:
			return NULL;
		}
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Print the p99 of @nr sorted samples, if there are enough of them. */
static void print_p99(const char *name, const char *what, u64 *v, unsigned int nr)
{
	char mname[96];

	snprintf(mname, sizeof(mname), "refresh_%s_%s_p99", name, what);
	if (nr >= 100)
		print_metric(mname, v[nr * 99 / 100] / 1e3, "us");
	else
		printf("# %s: %u samples, too few for a p99\n", mname, nr);
}

static void bench_refresh_one(const char *name, enum storm kind,
			      unsigned int nr_threads, bool have_kprobe)
{
	struct storm_thread st[MAX_STORM_THREADS];
	u64 *lat = calloc(activations, sizeof(*lat));
	u64 *ctl = calloc(activations, sizeof(*ctl));
	/* Activations without, and with, a flush IPI. */
	u64 *clean = calloc(activations, sizeof(*clean));
	u64 *hit = calloc(activations, sizeof(*hit));
	unsigned int nclean = 0, nhit = 0;
	u64 tlb_flushes = 0;
	struct counters cnt;
	bool counting;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = xen_vm_create(&vcpu, guest_work);
	char *buf = mmap(NULL, MAX_STORM_THREADS * STORM_BYTES,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char mname[96];
	unsigned int i, n;
	long hits0;
	double t0, t;

	TEST_ASSERT(lat && ctl && clean && hit && buf != MAP_FAILED,
		    "allocate the refresh benchmark");
	atomic_store(&storm_stop, false);
	for (i = 0; i < nr_threads; i++) {
		st[i] = (struct storm_thread){ .kind = kind, .vm = vm,
					       .buf = buf + i * STORM_BYTES,
					       .deadline = now_s() + 10 * seconds + 10 };
		pthread_create(&st[i].thread, NULL, storm_fn, &st[i]);
	}
	usleep(10000);

	counting = counters_open(&cnt);
	hits0 = have_kprobe ? kprobe_hits() : -1;
	t0 = now_s();
	/* At most 5 x "seconds" a scenario: the base may spin for long. */
	for (n = 0; n < activations && now_s() - t0 < 5 * seconds; n++) {
		double s;

		counters_moved(&cnt, NULL);
		s = now_s();
		/* Starting at B: shared_info is at A already. */
		set_hvm_attr(vm, KVM_XEN_ATTR_TYPE_SHARED_INFO,
			     (n & 1 ? SHINFO_A_GPA : SHINFO_B_GPA) / PAGE_SIZE);
		lat[n] = (now_s() - s) * 1e9;
		if (counters_moved(&cnt, &tlb_flushes))
			hit[nhit++] = lat[n];
		else
			clean[nclean++] = lat[n];

		s = now_s();
		TEST_ASSERT(__vm_ioctl(vm, KVM_CHECK_EXTENSION, (void *)KVM_CAP_XEN_HVM) > 0,
			    "KVM_CHECK_EXTENSION");
		ctl[n] = (now_s() - s) * 1e9;
	}
	t = now_s();

	atomic_store(&storm_stop, true);
	for (i = 0; i < nr_threads; i++)
		pthread_join(st[i].thread, NULL);

	qsort(lat, n, sizeof(*lat), cmp_u64);
	qsort(ctl, n, sizeof(*ctl), cmp_u64);
	qsort(clean, nclean, sizeof(*clean), cmp_u64);
	qsort(hit, nhit, sizeof(*hit), cmp_u64);
	snprintf(mname, sizeof(mname), "refresh_%s_p50", name);
	print_metric(mname, lat[n / 2] / 1e3, "us");
	snprintf(mname, sizeof(mname), "refresh_%s_p99", name);
	print_metric(mname, lat[n * 99 / 100] / 1e3, "us");
	snprintf(mname, sizeof(mname), "refresh_%s_max", name);
	print_metric(mname, lat[n - 1] / 1e3, "us");
	snprintf(mname, sizeof(mname), "refresh_%s_null_p50", name);
	print_metric(mname, ctl[n / 2] / 1e3, "us");
	snprintf(mname, sizeof(mname), "refresh_%s_null_p99", name);
	print_metric(mname, ctl[n * 99 / 100] / 1e3, "us");
	if (counting) {
		snprintf(mname, sizeof(mname), "refresh_%s_flush_ipi", name);
		print_metric(mname, 100.0 * nhit / n, "%");
		snprintf(mname, sizeof(mname), "refresh_%s_tlb_flushes", name);
		print_metric(mname, (double)tlb_flushes / n, "remote-flushes/activation");
		print_p99(name, "no_ipi", clean, nclean);
		print_p99(name, "ipi", hit, nhit);
	}
	snprintf(mname, sizeof(mname), "refresh_%s_rate", name);
	print_metric(mname, n / (t - t0), "activations/s");
	if (have_kprobe) {
		TEST_ASSERT(hits0 >= 0 && kprobe_hits() >= hits0,
			    "cannot read %s/kprobe_profile", TRACEFS);
		snprintf(mname, sizeof(mname), "refresh_%s_lookups", name);
		print_metric(mname, (double)(kprobe_hits() - hits0) / n, "hva_to_pfn/activation");
	}

	counters_close(&cnt);
	munmap(buf, MAX_STORM_THREADS * STORM_BYTES);
	free(hit);
	free(clean);
	free(ctl);
	free(lat);
	kvm_vm_free(vm);
}

static void bench_revalidate_one(const char *name, enum storm kind,
				 unsigned int nr_threads, bool have_kprobe)
{
	struct kvm_irq_routing_xen_evtchn e = {
		.port = FULL_PORT,
		.vcpu = 0,
		.priority = KVM_IRQ_ROUTING_XEN_EVTCHN_PRIO_2LEVEL,
	};
	struct storm_thread st[MAX_STORM_THREADS];
	u64 *lat = calloc(activations, sizeof(*lat));
	u64 *ctl = calloc(activations, sizeof(*ctl));
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = xen_vm_create(&vcpu, guest_work);
	u8 *shinfo = addr_gpa2hva(vm, SHINFO_A_GPA);
	u8 *pending = shinfo + SHINFO_PENDING;
	char *buf = mmap(NULL, MAX_STORM_THREADS * STORM_BYTES,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char mname[96];
	unsigned int i, n;
	long hits0;
	double t0, s;

	TEST_ASSERT(lat && ctl && buf != MAP_FAILED, "allocate the revalidation benchmark");
	atomic_store(&storm_stop, false);
	for (i = 0; i < nr_threads; i++) {
		st[i] = (struct storm_thread){ .kind = kind, .vm = vm,
					       .buf = buf + i * STORM_BYTES,
					       .deadline = now_s() + 10 * seconds + 10 };
		pthread_create(&st[i].thread, NULL, storm_fn, &st[i]);
	}
	usleep(10000);

	hits0 = have_kprobe ? kprobe_hits() : -1;
	t0 = now_s();
	for (n = 0; n < activations && now_s() - t0 < 5 * seconds; n++) {
		/* Zap the page: the cache is invalid, the next send refreshes it. */
		TEST_ASSERT(!madvise(shinfo, PAGE_SIZE, MADV_DONTNEED), "madvise");
		s = now_s();
		vm_ioctl(vm, KVM_XEN_HVM_EVTCHN_SEND, &e);
		lat[n] = (now_s() - s) * 1e9;
		TEST_ASSERT(pending[FULL_PORT / 8] & BIT(FULL_PORT % 8),
			    "event not delivered to shared_info");
		pending[FULL_PORT / 8] = 0;
	}
	if (have_kprobe) {
		TEST_ASSERT(hits0 >= 0 && kprobe_hits() >= hits0,
			    "cannot read %s/kprobe_profile", TRACEFS);
		snprintf(mname, sizeof(mname), "revalidate_%s_lookups", name);
		print_metric(mname, (double)(kprobe_hits() - hits0) / n, "hva_to_pfn/refresh");
	}

	/* The control: the same send, to a valid cache. */
	for (i = 0; i < n; i++) {
		s = now_s();
		vm_ioctl(vm, KVM_XEN_HVM_EVTCHN_SEND, &e);
		ctl[i] = (now_s() - s) * 1e9;
		pending[FULL_PORT / 8] = 0;
	}

	atomic_store(&storm_stop, true);
	for (i = 0; i < nr_threads; i++)
		pthread_join(st[i].thread, NULL);

	qsort(lat, n, sizeof(*lat), cmp_u64);
	qsort(ctl, n, sizeof(*ctl), cmp_u64);
	snprintf(mname, sizeof(mname), "revalidate_%s_p50", name);
	print_metric(mname, lat[n / 2] / 1e3, "us");
	snprintf(mname, sizeof(mname), "revalidate_%s_p99", name);
	print_metric(mname, lat[n * 99 / 100] / 1e3, "us");
	snprintf(mname, sizeof(mname), "revalidate_%s_send_p50", name);
	print_metric(mname, ctl[n / 2] / 1e3, "us");

	munmap(buf, MAX_STORM_THREADS * STORM_BYTES);
	free(ctl);
	free(lat);
	kvm_vm_free(vm);
}

static void bench_revalidate(void)
{
	bool have_kprobe = kprobe_setup();

	if (!have_kprobe)
		printf("# no kprobe events: hva_to_pfn() calls are not counted\n");
	bench_revalidate_one("quiet", QUIET, 0, have_kprobe);
	bench_revalidate_one("dontneed1", DONTNEED, 1, have_kprobe);
	bench_revalidate_one("mprotect1", MPROTECT, 1, have_kprobe);
	if (have_kprobe)
		kprobe_teardown();
}

static void bench_refresh(void)
{
	bool have_kprobe = kprobe_setup();
	struct counters cnt;

	if (!have_kprobe)
		printf("# no kprobe events: hva_to_pfn() calls are not counted\n");
	if (counters_open(&cnt))
		counters_close(&cnt);
	else
		printf("# no perf tracepoint events: flush IPIs are not counted\n");
	bench_refresh_one("quiet", QUIET, 0, have_kprobe);
	bench_refresh_one("dontneed1", DONTNEED, 1, have_kprobe);
	bench_refresh_one("dontneed4", DONTNEED, 4, have_kprobe);
	bench_refresh_one("dontneed16", DONTNEED, 16, have_kprobe);
	bench_refresh_one("mprotect1", MPROTECT, 1, have_kprobe);
	bench_refresh_one("mprotect4", MPROTECT, 4, have_kprobe);
	bench_refresh_one("dontneed1_empty", DONTNEED_EMPTY, 1, have_kprobe);
	bench_refresh_one("mprotect1_empty", MPROTECT_EMPTY, 1, have_kprobe);
	bench_refresh_one("targeted1", TARGETED, 1, have_kprobe);
	if (have_kprobe)
		kprobe_teardown();
}

/* ns per touch + MADV_DONTNEED of one page outside guest memory. */
static double unrelated_invalidation_ns(void)
{
	char *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long n;
	double t0, t;

	TEST_ASSERT(p != MAP_FAILED, "mmap");
	t0 = now_s();
	for (n = 0; (t = now_s()) - t0 < seconds / 2; n++) {
		*p = 1;
		TEST_ASSERT(!madvise(p, PAGE_SIZE, MADV_DONTNEED), "madvise");
	}
	munmap(p, PAGE_SIZE);
	return (t - t0) * 1e9 / n;
}

static void bench_inval_one(unsigned int nr_caches)
{
	unsigned int nr_vcpus = nr_caches ? (nr_caches + 2) / 3 : 1;
	struct kvm_xen_hvm_config hvmc = {
		.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL,
	};
	struct kvm_vcpu **vcpus = calloc(nr_vcpus, sizeof(*vcpus));
	unsigned int i, active = 0;
	struct kvm_vm *vm;
	char mname[64];

	TEST_ASSERT(vcpus && nr_vcpus <= MANY_MAX_VCPUS, "too many caches");
	if (nr_vcpus > kvm_check_cap(KVM_CAP_MAX_VCPUS)) {
		printf("# inval_%u_caches: skipped, %u vCPUs > KVM_CAP_MAX_VCPUS %d\n",
		       nr_caches, nr_vcpus, kvm_check_cap(KVM_CAP_MAX_VCPUS));
		free(vcpus);
		return;
	}
	vm = vm_create_with_vcpus(nr_vcpus, guest_work, vcpus);
	vm_ioctl(vm, KVM_XEN_HVM_CONFIG, &hvmc);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, REGION_GPA,
				    REGION_SLOT, REGION_PAGES, 0);
	for (i = 0; i < nr_vcpus && active < nr_caches; i++) {
		set_vcpu_attr(vcpus[i], KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO,
			      MANY_VCPU_INFO_GPA + i * 64);
		if (++active < nr_caches)
			set_vcpu_attr(vcpus[i], KVM_XEN_VCPU_ATTR_TYPE_VCPU_TIME_INFO,
				      MANY_TIME_INFO_GPA + i * 64);
		if (++active < nr_caches)
			set_vcpu_attr(vcpus[i], KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADDR,
				      MANY_RUNSTATE_GPA + i * 64);
		++active;
	}
	snprintf(mname, sizeof(mname), "inval_%u_caches", nr_caches);
	print_metric(mname, unrelated_invalidation_ns(), "ns/madvise");
	kvm_vm_free(vm);
	free(vcpus);
}

static void bench_inval(void)
{
	bench_inval_one(0);
	bench_inval_one(10);
	bench_inval_one(100);
	bench_inval_one(1000);
	bench_inval_one(3000);
}

static const struct {
	const char *name;
	void (*fn)(void);
} workloads[] = {
	{ "send", bench_send },
	{ "hcall", bench_hcall },
	{ "runstate", bench_runstate },
	{ "refresh", bench_refresh },
	{ "revalidate", bench_revalidate },
	{ "inval", bench_inval },
};

static void help(const char *name)
{
	printf("usage: %s [-t seconds] [-n activations] [workload...]\n"
	       "workloads: send hcall runstate refresh revalidate inval (default: all)\n", name);
}

int main(int argc, char *argv[])
{
	unsigned long caps = kvm_check_cap(KVM_CAP_XEN_HVM);
	bool all = true;
	unsigned int i;
	int opt, j;

	while ((opt = getopt(argc, argv, "t:n:h")) != -1) {
		switch (opt) {
		case 't':
			seconds = atof(optarg);
			break;
		case 'n':
			activations = atoi_positive("Activations", optarg);
			break;
		default:
			help(argv[0]);
			exit(opt == 'h' ? 0 : KSFT_FAIL);
		}
	}

	TEST_REQUIRE(caps & KVM_XEN_HVM_CONFIG_SHARED_INFO);
	TEST_REQUIRE(caps & KVM_XEN_HVM_CONFIG_EVTCHN_SEND);
	TEST_REQUIRE(caps & KVM_XEN_HVM_CONFIG_RUNSTATE);
	TEST_ASSERT(seconds > 0, "-t must be positive");

	for (j = optind; j < argc; j++) {
		for (i = 0; i < ARRAY_SIZE(workloads); i++)
			if (!strcmp(argv[j], workloads[i].name))
				break;
		TEST_ASSERT(i < ARRAY_SIZE(workloads), "no workload \"%s\"", argv[j]);
		all = false;
	}

	for (i = 0; i < ARRAY_SIZE(workloads); i++) {
		bool want = all;

		for (j = optind; j < argc; j++)
			want |= !strcmp(argv[j], workloads[i].name);
		if (want)
			workloads[i].fn();
	}
	return 0;
}
