#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: boot the patched kernel in QEMU, create LUO sessions holding
# memfds filled with known data, live-update (kexec) into the same patched
# kernel, retrieve and verify every byte, and print a report.
#
# The guest side is demo/luo_demo.c, run by upstream's selftest init
# (tools/testing/selftests/liveupdate/init.c) exactly like a kexec selftest
# (scripts/initrd.sh).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/initrd.sh"

st=$TREE/tools/testing/selftests/liveupdate
kbuild=$BUILD/kernel
ws=$BUILD/demo
kernel=$kbuild/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make kernel'"

rm -rf "$ws"
# The series' pre-flight tool, static, for the guest to run before the kexec.
mkdir -p "$ws"
make -s -C "$TREE/tools/kho" O="$ws" LDFLAGS=-static >/dev/null 2>&1 ||
	die "cannot build tools/kho/kho-preflight statically (zlib1g-dev, libc6-dev)"
LUO_INITRD_EXTRA="file /kho-preflight $ws/kho-preflight 0755 0 0" \
	luo_initrd "$ws" "$kernel" "$st" "$TOP/demo/luo_demo.c"

msg "demo: booting $(basename "$kernel") in QEMU (-accel $QEMU_ACCEL), live update, verify"
start=$(date +%s.%N)
luo_qemu "$kernel" "$ws/initrd.cpio" "$ws/serial.log" "${DEMO_TIMEOUT:-180}"
host=$(echo "$(date +%s.%N) - $start" | bc)

kver=$(strings "$kernel" | grep -m1 -o '^[0-9][0-9.]*[^ ]* ([^)]*)' || true)
echo
echo "Live update demo: $kver"
echo "  kernel: $kernel"
sed -n 's/\r//; s/.*# DEMO: /  /p' "$ws/serial.log"
printf '  host wall time, both boots included: %.1f s\n' "$host"
echo "  serial log: $ws/serial.log"
if grep -q 'DEMO RESULT: PASS' "$ws/serial.log"; then
	echo "RESULT: PASS: every byte of every preserved file matched after the live update"
else
	echo "RESULT: FAIL: the live update did not verify; last lines of the serial log:"
	tail -n 25 "$ws/serial.log" | sed 's/^/    /'
	exit 1
fi
