#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Write the commits of build/linux back to patches/, deterministically:
# exporting an unchanged tree changes no byte. The first commit after the base
# is the cover letter (an empty commit); it goes to patches/cover-letter.
#
# Also writes the mailing-list form to out/mail/: git format-patch with a
# cover letter, base-commit information, the sender's Signed-off-by (from
# their git identity) and the recipients scripts/get_maintainer.pl gives.

. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no tree at $TREE: run 'make tree'"
g() { git -C "$TREE" "$@"; }
[ -z "$(g status --porcelain)" ] ||
	die "$TREE has uncommitted edits or untracked files: commit them into the right patch first"

# sed, not head: head would leave rev-list to die of SIGPIPE under pipefail.
cover=$(g rev-list --reverse base..HEAD | sed -n 1p)
[ -n "$cover" ] || die "no cover-letter commit after base in $TREE"
[ "$(g rev-parse "$cover^{tree}")" = "$(g rev-parse "base^{tree}")" ] ||
	die "the first commit after base must be the empty cover-letter commit"
g tag -f cover "$cover" >/dev/null

fmt=(-c core.abbrev=12 -c diff.noprefix=false -c format.signOff=false format-patch
	--no-signature --zero-commit --no-numbered --no-cover-letter --no-to --no-cc)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g log -1 --format=%B "$cover" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/cover-letter"
mkdir -p "$tmp/p"
g "${fmt[@]}" -o "$tmp/p" "$cover..HEAD" >/dev/null
shopt -s nullglob
new=("$tmp"/p/*.patch)
{
	echo "# The series, in order: one git format-patch file a line."
	for f in "${new[@]}"; do basename "$f"; done
} >"$tmp/series"

rm -f "$TOP"/patches/*.patch
[ ${#new[@]} = 0 ] || cp "${new[@]}" "$TOP/patches/"
cp "$tmp/cover-letter" "$tmp/series" "$TOP/patches/"
n=$(grep -vc '^#' "$TOP/patches/series" || true)
msg "exported $n patches and the cover letter to patches/"

# Keep the tree's stamp in step, so that 'make tree' sees it is current.
want=$( (cd "$TOP/patches" && cat series cover-letter $(grep -v '^#' series)) | sha256sum | cut -d' ' -f1)
echo "$want $(g rev-parse HEAD)" >"$TREE/.git/kho-applied"

# The mailing-list form.
mail=$TOP/out/mail
rm -rf "$mail"
mkdir -p "$mail"
if [ "$n" = 0 ]; then
	msg "the series is empty: no mail form"
	exit 0
fi
ident=$(git var GIT_COMMITTER_IDENT 2>/dev/null | sed 's/>.*/>/') ||
	die "no git identity: set user.name and user.email to sign off the series"
{
	g log -1 --format=%B "$cover"
	echo
	echo "Base: Linux $BASE_UPSTREAM as packaged by Debian ($BASE_PACKAGE $BASE_VERSION,"
	echo "sha256 $BASE_SHA256); base-commit names that tree."
} >"$tmp/description"
g config "branch.series.description" "$(cat "$tmp/description")"
to=() cc=()
gm=(perl scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback)
while IFS= read -r a; do [ -n "$a" ] && to+=(--to="$a"); done < <(cd "$TREE" && "${gm[@]}" --m --nor --nol "$TOP"/patches/*.patch 2>/dev/null)
while IFS= read -r a; do [ -n "$a" ] && cc+=(--cc="$a"); done < <(cd "$TREE" && "${gm[@]}" --nom --r --l "$TOP"/patches/*.patch 2>/dev/null)
g -c core.abbrev=12 format-patch --cover-letter --cover-from-description=subject \
	--base=base --signoff --thread=shallow "${to[@]}" "${cc[@]}" \
	-o "$mail" "$cover..HEAD" >/dev/null
# Sign the patches as $ident; --signoff took it from the same identity.
msg "mail form in out/mail/ ($((n + 1)) files, signed off by $ident; send with git send-email out/mail/*.patch)"
