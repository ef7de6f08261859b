# shellcheck shell=bash
# Common helpers for the workshop scripts: paths, step banners with timing,
# and log handling. Sourced, never run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything that may be reused by a later run on the same machine lives here,
# outside the clone: the downloaded base, ccache, the private apt state.
CACHE=${WORKSHOP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-pfncache}
# Everything a run produces lives here, inside the clone but ignored by git.
BUILD=${BUILD:-$TOP/build}
LOGS=$BUILD/logs
mkdir -p "$CACHE" "$LOGS"

JOBS=${JOBS:-$(nproc)}

# The kernel's Python tools (checkpatch's spdxcheck, kunit.py, kernel-doc)
# run with Debian's python3, whose modules (python3-ply, python3-git) come
# from Debian packages, whatever python3 comes first in PATH.
# USER_PATH: the PATH we were called with (deps.sh looks at its python3).
USER_PATH=${USER_PATH:-$PATH}
if [ -x /usr/bin/python3 ]; then
	mkdir -p "$BUILD/bin"
	ln -sf /usr/bin/python3 "$BUILD/bin/python3"
	PATH=$BUILD/bin:$PATH
fi

_ts() { date +%s; }
_dur() { local s=$1; printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# step NAME: print a banner; done_step prints its duration.
STEP_NAME=
STEP_T0=
step() {
	STEP_NAME=$1
	STEP_T0=$(_ts)
	printf '==> %s\n' "$STEP_NAME"
}
step_done() {
	printf '    done: %s (%s)\n' "$STEP_NAME" "$(_dur $(($(_ts) - STEP_T0)))"
}
info() { printf '    %s\n' "$*"; }
die() {
	printf 'FAILED [%s]: %s\n' "${STEP_NAME:-workshop}" "$*" >&2
	exit 1
}

# run_logged LOG CMD...: run CMD with all output in LOG; print a heartbeat
# with the last log line every 30 s so a long step shows progress; on
# failure show the tail and name the log.
run_logged() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	wait_logged "$!" "$log" "$*"
}
# wait_logged PID LOG WHAT: the waiting half of run_logged, for a command
# started earlier in the background with its output in LOG.
wait_logged() {
	local pid=$1 log=$2 what=$3 t0 last rc=0
	t0=$(_ts)
	last=$t0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		if (($(_ts) - last >= 30)) && kill -0 "$pid" 2>/dev/null; then
			last=$(_ts)
			printf '    ... %s: %s\n' "$(_dur $((last - t0)))" \
				"$(tail -n 1 "$log" | cut -c1-100)"
		fi
	done
	wait "$pid" || rc=$?
	if ((rc)); then
		echo "---- last lines of $log ----" >&2
		tail -n 25 "$log" >&2
		echo "----" >&2
		die "command failed (rc=$rc): $what; full log: $log"
	fi
}

# debian_mirror: the Debian archive this machine's apt already uses (the
# first "deb" source that is not a security archive), so that the workshop
# adds suites from the same mirror and names none itself.  Reads deb822
# files (sources.list.d/*.sources) first, then one-line sources.list files.
debian_mirror() {
	local m
	m=$( { cat /etc/apt/sources.list.d/*.sources 2>/dev/null; echo; } | awk '
		/^[[:space:]]*#/ { next }
		/^[[:space:]]*$/ {
			if (t ~ /(^| )deb( |$)/ && s !~ /security/ && u != "") {
				split(u, a, " "); print a[1]; exit
			}
			t = u = s = ""; next
		}
		tolower($1) == "types:" { $1 = ""; t = $0 }
		tolower($1) == "uris:" { $1 = ""; u = $0 }
		tolower($1) == "suites:" { $1 = ""; s = $0 }')
	[ -n "$m" ] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '
		$1 != "deb" { next }
		{ i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ } }
		$(i + 1) !~ /security/ { print $i; exit }')
	[ -n "$m" ] || die "no Debian archive in /etc/apt/sources.list or sources.list.d: the workshop takes its mirror from there"
	echo "${m%/}"
}
