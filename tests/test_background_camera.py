"""The webcam source, driven by a fake camera module (this machine has no webcam)."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud.background import BackgroundError, CameraBackground, CameraUnavailable  # noqa: E402
from hud.background.camera import CameraTiming, marker_band  # noqa: E402
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
    return CameraBackground(0, module=module, threaded=False), module


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
    source = CameraBackground("/dev/video4", module=module, resolution=(320, 240), threaded=False)
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


# -- disconnects, reconnection and the capture thread --------------------------------------------

UNPLUGGED = SystemError("Cannot identify '/dev/video0': 2, No such file or directory")


class FlakyCamera:
    """A webcam that can be unplugged and plugged back in while the source reads it.

    `mode`: "ok" delivers `colour`; "raise" and "none" fail reads (an exception, no image);
    "unplugged" fails reads and refuses to open. `delay` makes every read take that long;
    `hold` (an Event) makes reads hang until it is set.
    """

    def __init__(self, colour: tuple[int, int, int] = (0, 150, 0), delay: float = 0.0) -> None:
        self.colour, self.delay, self.mode = colour, delay, "ok"
        self.hold: threading.Event | None = None
        self.running = False
        self.opened = 0
        self.reading = False

    def start(self) -> None:
        if self.mode == "unplugged":
            raise UNPLUGGED
        self.opened += 1
        self.running = True

    def stop(self) -> None:
        self.running = False

    def query_image(self) -> bool:
        return True

    def get_image(self) -> pygame.Surface | None:
        self.reading = True
        try:
            if self.hold is not None:
                self.hold.wait()
            if self.delay:
                time.sleep(self.delay)
            if self.mode == "ok":
                return _solid(self.colour)
            if self.mode == "none":
                return None
            raise OSError("No such device")
        finally:
            self.reading = False


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _pixels(surface: pygame.Surface) -> np.ndarray:
    return pygame.surfarray.array3d(surface).astype(int)


def _assert_marked(frame: pygame.Surface, last_good: np.ndarray) -> None:
    """The marker band is drawn over the last good frame; every other pixel is that frame's."""
    band = marker_band(frame.get_size())
    pixels, outside = _pixels(frame), np.ones(last_good.shape[:2], bool)
    outside[band.left:band.right, band.top:band.bottom] = False
    assert (pixels[outside] == last_good[outside]).all()
    inside = pixels[~outside].reshape(band.width, band.height, 3)
    assert (inside != last_good[~outside].reshape(inside.shape)).any(axis=2).all()  # the whole band is shaded
    assert inside[..., 0].max() > 200  # and carries bright (amber) text


def _wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


FAST = CameraTiming(lost_after=0.05, retry_every=0.05, first_image=0.3, idle=0.002, stop_wait=1.0)


def test_a_lost_camera_keeps_its_last_image_under_a_marker_until_it_comes_back() -> None:
    """Driven step by step (no thread) on a fake clock: the state machine, exactly."""
    camera, clock = FlakyCamera((0, 150, 0)), FakeClock()
    module = FakeModule(["/dev/video0"], camera)  # type: ignore[arg-type]
    source = CameraBackground(0, module=module, threaded=False, clock=clock)
    size = (160, 90)
    source.start()
    good = _pixels(source.frame(0.0, size))
    assert source.status == "live" and source.lost_since is None

    camera.mode = "unplugged"
    clock.now += 0.3  # a glitch shorter than `lost_after` changes nothing on screen
    assert (_pixels(source.frame(0.3, size)) == good).all() and source.status == "live"
    clock.now += 0.3  # 0.6 s without an image: lost, the device is closed
    _assert_marked(source.frame(0.6, size), good)
    assert source.status == "lost" and source.lost_since == 100.0 and not camera.running
    _assert_marked(source.frame(0.6, size), good)  # the first reopen attempt comes at once, and fails
    assert source.status == "reconnecting" and len(module.asked) == 2
    assert source.last_error is not None and "could not be opened" in source.last_error
    clock.now += 0.5
    source.frame(1.1, size)
    assert len(module.asked) == 2  # no retry before `retry_every`
    clock.now += 0.5
    source.frame(1.6, size)
    assert len(module.asked) == 3 and source.reconnects == 0

    camera.mode, camera.colour = "ok", (0, 0, 200)  # plugged back in
    clock.now += 1.0
    _assert_marked(source.frame(2.6, size), good)  # reopened; its first image comes with the next read
    assert source.reconnects == 1 and camera.running and source.status == "reconnecting"
    back = source.frame(2.6, size)
    assert source.status == "live" and source.lost_since is None
    assert _near(back.get_at((80, 5)), (0, 0, 200))  # a new image, no marker
    source.stop()
    assert source.status == "stopped"


