#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Series hygiene: patches/stack is well formed (each series exists, has a
# cover letter, and depends only on series before it), every patch of the
# stack applies, in merge order, to the pinned base, and
# scripts/checkpatch.pl --strict reports no error, warning or check on it,
# except what config/checkpatch.allow accepts with a reason. One test for the
# stack and one per patch; writes "PASSED FAILED" to $BUILD/results/hygiene.

. "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh"
res=$BUILD/results
mkdir -p "$res"
rm -f "$res/hygiene"

# checkpatch.pl and its data files come from the base tree, which exists
# before build/linux does.
checkpatch=$BASE_REPO/scripts/checkpatch.pl
[ -x "$checkpatch" ] || die "no $checkpatch"

# Apply into a scratch index of the base repository: no checkout, no refs.
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
GIT_INDEX_FILE=$idx git -C "$BASE_REPO" read-tree base

pass=0 fail=0
bad=
seen=" "
for d in $(stack_dirs); do
	[ -s "$TOP/patches/$d/cover-letter" ] && [ -f "$TOP/patches/$d/series" ] ||
		bad="$bad $d: no cover-letter or series file;"
	for dep in $(stack_field "$d" 4 | tr ',' ' '); do
		[ "$dep" = base ] && continue
		case "$seen" in *" $dep "*) ;; *) bad="$bad $d depends on $dep, which is not before it;" ;; esac
	done
	case "$(stack_field "$d" 2)" in PATCH|RFC|PATCH,v[0-9]*|RFC,v[0-9]*) ;; *) bad="$bad $d: prefix $(stack_field "$d" 2);" ;; esac
	seen="$seen$d "
done
if [ -n "$bad" ]; then
	echo "not ok - patches/stack:$bad"
	fail=$((fail + 1))
else
	echo "ok - patches/stack: $(stack_dirs | wc -l) series, each after what it depends on"
	pass=$((pass + 1))
fi

for p in $(for d in $(stack_dirs); do series_patches "$d"; done); do
	f=$TOP/patches/$p
	if [ ! -f "$f" ] || ! GIT_INDEX_FILE=$idx git -C "$BASE_REPO" apply --cached "$f" 2>"$idx.err"; then
		echo "not ok - $p: does not apply"; sed 's/^/    /' "$idx.err" 2>/dev/null
		fail=$((fail + 1))
		continue
	fi
	# checkpatch runs scripts/spdxcheck.py through "env python3": make that
	# Debian's python3, which has python3-ply and python3-git. It exits 1
	# when it reports something; anything else means it did not run.
	rc=0
	out=$(cd "$BASE_REPO" && PATH=/usr/bin:$PATH "$checkpatch" --strict --terse \
		--show-types --no-summary --no-color "$f" 2>&1) || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "not ok - $p: checkpatch.pl did not run (exit $rc)"; sed 's/^/    /' <<<"$out"
		fail=$((fail + 1))
		continue
	fi
	bad=$(while IFS= read -r l; do
		t=$(sed -n 's/^[^:]*:[0-9]*: [A-Z]*:\([A-Z0-9_]*\):.*/\1/p' <<<"$l")
		[ -z "$t" ] && t=$(sed -n 's/^[^:]*: [A-Z]*:\([A-Z0-9_]*\):.*/\1/p' <<<"$l")
		ok=0
		while read -r at ag _; do
			case "$at" in ''|'#'*) continue ;; esac
			# shellcheck disable=SC2053
			[ "$at" = "$t" ] && [[ $p == $ag ]] && ok=1
		done <"$TOP/config/checkpatch.allow"
		[ "$ok" = 1 ] || printf '%s\n' "$l"
	done <<<"$out" | grep -v '^$' || true)
	if [ -n "$bad" ]; then
		echo "not ok - $p: checkpatch --strict"; sed 's/^/    /' <<<"$bad"
		fail=$((fail + 1))
	else
		echo "ok - $p: applies, checkpatch --strict clean"
		pass=$((pass + 1))
	fi
done
rm -f "$idx.err"
echo "$pass $fail" >"$res/hygiene"
msg "hygiene: $pass passed, $fail failed"
[ "$fail" = 0 ]
