#!/bin/bash
# Build the KVM selftests of a tree (and the workshop's benchmarks) for x86.
# Usage: build-selftests.sh SRC OBJ OUT [PROGRAM...]
#   SRC  kernel source tree; OBJ  its kernel build folder (for the UAPI
#   headers, installed there by "make headers"); OUT  where binaries go;
#   PROGRAM  only these (e.g. x86/ws_xen_gpc_bench), else all of them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$1" && pwd) OBJ=$(cd "$2" && pwd) OUT=$3
shift 3
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
goals=(all)
(($#)) && goals=("${@/#/$OUT/}")
export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 CCACHE_COMPRESS=1
make -C "$SRC" O="$OBJ" -s headers
# The workshop's benchmarks (bench/*.c) are built as extra selftest
# programs: linked into the tree's selftest folder, ignored by its git.
extra=()
# --path-format=absolute: a relative answer is relative to SRC, not to us.
exclude=$(git -C "$SRC" rev-parse --path-format=absolute --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
for b in "$TOP"/bench/*.c; do
	n=$(basename "$b" .c)
	ln -sf "$b" "$SRC/tools/testing/selftests/kvm/x86/ws_$n.c"
	grep -qsxF "tools/testing/selftests/kvm/x86/ws_*" "$exclude" ||
		echo "tools/testing/selftests/kvm/x86/ws_*" >>"$exclude"
	extra+=("x86/ws_$n")
done
# The tree's own extra programs and ours:
# a variable given on the command line replaces the Makefile's list.
tree_extra=$(sed -n 's/^TEST_GEN_PROGS_EXTENDED_x86 += //p' \
	"$SRC/tools/testing/selftests/kvm/Makefile.kvm")
make -C "$SRC/tools/testing/selftests/kvm" -j"$JOBS" ARCH=x86 CC="ccache gcc" \
	KHDR_INCLUDES="-isystem $OBJ/usr/include" OUTPUT="$OUT" \
	TEST_GEN_PROGS_EXTENDED_x86="$(echo $tree_extra) ${extra[*]}" "${goals[@]}"
