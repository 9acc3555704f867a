#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of a sparse that this kernel accepts (scripts/checker-valid.sh).
#
# Debian bookworm's sparse 0.6.4 predates __typeof_unqual__, which Linux 7.3
# needs. When the machine's sparse is too old, fetch Debian's newer sparse
# package (and the C library it is built against) from $SPARSE_SUITE through a
# private apt configuration, unpack both under the cache and print a wrapper
# that runs that sparse with its own C library. The machine is not changed.

. "$(dirname "$0")/lib.sh"

valid() { [ "$(sh "$TREE/scripts/checker-valid.sh" "$1" 2>/dev/null)" = 1 ]; }

if command -v sparse >/dev/null && valid sparse; then
	command -v sparse
	exit 0
fi

dir=$CACHE_DIR/sparse
wrap=$dir/sparse
if [ -x "$wrap" ] && valid "$wrap"; then
	echo "$wrap"
	exit 0
fi

suite=${SPARSE_SUITE:-sid}
mirror=${BASE_MIRROR:-$(apt-get indextargets --format '$(REPO_URI) $(COMPONENT) $(IDENTIFIER)' 2>/dev/null |
	awk '$2 == "main" && $3 == "Packages" && $1 ~ /\/debian\/?$/ { print $1; exit }')}
[ -n "$mirror" ] || die "no Debian archive in the machine's apt sources"
rm -rf "$dir"
mkdir -p "$dir/apt/state/lists/partial" "$dir/apt/cache/archives/partial" "$dir/root"
touch "$dir/apt/state/status"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$dir/apt/sources.list"
o=(-q -o "Dir::Etc::SourceList=$dir/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
	-o "Dir::State=$dir/apt/state" -o "Dir::State::status=$dir/apt/state/status"
	-o "Dir::Cache=$dir/apt/cache" -o APT::Sandbox::User=root)
{
	apt-get "${o[@]}" update &&
	(cd "$dir" && apt-get "${o[@]}" download sparse libc6)
} >"$dir/fetch.log" 2>&1 || die "could not fetch sparse from $suite (see $dir/fetch.log)"
for d in "$dir"/*.deb; do dpkg-deb -x "$d" "$dir/root"; done
lib=$dir/root/usr/lib/x86_64-linux-gnu
cat >"$wrap" <<SH
#!/bin/sh
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$dir/root/usr/bin/sparse" "\$@"
SH
chmod +x "$wrap"
valid "$wrap" || die "sparse from $suite is not usable either (see $dir/fetch.log)"
msg "using sparse $("$wrap" --version) from Debian $suite"
echo "$wrap"