@pytest.mark.parametrize("failure", ["raise", "none", "unplugged"])
def test_the_capture_thread_reconnects_after_a_disconnect(failure: str) -> None:
    camera = FlakyCamera((0, 150, 0))
    module = FakeModule(["/dev/video0"], camera)  # type: ignore[arg-type]
    source = CameraBackground(0, module=module, timing=FAST)
    size = (96, 64)
    source.start()
    try:
        good = _pixels(source.frame(0.0, size))
        assert _near(tuple(good[48, 32]), (0, 150, 0)) and source.status == "live"
        camera.mode = failure
        _wait_until(lambda: source.status == "reconnecting")
        _assert_marked(source.frame(1.0, size), good)
        assert source.lost_since is not None
        camera.mode, camera.colour = "ok", (0, 0, 200)
        _wait_until(lambda: source.status == "live")
        assert source.reconnects >= 1
        _wait_until(lambda: _near(source.frame(2.0, size).get_at((48, 5)), (0, 0, 200)))
    finally:
        started = time.perf_counter()
        source.stop()
        assert time.perf_counter() - started < 1.0  # prompt: no waiting on the camera's schedule
    assert source.status == "stopped" and not camera.running and source._thread is None


def test_frame_never_waits_for_a_slow_camera() -> None:
    """Each read takes 200 ms; frame() answers at once with the latest image all the same."""
    camera = FlakyCamera((0, 150, 0), delay=0.2)
    source = CameraBackground(0, module=FakeModule(["/dev/video0"], camera))  # type: ignore[arg-type]
    source.start()
    try:
        took, during_a_read = [], 0
        end = time.perf_counter() + 0.5
        while time.perf_counter() < end:
            started = time.perf_counter()
            frame = source.frame(0.0, (320, 180))
            took.append(time.perf_counter() - started)
            during_a_read += camera.reading
            assert frame.get_size() == (320, 180)
            time.sleep(0.004)
        assert during_a_read > 10
        # Never waits for the device: a blocked read is 0.2 s (generous bounds: CI machines are busy).
        assert statistics.median(took) < 0.05 and max(took) < 0.15
        assert source.status == "live"
    finally:
        started = time.perf_counter()
        source.stop()
        assert time.perf_counter() - started < 1.0  # at most the read in progress


def test_a_hanging_read_shows_as_lost_and_stop_does_not_wait_for_it_forever() -> None:
    camera = FlakyCamera((0, 150, 0))
    source = CameraBackground(0, module=FakeModule(["/dev/video0"], camera),  # type: ignore[arg-type]
                              timing=CameraTiming(lost_after=0.05, stop_wait=0.05, idle=0.002))
    source.start()
    good = _pixels(source.frame(0.0, (64, 48)))
    camera.hold = threading.Event()  # the next read never returns, until released
    _wait_until(lambda: camera.reading)
    _wait_until(lambda: source.status == "lost")  # noticed from the clock: the thread cannot report
    _assert_marked(source.frame(1.0, (64, 48)), good)
    started = time.perf_counter()
    source.stop()
    assert time.perf_counter() - started < 1.0 and source.status == "stopped"  # not held by the hung read
    with pytest.raises(CameraUnavailable, match="its last read has not returned"):
        source.start()
    camera.hold.set()  # the read returns: the thread ends and releases the device
    _wait_until(lambda: not camera.running)
    camera.hold = None
    source.start()
    assert source.status == "live"
    source.stop()
