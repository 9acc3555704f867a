#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the pinned Debian linux-source package through a private apt
# configuration (debian_apt in lib.sh), verify its sha256,
# unpack it and turn it into a git repository with one commit tagged "base".
# Everything is cached under $CACHE_DIR and reused on the next run.

. "$(dirname "$0")/lib.sh"

[ -f "$BASE_REPO/.git/base-ok" ] && exit 0

if [ -n "${BASE_VERSION_OVERRIDE:-}" ]; then
	msg "WARNING: BASE_VERSION_OVERRIDE: using $BASE_PACKAGE $BASE_VERSION instead of the pinned version"
fi

debian_apt

deb=$CACHE_DIR/deb/${BASE_PACKAGE}_${BASE_VERSION/:/%3a}_all.deb
if [ ! -f "$deb" ]; then
	msg "fetching $BASE_PACKAGE $BASE_VERSION from $BASE_SUITE"
	apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 ||
		die "apt-get update of $BASE_SUITE failed: see $apt_dir/update.log"
	offered=$(apt-cache "${apt_opts[@]}" madison "$BASE_PACKAGE" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }')
	if ! grep -qxF -- "$BASE_VERSION" <<<"$offered"; then
		die "$BASE_PACKAGE $BASE_VERSION is not offered by $BASE_SUITE; it offers: ${offered:-nothing}. Set BASE_VERSION_OVERRIDE (and BASE_SHA256_OVERRIDE) to use another version."
	fi
	tmp=$(mktemp -d "$CACHE_DIR/deb/tmp.XXXXXX")
	(cd "$tmp" && apt-get "${apt_opts[@]}" download "$BASE_PACKAGE=$BASE_VERSION" >/dev/null) ||
		die "download of $BASE_PACKAGE $BASE_VERSION failed"
	mv "$tmp"/*.deb "$deb.part"
	rmdir "$tmp"
	sum=$(sha256sum "$deb.part" | cut -d' ' -f1)
	if [ -z "$BASE_SHA256" ]; then
		msg "WARNING: no sha256 pinned for $BASE_VERSION; it is $sum"
	elif [ "$sum" != "$BASE_SHA256" ]; then
		rm -f "$deb.part"
		die "sha256 mismatch for $BASE_PACKAGE $BASE_VERSION: got $sum, pinned $BASE_SHA256"
	fi
	mv "$deb.part" "$deb"
fi

sum=$(sha256sum "$deb" | cut -d' ' -f1)
[ -z "$BASE_SHA256" ] || [ "$sum" = "$BASE_SHA256" ] ||
	die "cached $deb does not match the pinned sha256; remove it"

msg "unpacking $BASE_PACKAGE $BASE_VERSION into $BASE_REPO"
rm -rf "$BASE_REPO" "$BASE_REPO.tmp"
mkdir -p "$BASE_REPO.tmp/deb"
dpkg-deb -x "$deb" "$BASE_REPO.tmp/deb"
tarball=$(ls "$BASE_REPO.tmp"/deb/usr/src/linux-source-*.tar.xz)
tar -xJf "$tarball" -C "$BASE_REPO.tmp"
src=$(find "$BASE_REPO.tmp" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*')
[ -f "$src/Makefile" ] || die "unexpected layout in $tarball"

# Debian's tarball ends .gitignore with a packaging stanza that ignores every
# top-level entry but debian/; in a git tree of the kernel that hides every new
# file. Drop that stanza and nothing else.
python3 - "$src/.gitignore" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().split('\n')
for i, l in enumerate(lines):
    if l.startswith('# Debian packaging'):
        j = i
        while j > 0 and lines[j - 1].strip() in ('', '#'):
            j -= 1
        open(path, 'w').write('\n'.join(lines[:j]) + '\n')
        break
PY

epoch=$(stat -c %Y "$tarball")
maint=$(dpkg-deb -f "$deb" Maintainer)
git -C "$src" init -q -b base-branch
git -C "$src" config core.abbrev 12
git -C "$src" add -f -A
GIT_AUTHOR_NAME=${maint% <*} GIT_AUTHOR_EMAIL=$(sed 's/.*<\(.*\)>.*/\1/' <<<"$maint") \
GIT_COMMITTER_NAME=${maint% <*} GIT_COMMITTER_EMAIL=$(sed 's/.*<\(.*\)>.*/\1/' <<<"$maint") \
GIT_AUTHOR_DATE="@$epoch +0000" GIT_COMMITTER_DATE="@$epoch +0000" \
	git -C "$src" commit -q --no-verify -F - <<MSG
Linux $BASE_UPSTREAM as packaged by Debian: $BASE_PACKAGE $BASE_VERSION

Unpacked from $(basename "$deb")
(sha256 $sum, suite $BASE_SUITE).

Changed from the tarball: the Debian packaging stanza at the end of
.gitignore ("/*", "!/debian/") is dropped, since it hides every new file
in a git tree of the kernel.
MSG
git -C "$src" tag base
git -C "$src" gc -q --auto
mv "$src" "$BASE_REPO"
rm -rf "$BASE_REPO.tmp"
touch "$BASE_REPO/.git/base-ok"
msg "base ready: $(git -C "$BASE_REPO" rev-parse --short=12 base)"
