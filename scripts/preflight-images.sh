#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# preflight-images.sh: the pre-flight tool of the series
# (tools/kho/kho-preflight) on the kernels it meets in use and on images
# made to break it. The writer is the patched kernel ($BUILD/kernel/vmlinux)
# at its default versions (--running). The tool is built twice, as a
# distribution builds it (every compression library tools/build detects)
# and with ASan and UBSan (clang); every case runs both, which must give the
# same output and exit status.
#
# 1. Debian's kernels (config/debian-kernels, fetched by
#    scripts/debian-kernels.sh): the verdict must follow the package's own
#    configuration. Without CONFIG_KEXEC_HANDOVER, "the target cannot
#    receive a live update", every component dropped, exit 1.
# 2. The unpatched base kernel, which has no catalog: placed among the
#    releases as "Linux 7.2 and 7.3", and each component kept (or kept once
#    pinned) exactly when the image carries the format string of its
#    version 1, as this script finds them on its own (the C reader and a
#    Python one must agree). The previous patched kernel: everything kept.
# 3. The previous patched kernel's bzImage with its kernel compressed again
#    in every format the kernel builds with (scripts/bzimage-recompress.py):
#    the verdict of the original; bzip2, which the tool reads with no
#    library, an error (exit 2).
# 4. Hostile images: truncated, a byte changed inside a payload whose format
#    checks its data (gzip, xz, zstd), a wrong decompressed size, offsets
#    past the end, files that are not kernels: exit 2, one line on stderr
#    and nothing on stdout, never a verdict.
# 5. --json on targets whose paths hold quotes, backslashes, control
#    characters and bytes that are not UTF-8: valid JSON, the exit status in
#    it.
# 6. Fuzzing: scripts/fuzz-preflight.c, libFuzzer with ASan and UBSan,
#    $PREFLIGHT_FUZZ_RUNS runs (200000 unless set) from a fixed seed over the
#    small images of scripts/preflight-seeds.py, whose verdicts are checked
#    first. A run is a count, not a time.
# Writes "PASSED FAILED" to $BUILD/results/preflight.

. "$(dirname "$0")/lib.sh"

ws=$BUILD/preflight
writer=$BUILD/kernel/vmlinux
base=$BUILD/base-kernel/bzImage
prev=$BUILD/prev-kernel/bzImage
kho=$TREE/tools/kho
runs=${PREFLIGHT_FUZZ_RUNS:-200000}
rm -rf "$ws"
mkdir -p "$ws/plain" "$ws/asan" "$ws/img" "$ws/out" "$BUILD/results"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - preflight $*"; }
nok() { fail=$((fail + 1)); echo "not ok - preflight $*"; }
finish() { echo "$pass $fail" >"$BUILD/results/preflight"; exit 0; }

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
if make -s -C "$kho" O="$ws/plain" >"$ws/build-plain.log" 2>&1 &&
	make -s -C "$kho" O="$ws/asan" CC=clang EXTRA_CFLAGS="-g $san" \
		LDFLAGS="$san" >"$ws/build-asan.log" 2>&1; then
	ok "tool builds, plain and with ASan/UBSan ($(grep -o -E '(zlib|lzma|libzstd|liblz4): \[ .{0,8}on' "$ws/build-plain.log" | cut -d: -f1 | tr '\n' ' '))"
else
	nok "tool builds (see $ws/build-*.log)"
	finish
fi
[ -f "$writer" ] || { nok "no patched kernel at $writer"; finish; }

# run NAME TARGET: both builds on TARGET; sets $rc, $out (stdout), $err.
n=0
run() {
	local name=$1 target=$2 rc2
	n=$((n + 1))
	out=$ws/out/$n.plain err=$ws/out/$n.err
	rc=0
	"$ws/plain/kho-preflight" --running "$writer" "$target" >"$out" 2>"$err" || rc=$?
	rc2=0
	"$ws/asan/kho-preflight" --running "$writer" "$target" >"$ws/out/$n.asan" \
		2>"$ws/out/$n.asan-err" || rc2=$?
	if [ "$rc" != "$rc2" ] || ! cmp -s "$out" "$ws/out/$n.asan" ||
		grep -q -E 'Sanitizer|runtime error' "$ws/out/$n.asan-err"; then
		nok "$name: the ASan/UBSan build differs (exit $rc and $rc2; $ws/out/$n.*)"
		head -n 5 "$ws/out/$n.asan-err" | sed 's/^/    /'
		rc=99
	fi
}

