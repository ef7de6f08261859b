# shellcheck shell=bash
# Helpers shared by tree.sh, export.sh, gate.sh and bench.sh: where the
# series are and how they go onto a base. Sourced.
#
# series/ holds a stack of series, one folder each (series/N-name/: a
# cover letter and its patches), applied in the order of N, each on the
# head of the one before.  In build/linux each is a branch named after its
# folder, each branch based on the one before.

SERIES=$TOP/series
# The base, as a per-worktree ref: in a scratch worktree of a KSRC
# repository it is not seen by (and does not move for) any other worktree.
WS_BASE=refs/worktree/ws-base
# The series' folders, in stack order.
series_dirs() {
	local d
	for d in "$SERIES"/[0-9]*-*/; do [ -d "$d" ] && echo "${d%/}"; done | sort -t/ -k1,1 -V
}
patches_of() { ls "$1"/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '/0000-' || true; }
# Every patch of the stack, in order.
series_patches() { local d; for d in $(series_dirs); do patches_of "$d"; done; }
# stack_branch DIR: the branch of series/DIR in a tree ("ws/" in front in
# a KSRC repository, where the user's own branches live).
stack_branch() { echo "${KSRC:+ws/}$(basename "$1")"; }

# The base of the series: $KSRC's HEAD if given, else the pinned base.
# Prints "REPO REV".
series_base() {
	if [ -n "${KSRC:-}" ]; then
		git -C "$KSRC" rev-parse --git-dir >/dev/null 2>&1 || die "KSRC=$KSRC is not a git tree"
		echo "$(cd "$KSRC" && pwd) $(git -C "$KSRC" rev-parse HEAD)"
	else
		"$TOP/scripts/fetch-base.sh" >&2
		echo "$CACHE/linux-base.git $(git -C "$CACHE/linux-base.git" rev-parse base)"
	fi
}

# make_worktree DIR: a git tree at the base, in DIR (which must not exist).
# With KSRC, a detached scratch worktree of the user's repository: the
# user's own branches are never touched.
make_worktree() {
	local dir=$1 repo rev
	read -r repo rev < <(series_base)
	if [ -n "${KSRC:-}" ]; then
		git -C "$repo" worktree prune
		git -C "$repo" worktree add -q --detach "$dir" "$rev"
	else
		git clone -q --shared --no-checkout "$repo" "$dir"
		git -C "$dir" checkout -q --detach "$rev"
	fi
	git -C "$dir" update-ref "$WS_BASE" "$rev"
}

# The cover letter's subject and blurb, as a branch description for
# "git format-patch --cover-from-description=subject".
cover_description() { # cover_description DIR
	local c=$1/0000-cover-letter.patch
	[ -f "$c" ] || return 0
	python3 - "$c" <<'PY'
import re, sys, email
raw = open(sys.argv[1], encoding="utf-8").read()
head, _, body = raw.partition("\n\n")
msg = email.message_from_string(head + "\n\n")
subj = re.sub(r"\s*\n\s+", " ", msg["Subject"])
subj = re.sub(r"^\[[^]]*\]\s*", "", subj)
# The blurb ends where format-patch's shortlog begins ("Name (N):").
m = re.search(r"^\S[^\n]* \(\d+\):\n", body, re.M)
blurb = body[: m.start()] if m else body
print(subj + "\n\n" + blurb.rstrip("\n"))
PY
}

# The branch "make tree" leaves checked out: the top of the stack.
tree_branch() { stack_branch "$(series_dirs | tail -n 1)"; }

# cover_identity: "Name <email>" from the first cover letter's From: line.
cover_identity() {
	sed -n '/^From: /{s/^From: //;N;s/\n / /;s/\n.*//;p;q}' "$(series_dirs | head -n 1)/0000-cover-letter.patch" 2>/dev/null
}
# A committer identity for git am and format-patch: the machine's, or, on
# a machine without one, the series' own (the cover letter's sender).
ensure_identity() {
	local id
	git config user.email >/dev/null 2>&1 && return 0
	id=$(cover_identity)
	[ -n "$id" ] || id="workshop <workshop@localhost>"
	export GIT_COMMITTER_NAME=${id% <*} GIT_COMMITTER_EMAIL=${id##*<}
	GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL%>}
	export GIT_AUTHOR_NAME=$GIT_COMMITTER_NAME GIT_AUTHOR_EMAIL=$GIT_COMMITTER_EMAIL
}

