#!/usr/bin/env python3
"""Checks a PNG written by `netforge render` with the standard library only.

    python3 check_png.py FILE MIN_WIDTH MIN_HEIGHT [--frames]

Verifies the signature, every chunk CRC, IHDR (8-bit RGB), decompresses IDAT with
zlib (an independent inflater), undoes the row filters and requires the picture to
show a graph: some background, some Conv-blue header pixels and some dark text or
edge pixels; with --frames also group frames (light tinted pixels, at least 5%).
Prints one line; exit 1 on any problem.
"""
import struct
import sys
import zlib


def fail(msg):
    print('check_png: ' + msg)
    sys.exit(1)


def main():
    path, min_w, min_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    frames = '--frames' in sys.argv[4:]
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail('bad signature')
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        (length,) = struct.unpack('>I', data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) != crc:
            fail('CRC mismatch in ' + ctype.decode('latin-1'))
        if ctype == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif ctype == b'IDAT':
            idat += body
        pos += 12 + length
    if ihdr is None:
        fail('no IHDR')
    w, h, depth, color = ihdr[:4]
    if depth != 8 or color != 2:
        fail('not 8-bit RGB')
    if w < min_w or h < min_h:
        fail('too small: %dx%d' % (w, h))
    raw = zlib.decompress(idat)
    stride = w * 3
    if len(raw) != (stride + 1) * h:
        fail('wrong IDAT size')
    prev = bytearray(stride)
    counts = {'background': 0, 'conv': 0, 'dark': 0, 'tinted': 0}
    for y in range(h):
        f = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                row[i] = (row[i] + a) & 255
            elif f == 2:
                row[i] = (row[i] + b) & 255
            elif f == 3:
                row[i] = (row[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            elif f != 0:
                fail('bad filter %d' % f)
        for x in range(0, stride, 3):
            px = (row[x], row[x + 1], row[x + 2])
            if px == (255, 255, 255):
                counts['background'] += 1
            elif px == (0x33, 0x55, 0x88):
                counts['conv'] += 1
            elif sum(px) < 3 * 130:
                counts['dark'] += 1
            elif min(px) > 185 and max(px) - min(px) >= 8:
                counts['tinted'] += 1
        prev = row
    # Frames tint what they cover: less plain background then.
    if counts['background'] < w * h // (100 if frames else 4) or counts['conv'] < 50 or counts['dark'] < 50:
        fail('does not look like a graph: %s' % counts)
    if frames and counts['tinted'] < w * h // 20:
        fail('no group frames: %s' % counts)
    print('check_png: %dx%d ok %s' % (w, h, counts))


if __name__ == '__main__':
    main()
