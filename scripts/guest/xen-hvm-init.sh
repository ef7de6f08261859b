#!/bin/sh
# /init of the nested Xen HVM guest (L2), run under QEMU's Xen emulation on
# the kernel under test (see xen-hvm.sh).  Prints one line per check,
# "XENCHECK ok|fail NAME DETAIL", which the host side turns into results.
#
# Boot 1: checks that the guest runs on Xen with its event channels, timers,
# vcpu_info/vcpu_time_info and runstate areas in use, writes a pattern
# across the Xen PV disk and reads it back, offlines and onlines a vCPU
# (runstate and timers re-registered) while disk I/O flows, then reboots.
# Boot 2 (shared_info, vcpu_info and runstate registered again): checks
# again and verifies the pattern survived, then powers off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

ok() { echo "XENCHECK ok $*"; }
fail() { echo "XENCHECK fail $*"; }
param() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
# irqs NAME: the total count of the interrupt lines whose name matches NAME.
irqs() { grep -E "$1" /proc/interrupts | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break } END { print s + 0 }'; }

DISK=/dev/xvda
PATTERN_MB=32
MARK_MB=63
mark=$(dd if=$DISK bs=1M skip=$MARK_MB count=1 2>/dev/null | head -c 64 | tr -d '\000')
case $mark in XENHVM-BOOT1*) boot=2 ;; *) boot=1 ;; esac
sfx=; [ $boot = 2 ] && sfx=-2
echo "XENBOOT $boot"

t=$(cat /sys/hypervisor/type 2>/dev/null)
[ "$t" = xen ] && ok "hypervisor$sfx xen $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)" ||
	fail "hypervisor$sfx /sys/hypervisor/type is '$t'"

cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
[ "$cs" = xen ] && ok "clocksource$sfx xen (vcpu_time_info in vcpu_info)" || fail "clocksource$sfx is $cs, not xen"

a=$(irqs 'timer0'); sleep 2; b=$(irqs 'timer0')
[ "$b" -gt "$a" ] && ok "timer-events$sfx Xen timer VIRQ on cpu0 $a -> $b in 2s" ||
	fail "timer-events$sfx Xen timer VIRQ on cpu0 did not rise ($a -> $b)"

host=$(param ws_epoch); now=$(date +%s); d=$((now - host))
[ "$d" -ge -60 ] && [ "$d" -le 900 ] && ok "wallclock$sfx guest clock $d s after the host's at launch" ||
	fail "wallclock$sfx guest clock $d s from the host's at launch"

[ -b $DISK ] || { fail "pv-disk$sfx no $DISK"; poweroff -f; }

if [ $boot = 1 ]; then
	dd if=/dev/urandom of=/tmp/pattern bs=1M count=$PATTERN_MB 2>/dev/null
	want=$(sha256sum /tmp/pattern | cut -d' ' -f1)
	dd if=/tmp/pattern of=$DISK bs=1M conv=fsync 2>/dev/null
	echo 3 >/proc/sys/vm/drop_caches
	got=$(dd if=$DISK bs=1M count=$PATTERN_MB 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] && ok "pv-disk $((PATTERN_MB << 20)) bytes written, $((PATTERN_MB << 20)) verified" ||
		fail "pv-disk read back differs from the $((PATTERN_MB << 20)) bytes written"
	rm -f /tmp/pattern

	# vCPU 1 off and on three times while the disk is read in a loop.
	ipi0=$(irqs 'xen-percpu-ipi')
	(while :; do dd if=$DISK of=/dev/null bs=1M count=$PATTERN_MB 2>/dev/null; echo 3 >/proc/sys/vm/drop_caches; done) &
	io=$!
	hp=ok
	for i in 1 2 3; do
		echo 0 >/sys/devices/system/cpu/cpu1/online || hp="offline $i failed"
		sleep 1
		echo 1 >/sys/devices/system/cpu/cpu1/online || hp="online $i failed"
		sleep 1
	done
	a=$(irqs 'timer1'); sleep 2; b=$(irqs 'timer1')
	kill $io; wait $io 2>/dev/null
	got=$(dd if=$DISK bs=1M count=$PATTERN_MB 2>/dev/null | sha256sum | cut -d' ' -f1)
	if [ "$hp" = ok ] && [ "$b" -gt "$a" ] && [ "$got" = "$want" ]; then
		ok "cpu-hotplug cpu1 offline/online x3 under disk I/O; its timer VIRQ $a -> $b; data intact"
	else
		fail "cpu-hotplug $hp; cpu1 timer VIRQ $a -> $b; data $([ "$got" = "$want" ] && echo intact || echo CHANGED)"
	fi
	ipi1=$(irqs 'xen-percpu-ipi')
	[ "$ipi1" -gt "$ipi0" ] && ok "ipi-events Xen IPI event channels $ipi0 -> $ipi1" ||
		fail "ipi-events Xen IPI event channels did not rise ($ipi0 -> $ipi1)"

	steal=$(awk '/^cpu /{ print $9 }' /proc/stat)
	[ "$steal" -gt 0 ] && ok "steal runstate-based steal time $steal ticks" ||
		fail "steal no steal time accounted (runstate area unused?)"

	if [ "$(param ws_reboot)" = 0 ]; then
		echo "XENCHECK done"
		poweroff -f
	fi
	printf 'XENHVM-BOOT1 %s' "$want" | dd of=$DISK bs=1M seek=$MARK_MB conv=fsync 2>/dev/null
	echo "XENCHECK rebooting"
	reboot -f
else
	want=${mark#XENHVM-BOOT1 }
	got=$(dd if=$DISK bs=1M count=$PATTERN_MB 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] && ok "pv-disk-2 $((PATTERN_MB << 20)) bytes verified after the reboot" ||
		fail "pv-disk-2 data differs after the reboot"
	echo "XENCHECK done"
	poweroff -f
fi
