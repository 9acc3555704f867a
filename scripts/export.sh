#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Write the commits of build/linux back to patches/, deterministically:
# exporting an unchanged tree changes no byte. After the base, the tree holds
# the series of patches/stack in order, each an empty commit (its cover
# letter) followed by its patches: the n-th empty commit starts the n-th
# series of patches/stack, whose directory gets its cover-letter, its series
# file and its git format-patch files, numbered from 1 in each series.
#
# Also writes the mailing-list form, one directory a series under out/mail/
# (scripts/mail.sh): what b4 and git send-email take.

. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no tree at $TREE: run 'make tree'"
g() { git -C "$TREE" "$@"; }
[ -z "$(g status --porcelain)" ] ||
	die "$TREE has uncommitted edits or untracked files: commit them into the right patch first"

mapfile -t dirs < <(stack_dirs)
mapfile -t commits < <(g rev-list --reverse base..HEAD)
[ ${#commits[@]} -gt 0 ] || die "no commit after base in $TREE"
empty() { [ "$(g rev-parse "$1^{tree}")" = "$(g rev-parse "$1^^{tree}")" ]; }
empty "${commits[0]}" || die "the first commit after base must be the empty cover letter of ${dirs[0]}"

# Split the commits at the empty ones: starts[i] is the cover of series i.
starts=()
for c in "${commits[@]}"; do
	empty "$c" && starts+=("$c")
done
[ ${#starts[@]} = ${#dirs[@]} ] ||
	die "$TREE holds ${#starts[@]} cover letters (empty commits), patches/stack names ${#dirs[@]} series"

fmt=(-c core.abbrev=12 -c diff.noprefix=false -c format.signOff=false format-patch
	--no-signature --zero-commit --no-numbered --no-cover-letter --no-to --no-cc)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for i in "${!dirs[@]}"; do
	d=${dirs[$i]} cover=${starts[$i]}
	if [ $((i + 1)) -lt ${#starts[@]} ]; then
		end=$(g rev-parse "${starts[$((i + 1))]}^")
	else
		end=$(g rev-parse HEAD)
	fi
	mkdir -p "$tmp/$d/p"
	g log -1 --format=%B "$cover" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/$d/cover-letter"
	g "${fmt[@]}" -o "$tmp/$d/p" "$cover..$end" >/dev/null
	{
		echo "# The series, in order: one git format-patch file a line."
		for f in "$tmp/$d"/p/*.patch; do [ -e "$f" ] && basename "$f"; done
	} >"$tmp/$d/series"
	g tag -f "cover-$d" "$cover" >/dev/null
	g tag -f "end-$d" "$end" >/dev/null
	n=$((n + $(grep -vc '^#' "$tmp/$d/series" || true)))
done
g tag -f cover "${starts[0]}" >/dev/null

# Replace every series directory; remove the directories of series that
# patches/stack no longer names (and what the single-series layout left).
rm -f "$TOP"/patches/*.patch "$TOP/patches/series" "$TOP/patches/cover-letter"
for old in "$TOP"/patches/*/; do
	old=$(basename "$old")
	printf '%s\n' "${dirs[@]}" | grep -qxF "$old" || rm -rf "${TOP:?}/patches/$old"
done
for d in "${dirs[@]}"; do
	rm -rf "${TOP:?}/patches/$d"
	mkdir -p "$TOP/patches/$d"
	cp "$tmp/$d/cover-letter" "$tmp/$d/series" "$TOP/patches/$d/"
	cp "$tmp/$d"/p/*.patch "$TOP/patches/$d/" 2>/dev/null || true
done
msg "exported $n patches in ${#dirs[@]} series to patches/"

# Keep the tree's stamp in step, so that 'make tree' sees it is current.
want=$(stack_stamp)
echo "$want $(g rev-parse HEAD)" >"$TREE/.git/kho-applied"

"$TOP/scripts/mail.sh"
