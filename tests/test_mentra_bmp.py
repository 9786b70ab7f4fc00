"""hud.mentra.bmp: MentraOS's base64 BMPs as hud's grey PNGs, polarity as the SDK makes them, and
every limit refused with the field's path before anything large is decoded."""

from __future__ import annotations

import base64
import io
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mentra_bmps import lit, pillow_b64, sdk_b64, sdk_bmp
from PIL import Image

from hud.mentra.bmp import MAX_BASE64_CHARS, BitmapError, png_from_bmp

ARROW = ["..........", ".##.......", ".####.....", ".######...", ".####.....", ".##.......", ".........."]


def _bright(rows: list[str]) -> list[list[bool]]:
    return [[c == "#" for c in row] for row in rows]


def test_an_sdk_made_bmp_is_lit_where_its_source_was_bright() -> None:
    """The SDK's converter sets palette index 1 (white) for bright pixels: those are the lit ones."""
    assert lit(png_from_bmp(sdk_b64(_bright(ARROW)))) == _bright(ARROW)


def test_a_white_on_black_picture_shows_its_white_strokes_lit() -> None:
    """Through its own palette: Pillow writes a 1-bit BMP with [black, white]; light is white."""
    image = Image.new("1", (8, 4), 0)
    image.putpixel((3, 2), 1)
    assert lit(png_from_bmp(pillow_b64(image))) == [[(x, y) == (3, 2) for x in range(8)] for y in range(4)]


def test_the_palette_order_does_not_matter() -> None:
    """A BMP whose palette is [white, black] with the bit clear is white: lit, whatever the bit says."""
    bmp = bytearray(base64.b64decode(sdk_b64([[True, False]])))
    bmp[54:62] = bytes((255, 255, 255, 0, 0, 0, 0, 0))
    assert lit(png_from_bmp(_b64(bytes(bmp)))) == [[False, True]]


def test_grey_and_colour_bmps_are_their_luminance() -> None:
    image = Image.new("RGB", (3, 1))
    image.putdata([(0, 0, 0), (255, 255, 255), (100, 100, 100)])
    png = base64.b64decode(png_from_bmp(pillow_b64(image)))
    with Image.open(io.BytesIO(png)) as out:
        grey = out.convert("L")
        assert [grey.getpixel((x, 0)) for x in range(3)] == [0, 255, 100]


def test_a_full_sdk_frame_becomes_a_small_one_bit_png() -> None:
    bright = [[(x // 8 + y // 8) % 2 == 0 for x in range(576)] for y in range(135)]
    png = base64.b64decode(png_from_bmp(sdk_b64(bright)))
    with Image.open(io.BytesIO(png)) as out:
        assert out.mode == "1" and out.size == (576, 135)
    assert len(png) < 4000


def _header(width: int, height: int) -> bytes:
    """A BMP's headers only, claiming a size (no pixel data follows)."""
    return b"BM" + struct.pack("<IHHI", 62, 0, 0, 62) + struct.pack("<IiiHHIIiiII", 40, width, height, 1, 1, 0, 0,
                                                                      0, 0, 2, 2) + bytes(8)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize(("data", "message"), [
    (12, "layout.data: must be a base64 BMP image (a string), got number 12"),
    ("", "layout.data: is empty; a bitmap needs a base64 BMP image"),
    ("Qk0*", "layout.data: not valid base64 (Only base64 data is allowed)"),
    (_b64(b"\x89PNG\r\n\x1a\n" + bytes(40)), "layout.data: not a BMP image (it must start with 'BM' and a DIB header; "
                                               "got b'\\x89PNG\\r\\n\\x1a\\n', 48 bytes)"),
    (_b64(b"BM" + bytes(12) + struct.pack("<I", 77) + bytes(20)),
     "layout.data: not a BMP image (unknown DIB header of 77 bytes)"),
    (_b64(_header(100_000, 100_000)), "layout.data: a 100000 x 100000 BMP; the limit is 576 x 288 "
                                      "(MentraOS's display is 576 x 135)"),
    (_b64(_header(577, 10)), "layout.data: a 577 x 10 BMP; the limit is 576 x 288 (MentraOS's display is 576 x 135)"),
    (_b64(_header(0, 10)), "layout.data: a 0 x 10 BMP; an image needs at least one pixel"),
    ("A" * (MAX_BASE64_CHARS + 4), f"layout.data: is {MAX_BASE64_CHARS + 4} characters of base64; the limit is "
                                   f"{MAX_BASE64_CHARS} (the SDK refuses more)"),
])
def test_bad_bitmaps_are_refused_with_the_fields_path(data: object, message: str) -> None:
    with pytest.raises(BitmapError) as caught:
        png_from_bmp(data, "layout.data")
    assert str(caught.value) == message


def test_a_truncated_bmp_is_refused_at_the_edge() -> None:
    bmp = sdk_bmp(_bright(ARROW))
    with pytest.raises(BitmapError, match=r"^layout\.frames\[2\]: not a BMP image that can be decoded \("):
        png_from_bmp(_b64(bmp[:-10]), "layout.frames[2]")


def test_a_top_down_bmp_keeps_its_rows() -> None:
    image = Image.new("L", (4, 3), 0)
    image.putpixel((1, 0), 255)
    bmp = bytearray(base64.b64decode(pillow_b64(image)))
    # Re-store it top-down: negative height, rows reversed (8-bit rows of 4 bytes each).
    offset = int.from_bytes(bmp[10:14], "little")
    rows = [bytes(bmp[offset + 4 * i: offset + 4 * i + 4]) for i in range(3)]
    bmp[22:26] = struct.pack("<i", -3)
    bmp[offset:offset + 12] = b"".join(reversed(rows))
    assert lit(png_from_bmp(_b64(bytes(bmp)))) == [[(x, y) == (1, 0) for x in range(4)] for y in range(3)]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200) | st.builds(lambda tail: b"BM" + tail, st.binary(max_size=200))
       | st.builds(lambda head, tail: head + tail, st.just(_header(8, 4)), st.binary(max_size=64)))
def test_any_bytes_are_a_png_or_a_bitmap_error(data: bytes) -> None:
    try:
        png = png_from_bmp(_b64(data))
    except BitmapError as exc:
        assert str(exc).startswith("data: ")
    else:
        with Image.open(io.BytesIO(base64.b64decode(png)), formats=("PNG",)) as out:
            assert out.width <= 576 and out.height <= 288
