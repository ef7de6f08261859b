#!/bin/bash
# The gate. Usage: gate.sh main|test
#   main  apply series/ to the base, build the patched kernel and the KVM
#         selftests, boot it under QEMU, run the Xen and pvclock tests
#         (and KUnit), print a short summary.
#   test  everything: checkpatch, a build at every patch, sparse, kernel-doc
#         and coccicheck against the base, the export round trip, the
#         reproducers on the base kernel, KUnit and the selftest list on the
#         series' kernel, the dmesg and taint checks.
# Inputs: series/, tests/*.txt, config/*.config, base/linux-source.lock;
# KSRC= (apply onto that tree's HEAD), ACCEL= (kvm|tcg).
# Output: build/gate/ (results.tap, logs, VM folders); the last line is
# "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/series.sh"
MODE=${1:-main}
case $MODE in main | test) ;; *) die "usage: gate.sh main|test" ;; esac

G=$BUILD/gate
# The source tree sits beside $G, at a fixed place, so that ccache (which
# sees paths relative to the clone) hits across runs and clones.
SRC=$BUILD/gate-src
OBJ=$BUILD/obj-debug
RES=$G/results.tap
VM_TIMEOUT=${VM_TIMEOUT:-1500}
T0=$(_ts)
COCCI_PID= # the background coccicheck, while it runs

rm -rf "$G" "$SRC"
mkdir -p "$G" "$LOGS"
: >"$RES"
record() { # record ok|fail|skip NAME [DETAIL]
	local r=$1 n=$2 d=${3:-}
	case $r in
	ok) echo "ok - $n${d:+ # $d}" >>"$RES"; printf '    PASS %s%s\n' "$n" "${d:+ ($d)}" ;;
	skip) echo "ok - $n # SKIP $d" >>"$RES"; printf '    SKIP %s (%s)\n' "$n" "$d" ;;
	*) echo "not ok - $n${d:+ # $d}" >>"$RES"; printf '    FAIL %s%s\n' "$n" "${d:+: $d}" ;;
	esac
}
summary() {
	local rc=$? p f s
	[ -z "$COCCI_PID" ] || kill_tree "$COCCI_PID"
	p=$(grep -c '^ok - ' "$RES" || true)
	s=$(grep -c '^ok - .* # SKIP' "$RES" || true)
	f=$(grep -c '^not ok - ' "$RES" || true)
	((rc == 0)) || f=$((f + 1))
	echo
	echo "==> summary ($MODE, $(_dur $(($(_ts) - T0))))"
	[ -f "$G/kernel" ] && info "kernel:      $(cat "$G/kernel")"
	[ -f "$G/vm-series/accel.txt" ] && info "$(sed 's/^ *//' "$G/vm-series/accel.txt")"
	info "results:     $RES; logs: $LOGS"
	# One line per kind of check: what ran, what passed.
	sed -E 's/^(not )?ok - ([^:]+): .*/\2/; t; s/^(not )?ok - ([^#]+).*/\2/' "$RES" |
		sed 's/ *$//' | awk '!seen[$0]++' | while read -r kind; do
		k_ok=$(grep -cE "^ok - $kind(:| #|$)" "$RES" || true)
		k_sk=$(grep -cE "^ok - $kind(:.*)? # SKIP" "$RES" || true)
		k_f=$(grep -cE "^not ok - $kind(:| #|$)" "$RES" || true)
		printf '    %-22s %3d passed, %d failed, %d skipped\n' "$kind" $((k_ok - k_sk)) "$k_f" "$k_sk"
	done
	if ((f)); then
		{ grep '^not ok - ' "$RES" || true; } | sed 's/^not ok - /    failed: /'
		((rc == 0)) || echo "    failed: step '$STEP_NAME' stopped the gate (see above)"
	fi
	echo "$((p - s)) passed, $f failed, $s skipped"
	echo "$((p - s)) passed, $f failed"
	((f == 0)) || exit 1
}
trap summary EXIT

"$TOP/scripts/deps.sh"
[ "$MODE" = test ] && SPARSE=$("$TOP/scripts/sparse.sh")

