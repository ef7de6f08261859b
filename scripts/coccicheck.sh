#!/bin/bash
# Run the kernel's coccicheck (every semantic patch, MODE=report) on each
# touched C file, the way "make C=1 CHECK=scripts/coccicheck" would: that
# make route is closed in 7.3 (checker-valid.sh accepts only sparse), so
# the environment kbuild gives the script is given here. Prints spatch's
# reports; fails if coccicheck fails.
# Usage: coccicheck.sh SRC OBJ FILE...
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$1" && pwd) OBJ=$(cd "$2" && pwd)
shift 2
inc="-I$SRC/arch/x86/include -I$OBJ/arch/x86/include/generated -I$SRC/include"
inc+=" -I$OBJ/include -I$SRC/arch/x86/include/uapi -I$SRC/include/uapi"
inc+=" -include $SRC/include/linux/kconfig.h"
for f in "$@"; do
	case $f in *.c) ;; *) continue ;; esac
	[ -f "$SRC/$f" ] || continue
	echo "### $f"
	(cd "$SRC" && C=1 MODE=report srctree=. srcroot=. LINUXINCLUDE="$inc" \
		scripts/coccicheck "$f") | grep -vE '^/usr/bin/spatch |^(You have not|Using default|Debug logs|You can specify)|^$'
done
