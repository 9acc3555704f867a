#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# preflight-seeds.py DIR: write small kernel images for the pre-flight
# tool's image reader (tools/kho/image.c) into DIR, the seeds of its fuzz
# target (scripts/fuzz-preflight.c): a minimal 64-bit ELF "kernel" with a
# banner and, depending on the seed, a component catalog (as a
# .kho_components section, or found only by its magic), the format strings
# of Linux 7.2/7.3 or of 6.16 to 7.0, an unknown KHO format, strings of
# two releases, or nothing of KHO; each as a vmlinux and as an x86 bzImage whose payload is stored or
# compressed in every format the kernel builds (the size appended as
# arch/x86/boot/compressed/Makefile does). Needs gzip, xz, zstd and lz4.
import os, struct, subprocess, sys

MAGIC = b'KHO-CMP1'
COMPONENTS = ['radix-tree', 'vmalloc', 'block', 'luo', 'memfd', 'memblock',
              'kho-test']


def record(name, version=1, min_write=1, min_read=1, max_read=1, flags=1):
    return MAGIC + name.encode().ljust(32, b'\0') + struct.pack(
        '<6I', version, min_write, min_read, max_read, flags, 0)


def elf(sections):
    """A 64-bit little-endian ELF file with the named sections."""
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
        sh += struct.pack('<IIQQQQIIQQ', name_off, 3 if i == 0 else 1, 0, 0,
                          off, size, 0, 0, 8, 0)
        name_off += len(n) + 1
    body += sh
    hdr = b'\x7fELF\x02\x01\x01' + bytes(9) + struct.pack(
        '<HHIQQQIHHHHHH', 2, 62, 1, 0, 0, shoff, 0, 64, 56, 0, 64,
        len(sections) + 2, 1)
    body[:64] = hdr
    return bytes(body)


BANNER = b'\0Linux version 7.3.4-seed (seed@seed) #1 SMP\0'


def kernels():
    cat = b''.join(record(n, version=2 if n == 'block' else 1,
                          max_read=2 if n == 'block' else 1)
                   for n in COMPONENTS)
    strings_73 = b'\0kho-v4\0luo-v5\0memfd-v2\0memblock-v1\0reserve-mem-v1\0'
    yield 'catalog', elf([('.rodata', BANNER + strings_73),
                          ('.kho_components', cat)])
    yield 'catalog-scan', elf([('.rodata', BANNER + strings_73 + bytes(8) + cat)])
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
    struct.pack_into('<II', setup, 0x248, 0, len(payload))
    return bytes(setup) + payload


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
