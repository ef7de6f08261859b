#!/bin/bash
# Build the initramfs of the nested Xen HVM guest: busybox (static) and
# scripts/guest/xen-hvm-init.sh as /init.  Usage: xen-initrd.sh OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OUT=$1
bb=$(command -v busybox) || die "busybox not found (deps: busybox-static)"
file -L "$bb" | grep -q 'statically linked' || die "$bb is not static (deps: busybox-static)"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/bin" "$d/proc" "$d/sys" "$d/dev" "$d/tmp"
cp "$bb" "$d/bin/busybox"
ln -s busybox "$d/bin/sh"
cp "$TOP/scripts/guest/xen-hvm-init.sh" "$d/init"
(cd "$d" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) | gzip -n >"$OUT"
