"""open_background(spec), the shared helpers, and the contract every source keeps."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from hud.pg import use_headless_drivers

use_headless_drivers()

import hud.background.camera as camera_module  # noqa: E402
from hud.background import (  # noqa: E402
    BackgroundError,
    BackgroundSource,
    CameraBackground,
    CameraUnavailable,
    ImageBackground,
    StreetScene,
    check_size,
    open_background,
    scale_to_cover,
)
from hud.background.base import blank_frame  # noqa: E402
from hud.pg import pygame  # noqa: E402


class _FakeCamera:
    def __init__(self, device: str, size: tuple[int, int]) -> None:
        self.device, self.size, self.running = device, size, False

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False

    def query_image(self) -> bool:
        return True

    def get_image(self) -> pygame.Surface:
        surface = pygame.Surface(self.size, 0, 24)
        surface.fill((10, 200, 30))
        return surface


class _FakeModule:
    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self.opened: list[_FakeCamera] = []

    def list_cameras(self) -> list[str]:
        return self.names

    def Camera(self, device: str, size: tuple[int, int]) -> _FakeCamera:
        camera = _FakeCamera(device, size)
        self.opened.append(camera)
        return camera


@pytest.fixture
def no_camera(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make pygame.camera report no cameras, whatever this machine has."""
    monkeypatch.setattr(camera_module, "pygame_camera_module", lambda: _FakeModule([]))


@pytest.fixture
def two_cameras(monkeypatch: pytest.MonkeyPatch) -> _FakeModule:
    module = _FakeModule(["/dev/video0", "/dev/video1"])
    monkeypatch.setattr(camera_module, "pygame_camera_module", lambda: module)
    return module


def _assert_frame_layout(frame: pygame.Surface, size: tuple[int, int], what: str = "") -> None:
    """Exactly `size`, 32-bit RGB without per-pixel alpha, laid out like the compositor's buffer
    (so blitting it there is a straight copy)."""
    assert frame.get_size() == size, what
    assert frame.get_bitsize() == 32, what
    assert not frame.get_flags() & pygame.SRCALPHA, what
    assert frame.get_masks() == pygame.Surface(size, depth=32).get_masks(), what


