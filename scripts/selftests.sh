#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests.sh [SCENARIO...]: run the liveupdate kexec selftests through
# upstream's tools/testing/selftests/liveupdate/vmtest.sh: boot the built
# kernel in QEMU, preserve, kexec into the same kernel, verify.
#
# The scenarios are the kexec tests that the tree's selftest Makefile builds
# (TEST_GEN_PROGS_EXTENDED, each with its own .c file), so a scenario that the
# series adds is picked up without touching this script, except the tests of
# the harness (luo_corrupt, luo_fault, luo_endure and luo_version_drop_*,
# which need CONFIG_KEXEC_HANDOVER_CORRUPT_TEST or fault injection): they
# need the kernel and command line of scripts/torture.sh, which runs them. vmtest.sh is pointed
# at $BUILD/kernel, which scripts/kernel.sh configured exactly as vmtest.sh
# does, so it finds the kernel up to date. vmtest.sh asks QEMU for TCG first.
# Writes "PASSED FAILED" to $BUILD/results/selftests.

. "$(dirname "$0")/lib.sh"

st=$TREE/tools/testing/selftests/liveupdate
logs=$BUILD/logs/selftests
res=$BUILD/results
mkdir -p "$logs" "$res"
rm -f "$res/selftests"

if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	mapfile -t scenarios < <(sed -n 's/^TEST_GEN_PROGS_EXTENDED[[:space:]]*+=[[:space:]]*//p' "$st/Makefile" |
		tr ' ' '\n' | while read -r t; do
			case $t in luo_corrupt|luo_fault|luo_endure|luo_version_drop_*) continue ;; esac
			[ -f "$st/$t.c" ] && echo "$t"
		done)
fi
[ ${#scenarios[@]} -gt 0 ] || die "no kexec scenarios found in $st/Makefile"

pass=0 fail=0
for t in "${scenarios[@]}"; do
	log=$logs/$t.log
	start=$(date +%s.%N)
	rc=0
	"$st/vmtest.sh" -d "$BUILD/kernel" -j "$JOBS" -t x86_64 -T "$t" -k \
		-w "$BUILD/vmtest/$t" >"$log" 2>&1 </dev/null || rc=$?
	secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
	case $rc in
	0) pass=$((pass + 1)); echo "ok - kexec $t (${secs}s)" ;;
	*) fail=$((fail + 1))
	   echo "not ok - kexec $t (exit $rc, ${secs}s; log: $log, serial: $BUILD/vmtest/$t/qemu.serial)"
	   tail -n 15 "$BUILD/vmtest/$t/qemu.serial" 2>/dev/null | sed 's/^/    /' ;;
	esac
done
echo "$pass $fail" >"$res/selftests"
msg "selftests: $pass passed, $fail failed"
[ "$fail" = 0 ]
