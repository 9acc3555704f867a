# SPDX-License-Identifier: GPL-2.0
# Common settings for the scripts of this repository; sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../base.pin
. "$TOP/base.pin"

# Download, unpacked base and compiler cache live outside the clone, so that
# a fresh clone on the same machine reuses them.
CACHE_DIR=${KHO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kho-luo-series}
BUILD=${KHO_BUILD_DIR:-$TOP/build}
TREE=$BUILD/linux
JOBS=${JOBS:-$(nproc)}

if [ -n "${BASE_VERSION_OVERRIDE:-}" ]; then
	BASE_VERSION=$BASE_VERSION_OVERRIDE
	BASE_SHA256=${BASE_SHA256_OVERRIDE:-}
fi
BASE_REPO=$CACHE_DIR/base/$BASE_PACKAGE-$BASE_VERSION

# Compile through ccache when it is there, via a masquerade directory so that
# the command lines Kbuild records stay plain "gcc ..." (vmtest.sh builds in
# the same directory without knowing about ccache).
if command -v ccache >/dev/null 2>&1; then
	mkdir -p "$CACHE_DIR/ccache-bin"
	for c in gcc cc; do
		[ -e "$CACHE_DIR/ccache-bin/$c" ] ||
			ln -sf "$(command -v ccache)" "$CACHE_DIR/ccache-bin/$c"
	done
	export PATH="$CACHE_DIR/ccache-bin:$PATH"
	export CCACHE_DIR=$CACHE_DIR/ccache
	export CCACHE_BASEDIR=$TOP
	export CCACHE_NOHASHDIR=true
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
fi

# QEMU runs under TCG: on these machines a KVM guest hangs at boot.
# QEMU_ACCEL=kvm opts in.
QEMU_ACCEL=${QEMU_ACCEL:-tcg}

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# debian_apt: set apt_opts, the options of apt-get and apt-cache for a
# private configuration under $CACHE_DIR/apt (the machine's /etc/apt is left
# alone) that reads $BASE_SUITE of the machine's Debian archive, or of
# BASE_MIRROR when set. apt-get download checks what it fetches against the
# suite's signed index.
debian_apt() {
	local mirror keyring
	apt_dir=$CACHE_DIR/apt
	mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" \
		"$apt_dir/etc" "$CACHE_DIR/deb"
	touch "$apt_dir/state/status"
	mirror=${BASE_MIRROR:-$(apt-get indextargets --format '$(REPO_URI) $(COMPONENT) $(IDENTIFIER)' 2>/dev/null |
		awk '$2 == "main" && $3 == "Packages" && $1 ~ /\/debian\/?$/ { print $1; exit }')}
	[ -n "$mirror" ] || die "no Debian archive in the machine's apt sources; set BASE_MIRROR"
	keyring=${BASE_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
	echo "deb [signed-by=$keyring] $mirror $BASE_SUITE main" >"$apt_dir/etc/sources.list"
	apt_opts=(-q -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o "Dir::State=$apt_dir/state" -o "Dir::State::status=$apt_dir/state/status"
		-o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
}

# prev_kernel_commit BRANCH: the last patch of the series before the last
# patch that changes a component version or the version written by default
# (a <PREFIX>_ABI_VERSION or <PREFIX>_ABI_WRITE_VERSION define in
# include/linux/kho/abi/), cover letters skipped: the previous patched
# kernel, the release before the last format change. Fails if no patch
# changes a version.
prev_kernel_commit() {
	local bump c
	bump=$(git -C "$TREE" log -1 --format=%H \
		-G'^#define [A-Z0-9_]+_ABI_(WRITE_)?VERSION[[:space:]]' \
		"$(git -C "$TREE" rev-parse cover)..$1" -- include/linux/kho/abi/)
	[ -n "$bump" ] || return 1
	c=$(git -C "$TREE" rev-parse "$bump^")
	# A cover letter is an empty commit: take the patch before it.
	while [ "$(git -C "$TREE" rev-parse "$c^{tree}")" = "$(git -C "$TREE" rev-parse "$c^^{tree}")" ]; do
		c=$(git -C "$TREE" rev-parse "$c^")
	done
	echo "$c"
}

# kernel_at COMMIT OUT LOG: build the selftest kernel (scripts/kernel.sh, with
# $KERNEL_EXTRA_CONFIG if set) of COMMIT of the series in OUT, logging to LOG:
# build/linux is checked out at COMMIT and goes back to its branch after, built
# or not. Refuses a tree with uncommitted edits or not on a branch.
kernel_at() {
	local c=$1 out=$2 log=$3 branch ok=0
	[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
		die "$TREE has uncommitted edits: commit or stash them first"
	branch=$(git -C "$TREE" symbolic-ref -q --short HEAD) ||
		die "$TREE is not on a branch"
	mkdir -p "$out" "$(dirname "$log")"
	git -C "$TREE" checkout -q --detach "$c"
	msg "building $(basename "$out"): $(git -C "$TREE" log -1 --format=%s)"
	"$TOP/scripts/kernel.sh" "$TREE" "$out" >"$log" 2>&1 || ok=1
	git -C "$TREE" checkout -q -f "$branch"
	[ "$ok" = 0 ] || tail -n 20 "$log" >&2
	return "$ok"
}

# The stack: patches/stack lists the series in merge order, one a line:
#   <directory> <subject prefix> <tree> <series it depends on, comma-separated, or base>
# Each patches/<directory>/ holds a cover-letter, a series file (its patches,
# in order) and the git format-patch files it names.
STACK=$TOP/patches/stack

# stack_dirs: the series' directories, in merge order.
stack_dirs() {
	awk '!/^#/ && NF { print $1 }' "$STACK"
}

# stack_field DIR N: field N (2 prefix, 3 tree, 4 depends) of DIR's line.
stack_field() {
	awk -v d="$1" -v n="$2" '!/^#/ && $1 == d { print $n }' "$STACK"
}

# series_patches DIR: the patch files of DIR, in order, as paths under patches/.
series_patches() {
	local p
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		echo "$1/$p"
	done <"$TOP/patches/$1/series"
}

# stack_closure DIR: DIR's prerequisites, transitively, then DIR, in merge
# order: what is applied to the base to check DIR alone.
stack_closure() {
	local want=" $1 " changed=1 d dep
	while [ "$changed" = 1 ]; do
		changed=0
		for d in $(stack_dirs); do
			case "$want" in *" $d "*) ;; *) continue ;; esac
			for dep in $(stack_field "$d" 4 | tr ',' ' '); do
				[ "$dep" = base ] && continue
				case "$want" in *" $dep "*) ;; *) want="$want$dep "; changed=1 ;; esac
			done
		done
	done
	for d in $(stack_dirs); do
		case "$want" in *" $d "*) echo "$d" ;; esac
	done
}

# stack_stamp: a hash of everything under patches/ that makes the tree.
stack_stamp() {
	local d
	{
		cat "$STACK"
		for d in $(stack_dirs); do
			cat "$TOP/patches/$d/series" "$TOP/patches/$d/cover-letter"
			(cd "$TOP/patches" && cat $(series_patches "$d"))
		done
	} | sha256sum | cut -d' ' -f1
}

# git_identity REPO: git am needs a committer; fall back to a neutral local
# identity where the machine has none (it never reaches an exported patch).
git_identity() {
	git -C "$1" config user.email >/dev/null ||
		git -C "$1" config user.email "builder@localhost"
	git -C "$1" config user.name >/dev/null ||
		git -C "$1" config user.name "kho-luo-series builder"
}
