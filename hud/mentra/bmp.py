"""A MentraOS bitmap (base64 BMP) as hud's bitmap (base64 grey PNG, lit = 255), or why it cannot be.

Polarity: light is white, as on every additive display: a pixel that is bright through the BMP's
own palette is lit. Checked against the real SDK (`@mentra/sdk` 2.1.29, `BitmapUtils`): its converter
(`convert24BitTo1BitBMP`, which `showBitmapView` runs on any picture that is not 576 x 135) writes a
1-bit BMP whose palette is [black, white] and sets the bit (white) for every source pixel that was
bright, so an app's white-on-black drawing arrives white-on-black and its black padding black
(tests/test_mentra_sdk.py shows a real app's picture this way). The SDK's validator calls a picture
with no 0 bits "all white", which on the glasses is a fully lit panel: almost always a mistake, so it
warns. A BMP is decoded through its palette (whatever its bit depth or palette order) to grey, and
that grey is the light.

Limits, checked in this order so nothing large is decoded before it is known to be allowed:
    MAX_BASE64_CHARS  characters of base64 (the SDK refuses a bitmap of more than 1e6)
    the BMP header    "BM", a known DIB header, 1..576 x 1..288 pixels (MentraOS's panel is 576 x 135;
                      hud's bitmap cap is 576 x 288), read before Pillow sees the file: a small file can
                      claim gigapixels (a decompression bomb)
    the pixels        decoded completely here (a truncated or broken file is refused here, never in
                      the frame loop), with Pillow restricted to the BMP format
    the PNG           at most hud's bitmap limit (`hud.scenario.BITMAP_MAX_BYTES`), so the event is one
                      a scenario or a recording accepts too
"""

from __future__ import annotations

import base64
import binascii
import io

from PIL import Image

from hud import scenario

#: Base64 characters of one bitmap (and of all an animation's frames together): the SDK's own limit.
MAX_BASE64_CHARS = 1_000_000
#: The largest BMP decoded, in pixels: hud's bitmap cap (MentraOS's panel, 576 x 135, fits).
MAX_SIZE = scenario.BITMAP_MAX_SIZE
_DIB_HEADERS = {12: "BITMAPCOREHEADER", 16: "OS/2 2.x", 40: "BITMAPINFOHEADER", 52: "BITMAPV2INFOHEADER",
                56: "BITMAPV3INFOHEADER", 64: "OS/2 2.x", 108: "BITMAPV4HEADER", 124: "BITMAPV5HEADER"}


class BitmapError(ValueError):
    """Why a bitmap was refused, located by the field's path: `layout.frames[3]: not a BMP image (...)`."""


def png_from_bmp(data: object, where: str = "data") -> str:
    """The base64 PNG hud shows for the base64 BMP `data` (see the module's docstring); `where` names
    the field in errors. Raises `BitmapError`."""
    if not isinstance(data, str):
        raise BitmapError(f"{where}: must be a base64 BMP image (a string), got {_describe(data)}")
    if len(data) > MAX_BASE64_CHARS:
        raise BitmapError(f"{where}: is {len(data)} characters of base64; the limit is {MAX_BASE64_CHARS} "
                          f"(the SDK refuses more)")
    if not data:
        raise BitmapError(f"{where}: is empty; a bitmap needs a base64 BMP image")
    try:
        bmp = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BitmapError(f"{where}: not valid base64 ({exc})") from None
    width, height = _header_size(bmp, where)
    try:
        with Image.open(io.BytesIO(bmp), formats=("BMP",)) as image:
            if image.size != (width, height):
                raise BitmapError(f"{where}: a broken BMP: its header says {width} x {height}, "
                                  f"the decoder read {image.width} x {image.height}")
            image.load()
            grey = image.convert("L")  # through the palette, whatever its order
    except BitmapError:
        raise
    except Exception as exc:  # Pillow raises many types for broken files (OSError, SyntaxError, ValueError, ...)
        raise BitmapError(f"{where}: not a BMP image that can be decoded ({exc or type(exc).__name__})") from None
    return _png(grey, where)


def _header_size(bmp: bytes, where: str) -> tuple[int, int]:
    """Width and height from the BMP's headers, checked against the limits before any decoding."""
    if len(bmp) < 26 or bmp[:2] != b"BM":
        raise BitmapError(f"{where}: not a BMP image (it must start with 'BM' and a DIB header; "
                          f"got {bmp[:8]!r}, {len(bmp)} bytes)")
    dib = int.from_bytes(bmp[14:18], "little")
    if dib not in _DIB_HEADERS:
        raise BitmapError(f"{where}: not a BMP image (unknown DIB header of {dib} bytes)")
    if dib == 12:
        width, height = int.from_bytes(bmp[18:20], "little"), int.from_bytes(bmp[20:22], "little", signed=True)
    else:
        width = int.from_bytes(bmp[18:22], "little", signed=True)
        height = int.from_bytes(bmp[22:26], "little", signed=True)
    height = abs(height)  # negative: rows stored top-down
    max_w, max_h = MAX_SIZE
    if width <= 0 or height <= 0:
        raise BitmapError(f"{where}: a {width} x {height} BMP; an image needs at least one pixel")
    if width > max_w or height > max_h:
        raise BitmapError(f"{where}: a {width} x {height} BMP; the limit is {max_w} x {max_h} "
                          f"(MentraOS's display is 576 x 135)")
    return width, height


def _png(lit: Image.Image, where: str) -> str:
    """`lit` as a base64 PNG: 1 bit per pixel when it is black and white only (as every SDK-made frame
    is: a 576 x 135 frame is then about 2 kB), else 8-bit grey."""
    bilevel = sum(lit.histogram()[1:255]) == 0
    out = io.BytesIO()
    (lit.convert("1", dither=Image.Dither.NONE) if bilevel else lit).save(out, format="PNG")
    png = out.getvalue()
    if len(png) > scenario.BITMAP_MAX_BYTES:
        raise BitmapError(f"{where}: as a PNG the picture is {len(png)} bytes; hud's limit for a bitmap is "
                          f"{scenario.BITMAP_MAX_BYTES} (a black and white picture, as the SDK makes, is far below it)")
    return base64.b64encode(png).decode("ascii")


def _describe(value: object) -> str:
    from hud.push.protocol import describe

    return describe(value)
