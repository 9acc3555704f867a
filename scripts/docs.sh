#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the documentation the series touches with Sphinx (the kernel's
# "make htmldocs", Debian's python3-sphinx), limited with SPHINXDIRS to the
# directories that hold the touched .rst files, once on the base and once on
# the patched tree, and fail on every warning about a file the series
# touches that the base build does not have too. A warning that the base
# has as well (a reference outside SPHINXDIRS, say) is not the series'.
# Documentation/ABI is parsed by every build, so the series' ABI files are
# checked with any directory; kernel-parameters.txt is included verbatim.
# Writes "PASSED FAILED" to $BUILD/results/docs.

. "$(dirname "$0")/lib.sh"

res=$BUILD/results
out=$BUILD/docs
logs=$BUILD/logs/docs
mkdir -p "$res" "$out" "$logs"
rm -f "$res/docs"

# The touched files (documents, and the sources their kernel-doc directives
# read), and the directories of the touched .rst files.
mapfile -t touched < <(git -C "$TREE" diff --name-only base HEAD)
mapfile -t dirs < <(printf '%s\n' "${touched[@]}" | sed -n 's|^Documentation/\(.*\)/[^/]*\.rst$|\1|p' | sort -u)
if [ ${#dirs[@]} -eq 0 ]; then
	echo "0 0" >"$res/docs"
	msg "docs: the series touches no .rst file"
	exit 0
fi

# htmldocs TREE NAME: build, then the warnings about touched files, each
# without its line number (lines move between the two trees).
htmldocs() {
	local tree=$1 name=$2 f d have=()
	for d in "${dirs[@]}"; do
		[ -d "$tree/Documentation/$d" ] && have+=("$d")
	done
	rm -rf "${out:?}/$name"
	make -s -C "$tree" O="$out/$name" SPHINXDIRS="${have[*]}" htmldocs \
		>"$logs/$name.log" 2>&1 || return 1
	for f in "${touched[@]}"; do
		grep -a -i -E "(warning|error|critical)" "$logs/$name.log" | grep -F "/$f:" |
			sed -E "s|^.*/${f//./\\.}(:[0-9]+)*: *|$f: |" || true
	done | sort -u >"$logs/$name.warnings"
}

pass=0 fail=0
msg "docs: SPHINXDIRS=${dirs[*]}"
# The two builds are independent: run them side by side.
base_rc=0 series_rc=0
htmldocs "$BASE_REPO" base & base_pid=$!
htmldocs "$TREE" series || series_rc=$?
wait "$base_pid" || base_rc=$?
if [ "$base_rc" != 0 ]; then
	fail=$((fail + 1))
	echo "not ok - docs: the base does not build (log: $logs/base.log)"
	tail -n 5 "$logs/base.log" | sed 's/^/    /'
elif [ "$series_rc" != 0 ]; then
	fail=$((fail + 1))
	echo "not ok - docs: htmldocs fails with the series (log: $logs/series.log)"
	tail -n 10 "$logs/series.log" | sed 's/^/    /'
else
	new=$(comm -13 "$logs/base.warnings" "$logs/series.warnings")
	if [ -n "$new" ]; then
		fail=$((fail + 1))
		echo "not ok - docs: Sphinx warns about files the series touches (log: $logs/series.log)"
		sed 's/^/    /' <<<"$new"
	else
		pass=$((pass + 1))
		echo "ok - docs: htmldocs of ${dirs[*]}: no new warning about the ${#touched[@]} files the series touches ($(wc -l <"$logs/series.warnings") known from the base)"
	fi
fi
echo "$pass $fail" >"$res/docs"
msg "docs: $pass passed, $fail failed"
[ "$fail" = 0 ]
