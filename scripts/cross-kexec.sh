#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cross-kexec.sh [SCENARIO...]: live update between the unpatched base kernel
# and the patched kernel, both built with the same configuration, over the
# upstream kexec selftest scenarios.
#
# Forward, for each scenario: boot the base kernel
# ($BUILD/base-kernel/bzImage, made by scripts/ref-kernels.sh or by the
# per-patch walk of scripts/bisect-build.sh), run stage 1
# of the scenario, kexec into the patched kernel ($BUILD/kernel) and run
# stage 2 there, which verifies the preserved data.
#
# Rollback, for the scenarios of $ROLLBACK (default luo_kexec_simple and
# luo_multi_session): a patched kernel runs stage 1 and kexecs into an older
# kernel. The series reads a new format one release before it writes it by
# default; the previous patched kernel ($BUILD/prev-kernel, made the same
# way) is the series before its last format change, the last patch that
# raises a component's version or the version written by default.
# - Patched -> Linux 7.3, pinned as the series' pre-flight tool
#   (tools/kho/kho-preflight) decides from 7.3's image: 7.3 restores
#   everything and the scenario passes. The tool's report is printed. The
#   pins reach the guest as "lu_pins=" on its command line, which the test
#   binary writes to sysfs (scripts/lu_pins.c), as the tool's --apply does
#   on a host: the kernel has no parameter for them.
# - Patched -> Linux 7.3, not pinned (luo_kexec_simple only): 7.3 refuses
#   the handover's root compatible, says so, boots to userspace without the
#   state (stage 2 finds no state session) and does not panic or warn.
# - Patched -> the previous patched kernel, not pinned: it reads the newer
#   format, as the pre-flight tool says, and restores everything.
# - The previous patched kernel -> Linux 7.3, not pinned: it still writes
#   what 7.3 reads, as the pre-flight tool says, and 7.3 restores everything.
#
# vmtest.sh always kexecs into the kernel it booted, so this script lays out
# the same initramfs itself (scripts/initrd.sh), with the scenarios' sources
# as they are in the base. A scenario passes when the serial log shows the
# base kernel, then the patched kernel, which reads the base's data as the
# legacy component versions and drops nothing, then the scenario's
# "TEST PASSED".
# Writes "PASSED FAILED" to $BUILD/results/cross.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/initrd.sh"

res=$BUILD/results
ws_all=$BUILD/cross
mkdir -p "$res"
rm -f "$res/cross"
old=$BUILD/base-kernel/bzImage
new=$BUILD/kernel/arch/x86/boot/bzImage
[ -f "$old" ] || die "no base kernel at $old: run scripts/ref-kernels.sh base"
[ -f "$new" ] || die "no patched kernel at $new: run 'make kernel'"

# The upstream scenarios and their sources, as in the base.
rm -rf "$ws_all"
mkdir -p "$ws_all/src"
git -C "$TREE" archive base tools/testing/selftests/liveupdate tools/testing/selftests/kselftest.h \
	tools/include/nolibc | tar -x -C "$ws_all/src"
st=$ws_all/src/tools/testing/selftests/liveupdate
# Scenarios of the series that build against the base's library as they
# are: stage 1 runs on the base, so the patched kernel reads what the 7.3
# writer produces in those cases too (a session create refused with the
# blocks full left an empty block behind).
series_scenarios=(${CROSS_SERIES_SCENARIOS-luo_failed_create luo_failed_preserve})
for t in "${series_scenarios[@]}"; do
	git -C "$TREE" show "HEAD:tools/testing/selftests/liveupdate/$t.c" >"$st/$t.c" ||
		die "no scenario $t in the series"
done
if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	mapfile -t scenarios < <(sed -n 's/^TEST_GEN_PROGS_EXTENDED[[:space:]]*+=[[:space:]]*//p' "$st/Makefile")
	scenarios+=("${series_scenarios[@]}")
fi

# The kernel release from the image (read to the end: no SIGPIPE under pipefail).
ver() { strings "$1" | grep -o '^[0-9][0-9.]*[^ ]* ([^)]*)' | sed -n '1s/ .*//p'; }
v_old=$(ver "$old")
v_new=$(ver "$new")
[ "$v_old" != "$v_new" ] || msg "warning: both kernels report version $v_old"