# json NAME TARGET: the JSON report of the plain build, into $ws/out/NAME.json.
json() {
	"$ws/plain/kho-preflight" --json --running "$writer" "$2" >"$ws/out/$1.json" 2>/dev/null || true
}

echo "# Debian's kernels"
if ! debs=$("$TOP/scripts/debian-kernels.sh"); then
	nok "Debian's kernels: cannot fetch them (scripts/debian-kernels.sh)"
else
	for d in $debs; do
		rel=${d##*/}
		run "debian $rel" "$d/vmlinuz"
		[ "$rc" = 99 ] && continue
		json "debian-$rel" "$d/vmlinuz"
		if grep -q '^CONFIG_KEXEC_HANDOVER=y' "$d/config"; then
			want="receives"
			good=$([ "$rc" != 2 ] && grep -q '"receives": true' "$ws/out/debian-$rel.json" && echo 1)
		else
			want="cannot receive (no CONFIG_KEXEC_HANDOVER)"
			good=$([ "$rc" = 1 ] &&
				grep -q '^result: dropped: the target cannot receive a live update$' "$out" &&
				python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r["receives"] is False and r["status"] == 1 and r["components"] and all(c["outcome"].startswith("dropped") for c in r["components"])))' \
					"$ws/out/debian-$rel.json" && echo 1)
		fi
		if [ -n "$good" ]; then
			ok "Debian $rel: $want: $(tail -n 1 "$out"), exit $rc"
		else
			nok "Debian $rel: want $want; got exit $rc: $(tail -n 1 "$out") $(cat "$err")"
		fi
	done
fi

echo "# the unpatched base kernel and the previous patched kernel"
if [ -f "$base" ]; then
	run base "$base"
	json base "$base"
	if [ "$rc" != 99 ] && python3 - "$base" "$ws/out/base.json" <<'PY'
import json, re, struct, sys, zlib
img = open(sys.argv[1], 'rb').read()
setup = ((img[0x1f1] or 4) + 1) * 512
off = setup + struct.unpack_from('<I', img, 0x248)[0]
plen = struct.unpack_from('<I', img, 0x24c)[0]
kernel = zlib.decompress(img[off:off + plen], 16 + zlib.MAX_WBITS)
found = set(m.decode() for m in re.findall(
    rb'(?<![A-Za-z0-9_-])((?:kho|luo|memfd|memblock|kho-test)-v[0-9]+)\0', kernel))
needs = {'radix-tree': 'kho-v4', 'vmalloc': 'kho-v4', 'block': 'luo-v5',
         'luo': 'luo-v5', 'memfd': 'memfd-v2', 'memblock': 'memblock-v1',
         'kho-test': 'kho-test-v1'}
r = json.load(open(sys.argv[2]))
bad = []
if r['release'] != 'Linux 7.2 and 7.3':
    bad.append('release %r' % r['release'])
for c in r['components']:
    known = needs.get(c['name']) in found
    if known != (c['outcome'] in ('kept', 'pin')) or \
       (not known and c['outcome'] != 'dropped-unknown'):
        bad.append('%s: %s, its format %s' % (c['name'], c['outcome'],
                                               'found' if known else 'absent'))
want = 1 if any(c['outcome'] != 'kept' and c['outcome'] != 'pin' for c in r['components']) \
    else 3 if any(c['outcome'] == 'pin' for c in r['components']) else 0
if r['status'] != want:
    bad.append('status %d, want %d' % (r['status'], want))
print('    strings found: %s' % ' '.join(sorted(found)))
if bad:
    print('    ' + '; '.join(bad))
sys.exit(1 if bad else 0)
PY
	then
		ok "base: placed as Linux 7.2 and 7.3, kept what its format strings say: $(tail -n 1 "$out")"
	else
		nok "base: $(tail -n 1 "$out") $(cat "$err")"
	fi
else
	nok "no base kernel at $base"