# as_series_sender CMD...: run CMD with the series' sender (the cover
# letter's From:) as the committer, which is who format-patch puts on the
# cover letter: the export round trip compares what the series is, not
# who runs the gate.
as_series_sender() {
	local id name email
	id=$(cover_identity)
	[ -n "$id" ] || { "$@"; return; }
	name=${id% <*} email=${id##*<}
	GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=${email%>} "$@"
}

# apply_series DIR [branches]: git am every series of the stack onto DIR's
# HEAD, in order; with "branches", each on a new branch named after its
# folder (never reset: an existing branch of that name is an error), with
# its cover letter as the branch's description; else on a detached HEAD.
# On failure name the patch and the files that did not apply.
apply_series() {
	local dir=$1 branches=${2:-} d b p out
	ensure_identity
	for d in $(series_dirs); do
		if [ -n "$branches" ]; then
			b=$(stack_branch "$d")
			git -C "$dir" checkout -q -b "$b" ||
				die "branch $b exists in $dir: delete it, or export it first"
			git -C "$dir" config "branch.$b.description" "$(cover_description "$d")"
		fi
		for p in $(patches_of "$d"); do
			if ! out=$(git -C "$dir" am -q --committer-date-is-author-date "$p" 2>&1); then
				git -C "$dir" am --abort >/dev/null 2>&1 || true
				echo "$out" | sed 's/^/        /' >&2
				die "patch $(basename "$d")/$(basename "$p") does not apply to $(git -C "$dir" rev-parse --short HEAD): $(echo "$out" | sed -n 's/^error: patch failed: \(.*\):[0-9]*$/\1/p;s/^error: \(.*\): does not exist in index$/\1/p' | sort -u | tr '\n' ' ')"
			fi
		done
	done
}

# The subject prefix of series/DIR, "PATCH", "RFC PATCH vN"...:
# $SUBJECT_PREFIX if set (to start a new version: SUBJECT_PREFIX="PATCH v4"
# make export, for every series), else the one series/DIR already has, so
# that an unedited export is byte for byte.
subject_prefix() { # subject_prefix DIR
	local c=$1/0000-cover-letter.patch
	if [ -n "${SUBJECT_PREFIX:-}" ]; then
		echo "$SUBJECT_PREFIX"
	elif [ -f "$c" ]; then
		sed -n 's/^Subject: \[\(.*\) [0-9]*\/[0-9]*\].*/\1/p;T;q' "$c"
	else
		echo PATCH
	fi
}

# stable_prerequisites DIR REV COVER: the cover's prerequisite-patch-id:
# lines, one per commit of base..REV in order, as "git patch-id --stable"
# computes them, which is what b4 and the kernel's documentation use; git
# 2.39's format-patch --base writes a different id for some patches that
# touch several files.
stable_prerequisites() {
	local dir=$1 rev=$2 cover=$3 c ids
	grep -q '^prerequisite-patch-id: ' "$cover" || return 0
	ids=$(for c in $(git -C "$dir" rev-list --reverse "$WS_BASE..$rev"); do
		git -C "$dir" show "$c" | git -C "$dir" patch-id --stable | cut -d' ' -f1
	done)
	[ "$(grep -c '^prerequisite-patch-id: ' "$cover")" = "$(echo "$ids" | wc -l)" ] ||
		die "$cover: format-patch listed another number of prerequisites than base..$rev has"
	python3 - "$cover" "$ids" <<'PY'
import sys
path, ids = sys.argv[1], sys.argv[2].split()
lines = open(path, encoding="utf-8").read().split("\n")
it = iter(ids)
lines = ["prerequisite-patch-id: " + next(it) if l.startswith("prerequisite-patch-id: ") else l for l in lines]
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
}

# export_series DIR OUTDIR: format-patch each series of the stack from
# DIR's branches into OUTDIR/<its folder>: the range from the branch
# before (the base, for the first) to its branch, with base-commit: the
# base and a prerequisite-patch-id: for every patch of the series before.
# Deterministic: a cover letter's date is its last commit's author date,
# commit ids are zeroed, index lines have 12 digits, no git version line.
export_series() {
	local dir=$1 out=$2 prev=$WS_BASE d b
	ensure_identity
	for d in $(series_dirs); do
		b=$(stack_branch "$d")
		git -C "$dir" rev-parse -q --verify "refs/heads/$b" >/dev/null ||
			die "$dir has no branch $b for series/$(basename "$d")"
		git -C "$dir" merge-base --is-ancestor "$prev" "$b" ||
			die "$b is not based on $prev: rebase the top branch with --update-refs to keep the stack"
		mkdir -p "$out/$(basename "$d")"
		GIT_COMMITTER_DATE=$(git -C "$dir" log -1 --format=%aD "$b") \
			git -C "$dir" -c core.abbrev=12 format-patch -q --cover-letter \
			--cover-from-description=subject --zero-commit --no-signature \
			--subject-prefix="$(subject_prefix "$d")" \
			--base="$WS_BASE" -o "$out/$(basename "$d")" "$prev..$b"
		stable_prerequisites "$dir" "$prev" "$out/$(basename "$d")/0000-cover-letter.patch"
		prev=$b
	done
}