pass=0 fail=0
for t in "${scenarios[@]}"; do
	ws=$ws_all/$t
	luo_initrd "$ws" "$new" "$st" "$st/$t.c"
	luo_qemu "$old" "$ws/initrd.cpio" "$ws/serial.log" "${CROSS_TIMEOUT:-60}"
	# The order of events in the serial log: base boots, patched boots,
	# reads the base's handover data as the legacy versions, pass.
	legacy="no component versions in the handover FDT"
	expect="base patched legacy passed "
	order=$(tr -d '\r' <"$ws/serial.log" | awk -v o="Linux version $v_old " -v n="Linux version $v_new " \
		-v l="$legacy" '
		index($0, o) && !s { s = 1; print "base" }
		index($0, n) && s == 1 { s = 2; print "patched" }
		index($0, l) && s == 2 { s = 3; print "legacy" }
		/dropping its preserved state/ && s >= 2 { print "dropped" }
		/TEST PASSED/ && s >= 2 { s = 4; print "passed" }' | tr '\n' ' ')
	if [ "$order" = "$expect" ]; then
		pass=$((pass + 1))
		echo "ok - cross-kexec $t: $v_old -> $v_new: $(grep -a -m1 'TEST PASSED' "$ws/serial.log" | tr -d '\r')"
	else
		fail=$((fail + 1))
		echo "not ok - cross-kexec $t: $v_old -> $v_new (saw: ${order:-nothing}; serial: $ws/serial.log)"
		tail -n 15 "$ws/serial.log" | sed 's/^/    /'
	fi
done
# Rollback: the patched kernel hands over to an older kernel.
#
# The pins come from the pre-flight tool of the series (tools/kho/), run on
# the host with the patched vmlinux as the writer (--running) and the older
# kernel's bzImage as the target, as a distribution would before shipping:
# it reads the target's catalog from the bzImage, or places Linux 7.3, which
# has none, by the format strings its image carries.
tool=$ws_all/kho-preflight
make -s -C "$TREE/tools/kho" O="$ws_all" >/dev/null || die "cannot build $tool"

nopanic() { ! grep -a -q -E 'Kernel panic|BUG:|Oops|WARNING:' "$1"; }

# preflight NAME TARGET [WRITER]: print the tool's report on what TARGET
# reads of what WRITER (the patched vmlinux unless given) writes by default,
# set $pins (empty when none is needed) and $pf_rc, the tool's exit status.
# Succeeds when, with those pins, everything the scenarios hand over is
# kept: every component kept, but those of $pf_unused that the target does
# not know at all. The base kernel is built without
# CONFIG_TEST_KEXEC_HANDOVER, which the series' selftest kernel sets: the
# tool reads from 7.3's image that it does not carry the format of lib/test_kho.c
# and reports its component dropped, which no scenario uses.
pf_unused=kho-test
preflight() {
	pf_rc=0
	"$tool" --running "${3:-$BUILD/kernel/vmlinux}" "$2" >"$ws_all/preflight-$1.txt" || pf_rc=$?
	"$tool" --json --running "${3:-$BUILD/kernel/vmlinux}" "$2" >"$ws_all/preflight-$1.json" || true
	sed 's/^/    /' "$ws_all/preflight-$1.txt"
	pins=$(python3 - "$ws_all/preflight-$1.json" "$pf_unused" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
unused = sys.argv[2].split()
lost = [c['name'] for c in r['components']
        if c['outcome'] not in ('kept', 'pin') and
        not (c['outcome'] == 'dropped-unknown' and c['name'] in unused)]
print(r['pins'] if not lost else 'lost:' + ','.join(lost))
PY
) || pins=lost
	case "$pins" in lost*) return 1 ;; esac
}

