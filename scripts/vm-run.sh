#!/bin/bash
# Boot a kernel under QEMU and run a job inside it (scripts/guest/init.sh).
# Usage: vm-run.sh BZIMAGE OUTDIR TIMEOUT_S
#   OUTDIR must hold "job" (see guest/init.sh); it is shared writable with the
#   guest and receives console.log, results.tap, logs/, dmesg/.
# The host's root is the guest's root, read-only over 9p. ACCEL=kvm|tcg
# overrides accel.sh. A VM that does not power off within TIMEOUT_S is
# killed and the run fails with the console's tail.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
KERNEL=$1 OUT=$(cd "$2" && pwd) TMO=$3
[ -f "$OUT/job" ] || die "no job file in $OUT"
accel=$("$TOP/scripts/accel.sh" "$KERNEL" 2>"$OUT/accel.txt")
cat "$OUT/accel.txt" | sed 's/^/    /'
case $accel in
kvm) acc=(-accel kvm -cpu host,+svm,+vmx) ;;
# la57=off: with 5-level paging, a 7.3.4 KASAN kernel intermittently logs
# "KASAN: wild-memory-access in do_raw_spin_lock" from an interrupt during
# identify_cpu() at boot (5 of 18 boots here; 0 of 12 with la57=off): a
# guest-kernel problem that has nothing to do with KVM, kept out of the gate.
tcg) acc=(-accel tcg,thread=multi -cpu max,la57=off) ;;
esac
echo "$accel" >"$OUT/accel"
# kvm.tsc_tolerance_ppm=1000: under TCG the guest's early TSC calibration
# (which built-in KVM takes as its default vCPU rate) can differ from the
# refined rate by more than KVM's default 250 ppm (seen: 2099.296 MHz, then
# 2100.001), and then every vCPU gets "user requested TSC rate below
# hardware speed" and the TSC and kvmclock selftests fail, base or series.
cmdline="console=ttyS0 root=/dev/root rootfstype=9p ro
 rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose
 init=$TOP/scripts/guest/init.sh WS_JOB=job WS_TOP=$TOP panic=-1 oops=panic
 log_buf_len=16M kasan.fault=report kunit.stats_enabled=1
 kvm.tsc_tolerance_ppm=1000 ${VM_APPEND:-}"
: >"$OUT/console.log"
rm -f "$OUT/done"
t0=$(_ts)
timeout -k 10 "$TMO" qemu-system-x86_64 "${acc[@]}" -smp 2 -m 4G \
	-machine q35 -nodefaults -nographic -no-reboot -display none -monitor none \
	-serial "file:$OUT/console.log" -kernel "$KERNEL" -append "${cmdline//$'\n'/}" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=/dev/root \
	-fsdev local,id=out,path="$OUT",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=out,mount_tag=out \
	-device virtio-rng-pci \
	</dev/null >"$OUT/qemu.log" 2>&1 &
qpid=$!
# Relay the guest's progress lines while it runs.
shown=0
relay() {
	local lines
	lines=$(grep -a '^WS-GUEST:' "$OUT/console.log" 2>/dev/null | tr -d '\r' || true)
	[ -n "$lines" ] || return 0
	echo "$lines" | tail -n +$((shown + 1)) | sed "s/^WS-GUEST: /    [vm $accel $(_dur $(($(_ts) - t0)))] /"
	shown=$(echo "$lines" | wc -l)
}
while kill -0 "$qpid" 2>/dev/null; do
	sleep 2
	relay
done
rc=0
wait "$qpid" || rc=$?
relay
echo "$(($(_ts) - t0))" >"$OUT/vm-seconds"
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "---- console tail ($OUT/console.log) ----" >&2
	tail -n 30 "$OUT/console.log" >&2
	die "VM timed out after ${TMO}s (accel $accel); full console: $OUT/console.log"
fi
if [ ! -f "$OUT/done" ]; then
	echo "---- console tail ($OUT/console.log) ----" >&2
	tail -n 30 "$OUT/console.log" >&2
	die "VM stopped before the job finished (qemu rc=$rc); full console: $OUT/console.log, qemu: $OUT/qemu.log"
fi
info "VM ran $(_dur "$(cat "$OUT/vm-seconds")") on $accel"
