#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ref-kernels.sh [base] [prev]: build only the reference kernels that
# make bench and make cross run, where they are missing or out of date:
#   base  the unpatched base, $BUILD/base-kernel/bzImage;
#   prev  the previous patched kernel, $BUILD/prev-kernel/bzImage: the
#         last patch before the last one that changes a component version
#         or the version written by default (a <PREFIX>_ABI_VERSION or
#         <PREFIX>_ABI_WRITE_VERSION in include/linux/kho/abi/; see
#         prev_kernel_commit in lib.sh).
# Each is built with the selftest kernel's configuration (scripts/kernel.sh)
# in $BUILD/bisect, the directory of the per-patch walk (so that ccache
# serves what the walk compiled), from build/linux checked out at that
# commit, which goes back to its branch at the end. $BUILD/<name>-kernel/commit records the commit a
# bzImage was built from; the per-patch walk of make check
# (scripts/bisect-build.sh) leaves the same files, so either reuses the
# other's kernels. A fresh clone thus builds two kernels here, not one per
# patch of the series.

. "$(dirname "$0")/lib.sh"

g() { git -C "$TREE" "$@"; }

"$TOP/scripts/tree.sh"
[ -z "$(g status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted edits: commit or stash them first"
branch=$(g symbolic-ref -q --short HEAD) || die "$TREE is not on a branch"
[ $# -gt 0 ] || set -- base prev
todo=()
for name in "$@"; do
	case "$name" in
	base) c=$(g rev-parse base) ;;
	prev) c=$(prev_kernel_commit "$branch") ||
		die "no patch of the series changes a component version: no previous kernel" ;;
	*) die "unknown reference kernel '$name' (base or prev)" ;;
	esac
	dir=$BUILD/$name-kernel
	if [ -f "$dir/bzImage" ] && [ "$(cat "$dir/commit" 2>/dev/null)" = "$c" ]; then
		msg "$name kernel is up to date ($(g log -1 --format=%s "$c"))"
		continue
	fi
	todo+=("$name:$c")
done
[ ${#todo[@]} -gt 0 ] || exit 0

for t in "${todo[@]}"; do
	name=${t%%:*} c=${t#*:}
	dir=$BUILD/$name-kernel
	mkdir -p "$dir"
	kernel_at "$c" "$BUILD/bisect" "$BUILD/logs/ref-$name.log" ||
		die "the $name kernel does not build"
	cp "$BUILD/bisect/arch/x86/boot/bzImage" "$dir/bzImage"
	echo "$c" >"$dir/commit"
	[ "$name" = base ] ||
		echo "$(printf '%04d' "$(g rev-list --count "cover..$c")") $(g log -1 --format=%s "$c")" \
			>"$dir/subject"
done
