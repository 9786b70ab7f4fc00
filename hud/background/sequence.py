"""A folder of numbered still frames (PNG/JPEG) played as a looping video.

Why: exported frames (from a renderer, a game capture, `ffmpeg -i walk.mp4 frames/%04d.png`) need
no video decoder, and each frame is exact. Like the video source, the frame at clock time `t`
depends only on `t`: frame `floor(t * fps) mod count`, in name order. Frames are decoded on
demand and a few scaled ones are kept, so a long sequence costs no more memory than a short one.

Spec: a folder path (`frames/`) plays at 30 frames/s; `frames/@24` plays the same folder at 24.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from hud.background.base import BackgroundError, BackgroundSource, blank_frame, check_size
from hud.background.image import IMAGE_SUFFIXES, cover_box, load_image
from hud.paths import ASSETS, candidates
from hud.pg import pygame

__all__ = ["DEFAULT_FPS", "SequenceBackground", "find_folder", "frame_files", "parse_sequence_spec"]

DEFAULT_FPS = 30.0
_EPSILON = 1e-6  # see video._EPSILON: i / fps * fps may come out a hair under i
_FPS_SUFFIX = re.compile(r"^(?P<folder>.*?)[/\\]@(?P<fps>[0-9]+(?:\.[0-9]+)?)$")


def find_folder(name: str | Path) -> Path | None:
    """The folder `name` means: under the bundled assets, then the working directory (as images)."""
    return next((path for path in candidates(name, ASSETS) if path.is_dir()), None)


def parse_sequence_spec(spec: str) -> tuple[Path, float] | None:
    """`frames/` -> (frames, 30.0) if that folder exists; `frames/@24` -> (frames, 24.0) always
    (so a missing folder is reported as one); None for anything else."""
    text = spec.strip()
    match = _FPS_SUFFIX.match(text)
    if match:
        return Path(match["folder"] or "."), float(match["fps"])
    return (Path(text), DEFAULT_FPS) if text and find_folder(text) is not None else None


def _natural_key(path: Path) -> tuple[list[int | str], str]:
    """Name order with digit runs compared as numbers, so frame2 comes before frame10 (and the
    plain name breaking ties such as 01 and 1, so the order never depends on the file system)."""
    parts = re.split(r"([0-9]+)", path.name.lower())  # text, digits, text, ...: types line up
    return [int(part) if i % 2 else part for i, part in enumerate(parts)], path.name


def frame_files(folder: Path) -> list[Path]:
    """The PNG/JPEG files directly in `folder`, in name order; BackgroundError if there are none,
    or if any of them is not an image (all such files named at once)."""
    if not folder.is_dir():
        tried = ", ".join(str(p) for p in candidates(folder, ASSETS))
        raise BackgroundError(f"frame folder {str(folder)!r} not found (searched: {tried})")
    files = sorted((p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()),
                   key=_natural_key)
    if not files:
        raise BackgroundError(f"frame folder {str(folder)!r} has no PNG or JPEG files")
    bad = []
    for path in files:  # headers only: a few tens of microseconds a file
        try:
            with Image.open(path):
                pass
        except (UnidentifiedImageError, OSError, ValueError) as error:
            bad.append(f"{path.name} ({'not an image' if isinstance(error, UnidentifiedImageError) else error})")
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise BackgroundError(f"frame folder {str(folder)!r}: cannot read {shown}")
    return files


class SequenceBackground(BackgroundSource):
    """The images in `folder`, in name order, at `fps` frames per second, looping; each scaled to
    cover the frame the way a still image is. A relative `folder` is looked for under the bundled
    assets, then the working directory."""

    def __init__(self, folder: str | Path, fps: float = DEFAULT_FPS, *, cache: int = 8) -> None:
        if not (isinstance(fps, int | float) and math.isfinite(fps) and fps > 0):
            raise BackgroundError(f"frame rate of {str(folder)!r} must be a positive number; {fps!r} given")
        self.folder = find_folder(folder) or Path(folder)
        self.fps = float(fps)
        self.files = frame_files(self.folder)
        self._capacity = max(1, cache)
        self._frames: OrderedDict[tuple[int, tuple[int, int]], pygame.Surface] = OrderedDict()

    @property
    def label(self) -> str:
        return f"frames {self.folder.name or self.folder.resolve().name}/ ({len(self.files)} at {self.fps:g} fps)"

    @property
    def frame_count(self) -> int:
        return len(self.files)

    @property
    def duration(self) -> float:
        """Seconds until the sequence loops."""
        return len(self.files) / self.fps

    def index_at(self, t: float) -> int:
        """The frame shown at clock time `t`: floor(t * fps), looping over the files."""
        return math.floor(t * self.fps + _EPSILON) % len(self.files)

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        size = check_size(size)
        key = (self.index_at(t), size)
        cached = self._frames.get(key)
        if cached is not None:
            self._frames.move_to_end(key)
            return cached
        image = load_image(self.files[key[0]])
        scaled = image if image.size == size else image.resize(
            size, Image.Resampling.LANCZOS, box=cover_box(image.size, size), reducing_gap=3.0)
        cached = blank_frame(size)
        cached.blit(pygame.image.frombytes(scaled.tobytes(), size, "RGB"), (0, 0))
        self._frames[key] = cached
        while len(self._frames) > self._capacity:
            self._frames.popitem(last=False)
        return cached

    def stop(self) -> None:
        self._frames.clear()
