"""BMP files as MentraOS apps send them, for the tests of `hud.mentra` (not a test module itself).

`sdk_bmp` writes what `@mentra/sdk`'s converter writes (its documented layout, re-implemented here):
a 1-bit BMP, 40-byte info header, palette [black, white], rows bottom-up padded to 4 bytes, and the
bit set (palette index 1, white) for every source pixel that was bright. Checked byte for byte against
the real converter's output (`BitmapUtils.padBase64Bitmap` of a 526 x 100 picture: palette bytes
00000000 ffffff00).
"""

from __future__ import annotations

import base64
import io
import struct

from PIL import Image


def sdk_bmp(bright: list[list[bool]]) -> bytes:
    height, width = len(bright), len(bright[0])
    row_size = (width + 31) // 32 * 4
    header_size = 14 + 40 + 8
    size = header_size + row_size * height
    out = bytearray(b"BM" + struct.pack("<IHHI", size, 0, 0, header_size))
    out += struct.pack("<IiiHHIIiiII", 40, width, height, 1, 1, 0, row_size * height, 2835, 2835, 2, 2)
    out += bytes((0, 0, 0, 0, 255, 255, 255, 0))  # palette: index 0 black, index 1 white
    for y in range(height - 1, -1, -1):  # bottom-up
        row = bytearray(row_size)
        for x, on in enumerate(bright[y]):
            if on:
                row[x // 8] |= 1 << (7 - x % 8)
        out += row
    return bytes(out)


def sdk_b64(bright: list[list[bool]]) -> str:
    return base64.b64encode(sdk_bmp(bright)).decode("ascii")


def pillow_b64(image: Image.Image) -> str:
    """Any picture as Pillow writes a BMP (1-bit with palette [black, white], 8-bit grey, 24-bit RGB)."""
    out = io.BytesIO()
    image.save(out, format="BMP")
    return base64.b64encode(out.getvalue()).decode("ascii")


def lit(png_b64: str) -> list[list[bool]]:
    """Which pixels of hud's base64 PNG are lit (above half brightness)."""
    with Image.open(io.BytesIO(base64.b64decode(png_b64)), formats=("PNG",)) as image:
        grey = image.convert("L")
    return [[grey.getpixel((x, y)) > 127 for x in range(grey.width)] for y in range(grey.height)]  # type: ignore[operator]
