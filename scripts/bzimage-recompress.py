#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bzimage-recompress.py IN OUT FORMAT: write OUT, the x86 bzImage IN with its
# kernel decompressed and compressed again in FORMAT (gzip, xz, lzma, zstd,
# lz4, bzip2, none), laid out as arch/x86/boot/compressed/Makefile does: the
# payload, then (but for gzip and none) its decompressed size in 4 bytes.
# The boot code is left as it is: the image is for readers of the format
# (the pre-flight tool), not for booting.
import struct, subprocess, sys, zlib

CMDS = {
    'gzip': ['gzip', '-n', '-9', '-c'],
    'xz': ['xz', '--check=crc32', '-c'],
    'lzma': ['xz', '--format=lzma', '-9', '-c'],
    'zstd': ['zstd', '-19', '-q', '-c'],
    'lz4': ['lz4', '-l', '-9', '-c'],
    'bzip2': ['bzip2', '-9', '-c'],
}


def payload(img):
    setup = ((img[0x1f1] or 4) + 1) * 512
    off = setup + struct.unpack_from('<I', img, 0x248)[0]
    plen = struct.unpack_from('<I', img, 0x24c)[0]
    return off, plen


def decompress(p):
    if p[:2] == b'\x1f\x8b':
        return zlib.decompress(p, 16 + zlib.MAX_WBITS)
    for fmt, magic, cmd in (('zstd', b'\x28\xb5\x2f\xfd', ['zstd', '-dcq']),
                            ('xz', b'\xfd7zXZ\0', ['xz', '-dc']),
                            ('lz4', b'\x02\x21\x4c\x18', ['lz4', '-dc'])):
        if p.startswith(magic):
            size = struct.unpack('<I', p[-4:])[0]
            out = subprocess.run(cmd, input=p, capture_output=True).stdout
            if len(out) != size:
                sys.exit(f'{fmt} payload: {len(out)} bytes, {size} declared')
            return out
    if p[:4] == b'\x7fELF':
        return p
    sys.exit('unknown payload format')


def main():
    src, dst, fmt = sys.argv[1:4]
    img = bytearray(open(src, 'rb').read())
    off, plen = payload(img)
    kernel = decompress(bytes(img[off:off + plen]))
    if fmt == 'none':
        new = kernel
    else:
        new = subprocess.run(CMDS[fmt], input=kernel, capture_output=True,
                             check=True).stdout
        if fmt != 'gzip':
            new += struct.pack('<I', len(kernel) & 0xffffffff)
    out = img[:off] + new
    struct.pack_into('<I', out, 0x24c, len(new))
    open(dst, 'wb').write(out)


main()
