#!/usr/bin/env python3
"""Draws the package icon (eng/icon.png): a white key on a rounded indigo square, 128x128, RGBA.

Standard library only (a tiny PNG encoder over zlib), so it runs anywhere python3 does and the output is
byte-for-byte reproducible: `python3 eng/make-icon.py` rewrites eng/icon.png; `--check` fails if it is stale.
"""
import math
import struct
import sys
import zlib
from pathlib import Path

SIZE = 128
SAMPLES = 4  # 4x4 supersampling per pixel: smooth (anti-aliased) edges
BACKGROUND = (49, 76, 196)  # indigo
FOREGROUND = (255, 255, 255)


def rounded_square(x, y, radius=26.0, inset=2.0):
    """Inside the icon's rounded square (corner radius `radius`, `inset` pixels from the border)."""
    lo, hi = inset, SIZE - inset
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + radius), hi - radius)
    cy = min(max(y, lo + radius), hi - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def key(x, y):
    """Inside the key: a ring (the bow) at the left, a shaft to the right, two teeth under its end."""
    # The whole key is drawn rotated by -35 degrees around the centre, so it reads as a key at a glance.
    angle = math.radians(35)
    dx, dy = x - 64, y - 64
    u = dx * math.cos(angle) - dy * math.sin(angle) + 64
    v = dx * math.sin(angle) + dy * math.cos(angle) + 64
    bow_x, bow_y = 40.0, 64.0
    d = math.hypot(u - bow_x, v - bow_y)
    if 11.0 <= d <= 22.0:
        return True
    if 60.0 <= u <= 106.0 and 58.0 <= v <= 70.0:  # shaft
        return True
    if 84.0 <= u <= 92.0 and 70.0 <= v <= 84.0:  # first tooth
        return True
    if 97.0 <= u <= 106.0 and 70.0 <= v <= 80.0:  # second tooth
        return True
    return False


def pixel(px, py):
    inside = drawn = 0
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            x = px + (i + 0.5) / SAMPLES
            y = py + (j + 0.5) / SAMPLES
            if rounded_square(x, y):
                inside += 1
                if key(x, y):
                    drawn += 1
    total = SAMPLES * SAMPLES
    if inside == 0:
        return (0, 0, 0, 0)
    share = drawn / inside
    rgb = tuple(round(b + (f - b) * share) for b, f in zip(BACKGROUND, FOREGROUND))
    return rgb + (round(255 * inside / total),)


def png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(c for p in row for c in p) for row in rows)  # filter 0 (none) per row
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    target = Path(__file__).with_name("icon.png")
    data = png(SIZE, SIZE, [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)])
    if "--check" in sys.argv[1:]:
        if not target.exists() or target.read_bytes() != data:
            sys.exit(f"{target} is stale: run python3 {Path(__file__).name}")
        print(f"{target} is up to date")
        return
    target.write_bytes(data)
    print(f"wrote {target} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
