"""Waveguide optics: how much light the HUD adds to the world, and how the optics smear it.

The model (README "Optics" states it with its limits):

* The background picture is the camera's: a mid-grey (18 %) pixel stands for `exposure_nits` of
  scene luminance (the built-in scene says what it shows; day 5000, night 5; others assume 1000).
  The scene's luminance `ambient` is estimated from the frame's mean linear luminance.
* The display shows `display_nits` at full level: fixed (a share of peak) or auto (following the
  scene, as the real glasses do). The world is seen through the lens at `transmission`.
* HUD light is added to the scene in linear light, so the same stroke that glows at night is
  washed out over a sunny facade. In picture units the HUD's gain is
  `display_nits * 0.18 / (exposure_nits * transmission)`.
* Bloom (halation) by downscale-blur-upscale, a faint ghost image, a slight blur, dimmer edges
  (eyebox falloff), and quantisation to the panel's grey levels (with ordered dithering for
  1-bit panels) complete it. Every stage can be switched off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from hud.device import Device
from hud.lightadd import LitBytes, add_table
from hud.pg import pygame

STAGES = ("light", "brightness", "bloom", "ghost", "blur", "eyebox", "quantise")
MID_GREY = 0.18
DEFAULT_EXPOSURE_NITS = 1000.0


def parse_stages(text: str) -> frozenset[str]:
    """'all', 'none', or a comma list of stage names (clear error for unknown ones)."""
    text = text.strip().lower()
    if text == "all":
        return frozenset(STAGES)
    if text in ("none", ""):
        return frozenset()
    names = {n.strip() for n in text.split(",") if n.strip()}
    unknown = names - set(STAGES)
    if unknown:
        raise ValueError(f"unknown optics stage(s) {', '.join(sorted(unknown))} (expected all, none or any of: "
                         f"{', '.join(STAGES)})")
    return frozenset(names)


# sRGB <-> linear, as tables: per-pixel work is table lookups only.
_S = np.arange(256) / 255.0
LINEAR = np.where(_S <= 0.04045, _S / 12.92, ((_S + 0.055) / 1.055) ** 2.4)


def encode(linear: np.ndarray) -> np.ndarray:
    lin = np.clip(linear, 0.0, 1.0)
    encoded: np.ndarray = np.round(255 * np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055))
    return encoded.astype(np.uint8)


#: ADD[b, h]: background b plus HUD light h, added in linear light and encoded again.
ADD = encode(LINEAR[:, None] + LINEAR[None, :])


def luminance(rgb_mean: Sequence[float]) -> float:
    """Relative luminance (0..1) of an sRGB colour given as 0..255 floats."""
    r, g, b = (LINEAR[round(c)] for c in rgb_mean[:3])
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def ambient_nits(frame: pygame.Surface, exposure_nits: float) -> float:
    """The scene's mean luminance in nits, from the frame's average colour."""
    small = pygame.transform.scale(frame, (64, 36))  # nearest: a cheap, deterministic sample
    return luminance(pygame.transform.average_color(small)) / MID_GREY * exposure_nits


def display_nits(device: Device, ambient: float, stages: frozenset[str]) -> float:
    """What the display emits at full level: auto follows the scene; fixed is a share of peak."""
    o = device.optics
    if "brightness" not in stages:
        return float(device.nits)
    if o.brightness == "fixed":
        return device.nits * o.level
    return float(min(device.nits, max(o.min_nits, ambient * o.transmission * o.auto_ratio)))


def gain(display: float, exposure_nits: float, transmission: float) -> float:
    """HUD light in picture units: 1.0 adds a full-white pixel's worth of light."""
    return display * MID_GREY / (exposure_nits * transmission)


def light_palette(base: list[tuple[int, int, int]], g: float) -> list[tuple[int, int, int]]:
    """The panel palette scaled to light in picture units (linear), encoded for the ADD table."""
    light: list[tuple[int, int, int]] = [tuple(c) for c in encode(LINEAR[np.array(base, dtype=np.int64)] * g).tolist()]
    return light


#: ADD as the flat table `hud.lightadd` looks up (index `h << 8 | b`).
ADD_FLAT = add_table(ADD)


