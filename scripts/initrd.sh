# SPDX-License-Identifier: GPL-2.0
# Sourced by demo.sh, cross-kexec.sh and torture.sh, after lib.sh.
#
# luo_initrd WS NEXT_KERNEL SRC_DIR TEST_C...: build WS/initrd.cpio laid out
# as upstream's tools/testing/selftests/liveupdate/vmtest.sh lays it out: the
# selftest init (SRC_DIR/init.c) runs /test_binary (TEST_C... linked with
# SRC_DIR/lib/lu_utils.c, built with nolibc) as stage 1, kexec-loads
# /kernel with /initrd.img (init and test binary again) and reboots into it for
# stage 2. NEXT_KERNEL is the kernel kexec'ed into; it may differ from the one
# QEMU boots, which vmtest.sh cannot do. Headers and gen_init_cpio come from
# the kernel build directory $LUO_INITRD_KERNEL (default $BUILD/kernel).
# The test binary also links scripts/lu_pins.c, which writes the pins of
# "lu_pins=" on the guest's command line to sysfs before the test runs.
# $LUO_INITRD_EXTRA: more gen_init_cpio lines for the first boot's initramfs.

luo_initrd() {
	local ws=$1 next=$2 src=$3
	shift 3
	local root kout=${LUO_INITRD_KERNEL:-$BUILD/kernel}
	root=$(cd "$src/../../../.." && pwd)	# the kernel tree SRC_DIR is in
	mkdir -p "$ws"
	# Every step is checked: callers may run this where errexit is off.
	make -s -C "$TREE" O="$kout" ARCH=x86 headers_install \
		INSTALL_HDR_PATH="$ws/usr" || return 1
	local cc=(gcc -static -nostdinc -nostdlib -I "$ws/usr/include" -I "$root/tools/include/nolibc")
	"${cc[@]}" -O2 -I "$src/lib/include" -o "$ws/test_binary" "$@" "$src/lib/lu_utils.c" \
		"$TOP/scripts/lu_pins.c" || return 1
	"${cc[@]}" -s -Os -fno-asynchronous-unwind-tables -fno-ident \
		-fno-stack-protector -o "$ws/init" "$src/init.c" || return 1

	local common="dir /dev 0755 0 0
dir /proc 0755 0 0
dir /debugfs 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $ws/init 0755 0 0
file /test_binary $ws/test_binary 0755 0 0"
	printf '%s\n' "$common" >"$ws/cpio_list_inner"
	"$kout/usr/gen_init_cpio" "$ws/cpio_list_inner" >"$ws/inner_initrd.cpio" || return 1
	printf '%s\nfile /kernel %s 0644 0 0\nfile /initrd.img %s 0644 0 0\n%s\n' \
		"$common" "$next" "$ws/inner_initrd.cpio" "${LUO_INITRD_EXTRA:-}" >"$ws/cpio_list"
	"$kout/usr/gen_init_cpio" "$ws/cpio_list" >"$ws/initrd.cpio" || return 1
}

# luo_qemu KERNEL INITRD SERIAL TIMEOUT [CMDLINE...]: boot as vmtest.sh does
# (TCG unless QEMU_ACCEL says otherwise), serial console to SERIAL.
luo_qemu() {
	timeout "$4" qemu-system-x86_64 -m 1G -smp 2 -no-reboot -nographic -nodefaults \
		-accel "$QEMU_ACCEL" -serial file:"$3" \
		-append "console=ttyS0 liveupdate=on panic=-1${5:+ $5}" \
		-kernel "$1" -initrd "$2" </dev/null >/dev/null 2>&1 || true
}
