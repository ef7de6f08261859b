#!/bin/bash
# Print the path of a sparse that can check Linux 7.3, building it first if
# needed (see base/sparse.lock for why and from what).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/base/sparse.lock"
dir=$CACHE/sparse-$VERSION
if [ -x "$dir/sparse" ]; then echo "$dir/sparse"; exit 0; fi
{
	step "build sparse $VERSION from Debian's source package ($SUITE, download only)"
	src=$CACHE/apt-$SUITE-src
	mkdir -p "$src/lists/partial" "$src/cache/archives/partial" "$src/etc" "$CACHE/dl-sparse"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) $SUITE main" >"$src/etc/sources.list"
	# Check-Valid-Until=false: a mirror that is a snapshot serves sid's
	# Release past its Valid-Until (seen here: "expired (invalid since
	# 31d)"), and apt then refuses the whole suite.  Its signature is still
	# checked, and the tarball's sha256 is pinned (base/sparse.lock).
	o=(-o "Dir::Etc::SourceList=$src/etc/sources.list" -o "Dir::Etc::SourceParts=$src/etc/none"
	   -o "Dir::State::Lists=$src/lists" -o "Dir::Cache=$src/cache" -o APT::Sandbox::User=root
	   -o Acquire::Check-Valid-Until=false)
	cd "$CACHE/dl-sparse"
	if ! echo "$ORIG_SHA256  $ORIG" | sha256sum -c --status 2>/dev/null; then
		run_logged "$LOGS/sparse-apt.log" apt-get "${o[@]}" update
		run_logged "$LOGS/sparse-source.log" apt-get "${o[@]}" source --download-only "$PACKAGE=$VERSION"
	fi
	echo "$ORIG_SHA256  $ORIG" | sha256sum -c --status || die "sha256 of $ORIG does not match base/sparse.lock"
	rm -rf "$dir.tmp"
	run_logged "$LOGS/sparse-unpack.log" dpkg-source -x "${PACKAGE}_${VERSION}.dsc" "$dir.tmp"
	run_logged "$LOGS/sparse-build.log" make -C "$dir.tmp" -j"$JOBS" CC=gcc sparse HAVE_LLVM=no HAVE_GTK=no HAVE_LIBXML=no
	mkdir -p "$dir"
	cp "$dir.tmp/sparse" "$dir/"
	rm -rf "$dir.tmp"
	# The same check kbuild makes before it accepts a checker.
	echo 'static inline int u(const int *q) { __typeof_unqual__(*q) v = *q; return v; }' >"$dir/t.c"
	! "$dir/sparse" "$dir/t.c" 2>&1 | grep -q error || die "the sparse built cannot parse __typeof_unqual__"
	step_done
} >&2
echo "$dir/sparse"
