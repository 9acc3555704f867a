#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# torture.sh [CASE...]: the matrix of corrupt handovers across real kexecs.
#
# Builds, once, the torture kernel in $BUILD/torture-kernel: the selftest
# configuration, plus its config.harness (the test facility that corrupts
# the outgoing state, CONFIG_KEXEC_HANDOVER_CORRUPT_TEST, and the
# fault-injection framework), plus config/torture.config (KASAN). The plain
# kernel of the other selftests is not touched. Then runs the kexec selftest luo_corrupt once per case of its
# table (tools/testing/selftests/liveupdate/luo_corrupt.c; "luo_corrupt -l"
# lists them), each in its own QEMU guest of 2 GiB under TCG, booted with
# panic_on_warn=1 and kho_scratch=32M,256M,256M: KASAN's early reservations
# leave no room for the default scratch sizing, and the kernel after the
# kexec allocates its KASAN shadow (an eighth of the memory) from scratch
# alone, which a 4 GiB guest does not leave room for.
#
# A case "kasan:SCENARIO" runs the kexec selftest SCENARIO as it is on
# that kernel instead: for reads of the handover (debugfs) that only KASAN
# shows to be reads of freed memory, and for the selftests that need the
# facility that corrupts the outgoing state (luo_version_drop_*, which use
# it to hand over a version the next kernel does not read). The full matrix
# ends with $TORTURE_KASAN (default luo_debugfs_in and the
# luo_version_drop_* scenarios).
#
# A case passes when the guest printed the selftest's "TEST PASSED" and the
# serial log holds no WARNING, BUG, KASAN report, Oops or panic; otherwise
# the report is shown. Prints one line per case: the corruption, what the
# new kernel logged, the outcome.
#
# The cases: the arguments, or $TORTURE_CASES, or every case of the table.
# Writes "PASSED FAILED" to $BUILD/results/torture.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/initrd.sh"

st=$TREE/tools/testing/selftests/liveupdate
out=$BUILD/torture-kernel
work=$BUILD/torture
res=$BUILD/results
logs=$BUILD/logs/torture
mkdir -p "$work" "$res" "$logs"
rm -f "$res/torture"

[ -f "$st/luo_corrupt.c" ] || die "$st/luo_corrupt.c: the series has no corrupt matrix"

[ -f "$st/config.harness" ] || die "$st/config.harness: the series has no harness configuration"
cat "$st/config.harness" "$TOP/config/torture.config" >"$work/extra.config"
KERNEL_EXTRA_CONFIG=$work/extra.config \
	"$TOP/scripts/kernel.sh" "$TREE" "$out" >"$logs/build.log" 2>&1 || {
	tail -n 20 "$logs/build.log" >&2
	echo "0 1" >"$res/torture"
	die "the torture kernel does not build (log: $logs/build.log)"
}
kernel=$out/arch/x86/boot/bzImage

