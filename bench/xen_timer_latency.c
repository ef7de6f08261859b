// SPDX-License-Identifier: GPL-2.0-only
/*
 * Xen timer expiry-to-delivery latency, as seen by the VMM.
 *
 * The host arms the vCPU's Xen oneshot timer (KVM_XEN_VCPU_ATTR_TYPE_TIMER)
 * DELAY_US ahead of the KVM clock and re-enters the guest, which waits for
 * the timer's event channel upcall, either halted (the timer must wake the
 * vCPU) or spinning in guest mode (the timer must kick it), then exits.
 * Latency = (time from arming to the exit) - DELAY_US. Everything but the
 * path from hrtimer expiry to the guest's upcall is the same on both
 * kernels, so base and patched are compared on the same emulator.
 *
 * Workshop benchmark, not part of the series: built against the tree's KVM
 * selftest library (see scripts/build-selftests.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

#define SHINFO_GPA	0xc0000000ULL
#define SHINFO_SLOT	10
#define VCPU_INFO_GPA	(SHINFO_GPA + 0x40)
#define EVTCHN_VECTOR	0x10
#define TIMER_PORT	13
#define DELAY_US	500

struct vcpu_info_hdr {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	unsigned long evtchn_pending_sel;
};

/* shared_info: 32 vcpu_info of 64 bytes, then evtchn_pending[]. */
#define SHINFO_PENDING_OFF	(32 * 64)

static volatile uint64_t upcalls;

static void evtchn_handler(struct ex_regs *regs)
{
	struct vcpu_info_hdr *vi = (void *)VCPU_INFO_GPA;
	unsigned long *pending = (void *)(SHINFO_GPA + SHINFO_PENDING_OFF);

	pending[0] = 0;
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
	upcalls++;
}

static void guest_code(uint64_t halt)
{
	for (;;) {
		uint64_t seen = upcalls;

		GUEST_SYNC(seen);
		if (halt) {
			cli();
			while (upcalls == seen)
				safe_halt();	/* sti; hlt: no lost wakeup */
			sti_nop();
		} else {
			sti_nop();
			while (upcalls == seen)
				cpu_relax();
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void run_mode(const char *name, bool halt, int iters)
{
	struct kvm_xen_vcpu_attr tmr = {
		.type = KVM_XEN_VCPU_ATTR_TYPE_TIMER,
		.u.timer.port = TIMER_PORT,
		.u.timer.priority = KVM_IRQ_ROUTING_XEN_EVTCHN_PRIO_2LEVEL,
	};
	struct kvm_xen_hvm_config hvmc = { .msr = 0x40000000 };
	struct kvm_xen_hvm_attr ha = {
		.type = KVM_XEN_ATTR_TYPE_SHARED_INFO,
		.u.shared_info.gfn = SHINFO_GPA / PAGE_SIZE,
	};
	struct kvm_xen_hvm_attr vec = {
		.type = KVM_XEN_ATTR_TYPE_UPCALL_VECTOR,
		.u.vector = EVTCHN_VECTOR,
	};
	struct kvm_xen_hvm_attr lm = {
		.type = KVM_XEN_ATTR_TYPE_LONG_MODE,
		.u.long_mode = 1,
	};
	struct kvm_xen_vcpu_attr vi = {
		.type = KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO,
		.u.gpa = VCPU_INFO_GPA,
	};
	uint64_t *lat = calloc(iters, sizeof(*lat));
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	uint64_t last = 0;
	int i;

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vcpu_args_set(vcpu, 1, (uint64_t)halt);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, SHINFO_GPA,
				    SHINFO_SLOT, 1, 0);
	virt_map(vm, SHINFO_GPA, SHINFO_GPA, 1);
	vm_ioctl(vm, KVM_XEN_HVM_CONFIG, &hvmc);
	vm_ioctl(vm, KVM_XEN_HVM_SET_ATTR, &lm);
	vm_ioctl(vm, KVM_XEN_HVM_SET_ATTR, &ha);
	vcpu_ioctl(vcpu, KVM_XEN_VCPU_SET_ATTR, &vi);
	vm_ioctl(vm, KVM_XEN_HVM_SET_ATTR, &vec);
	vm_install_exception_handler(vm, EVTCHN_VECTOR, evtchn_handler);

	/* Iteration -1 only reaches the first GUEST_SYNC. */
	for (i = -1; i < iters; i++) {
		struct kvm_clock_data kc = {};
		uint64_t t0 = 0;

		if (i >= 0) {
			vm_ioctl(vm, KVM_GET_CLOCK, &kc);
			t0 = now_ns();
			tmr.u.timer.expires_ns = kc.clock + DELAY_US * 1000ull;
			vcpu_ioctl(vcpu, KVM_XEN_VCPU_SET_ATTR, &tmr);
		}
		vcpu_run(vcpu);
		TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			break;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
		default:
			TEST_FAIL("unexpected ucall");
		}
		if (i >= 0) {
			uint64_t dt = now_ns() - t0;

			TEST_ASSERT(uc.args[1] == last + 1,
				    "one upcall per timer: got %lu after %lu",
				    uc.args[1], last);
			lat[i] = dt > DELAY_US * 1000ull ? dt - DELAY_US * 1000ull : 0;
		}
		last = uc.args[1];
	}
	kvm_vm_free(vm);

	qsort(lat, iters, sizeof(*lat), cmp_u64);
	printf("RESULT xen_timer_latency_%s_us iters=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f\n",
	       name, iters, lat[iters / 2] / 1e3, lat[iters * 9 / 10] / 1e3,
	       lat[iters * 99 / 100] / 1e3, lat[iters - 1] / 1e3);
	free(lat);
}

int main(int argc, char *argv[])
{
	int iters = argc > 1 ? atoi(argv[1]) : 300;

	TEST_REQUIRE(kvm_check_cap(KVM_CAP_XEN_HVM) & KVM_XEN_HVM_CONFIG_SHARED_INFO);
	run_mode("halted", true, iters);
	run_mode("running", false, iters);
	return 0;
}
