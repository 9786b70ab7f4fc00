"""`record`: a session rendered headlessly on its virtual clock into an animated GIF, APNG or MP4.

Why the virtual clock: frame i is the composite at exactly t = i / fps however long it takes to
render, so a recording is as deterministic as a screenshot (GIF and APNG byte for byte; MP4 up to
the encoder). Why three formats: GIF plays everywhere (issue trackers, chat) but has 256 colours
and 1/100 s delays; APNG is lossless; MP4 is small and long but needs the `video` extra (PyAV).

Memory: MP4 frames are streamed to the encoder one by one. Pillow has no incremental writer for
GIF or APNG: it keeps every frame until the file is written (to merge identical frames and store
differences), as 1 byte a pixel for GIF and, for APNG, 6 (it walks the frames twice, so they are
passed as a list, and copies each). Both are capped at MAX_ANIMATION_BYTES: at 1280x720 that is
1165 GIF frames (38 s at 30 fps) or 194 APNG frames (6.4 s); record MP4, a smaller size or a lower
fps beyond that.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from PIL import Image

from hud.background.video import require_av
from hud.output import to_image
from hud.pg import pygame
from hud.session import Session

__all__ = ["FORMATS", "MAX_ANIMATION_BYTES", "MAX_GIF_FPS", "frame_count", "record", "text_progress"]

#: Output suffix -> what it is.
FORMATS = {".gif": "animated GIF", ".png": "animated PNG", ".mp4": "H.264 video"}

#: Frame data held in memory for one GIF or APNG (see the module's docstring).
MAX_ANIMATION_BYTES = 1024 * 1024 * 1024
_BYTES_PER_PIXEL = {".gif": 1, ".png": 6}

#: GIF delays are whole hundredths of a second and browsers slow any delay under 2/100 s down to
#: 1/10 s, so a GIF faster than 50 frames/s would play slower, not faster.
MAX_GIF_FPS = 50.0

Progress = Callable[[int, int], None]


def frame_count(seconds: float, fps: float) -> int:
    """Frames in a recording of `seconds` at `fps`: t = 0, 1/fps, ... up to but not including `seconds`."""
    return max(1, math.ceil(seconds * fps - 1e-6))


def record(session: Session, seconds: float, fps: float, out: Path, progress: Progress | None = None,
           start: float = 0.0) -> Path:
    """Render `seconds` of `session` at `fps` into `out` (.gif, .png or .mp4, by its suffix).

    Frame i is the composite view at t = start + i / fps (the session is seeked there, so the
    scenario replays from its start). `progress(done, total)` is called after each frame. Returns `out`.
    ValueError for an unknown suffix or settings the format cannot hold; VideoSupportMissing
    (a BackgroundError) for MP4 without PyAV.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot record {out.name!r}: unknown format {out.suffix or '(no suffix)'!r}; "
                         f"supported: {', '.join(f'{s} ({what})' for s, what in FORMATS.items())}")
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"recording length must be a positive number of seconds; {seconds!r} given")
    if not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"frame rate must be a positive number; {fps!r} given")
    total = frame_count(seconds, fps)
    width, height = session.view
    if suffix == ".mp4":
        writer = _check_mp4(session.view, fps)
    else:
        if suffix == ".gif" and fps > MAX_GIF_FPS:
            raise ValueError(f"a GIF cannot play {fps:g} frames/s (delays are in 1/100 s and browsers slow "
                             f"anything under 2/100 s down); use at most {MAX_GIF_FPS:g}, or .png or .mp4")
        per_pixel = _BYTES_PER_PIXEL[suffix]
        needed = total * width * height * per_pixel
        if needed > MAX_ANIMATION_BYTES:
            limit = MAX_ANIMATION_BYTES // (width * height * per_pixel)
            raise ValueError(f"{total} frames of {width}x{height} is too long for {FORMATS[suffix]} "
                             f"({needed / 2**20:.0f} MiB held in memory, at most {MAX_ANIMATION_BYTES // 2**20} MiB: "
                             f"{limit} frames at this size); record .mp4, a smaller size or a lower fps")
    out.parent.mkdir(parents=True, exist_ok=True)
    frames = _frames(session, total, fps, progress, start)
    try:
        if suffix == ".mp4":
            writer(frames, out)
        else:
            _write_animation(frames, total, fps, out, gif=suffix == ".gif")
    except BaseException:  # Ctrl+C or a failure half-way: no truncated file that looks like a recording
        out.unlink(missing_ok=True)
        raise
    return out