def _png(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    Image.new("RGB", size, (200, 100, 50)).save(path)
    return path


# ---------------------------------------------------------------- open_background


@pytest.mark.parametrize(
    ("spec", "night"), [("scene", False), ("scene:day", False), ("scene:night", True), ("  Scene:Night ", True)]
)
def test_scene_specs_open_the_street_scene(spec: str, night: bool) -> None:
    source = open_background(spec)
    assert isinstance(source, StreetScene)
    assert source.night is night
    assert source.label == f"street scene ({'night' if night else 'day'})"


def test_auto_without_a_camera_says_so_once_and_falls_back_to_the_scene(no_camera: None) -> None:
    err = io.StringIO()
    source = open_background("auto", stderr=err)
    assert isinstance(source, StreetScene)
    assert not source.night
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("hud: no camera opened (no camera found")
    assert lines[0].endswith("); using the built-in street scene")


def test_auto_with_a_camera_uses_it_silently(two_cameras: _FakeModule) -> None:
    err = io.StringIO()
    source = open_background("auto", stderr=err)
    assert isinstance(source, CameraBackground)
    try:
        assert source.started and source.label == "camera /dev/video0"
        assert err.getvalue() == ""
    finally:
        source.stop()  # its reader thread would otherwise spin for the rest of the run


def test_camera_spec_without_a_camera_raises_instead_of_falling_back(no_camera: None) -> None:
    with pytest.raises(CameraUnavailable, match="no camera found"):
        open_background("camera")


@pytest.mark.parametrize(("spec", "device"), [("camera", "/dev/video0"), ("camera:1", "/dev/video1"),
                                              ("camera:/dev/video7", "/dev/video7")])
def test_camera_specs_pick_the_device(two_cameras: _FakeModule, spec: str, device: str) -> None:
    source = open_background(spec)
    assert isinstance(source, CameraBackground) and source.started
    assert two_cameras.opened[-1].device == device
    assert source.label == f"camera {device}"
    source.stop()
    assert not two_cameras.opened[-1].running


def test_camera_index_beyond_the_list_names_what_exists(two_cameras: _FakeModule) -> None:
    with pytest.raises(CameraUnavailable, match=r"camera index 5 asked for, but 2 found: /dev/video0, /dev/video1"):
        open_background("camera:5")


@pytest.mark.parametrize("name", ["street.png", "street.jpg", "STREET.JPEG"])
def test_image_specs_open_an_image(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    Image.new("RGB", (32, 24), (1, 2, 3)).save(path, format="PNG" if name.endswith("png") else "JPEG")
    source = open_background(str(path))
    assert isinstance(source, ImageBackground)
    assert source.label == f"image {name}"


@pytest.mark.parametrize("spec", ["", "sky", "scene:dusk", "camera:", "street.gif", "auto:1"])
def test_unknown_spec_says_what_was_given_and_what_is_expected(spec: str) -> None:
    with pytest.raises(BackgroundError) as caught:
        open_background(spec)
    assert str(caught.value) == (
        f"unknown background spec {spec!r}, expected scene, scene:night, camera[:N], auto, a PNG/JPEG path, "
        "a video (.mp4/.mov/.mkv/.avi) or a folder of frames (DIR/ at 30 fps, DIR/@FPS)"
    )


def test_missing_image_spec_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.png"
    with pytest.raises(BackgroundError, match=r"nowhere\.png") as caught:
        open_background(str(missing))
    assert str(missing) in str(caught.value)


# ---------------------------------------------------------------- the contract


def _sources(tmp_path: Path) -> list[BackgroundSource]:
    module = _FakeModule(["/dev/video0"])
    camera = CameraBackground(module=module)
    camera.start()
    return [StreetScene(), StreetScene(night=True), ImageBackground(_png(tmp_path / "a.png")), camera]


@pytest.mark.parametrize("size", [(320, 180), (641, 479), (1, 1), (200, 600)])
def test_every_source_returns_a_32_bit_rgb_frame_of_exactly_the_size(tmp_path: Path, size: tuple[int, int]) -> None:
    sources = _sources(tmp_path)
    try:
        for source in sources:
            _assert_frame_layout(source.frame(1.5, size), size, source.label)
    finally:  # the camera reads in a thread: a source left running would slow every later test
        for source in sources:
            source.stop()


def test_blank_frame_is_in_the_frame_layout() -> None:
    frame = blank_frame((5, 3), (10, 20, 30))
    _assert_frame_layout(frame, (5, 3))
    assert frame.get_at((4, 2))[:3] == (10, 20, 30)


@pytest.mark.parametrize("size", [(0, 10), (10, -1), (1.5, 2), "big", (1, 2, 3)])
def test_a_bad_size_is_refused_with_what_was_given(tmp_path: Path, size: Any) -> None:
    sources = _sources(tmp_path)
    try:
        for source in sources:
            with pytest.raises(BackgroundError, match="frame size") as caught:
                source.frame(0.0, size)
            assert repr(size) in str(caught.value)
    finally:
        for source in sources:
            source.stop()


def test_check_size_accepts_integer_like_values() -> None:
    import numpy as np

    assert check_size((np.int64(4), 3)) == (4, 3)


def test_sources_work_as_context_managers(two_cameras: _FakeModule) -> None:
    with CameraBackground(1) as source:
        r, g, b, _ = source.frame(0.0, (8, 8)).get_at((4, 4))
        assert abs(r - 10) <= 3 and abs(g - 200) <= 3 and abs(b - 30) <= 3
    assert not two_cameras.opened[-1].running


# ---------------------------------------------------------------- scale_to_cover


def test_scale_to_cover_fills_the_frame_and_crops_the_overflow_evenly() -> None:
    # 40x10 source: a red 10-pixel band on each end, green in the middle.
    image = pygame.Surface((40, 10), 0, 24)
    image.fill((0, 255, 0))
    image.fill((255, 0, 0), (0, 0, 10, 10))
    image.fill((255, 0, 0), (30, 0, 10, 10))
    square = scale_to_cover(image, (20, 20))  # keeps the centre 10x10 (all green), doubled
    assert square.get_size() == (20, 20)
    for x, y in [(0, 0), (19, 0), (0, 19), (19, 19), (10, 10)]:
        assert square.get_at((x, y))[:3] == (0, 255, 0)
    wide = scale_to_cover(image, (40, 10))  # same aspect: nothing cropped
    assert wide.get_at((0, 5))[:3] == (255, 0, 0) and wide.get_at((20, 5))[:3] == (0, 255, 0)


@pytest.mark.parametrize(("depth", "flags"), [(8, 0), (16, 0), (24, 0), (32, 0), (32, pygame.SRCALPHA)])
@pytest.mark.parametrize("size", [(40, 10), (20, 20), (80, 20)])
def test_scale_to_cover_gives_a_frame_whatever_the_source_format(
    depth: int, flags: int, size: tuple[int, int]
) -> None:
    image = pygame.Surface((40, 10), flags, depth)
    image.fill((255, 255, 255))
    image.fill((0, 0, 0), (0, 0, 10, 10))
    frame = scale_to_cover(image, size)
    _assert_frame_layout(frame, size)
    w, h = size
    assert frame.get_at((w - 1, h // 2))[:3] == (255, 255, 255)  # exact: no level lost widening 16-bit colour
    assert frame.get_at((0, h // 2))[:3] == ((0, 0, 0) if w >= 40 else (255, 255, 255))
