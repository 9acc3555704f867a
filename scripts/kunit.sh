#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the KUnit kernel with the kernel's own tools/testing/kunit/kunit.py
# (config/kunit.kunitconfig), boot it in QEMU under TCG (kunit.py's own QEMU
# command tries KVM first, which hangs on these machines), and parse the
# console with "kunit.py parse" into KTAP results.
# Writes "PASSED FAILED" to $BUILD/results/kunit.

. "$(dirname "$0")/lib.sh"

out=$BUILD/kunit
res=$BUILD/results
mkdir -p "$out" "$res"
rm -f "$res/kunit"
kunit="$TREE/tools/testing/kunit/kunit.py"

msg "kunit: building with kunit.py (-j$JOBS)"
(cd "$TREE" && python3 "$kunit" build --arch=x86_64 --build_dir="$out" \
	--kunitconfig="$TOP/config/kunit.kunitconfig" --jobs="$JOBS") >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; die "kunit: build failed (log: $out/build.log)"; }

# kho=on: the outgoing block-set cases preserve memory through KHO;
# liveupdate=on: the session cases register a test file handler.
msg "kunit: running in QEMU (-accel $QEMU_ACCEL)"
timeout "${KUNIT_TIMEOUT:-600}" qemu-system-x86_64 -nodefaults -m 1024 \
	-kernel "$out/arch/x86/boot/bzImage" \
	-append "kunit.enable=1 kho=on liveupdate=on console=ttyS0 kunit_shutdown=reboot panic=-1" \
	-no-reboot -nographic -accel "$QEMU_ACCEL" -bios qboot.rom \
	-serial file:"$out/console.log" </dev/null >/dev/null 2>&1 || true

rm -f "$out/results.json"
(cd "$TREE" && python3 "$kunit" parse --json="$out/results.json" "$out/console.log") |
	tee "$out/parse.log" || true
[ -s "$out/results.json" ] || { echo "0 1" >"$res/kunit"; die "kunit: no results (console: $out/console.log)"; }
python3 - "$out/results.json" >"$res/kunit" <<'PY'
import json, sys
counts = {'PASS': 0, 'FAIL': 0}
def walk(g):
    for c in g.get('test_cases', []):
        s = c.get('status')
        if s == 'SKIP':
            continue
        counts['PASS' if s == 'PASS' else 'FAIL'] += 1
    for s in g.get('sub_groups', []):
        walk(s)
doc = json.load(open(sys.argv[1]))
walk(doc)
if counts['PASS'] + counts['FAIL'] == 0:
    counts['FAIL'] = 1  # a run that ran nothing is a failure
print(counts['PASS'], counts['FAIL'])
PY
read -r p f <"$res/kunit"
# An oops or a WARN outside a test case's thread (in a worker, say) does not
# fail the case that caused it: any in the console fails the run.
if grep -aE 'BUG:|WARNING:|Oops|Kernel panic|KASAN:|UBSAN:|refcount_t:' \
	"$out/console.log" >"$out/console.errors"; then
	sed 's/^/    /' "$out/console.errors" >&2
	f=$((f + 1))
	echo "$p $f" >"$res/kunit"
	msg "kunit: the console reports kernel errors (console: $out/console.log)"
fi
msg "kunit: $p passed, $f failed"
[ "$f" = 0 ]
