"""The one interface every background source implements, and helpers they share.

Why: the compositor must not care whether the world behind the HUD comes from a webcam, a still
image or the built-in street scene. Modelled on pygame-ce's `camera.AbstractCamera`
(`start/stop/get_image`), with time and size passed in so rendering stays a pure function.
"""

from __future__ import annotations

import math
import operator
from abc import ABC, abstractmethod
from collections import OrderedDict
from types import TracebackType
from typing import Generic, TypeVar

from hud.pg import pygame

__all__ = [
    "DEFAULT_CAMERA_HFOV", "FRAME_DEPTH", "MAX_VIEW_RENDER", "METER_WIDTH", "NATIVE_SLACK", "BackgroundError",
    "BackgroundSource", "SizeCache", "blank_frame", "check_size", "meter_size", "scale_to_cover", "view_crop",
]

Size = tuple[int, int]
T = TypeVar("T")

#: Bits per pixel of every frame: pygame's plain 32-bit layout (`pygame.Surface(size, 0, 32)`: RGB
#: plus an unused byte, no per-pixel alpha). Why not 24: the compositor blits each frame into a
#: buffer made this way, which for a frame of the same layout is a straight copy (about 3x faster
#: than converting a 24-bit frame), and SDL's blits and smoothscale are faster on 32-bit surfaces.
FRAME_DEPTH = 32

#: The horizontal field of view a source's `frame()` pictures unless told otherwise (`--camera-fov`).
DEFAULT_CAMERA_HFOV = 70.0
#: How much larger than the view, per side, `BackgroundSource.view` renders the camera picture it
#: crops. Why a bound: the view runs every frame and a frame's cost grows with its pixels; 2x per
#: side (4x the pixels) covers views down to about half the camera's tangent (the default 50° of a
#: 70° camera needs 1.5x) without upscaling; narrower views are upscaled from a 2x render.
MAX_VIEW_RENDER = 2.0
#: How far past a source's own pixels `view_crop` may render it, so that a crop that is almost
#: exactly the view (a 1920x1080 photo seen at 50° of 70° in a 1280x720 view needs 1922x1082) is
#: copied rather than resampled every frame.
NATIVE_SLACK = 0.02
#: The width of the thumbnail of the camera's whole picture that the display's auto-brightness
#: meters when the view shows only part of it (`meter_size`; 64 x 36 for a 16:9 view).
METER_WIDTH = 64


class BackgroundError(Exception):
    """A background source could not be created or read; the message names the input and the reason."""


