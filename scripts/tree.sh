#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Produce the working kernel tree at build/linux: the pinned base, then each
# series of patches/stack in merge order: its cover letter as an empty commit
# (b4-style, tagged cover-<dir>) and every patch of its series file applied
# with "git am", one commit per patch (the last one tagged end-<dir>). The
# tag "cover" names the first cover letter: cover..series is the whole stack.
#
# An existing tree is left alone when it already holds exactly patches/; it is
# never overwritten when it has uncommitted edits, and only with FORCE=1 when
# its commits differ from patches/ (run "make export" first to keep them).

. "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh"

want=$(stack_stamp)
if [ -d "$TREE/.git" ]; then
	stamp=$TREE/.git/kho-applied
	if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		die "$TREE has uncommitted edits: commit them (then make export) or discard them"
	fi
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want $(git -C "$TREE" rev-parse HEAD)" ]; then
		msg "tree is up to date with patches/"
		exit 0
	fi
	if [ -f "$stamp" ] && [ "${FORCE:-0}" != 1 ] &&
	   [ "$(cut -d' ' -f2 "$stamp")" != "$(git -C "$TREE" rev-parse HEAD)" ]; then
		die "$TREE has commits that are not in patches/: run 'make export' to keep them, or 'make tree FORCE=1' to discard them"
	fi
else
	msg "cloning the base into $TREE"
	mkdir -p "$BUILD"
	git clone -q --no-checkout "$BASE_REPO" "$TREE"
	git -C "$TREE" config core.abbrev 12
fi

git_identity "$TREE"
git -C "$TREE" fetch -q "$BASE_REPO" "refs/tags/base:refs/tags/base"
git -C "$TREE" checkout -q -B series base
git -C "$TREE" reset -q --hard base

git -C "$TREE" tag -l 'cover-*' 'end-*' | xargs -r git -C "$TREE" tag -d >/dev/null
n=0 first=
for d in $(stack_dirs); do
	[ -f "$TOP/patches/$d/cover-letter" ] && [ -f "$TOP/patches/$d/series" ] ||
		die "patches/stack names $d, which has no cover-letter or series file"
	# The cover letter: an empty commit before the series' patches.
	GIT_COMMITTER_DATE="@0 +0000" GIT_AUTHOR_DATE="@0 +0000" \
		git -C "$TREE" commit -q --allow-empty --no-verify -F "$TOP/patches/$d/cover-letter"
	git -C "$TREE" tag -f "cover-$d" >/dev/null
	[ -n "$first" ] || first=$(git -C "$TREE" rev-parse HEAD)
	for p in $(series_patches "$d"); do
		[ -f "$TOP/patches/$p" ] || die "patches/$d/series names $p, which does not exist"
		if ! git -C "$TREE" am -q --committer-date-is-author-date "$TOP/patches/$p"; then
			git -C "$TREE" am --abort || true
			die "patch $p does not apply"
		fi
		n=$((n + 1))
	done
	git -C "$TREE" tag -f "end-$d" >/dev/null
done
[ -n "$first" ] || die "patches/stack names no series"
git -C "$TREE" tag -f cover "$first" >/dev/null

echo "$want $(git -C "$TREE" rev-parse HEAD)" >"$TREE/.git/kho-applied"
msg "tree ready: base + $n patches in $(stack_dirs | wc -l) series at $TREE"
