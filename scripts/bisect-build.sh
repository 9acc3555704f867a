#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the kernel at the base and at every patch of the series, in order,
# and name the first patch that does not build. The configuration is the
# selftest kernel's (scripts/kernel.sh). At every step the files the series
# touches (kernel/liveupdate/, lib/test_kho.c, which that configuration leaves
# out, and the mm/ users of KHO) are built with W=1 and sparse
# (scripts/sparse.sh) in a directory of their own, with C=1: a file is
# compiled and checked again whenever it or a header it includes changed, and
# the bzImage build never recompiles what that pass compiled with other
# flags. A warning there fails the step.
#
# The walk checks out each commit in build/linux itself (so that ccache
# shares objects with the other builds, which use the same source path) and
# goes back to the branch at the end. The base step's bzImage is kept as
# $BUILD/base-kernel/bzImage: the unpatched kernel of the cross-kernel test.
# The bzImage of the last patch before the last one that changes a
# component version or the version written by default (prev_kernel_commit
# in lib.sh) is kept as $BUILD/prev-kernel/bzImage: the previous patched
# kernel, for the rollback tests of scripts/cross-kexec.sh.
# BISECT_FROM=N starts the walk at the N-th commit after the base, cover
# letters counted (a developer's check of the last patches); make check
# walks from the base. Steps are named <series>/<nnnn>, as in patches/.
# Writes "PASSED FAILED" to $BUILD/results/bisect.

. "$(dirname "$0")/lib.sh"

out=$BUILD/bisect
chk=$BUILD/bisect-checks
res=$BUILD/results
logs=$BUILD/logs/bisect
mkdir -p "$out" "$chk" "$res" "$logs" "$BUILD/base-kernel" "$BUILD/prev-kernel"
rm -f "$res/bisect"
g() { git -C "$TREE" "$@"; }

[ -z "$(g status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted edits: commit or stash them first"
branch=$(g symbolic-ref -q --short HEAD) || die "$TREE is not on a branch"
trap 'g checkout -q -f "$branch"' EXIT

# The base, then every patch after the first cover letter; the cover letters
# of the later series are empty commits, which change nothing to build.
mapfile -t commits < <(g rev-list --reverse "$(g rev-parse cover)..$branch")
commits=(base "${commits[@]}")
# pname[c]: <series>/<nnnn> for each patch, as in patches/.
declare -A pname
for d in $(stack_dirs); do
	i=1
	while read -r c; do
		pname[$c]=$(printf '%s/%04d' "$d" "$i")
		i=$((i + 1))
	done < <(g rev-list --reverse "cover-$d..end-$d")
done
prev=$(prev_kernel_commit "$branch") || prev=
# A partial walk keeps the previous kernel it may not reach.
[ "${BISECT_FROM:-0}" -gt 0 ] || rm -f "$BUILD/prev-kernel/bzImage" "$BUILD/prev-kernel/commit"

sparse=$("$TOP/scripts/sparse.sh") || die "no usable sparse"
checked=(kernel/liveupdate/ lib/test_kho.o mm/memfd_luo.o mm/memblock.o)

pass=0 fail=0 n=0
for c in "${commits[@]}"; do
	if [ "$n" -lt "${BISECT_FROM:-0}" ]; then
		n=$((n + 1))
		continue
	fi
	if [ "$c" != base ] && [ -z "${pname[$c]:-}" ]; then
		n=$((n + 1))	# a cover letter
		continue
	fi
	g checkout -q --detach "$c"
	subj=$(g log -1 --format=%s)
	name=$( [ "$c" = base ] && echo "base" || echo "${pname[$c]}")
	log=$logs/${name//\//-}.log
	start=$(date +%s)
	warn=
	if "$TOP/scripts/kernel.sh" "$TREE" "$out" >"$log" 2>&1 &&
	   { cmp -s "$out/.config" "$chk/.config" ||
	     { cp "$out/.config" "$chk/.config" &&
	       make -s -C "$TREE" O="$chk" ARCH=x86 olddefconfig; }; } >"$log.checks" 2>&1 &&
	   make -s -C "$TREE" O="$chk" ARCH=x86 -j"$JOBS" W=1 C=1 CHECK="$sparse" \
		"${checked[@]}" >>"$log.checks" 2>&1 &&
	   ! warn=$(grep -E 'warning:|error:' "$log.checks"); then
		pass=$((pass + 1))
		echo "ok - builds: $name $subj ($(( $(date +%s) - start ))s)"
		if [ "$c" = base ]; then
			cp "$out/arch/x86/boot/bzImage" "$BUILD/base-kernel/bzImage"
			g rev-parse base >"$BUILD/base-kernel/commit"
		fi
		if [ -n "$prev" ] && [ "$c" = "$prev" ]; then
			cp "$out/arch/x86/boot/bzImage" "$BUILD/prev-kernel/bzImage"
			echo "$prev" >"$BUILD/prev-kernel/commit"
			echo "$name $subj" >"$BUILD/prev-kernel/subject"
		fi
	else
		fail=$((fail + 1))
		if [ -n "$warn" ]; then
			echo "not ok - W=1/sparse warnings: $name $subj"
			sed 's/^/    /' <<<"$warn"
		else
			echo "not ok - does not build: $name $subj (log: $log)"
			cat "$log" "$log.checks" 2>/dev/null | grep -m 10 -E 'error|Error' | sed 's/^/    /'
		fi
		echo "first patch that fails: $name $subj"
		break
	fi
	n=$((n + 1))
done
echo "$pass $fail" >"$res/bisect"
msg "bisect build: $pass passed, $fail failed"
[ "$fail" = 0 ]
