#!/bin/bash
# make export: write build/linux's stack of branches back to series/, one
# folder per series (a cover letter keeps its subject and text: they live
# in its branch's description, which make tree set from the cover letter).
# The stack stays a stack when edited with "git rebase -i --update-refs"
# from the top branch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/series.sh"
T=${1:-$BUILD/linux}
[ -d "$T" ] || die "no tree at $T: run 'make tree' first"
[ -z "$(git -C "$T" status --porcelain --untracked-files=no)" ] ||
	die "$T has uncommitted changes: commit them first"
[ "$(git -C "$T" symbolic-ref -q HEAD)" = "refs/heads/$(tree_branch)" ] ||
	die "$T is not on branch $(tree_branch) (a rebase in progress?): finish it first"
for d in rebase-merge rebase-apply; do
	[ ! -e "$(git -C "$T" rev-parse --path-format=absolute --git-path "$d")" ] || die "$T: a rebase or git am is in progress"
done
step "export $T to series/"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export_series "$T" "$tmp"
for d in $(series_dirs); do
	rm -f "$d"/[0-9][0-9][0-9][0-9]-*.patch
	cp "$tmp/$(basename "$d")"/*.patch "$d"/
	info "series/$(basename "$d"): $(patches_of "$d" | wc -l) patches and a cover letter"
done
step_done
