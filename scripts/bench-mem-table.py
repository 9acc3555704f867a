#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bench-mem-table.py RESULTS OLD_VERSION NEW_VERSION: the table of the
# memory axis of make bench (scripts/bench-mem.sh). RESULTS has one line per
# run: "side mib thp rep key=value...".
import sys
from collections import defaultdict

path, vold, vnew = sys.argv[1:4]
runs = defaultdict(list)
for line in open(path):
    f = line.split()
    if len(f) < 5:
        continue
    side, mib, thp = f[0], int(f[1]), int(f[2])
    kv = {k: float(v) for k, v in (x.split('=', 1) for x in f[4:])}
    tsc = (kv['tsc_per_ms1'] + kv['tsc_per_ms2']) / 2 / 1000  # ticks per us
    freeze = (kv['t_start'] - kv['t_marker']) * 1000
    tsc_start = kv['tsc_reboot'] + freeze * 1000 * tsc
    ph = {
        'preserve': kv['preserve_us'] / 1000,
        'kexec load+freeze+ser.': freeze,
        'kexec to new kernel': (kv['tsc_main'] - tsc_start) / tsc / 1000 - kv['boot_ms'],
        'boot to userspace': kv['boot_ms'],
        'retrieve': kv['retrieve_us'] / 1000,
        'first touch': kv['touch_us'] / 1000,
        'finish': kv['finish_us'] / 1000,
        'blackout': (kv['tsc_retrieved'] - kv['tsc_reboot']) / tsc / 1000,
        'verify (not timed live)': kv['verify_us'] / 1000,
    }
    ph['_migrated'] = kv.get('preserve_pgmigrate_success', -1)
    runs[(side, mib, thp)].append(ph)

# The better of the runs, phase by phase.
best = {k: {p: min(r[p] for r in v) for p in v[0]} for k, v in runs.items()}
phases = [p for p in next(iter(best.values())) if not p.startswith('_')]
sizes = sorted({k[1] for k in best})
lo, hi = sizes[0], sizes[-1]

print(f'\nLive update of one memfd: unpatched {vold} vs patched {vnew}')
print('QEMU TCG, 2 vCPUs, guest RAM 2x the memfd + 1 GiB; times in ms taken in the guest,')
print(f'best of {max(len(v) for v in runs.values())} runs; ratio = unpatched / patched; '
      'blackout = end of stage 1 (kexec load included) to the memfd retrieved;\n'
      'every byte checked in every run\n')
for thp, what in ((0, '4 KiB pages'), (1, 'large folios (shmem THP)'),
                  (2, '4 KiB pages, memfd preserved before it is filled')):
    if not any(k[2] == thp for k in best):
        continue
    print(f'-- {what}')
    print(f"{'phase':26}{'MiB':>6}{'unpatched':>11}{'patched':>10}{'ratio':>8}"
          f"{'unp./GiB':>10}{'pat./GiB':>10}")
    for p in phases:
        for mib in sizes:
            u, n = best[('base', mib, thp)][p], best[('patched', mib, thp)][p]
            r = f'{u / n:7.2f}x' if n > 0.05 else '      -'
            print(f"{p if mib == lo else '':26}{mib:>6}{u:>11.1f}{n:>10.1f}{r:>8}"
                  f"{u * 1024 / mib:>10.1f}{n * 1024 / mib:>10.1f}")
        gu = best[('base', hi, thp)][p] / max(best[('base', lo, thp)][p], 0.05)
        gn = best[('patched', hi, thp)][p] / max(best[('patched', lo, thp)][p], 0.05)
        print(f"{'':26}{'growth':>6}{'x%.1f' % gu:>11}{'x%.1f' % gn:>10}"
              f"   (memory x{hi / lo:.0f})")
    # Pages moved out of KHO scratch (CMA) by the long-term pin of the
    # preserve: where a preserve time that outgrows the memory goes.
    for mib in sizes:
        u = best[('base', mib, thp)]['_migrated']
        n = best[('patched', mib, thp)]['_migrated']
        print(f"{'pages migrated at preserve' if mib == lo else '':26}{mib:>6}{u:>11.0f}{n:>10.0f}")
    print()
