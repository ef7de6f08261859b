#!/bin/bash
# Build a kernel out of tree, with ccache.
# Usage: build-kernel.sh SRC OBJ FLAVOR [make targets...]
#   SRC     kernel source tree
#   OBJ     build folder (O=)
#   FLAVOR  "debug" (config/kvm-xen.config), "perf" (the same without the
#           debugging options, for benchmarks) or "modules" (tinyconfig +
#           config/modules.config: KVM as modules with KVM_WERROR, not booted)
# The config is defconfig + kvm_guest.config + config/kvm-xen.config
# (+ config/perf.config for "perf"), or tinyconfig + config/modules.config;
# every symbol the fragments set must survive olddefconfig, or the build
# stops.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$1" && pwd) OBJ=$2 FLAVOR=$3
shift 3
targets=("$@")
((${#targets[@]})) || targets=(bzImage)
mkdir -p "$OBJ"
OBJ=$(cd "$OBJ" && pwd)

export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 CCACHE_COMPRESS=1
export KBUILD_BUILD_TIMESTAMP="2026-11-15" KBUILD_BUILD_USER=workshop KBUILD_BUILD_HOST=workshop
ccache -M 20G >/dev/null
MK=(make -C "$SRC" O="$OBJ" CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS")

base_config=defconfig
frags=("$SRC/kernel/configs/kvm_guest.config" "$TOP/config/kvm-xen.config")
if [ "$FLAVOR" = modules ]; then
	base_config=tinyconfig
	# The first fragment is not checked (see below): this one must be.
	frags=(/dev/null "$TOP/config/modules.config")
fi
if [ "$FLAVOR" = perf ]; then
	# No KUnit, hence none of the series' KUnit suites.
	frags+=("$TOP/config/perf.config")
else
	# config/series.config: only the symbols this tree defines.
	grep -E '^CONFIG_' "$TOP/config/series.config" | while read -r l; do
		s=${l%%=*}
		if grep -rqsx --include='Kconfig*' "config ${s#CONFIG_}" "$SRC"; then echo "$l"; fi
	done >"$OBJ/series.config"
	frags+=("$OBJ/series.config")
fi
want=$( (echo "$base_config"; cat "${frags[@]}") | sha256sum | cut -c1-16)
if [ ! -f "$OBJ/.config" ] || [ "$(cat "$OBJ/.config.frags" 2>/dev/null)" != "$want" ]; then
	"${MK[@]}" -s "$base_config" >/dev/null
	(cd "$OBJ" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "${frags[@]}" >/dev/null)
	"${MK[@]}" -s olddefconfig >/dev/null
	# Every CONFIG_ line of our fragments must hold in the final .config
	# (kvm_guest.config is upstream's and has symbols of other arches).
	# A later fragment overrides an earlier one: check the last word on
	# each symbol.
	bad=$(cat "${frags[@]:1}" | grep -E '^(CONFIG_|# CONFIG_.* is not set)' |
		awk '{ s = $0; sub(/^# /, "", s); sub(/[= ].*/, "", s); last[s] = $0 }
		     END { for (s in last) print last[s] }' | sort |
		while read -r l; do
			case $l in
			CONFIG_*) grep -qxF "$l" "$OBJ/.config" || echo "$l" ;;
			*) s=${l#\# }; s=${s%% *}; grep -q "^$s=" "$OBJ/.config" && echo "$l" ;;
			esac
		done)
	[ -z "$bad" ] || die "config symbols did not stick (check dependencies): $bad"
	echo "$want" >"$OBJ/.config.frags"
fi
"${MK[@]}" "${targets[@]}"
