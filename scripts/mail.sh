#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The mailing-list form of the stack: out/mail/<dir>/ for each series of
# patches/stack, what b4 and git send-email take. Each series is applied on
# its prerequisites alone (scripts/alone.sh), and git format-patch writes
# [<prefix> n/m] patches with the sender's Signed-off-by (from their git
# identity), a cover letter with shortlog and diffstat, base-commit and one
# prerequisite-patch-id for each patch of the series it depends on, and To
# (maintainers) and Cc (reviewers and lists, without the To addresses) from
# scripts/get_maintainer.pl run on that series' patches alone.

. "$(dirname "$0")/lib.sh"

g() { git -C "$TREE" "$@"; }
mail=$TOP/out/mail
rm -rf "$mail"
mkdir -p "$mail"

ident=$(git var GIT_COMMITTER_IDENT 2>/dev/null | sed 's/>.*/>/') ||
	die "no git identity: set user.name and user.email to sign off the series"
"$TOP/scripts/alone.sh" >"$BUILD/alone.log" ||
	{ cat "$BUILD/alone.log"; die "a series does not apply on its prerequisites alone"; }

gm=(perl scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in $(stack_dirs); do
	mapfile -t files < <(series_patches "$d" | sed "s|^|$TOP/patches/|")
	[ ${#files[@]} -gt 0 ] || continue
	mapfile -t to < <(cd "$TREE" && "${gm[@]}" --m --nor --nol "${files[@]}" 2>/dev/null | sort -u)
	mapfile -t cc < <(cd "$TREE" && "${gm[@]}" --nom --r --l "${files[@]}" 2>/dev/null | sort -u |
		grep -vxF -f <(printf '%s\n' "${to[@]}" "") || true)
	args=()
	for a in "${to[@]}"; do [ -n "$a" ] && args+=(--to="$a"); done
	for a in "${cc[@]}"; do [ -n "$a" ] && args+=(--cc="$a"); done
	deps=$(stack_field "$d" 4)
	{
		cat "$TOP/patches/$d/cover-letter"
		echo
		if [ "$deps" = base ]; then
			echo "Applies to Linux $BASE_UPSTREAM alone."
		else
			echo "Depends on, applied in this order (prerequisite-patch-id below):"
			for s in $(stack_closure "$d"); do
				[ "$s" = "$d" ] && continue
				echo "  $s: $(sed -n 1p "$TOP/patches/$s/cover-letter")"
			done
		fi
		echo
		echo "Base: Linux $BASE_UPSTREAM as packaged by Debian"
		echo "($BASE_PACKAGE $BASE_VERSION, sha256"
		echo "$BASE_SHA256);"
		echo "base-commit names that tree."
	} >"$tmp/description"
	# The prefix field: PATCH or RFC, then ",vN" for a series posted before.
	prefix=$(stack_field "$d" 2)
	version=()
	case "$prefix" in *,v*) version=(-v "${prefix##*,v}") prefix=${prefix%%,*} ;; esac
	case "$prefix" in RFC) prefix="RFC PATCH" ;; esac
	b=mail-$d
	g branch -f "$b" "refs/alone/$d"
	g config "branch.$b.description" "$(cat "$tmp/description")"
	mkdir -p "$mail/$d"
	g -c core.abbrev=12 -c diff.noprefix=false format-patch --cover-letter \
		--cover-from-description=subject --numbered --subject-prefix="$prefix" "${version[@]}" \
		--base=base --signoff --thread=shallow "${args[@]}" \
		-o "$mail/$d" "refs/alone/$d-base..$b" >/dev/null
	g branch -D "$b" >/dev/null
	g config --remove-section "branch.$b" 2>/dev/null || true
	msg "out/mail/$d: ${#files[@]} patches and a cover letter, To ${#to[@]}, Cc ${#cc[@]}"
done
msg "signed off by $ident; send each series with git send-email out/mail/<dir>/*.patch"