fi
if [ -f "$prev" ]; then
	run prev "$prev"
	prev_out=$out
	if [ "$rc" = 0 ] && grep -q '^catalog: the .kho_components section$' "$out"; then
		ok "prev: its catalog: $(tail -n 1 "$out")"
	else
		nok "prev: want everything kept from its catalog, got exit $rc: $(tail -n 1 "$out") $(cat "$err")"
	fi
else
	nok "no previous patched kernel at $prev"
	finish
fi

echo "# the previous patched kernel, compressed in every format"
for f in gzip xz lzma zstd lz4 none bzip2; do
	img=$ws/img/prev.$f
	if ! python3 "$TOP/scripts/bzimage-recompress.py" "$prev" "$img" "$f" 2>"$ws/img/$f.log"; then
		nok "$f: cannot make the image ($(cat "$ws/img/$f.log"))"
		continue
	fi
	run "$f" "$img"
	if [ "$f" = bzip2 ]; then
		if [ "$rc" = 2 ] && [ ! -s "$out" ] && grep -q 'compressed with bzip2' "$err"; then
			ok "bzip2: an error: $(cat "$err")"
		else
			nok "bzip2: want exit 2, got $rc"
		fi
	elif [ "$rc" = 0 ] && diff -q <(sed 1,2d "$out") <(sed 1,2d "$prev_out") >/dev/null; then
		ok "$f: the verdict of the original"
	else
		nok "$f: exit $rc, not the verdict of the original: $(tail -n 1 "$out") $(cat "$err")"
	fi
done

echo "# small images of each kind, in every compression (scripts/preflight-seeds.py)"
seeds=$ws/fuzz/seeds
if python3 "$TOP/scripts/preflight-seeds.py" "$seeds" >"$ws/seeds.log" 2>&1; then
	# The exit status each kind gives: a catalog keeps everything; Linux
	# 7.3 keeps everything once block is pinned to version 1; without LUO
	# it drops LUO's components; 6.19 reads another KHO format; a kernel
	# without KHO receives nothing; a KHO format no release reads, strings
	# of two releases, a catalog with a bad record, a record apart from it,
	# more records than the tool keeps, or a reserved field set, and an ELF
	# file that is not an executable cannot be read or placed.
	for img in "$seeds"/*; do
		kind=${img##*/}
		kind=${kind%.*}
		case "$kind" in
		catalog | catalog-scan) want=0 ;;
		linux-7.3) want=3 ;;
		linux-7.3-no-luo | linux-6.19 | no-kho) want=1 ;;
		kho-unknown | kho-v4-luo-v1 | catalog-scan-bad | catalog-scan-two | \
		catalog-many | catalog-reserved | not-executable) want=2 ;;
		*) want=unknown ;;
		esac
		run "${img##*/}" "$img"
		[ "$rc" = 99 ] && continue
		if [ "$rc" = "$want" ]; then
			ok "${img##*/}: exit $rc: $(tail -n 1 "$out")$(cut -d: -f3- "$err")"
		else
			nok "${img##*/}: want exit $want, got $rc: $(tail -n 1 "$out") $(cat "$err")"
		fi
	done
else
	nok "cannot make the small images ($ws/seeds.log)"
fi

echo "# hostile images: exit 2, one line on stderr, nothing on stdout"
python3 - "$ws/img" <<'PY'
import os, struct, sys
d = sys.argv[1]
def payload(img):
    setup = ((img[0x1f1] or 4) + 1) * 512
    return setup + struct.unpack_from('<I', img, 0x248)[0], struct.unpack_from('<I', img, 0x24c)[0]
def put(name, data):
    open(os.path.join(d, 'hostile-' + name), 'wb').write(data)
