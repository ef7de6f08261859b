#!/bin/bash
# make tree: build/linux = the base with series/ applied by git am, on
# branch "series", ready to edit. KSRC=/path/to/kernel.git puts it on that
# tree's HEAD instead, in a scratch worktree, on a new branch
# "ws/pfncache-series" of that repository (never an existing one).
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
		git -C "$KSRC" branch -D "$(tree_branch)" >/dev/null 2>&1 || true
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
apply_series "$T" "$(tree_branch)"
trap - EXIT
info "$(git -C "$T" rev-list --count "$WS_BASE..HEAD") patches on $(git -C "$T" rev-parse --short "$WS_BASE"), branch $(tree_branch); edit and commit there, then 'make export'"
step_done