# rollback NAME TARGET TARGET_RELEASE SCENARIO CMDLINE EXPECT AWK_RULES: the
# kernel $src (release $v_src, the patched kernel unless set) hands over.
rollback() {
	local name=$1 target=$2 tr=$3 t=$4 cmdline=$5 expect=$6 rules=$7 ws order
	local s=${src:-$new} vs=${v_src:-$v_new}
	ws=$ws_all/$name-$t
	luo_initrd "$ws" "$target" "$st" "$st/$t.c"
	luo_qemu "$s" "$ws/initrd.cpio" "$ws/serial.log" "${CROSS_TIMEOUT:-60}" "$cmdline"
	order=$(tr -d '\r' <"$ws/serial.log" | awk -v n="Linux version $vs " -v o="Linux version $tr " '
		index($0, n) && !s { s = 1; print "patched"; next }
		index($0, o) && s == 1 { s = 2; print "target"; next }
		/KHO: component .*: writing version 1 \(default/ && s == 1 && !p { p = 1; print "pinned" }
		'"$rules"'
		/TEST PASSED/ && s >= 2 { print "passed" }' | tr '\n' ' ')
	if [ "$order" = "$expect" ] && nopanic "$ws/serial.log"; then
		pass=$((pass + 1))
		echo "ok - cross-kexec $name $t: $vs${cmdline:+ ($cmdline)} -> $tr: ${order% }"
	else
		fail=$((fail + 1))
		echo "not ok - cross-kexec $name $t: $vs${cmdline:+ ($cmdline)} -> $tr ($target; saw: ${order:-nothing}; expected: $expect; serial: $ws/serial.log)"
		tail -n 15 "$ws/serial.log" | sed 's/^/    /'
	fi
}

rollback_scenarios=(${ROLLBACK-luo_kexec_simple luo_multi_session})
refused='/KHO: setup: handover FDT .* is incompatible with .kho-v4./ && s == 2 { print "refused" }
	/Stage mismatch Requested stage 2, but system is in stage 1/ && s == 2 { print "nothing-restored" }'
dropped='/dropping its preserved state/ && s == 2 { print "dropped" }'

# Into Linux 7.3: pinned by the tool, everything is restored; not pinned,
# 7.3 refuses the handover's root compatible and boots without it.
if [ ${#rollback_scenarios[@]} -gt 0 ]; then
	echo "# pre-flight: patched -> Linux 7.3 ($old)"
	if preflight base "$old" && [ -n "$pins" ]; then
		pins_base=$pins
		for t in "${rollback_scenarios[@]}"; do
			rollback rollback-7.3-pinned "$old" "$v_old" "$t" \
				"lu_pins=$pins" "patched pinned target passed " ""
		done
	else
		fail=$((fail + 1))
		echo "not ok - cross-kexec pre-flight patched -> 7.3: no pins that keep everything"
	fi
	rollback rollback-7.3-unpinned "$old" "$v_old" luo_kexec_simple "" \
		"patched target refused nothing-restored " "$refused"
fi

# Into the previous patched kernel, the series before its last format change
# (made by scripts/ref-kernels.sh prev): it reads what the patched kernel
# writes by default, so the pre-flight tool keeps everything without a pin
# and nothing is dropped. Then from it into Linux 7.3, not pinned either: it
# still writes what 7.3 reads.
prev=$BUILD/prev-kernel/bzImage
if [ ${#rollback_scenarios[@]} -gt 0 ] && [ -f "$prev" ]; then
	v_prev=$(ver "$prev")
	[ "$v_prev" != "$v_new" ] || msg "warning: the previous patched kernel reports version $v_prev too"
	echo "# pre-flight: patched -> the previous patched kernel ($(cat "$BUILD/prev-kernel/subject" 2>/dev/null))"
	# The tool's verdict and the live update itself are checked apart:
	# each unpinned rollback runs whatever the tool said.
	if ! preflight prev "$prev" || [ -n "$pins" ]; then
		fail=$((fail + 1))
		echo "not ok - cross-kexec pre-flight patched -> previous patched kernel: not everything kept without pins (exit status $pf_rc)"
	fi
	for t in "${rollback_scenarios[@]}"; do
		rollback rollback-prev "$prev" "$v_prev" "$t" "" \
			"patched target passed " "$dropped"
	done
	echo "# pre-flight: the previous patched kernel -> Linux 7.3 ($old)"
	if ! preflight prev-7.3 "$old" "$prev" || [ -n "$pins" ]; then
		fail=$((fail + 1))
		echo "not ok - cross-kexec pre-flight previous patched kernel -> 7.3: not everything kept without pins (exit status $pf_rc)"
	fi
	for t in "${rollback_scenarios[@]}"; do
		src=$prev v_src=$v_prev rollback rollback-prev-7.3 "$old" "$v_old" "$t" "" \
			"patched target passed " ""
	done
elif [ ${#rollback_scenarios[@]} -gt 0 ]; then
	fail=$((fail + 1))
	echo "not ok - cross-kexec rollback to the previous patched kernel: no $prev (run scripts/ref-kernels.sh prev)"
fi

# Ten live updates in a row in one guest, alternating the patched kernel and
# Linux 7.3 (the series' luo_endure, luo_endure_alt=1): the patched kernel
# writes what 7.3 reads (lu_pins=, the pins of the pre-flight
# tool, as above; 7.3 ignores the parameter), 7.3 writes its own format, which
# the patched kernel reads as the legacy versions. Every memfd is verified
# byte for byte at every update, and the free memory is printed per update.
# Passes when the updates ran on the kernels in turn, the patched kernel read
# 7.3's handover at each of its updates and the test passed.
endure=$TREE/tools/testing/selftests/liveupdate/luo_endure.c
n=${ENDURE_UPDATES:-10}
ws=$ws_all/endure-alternating
endure_fail() {
	fail=$((fail + 1))
	echo "not ok - cross-kexec endure: $n live updates alternating $v_new and $v_old: $*"
}
if [ ! -f "$endure" ]; then
	endure_fail "no $endure"
elif [ "$v_old" = "$v_new" ]; then
	endure_fail "both kernels report version $v_old: the updates cannot be told apart"
else
	if [ -z "${pins_base:-}" ]; then
		echo "# pre-flight: patched -> Linux 7.3 ($old)"
		preflight base "$old" && [ -n "$pins" ] && pins_base=$pins
	fi
	if [ -z "${pins_base:-}" ]; then
		endure_fail "the pre-flight tool found no pins that keep everything"
	elif ! LUO_INITRD_EXTRA="file /kernel_b $old 0644 0 0" \
		luo_initrd "$ws" "$new" "$(dirname "$endure")" "$endure"; then
		endure_fail "cannot build the initramfs"
	else
		luo_qemu "$new" "$ws/initrd.cpio" "$ws/serial.log" "${ENDURE_TIMEOUT:-600}" \
			"lu_pins=$pins_base luo_endure=$n luo_endure_alt=1 luo_endure_old=1"
		# Kernel lines printed while the test prints its own can land in
		# the middle of a test line on the console, with or without a
		# timestamp (7.3's console has none): the test module's "finish
		# was triggered" lines and KHO's line about the unclaimed memory,
		# which a work item prints once the sessions are finished. Take
		# them out.
		tr -d '\r' <"$ws/serial.log" |
			perl -0pe 's/(?:\[ *[0-9]+\.[0-9]+\] )?(?:liveupdate test: [^\n]*?finish was triggered|KHO: (?:gave back|keeping the) [^\n]*)\n//g' \
			>"$ws/serial.clean"
		grep -a -o 'UPDATE [0-9]*\] intact on .*' "$ws/serial.clean" >"$ws/updates" || true
		# Update k runs 7.3 when k is odd, the patched kernel when k is
		# even, after it read 7.3's handover as the legacy versions: the
		# number of updates that ran as expected, or "bad".
		seen=$(awk -v o="$v_old" -v p="$v_new" '
			/no component versions in the handover FDT/ { legacy = 1 }
			/UPDATE [0-9]*\] intact on / {
				sub(/.*UPDATE /, "")
				k = $1 + 0
				want = (k % 2) ? o : p
				if ($4 != want ";" || k != ++u || legacy != !(k % 2))
					bad = 1
				legacy = 0
			}
			END { print (bad || !u) ? "bad" : u }' "$ws/serial.clean")
		if [ "$seen" = "$n" ] && grep -a -q "$n LIVE UPDATES KEXEC TEST PASSED" "$ws/serial.log" &&
		   nopanic "$ws/serial.log"; then
			pass=$((pass + 1))
			echo "ok - cross-kexec endure: $n live updates alternating $v_new (pinned $pins_base) and $v_old, every memfd intact:"
			sed 's/^/    /' "$ws/updates"
		else
			endure_fail "updates as expected: $seen; serial: $ws/serial.log"
			tail -n 15 "$ws/serial.log" | sed 's/^/    /'
		fi
	fi
fi

echo "$pass $fail" >"$res/cross"
msg "cross-kexec: $pass passed, $fail failed"
[ "$fail" = 0 ]
