"""A video file (MP4, MOV, MKV, AVI) as the world behind the HUD, looping, through PyAV.

Why a pure function of `t`: headless screenshots over a video must not depend on how the clock got
there. The frame shown at `t` is frame `floor(t * fps) mod frame_count`; moving forward decodes
on, jumping seeks to the keyframe before and decodes forward, and both paths pick the same frame
by its timestamp, so the pixels are the same either way (and, with swscale's BITEXACT flag, on
every machine with the same PyAV).

Why PyAV and why lazily imported: it is an optional extra (`pip install -e '.[video]'`), so the
core install stays small, and only a video source (or an MP4 recording) pays for importing it.
"""

from __future__ import annotations

import math
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn, cast

import numpy as np

from hud.background.base import BackgroundError, BackgroundSource, SizeCache, blank_frame, check_size
from hud.paths import ASSETS, describe_search, find
from hud.pg import pygame

__all__ = ["INSTALL_VIDEO", "VIDEO_SUFFIXES", "VideoBackground", "VideoSupportMissing", "require_av"]

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv")
INSTALL_VIDEO = "pip install -e '.[video]'"

#: How far ahead (in seconds of video) decoding on beats seeking. A seek lands on the keyframe
#: before the target and decodes forward from there, which for a typical 1-2 s keyframe interval
#: costs about as much as decoding a second of frames.
FORWARD_SECONDS = 1.0

#: Frames decoded when a video is opened to check that their timestamps rise. Why: AVI stores no
#: presentation times, so with B-frames FFmpeg hands out decoding-order numbers (1, 4, 3, 5, 2, ...);
#: such a video (and any AVI) is indexed by counting frames from the keyframe a seek lands on.
_PROBE_FRAMES = 16

#: swscale's slice threads per conversion. Why: the conversion with scaling (1280x720 to the view's
#: 1306x734 render) is a third of a video frame's cost and halves on two cores, with the same bytes as
#: one thread (checked over 300 frames at 7 sizes, for 2 and 3 threads).
SCALE_THREADS = 2
#: ... on the worker that draws the next picture ahead (see `VideoBackground`). Why 3 on a 2-core
#: machine: it runs while the frame loop holds one core, and finer slices fill the gaps (a whole
#: new-video frame 7.2-7.5 ms median against 7.9-8.0 with 2 threads); on the caller's thread, where
#: nothing else runs, 3 cost 0.5 ms more than 2.
AHEAD_SCALE_THREADS = 3

#: The largest step from one picture to the next that counts as playing on (see `VideoBackground`):
#: 2 covers a clock at half the video's frame rate. Why a bound: a `shot` at 0.5 s is a step of 15
#: frames from the first, and decoding the picture 15 frames further on would only delay its exit.
AHEAD_STEPS = 2

#: Tolerance when turning a clock time into a frame index: `i / fps * fps` can come out a hair
#: under `i` in floating point, which would show the previous frame.
_EPSILON = 1e-6


class VideoSupportMissing(BackgroundError):
    """PyAV (the `video` extra) is not installed; the message gives the command that adds it."""


def require_av(purpose: str = "video backgrounds") -> ModuleType:
    """The `av` module, or VideoSupportMissing saying how to install it."""
    try:
        import av
    except ImportError:
        raise VideoSupportMissing(
            f"{purpose} need PyAV, which is not installed; add it with: {INSTALL_VIDEO}"
        ) from None
    return av


def _ffmpeg_reason(error: BaseException) -> str:
    """FFmpeg's own words without the errno and path PyAV adds (the caller names the path)."""
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return " ".join(str(text).split()).rstrip(".")


Size = tuple[int, int]


@dataclass(frozen=True)
class _Ahead:
    """A picture decoded ahead on the worker thread: the indices it stands for, and the frames it
    drew of it, one for each size the picture before was asked for."""

    decoded: Any
    first: int
    last: int
    frames: dict[Size, pygame.Surface]


