#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# preflight-seeds.py DIR: write small kernel images for the pre-flight
# tool's image reader (tools/kho/image.c) into DIR, the seeds of its fuzz
# target (scripts/fuzz-preflight.c): a minimal 64-bit ELF "kernel" with a
# banner and, depending on the seed, a component catalog (as a
# .kho_components section, or found by its magic without a section table;
# valid or not), the format strings
# of Linux 7.2/7.3 or of 6.16 to 7.0, an unknown KHO format, strings of
# two releases, or nothing of KHO; each as a vmlinux and as an x86 bzImage whose payload is stored or
# compressed in every format the kernel builds (the size appended as
# arch/x86/boot/compressed/Makefile does). Needs gzip, xz, zstd and lz4.
import os, struct, subprocess, sys

MAGIC = b'KHO-CMP1'
COMPONENTS = ['radix-tree', 'vmalloc', 'block', 'luo', 'memfd', 'memblock',
              'kho-test']


def record(name, version=1, min_write=1, min_read=1, max_read=1, flags=1,
           reserved=0):
    return MAGIC + name.encode().ljust(32, b'\0') + struct.pack(
        '<6I', version, min_write, min_read, max_read, flags, reserved)


def elf(sections, table=True, etype=2):
    """A 64-bit little-endian ELF file with the named sections; without
    table, the same bytes with no section table in the header."""
    names = b'\0.shstrtab\0' + b''.join(n.encode() + b'\0' for n, _ in sections)
    body = bytearray(64)
    offs = []
    for _, data in [('.shstrtab', names)] + sections:
        while len(body) % 8:
            body.append(0)
        offs.append((len(body), len(data)))
        body += data
    while len(body) % 8:
        body.append(0)
    shoff = len(body)
    sh = bytes(64)
    name_off = 1
    for i, (n, _) in enumerate([('.shstrtab', names)] + sections):
        off, size = offs[i]
        sh += struct.pack('<IIQQQQIIQQ', name_off, 3 if i == 0 else 1,
                          0 if i == 0 else 2, 0, off, size, 0, 0, 8, 0)
        name_off += len(n) + 1
    body += sh
    hdr = b'\x7fELF\x02\x01\x01' + bytes(9) + struct.pack(
        '<HHIQQQIHHHHHH', etype, 62, 1, 0, 0, shoff if table else 0, 0, 64,
        56, 0, 64, len(sections) + 2 if table else 0, 1 if table else 0)
    body[:64] = hdr
    return bytes(body)


BANNER = b'\0Linux version 7.3.4-seed (seed@seed) #1 SMP\0'


def pad8(data):
    """data, then zeros to a multiple of 8 bytes: records are aligned."""
    return data + bytes(-len(data) % 8)


def kernels():
    cat = b''.join(record(n, version=2 if n == 'block' else 1,
                          max_read=2 if n == 'block' else 1)
                   for n in COMPONENTS)
    strings_73 = b'\0kho-v4\0luo-v5\0memfd-v2\0memblock-v1\0reserve-mem-v1\0'
    yield 'catalog', elf([('.rodata', BANNER + strings_73),
                          ('.kho_components', cat)])
    yield 'catalog-scan', elf([('.rodata', pad8(BANNER + strings_73) + cat)],
                              table=False)
    bad = cat[:64] + record('block', min_read=0) + cat[128:]
    yield 'catalog-scan-bad', elf([('.rodata', pad8(BANNER) + bad)],
                                  table=False)
    yield 'catalog-scan-two', elf([('.rodata', pad8(BANNER) + cat[:128] +
                                    bytes(64) + cat[128:])], table=False)
    yield 'catalog-many', elf([('.rodata', BANNER),
                               ('.kho_components', b''.join(
                                   record('c%d' % i) for i in range(65)))])
    yield 'catalog-reserved', elf([('.rodata', BANNER),
                                   ('.kho_components', cat[:64] +
                                    record('block', reserved=1))])
    yield 'not-executable', elf([('.rodata', BANNER + strings_73)], etype=1)
    yield 'linux-7.3', elf([('.rodata', BANNER + strings_73 + b'kho-test-v1\0')])
    yield 'linux-7.3-no-luo', elf([('.rodata', BANNER + b'\0kho-v4\0memblock-v1\0')])
    yield 'linux-6.19', elf([('.rodata', BANNER + b'\0kho-v1\0luo-v1\0luo-session-v2\0memfd-v1\0')])
    yield 'kho-unknown', elf([('.rodata', BANNER + b'\0kho-v2\0')])
    yield 'kho-v4-luo-v1', elf([('.rodata', BANNER + b'\0kho-v4\0luo-v1\0')])
    yield 'no-kho', elf([('.rodata', BANNER)])


def compress(fmt, data):
    cmd = {'gzip': ['gzip', '-n', '-9', '-c'],
           'xz': ['xz', '--check=crc32', '-c'],
           'lzma': ['xz', '--format=lzma', '-c'],
           'zstd': ['zstd', '-19', '-q', '-c'],
           'lz4': ['lz4', '-l', '-9', '-c']}[fmt]
    out = subprocess.run(cmd, input=data, capture_output=True, check=True).stdout
    return out if fmt == 'gzip' else out + struct.pack('<I', len(data))


def bzimage(payload):
    setup = bytearray(1024)
    setup[0x1f1] = 1                            # setup_sects: 1 + 1 sectors
    setup[0x1fe:0x200] = b'\x55\xaa'
    setup[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', setup, 0x206, 0x20f)  # boot protocol 2.15
    # The payload after 256 bytes of the protected-mode code.
    struct.pack_into('<II', setup, 0x248, 256, len(payload))
    return bytes(setup) + bytes(256) + payload


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, k in kernels():
        open(os.path.join(out, name + '.vmlinux'), 'wb').write(k)
        open(os.path.join(out, name + '.none'), 'wb').write(bzimage(k))
        for fmt in ('gzip', 'xz', 'lzma', 'zstd', 'lz4'):
            open(os.path.join(out, f'{name}.{fmt}'), 'wb').write(
                bzimage(compress(fmt, k)))


main()
