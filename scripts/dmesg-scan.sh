#!/bin/bash
# Print the kernel-log lines that mean a kernel bug: BUG, WARNING, oops,
# lockdep, KASAN, UBSAN, RCU and hung-task reports. Exit 1 if any.
# No allowlist: any such line fails. Usage: dmesg-scan.sh FILE...
set -uo pipefail
pat='BUG:|WARNING:|Oops|general protection fault|kernel BUG at|KASAN:|UBSAN:'
pat+='|possible circular locking|possible recursive locking|inconsistent lock state'
pat+='|Invalid wait context|suspicious RCU usage|DEBUG_LOCKS_WARN_ON'
pat+='|turning off the locking correctness validator|INFO: task .* blocked'
pat+='|Kernel panic|Call Trace:|stack-protector|list_add corruption|list_del corruption'
! grep -hE "$pat" "$@"
