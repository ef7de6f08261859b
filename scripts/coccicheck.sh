#!/bin/bash
# Run "make coccicheck MODE=report" on each touched C file (headers are
# covered through the files that include them). Prints spatch's reports.
# Usage: coccicheck.sh SRC OBJ FILE...
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SRC=$1 OBJ=$2
shift 2
for f in "$@"; do
	case $f in *.c) ;; *) continue ;; esac
	[ -f "$SRC/$f" ] || continue
	echo "### $f"
	make -C "$SRC" O="$OBJ" -s coccicheck MODE=report J="$JOBS" M="$f" 2>&1 |
		grep -vE '^(Please check for false positives|coccicheck failed)' || true
done
