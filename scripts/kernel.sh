#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh [TREE [OUT]]: build the x86_64 bzImage used by the kexec
# selftests and the demo, out of tree and incrementally.
# $KERNEL_EXTRA_CONFIG: a fragment applied after the selftest's (make bench
# adds transparent huge pages with config/bench.config).
#
# The configuration is exactly the one upstream's
# tools/testing/selftests/liveupdate/vmtest.sh writes (config.x86_64, then
# config, then olddefconfig), read from the tree being built: vmtest.sh is
# later pointed at the same directory, rewrites the same .config and finds the
# kernel up to date.

. "$(dirname "$0")/lib.sh"

tree=${1:-$TREE}
out=${2:-$BUILD/kernel}
st=$tree/tools/testing/selftests/liveupdate

mkdir -p "$out"
# Configure again only when the fragments or a Kconfig file changed since the
# last configuration: rewriting .config makes the next make resynchronise the
# whole configuration, which the per-patch build (bisect-build.sh) would pay
# at every patch.
extra=${KERNEL_EXTRA_CONFIG:-/dev/null}
cat "$st/config.x86_64" "$st/config" "$extra" >"$out/.config.fragments.new"
if [ -f "$out/.config" ] && [ -f "$out/include/config/auto.conf" ] &&
   cmp -s "$out/.config.fragments.new" "$out/.config.fragments" 2>/dev/null &&
   [ -z "$(find "$tree" -path "$tree/.git" -prune -o \
	     -name 'Kconfig*' -newer "$out/.config" -print -quit)" ]; then
	rm -f "$out/.config.fragments.new"
else
	cp "$out/.config.fragments.new" "$out/.config"
	mv "$out/.config.fragments.new" "$out/.config.fragments"
	make -s -C "$tree" O="$out" ARCH=x86 olddefconfig
fi
while read -r opt; do
	case "$opt" in ''|'#'*) continue ;; esac
	grep -qx -- "$opt" "$out/.config" || die "$opt is missing from $out/.config"
done < <(cat "$st/config.x86_64" "$st/config" "$extra")

msg "building $(basename "$out") ($tree) with -j$JOBS"
make -s -C "$tree" O="$out" ARCH=x86 -j"$JOBS" bzImage
msg "built $out/arch/x86/boot/bzImage"