def add_light(out: pygame.Surface, layer: pygame.Surface, at: tuple[int, int]) -> None:
    """Add `layer`'s light to `out` at `at` in linear light. Only lit pixels are touched, and only
    the part of the layer inside `out` (a display partly outside a narrow view is cut at its edge).

    The compositor keeps the lit bytes between frames (`hud.lightadd`); this finds them each call."""
    lit = LitBytes.of(layer, at, out)
    if lit is None:
        add_light_pixels(out, layer, at)
    else:
        lit.add_to(out, ADD_FLAT)


def add_light_pixels(out: pygame.Surface, layer: pygame.Surface, at: tuple[int, int]) -> None:
    """`add_light` pixel by pixel: any two 32-bit layouts, and the reference the faster form is
    tested against (tests/test_frame_cache.py)."""
    w, h = layer.get_size()
    x0, y0 = at
    left, top = max(0, -x0), max(0, -y0)  # the layer's part inside the view
    right, bottom = min(w, out.get_width() - x0), min(h, out.get_height() - y0)
    if left >= right or top >= bottom:
        return
    hud = np.frombuffer(cast(Any, layer.get_buffer()), np.uint32).reshape(h, layer.get_pitch() // 4)
    hud = hud[top:bottom, left:right]
    x0, y0 = x0 + left, y0 + top
    lit_y, lit_x = np.nonzero(hud & 0x00FFFFFF)
    if lit_y.size == 0:
        return
    view = np.frombuffer(cast(Any, out.get_buffer()), np.uint32).reshape(out.get_height(), out.get_pitch() // 4)
    ys, xs = lit_y + y0, lit_x + x0
    bg = view[ys, xs]
    fg = hud[lit_y, lit_x]
    mixed = np.zeros_like(bg)
    for shift in (16, 8, 0):
        mixed |= ADD[(bg >> shift) & 0xFF, (fg >> shift) & 0xFF].astype(np.uint32) << shift
    view[ys, xs] = mixed | (bg & 0xFF000000)


@dataclass
class Effects:
    """Bloom, ghost, blur and eyebox falloff on the HUD layer, with their buffers kept between frames."""

    device: Device
    size: tuple[int, int]  # the HUD layer (the panel as projected into the view)
    pixels_per_degree: float

    #: False: every stage over the whole layer (the reference the row bands are tested against).
    banded: bool = True

    def __post_init__(self) -> None:
        w, h = self.size
        self._vignette = _vignette(self.size, self.device.optics.eyebox)
        self._small = pygame.Surface((max(1, w // 8), max(1, h // 8)), depth=32)
        self._bloom = pygame.Surface(self.size, depth=32)
        self._tmp = pygame.Surface(self.size, depth=32)

    def apply(self, layer: pygame.Surface, stages: frozenset[str]) -> None:
        """Eyebox falloff, blur and ghost: they reshape the strokes' own light.

        Each stage runs only on the rows that hold light (`_lit_rows`), grown by the rows the stages
        before it moved light into. Why: a HUD lights 3-40 % of its rows (the status line, a card),
        and a black pixel stays black through every stage (multiplied, blended with black, or zero
        added), so the other rows would come out as they went in. The clip keeps whole rows, so each
        pixel is computed exactly as over the whole layer.
        """
        o = self.device.optics
        blur = min(0.5, o.blur * self.size[0] / self.device.panel[0] / 2) if "blur" in stages else 0.0
        alpha = round(255 * blur)
        ghost = "ghost" in stages and o.ghost > 0
        eyebox = "eyebox" in stages and o.eyebox > 0
        if not (eyebox or alpha > 0 or ghost):
            return
        lit = _lit_rows(layer) if self.banded else np.ones(layer.get_height(), bool)
        try:
            if eyebox:
                for band in _bands(lit, layer.get_width()):
                    layer.set_clip(band)
                    layer.blit(self._vignette, (0, 0), special_flags=pygame.BLEND_RGB_MULT)
            if alpha > 0:
                lit = lit | _shifted(lit, 1)  # the lower neighbour's mix carries light a row down
                self._blur(layer, alpha, _bands(lit, layer.get_width()))
            if ghost:
                self._tmp.blit(layer, (0, 0))
                level = round(255 * o.ghost)
                for band in _bands(lit, layer.get_width()):
                    self._tmp.fill((level, level, level), band, special_flags=pygame.BLEND_RGB_MULT)
                dx, dy = (round(v * self.pixels_per_degree) for v in o.ghost_offset)
                for band in _bands(_shifted(lit, dy), layer.get_width()):
                    layer.set_clip(band)
                    layer.blit(self._tmp, (dx, dy), special_flags=pygame.BLEND_RGB_ADD)
        finally:
            layer.set_clip(None)

    def bloom(self, layer: pygame.Surface, stages: frozenset[str]) -> pygame.Surface | None:
        """Halation: the layer shrunk 8x, blurred, grown back and dimmed (None when off).

        Added to the view as it is (not in linear light): it is faint, wide and soft, and adding
        it linearly would touch every pixel of the panel's rectangle for little visible change.
        """
        strength = self.device.optics.bloom
        if "bloom" not in stages or strength <= 0:
            return None
        pygame.transform.smoothscale(layer, self._small.get_size(), self._small)
        blurred = pygame.transform.box_blur(self._small, 2)
        pygame.transform.smoothscale(blurred, self.size, self._bloom)
        level = round(255 * strength)
        self._bloom.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
        return self._bloom

    def _blur(self, layer: pygame.Surface, alpha: int, bands: list[pygame.Rect]) -> None:
        """A slight blur: mix each pixel with its right and lower neighbours by `alpha` / 255 (weight
        <= 0.5), in the rows of `bands` (the caller resets the layer's clip)."""
        self._tmp.blit(layer, (0, 0))
        self._tmp.set_alpha(alpha)
        for band in bands:
            layer.set_clip(band)
            layer.blit(self._tmp, (1, 0))
            layer.blit(self._tmp, (0, 1))
        self._tmp.set_alpha(None)


def lit_bands(surface: pygame.Surface) -> list[pygame.Rect]:
    """The full-width runs of a 32-bit surface's rows that hold any light. Why: the bloom is added
    every frame, and its rows without light (most of a sparse HUD's) would add nothing."""
    return _bands(_lit_rows(surface), surface.get_width())


def _lit_rows(layer: pygame.Surface) -> np.ndarray:
    """Which rows of a 32-bit layer hold any light (a bool per row; the padding byte is ignored)."""
    r, g, b, _ = layer.get_masks()
    words = np.frombuffer(cast(Any, layer.get_buffer()), np.uint32).reshape(layer.get_height(), layer.get_pitch() // 4)
    return np.asarray((words[:, :layer.get_width()] & np.uint32(r | g | b)).any(axis=1))


def _shifted(rows: np.ndarray, by: int) -> np.ndarray:
    """`rows` moved down by `by` (up when negative), what moves past an edge dropped."""
    out = np.zeros_like(rows)
    if abs(by) >= len(rows):
        return out
    if by >= 0:
        out[by:] = rows[:len(rows) - by]
    else:
        out[:by] = rows[-by:]
    return out


def _bands(rows: np.ndarray, width: int) -> list[pygame.Rect]:
    """The runs of True in `rows`, as full-width rectangles."""
    edges = np.flatnonzero(np.diff(np.concatenate(([False], rows, [False])).astype(np.int8)))
    pairs = zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)
    return [pygame.Rect(0, top, width, bottom - top) for top, bottom in pairs]


def _vignette(size: tuple[int, int], falloff: float) -> pygame.Surface:
    """1.0 at the centre, 1 - falloff at the corners, smooth in between (a multiply mask)."""
    w, h = size
    xs = (np.arange(w) - (w - 1) / 2) / max(1.0, w / 2)
    ys = (np.arange(h) - (h - 1) / 2) / max(1.0, h / 2)
    r2 = np.clip((xs[:, None] ** 2 + ys[None, :] ** 2) / 2, 0, 1)
    level = np.round(255 * (1 - falloff * r2)).astype(np.uint8)
    surface = pygame.Surface(size, depth=32)
    pygame.surfarray.blit_array(surface, np.repeat(level[:, :, None], 3, axis=2))
    return surface
