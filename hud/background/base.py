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

__all__ = ["BackgroundError", "BackgroundSource", "SizeCache", "blank_frame", "check_size", "scale_to_cover"]

Size = tuple[int, int]
T = TypeVar("T")


class BackgroundError(Exception):
    """A background source could not be created or read; the message names the input and the reason."""


class BackgroundSource(ABC):
    """What the wearer sees of the world behind the HUD.

    `frame(t, size)` returns a 24-bit RGB Surface of exactly `size`. The surface may be owned and
    reused by the source (that is what keeps a frame cheap), so callers must treat it as read-only:
    blit it or copy it, never draw on it, and do not keep it across calls expecting it to stay
    the same.
    """

    @property
    @abstractmethod
    def label(self) -> str:
        """A short human description, e.g. "street scene (day)" or "camera /dev/video0"."""

    def start(self) -> None:  # noqa: B027  (sources without a device have nothing to open)
        """Open the underlying device; raise BackgroundError (or a subclass) with the reason."""

    def stop(self) -> None:  # noqa: B027
        """Release the underlying device; safe to call twice."""

    @abstractmethod
    def frame(self, t: float, size: Size) -> pygame.Surface:
        """The background at clock time `t` (seconds), as a read-only 24-bit Surface of `size`."""

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
    """A new 24-bit Surface of `size` filled with `colour`; every source produces this format."""
    surface = pygame.Surface(size, 0, 24)
    surface.fill(colour)
    return surface


def scale_to_cover(image: pygame.Surface, size: Size) -> pygame.Surface:
    """`image` scaled to fill `size` completely, keeping its aspect and cropping the overflow evenly.

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
        source = _to_24(source)  # smoothscale only takes 24- and 32-bit surfaces
    scaled = pygame.transform.smoothscale(source, size) if crop.size != size else source
    out = pygame.Surface(size, 0, 24)
    out.blit(scaled, (0, 0))
    return out


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
