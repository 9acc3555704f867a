#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Each series on its prerequisites alone: for every series of patches/stack,
# apply to the base, with "git am" and no three-way merge, the series it
# depends on (transitively, in merge order) and then its own patches, as a
# maintainer applies it from the list. The result is kept in build/linux as
# refs/alone/<dir> (and refs/alone/<dir>-base, the prerequisites alone), for
# scripts/mail.sh to take the patches and their prerequisite-patch-ids from.
#
# With ALONE_BUILD=1 (make check), a series whose tree on its prerequisites
# alone is not the tree of the stack at its last patch is also built with the
# selftest configuration (the walk of scripts/bisect-build.sh builds every
# patch of the stack; this builds what the stack does not contain). Writes
# "PASSED FAILED" to $BUILD/results/alone: one test a series.

. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no tree at $TREE: run 'make tree'"
g() { git -C "$TREE" "$@"; }
res=$BUILD/results
logs=$BUILD/logs/alone
mkdir -p "$res" "$logs"
rm -f "$res/alone"

wt=$(mktemp -d)
trap 'git -C "$TREE" worktree remove -f "$wt/t" >/dev/null 2>&1 || true; rm -rf "$wt"' EXIT
g worktree add -q --detach "$wt/t" base
git_identity "$wt/t"

# Series that share their first prerequisites share the commits that apply
# them: applied[<series applied so far>] is the commit after them.
declare -A applied
pass=0 fail=0
for d in $(stack_dirs); do
	w() { git -C "$wt/t" "$@"; }
	w checkout -q -f --detach base
	ok=1 deps='' key=''
	for s in $(stack_closure "$d"); do
		if [ "$s" = "$d" ]; then
			w update-ref "refs/alone/$d-base" HEAD
		else
			deps="$deps $s"
		fi
		key="$key $s"
		if [ -n "${applied[$key]:-}" ]; then
			w checkout -q -f --detach "${applied[$key]}"
			continue
		fi
		for p in $(series_patches "$s"); do
			if ! w am -q --committer-date-is-author-date "$TOP/patches/$p" >"$logs/$d.am" 2>&1; then
				w am --abort >/dev/null 2>&1 || true
				echo "not ok - $d does not apply on${deps:- the base}: $p"
				sed 's/^/    /' "$logs/$d.am" | head -n 5
				ok=0
				break 2
			fi
		done
		applied[$key]=$(w rev-parse HEAD)
	done
	if [ "$ok" = 0 ]; then
		fail=$((fail + 1))
		continue
	fi
	w update-ref "refs/alone/$d" HEAD
	on=${deps:- the base}
	if [ "$(w rev-parse "HEAD^{tree}")" = "$(g rev-parse "end-$d^{tree}")" ]; then
		echo "ok - $d applies on$on: the tree of the stack at its last patch"
		pass=$((pass + 1))
	elif [ "${ALONE_BUILD:-0}" != 1 ]; then
		echo "ok - $d applies on$on (not built)"
		pass=$((pass + 1))
	elif kernel_at "refs/alone/$d" "$BUILD/alone" "$logs/$d.log"; then
		echo "ok - $d applies and builds on$on"
		pass=$((pass + 1))
	else
		echo "not ok - $d applies on$on but does not build (log: $logs/$d.log)"
		fail=$((fail + 1))
	fi
done
echo "$pass $fail" >"$res/alone"
msg "series alone: $pass passed, $fail failed"
[ "$fail" = 0 ]
