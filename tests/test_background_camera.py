"""The webcam source, driven by a fake camera module (this machine has no webcam)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud.background import BackgroundError, CameraBackground, CameraUnavailable  # noqa: E402
from hud.pg import pygame  # noqa: E402


def _near(colour: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    """Within smoothscale's rounding (it may lose a level or two on flat colours)."""
    return all(abs(a - b) <= 3 for a, b in zip(colour[:3], expected, strict=True))


def _solid(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48), depth: int = 24) -> pygame.Surface:
    surface = pygame.Surface(size, 0, depth)
    surface.fill(colour)
    return surface


class ScriptedCamera:
    """Plays back a script of images; an Exception in the script is raised by that read."""

    def __init__(self, script: list[pygame.Surface | Exception], *, fail_start: Exception | None = None) -> None:
        self.script: Iterator[pygame.Surface | Exception] = iter(script)
        self.fail_start = fail_start
        self.running = False

    def start(self) -> None:
        if self.fail_start is not None:
            raise self.fail_start
        self.running = True

    def stop(self) -> None:
        self.running = False

    def query_image(self) -> bool:
        return True

    def get_image(self) -> pygame.Surface:
        item = next(self.script)
        if isinstance(item, Exception):
            raise item
        return item


class FakeModule:
    def __init__(self, names: list[str], camera: ScriptedCamera) -> None:
        self.names, self.camera = names, camera
        self.asked: list[tuple[str, tuple[int, int]]] = []

    def list_cameras(self) -> list[str]:
        return self.names

    def Camera(self, device: str, size: tuple[int, int]) -> ScriptedCamera:
        self.asked.append((device, size))
        return self.camera


def _source(script: list[pygame.Surface | Exception], **kwargs: object) -> tuple[CameraBackground, FakeModule]:
    module = FakeModule(["/dev/video0"], ScriptedCamera(script, **kwargs))  # type: ignore[arg-type]
    return CameraBackground(0, module=module), module


@pytest.mark.parametrize("depth", [16, 24, 32])
def test_frames_show_the_latest_image_scaled_to_cover(depth: int) -> None:
    red, blue = _solid((200, 0, 0), depth=depth), _solid((0, 0, 200), depth=depth)
    source, module = _source([red, blue])
    source.start()
    assert module.asked == [("/dev/video0", (640, 480))]
    first = source.frame(0.0, (160, 90))
    assert first.get_size() == (160, 90) and first.get_bitsize() == 32
    assert not first.get_flags() & pygame.SRCALPHA
    # As the camera stored them: a 16-bit image holds 200 as 205.
    assert _near(first.get_at((80, 45)), tuple(red.get_at((0, 0)))[:3])
    assert _near(source.frame(0.1, (160, 90)).get_at((0, 0)), tuple(blue.get_at((0, 0)))[:3])


def test_a_failed_read_keeps_the_last_image() -> None:
    source, _ = _source([_solid((0, 150, 0)), OSError("device busy"), _solid((9, 9, 9))])
    source.start()
    assert _near(source.frame(0.0, (32, 32)).get_at((5, 5)), (0, 150, 0))
    kept = source.frame(0.1, (32, 32))
    assert _near(kept.get_at((5, 5)), (0, 150, 0))
    assert source.read_failures == 1
    assert source.last_error == "OSError: device busy"
    assert _near(source.frame(0.2, (32, 32)).get_at((5, 5)), (9, 9, 9))


def test_before_any_image_arrives_the_frame_is_black() -> None:
    source, _ = _source([RuntimeError("no data yet")])
    source.start()
    frame = source.frame(0.0, (20, 10))
    assert frame.get_size() == (20, 10) and frame.get_bitsize() == 32
    assert frame.get_at((10, 5))[:3] == (0, 0, 0)
    assert source.read_failures == 1


def test_a_camera_that_will_not_open_says_which_and_why() -> None:
    source, _ = _source([], fail_start=SystemError("Cannot identify '/dev/video0': 2, No such file or directory"))
    with pytest.raises(CameraUnavailable) as caught:
        source.start()
    assert str(caught.value) == (
        "camera '/dev/video0' could not be opened: "
        "SystemError: Cannot identify '/dev/video0': 2, No such file or directory"
    )
    assert not source.started


def test_no_camera_at_all() -> None:
    source = CameraBackground(0, module=FakeModule([], ScriptedCamera([])))
    with pytest.raises(CameraUnavailable, match="no camera found"):
        source.start()


def test_a_device_path_is_opened_as_given() -> None:
    module = FakeModule([], ScriptedCamera([_solid((1, 2, 3))]))
    source = CameraBackground("/dev/video4", module=module, resolution=(320, 240))
    source.start()
    assert module.asked == [("/dev/video4", (320, 240))]
    assert source.label == "camera /dev/video4"


def test_frame_before_start_is_an_error_that_says_what_to_do() -> None:
    source, _ = _source([])
    with pytest.raises(BackgroundError, match=r"camera 0 is not started; call start\(\) before frame\(\)"):
        source.frame(0.0, (10, 10))


def test_stop_releases_the_camera_and_can_be_repeated() -> None:
    source, module = _source([_solid((1, 1, 1))])
    source.start()
    assert module.camera.running
    source.stop()
    source.stop()
    assert not module.camera.running and not source.started


def test_the_real_pygame_camera_module_fails_cleanly_without_a_webcam() -> None:
    """On machines with no webcam (like CI), start() must raise CameraUnavailable, nothing else."""
    source = CameraBackground("/dev/this-is-not-a-camera")
    with pytest.raises(CameraUnavailable, match=r"this-is-not-a-camera|no working backend"):
        source.start()
