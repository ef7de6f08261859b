#!/bin/bash
# make bench: the base and the series side by side.
# Both kernels are built with the same perf config (config/perf.config: no
# lockdep, KASAN or KUnit), booted under the same QEMU settings, and run the
# workshop's benchmark (bench/xen_gpc_bench.c, built as x86/ws_xen_gpc_bench)
# in turn, base then series, BENCH_ROUNDS times (default 5).  Prints, per
# metric, the median and min-max of each kernel and the series/base ratio
# of the medians; the table is also written to build/bench/table.md.
# BENCH_ARGS are passed to the program (default "-t 1").  BENCH_FROM=N
# compares the series with its first N patches instead of the base (e.g.
# the last patch alone: BENCH_FROM=<number of the patch before it>); the
# "base" column is then that kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/series.sh"

B=$BUILD/bench
SRC=$BUILD/bench-src
OBJ=$BUILD/obj-perf
ROUNDS=${BENCH_ROUNDS:-5}
ARGS=${BENCH_ARGS:--t 1}
FROM=${BENCH_FROM:-0}
T0=$(_ts)
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive number"
[[ $FROM =~ ^[0-9]+$ ]] || die "BENCH_FROM must be a number of patches"

"$TOP/scripts/deps.sh"
rm -rf "$B" "$SRC"
mkdir -p "$B"

step "apply series/ to the base"
make_worktree "$SRC"
apply_series "$SRC"
HEAD_SHA=$(git -C "$SRC" rev-parse HEAD)
NR=$(git -C "$SRC" rev-list --count "$WS_BASE..HEAD")
info "$NR patches on $(git -C "$SRC" log -1 --format='%h %s' "$WS_BASE")"
[ "$FROM" -lt "$NR" ] || die "BENCH_FROM=$FROM: the series has $NR patches"
if [ "$FROM" = 0 ]; then
	BASE_REV=$WS_BASE
	BASE_WHAT=base
else
	BASE_REV=$(git -C "$SRC" rev-list --reverse "$WS_BASE..HEAD" | sed -n "${FROM}p")
	BASE_WHAT="patches 1-$FROM"
	info "the \"base\" kernel: $BASE_WHAT, up to $(git -C "$SRC" log -1 --format='%h %s' "$BASE_REV")"
fi
step_done

for k in base series; do
	step "build the $k kernel (perf config)"
	if [ $k = base ]; then rev=$BASE_REV; else rev=$HEAD_SHA; fi
	git -C "$SRC" checkout -q --detach "$rev"
	run_logged "$LOGS/bench-build-$k.log" "$TOP/scripts/build-kernel.sh" "$SRC" "$OBJ" perf bzImage
	cp "$OBJ/arch/x86/boot/bzImage" "$B/$k.bzImage"
	echo "$(make -s -C "$SRC" O="$OBJ" kernelrelease 2>/dev/null) $(git -C "$SRC" rev-parse --short HEAD)" >"$B/$k.kernel"
	step_done
done

step "build the benchmark (bench/xen_gpc_bench.c against the series' selftest library)"
run_logged "$LOGS/bench-selftests.log" "$TOP/scripts/build-selftests.sh" "$SRC" "$OBJ" "$B/selftests" x86/ws_xen_gpc_bench
step_done

: >"$B/metrics.txt"
for r in $(seq 1 "$ROUNDS"); do
	for k in base series; do
		step "round $r/$ROUNDS: boot the $k kernel, run xen_gpc_bench $ARGS"
		V=$B/vm-$k-$r
		mkdir -p "$V"
		echo "xen_gpc_bench 1200 $B/selftests/x86/ws_xen_gpc_bench $ARGS" >"$V/job"
		"$TOP/scripts/vm-run.sh" "$B/$k.bzImage" "$V" 1500
		grep -q '^ok 1 ' "$V/results.tap" ||
			die "xen_gpc_bench failed on the $k kernel: $(tail -n 1 "$V/results.tap"); $V/logs/xen_gpc_bench.log"
		# Numbers from a kernel that logged a bug are not numbers.
		sp=$(cat "$V/dmesg-boot.txt" "$V"/dmesg/*.txt "$V/dmesg-end.txt" |
			"$TOP/scripts/dmesg-scan.sh" /dev/stdin | head -n 1 || true)
		[ -z "$sp" ] || die "the $k kernel logged a bug during the benchmark: $sp; $V/dmesg/"
		awk -v k=$k -v r="$r" '$1 == "metric" { print k, r, $2, $3, $4 }' \
			"$V/logs/xen_gpc_bench.log" >>"$B/metrics.txt"
		info "$(grep -c "^$k $r " "$B/metrics.txt") metrics"
		step_done
	done
done

step "results"
accel=$(cat "$B/vm-base-1/accel")
python3 - "$B/metrics.txt" "$ROUNDS" "$accel" "$(cat "$B/base.kernel")" \
	"$(cat "$B/series.kernel")" "$ARGS" "$(nproc)" "$BASE_WHAT" >"$B/table.md" <<'PY'
import statistics, sys
path, rounds, accel, kbase, kseries, args, ncpu, what = sys.argv[1:]
data, units, order = {}, {}, []
for line in open(path):
    k, r, name, value, unit = line.split()
    if name not in units:
        order.append(name)
    units[name] = unit
    data.setdefault((k, name), []).append(float(value))
def cell(v):
    if not v:
        return "-", None
    m = statistics.median(v)
    return "%.4g (%.4g-%.4g)" % (m, min(v), max(v)), m
print("xen_gpc_bench %s, %s rounds each, alternating; host %s CPUs; QEMU %s, "
      "-smp 2 -m 4G; base (%s) %s, series %s; perf config (no lockdep, KASAN, KUnit)"
      % (args, rounds, ncpu, accel, what, kbase, kseries))
print()
print("| metric | unit | base: median (min-max) | series: median (min-max) | series/base |")
print("|---|---|---|---|---|")
for n in order:
    b, mb = cell(data.get(("base", n), []))
    s, ms = cell(data.get(("series", n), []))
    ratio = "%.2f" % (ms / mb) if mb and ms is not None else "-"
    print("| %s | %s | %s | %s | %s |" % (n, units[n], b, s, ratio))
# Each storm's refresh p99 against the quiet p99 of the same boot.
runs = {}
for line in open(path):
    k, r, name, value, unit = line.split()
    runs.setdefault((k, r), {})[name] = float(value)
ratios, storms = {}, []
for (k, r), m in runs.items():
    q = m.get("refresh_quiet_p99")
    for name, v in m.items():
        if not (name.startswith("refresh_") and name.endswith("_p99")) or \
           name.endswith(("_null_p99", "_ipi_p99")) or name == "refresh_quiet_p99" or not q:
            continue
        storm = name[len("refresh_"):-len("_p99")]
        if storm not in storms:
            storms.append(storm)
        ratios.setdefault((k, storm), []).append(v / q)
if storms:
    print()
    print("refresh p99 under each storm / quiet p99 of the same boot:")
    print()
    print("| storm | base: median (min-max) | series: median (min-max) |")
    print("|---|---|---|")
    for st in storms:
        print("| %s | %s | %s |" % (st, cell(ratios.get(("base", st), []))[0],
                                  cell(ratios.get(("series", st), []))[0]))
PY
cat "$B/table.md"
step_done
info "table: $B/table.md; raw: $B/metrics.txt; total $(_dur $(($(_ts) - T0)))"
