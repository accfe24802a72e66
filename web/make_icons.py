#!/usr/bin/env python3
"""web/make_icons.py OUT_DIR - writes icon-192.png and icon-512.png.

Draws the shapes of web/icon.svg (rounded rectangles and round-capped lines) with
signed distance functions, so edges are antialiased without any imaging library:
only the standard library (zlib for PNG compression) is used.
"""
import math
import struct
import sys
import zlib

BG = (0x1B, 0x22, 0x30)
# Shapes in the 512x512 design space of icon.svg, drawn in this order.
SHAPES = [
    ("line", (256, 168, 152, 344, 10), (0xC8, 0xD3, 0xE6)),
    ("line", (256, 168, 360, 344, 10), (0xC8, 0xD3, 0xE6)),
    ("rect", (176, 88, 160, 80, 20), (0x5B, 0x8D, 0xEF)),
    ("rect", (72, 344, 160, 80, 20), (0x43, 0xC5, 0x9E)),
    ("rect", (280, 344, 160, 80, 20), (0xF0, 0xA1, 0x4A)),
]


def sd_round_rect(px, py, x, y, w, h, r):
    cx, cy = x + w / 2, y + h / 2
    qx = abs(px - cx) - (w / 2 - r)
    qy = abs(py - cy) - (h / 2 - r)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - r


def sd_segment(px, py, ax, ay, bx, by, half_width):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy)) - half_width


def render(size):
    scale = 512.0 / size
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter type 0 for this scanline
        py = (j + 0.5) * scale
        for i in range(size):
            px = (i + 0.5) * scale
            # Coverage from distance in output pixels: 0.5 - d clamped to [0, 1].
            alpha = max(0.0, min(1.0, 0.5 - sd_round_rect(px, py, 0, 0, 512, 512, 96) / scale))
            color = BG
            for kind, args, rgb in SHAPES:
                d = sd_segment(px, py, *args) if kind == "line" else sd_round_rect(px, py, *args)
                a = max(0.0, min(1.0, 0.5 - d / scale))
                if a > 0:
                    color = tuple(c0 + (c1 - c0) * a for c0, c1 in zip(color, rgb))
            row += bytes((int(round(c)) for c in color)) + bytes((int(round(alpha * 255)),))
        rows.append(bytes(row))
    return b"".join(rows)


def png(size, raw):
    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    for size in (192, 512):
        with open(f"{out}/icon-{size}.png", "wb") as f:
            f.write(png(size, render(size)))


if __name__ == "__main__":
    main()
