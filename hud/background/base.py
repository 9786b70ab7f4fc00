"""The one interface every background source implements, and helpers they share.

Why: the compositor must not care whether the world behind the HUD comes from a webcam, a still
image or the built-in street scene. Modelled on pygame-ce's `camera.AbstractCamera`
(`start/stop/get_image`), with time and size passed in so rendering stays a pure function.
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections import OrderedDict
from types import TracebackType
from typing import Generic, TypeVar

from hud.pg import pygame

__all__ = [
    "FRAME_DEPTH", "BackgroundError", "BackgroundSource", "SizeCache", "blank_frame", "check_size", "scale_to_cover",
]

Size = tuple[int, int]
T = TypeVar("T")

#: Bits per pixel of every frame: pygame's plain 32-bit layout (`pygame.Surface(size, 0, 32)`: RGB
#: plus an unused byte, no per-pixel alpha). Why not 24: the compositor blits each frame into a
#: buffer made this way, which for a frame of the same layout is a straight copy (about 3x faster
#: than converting a 24-bit frame), and SDL's blits and smoothscale are faster on 32-bit surfaces.
FRAME_DEPTH = 32


class BackgroundError(Exception):
    """A background source could not be created or read; the message names the input and the reason."""


class BackgroundSource(ABC):
    """What the wearer sees of the world behind the HUD.

    `frame(t, size)` returns an RGB Surface of exactly `size` in the frame layout (FRAME_DEPTH
    bits, no per-pixel alpha, as `blank_frame` makes). The surface may be owned and reused by the
    source (that is what keeps a frame cheap), so callers must treat it as read-only: blit it or
    copy it, never draw on it, and do not keep it across calls expecting it to stay the same.
    """

    @property
    @abstractmethod
    def label(self) -> str:
        """A short human description, e.g. "street scene (day)" or "camera /dev/video0"."""

    @property
    def exposure_nits(self) -> float:
        """Scene luminance a mid-grey (18 %) pixel stands for; the optics model needs it.

        A camera or a photo does not say how bright the world was: 1000 nits, an overcast
        street, is assumed (README "Optics").
        """
        return 1000.0

    def start(self) -> None:  # noqa: B027  (sources without a device have nothing to open)
        """Open the underlying device; raise BackgroundError (or a subclass) with the reason."""

    def stop(self) -> None:  # noqa: B027
        """Release the underlying device; safe to call twice."""

    @abstractmethod
    def frame(self, t: float, size: Size) -> pygame.Surface:
        """The background at clock time `t` (seconds), as a read-only 32-bit RGB Surface of `size`."""

    def __enter__(self) -> BackgroundSource:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label!r}>"


def check_size(size: Size) -> Size:
    """`size` as a pair of ints, or BackgroundError saying what was given."""
    try:
        width, height = (operator.index(n) for n in size)
    except (TypeError, ValueError):
        raise BackgroundError(f"frame size must be two integers (width, height); {size!r} given") from None
    if width < 1 or height < 1:
        raise BackgroundError(f"frame size must be two positive integers; {size!r} given")
    return width, height


def blank_frame(size: Size, colour: tuple[int, int, int] = (0, 0, 0)) -> pygame.Surface:
    """A new Surface of `size` in the frame layout (32-bit, no per-pixel alpha) filled with `colour`."""
    surface = pygame.Surface(size, 0, FRAME_DEPTH)
    surface.fill(colour)
    return surface


def scale_to_cover(image: pygame.Surface, size: Size) -> pygame.Surface:
    """`image` scaled to fill `size` completely, keeping its aspect and cropping the overflow evenly,
    as a new Surface in the frame layout.

    Why crop before scaling: the crop is exact in source pixels and the scaler only touches the
    pixels that are kept.
    """
    width, height = size
    src_w, src_h = image.get_size()
    scale = max(width / src_w, height / src_h)
    crop_w = min(src_w, max(1, round(width / scale)))
    crop_h = min(src_h, max(1, round(height / scale)))
    crop = pygame.Rect((src_w - crop_w) // 2, (src_h - crop_h) // 2, crop_w, crop_h)
    source = image.subsurface(crop)
    if source.get_bitsize() not in (24, 32):
        # smoothscale only takes 24- and 32-bit surfaces. Why 24 first: SDL's 16-to-24-bit blit widens
        # colours exactly, its 16-to-32-bit one can lose a level (white becomes 255, 254, 255).
        source = _to_24(source)
    out = blank_frame(size)
    if crop.size == size:
        out.blit(source, (0, 0))
    elif _same_layout(source, out):
        pygame.transform.smoothscale(source, size, out)  # straight into the frame, no intermediate
    else:
        out.blit(pygame.transform.smoothscale(source, size), (0, 0))
    return out


def _same_layout(a: pygame.Surface, b: pygame.Surface) -> bool:
    return a.get_bitsize() == b.get_bitsize() and a.get_masks() == b.get_masks()


def _to_24(surface: pygame.Surface) -> pygame.Surface:
    out = pygame.Surface(surface.get_size(), 0, 24)
    out.blit(surface, (0, 0))
    return out


class SizeCache(Generic[T]):
    """A small least-recently-used map from frame size to whatever was prepared for that size.

    Why bounded: a resizable window asks for many sizes; keeping every one would grow without end.
    """

    def __init__(self, capacity: int = 4) -> None:
        self.capacity = capacity
        self._items: OrderedDict[Size, T] = OrderedDict()

    def get(self, size: Size) -> T | None:
        value = self._items.get(size)
        if value is not None:
            self._items.move_to_end(size)
        return value

    def put(self, size: Size, value: T) -> T:
        self._items[size] = value
        self._items.move_to_end(size)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        self._items.clear()
