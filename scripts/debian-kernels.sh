#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-kernels.sh: fetch the Debian kernel packages of
# config/debian-kernels through the private apt configuration (debian_apt in
# lib.sh), check each against its pinned sha256 and unpack the kernel image
# and its configuration into $CACHE_DIR/debian-kernels/<release>/
# (vmlinuz, config). Prints one line per kernel: the directory. Everything
# is cached and reused; the network is used only for what is missing.

. "$(dirname "$0")/lib.sh"

list=$TOP/config/debian-kernels
out=$CACHE_DIR/debian-kernels
mkdir -p "$out" "$CACHE_DIR/deb"
updated=

while read -r pkg ver sum; do
	case "$pkg" in '' | '#'*) continue ;; esac
	deb=$CACHE_DIR/deb/${pkg}_${ver/:/%3a}_amd64.deb
	if [ ! -f "$deb" ]; then
		if [ -z "$updated" ]; then
			debian_apt
			apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 ||
				die "apt-get update of $BASE_SUITE failed: see $apt_dir/update.log"
			updated=1
		fi
		msg "fetching $pkg $ver from $BASE_SUITE"
		tmp=$(mktemp -d "$CACHE_DIR/deb/tmp.XXXXXX")
		(cd "$tmp" && apt-get "${apt_opts[@]}" download "$pkg=$ver" >/dev/null 2>&1) ||
			{ rm -rf "$tmp"; die "download of $pkg $ver failed (is it still in $BASE_SUITE?)"; }
		mv "$tmp"/*.deb "$deb.part"
		rmdir "$tmp"
		mv "$deb.part" "$deb"
	fi
	[ "$(sha256sum "$deb" | cut -d' ' -f1)" = "$sum" ] ||
		die "$deb does not match its pinned sha256 in $list; remove it"
	release=${pkg#linux-*-}
	dir=$out/$release
	case "$pkg" in
	linux-binary-*) file=vmlinuz ;;
	linux-base-*) file=config ;;
	*) die "$list: $pkg is neither linux-binary-* nor linux-base-*" ;;
	esac
	if [ ! -f "$dir/$file" ] || [ "$(cat "$dir/$file.sha256" 2>/dev/null)" != "$sum" ]; then
		tmp=$(mktemp -d "$out/tmp.XXXXXX")
		dpkg-deb -x "$deb" "$tmp"
		mkdir -p "$dir"
		cp "$tmp/usr/lib/modules/$release/$file" "$dir/$file" ||
			die "$pkg holds no usr/lib/modules/$release/$file"
		echo "$sum" >"$dir/$file.sha256"
		rm -rf "$tmp"
	fi
done <"$list"

for dir in "$out"/*/; do
	dir=${dir%/}
	[ -f "$dir/vmlinuz" ] && [ -f "$dir/config" ] || continue
	grep -q "^linux-binary-${dir##*/} " "$list" && echo "$dir"
done