class VideoBackground(BackgroundSource):
    """A video file, looping, scaled to cover the frame; the frame at `t` depends only on `t`.

    A relative `path` is looked for under the bundled assets, then the working directory. The file
    is opened and its first frame decoded here, so a bad file fails at once with the reason.

    `ahead`: while the video plays on (each picture follows the last by a step or two), the next
    picture is decoded and converted on a worker thread while the caller draws this one. Why: the
    decoder and the conversion are half of a frame over a video, and the rest of the frame (the HUD,
    optics, the composite) runs on one core, leaving the other idle. The worker draws into a spare
    frame per size, which swaps with the one shown (so a frame stays valid until the next call, as
    the contract says, and is not copied). The pixels are the same: the worker runs the same
    decoding and conversion, and a jump discards its picture.
    """

    def __init__(self, path: str | Path, ahead: bool = True) -> None:
        self._av = require_av()
        flags = self._av.video.reformatter.Interpolation
        self._interpolation = flags.AREA | flags.BITEXACT
        found = find(path, ASSETS)
        if found is None:
            raise BackgroundError(f"cannot open video {str(path)!r}: {describe_search(path, ASSETS)}")
        self.path = found
        self._container: Any = None
        self._stream: Any = None
        self._frames: Any = None  # the decoder's frame iterator, positioned after `_last`
        self._last: int | None = None  # index of the frame the decoder produced last
        self._span: tuple[int, int] | None = None  # the indices that `_decoded` stands for
        self._decoded: Any = None  # the current picture, as the decoder gave it (YUV)
        self._frames_by_size: SizeCache[tuple[int, pygame.Surface]] = SizeCache()  # (span end, frame)
        #: One swscale context per frame size, kept between frames. Why: a context made for each
        #: decoded frame (what `VideoFrame.to_ndarray` does) builds its filters again, 0.3 ms a frame.
        self._scalers: SizeCache[Any] = SizeCache()
        self.ahead = ahead
        self.adopted = 0  # pictures decoded ahead and shown (the rest were decoded when asked for)
        self._worker: ThreadPoolExecutor | None = None
        #: The worker's job; while it runs, the worker owns the decoder (container, `_frames`, `_last`).
        self._pending: Future[_Ahead] | None = None
        self._ahead_scalers: SizeCache[Any] = SizeCache()  # the worker's own: a context is single-threaded
        #: A second frame per size, which the worker draws the next picture into while the caller
        #: reads the first; they swap when it is shown. Handed to the worker, a spare leaves this.
        self._spare: dict[Size, pygame.Surface] = {}
        self._asked: dict[Size, None] = {}  # sizes the current picture was asked for
        self._wanted: dict[Size, None] = {}  # ... and the picture before it: what the worker draws
        self._open()
        try:
            self._probe()
        except BaseException:
            self.stop()
            raise

    def _probe(self) -> None:
        """Frame rate, frame count, size and the first frame: what every later frame is measured by."""
        stream = self._stream
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        if not rate or rate <= 0:
            self._fail("the video stream has no frame rate")
        self.fps = Fraction(rate)
        self._time_base = Fraction(stream.time_base)
        self._origin = 0
        first = self._decode_next()
        if first is None:
            self._fail("the video stream has no frames")
        self._origin = first.pts if first.pts is not None else 0
        self.size: tuple[int, int] = (first.width, first.height)
        self.frame_count: int = stream.frames or self._count_packets()
        stamps = [first.pts]
        while len(stamps) < _PROBE_FRAMES and (decoded := self._decode_next()) is not None:
            stamps.append(decoded.pts)
        self._counting = self._container.format.name == "avi" or not all(
            a is not None and b is not None and a < b for a, b in pairwise(stamps))
        self._seek(0)
        self._store(first, 0, 0)

    # -- the BackgroundSource contract -------------------------------------------------------
    @property
    def label(self) -> str:
        return f"video {self.path.name}"

    @property
    def duration(self) -> float:
        """Seconds until the video loops."""
        return float(self.frame_count / self.fps)

    def start(self) -> None:
        if self._container is None:
            self._open()

    def stop(self) -> None:
        self._join()  # the worker may be decoding: it finishes before the file closes
        if self._worker is not None:
            self._worker.shutdown(wait=True)
            self._worker = None
        if self._container is not None:
            self._container.close()
        self._container = self._stream = self._frames = None
        self._last = None

    @property
    def native_size(self) -> tuple[int, int]:
        return self.size

    def index_at(self, t: float) -> int:
        """The frame shown at clock time `t`: floor(t * fps), looping over the video."""
        return math.floor(t * self.fps + _EPSILON) % self.frame_count

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        size = check_size(size)
        key = self._picture(self.index_at(t))
        cached = self._frames_by_size.get(size)
        self._asked[size] = None
        if cached is not None and cached[0] == key:
            return cached[1]
        out = cached[1] if cached is not None else blank_frame(size)
        _cover(self._decoded, out, self._interpolation, _scaler(self._scalers, size, self._av))
        self._frames_by_size.put(size, (key, out))
        self._kept_view = None  # `out` may be the kept view itself (at the camera's field of view)
        return out

    def picture_key(self, t: float) -> object:
        """The picture's last index: on a 60 fps clock a 30 fps video shows each picture twice, and
        `view` keeps its result for the second (scaling the view again costs 1.2 ms at 1280x720)."""
        return self._picture(self.index_at(t))

    # -- decoding ----------------------------------------------------------------------------
    def _fail(self, reason: str) -> NoReturn:
        raise BackgroundError(f"cannot open video {str(self.path)!r}: {reason}")

    def _open(self) -> None:
        av = self._av
        try:
            self._container = av.open(str(self.path))
        except (av.FFmpegError, OSError) as error:
            self._fail(_ffmpeg_reason(error))
        if not self._container.streams.video:
            self._container.close()
            self._container = None
            self._fail("it has no video stream")
        self._stream = self._container.streams.video[0]
        self._frames = None
        self._last = None

    def _count_packets(self) -> int:
        """The number of frames when the container does not say (MKV): count packets, decode nothing."""
        with self._av.open(str(self.path)) as probe:
            stream = probe.streams.video[0]
            count = sum(1 for packet in probe.demux(stream) if packet.size)
        if count < 1:
            self._fail("the video stream has no frames")
        return count

    def _index_of(self, frame: Any) -> int:
        """A frame's index from its timestamp; when timestamps cannot be trusted, the first frame
        after a seek (a keyframe, whose timestamp is right) by its timestamp and the rest by counting."""
        if self._last is not None and (self._counting or frame.pts is None):
            return self._last + 1
        return 0 if frame.pts is None else round((frame.pts - self._origin) * self._time_base * self.fps)

    def _decode_next(self) -> Any:
        """The next decoded frame, or None at the end of the stream."""
        if self._container is None:
            self._open()
        if self._frames is None:
            self._frames = self._container.decode(self._stream)
        try:
            return next(self._frames)
        except StopIteration:
            return None
        except (self._av.FFmpegError, OSError) as error:
            raise BackgroundError(f"cannot read video {str(self.path)!r}: {_ffmpeg_reason(error)}") from None

    def _seek(self, index: int) -> None:
        """Put the decoder on the keyframe at or before `index`."""
        if self._container is None:
            self._open()
        target = self._origin + math.floor(index / self.fps / self._time_base)
        try:
            self._container.seek(target, stream=self._stream, backward=True, any_frame=False)
        except (self._av.FFmpegError, OSError) as error:
            raise BackgroundError(f"cannot seek in video {str(self.path)!r}: {_ffmpeg_reason(error)}") from None
        self._frames = None
        self._last = None

    def _picture(self, index: int) -> int:
        """Decode the first frame whose index is `index` or later (the stream's last one past its
        end) into `_decoded`; returns the last index it stands for, which identifies it.

        Which frame that is depends only on the stream, not on where the decoder was, so decoding
        on and seeking give the same picture.
        """
        if self._span is not None and self._span[0] <= index <= self._span[1]:
            return self._span[1]
        step = None if self._span is None else (index - self._span[1]) % self.frame_count
        ahead = self._join()
        if ahead is not None and ahead.first <= index <= ahead.last:
            self.adopted += 1
            last = self._store(ahead.decoded, ahead.first, ahead.last)
            for size, drawn in ahead.frames.items():  # shown now; the frames they replace are spares
                shown = self._frames_by_size.get(size)
                if shown is not None:
                    self._spare[size] = shown[1]
                self._frames_by_size.put(size, (last, drawn))
        else:
            if ahead is not None:
                self._spare.update(ahead.frames)
            last = self._store(*self._find(index))
        if self.ahead and step is not None and 0 < step <= AHEAD_STEPS:  # playing on: the next one is due soon
            self._launch((last + step) % self.frame_count)
        return last

    def _find(self, index: int) -> tuple[Any, int, int]:
        """The first decoded frame whose index is `index` or later and the indices it stands for;
        moves the decoder (the worker's job while one is pending)."""
        last = self._last
        if last is None or not last < index <= last + max(1, round(FORWARD_SECONDS * self.fps)):
            self._seek(index)
        for restart in (False, True):
            previous, held = self._last, None
            while (decoded := self._decode_next()) is not None:
                found = self._last = self._index_of(decoded)
                if found >= index:
                    if previous is None and found > index and not restart:
                        break  # the seek landed after the frame we want (some demuxers do)
                    return decoded, index if previous is None else previous + 1, found
                previous, held = found, decoded
            else:  # the end of the stream: the container over-counted its frames, so hold the last one
                if held is not None and previous is not None:  # previous is held's index
                    return held, previous, max(index, self.frame_count - 1)
            self._seek(0)
        raise BackgroundError(f"cannot read video {str(self.path)!r}: no frame at index {index}")

    def _store(self, decoded: Any, first: int, last: int) -> int:
        """`decoded` is now the picture for indices first..last (converted when a frame asks)."""
        self._decoded = decoded
        self._span = (min(first, last), last)
        if self._asked:
            self._wanted, self._asked = self._asked, {}
        return last

    # -- ahead: the next picture on a worker thread -----------------------------------------
    def _launch(self, index: int) -> None:
        """Start decoding picture `index` and drawing it, into spare frames, at the sizes the last
        one was asked for."""
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hud-video")
        targets = {size: self._spare.pop(size) if size in self._spare else blank_frame(size) for size in self._wanted}
        if self._kept_view is not None and any(self._kept_view[1] is target for target in targets.values()):
            self._kept_view = None  # the kept view is a spare frame (at the camera's field of view)
        self._pending = self._worker.submit(self._decode_ahead, index, targets)

    def _decode_ahead(self, index: int, targets: dict[Size, pygame.Surface]) -> _Ahead:
        """The worker's job (it alone touches the decoder, `_ahead_scalers` and `targets` meanwhile)."""
        decoded, first, last = self._find(index)
        for size, target in targets.items():
            _cover(decoded, target, self._interpolation, _scaler(self._ahead_scalers, size, self._av),
                   AHEAD_SCALE_THREADS)
        return _Ahead(decoded, first, last, targets)

    def _join(self) -> _Ahead | None:
        """Wait for the worker's picture; None when there is none or it failed (the caller then
        decodes on this thread, which raises the error with its reason)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return None
        if pending.exception() is None:  # not re-raised here: its traceback would hold this frame
            return pending.result()
        self._frames = None  # wherever the decoder stopped, the next picture seeks
        self._last = None
        return None  # decoded again on this thread, where the error is raised and seen


#: The swscale pixel format whose bytes match a 32-bit frame surface, by its (R, G, B) masks
#: (as the bytes lie in memory on a little-endian machine; others take the 24-bit path).
_FORMATS = {(0xFF0000, 0xFF00, 0xFF): "bgra", (0xFF, 0xFF00, 0xFF0000): "rgba"} if sys.byteorder == "little" else {}


def _scaler(scalers: SizeCache[Any], size: Size, av: ModuleType) -> Any:
    """The swscale context kept for frames of `size` (made on first use)."""
    scaler = scalers.get(size)
    if scaler is None:
        scaler = scalers.put(size, av.video.reformatter.VideoReformatter())
    return scaler


def _cover_box(decoded: Any, size: Size) -> tuple[Size, tuple[int, int]]:
    """The size a decoded frame is scaled to so that it covers `size` (aspect kept), and the corner
    of the centred `size` crop in it."""
    width, height = size
    scale = max(width / decoded.width, height / decoded.height)
    cover = (max(width, round(decoded.width * scale)), max(height, round(decoded.height * scale)))
    return cover, ((cover[0] - width) // 2, (cover[1] - height) // 2)


def _cover(decoded: Any, out: pygame.Surface, interpolation: Any, scaler: Any, threads: int = SCALE_THREADS) -> None:
    """Draw a decoded frame into `out`, scaled to cover it (aspect kept, overflow cropped evenly).

    Why swscale does the scaling, in the same pass as the YUV-to-RGB conversion: one pass over the
    pixels instead of three (1920x1080 into 1280x720 costs about 3.5 ms, against 0.5 ms to convert
    and 10 ms for pygame's portable smoothscale). Why BITEXACT: swscale's SIMD code rounds
    differently per CPU; with this flag the pixels are the same on every machine for one FFmpeg.
    Why straight into the pixel buffer in the surface's own byte order, cropping the converted array
    rather than a surface: the conversion is then the only pass over the pixels (0.3 ms for 1280x720;
    a 24-bit array, wrapped and blitted, costs about twice as much, and a cover-sized surface
    allocated, filled and blitted from cost 0.9 ms a frame).
    """
    width, height = out.get_size()
    cover, (left, top) = _cover_box(decoded, (width, height))
    layout = _FORMATS.get(out.get_masks()[:3])
    if layout is not None:
        _write(_scaled(decoded, scaler, layout, cover, interpolation, threads), (left, top), out)
        return
    rgb = _scaled(decoded, scaler, "rgb24", cover, interpolation, threads)
    out.blit(pygame.image.frombuffer(rgb.tobytes(), cover, "RGB"), (0, 0), pygame.Rect(left, top, width, height))


def _scaled(decoded: Any, scaler: Any, layout: str, cover: Size, interpolation: Any, threads: int) -> np.ndarray:
    """`decoded` converted to `layout` at `cover` by `scaler` (a `VideoReformatter`, with `threads` slice
    threads); rows may be padded."""
    options = {"width": cover[0], "height": cover[1], "interpolation": interpolation, "threads": threads}
    pixels: np.ndarray = scaler.reformat(decoded, format=layout, **options).to_ndarray()
    return pixels


def _write(pixels: np.ndarray, at: tuple[int, int], out: pygame.Surface) -> None:
    """The `out`-sized part of `pixels` (4 bytes a pixel, in `out`'s order) from `at`, into `out`."""
    width, height = out.get_size()
    left, top = at
    pixels = pixels[top:top + height, left:left + width]
    if pixels.flags.c_contiguous and out.get_pitch() == width * 4:
        out.get_buffer().write(cast(Any, pixels))
    else:
        rows = np.frombuffer(cast(Any, out.get_buffer()), np.uint8).reshape(height, out.get_pitch())
        np.copyto(rows[:, :width * 4].reshape(height, width, 4), pixels)
