#!/bin/bash
# PID 1 inside the test VM. The root is the host's, read-only over 9p; the
# host's job folder is at /run/out (writable). Inputs (kernel command line,
# passed to init as environment): WS_JOB, the job file in that folder: one test a
# line, "NAME TIMEOUT_S PATH [ARGS...]". Outputs there:
#   results.tap       kselftest TAP, one line a test
#   logs/NAME.log     a test's output; dmesg/NAME.txt the kernel log it caused
#   dmesg-boot.txt    the kernel log up to the first test (KUnit runs there)
#   tainted           /proc/sys/kernel/tainted at the end
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /dev/shm
mount -t tmpfs tmp /run
# Writable /tmp and /var/tmp over the read-only root; the workshop itself
# (WS_TOP) may live under one of them (CI clones anywhere): keep it visible.
for t in /tmp /var/tmp; do
	mkdir -p /run/host$t
	mount --bind $t /run/host$t
	mount -t tmpfs tmp $t
	case ${WS_TOP:-} in
	$t/*) mkdir -p "$WS_TOP"; mount --bind "/run/host$WS_TOP" "$WS_TOP" ;;
	esac
done
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# The read-only root has no /out: the job folder is mounted under /run.
O=/run/out
mkdir -p $O
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out $O || {
	echo "WS-GUEST: cannot mount the job folder"; echo o >/proc/sysrq-trigger; }
ulimit -c 0
hostname testvm
echo "WS-GUEST: up $(cut -d' ' -f1 /proc/uptime)s $(uname -r)"
mkdir -p $O/logs $O/dmesg
dmesg -c >$O/dmesg-boot.txt
cp /proc/config.gz $O/ 2>/dev/null

n=$(grep -cv '^[[:space:]]*\(#\|$\)' "$O/$WS_JOB")
echo "TAP version 13" >$O/results.tap
echo "1..$n" >>$O/results.tap
i=0
while read -r name tmo path args; do
	case $name in ''|\#*) continue ;; esac
	i=$((i + 1))
	safe=${name//\//_}
	echo "WS-GUEST: [$i/$n] $name"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	(cd "$(dirname "$path")" && timeout -k 5 "$tmo" "$path" $args) \
		>"$O/logs/$safe.log" 2>&1 </dev/null
	rc=$?
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc)
	dmesg -c >"$O/dmesg/$safe.txt"
	case $rc in
	0) res="ok $i $name" ;;
	4) res="ok $i $name # SKIP $(grep -m1 -iE 'skip|requirement' "$O/logs/$safe.log" | tr -d '#' | cut -c1-120)" ;;
	124 | 137) res="not ok $i $name # TIMEOUT ${tmo}s" ;;
	*) res="not ok $i $name # exit=$rc" ;;
	esac
	echo "$res" >>$O/results.tap
	printf '%s %s %.1f\n' "$name" "$rc" "$secs" >>$O/times.txt
	printf "WS-GUEST: %s (%.1fs)\n" "$res" "$secs"
done <"$O/$WS_JOB"
cat /proc/sys/kernel/tainted >$O/tainted
dmesg -c >$O/dmesg-end.txt
echo done >$O/done
sync
echo "WS-GUEST: done"
echo o >/proc/sysrq-trigger
sleep 10