step "apply series/ to the base"
make_worktree "$SRC"
# In its own clone of the pinned base the gate works on the stack's
# branches (the export round trip needs the cover letters, kept as their
# descriptions); in a KSRC worktree, on a detached HEAD: nothing is added
# to the user's refs.
if [ -n "${KSRC:-}" ]; then apply_series "$SRC"; else apply_series "$SRC" branches; fi
HEAD_SHA=$(git -C "$SRC" rev-parse HEAD)
mapfile -t COMMITS < <(git -C "$SRC" rev-list --reverse "$WS_BASE..HEAD")
mapfile -t PATCHES < <(series_patches)
base_desc=$(git -C "$SRC" log -1 --format='%h %s' "$WS_BASE")
record ok "series applies" "${#COMMITS[@]} patches in $(series_dirs | wc -l) series on $base_desc"
step_done

# patch_name I: the I-th patch as series/patch (for messages); log_name I:
# the same as one file name (for logs).
patch_name() {
	local p=${PATCHES[$1]:-}
	if [ -n "$p" ]; then echo "$(basename "$(dirname "$p")")/$(basename "$p")"; else echo "commit-$(($1 + 1))"; fi
}
log_name() { patch_name "$1" | tr / _; }
touched=$(git -C "$SRC" diff --name-only "$WS_BASE" HEAD)

