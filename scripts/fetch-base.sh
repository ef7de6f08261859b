#!/bin/bash
# Make the pinned base available as a git repository:
#   $CACHE/linux-base.git, branch "base", one commit = Linux 7.3.4 (Debian).
# Inputs: base/linux-source.lock. The .deb is downloaded (never installed)
# with a private apt configuration, its hash and the tarball's are checked.
# The commit is made with a fixed identity and date, so its id is the same
# on every machine: that id is the series' base-commit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apt-private.sh"
. "$TOP/base/linux-source.lock"

REPO=$CACHE/linux-base.git
DL=$CACHE/dl
DEB=$DL/${PACKAGE}_${VERSION//:/%3a}_all.deb
MARK="$PACKAGE $VERSION tarball sha256 $TARBALL_SHA256"

if [ "$(git -C "$REPO" rev-parse -q --verify base 2>/dev/null)" = "$BASE_COMMIT" ]; then
	exit 0
fi

step "download the base ($PACKAGE $VERSION from $SUITE, download only)"
mkdir -p "$DL"
if ! echo "$DEB_SHA256  $DEB" | sha256sum -c --status 2>/dev/null; then
	rm -f "$DEB"
	apt_private "$SUITE"
	run_logged "$LOGS/apt-$SUITE-update.log" apt-get "${APT_PRIV[@]}" \
		-o APT::Sandbox::User=root update
	(cd "$DL" && run_logged "$LOGS/apt-$SUITE-download.log" apt-get "${APT_PRIV[@]}" \
		-o APT::Sandbox::User=root download "$PACKAGE=$VERSION")
fi
echo "$DEB_SHA256  $DEB" | sha256sum -c --status ||
	die "sha256 of $DEB does not match base/linux-source.lock"
info "verified $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"
step_done

step "unpack the base and commit it to $REPO"
src=$(mktemp -d "$CACHE/unpack.XXXXXX")
trap 'rm -rf "$src"' EXIT
dpkg-deb --fsys-tarfile "$DEB" | tar -xO "./$TARBALL" >"$src/linux.tar.xz"
echo "$TARBALL_SHA256  $src/linux.tar.xz" | sha256sum -c --status ||
	die "the tarball's sha256 does not match base/linux-source.lock"
tar -xJf "$src/linux.tar.xz" -C "$src"
rm -f "$src/linux.tar.xz"
tree=$(echo "$src"/linux-source-*)
[ -f "$tree/virt/kvm/pfncache.c" ] || die "unexpected tarball layout in $src"
# Debian's .gitignore ends with a "Debian packaging" stanza that ignores
# every top-level path ("/*"); in a git tree it silently drops new files
# from commits. The base commit drops that stanza (and says so).
python3 - "$tree/.gitignore" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("#\n# Debian packaging")
open(p, "w").write(s[:i].rstrip("\n") + "\n")
PY
grep -q '^/\*$' "$tree/.gitignore" && die ".gitignore still ignores /*"
# The repository is added to, never recreated: clones of it made with
# --shared (the gate's and "make tree"'s) borrow its objects.
[ -d "$REPO" ] || git init -q --bare "$REPO"
export GIT_DIR=$REPO GIT_WORK_TREE=$tree GIT_INDEX_FILE=$src/index
export GIT_AUTHOR_NAME="Debian linux-source" GIT_AUTHOR_EMAIL="linux-source-7.3@debian.invalid"
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_AUTHOR_DATE="2026-11-15T22:30:00Z" GIT_COMMITTER_DATE="2026-11-15T22:30:00Z"
git add -A -f .
# A root commit (commit-tree, no parent), whatever the repository held.
c=$(git commit-tree --no-gpg-sign "$(git write-tree)" -F - <<MSG
Linux 7.3.4 ($PACKAGE $VERSION)

The source of Debian's $PACKAGE $VERSION ($SUITE),
$TARBALL, as the base of the series.

One change to the tarball: the "Debian packaging" stanza at the end of
.gitignore, which ignores every top-level path ("/*"), is dropped, so
that new files are not silently left out of commits.

$MARK
MSG
)
git update-ref refs/heads/base "$c"
git symbolic-ref HEAD refs/heads/base
# The commit is deterministic: the same id on every machine, pinned.
[ "$(git rev-parse base)" = "$BASE_COMMIT" ] ||
	die "base commit $(git rev-parse base) is not the pinned $BASE_COMMIT"
info "base commit $(git rev-parse base)"
step_done
