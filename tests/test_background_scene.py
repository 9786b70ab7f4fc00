"""The built-in street scene: deterministic, animated, bright by day and dark by night."""

from __future__ import annotations

import random

import numpy as np
import pytest

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud.background.scene import DAY, StreetScene  # noqa: E402
from hud.background.scene.static import plan_street, render_static  # noqa: E402
from hud.pg import pygame  # noqa: E402

SIZE = (320, 180)


def _bytes(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def _luminance(surface: pygame.Surface) -> float:
    rgb = pygame.surfarray.array3d(surface).astype(np.float64)
    return float((rgb @ np.array([0.2126, 0.7152, 0.0722])).mean())


@pytest.mark.parametrize("night", [False, True])
def test_two_scenes_give_identical_frames_at_the_same_time(night: bool) -> None:
    a, b = StreetScene(night=night), StreetScene(night=night)
    for t in (0.0, 2.5, 61.3):
        assert _bytes(a.frame(t, SIZE)) == _bytes(b.frame(t, SIZE))


@pytest.mark.parametrize("night", [False, True])
def test_a_frame_does_not_depend_on_which_frames_came_before(night: bool) -> None:
    """The output surface is reused and only repaired where the last frame drew; nothing may linger."""
    times = [random.Random(seed).uniform(-5.0, 300.0) for seed in range(40)]
    forward, backward = StreetScene(night=night), StreetScene(night=night)
    ahead = {t: _bytes(forward.frame(t, SIZE)) for t in times}
    behind = {t: _bytes(backward.frame(t, SIZE)) for t in reversed(times)}
    assert ahead == behind


def test_different_times_give_different_frames() -> None:
    scene = StreetScene()
    frames = [_bytes(scene.frame(t, SIZE)) for t in (0.0, 0.5, 1.0, 10.0)]
    assert len(set(frames)) == len(frames)


def test_only_the_moving_things_change_between_frames() -> None:
    """The sky, the facades and most of the street stay put while the walker moves."""
    scene = StreetScene()
    first = pygame.surfarray.array3d(scene.frame(0.0, (640, 360))).copy()
    second = pygame.surfarray.array3d(scene.frame(0.2, (640, 360)))
    changed = np.any(first != second, axis=2).mean()
    assert 0.0005 < changed < 0.25


def test_day_is_much_brighter_than_night() -> None:
    day = np.mean([_luminance(StreetScene().frame(t, SIZE)) for t in (0.0, 30.0)])
    night = np.mean([_luminance(StreetScene(night=True).frame(t, SIZE)) for t in (0.0, 30.0)])
    assert day > 100.0
    assert night < 60.0
    assert day > 2.5 * night


def test_night_has_lit_windows_and_lamps_among_the_dark() -> None:
    rgb = pygame.surfarray.array3d(StreetScene(night=True).frame(12.0, (640, 360))).astype(np.float64)
    luminance = rgb @ np.array([0.2126, 0.7152, 0.0722])
    assert 0.01 < (luminance > 140).mean() < 0.2
    assert (luminance < 40).mean() > 0.5


@pytest.mark.parametrize("size", [(320, 180), (1280, 720), (1920, 1080), (480, 640), (7, 5)])
def test_any_size_renders_exactly(size: tuple[int, int]) -> None:
    scene = StreetScene()
    for t in (0.0, 44.4):
        frame = scene.frame(t, size)
        assert frame.get_size() == size
        assert frame.get_bitsize() == 32
        assert not frame.get_flags() & pygame.SRCALPHA


@pytest.mark.parametrize("size", [(1280, 720), (641, 479), (7, 5)])
def test_the_static_layer_is_copied_from_rows_off_16_bytes(size: tuple[int, int]) -> None:
    """SDL copies 16-byte-aligned rows with non-temporal stores, many times slower for the small
    rects a frame repairs; the static layer's pitch keeps every repair off that path."""
    layer = render_static(size, DAY, plan_street(random.Random(StreetScene.SEED)), StreetScene.SEED)
    assert layer.get_size() == size and layer.get_bitsize() == 32
    assert layer.get_pitch() % 16 != 0


def test_the_output_surface_is_reused_per_size() -> None:
    scene = StreetScene()
    small, large = scene.frame(0.0, SIZE), scene.frame(0.0, (400, 300))
    assert scene.frame(1.0, SIZE) is small
    assert scene.frame(1.0, (400, 300)) is large


def test_label_names_the_time_of_day() -> None:
    assert StreetScene().label == "street scene (day)"
    assert StreetScene(night=True).label == "street scene (night)"


def test_scenes_share_their_static_layer_and_sprites_and_still_agree() -> None:
    """Layers are built once per (night, size) in a process; sharing changes no pixel."""
    from hud.background.scene import StreetScene as Scene

    a, b = Scene(), Scene()
    first = pygame.surfarray.array3d(a.frame(12.0, (320, 180))).copy()
    assert b._prepare((320, 180)).static is a._prepare((320, 180)).static
    assert b._prepare((320, 180)).sprites is a._prepare((320, 180)).sprites
    assert (pygame.surfarray.array3d(b.frame(12.0, (320, 180))) == first).all()
    assert Scene(night=True)._prepare((320, 180)).static is not a._prepare((320, 180)).static
