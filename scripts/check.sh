#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test, in order, each stage run even when an earlier one
# failed (as far as it can run): series hygiene, the tree, the
# documentation, KUnit, the
# memblock simulator, the kexec selftests, corrupt handovers and allocation
# failures on a KASAN kernel (a representative subset of the matrix of
# scripts/torture.sh: $TORTURE_CHECK_CASES), the build of every patch (with
# W=1 and sparse on the files the series touches), each series of
# patches/stack applied (and built, where that makes a tree the stack does
# not contain) on its prerequisites alone, and the live update from
# the unpatched base kernel into the patched one, and the pre-flight tool
# on Debian's kernels and on hostile images, fuzzed. Ends with "N passed, N
# failed" over every patch checked, every patch built, every KUnit case,
# every memblock simulator check, every series alone, every kexec test and
# every pre-flight case, and exits non-zero on any failure.

. "$(dirname "$0")/lib.sh"

# One case of each class of the matrix and the allocation failures; make
# torture runs every case and the ten updates in a row (CI's 90 minutes).
TORTURE_CHECK_CASES=${TORTURE_CHECK_CASES:-"memfd-size memfd-seals folio-index-dup file-compatible session-files-unpreserved sessions-block-cycle luo-compatible fdt-memfd-version-missing fdt-component-unknown fdt-map-unaligned scratch-size scratch-reserved setup-fdt-size-zero flb-record-count-max flb-record-count-low radix-node-cycle reserve-mem-start fault endure-new-region kasan:luo_debugfs_in kasan:luo_version_drop_test kasan:luo_version_drop_memfd kasan:luo_version_drop_radix"}

res=$BUILD/results
rm -rf "$res"
mkdir -p "$res"
t0=$(date +%s)

stage() { printf '\n=== %s (at %d s)\n' "$*" $(( $(date +%s) - t0 )); }

stage "series hygiene (apply to the base, checkpatch --strict)"
"$TOP/scripts/check-series.sh" || true

stage "tree: base + series"
tree_ok=1
"$TOP/scripts/tree.sh" || tree_ok=0

if [ "$tree_ok" = 1 ]; then
	stage "documentation (Sphinx htmldocs of what the series touches)"
	"$TOP/scripts/docs.sh" || true

	stage "KUnit (kunit.py build, QEMU $QEMU_ACCEL, kunit.py parse)"
	"$TOP/scripts/kunit.sh" || true

	stage "memblock simulator (tools/testing/memblock)"
	"$TOP/scripts/memblock-tests.sh" || true

	stage "kexec selftests (vmtest.sh)"
	kernel_ok=1
	if "$TOP/scripts/kernel.sh"; then
		"$TOP/scripts/selftests.sh" || true
	else
		kernel_ok=0
		echo "not ok - kernel build failed"
	fi

	stage "corrupt handovers, allocation failures (KASAN, panic_on_warn): a subset"
	TORTURE_CASES=$TORTURE_CHECK_CASES "$TOP/scripts/torture.sh" || true

	stage "every patch builds (W=1 and sparse on the touched files)"
	bisect_ok=1
	"$TOP/scripts/bisect-build.sh" || bisect_ok=0

	stage "each series on its prerequisites alone (git am; built where the stack lacks its tree)"
	ALONE_BUILD=1 "$TOP/scripts/alone.sh" || true

	stage "live update from the unpatched base kernel into the patched kernel"
	if [ "$kernel_ok" = 1 ] && [ -f "$BUILD/base-kernel/bzImage" ]; then
		"$TOP/scripts/cross-kexec.sh" || true
	else
		echo "not ok - no base or patched kernel to run"
	fi

	stage "pre-flight on Debian's kernels, every compression, hostile images, fuzzing (ASan, UBSan)"
	if [ "$kernel_ok" = 1 ]; then
		"$TOP/scripts/preflight-images.sh" || true
	else
		echo "not ok - no patched kernel to write"
	fi
fi

stage "summary"
pass=0 fail=0
for s in hygiene docs kunit memblock selftests torture bisect alone cross preflight; do
	if [ -f "$res/$s" ]; then
		read -r p f <"$res/$s"
	else
		p=0 f=1	# the stage could not run: that is a failure
	fi
	printf '%-10s %4d passed, %d failed\n' "$s" "$p" "$f"
	pass=$((pass + p)) fail=$((fail + f))
done
echo "wall time: $(( $(date +%s) - t0 )) s"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
