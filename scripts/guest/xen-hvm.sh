#!/bin/bash
# Run in the VM of the kernel under test: boot a Xen HVM guest (L2) under
# QEMU's Xen emulation on this kernel's KVM, with a Xen PV disk, and turn
# the guest's XENCHECK lines (xen-hvm-init.sh) into one line per check.
# Usage: xen-hvm.sh L2_BZIMAGE INITRD [REBOOT]
#   REBOOT  1 (default): the guest reboots once and checks again; 0: one boot.
# Exit status: 0 if every expected check passed.
set -uo pipefail
KERNEL=$1 INITRD=$2 REBOOT=${3:-1}
CHECKS="hypervisor clocksource timer-events wallclock pv-disk cpu-hotplug ipi-events steal"
((REBOOT)) && CHECKS+=" hypervisor-2 clocksource-2 timer-events-2 wallclock-2 pv-disk-2"
W=$(mktemp -d)
truncate -s 64M "$W/xvda.img"
t0=$(date +%s)
echo "L2: QEMU Xen emulation (xen-version 4.10), 2 vCPUs, 512 MiB, Xen PV disk xvda"
timeout -k 10 540 qemu-system-x86_64 -M pc -nodefaults -nographic -m 512 -smp 2 \
	-accel kvm,xen-version=0x4000a,kernel-irqchip=split -cpu host \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 loglevel=4 panic=-1 ws_epoch=$(date +%s) ws_reboot=$REBOOT" \
	-drive file="$W/xvda.img",if=none,id=disk,format=raw,file.locking=off \
	-device xen-disk,drive=disk,vdev=xvda \
	-serial stdio </dev/null | tee "$W/console.log" | sed -u 's/^/    L2| /'
rc=${PIPESTATUS[0]}
echo "L2: QEMU exited with $rc after $(($(date +%s) - t0)) s"
fail=0
for c in $CHECKS; do
	l=$(grep -m1 -aE "^XENCHECK (ok|fail) $c( |$)" "$W/console.log" | tr -d '\r')
	case $l in
	"XENCHECK ok "*) echo "XENRESULT ok $c ${l#XENCHECK ok $c }" ;;
	"XENCHECK fail "*) echo "XENRESULT fail $c ${l#XENCHECK fail $c }"; fail=1 ;;
	*) echo "XENRESULT fail $c did not run (see the guest console above)"; fail=1 ;;
	esac
done
grep -q "^XENCHECK done" "$W/console.log" || { echo "L2: the guest did not finish"; fail=1; }
((fail)) && echo "L2: its console is above (lines starting with 'L2|')"
rm -rf "$W"
exit $fail
