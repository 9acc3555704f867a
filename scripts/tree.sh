#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Produce the working kernel tree at build/linux: the pinned base, the cover
# letter as an empty first commit (b4-style) and every patch of patches/series
# applied with "git am", one commit per patch.
#
# An existing tree is left alone when it already holds exactly patches/; it is
# never overwritten when it has uncommitted edits, and only with FORCE=1 when
# its commits differ from patches/ (run "make export" first to keep them).

. "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh"

stamp_of_patches() {
	(cd "$TOP/patches" && cat series cover-letter $(grep -v '^#' series)) | sha256sum | cut -d' ' -f1
}

git_id() {
	# git am needs a committer; fall back to a neutral local identity where
	# the machine has none (it never reaches an exported patch).
	git -C "$TREE" config user.email >/dev/null ||
		git -C "$TREE" config user.email "builder@localhost"
	git -C "$TREE" config user.name >/dev/null ||
		git -C "$TREE" config user.name "kho-luo-series builder"
}

want=$(stamp_of_patches)
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

git_id
git -C "$TREE" fetch -q "$BASE_REPO" "refs/tags/base:refs/tags/base"
git -C "$TREE" checkout -q -B series base
git -C "$TREE" reset -q --hard base

# The cover letter: an empty commit right after the base.
GIT_COMMITTER_DATE="@0 +0000" GIT_AUTHOR_DATE="@0 +0000" \
	git -C "$TREE" commit -q --allow-empty --no-verify -F "$TOP/patches/cover-letter"
git -C "$TREE" tag -f cover >/dev/null

n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	[ -f "$TOP/patches/$p" ] || die "patches/series names $p, which does not exist"
	if ! git -C "$TREE" am -q --committer-date-is-author-date "$TOP/patches/$p"; then
		git -C "$TREE" am --abort || true
		die "patch $p does not apply"
	fi
	n=$((n + 1))
done <"$TOP/patches/series"

echo "$want $(git -C "$TREE" rev-parse HEAD)" >"$TREE/.git/kho-applied"
msg "tree ready: base + $n patches at $TREE"
