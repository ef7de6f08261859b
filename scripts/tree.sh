#!/bin/bash
# make tree: build/linux = the base with series/ applied by git am, on
# branch "series", ready to edit. KSRC=/path/to/kernel.git puts it on that
# tree's HEAD instead, in a scratch worktree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/series.sh"
T=$BUILD/linux
if [ -e "$T" ]; then
	die "$T exists: 'make export' keeps your edits in series/; remove it ('make clean-tree') to start again"
fi
step "make the tree ($T)"
make_worktree "$T"
apply_series "$T"
info "$(git -C "$T" rev-list --count ws-base..HEAD) patches on $(git -C "$T" rev-parse --short ws-base); edit and commit there, then 'make export'"
step_done
