# shellcheck shell=bash
# A private apt configuration for one suite (from the mirror the machine
# already uses, see debian_mirror): its own sources, lists and
# cache under $CACHE, so that nothing from that suite can ever be resolved
# or installed by the system's apt. Sourced; sets APT_PRIV (options array).
# A Release past its Valid-Until is accepted (a mirror that is a snapshot
# serves them: sid's had expired 31 days before, here): its signature is
# still checked, and what the workshop downloads through it has a pinned
# sha256 (base/*.lock).
apt_private() {
	local suite=$1 d=$CACHE/apt-$1
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/etc/preferences.d"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) $suite main" \
		>"$d/etc/sources.list"
	APT_PRIV=(-o "Dir::Etc::SourceList=$d/etc/sources.list"
		  -o "Dir::Etc::SourceParts=$d/etc/none"
		  -o "Dir::Etc::PreferencesParts=$d/etc/preferences.d"
		  -o "Dir::State::Lists=$d/lists"
		  -o "Dir::Cache=$d/cache"
		  -o "APT::Get::List-Cleanup=false"
		  -o "Acquire::Check-Valid-Until=false")
}