if [ "$MODE" = test ]; then
	step "checkpatch --strict on every patch"
	cp_opts=(--strict --terse --no-summary -q)
	if [ "$(git -C "$SRC" rev-list --count "$WS_BASE")" = 1 ]; then
		# The pinned base has no history: checkpatch cannot look up
		# upstream commit ids there, so tests/upstream-commits.txt does.
		cp_opts+=(--ignore UNKNOWN_COMMIT_ID)
		info "base without history: commit ids are checked against tests/upstream-commits.txt"
		for i in "${!PATCHES[@]}"; do
			n=$(patch_name "$i")
			# References may wrap: join the message's lines first.
			bad=$( { sed '/^---$/q' "${PATCHES[$i]}" | tr '\n' ' ' | sed 's/  */ /g' |
				grep -oE '\b[0-9a-f]{12,40} \("[^"]+"\)' || true; } | sort -u |
				while read -r id subj; do
					id=${id:0:12}
					subj=${subj#(\"}; subj=${subj%\")}
					grep -qxF "$id $subj" "$TOP/tests/upstream-commits.txt" || echo "$id ($subj)"
				done)
			if [ -z "$bad" ]; then
				record ok "commit references: $n"
			else
				record fail "commit references: $n" "not in tests/upstream-commits.txt: $bad"
			fi
		done
	fi
	# checkpatch asks "does MAINTAINERS need updating?" of every patch
	# that adds or deletes a file; the gate answers it: each such file
	# must be covered by a MAINTAINERS entry (other than THE REST) at the
	# series' head.
	cp_opts+=(--ignore FILE_PATH_CHANGES)
	for i in "${!PATCHES[@]}"; do
		n=$(patch_name "$i")
		for f in $(git -C "$SRC" diff --name-only --diff-filter=AD "${COMMITS[$i]}^" "${COMMITS[$i]}"); do
			secs=$(cd "$SRC" && ./scripts/get_maintainer.pl --no-git --no-rolestats --sections -f "$f" 2>/dev/null |
				grep -E '^[A-Z0-9].*\(|^[A-Z][A-Z0-9 /_-]+$' | grep -v '^THE REST' | head -n 1 || true)
			if [ -n "$secs" ]; then
				record ok "maintained: $f" "$secs"
			else
				record fail "maintained: $f" "added in $n, covered by no MAINTAINERS entry"
			fi
		done
		# Clean means exit 0 and nothing printed (a Python traceback from
		# spdxcheck, say, is not clean).
		if out=$(cd "$SRC" && ./scripts/checkpatch.pl "${cp_opts[@]}" "${PATCHES[$i]}" 2>&1) && [ -z "$out" ]; then
			record ok "checkpatch: $n"
		else
			echo "$out" >"$LOGS/checkpatch-$(log_name "$i").log"
			record fail "checkpatch: $n" "$(echo "$out" | head -n 1); $LOGS/checkpatch-$(log_name "$i").log"
		fi
	done
	step_done
fi

build() { # build LABEL LOG TARGETS...: kernel build at the current checkout
	local label=$1 log=$2
	shift 2
	run_logged "$log" "$TOP/scripts/build-kernel.sh" "$SRC" "$OBJ" debug "$@"
}

# Static checks of touched C files and headers, run at the base and at the
# series' head; only what the series adds counts.
kvm_touched() { echo "$touched" | grep -qE '^(arch/x86/kvm|virt/kvm|include/linux/kvm)'; }
static_checks() { # static_checks TAG: kernel-doc and sparse at the checkout
	local tag=$1 f
	: >"$G/kdoc-$tag.txt"
	for f in $touched; do
		case $f in *.c | *.h) ;; *) continue ;; esac
		[ -f "$SRC/$f" ] || continue
		# "Warning: file:LINE msg": drop the line number; a crash of the
		# tool itself is kept as a line that the other side cannot have.
		(cd "$SRC" && ./scripts/kernel-doc -none -Wall "$f" 2>&1 || echo "kernel-doc failed on $f ($tag)") |
			sed -E 's/:[0-9]+([: ])/:\1/' >>"$G/kdoc-$tag.txt"
	done
	if kvm_touched; then
		run_logged "$LOGS/sparse-$tag.log" "$TOP/scripts/build-kernel.sh" "$SRC" "$OBJ" debug \
			C=2 CHECK="$SPARSE" arch/x86/kvm/
		! grep -qE 'is not available or not up to date|Segmentation fault|too many errors' "$LOGS/sparse-$tag.log" ||
			die "sparse did not check the files ($tag): $LOGS/sparse-$tag.log"
		{ grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error)' "$LOGS/sparse-$tag.log" || true; } |
			sed -E 's/:[0-9]+:[0-9]+:/:/' | sort >"$G/sparse-$tag.txt"
	fi
}
# coccicheck is the slowest static check (spatch takes one file at a time:
# about 10 minutes for both ends here), so it runs in the background, in a
# tree of its own, while the per-patch builds (mostly one compile at a
# time) leave a core idle.  cocci_both runs it at the base, then at the
# series' head.
cocci_both() {
	local t=$G/cocci-src o=$G/cocci-obj tag rev
	git clone -q --shared --no-checkout "$SRC" "$t"
	# The base build's generated headers, copied: the per-patch builds
	# rewrite $OBJ meanwhile.
	mkdir -p "$o/include" "$o/arch/x86/include"
	cp -a "$OBJ/include/generated" "$o/include/"
	cp -a "$OBJ/arch/x86/include/generated" "$o/arch/x86/include/"
	for tag in base series; do
		if [ $tag = base ]; then rev=$(git -C "$SRC" rev-parse "$WS_BASE"); else rev=$HEAD_SHA; fi
		git -C "$t" checkout -q --detach "$rev"
		echo "coccicheck at the $tag ($(git -C "$t" log -1 --format=%h "$rev")): $LOGS/cocci-$tag.log"
		# shellcheck disable=SC2086 # $touched is a list of paths
		"$TOP/scripts/coccicheck.sh" "$t" "$o" $touched 2>&1 | tee "$LOGS/cocci-$tag.log"
	done
}
cocci_report() { # cocci_report TAG: the reports of cocci-TAG.log, without line numbers
	{ grep -E '^[^ ]+\.(c|h):[0-9]' "$LOGS/cocci-$1.log" || true; } |
		sed -E 's/:[0-9]+:[0-9]+-[0-9]+:/:/; s/:[0-9]+:[0-9]+:/:/; s/line [0-9]+/line N/g' |
		sort >"$G/cocci-$1.txt"
}
# kill_tree PID: PID and its descendants (the background coccicheck, if the
# gate stops before waiting for it).
kill_tree() { local c; for c in $(pgrep -P "$1" || true); do kill_tree "$c"; done; kill "$1" 2>/dev/null || true; }
new_lines() { # new_lines A B: lines of B not in A (as multisets)
	comm -13 <(sort "$1") <(sort "$2")
}