# The initrds, laid out as upstream's vmtest.sh lays them out
# (scripts/initrd.sh): init kexecs into the same kernel and runs the test
# binary at each stage.
initrd_of() {
	[ -f "$work/$1/initrd.cpio" ] ||
		LUO_INITRD_KERNEL=$out luo_initrd "$work/$1" "$kernel" "$st" "$st/$1.c" ||
		die "cannot build the initramfs of $1"
}
rm -rf "$work"/*/initrd.cpio
initrd_of luo_corrupt

# The runs: one per case of luo_corrupt's table, "fault" (luo_fault),
# "endure" (luo_endure: ten live updates in a row in one guest),
# "endure-new-region" (four, a reserve_mem region added at the second: a
# KHO boot allocates it in scratch and must not hand it over) and
# "kasan:SCENARIO".
if [ $# -gt 0 ]; then
	cases=("$@")
elif [ -n "${TORTURE_CASES:-}" ]; then
	read -r -a cases <<<"$TORTURE_CASES"
else
	mapfile -t cases < <("$work/luo_corrupt/test_binary" -l)
	cases+=(fault endure endure-new-region)
	for t in ${TORTURE_KASAN-luo_debugfs_in luo_version_drop_test luo_version_drop_memfd luo_version_drop_radix}; do
		cases+=("kasan:$t")
	done
fi
for c in "${cases[@]}"; do
	case $c in
	fault) initrd_of luo_fault ;;
	endure*) initrd_of luo_endure ;;
	kasan:*) initrd_of "${c#kasan:}" ;;
	esac
done

# What fails a run whatever the test binary says. Allocation failure
# reports (injected on purpose) print call traces and are not failures.
bad='WARNING:|BUG:|KASAN:|Oops|Kernel panic|UBSAN:|general protection'
cmdline="console=ttyS0 liveupdate=on panic=-1 panic_on_warn=1 kho_scratch=${TORTURE_SCRATCH:-32M,256M,256M} earlyprintk=serial reserve_mem=1M:4K:lucase"

pass=0 fail=0
for c in "${cases[@]}"; do
	serial=$logs/$c.serial
	start=$(date +%s)
	if [ "$c" = fault ]; then
		initrd=$work/luo_fault/initrd.cpio append=$cmdline
	elif [ "$c" = endure ]; then
		initrd=$work/luo_endure/initrd.cpio append="$cmdline luo_endure=10"
	elif [ "$c" = endure-new-region ]; then
		initrd=$work/luo_endure/initrd.cpio
		append="$cmdline luo_endure=4 luo_endure_new_region=2"
	elif [ "${c#kasan:}" != "$c" ]; then
		initrd=$work/${c#kasan:}/initrd.cpio append=$cmdline
	else
		initrd=$work/luo_corrupt/initrd.cpio append="$cmdline luo_corrupt=$c"
	fi
	timeout "${TORTURE_TIMEOUT:-300}" qemu-system-x86_64 -m "${TORTURE_MEM:-2G}" -smp 2 \
		-accel "$QEMU_ACCEL" -no-reboot -nographic -nodefaults \
		-serial file:"$serial" -kernel "$kernel" -initrd "$initrd" \
		-append "$append" >/dev/null 2>&1 </dev/null || true
	secs=$(( $(date +%s) - start ))
	if [ "$c" = fault ]; then
		corrupt="allocation failures while preserving"
		logged=$(grep -a -o 'STAGE 2\] .*intact' "$serial" | sed 's/^STAGE 2\] //' || true)
	elif [ "$c" = endure ]; then
		corrupt="ten live updates in a row"
		logged=$(grep -a -o 'UPDATE [0-9]*\] intact.*' "$serial" | tail -n 1 || true)
		grep -a -o 'UPDATE [0-9]*\] intact.*' "$serial" >"$logs/endure.updates" || true
	elif [ "$c" = endure-new-region ]; then
		corrupt="four live updates, a reserve_mem region added at the second"
		logged=$(grep -a -o 'UPDATE [0-9]*\] intact.*' "$serial" | tail -n 1 || true)
	elif [ "${c#kasan:}" != "$c" ]; then
		corrupt="the kexec test ${c#kasan:} on KASAN"
		logged=$(grep -a -o -- '--- .* PASSED.*' "$serial" | tail -n 1 || true)
	else
		corrupt=$("$work/luo_corrupt/test_binary" -p "$c")
		logged=$(grep -a -m1 -o 'log: .*' "$serial" | sed 's/^log: //' || true)
	fi
	if grep -aq "TEST PASSED" "$serial" && ! grep -aEq "$bad" "$serial"; then
		pass=$((pass + 1))
		echo "ok - $c (${secs}s): $corrupt -> $logged"
	else
		fail=$((fail + 1))
		echo "not ok - $c (${secs}s): $corrupt (serial: $serial)"
		if grep -aEq "$bad" "$serial"; then
			grep -aE -A 25 -m 1 "$bad" "$serial" | sed 's/^/    /'
		else
			grep -aE 'Bail|INIT: Starting' "$serial" | tail -n 4 | sed 's/^/    /'
		fi
	fi
done
echo "$pass $fail" >"$res/torture"
msg "torture: $pass passed, $fail failed"
[ "$fail" = 0 ]