class BackgroundSource(ABC):
    """What the wearer sees of the world behind the HUD.

    `frame(t, size)` returns an RGB Surface of exactly `size` in the frame layout (FRAME_DEPTH
    bits, no per-pixel alpha, as `blank_frame` makes). The surface may be owned and reused by the
    source (that is what keeps a frame cheap), so callers must treat it as read-only: blit it or
    copy it, never draw on it, and do not keep it across calls expecting it to stay the same.
    """

    #: The horizontal field of view (degrees) that `frame()` pictures: the camera's. The session sets
    #: it from `--camera-fov`; `view()` crops against it.
    camera_hfov: float = DEFAULT_CAMERA_HFOV
    _view_out: SizeCache[pygame.Surface] | None = None  # view()'s output buffers, per size
    #: view()'s last result and what it was made from (see `picture_key`); a source that draws into
    #: a surface this may be sets it to None.
    _kept_view: tuple[tuple[object, ...], pygame.Surface] | None = None

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

    @property
    def native_size(self) -> Size | None:
        """The pixels the source really has (a photo's, a video's, a camera's), or None when it can
        draw at any size (the street scene). `view()` never renders a source larger than this."""
        return None

    def picture_key(self, t: float) -> object | None:
        """What names the picture `frame(t, ...)` shows (a video's frame index; a still's constant),
        so `view` keeps its last result while that, the size, both fields of view and the smoothscale
        backend stay the same; None (the default) makes the view anew every call. Why: a still image's
        view, or a 30 fps video's on a 60 fps clock, would be resampled again to the same pixels
        (9 ms a frame at 3840x2160)."""
        return None

    def view(self, t: float, size: Size, hfov: float) -> pygame.Surface:
        """The central `hfov` degrees (horizontal) of the camera picture, scaled to `size`; read-only
        and reused like `frame()`'s.

        The default crops `frame(t, larger)` for a rectilinear camera: the view covers
        tan(hfov / 2) / tan(camera_hfov / 2) of the picture's width (and the same share of its
        height: square pixels). It renders the picture large enough that the crop is `size` pixels
        and is copied, not resampled (`view_crop`), at most MAX_VIEW_RENDER times `size` per side
        and not beyond `native_size` (but for NATIVE_SLACK); past those bounds the crop is scaled
        up. At the camera's own field of view it is `frame(t, size)` itself. A source that can draw
        at `hfov` directly (the street scene) overrides this; its result must still be this centre
        crop (the compositor places the display against the view's centre), and `frame(t, size)`
        when `hfov` is the camera's.
        """
        size = check_size(size)
        if not 0 < hfov <= self.camera_hfov:
            raise BackgroundError(f"a view of {hfov:g}° cannot be cut from a {self.camera_hfov:g}° camera picture: "
                                  f"the view's field of view must be above 0 and at most the camera's")
        name = self.picture_key(t)
        key = None if name is None else (name, size, float(hfov), self.camera_hfov,
                                         pygame.transform.get_smoothscale_backend())
        kept = self._kept_view
        if key is not None and kept is not None and kept[0] == key:
            return kept[1]
        self._kept_view = None  # (a refusal below leaves nothing kept)
        out = self._view(t, size, hfov)
        if key is not None:
            self._kept_view = (key, out)
        return out

    def _view(self, t: float, size: Size, hfov: float) -> pygame.Surface:
        render, crop = view_crop(size, hfov, self.camera_hfov, self.native_size)
        if crop.size == size and render == size:
            return self.frame(t, size)
        picture = self.frame(t, render).subsurface(crop)
        buffers = self._view_buffers()
        out = buffers.get(size)
        if out is None:
            out = buffers.put(size, blank_frame(size))
        if crop.size == size:
            out.blit(picture, (0, 0))
        elif _same_layout(picture, out):
            pygame.transform.smoothscale(picture, size, out)
        else:
            out.blit(pygame.transform.smoothscale(_to_24(picture), size), (0, 0))
        return out

    def _view_buffers(self) -> SizeCache[pygame.Surface]:
        if self._view_out is None:  # made on first use: sources need not call a base __init__
            self._view_out = SizeCache()
        return self._view_out

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


def meter_size(view: Size) -> Size:
    """The light meter's thumbnail for a view of `view` pixels: METER_WIDTH wide, the view's aspect."""
    return METER_WIDTH, max(1, round(METER_WIDTH * view[1] / view[0]))


def view_crop(size: Size, hfov: float, camera_hfov: float, native: Size | None = None,
              max_render: float = MAX_VIEW_RENDER) -> tuple[Size, pygame.Rect]:
    """Where `BackgroundSource.view` cuts a `size` view of `hfov` degrees from a `camera_hfov` picture:
    the size to render the picture at, and the centred rectangle to take from it.

    The share of the picture's width the view covers is k = tan(hfov / 2) / tan(camera_hfov / 2)
    (a rectilinear camera; pixels are square, so the height's share is the same). Ideally the
    picture is rendered at `size / k`, so the crop is exactly `size` and copied untouched; that
    render is bounded by `max_render` x `size` (cost) and by `native` (a source's own pixels, give or
    take NATIVE_SLACK: more would only be upscaled twice), and never below `size`. Sizes are rounded so the crop sits
    exactly in the middle (the picture and the crop differ by an even number of pixels), which
    moves the view's edge by under half a picture pixel.
    """
    w, h = size
    k = math.tan(math.radians(hfov) / 2) / math.tan(math.radians(camera_hfov) / 2)
    scale = min(1 / k, max_render)
    if native is not None:  # 2 % over the source's pixels is not visibly softer, and spares a resample per frame
        scale = min(scale, max(1.0, min(native[0] / w, native[1] / h) * (1 + NATIVE_SLACK)))
    if scale * k >= 1 - 1e-9:  # the crop is `size` pixels: render at size / k
        render = (w + 2 * round((w / k - w) / 2), h + 2 * round((h / k - h) / 2))
        crop = (w, h)
    else:  # bounded: render what the bounds allow and scale the crop up
        render = (max(w, round(w * scale)), max(h, round(h * scale)))
        crop = tuple(max(1, n - 2 * round((n - n * k) / 2)) for n in render)  # type: ignore[assignment]
    return render, pygame.Rect((render[0] - crop[0]) // 2, (render[1] - crop[1]) // 2, crop[0], crop[1])


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
