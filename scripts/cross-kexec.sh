#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cross-kexec.sh [SCENARIO...]: live update from the unpatched base kernel into
# the patched kernel, both built with the same configuration, over the
# upstream kexec selftest scenarios: boot the base kernel
# ($BUILD/base-kernel/bzImage, made by scripts/bisect-build.sh), run stage 1
# of the scenario, kexec into the patched kernel ($BUILD/kernel) and run
# stage 2 there, which verifies the preserved data.
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
[ -f "$old" ] || die "no base kernel at $old: run scripts/bisect-build.sh"
[ -f "$new" ] || die "no patched kernel at $new: run 'make kernel'"

# The upstream scenarios and their sources, as in the base.
rm -rf "$ws_all"
mkdir -p "$ws_all/src"
git -C "$TREE" archive base tools/testing/selftests/liveupdate tools/testing/selftests/kselftest.h \
	tools/include/nolibc | tar -x -C "$ws_all/src"
st=$ws_all/src/tools/testing/selftests/liveupdate
if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	mapfile -t scenarios < <(sed -n 's/^TEST_GEN_PROGS_EXTENDED[[:space:]]*+=[[:space:]]*//p' "$st/Makefile")
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
echo "$pass $fail" >"$res/cross"
msg "cross-kexec: $pass passed, $fail failed"
[ "$fail" = 0 ]
