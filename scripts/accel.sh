#!/bin/bash
# Print the QEMU accelerator options to use: ACCEL=kvm|tcg overrides.
# /dev/kvm alone proves nothing here: on these machines it is a PVM
# hypervisor that cannot run a normal guest (QEMU aborts or hangs). KVM is
# used only if the CPU advertises VMX or SVM *and* a probe boot of the given
# kernel reaches init within 60 s; otherwise TCG.
# Usage: accel.sh BZIMAGE   (prints "kvm" or "tcg"; reason on stderr)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
case ${ACCEL:-} in
kvm | tcg) echo "$ACCEL"; echo "accelerator: $ACCEL (ACCEL= given)" >&2; exit 0 ;;
'') ;;
*) die "ACCEL must be kvm or tcg, not '$ACCEL'" ;;
esac
if [ ! -w /dev/kvm ]; then
	echo "accelerator: tcg (no usable /dev/kvm)" >&2; echo tcg; exit 0
fi
if ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
	echo "accelerator: tcg (/dev/kvm exists but the CPU has no VMX/SVM: not hardware KVM)" >&2
	echo tcg; exit 0
fi
cache=$CACHE/accel-probe
if [ -f "$cache" ] && [ "$(cat "$cache")" = "kvm $(uname -r)" ]; then echo kvm; exit 0; fi
log=$LOGS/accel-probe.log
if timeout -k 5 60 qemu-system-x86_64 -accel kvm -cpu host -m 512 -smp 1 -nographic \
	-no-reboot -kernel "$1" -append "console=ttyS0 panic=-1 init=/nonexistent" \
	>"$log" 2>&1 </dev/null; then :; fi
if grep -q 'Run /nonexistent as init process\|Kernel panic - not syncing: .*init' "$log"; then
	echo "kvm $(uname -r)" >"$cache"
	echo "accelerator: kvm (probe boot reached init)" >&2; echo kvm
else
	echo "accelerator: tcg (a probe boot under KVM did not reach init: $log)" >&2; echo tcg
fi
