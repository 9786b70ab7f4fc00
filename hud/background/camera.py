"""A live webcam as the world behind the HUD, through `pygame.camera`.

Why lazy: `pygame.camera.init()` probes platform backends, which is slow and fails on machines
without one; only a camera source should pay for that, and only when it starts. The camera
module can be passed in, so tests (and machines without a webcam) use a fake one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from hud.background.base import BackgroundError, BackgroundSource, blank_frame, check_size, scale_to_cover
from hud.pg import pygame

__all__ = ["CameraBackground", "CameraModule", "CameraUnavailable", "pygame_camera_module"]


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


class CameraBackground(BackgroundSource):
    """The latest webcam image, scaled to cover the frame; the last good image is kept if a read fails.

    `device` is an index into `list_cameras()` or a device name such as "/dev/video0".
    Not a pure function of `t`: a camera shows whatever is in front of it now.
    """

    def __init__(
        self,
        device: int | str = 0,
        *,
        resolution: tuple[int, int] = (640, 480),
        module: CameraModule | None = None,
    ) -> None:
        self.device = device
        self.resolution = resolution
        self._module = module
        self._camera: Any = None
        self._name: str | None = None
        self._latest: pygame.Surface | None = None
        self._latest_serial = 0
        self._scaled: tuple[int, tuple[int, int], pygame.Surface] | None = None
        self.read_failures = 0
        self.last_error: str | None = None

    @property
    def label(self) -> str:
        return f"camera {self._name if self._name is not None else self.device}"

    @property
    def started(self) -> bool:
        return self._camera is not None

    def start(self) -> None:
        if self._camera is not None:
            return
        module = self._module if self._module is not None else pygame_camera_module()
        name = self._resolve(module)
        try:
            camera = module.Camera(name, self.resolution)
            camera.start()
        except Exception as error:  # backends raise SystemError, pygame.error, OSError, ValueError...
            raise CameraUnavailable(f"camera {name!r} could not be opened: {_reason(error)}") from None
        self._camera, self._name = camera, name

    def _resolve(self, module: CameraModule) -> str:
        """The device name to open for `self.device`."""
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
        camera, self._camera = self._camera, None
        if camera is not None:
            try:
                camera.stop()
            except Exception as error:
                self.last_error = _reason(error)

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        size = check_size(size)
        if self._camera is None:
            raise BackgroundError(f"{self.label} is not started; call start() before frame()")
        self._read()
        if self._latest is None:
            return blank_frame(size)
        if self._scaled is None or self._scaled[:2] != (self._latest_serial, size):
            self._scaled = (self._latest_serial, size, scale_to_cover(self._latest, size))
        return self._scaled[2]

    def _read(self) -> None:
        """Fetch a new image if one is ready; on failure keep the previous one and count the failure.

        Why wait only for the first image: before it there is nothing to show, after it a stale image
        is better than a stalled frame loop.
        """
        try:
            if self._latest is None or self._camera.query_image():
                image = self._camera.get_image()
                if image is None:
                    raise BackgroundError("the camera returned no image")
                self._latest = image
                self._latest_serial += 1
        except Exception as error:
            self.read_failures += 1
            self.last_error = _reason(error)
