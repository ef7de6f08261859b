#!/bin/bash
# make tree: build/linux = the base with the stack of series/ applied by
# git am, one branch per series (named after its folder, each on the one
# before), the top one checked out, ready to edit. KSRC=/path/to/kernel.git
# puts it on that tree's HEAD instead, in a scratch worktree, on new
# branches "ws/<folder>" of that repository (never existing ones).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/series.sh"
T=$BUILD/linux
if [ -e "$T" ]; then
	die "$T exists: 'make export' keeps your edits in series/; remove it ('make clean-tree') to start again"
fi
step "make the tree ($T)"
make_worktree "$T"
# If the series does not apply, leave nothing behind: not the tree, not
# the branch this script created (the user's own refs are never touched).
cleanup() {
	if [ -n "${KSRC:-}" ]; then
		git -C "$KSRC" worktree remove --force "$T" 2>/dev/null || true
		for d in $(series_dirs); do git -C "$KSRC" branch -D "$(stack_branch "$d")" >/dev/null 2>&1 || true; done
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
apply_series "$T" branches
trap - EXIT
info "$(git -C "$T" rev-list --count "$WS_BASE..HEAD") patches on $(git -C "$T" rev-parse --short "$WS_BASE") in $(series_dirs | wc -l) series, top branch $(tree_branch)"
info "edit with 'git rebase -i --update-refs $WS_BASE' there, then 'make export'"
step_done