step "build the base kernel ($(git -C "$SRC" rev-parse --short "$WS_BASE"))"
git -C "$SRC" checkout -q --detach "$WS_BASE"
if [ "$MODE" = test ]; then
	build base "$LOGS/build-base.log" bzImage
	cp "$OBJ/arch/x86/boot/bzImage" "$G/base.bzImage"
	record ok "build: base"
	step_done
	step "static checks on the base (kernel-doc, sparse; coccicheck starts in the background)"
	static_checks base
	if kvm_touched; then
		cocci_both >"$LOGS/cocci.log" 2>&1 &
		COCCI_PID=$!
		info "coccicheck (base, then series' head) in the background: $LOGS/cocci.log"
	fi
	step_done
else
	info "skipped in 'make' (the gate, 'make test', builds and boots the base)"
fi

# Every patch builds with KVM as modules and KVM_WERROR=y, modpost
# included, as the KVM x86 maintainers ask (build-kernel.sh "modules":
# tinyconfig + config/modules.config, in its own folder); the series' head
# also builds, KVM built in, as the debug kernel the VM boots.
MOBJ=$BUILD/obj-modules
mbuild() { # mbuild LOG: vmlinux and the modules, KVM as modules, at the checkout
	run_logged "$1" "$TOP/scripts/build-kernel.sh" "$SRC" "$MOBJ" modules vmlinux modules
}
if [ "$MODE" = test ]; then
	step "build the base with KVM as modules (tinyconfig, KVM_WERROR=y)"
	mbuild "$LOGS/build-modules-base.log"
	record ok "build: base, KVM=m"
	step_done
