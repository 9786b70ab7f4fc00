"""Screenshots: the panel as the simulator's glasses framebuffer (green, alpha = light), and hud's own views.

The simulator's `/api/screenshot/glasses` (measured on 0.9.5) is a 576x288 RGBA PNG in which every
pixel is pure green (0, 255, 0) and the alpha channel is the light: 0 where the panel is dark, 255
where fully lit, the 16 grey levels in between. A script that checks "is anything drawn here" reads
alpha; one that shows the picture composites it over black. hud's panel (`session.render_panel()`)
is RGB in the device's hue (#3CFA44 on the G2), the grey levels already quantised and dithered, so
the light of a pixel is its brightest hue channel read back through the panel's palette
(`light_table`): exact for every colour the renderer draws, so a fully lit pixel is alpha 255 and
the levels are the device's (multiples of 17 on a 16-level panel, as the simulator's).

Split in two halves on purpose: `glasses_light` reads the pygame surface and must run on the frame
loop's thread (surfaces are not thread-safe, and `render_panel` reuses its surface); the PNG
encoders take plain bytes and run on the HTTP thread, so the frame loop pays about a millisecond
per screenshot, not the encoding.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

from hud.panel import PanelRenderer, quantise
from hud.pg import pygame

#: zlib level for the PNGs: 1 encodes a 576x288 panel in well under a millisecond and a 1280x720
#: composite in a few; the bytes barely matter on loopback.
PNG_LEVEL = 1
#: The simulator's colour for every pixel of the glasses screenshot (its light is in alpha).
GREEN = (0, 255, 0)

_tables: dict[tuple[tuple[int, int, int], int], tuple[int, np.ndarray]] = {}


def light_table(panel: PanelRenderer) -> tuple[int, np.ndarray]:
    """(channel, table): the panel colour's value in `channel` -> the light 0..255 it shows.

    `channel` is the hue's brightest (green on every green waveguide). Values the palette holds map
    to their exact quantised level; any other value (none, from the renderer) to the nearest.
    """
    hue = tuple(int(c) for c in panel.hue)
    levels = panel.levels if panel.quantise else 256
    key = ((hue[0], hue[1], hue[2]), levels)
    cached = _tables.get(key)
    if cached is not None:
        return cached
    channel = max(range(3), key=lambda c: hue[c])
    top = hue[channel]
    if top == 0:
        table = np.zeros(256, np.uint8)
    else:
        table = np.clip(np.rint(np.arange(256) * 255 / top), 0, 255).astype(np.uint8)
        for index, colour in enumerate(panel.palette):
            table[colour[channel]] = quantise(index, levels) if levels < 256 else index
    _tables[key] = (channel, table)
    return channel, table


def glasses_light(surface: pygame.Surface, panel: PanelRenderer) -> bytes:
    """The light of each panel pixel, one byte each, rows top to bottom (on the frame loop's thread)."""
    channel, table = light_table(panel)
    pixels = pygame.surfarray.pixels3d(surface)  # (w, h, 3), a view that locks the surface
    try:
        light = table[pixels[:, :, channel]]
    finally:
        del pixels
    return np.ascontiguousarray(light.T).tobytes()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_LEVEL)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def glasses_png(light: bytes, size: tuple[int, int]) -> bytes:
    """The simulator's RGBA framebuffer PNG: every pixel green, alpha = `light`.

    Written directly (numpy rows, zlib) rather than through Pillow: half the time (2.5 ms against
    4.7 for 576x288), and this is the path scripts poll.
    """
    w, h = size
    rows = np.zeros((h, 1 + 4 * w), np.uint8)  # each row: filter type 0, then RGBA pixels
    pixels = rows[:, 1:].reshape(h, w, 4)
    pixels[:, :, 0], pixels[:, :, 1], pixels[:, :, 2] = GREEN
    pixels[:, :, 3] = np.frombuffer(light, np.uint8).reshape(h, w)
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bits, colour type 6 (RGBA)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes(), PNG_LEVEL))
            + _chunk(b"IEND", b""))


def surface_rgb(surface: pygame.Surface) -> tuple[bytes, tuple[int, int]]:
    """A surface's pixels as RGB bytes and its size (on the frame loop's thread: a copy to encode later)."""
    return pygame.image.tobytes(surface, "RGB"), surface.get_size()


def rgb_png(data: bytes, size: tuple[int, int]) -> bytes:
    return _png(Image.frombytes("RGB", size, data))
