"""`python main.py bench --codes`: how long reading codes takes per 1280x720 frame, and what is found.

Printed, never asserted (timings belong to the machine). Each line is the median of `frames`
decodes of one frame: generated codes at several module sizes and blurs over fixed-seed noise
(a busy worst case), and the street scene with no code in view (the usual case).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from hud.codes.decode import grab, read
from hud.codes.samples import CAFE_PAYLOAD, frame_with
from hud.pg import pygame

EAN = "2000000001012"


def _median_ms(frame: pygame.Surface, frames: int) -> tuple[float, float, list[str]]:
    """(median ms to copy, median ms to decode, kinds found)."""
    copies, decodes, found = [], [], []
    for _ in range(frames):
        started = time.perf_counter()
        copy = grab(frame, 0.0)
        copied = time.perf_counter()
        found = [c.kind for c in read(copy)]
        decodes.append(time.perf_counter() - copied)
        copies.append(copied - started)
    return statistics.median(copies) * 1000, statistics.median(decodes) * 1000, found


def run(frames: int = 15, size: tuple[int, int] = (1280, 720), out: Callable[[str], None] = print) -> int:
    from hud.background.scene import StreetScene

    out(f"reading QR and EAN-13 codes in one {size[0]}x{size[1]} frame with zxing-cpp (median of {frames}):")
    out(f"{'frame':<44} {'copy ms':>8} {'decode ms':>10}  found")
    cases: list[tuple[str, pygame.Surface]] = [("street scene, no code", StreetScene().frame(12.0, size))]
    for module, blur in ((2, 0), (3, 0), (4, 0), (6, 0), (3, 1), (4, 2), (6, 3)):
        placed = [("qr", CAFE_PAYLOAD, module, (100, 100)), ("ean13", EAN, max(1, module - 1), (700, 300))]
        cases.append((f"QR {module} px/module + EAN, blur {blur} px, on noise", frame_with(placed, size, blur)))
    for name, frame in cases:
        copy_ms, decode_ms, found = _median_ms(frame, frames)
        out(f"{name:<44} {copy_ms:>8.2f} {decode_ms:>10.2f}  {', '.join(found) or '-'}")
    return 0
