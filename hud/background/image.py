"""A still photograph as the world behind the HUD.

Why Pillow rather than pygame.image: Pillow applies the EXIF orientation phones write into their
JPEGs, says why a file is unreadable, and resamples with a proper filter (a photo is scaled once
per frame size, so quality costs nothing per frame).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from hud.background.base import BackgroundError, BackgroundSource, SizeCache, blank_frame, check_size
from hud.paths import ASSETS, describe_search, find
from hud.pg import pygame

__all__ = ["IMAGE_SUFFIXES", "ImageBackground", "cover_box", "load_image"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def load_image(path: Path) -> Image.Image:
    """The image at `path`, upright and in RGB; BackgroundError naming the path if it cannot be read."""
    try:
        with Image.open(path) as opened:
            return ImageOps.exif_transpose(opened).convert("RGB")
    except FileNotFoundError:
        raise BackgroundError(f"background image {str(path)!r} not found") from None
    except UnidentifiedImageError:
        raise BackgroundError(
            f"background image {str(path)!r} could not be read: not an image format Pillow recognises"
        ) from None
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise BackgroundError(f"background image {str(path)!r} could not be read: {error}") from None


def cover_box(source: tuple[int, int], size: tuple[int, int]) -> tuple[float, float, float, float]:
    """The centred region of a `source`-sized image that, scaled to `size`, fills it exactly."""
    (src_w, src_h), (w, h) = source, size
    scale = max(w / src_w, h / src_h)
    crop_w, crop_h = w / scale, h / scale
    left, top = (src_w - crop_w) / 2, (src_h - crop_h) / 2
    return (left, top, left + crop_w, top + crop_h)


class ImageBackground(BackgroundSource):
    """A still image scaled to cover the frame (centre crop, aspect kept), prepared once per size.

    A relative `path` is looked for under the bundled assets, then the working directory.
    """

    def __init__(self, path: str | Path) -> None:
        found = find(path, ASSETS)
        if found is None:
            raise BackgroundError(f"background image: {describe_search(path, ASSETS)}")
        self.path = found
        self._image = load_image(found)
        self._frames: SizeCache[pygame.Surface] = SizeCache()

    @property
    def label(self) -> str:
        return f"image {self.path.name}"

    @property
    def image_size(self) -> tuple[int, int]:
        """The size of the upright source image in pixels."""
        return self._image.size

    @property
    def native_size(self) -> tuple[int, int]:
        return self._image.size

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        size = check_size(size)
        cached = self._frames.get(size)
        if cached is None:
            box = cover_box(self._image.size, size)
            scaled = self._image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
            cached = blank_frame(size)
            cached.blit(pygame.image.frombytes(scaled.tobytes(), size, "RGB"), (0, 0))
            self._frames.put(size, cached)
        return cached

    def picture_key(self, t: float) -> object:
        """The same picture at every `t`: `view` is made once per size and field of view."""
        return self.path
