#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# memblock-tests.sh: run upstream's memblock simulator
# (tools/testing/memblock) on the patched tree, without and with NUMA. It
# builds mm/memblock.c as it is, in user space with ASan and UBSan, and
# checks adding, removing, reserving, isolating and allocating regions: the
# series changes how memblock walks its regions and what mm/memblock.c
# includes. Builds in the tree (the simulator has no O=) and cleans up.
# Writes "PASSED FAILED" (test cases) to $BUILD/results/memblock.

. "$(dirname "$0")/lib.sh"

dir=$TREE/tools/testing/memblock
logs=$BUILD/logs/memblock
res=$BUILD/results
mkdir -p "$logs" "$res"
rm -f "$res/memblock"

pass=0 fail=0
for numa in 0 1; do
	name=memblock; [ $numa = 0 ] || name="memblock, NUMA=1"
	log=$logs/numa$numa.log
	make -s -C "$dir" clean >/dev/null 2>&1 || true
	if ! make -C "$dir" -j"$JOBS" NUMA=$numa >"$log" 2>&1; then
		fail=$((fail + 1))
		echo "not ok - $name: the simulator does not build (log: $log)"
		grep -m 5 -E 'error|Error' "$log" | sed 's/^/    /'
		continue
	fi
	rc=0
	(cd "$dir" && ./main -v) >>"$log" 2>&1 || rc=$?
	n=$(grep -c '^ok [0-9]* : .*: passed$' "$log" || true)
	if [ "$rc" = 0 ] && [ "$n" -gt 0 ]; then
		pass=$((pass + n))
		echo "ok - $name: $n checks passed"
	else
		fail=$((fail + 1))
		echo "not ok - $name: exit $rc after $n passed checks (log: $log)"
		grep -v ': passed$' "$log" | tail -n 5 | sed 's/^/    /'
	fi
done
make -s -C "$dir" clean >/dev/null 2>&1 || true
echo "$pass $fail" >"$res/memblock"
msg "memblock simulator: $pass checks passed, $fail failed"
[ "$fail" = 0 ]