def _frames(session: Session, total: int, fps: float, progress: Progress | None,
            start: float = 0.0) -> Iterator[pygame.Surface]:
    """The composite at each frame's time, one at a time (each surface is reused by the next)."""
    for i in range(total):
        session.seek(start + i / fps)
        yield session.render_composite()
        if progress is not None:
            progress(i + 1, total)


def _durations(total: int, fps: float, unit_ms: int) -> list[int]:
    """Per-frame delays in whole `unit_ms`, rounded so that their running sum tracks i / fps exactly
    (30 frames/s as a GIF is 30, 40, 30, 30, 40, ... ms rather than 30 ms a frame, 10 % fast)."""
    edges = [round(i * 1000 / fps / unit_ms) * unit_ms for i in range(total + 1)]
    return [max(unit_ms, b - a) for a, b in pairwise(edges)]


def _write_animation(frames: Iterator[pygame.Surface], total: int, fps: float, out: Path, gif: bool) -> None:
    """GIF: each frame quantised to its own 256-colour palette by median cut without dithering (a
    fixed method: the same frames give the same file; no dither: no noise crawling between frames).
    APNG: lossless RGB. Identical consecutive frames are merged by Pillow, their delays added."""

    def images() -> Iterator[Image.Image]:
        for surface in frames:
            image = to_image(surface)
            yield image.quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE) if gif else image

    durations = _durations(total, fps, 10 if gif else 1)
    if gif:  # Pillow's GIF writer walks the frames once: they can stream in as they are rendered
        sequence = images()
        first = next(sequence)
        first.save(out, format="GIF", save_all=True, append_images=sequence, duration=durations, loop=0,
                   optimize=False)
    else:  # its APNG writer walks them twice (modes and sizes first): it needs them all
        first, *rest = images()
        first.save(out, format="PNG", save_all=True, append_images=rest, duration=durations, loop=0,
                   default_image=False, compress_level=6)


def _check_mp4(view: tuple[int, int], fps: float) -> Callable[[Iterator[pygame.Surface], Path], None]:
    """The MP4 writer, once its requirements are known to hold (before any frame is rendered)."""
    av = require_av("MP4 recordings")
    width, height = view
    if width % 2 or height % 2:
        raise ValueError(f"MP4 (H.264, yuv420p) needs an even width and height; {width}x{height} given")
    rate = Fraction(fps).limit_denominator(1001)

    def write(frames: Iterator[pygame.Surface], out: Path) -> None:
        """H.264 in yuv420p (what every player decodes), CRF 18: visually lossless for UI over video."""
        with av.open(str(out), "w", options={"movflags": "+faststart"}) as container:
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.options = {"crf": "18", "preset": "medium"}
            for i, surface in enumerate(frames):
                rgb = np.frombuffer(pygame.image.tobytes(surface, "RGB"), np.uint8).reshape(height, width, 3)
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                frame.pts = i
                frame.time_base = 1 / rate
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))

    return write


def text_progress(stream: TextIO, label: str = "recording") -> Progress:
    """A progress bar on `stream` through tqdm when it is a terminal, and nothing when it is a log file
    or a pipe (tqdm's `disable=None`): a per-frame `\\r` line is noise in a CI log, and the command's
    final "wrote ..." line already says what was made."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the bar is short-lived and updated from one loop
    bars: list[tqdm[Any]] = []

    def show(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc=label, unit="frame", file=stream, disable=None, leave=True,
                             mininterval=0.1))
        bars[0].update(done - bars[0].n)
        if done >= total:
            bars[0].close()

    return show