fi
last=$((${#COMMITS[@]} - 1))
for i in "${!COMMITS[@]}"; do
	[ "$MODE" = test ] || [ "$i" = "$last" ] || continue
	n=$(patch_name "$i")
	ln=$(log_name "$i")
	step "build at patch $((i + 1))/${#COMMITS[@]}: $n"
	git -C "$SRC" checkout -q --detach "${COMMITS[$i]}"
	files=$(git -C "$SRC" diff --name-only "${COMMITS[$i]}^" "${COMMITS[$i]}")
	how=
	hobj=$OBJ
	if [ "$MODE" = test ]; then
		hobj=$MOBJ
		if grep -qvE '^(tools/|Documentation/|MAINTAINERS$)' <<<"$files"; then
			mbuild "$LOGS/build-modules-$ln.log"
			how="KVM=m, KVM_WERROR=y"
		else
			# Nothing the kernel build reads changed: the kernel is the
			# previous patch's, built already.
			how="kernel unchanged"
		fi
	fi
	if [ "$i" = "$last" ]; then
		build "$n" "$LOGS/build-$ln.log" bzImage
		how="${how:+$how; }the debug kernel, KVM=y"
	fi
	if grep -q '^tools/testing/selftests/kvm/' <<<"$files"; then
		# The programs the patch adds or changes, or all of them when
		# it touches anything else there (the library, headers).
		progs=()
		if ! grep '^tools/testing/selftests/kvm/' <<<"$files" |
			grep -qvE '^tools/testing/selftests/kvm/(x86/[^/]+\.c|Makefile\.kvm)$'; then
			progs=($(sed -n 's|^tools/testing/selftests/kvm/\(x86/[^/]*\)\.c$|\1|p' <<<"$files"))
		fi
		run_logged "$LOGS/selftests-$ln.log" "$TOP/scripts/build-selftests.sh" "$SRC" "$hobj" "$G/selftests-$i" "${progs[@]}"
		rm -rf "$G/selftests-$i"
		how="${how:+$how; }selftests: ${progs[*]:-all}"
	fi
	record ok "build: $n" "$how"
	step_done
done
if [ -n "${KSRC:-}" ]; then git -C "$SRC" checkout -q --detach "$HEAD_SHA"; else git -C "$SRC" checkout -q "$(tree_branch)"; fi
if ((${#COMMITS[@]} == 0)); then
	step "build the kernel (no patches in series/)"
	build base "$LOGS/build-base.log" bzImage
	step_done
fi
cp "$OBJ/arch/x86/boot/bzImage" "$G/series.bzImage"
echo "$(make -s -C "$SRC" O="$OBJ" kernelrelease 2>/dev/null) + ${#COMMITS[@]} patches, $(git -C "$SRC" rev-parse --short HEAD)" >"$G/kernel"

if [ "$MODE" = test ] && ((${#COMMITS[@]})); then
	step "static checks on the series"
	static_checks series
	if [ -n "$COCCI_PID" ]; then
		info "waiting for the background coccicheck"
		wait_logged "$COCCI_PID" "$LOGS/cocci.log" "coccicheck (cocci_both)"
		COCCI_PID=
		cocci_report base
		cocci_report series
	fi
	for c in kdoc sparse cocci; do
		[ -f "$G/$c-series.txt" ] || continue
		new=$(new_lines "$G/$c-base.txt" "$G/$c-series.txt")
		if [ -z "$new" ]; then
			record ok "$c: no new warning on the touched files"
		else
			echo "$new" >"$LOGS/$c-new.txt"
			record fail "$c: new warnings" "$(echo "$new" | head -n 1); all: $LOGS/$c-new.txt"
		fi
	done
	step_done

	step "export round trip (series/ reproduced byte for byte)"
	if [ -n "${KSRC:-}" ]; then
		record skip "export round trip" "with KSRC the base (and base-commit:) is not series/'s"
	else
	as_series_sender export_series "$SRC" "$G/export"
	# Each series of the stack: its own mbox, cover letter and base-commit.
	for d in $(series_dirs); do
		sn=$(basename "$d")
		if diff <(cd "$d" && ls) <(cd "$G/export/$sn" && ls) >/dev/null &&
			diff -r "$d" "$G/export/$sn" >"$LOGS/roundtrip-$sn.diff" 2>&1; then
			record ok "export round trip: $sn"
		else
			diff -ru "$d" "$G/export/$sn" >"$LOGS/roundtrip-$sn.diff" 2>&1 || true
			record fail "export round trip: $sn" "series/$sn differs from a fresh export of its branch: $LOGS/roundtrip-$sn.diff"
		fi
	done
	fi
	step_done
fi

step "build the KVM selftests and benchmarks"
run_logged "$LOGS/selftests.log" "$TOP/scripts/build-selftests.sh" "$SRC" "$OBJ" "$G/selftests"
step_done

# write_job LISTFILE OUT [FILTER]: a VM job from a test list.
write_job() {
	local list=$1 out=$2 filter=${3:-.}
	mkdir -p "$out"
	grep -vE '^[[:space:]]*(#|$)' "$list" | grep -E "$filter" |
		while read -r name tmo _; do
			[ -x "$G/selftests/$name" ] || { echo "$name $tmo /nonexistent/$name"; continue; }
			echo "$name $tmo $G/selftests/$name"
		done >"$out/job"
}
# splat_of DIR NAME: the first bug line the kernel logged during test NAME.
splat_of() { { "$TOP/scripts/dmesg-scan.sh" "$1/dmesg/${2//\//_}.txt" 2>/dev/null || true; } | head -n 1; }

# KUnit reproducers (tests/kunit-reproducers.txt) force an interleaving
# with a hook of the series, so they cannot run on the base: each must fail
# on the series up to its case with its fix reverted.  One kernel for all
# of them: the series up to the last of their cases, every fix reverted.
kunit_reverted() {
	local l kcase fix expect finding c t at=-1 i fixes=() cases=() exps=() finds=() kv=$G/vm-reverted
	while IFS='|' read -r kcase fix expect finding; do
		kcase=$(echo $kcase) fix=$(echo $fix) expect=$(echo "$expect" | sed 's/^ *//;s/ *$//') finding=$(echo $finding)
		# (No early exit from a pipe: under pipefail, git's SIGPIPE
		# would stop the gate.)
		c=$(git -C "$SRC" log --format='%H %s' "$WS_BASE..$HEAD_SHA" | awk -v s="$fix" 'substr($0, 42) == s && !n++ { print $1 }')
		t=$(git -C "$SRC" log --reverse --format=%H -S"${kcase#*.}(" "$WS_BASE..$HEAD_SHA" -- | sed -n 1p)
		if [ -z "$c" ] || [ -z "$t" ]; then
			record fail "fails with its fix reverted: $kcase" "no commit ${c:+adds the case}${c:-has the subject \"$fix\"}"
			continue
		fi
		for i in "${!COMMITS[@]}"; do [ "${COMMITS[$i]}" = "$t" ] && ((i > at)) && at=$i; done
		fixes+=("$c") cases+=("$kcase") exps+=("$expect") finds+=("$finding")
	done < <(grep -vE '^[[:space:]]*(#|$)' "$TOP/tests/kunit-reproducers.txt")
	((${#cases[@]})) || return 0
	info "the series up to patch $((at + 1)) ($(patch_name "$at")), ${#fixes[@]} fixes reverted"
	git -C "$SRC" checkout -q --detach "${COMMITS[$at]}"
	# Newest fix first, so that each revert applies to what followed it.
	for c in $(git -C "$SRC" rev-list --reverse "$WS_BASE..${COMMITS[$at]}" | tac); do
		[[ " ${fixes[*]} " == *" $c "* ]] || continue
		if ! git -C "$SRC" revert --no-commit "$c" >>"$LOGS/kunit-reverted-revert.log" 2>&1; then
			git -C "$SRC" revert --abort >/dev/null 2>&1 || git -C "$SRC" reset -q --hard
			for kcase in "${cases[@]}"; do
				record fail "fails with its fix reverted: $kcase" "the fix \"$(git -C "$SRC" log -1 --format=%s "$c")\" does not revert at patch $((at + 1)): $LOGS/kunit-reverted-revert.log"
			done
			return 0
		fi
	done
	build reverted "$LOGS/build-kunit-reverted.log" bzImage
	cp "$OBJ/arch/x86/boot/bzImage" "$G/reverted.bzImage"
	git -C "$SRC" reset -q --hard
	git -C "$SRC" checkout -q --detach "$HEAD_SHA"
	# A reproducer that races (X-2 preempts its task and needs a
	# preemption inside an update) may miss its window in one boot: boot
	# up to three times, until every case has failed in one of them.
	: >"$LOGS/kunit-reverted.log"
	local boot pending
	for boot in 1 2 3; do
		rm -rf "$kv"
		mkdir -p "$kv"
		: >"$kv/job" # KUnit only: the built-in suites run at boot
		"$TOP/scripts/vm-run.sh" "$G/reverted.bzImage" "$kv" "$VM_TIMEOUT"
		echo "== boot $boot" >>"$LOGS/kunit-reverted.log"
		python3 "$SRC/tools/testing/kunit/kunit.py" parse "$kv/console.log" >>"$LOGS/kunit-reverted.log" 2>&1 || true
		pending=0
		for kcase in "${cases[@]}"; do
			grep -qE "\[FAILED\] ${kcase#*.}\$" "$LOGS/kunit-reverted.log" || pending=1
		done
		[ "$pending" = 1 ] || break
		info "boot $boot: a reproducer did not fail yet, booting again"
	done
	for i in "${!cases[@]}"; do
		kcase=${cases[$i]}
		if ! grep -qE "\[FAILED\] ${kcase#*.}\$" "$LOGS/kunit-reverted.log"; then
			record fail "fails with its fix reverted: $kcase" "it did not fail (${finds[$i]}); $LOGS/kunit-reverted.log"
		elif ! grep -qE "${exps[$i]}" "$LOGS/kunit-reverted.log"; then
			record fail "fails with its fix reverted: $kcase" "it failed, but not as expected (/${exps[$i]}/); $LOGS/kunit-reverted.log"
		else
			record ok "fails with its fix reverted: $kcase" "${finds[$i]}"
		fi
	done
}
if [ "$MODE" = test ] && [ -s "$TOP/tests/kunit-reproducers.txt" ]; then
	step "KUnit reproducers: the series with their fixes reverted"
	kunit_reverted
	step_done
fi

if [ "$MODE" = test ]; then
	step "boot the base kernel: every reproducer must fail there"
	V=$G/vm-base
	write_job "$TOP/tests/reproducers.txt" "$V"
	"$TOP/scripts/vm-run.sh" "$G/base.bzImage" "$V" "$VM_TIMEOUT"
	while read -r name _ expect finding; do
		line=$(grep -E "^(not )?ok [0-9]+ $name( |$)" "$V/results.tap" || true)
		sp=$(splat_of "$V" "$name")
		# The failure must be the one the reproducer is for: EXPECT (an
		# ERE) must match its output or the kernel log it caused.
		if [ -n "$line" ] && ! cat "$V/logs/${name//\//_}.log" "$V/dmesg/${name//\//_}.txt" 2>/dev/null |
			grep -qE "$expect"; then
			record fail "reproduces on base: $name" "it did not fail as expected (/$expect/ not in its output or kernel log): ${line#* # }"
			continue
		fi
		# A reproducer reproduces when it fails, or when the kernel logged a
		# bug while it ran; one that passes or skips cleanly does not.
		case $line in
		"not ok"*) record ok "reproduces on base: $name" "${line#* # }${sp:+; $sp}" ;;
		'') record fail "reproduces on base: $name" "did not run" ;;
		*) if [ -n "$sp" ]; then record ok "reproduces on base: $name" "$sp"
		   elif [[ $line == *SKIP* ]]; then record fail "reproduces on base: $name" "skipped on the base, so it reproduces nothing: ${line#*SKIP }"
		   else record fail "reproduces on base: $name" "the reproducer PASSES on the base ($finding)"; fi ;;
		esac
	done < <(grep -vE '^[[:space:]]*(#|$)' "$TOP/tests/reproducers.txt")
	cp "$V/console.log" "$LOGS/vm-base-console.log"
	step_done
fi

step "boot the series' kernel: KUnit, then the selftests"
V=$G/vm-series
if [ "$MODE" = test ]; then
	write_job "$TOP/tests/selftests.txt" "$V"
	cat <(grep -vE '^[[:space:]]*(#|$)' "$TOP/tests/reproducers.txt" | cut -d' ' -f1,2) |
		while read -r name tmo; do
			grep -q "^$name " "$V/job" || echo "$name $tmo $G/selftests/$name"
		done >>"$V/job"
else
	write_job "$TOP/tests/selftests.txt" "$V" '^(x86/(xen_|kvm_clock_test|hyperv_clock|kvm_pv_test)|system_counter_offset_test|steal_time)'
fi
# Last, a real Xen HVM guest on the series' KVM (scripts/guest/xen-hvm.sh):
# the same kernel boots under QEMU's Xen emulation inside the VM.  Under
# TCG the VM running it crashes on the base kernel as on the series' (see
# README), so there it is skipped, saying so, unless XEN_GUEST=1.
XEN_SKIP=
if [ "$("$TOP/scripts/accel.sh" "$G/series.bzImage" 2>/dev/null)" != kvm ] && [ "${XEN_GUEST:-}" != 1 ]; then
	XEN_SKIP="under TCG the VM running the nested Xen guest crashes with the base kernel too (README); XEN_GUEST=1 runs it"
else
	"$TOP/scripts/xen-initrd.sh" "$G/xen-initrd.gz"
	echo "xen_hvm_guest 720 $TOP/scripts/guest/xen-hvm.sh $G/series.bzImage $G/xen-initrd.gz" >>"$V/job"
fi
info "$(wc -l <"$V/job") tests in the job"
"$TOP/scripts/vm-run.sh" "$G/series.bzImage" "$V" "$VM_TIMEOUT"
cp "$V/console.log" "$LOGS/vm-series-console.log"
step_done

step "results"
# KUnit: its KTAP is in the console log, parsed by the kernel's own tool.
krc=0
python3 "$SRC/tools/testing/kunit/kunit.py" parse "$V/console.log" >"$LOGS/kunit.log" 2>&1 || krc=$?
kl=$( { grep -E 'Testing complete' "$LOGS/kunit.log" || true; } | tail -n 1 | sed 's/^\[[^]]*\] //')
if [ -z "$kl" ]; then
	record fail "kunit" "kunit.py parse found no KTAP in the console; $LOGS/kunit.log"
elif [[ $kl == *"Ran 0 tests"* ]]; then
	record skip "kunit" "no KUnit suite is built into this kernel yet"
else
	grep -E '^\[[^]]*\] \[(PASSED|FAILED|SKIPPED|CRASHED)\] ' "$LOGS/kunit.log" |
		sed -E 's/^\[[^]]*\] \[([A-Z]+)\] (.*)$/\1 \2/' | while read -r r name; do
		case $r in
		PASSED) record ok "kunit: $name" ;;
		SKIPPED) record skip "kunit: $name" "skipped" ;;
		*) record fail "kunit: $name" "$r; $LOGS/kunit.log" ;;
		esac
	done
	info "KUnit: $kl"
	((krc == 0)) || grep -q '^not ok - kunit' "$RES" ||
		record fail "kunit" "kunit.py parse exit $krc; $LOGS/kunit.log"
fi
# Selftests: kselftest TAP written in the VM; a test that made the kernel
# log a bug fails whatever its exit code.
while read -r line; do
	case $line in ok* | "not ok"*) ;; *) continue ;; esac
	name=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ ([^ ]+).*/\2/')
	sp=$(splat_of "$V" "$name")
	log="$V/logs/${name//\//_}.log"
	if [ -n "$sp" ]; then
		record fail "selftest: $name" "kernel log: $sp; $V/dmesg/${name//\//_}.txt"
	elif [[ $line == *"# SKIP"* ]]; then
		record skip "selftest: $name" "${line#*# SKIP }"
	elif [[ $line == ok* ]]; then
		record ok "selftest: $name" "$(grep "^$name " "$V/times.txt" | cut -d' ' -f3)s"
	else
		record fail "selftest: $name" "${line#*# } ($(grep -m1 -E 'Assertion|FAIL|error' "$log" | cut -c1-100)); $log"
	fi
done <"$V/results.tap"
# The Xen HVM guest: one result per check the guest ran.
if [ -n "$XEN_SKIP" ]; then
	record skip "xen-hvm" "$XEN_SKIP"
elif [ -f "$V/logs/xen_hvm_guest.log" ]; then
	grep -a '^XENRESULT ' "$V/logs/xen_hvm_guest.log" | while read -r _ r c d; do
		if [ "$r" = ok ]; then record ok "xen-hvm: $c" "$d"
		else record fail "xen-hvm: $c" "$d; $V/logs/xen_hvm_guest.log"; fi
	done
fi
n_run=$(grep -cE '^(not )?ok ' "$V/results.tap" || true)
n_job=$(wc -l <"$V/job")
[ "$n_run" = "$n_job" ] || record fail "selftests: all ran" "$n_run of $n_job reported"
# The whole kernel log (boot, each test, end) and the taint mask.
sp=$(cat "$V/dmesg-boot.txt" "$V"/dmesg/*.txt "$V/dmesg-end.txt" 2>/dev/null | "$TOP/scripts/dmesg-scan.sh" /dev/stdin | head -n 3 || true)
if [ -z "$sp" ]; then
	record ok "dmesg-clean"
else
	record fail "dmesg-clean" "$(echo "$sp" | head -n 1)"
fi
# Taint: built-in KUnit sets bit 18 (N, TEST); every other bit fails.
t=$(cat "$V/tainted" 2>/dev/null || true)
if ! [[ $t =~ ^[0-9]+$ ]]; then
	record fail "kernel-untainted" "no taint value from the VM"
elif (((t & ~(1 << 18)) == 0)); then
	record ok "kernel-untainted" "tainted=$t"
else
	record fail "kernel-untainted" "tainted=$t (bits other than TEST set)"
fi
step_done
