#!/bin/bash
# PID 1 inside the test VM. The root is the host's, read-only over 9p; the
# host's job folder is at /out (writable). Inputs (kernel command line,
# passed to init as environment): WS_JOB, the job file in /out: one test a
# line, "NAME TIMEOUT_S PATH [ARGS...]". Outputs in /out:
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
mount -t tmpfs tmp /tmp
mount -t tmpfs tmp /run
mount -t tmpfs tmp /var/tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /out || {
	echo "guest: cannot mount /out"; echo o >/proc/sysrq-trigger; }
ulimit -c 0
hostname testvm
echo "WS-GUEST: up $(cut -d' ' -f1 /proc/uptime)s $(uname -r)"
mkdir -p /out/logs /out/dmesg
dmesg -c >/out/dmesg-boot.txt
cp /proc/config.gz /out/ 2>/dev/null

n=$(grep -cv '^[[:space:]]*\(#\|$\)' "/out/$WS_JOB")
echo "TAP version 13" >/out/results.tap
echo "1..$n" >>/out/results.tap
i=0
while read -r name tmo path args; do
	case $name in ''|\#*) continue ;; esac
	i=$((i + 1))
	safe=${name//\//_}
	echo "WS-GUEST: [$i/$n] $name"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	(cd "$(dirname "$path")" && timeout -k 5 "$tmo" "$path" $args) \
		>"/out/logs/$safe.log" 2>&1 </dev/null
	rc=$?
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc)
	dmesg -c >"/out/dmesg/$safe.txt"
	case $rc in
	0) res="ok $i $name" ;;
	4) res="ok $i $name # SKIP $(grep -m1 -iE 'skip|requirement' "/out/logs/$safe.log" | tr -d '#' | cut -c1-120)" ;;
	124 | 137) res="not ok $i $name # TIMEOUT ${tmo}s" ;;
	*) res="not ok $i $name # exit=$rc" ;;
	esac
	echo "$res" >>/out/results.tap
	printf '%s %s %.1f\n' "$name" "$rc" "$secs" >>/out/times.txt
	echo "WS-GUEST: $res (${secs%.*}s)"
done <"/out/$WS_JOB"
cat /proc/sys/kernel/tainted >/out/tainted
dmesg -c >/out/dmesg-end.txt
sync
echo "WS-GUEST: done"
echo o >/proc/sysrq-trigger
sleep 10
