#!/bin/bash
# Install what the workshop needs, from Debian only, idempotently.
# Inputs: none. Bookworm packages, QEMU from bookworm-backports (the Xen
# emulation needs QEMU >= 8.0; bookworm has 7.2). Nothing is ever installed
# from trixie or sid: the base kernel source is only *downloaded* from
# trixie-backports, by fetch-base.sh, with a private apt configuration.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(build-essential flex bison bc libelf-dev libssl-dev cpio kmod xz-utils
      ccache sparse coccinelle python3 git rsync perl gawk busybox-static
      strace uuid-dev python3-ply python3-git dpkg-dev ocaml-nox file
      libpython3.11)
# libpython3.11: spatch (coccinelle) loads it at run time for the kernel's
# Python-scripted rules, but Debian's coccinelle does not depend on it;
# without it coccicheck stops with "Py.find_library: unable to find the
# Python library" (seen on a debootstrap --variant=minbase bookworm root).
BPO_PKGS=(qemu-system-x86)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
qemu_ok() {
	command -v qemu-system-x86_64 >/dev/null &&
		dpkg --compare-versions "$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || echo 0)" ge 1:8.0
}

# checkpatch.pl runs scripts/spdxcheck.py on every patch that adds a file,
# with the first python3 on PATH.  Where that is not Debian's (pyenv on
# these machines), it lacks ply and GitPython and spdxcheck dies with a
# traceback instead of checking the SPDX line.  Let that interpreter see
# Debian's python3-ply and python3-git, and nothing else: a .pth file in
# its site-packages naming a folder of links to those four packages.
python_shim() {
	local py site d=$CACHE/python-debian m
	py=$(PATH=$USER_PATH command -v python3 || true)
	[ -n "$py" ] && [ "$(readlink -f "$py")" != "$(readlink -f /usr/bin/python3)" ] || return 0
	# A pyenv shim needs the user's PATH to find its interpreter.
	pyrun() { PATH=$USER_PATH "$py" "$@"; }
	pyrun -c 'import ply, git' 2>/dev/null && return 0
	site=$(pyrun -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') || return 0
	mkdir -p "$d"
	for m in ply git gitdb smmap; do
		[ ! -d "/usr/lib/python3/dist-packages/$m" ] || ln -sfn "/usr/lib/python3/dist-packages/$m" "$d/$m"
	done
	# Never a reason to stop: the gate itself runs Debian's python3.
	if ! echo "$d" 2>/dev/null >"$site/kvm-pfncache-debian-python.pth"; then
		info "cannot write to $site: checkpatch by hand with $py will print spdxcheck tracebacks"
		return 0
	fi
	if pyrun -c 'import ply, git' 2>/dev/null; then
		info "python3 on PATH ($py) now sees Debian's ply and GitPython (for checkpatch's spdxcheck)"
	else
		info "python3 on PATH ($py) still cannot import ply and git: checkpatch's spdxcheck will fail with it"
	fi
}

if ((${#missing[@]} == 0)) && qemu_ok; then
	python_shim
	exit 0
fi
step "install Debian packages"
[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]} ${BPO_PKGS[*]}"
export DEBIAN_FRONTEND=noninteractive
bpo=/etc/apt/sources.list.d/bookworm-backports.sources
if ! qemu_ok && [ ! -e "$bpo" ]; then
	info "adding bookworm-backports (apt pins it below bookworm by default)"
	cat >"$bpo" <<SRC
Types: deb
URIs: $(debian_mirror)
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
run_logged "$LOGS/apt-update.log" apt-get update
if ((${#missing[@]})); then
	info "bookworm: ${missing[*]}"
	run_logged "$LOGS/apt-install.log" apt-get install -y --no-install-recommends "${missing[@]}"
fi
if ! qemu_ok; then
	info "bookworm-backports: ${BPO_PKGS[*]}"
	run_logged "$LOGS/apt-install-bpo.log" apt-get install -y --no-install-recommends \
		-t bookworm-backports "${BPO_PKGS[@]}"
	qemu_ok || die "QEMU >= 8.0 not installed; see $LOGS/apt-install-bpo.log"
fi
info "$(qemu-system-x86_64 --version | head -n 1)"
python_shim
step_done
