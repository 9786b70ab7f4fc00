"""A live webcam as the world behind the HUD, through `pygame.camera`, read in a background thread.

Why a thread: a webcam delivers images at its own pace (15 to 30 a second, or none for seconds
while it is unplugged) and `get_image()` blocks until one is ready; read on the frame loop, it
would tie the HUD's frame rate to the camera's. The capture thread keeps the latest image, and
`frame()` only scales it (once per captured image) and returns it, never touching the device.

Why lazy: `pygame.camera.init()` probes platform backends, which is slow and fails on machines
without one; only a camera source should pay for that, and only when it starts. The camera
module can be passed in, so tests (and machines without a webcam) use a fake one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from hud import paths
from hud.background.base import METER_WIDTH, BackgroundError, BackgroundSource, blank_frame, check_size, scale_to_cover
from hud.pg import pygame
from hud.text import FontSet, TextRenderer

__all__ = [
    "MARKER_TEXT", "STATUSES", "CameraBackground", "CameraModule", "CameraTiming", "CameraUnavailable",
    "marker_band", "pygame_camera_module",
]

Size = tuple[int, int]

#: What the picture says while the camera is away; the last image stays behind it.
MARKER_TEXT = "camera lost — reconnecting…"
#: The values of `CameraBackground.status`.
STATUSES = ("live", "lost", "reconnecting", "stopped")
_MARKER_INK = (255, 196, 64)  # amber: a warning, distinct from every HUD hue
_MARKER_SHADE = 176  # alpha of the black band behind the text: the world stays visible, the text readable


class CameraUnavailable(BackgroundError):
    """No camera could be opened; the message says which device was asked for and why it failed."""


class CameraModule(Protocol):
    """The part of `pygame.camera` this source uses (after `init()`)."""

    list_cameras: Callable[[], Sequence[str]]
    Camera: Callable[[str, tuple[int, int]], Any]  # a class with start/stop/query_image/get_image


def pygame_camera_module() -> CameraModule:
    """`pygame.camera`, initialised; CameraUnavailable when this platform has no backend."""
    import pygame.camera as camera

    try:
        camera.init()
    except Exception as error:  # pygame raises pygame.error, ImportError or RuntimeError by platform
        raise CameraUnavailable(f"pygame.camera has no working backend here: {_reason(error)}") from None
    return camera  # type: ignore[return-value]


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split()) or "no details"
    return f"{type(error).__name__}: {text}"


@dataclass(frozen=True)
class CameraTiming:
    """How patient the capture thread is, in seconds; tests shrink these instead of sleeping."""

    lost_after: float = 0.5  # no image for this long: the camera counts as lost and the marker shows
    retry_every: float = 1.0  # between attempts to reopen a lost camera
    first_image: float = 2.0  # a (re)opened webcam's time to deliver its first image (they take about 1 s)
    idle: float = 0.005  # pause when no image is ready yet or a read failed
    stop_wait: float = 1.0  # how long stop() waits for a read in progress to return


def marker_band(size: Size) -> pygame.Rect:
    """Where the "camera lost" marker goes on a frame of `size`: a band across the top.

    Why the top: the window's own status line runs along the bottom.
    """
    width, height = size
    return pygame.Rect(0, 0, width, min(height, max(12, round(height * 0.06))))


@lru_cache(maxsize=1)
def _renderer() -> TextRenderer:
    return TextRenderer(FontSet(paths.FONTS / "Inter-Medium.otf", paths.FONTS / "Inter-SemiBold.otf",
                                paths.FONTS / "DroidSansFallbackFull.ttf"))


def _draw_marker(frame: pygame.Surface) -> pygame.Surface:
    """A copy of `frame` with the marker band drawn on it."""
    out = frame.copy()
    band = marker_band(out.get_size())
    shade = pygame.Surface(band.size)
    shade.set_alpha(_MARKER_SHADE)
    out.blit(shade, band)
    renderer = _renderer()
    font_size = max(6, round(band.height * 0.55))
    while font_size > 6 and renderer.width(MARKER_TEXT, font_size, bold=True) > band.width - 8:
        font_size -= 1
    text = renderer.render(MARKER_TEXT, font_size, 255, bold=True).copy()  # the renderer caches its own
    text.fill(_MARKER_INK, special_flags=pygame.BLEND_RGB_MULT)
    spot = text.get_rect(center=band.center)
    out.blit(text, spot, special_flags=pygame.BLEND_RGB_MAX)
    return out


class CameraBackground(BackgroundSource):
    """The latest webcam image, scaled to cover the frame, read by a background thread.

    `device` is an index into `list_cameras()` or a device name such as "/dev/video0".
    Not a pure function of `t`: a camera shows whatever is in front of it now.

    When no image arrives for `timing.lost_after` seconds (reads fail, return nothing, or hang),
    the last image stays on screen with a "camera lost — reconnecting…" band, and the thread
    reopens the device every `timing.retry_every` seconds until images flow again.
    `threaded=False` reads the device inside `frame()` instead (one step per frame, the old
    synchronous behaviour): for tests that drive the state machine with a fake `clock`.
    """

    def __init__(
        self,
        device: int | str = 0,
        *,
        resolution: tuple[int, int] = (640, 480),
        module: CameraModule | None = None,
        timing: CameraTiming = CameraTiming(),
        threaded: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.device = device
        self.resolution = resolution
        self.timing = timing
        self.threaded = threaded
        self._module = module
        self._clock = clock
        self._camera: Any = None  # the open device; in threaded mode only the capture thread touches it
        self._name: str | None = None
        self._running = False
        self._thread: threading.Thread | None = None
        self._halt = threading.Event()
        self._first = threading.Event()
        # Shared with the capture thread, under _lock (held only for assignments, never for I/O).
        self._lock = threading.Lock()
        self._latest: pygame.Surface | None = None
        self._serial = 0
        self._want: Size | None = None  # the size frame() asks for, so the thread can scale ahead
        self._scaled: tuple[int, Size, pygame.Surface] | None = None
        self._marked: tuple[int, Size, pygame.Surface] | None = None
        self._blank: pygame.Surface | None = None
        self._clean = False  # set by view(): frame() then leaves the marker off (view() draws it)
        self._started_at = 0.0
        self._opened_at = 0.0
        self._last_image_at: float | None = None
        self._lost = False  # declared lost by the capture step (the device is closed or being reopened)
        self._attempts = 0  # reopen attempts since the loss
        self._retry_at = 0.0
        self.reconnects = 0  # times a lost camera was reopened
        self.read_failures = 0
        self.last_error: str | None = None

    # -- state for the window and tests ----------------------------------------------------------
    @property
    def label(self) -> str:
        return f"camera {self._name if self._name is not None else self.device}"

    @property
    def started(self) -> bool:
        return self._running

    @property
    def status(self) -> str:
        """"live", "lost" (no image lately), "reconnecting" (reopening the device) or "stopped".

        Derived from the clock as well as from the capture thread, so a read that hangs (and so
        cannot report anything) still shows as "lost" on time.
        """
        with self._lock:
            if not self._running:
                return "stopped"
            if self._lost:
                return "reconnecting" if self._attempts else "lost"
            return "lost" if self._clock() > self._deadline() else "live"

    @property
    def lost_since(self) -> float | None:
        """Clock time of the last image while the camera is lost (when the picture froze), else None."""
        if self.status in ("live", "stopped"):
            return None
        with self._lock:
            return self._last_image_at if self._last_image_at is not None else self._started_at

    def _deadline(self) -> float:
        """When the camera counts as lost if no new image arrives (call with _lock held)."""
        last = self._last_image_at
        if last is not None and last >= self._opened_at:
            return last + self.timing.lost_after
        return self._opened_at + self.timing.first_image

    # -- start and stop --------------------------------------------------------------------------
    def start(self) -> None:
        """Open the device (CameraUnavailable says why not) and start reading it.

        Threaded, waits up to `timing.first_image` for the first image, so the first frame shows
        the world rather than black; a camera that sends nothing by then is treated as lost.
        """
        if self._running:
            return
        if self._thread is not None:  # a previous stop() gave up waiting for a hanging read
            self._thread.join(self.timing.stop_wait)
            if self._thread.is_alive():
                raise CameraUnavailable(f"{self.label} cannot restart: its last read has not returned")
            self._thread = None
        self._open()
        with self._lock:
            self._latest, self._scaled, self._marked = None, None, None
            self._started_at, self._last_image_at = self._opened_at, None
            self._lost, self._attempts = False, 0
        self._running = True
        if self.threaded:
            self._halt, self._first = threading.Event(), threading.Event()
            self._thread = threading.Thread(target=self._run, args=(self._halt,), daemon=True,
                                            name=f"hud {self.label}")
            self._thread.start()
            self._first.wait(self.timing.first_image)

    def _open(self) -> None:
        module = self._module if self._module is not None else pygame_camera_module()
        self._module = module  # initialised once: reconnecting must not probe the backends again
        name = self._resolve(module)
        try:
            camera = module.Camera(name, self.resolution)
            camera.start()
        except Exception as error:  # backends raise SystemError, pygame.error, OSError, ValueError...
            raise CameraUnavailable(f"camera {name!r} could not be opened: {_reason(error)}") from None
        self._camera, self._name, self._opened_at = camera, name, self._clock()

    def _resolve(self, module: CameraModule) -> str:
        """The device name to open for `self.device` (an index is looked up again on every reconnect)."""
        if isinstance(self.device, str):
            return self.device
        try:
            names = list(module.list_cameras())
        except Exception as error:
            raise CameraUnavailable(f"cameras could not be listed: {_reason(error)}") from None
        if not names:
            raise CameraUnavailable("no camera found by pygame.camera.list_cameras()")
        if not 0 <= self.device < len(names):
            raise CameraUnavailable(
                f"camera index {self.device} asked for, but {len(names)} found: {', '.join(names)}"
            )
        return names[self.device]

    def stop(self) -> None:
        """Stop reading and release the device; waits at most `timing.stop_wait` for a read in progress."""
        self._running = False
        thread = self._thread
        if thread is None:
            self._close()
            return
        self._halt.set()
        thread.join(self.timing.stop_wait)
        if not thread.is_alive():  # otherwise the thread closes the device when its read returns
            self._thread = None

    def _close(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            try:
                camera.stop()
            except Exception as error:
                self.last_error = _reason(error)

    # -- capture (the thread, or frame() when not threaded) --------------------------------------
    def _run(self, halt: threading.Event) -> None:
        try:
            while not halt.is_set():
                try:
                    pause = self._step()
                except Exception as error:  # a bug must not kill the thread silently: say it, go on
                    self.last_error, pause = _reason(error), self.timing.idle
                if pause > 0:
                    halt.wait(pause)
        finally:
            self._close()

    def _step(self) -> float:
        """Read one image, or reopen a lost camera when due; returns how long to wait before the next step."""
        if self._camera is None:
            return self._reopen()
        image, error = None, None
        try:
            if self._latest is None or self._camera.query_image():
                image = self._camera.get_image()
                if image is None:
                    error = "the camera returned no image"
        except Exception as exc:
            error = _reason(exc)
        if image is not None:
            self._publish(image)
            return 0.0
        if error is not None:
            with self._lock:
                self.read_failures += 1
                self.last_error = error
        now = self._clock()
        with self._lock:
            overdue = now > self._deadline()
            if overdue:
                self._lost, self._retry_at = True, now  # the first reopen attempt comes at once
        if overdue:
            self._close()
            return 0.0
        return self.timing.idle

    def _reopen(self) -> float:
        now = self._clock()
        if now < self._retry_at:
            return min(self._retry_at - now, self.timing.retry_every)
        with self._lock:
            self._attempts += 1
        try:
            self._open()
        except BackgroundError as error:
            with self._lock:
                self.last_error = str(error)
                self._retry_at = self._clock() + self.timing.retry_every
            return self.timing.retry_every
        with self._lock:
            self.reconnects += 1
        return 0.0

    def _publish(self, image: pygame.Surface) -> None:
        """Make `image` the latest, scaled ahead to the size frame() last asked for (off the frame loop)."""
        want = self._want
        scaled = scale_to_cover(image, want) if want is not None else None
        now = self._clock()
        with self._lock:
            self._serial += 1
            self._latest, self._last_image_at = image, now
            if scaled is not None and want is not None:
                self._scaled = (self._serial, want, scaled)
            self._lost, self._attempts = False, 0
        self._first.set()

    # -- the frame loop's side ---------------------------------------------------------------------
    @property
    def native_size(self) -> Size | None:
        """The latest image's size (a view is never rendered larger: it would only be upscaled)."""
        with self._lock:
            latest = self._latest
        return None if latest is None else latest.get_size()

    def view(self, t: float, size: Size, hfov: float) -> pygame.Surface:
        """The base class's crop of the clean picture, with the "camera lost" band drawn on the view
        itself: cropping the marked frame would cut away the band across its top."""
        self._clean = True
        try:
            base = super().view(t, size, hfov)
        finally:
            self._clean = False
        return base if self.status == "live" else _draw_marker(base)

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        """The latest image covering `size`, with the marker band while the camera is lost.

        Threaded, this never waits for the device: at worst it scales an image once.
        """
        size = check_size(size)
        if not self._running:
            raise BackgroundError(f"{self.label} is not started; call start() before frame()")
        if size[0] > METER_WIDTH:  # the light meter's thumbnail is scaled on demand; the picture ahead
            self._want = size
        if self._thread is None:
            self._step()
        with self._lock:
            latest, serial, scaled = self._latest, self._serial, self._scaled
        if latest is None:
            if self._blank is None or self._blank.get_size() != size:
                self._blank = blank_frame(size)
            base = self._blank
        elif scaled is not None and scaled[:2] == (serial, size):
            base = scaled[2]
        else:
            base = scale_to_cover(latest, size)
            with self._lock:
                if self._serial == serial:
                    self._scaled = (serial, size, base)
        if self._clean or self.status == "live":
            return base
        if self._marked is None or self._marked[:2] != (serial, size):
            self._marked = (serial, size, _draw_marker(base))
        return self._marked[2]
