"""Find and read the QR codes and EAN-13 product codes in a background frame (zxing-cpp).

Why zxing-cpp: measured on 1280x720 frames here (`python main.py bench --codes`, README "The
camera"), it reads both kinds in a few milliseconds a frame, about 15x faster than OpenCV's
QRCodeDetector plus its barcode module, as robustly on small and blurred codes, from a 1 MB wheel
against OpenCV's 64 MB. It releases the GIL while it decodes, so the window's worker thread does
not hold up the frame loop.

A frame is first copied (`grab`: its raw bytes, about half a millisecond at 1280x720), because
background sources reuse their surfaces; the copy can then be read on any thread.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from hud.pg import pygame

__all__ = ["KINDS", "Code", "Grab", "decode", "grab", "read"]

#: What hud reads, by zxing-cpp's format name -> hud's name for it.
KINDS = {"QRCode": "qr", "EAN13": "ean13"}


@dataclass(frozen=True)
class Code:
    """One code seen in a frame: its kind ("qr" or "ean13"), its text, where it is and when.

    `box` is (x, y, width, height) in view pixels; `at` is the clock time of the frame it was read
    from (not when decoding finished: a worker thread reads frames late).
    """

    kind: str
    text: str
    box: tuple[int, int, int, int]
    at: float

    @property
    def centre(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2


@dataclass(frozen=True)
class Grab:
    """A copy of a frame's pixels that any thread may read, and the clock time it shows."""

    pixels: bytes
    width: int
    height: int
    pitch: int
    order: str  # zxing-cpp's name of the byte layout: "BGRA" or "RGBA"
    at: float


def grab(frame: pygame.Surface, at: float) -> Grab:
    """A copy of `frame` (a 32-bit background frame) to decode later, stamped with clock time `at`."""
    width, height = frame.get_size()
    if frame.get_bitsize() == 32 and frame.get_masks()[:3] == (0xFF0000, 0xFF00, 0xFF) and sys.byteorder == "little":
        return Grab(frame.get_buffer().raw, width, height, frame.get_pitch(), "BGRA", at)  # a straight copy
    return Grab(pygame.image.tobytes(frame, "RGBX"), width, height, width * 4, "RGBA", at)


def read(frame: Grab) -> list[Code]:
    """Every QR and EAN-13 code zxing-cpp finds in `frame`, top to bottom, left to right.

    Safe on any thread (zxing-cpp releases the GIL). Codes it finds but cannot decode (damaged,
    partial) are not returned: a partial code is no code.
    """
    import numpy as np

    try:
        import zxingcpp
    except ImportError:  # a dependency: only a broken install lacks it
        raise RuntimeError("reading codes needs zxing-cpp: pip install -e . (or pip install zxing-cpp)") from None
    view = zxingcpp.ImageView(np.frombuffer(frame.pixels, np.uint8), frame.width, frame.height,
                              getattr(zxingcpp.ImageFormat, frame.order), frame.pitch, 4)
    found = zxingcpp.read_barcodes(view, formats=zxingcpp.barcode_formats_from_str("QRCode,EAN13"),
                                   try_invert=False)
    codes = []
    for barcode in found:
        kind = KINDS.get(barcode.format.name)
        if kind is None or not barcode.valid:
            continue
        p = barcode.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_right.x, p.bottom_left.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_right.y, p.bottom_left.y]
        x0, y0 = max(0, min(xs)), max(0, min(ys))
        box = (x0, y0, max(1, min(frame.width, max(xs)) - x0), max(1, min(frame.height, max(ys)) - y0))
        if kind == "ean13" and box[3] < 8:  # a 1D code's position is a line: give it a box to look at
            box = (box[0], max(0, box[1] - 20), box[2], box[3] + 40)
        codes.append(Code(kind, barcode.text, box, frame.at))
    return sorted(codes, key=lambda c: (c.box[1], c.box[0], c.kind, c.text))


def decode(frame: pygame.Surface, at: float = 0.0) -> list[Code]:
    """`read(grab(frame, at))`: the codes in a frame, read now on this thread."""
    return read(grab(frame, at))