for fmt in ('gzip', 'xz', 'zstd', 'lz4'):
    img = bytearray(open(os.path.join(d, 'prev.' + fmt), 'rb').read())
    off, plen = payload(img)
    for cut in (0x100, 0x250, off, off + plen // 2, off + plen - 1):
        put('%s-cut-%d' % (fmt, cut), bytes(img[:cut]))
    if fmt != 'lz4':    # the legacy LZ4 format checks nothing
        for frac in (3, 2):
            b = bytearray(img)
            b[off + plen // frac] ^= 0x5a
            put('%s-flip-1-%d' % (fmt, frac), bytes(b))
    for delta in (-1, 1):
        b = bytearray(img)
        size = struct.unpack_from('<I', b, off + plen - 4)[0]
        struct.pack_into('<I', b, off + plen - 4, (size + delta) & 0xffffffff)
        put('%s-size%+d' % (fmt, delta), bytes(b))
    b = bytearray(img)
    struct.pack_into('<I', b, 0x24c, len(img))
    put(fmt + '-payload-past-end', bytes(b))
    # Bytes after the compressed stream, before the size trailer.
    b = bytearray(img[:off + plen - 4] + b'trailing bytes!!' + img[off + plen - 4:])
    struct.pack_into('<I', b, 0x24c, plen + 16)
    put(fmt + '-trailing', bytes(b))
    b = bytearray(img[:off + plen // 2] + img[off + plen - 4:off + plen])
    struct.pack_into('<I', b, 0x24c, plen // 2 + 4)
    put(fmt + '-payload-half', bytes(b))     # the size trailer kept
    b = bytearray(img)
    struct.pack_into('<I', b, 0x248, 0xfffffff0)
    put(fmt + '-offset-past-end', bytes(b))
    b = bytearray(img)
    struct.pack_into('<I', b, 0x248, 0)
    put(fmt + '-offset-zero', bytes(b))
    b = bytearray(img)
    b[0x1f1] = 0xff
    put(fmt + '-setup-sects', bytes(b))
    b = bytearray(img)
    struct.pack_into('<I', b, off + plen - 4, 0xffffffff)
    put(fmt + '-size-huge', bytes(b))
put('empty', b'')
put('random', os.urandom(1 << 20))
put('zeros', bytes(1 << 20))
put('not-a-kernel', open('/bin/true', 'rb').read())
PY
for img in "$ws"/img/hostile-* /dev/null "$ws/img"; do
	name=${img##*/hostile-}
	run "$name" "$img"
	[ "$rc" = 99 ] && continue
	if [ "$rc" = 2 ] && [ ! -s "$out" ] && [ "$(wc -l <"$err")" = 1 ]; then
		ok "$name: $(cut -d: -f3- "$err")"
	else
		nok "$name: want exit 2 and one line on stderr, got exit $rc: $(tail -n 1 "$out") $(head -n 2 "$err")"
	fi
done

echo "# --json for any path"
mkdir -p "$ws/paths"
i=0
for name in 'a"quote' 'a\back\slash' $'tab\there' $'new\nline' $'\xff\xfebad-utf8' $'caf\xc3\xa9' $'\x01ctl'; do
	i=$((i + 1))
	cp "$prev" "$ws/paths/$name"
	rc=0
	"$ws/plain/kho-preflight" --json --running "$writer" "$ws/paths/$name" \
		>"$ws/out/path-$i.json" 2>/dev/null || rc=$?
	if python3 - "$ws/out/path-$i.json" "$rc" "$ws/paths/$name" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1], encoding='utf-8'))
path = os.fsencode(sys.argv[3])
try:
    want = path.decode('utf-8')
    same = r['target'] == want
except UnicodeDecodeError:
    same = '\ufffd' in r['target']
sys.exit(0 if r['status'] == int(sys.argv[2]) and same else 1)
PY
	then
		ok "json: path $i $(printf '%q' "$name"): valid, exit $rc"
	else
		nok "json: path $i $(printf '%q' "$name"): not valid JSON, or not the path (exit $rc)"
	fi
done

echo "# --json on an error: the error as JSON on stdout, exit 2"
rc=0
"$ws/plain/kho-preflight" --json --running "$writer" "$ws/img/hostile-gzip-size+1" \
	>"$ws/out/error.json" 2>/dev/null || rc=$?
if [ "$rc" = 2 ] && python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r["status"] == 2 and "decompress" in r["error"]))' "$ws/out/error.json"; then
	ok "json: an error: $(cat "$ws/out/error.json")"
else
	nok "json: an error: exit $rc, $(cat "$ws/out/error.json")"
fi

# --apply on a running kernel's sysfs, here a directory laid out as
# /sys/kernel/kho/components/: block written in version 2, which Linux 7.3
# does not read; the other components of 7.3 in version 1.
echo "# --apply: the pins written, and an error when one cannot be"
fake=$ws/sysfs
for pass_ in ok unwritable; do
	rm -rf "$fake"
	for c in radix-tree vmalloc block luo memfd memblock; do
		mkdir -p "$fake/components/$c"
		v=1
		[ "$c" = block ] && v=2
		echo "$v" >"$fake/components/$c/version"
		echo 1 >"$fake/components/$c/min_write_version"
		echo "$v" >"$fake/components/$c/write_version"
	done
	if [ "$pass_" = unwritable ]; then
		# A number that even root cannot write (a 0444 sysctl): block
		# then writes a version it cannot, and is pinned to 1.
		ln -sf /proc/sys/kernel/ngroups_max "$fake/components/block/write_version"
	fi
	rc=0
	"$ws/plain/kho-preflight" --sysfs "$fake" "$base" >"$ws/out/apply-check.txt" 2>&1 || rc=$?
	rc_apply=0
	"$ws/plain/kho-preflight" --apply --sysfs "$fake" "$base" >"$ws/out/apply.txt" 2>&1 || rc_apply=$?
	if [ "$pass_" = ok ]; then
		if [ "$rc" = 3 ] && [ "$rc_apply" = 0 ] &&
			[ "$(cat "$fake/components/block/write_version")" = 1 ] &&
			[ "$(cat "$fake/components/luo/write_version")" = 1 ] &&
			grep -q '^result: everything kept; pinned block:1$' "$ws/out/apply.txt"; then
			ok "apply: without it exit 3, with it exit 0 and block/write_version 1"
		else
			nok "apply: exit $rc then $rc_apply, block/write_version $(cat "$fake/components/block/write_version"): $(tail -n 1 "$ws/out/apply.txt")"
		fi
	elif [ "$rc_apply" = 2 ] && grep -q 'pinning block to version 1' "$ws/out/apply.txt"; then
		ok "apply: a pin that cannot be written: exit 2, $(grep 'pinning block' "$ws/out/apply.txt")"
	else
		nok "apply: a pin that cannot be written: exit $rc_apply: $(cat "$ws/out/apply.txt")"
	fi
done

echo "# fuzzing the image reader (libFuzzer, ASan, UBSan): $runs runs"
fz=$ws/fuzz
mkdir -p "$fz/corpus"
flags=$(sed -n 's/^feature-\(zlib\|lzma\|libzstd\|liblz4\)=1$/\1/p' "$ws/plain/FEATURE-DUMP.kho" |
	sed 's/^zlib$/-DHAVE_ZLIB_SUPPORT -lz/; s/^lzma$/-DHAVE_LZMA_SUPPORT -llzma/;
	     s/^libzstd$/-DHAVE_ZSTD_SUPPORT -lzstd/; s/^liblz4$/-DHAVE_LZ4_SUPPORT -llz4/')
# shellcheck disable=SC2086
if [ ! -d "$seeds" ]; then
	nok "fuzz: no seeds"
elif ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I"$kho" -I"$TREE/tools/include" -idirafter "$TREE/include" \
	-o "$fz/fuzz-preflight" "$TOP/scripts/fuzz-preflight.c" "$kho/image.c" \
	$(grep -o -- '-D[A-Z_]*' <<<"$flags") $(grep -o -- '-l[a-z0-9]*' <<<"$flags") \
	>"$fz/build.log" 2>&1; then
	nok "fuzz: the target does not build ($fz/build.log)"
elif (cd "$fz" && ./fuzz-preflight -seed=1 -runs="$runs" -max_len=65536 \
	-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=60 -print_final_stats=1 \
	corpus seeds >"$fz/fuzz.log" 2>&1); then
	ok "fuzz: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$fz/fuzz.log"), $(ls "$fz/seeds" | wc -l) seeds, $(ls "$fz/corpus" | wc -l) inputs added, no crash, leak or undefined behaviour"
else
	nok "fuzz: $(grep -m1 -E 'ERROR|broken|runtime error' "$fz/fuzz.log") (input: $(ls "$fz"/crash-* "$fz"/leak-* "$fz"/timeout-* 2>/dev/null | head -n 1))"
fi

echo "# $pass passed, $fail failed"
finish
