#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: boot the patched kernel in QEMU, create LUO sessions holding
# memfds filled with known data, live-update (kexec) into the same patched
# kernel, retrieve and verify every byte, and print a report.
#
# The guest side is demo/luo_demo.c, run by upstream's selftest init
# (tools/testing/selftests/liveupdate/init.c) exactly like a kexec selftest;
# the initramfs is laid out as vmtest.sh lays it out.

. "$(dirname "$0")/lib.sh"

st=$TREE/tools/testing/selftests/liveupdate
kbuild=$BUILD/kernel
ws=$BUILD/demo
kernel=$kbuild/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make kernel'"

rm -rf "$ws"
mkdir -p "$ws"
make -s -C "$TREE" O="$kbuild" ARCH=x86 headers_install INSTALL_HDR_PATH="$ws/usr"

cc_nolibc=(gcc -static -nostdinc -nostdlib -I "$ws/usr/include" -I "$TREE/tools/include/nolibc")
"${cc_nolibc[@]}" -O2 -I "$st/lib/include" -o "$ws/test_binary" \
	"$TOP/demo/luo_demo.c" "$st/lib/lu_utils.c"
"${cc_nolibc[@]}" -s -Os -fno-asynchronous-unwind-tables -fno-ident \
	-fno-stack-protector -o "$ws/init" "$st/init.c"

common="dir /dev 0755 0 0
dir /proc 0755 0 0
dir /debugfs 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $ws/init 0755 0 0
file /test_binary $ws/test_binary 0755 0 0"
printf '%s\n' "$common" >"$ws/cpio_list_inner"
"$kbuild/usr/gen_init_cpio" "$ws/cpio_list_inner" >"$ws/inner_initrd.cpio"
printf '%s\nfile /kernel %s 0644 0 0\nfile /initrd.img %s 0644 0 0\n' \
	"$common" "$kernel" "$ws/inner_initrd.cpio" >"$ws/cpio_list"
"$kbuild/usr/gen_init_cpio" "$ws/cpio_list" >"$ws/initrd.cpio"

msg "demo: booting $(basename "$kernel") in QEMU (-accel $QEMU_ACCEL), live update, verify"
start=$(date +%s.%N)
timeout "${DEMO_TIMEOUT:-180}" qemu-system-x86_64 -m 1G -smp 2 -no-reboot -nographic \
	-nodefaults -accel "$QEMU_ACCEL" -serial file:"$ws/serial.log" \
	-append "console=ttyS0 liveupdate=on panic=-1" \
	-kernel "$kernel" -initrd "$ws/initrd.cpio" </dev/null || true
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
