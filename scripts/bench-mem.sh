#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The memory axis of make bench: live update of one memfd of BENCH_MEM_MIB
# MiB (default 128 256 512 2048), in 4 KiB pages and in large folios (shmem
# transparent huge pages, transparent_hugepage_shmem=always), on the
# unpatched base kernel and on the patched kernel in the same invocation
# (these machines are noisy: only ratios taken in one run are evidence).
#
# Both kernels are built with the selftest configuration plus
# config/bench.config (transparent huge pages), in $BUILD/bench-base and
# $BUILD/bench-patched: only these two. Each run boots QEMU (TCG) with a guest
# large enough for the memfd twice over, runs bench/luo_bench_mem.c as stage
# 1 (fill, preserve; the selftest init then kexecs), and as stage 2 in the
# kernel it kexecs into,
# the same kernel (retrieve, first touch of every page, check of every byte,
# finish). BENCH_MEM_REPEAT runs of each (default 2) give the better time
# of each phase. BENCH_MEM_MODES (default "0 1 2") says which modes run: 0,
# 4 KiB pages; 1, large folios; 2, 4 KiB pages with the memfd preserved
# before it is filled (-DBENCH_EARLY=1: no page of it lands in KHO scratch,
# nothing is migrated at preserve). BENCH_MEM_CMDLINE adds to both kernels' command line (for
# instance a kho_scratch= size).
#
# Prints one table: per phase, both kernels, per GiB at the largest size, the
# growth from the smallest to the largest size, and the ratio unpatched /
# patched.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/initrd.sh"

read -ra SIZES <<<"${BENCH_MEM_MIB:-128 256 512 2048}"
REPEAT=${BENCH_MEM_REPEAT:-2}
ws=$BUILD/bench-mem
st=$TREE/tools/testing/selftests/liveupdate
g() { git -C "$TREE" "$@"; }

"$TOP/scripts/tree.sh"
export KERNEL_EXTRA_CONFIG=$TOP/config/bench.config
# bench_kernel COMMIT OUT: the bench kernel of COMMIT, unless OUT holds it.
bench_kernel() {
	[ -f "$2/arch/x86/boot/bzImage" ] && [ "$(cat "$2/bench-commit" 2>/dev/null)" = "$1" ] &&
		return 0
	kernel_at "$1" "$2" "$2.log" || die "bench-mem: $2 does not build"
	echo "$1" >"$2/bench-commit"
}
bench_kernel "$(g rev-parse base)" "$BUILD/bench-base"
bench_kernel "$(g rev-parse HEAD)" "$BUILD/bench-patched"
# The headers and gen_init_cpio of the guest programs come from $BUILD/kernel.
[ -x "$BUILD/kernel/usr/gen_init_cpio" ] || "$TOP/scripts/kernel.sh"

rm -rf "$ws"
mkdir -p "$ws"
results=$ws/results
: >"$results"

# run SIDE KERNEL MIB THP REP: one live update; appends its BENCH values.
run() {
	local side=$1 kernel=$2 mib=$3 thp=$4 rep=$5
	local tag=$side-$mib-$thp-$rep dir mem cmd early=0
	dir=$ws/$tag
	mkdir -p "$dir"
	[ "$thp" = 2 ] && early=1
	luo_initrd "$dir" "$kernel" "$st" "$TOP/bench/luo_bench_mem.c" \
		-DBENCH_MIB="$mib" -DBENCH_EARLY=$early >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log" >&2; return 1; }
	mem=$(( (2 * mib + 1024 + 1023) / 1024 ))G
	cmd="quiet printk.time=1 ${BENCH_MEM_CMDLINE:-}"
	[ "$thp" = 1 ] && cmd="$cmd transparent_hugepage_shmem=always"
	timeout "${BENCH_TIMEOUT:-900}" qemu-system-x86_64 -m "$mem" -smp 2 -no-reboot \
		-nographic -nodefaults -accel "$QEMU_ACCEL" -serial file:"$dir/serial.log" \
		-append "console=ttyS0 liveupdate=on panic=-1 $cmd" \
		-kernel "$kernel" -initrd "$dir/initrd.cpio" </dev/null >/dev/null 2>&1 || true
	if ! grep -q 'LUO BENCH MEM TEST PASSED' "$dir/serial.log"; then
		echo "bench-mem run $tag failed; serial: $dir/serial.log" >&2
		tail -n 20 "$dir/serial.log" >&2
		return 1
	fi
	{
		printf '%s %s %s %s ' "$side" "$mib" "$thp" "$rep"
		tr -d '\r' <"$dir/serial.log" | sed -n 's/.*BENCH \([a-z_0-9]*=\)/\1/p' | tr '\n' ' '
		# The old kernel's printk times of the marker and of the jump.
		tr -d '\r' <"$dir/serial.log" |
			sed -n 's/.*\[ *\([0-9.]*\)\] luo_bench_mem: reboot.*/t_marker=\1/p;
				s/.*\[ *\([0-9.]*\)\] kexec_core: Starting new kernel.*/t_start=\1/p' |
			tr '\n' ' '
		echo
	} >>"$results"
}

for rep in $(seq "$REPEAT"); do
	for thp in ${BENCH_MEM_MODES:-0 1 2}; do
		for mib in "${SIZES[@]}"; do
			for side in base patched; do
				msg "bench-mem: $side, $mib MiB, $(case $thp in 1) echo 'large folios' ;; 2) echo '4 KiB pages, preserved before filled' ;; *) echo '4 KiB pages' ;; esac), run $rep"
				run "$side" "$BUILD/bench-$side/arch/x86/boot/bzImage" "$mib" "$thp" "$rep" ||
					die "bench-mem run failed"
			done
		done
	done
done

ver() { strings "$1" | grep -o '^[0-9][0-9.]*[^ ]* ([^)]*)' | sed -n '1s/ .*//p'; }
python3 "$TOP/scripts/bench-mem-table.py" "$results" \
	"$(ver "$BUILD/bench-base/arch/x86/boot/bzImage")" \
	"$(ver "$BUILD/bench-patched/arch/x86/boot/bzImage")" | tee "$ws/table.txt"
