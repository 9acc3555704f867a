#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that the build and the tests need, when they
# are missing. As non-root, print the exact apt-get command and stop.

set -euo pipefail

pkgs=(
	gcc make libc6-dev binutils flex bison bc libelf-dev libssl-dev
	python3 perl git xz-utils rsync cpio dpkg apt
	qemu-system-x86 qemu-system-data
	ccache sparse python3-ply python3-git
	liburcu-dev zlib1g-dev python3-sphinx python3-sphinx-rtd-theme
	liblzma-dev libzstd-dev liblz4-dev clang libclang-rt-dev
	gzip zstd lz4 bzip2
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "missing packages: ${missing[*]}" >&2
	echo "run as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "==> installing ${missing[*]}" >&2
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $cmd -q
