"""The built-in street scene: the city walk's route, deterministic, day and night, with the café's QR code."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import numpy as np
import pytest

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud.background.scene import CAFE_QR_PAYLOAD, CITY_WALK, StreetScene  # noqa: E402
from hud.background.scene.city import build_city  # noqa: E402
from hud.background.scene.weather import WEATHER  # noqa: E402
from hud.pg import pygame  # noqa: E402

SIZE = (320, 180)


def _bytes(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def _luminance(surface: pygame.Surface) -> float:
    rgb = pygame.surfarray.array3d(surface).astype(np.float64)
    return float((rgb @ np.array([0.2126, 0.7152, 0.0722])).mean())


@pytest.mark.parametrize("night", [False, True])
def test_a_frame_does_not_depend_on_which_frames_came_before(night: bool) -> None:
    times = [random.Random(seed).uniform(-5.0, 130.0) for seed in range(16)]
    forward, backward = StreetScene(night=night), StreetScene(night=night)
    ahead = {t: _bytes(forward.frame(t, SIZE)) for t in times}
    behind = {t: _bytes(backward.frame(t, SIZE)) for t in reversed(times)}
    assert ahead == behind


def test_frames_are_identical_in_another_process() -> None:
    code = ("from hud.pg import use_headless_drivers; use_headless_drivers()\n"
            "import hashlib; from hud.pg import pygame; from hud.background.scene import StreetScene\n"
            "s = StreetScene()\n"
            "print(hashlib.sha256(b''.join(pygame.image.tobytes(s.frame(t, (320, 180)), 'RGB') "
            "for t in (41.0, 5.0, 30.0))).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""}).stdout.strip()
    import hashlib
    s = StreetScene()
    here = hashlib.sha256(b"".join(_bytes(s.frame(t, SIZE)) for t in (41.0, 5.0, 30.0))).hexdigest()
    assert out == here


def test_the_walk_goes_somewhere_the_right_hand_buildings_pass() -> None:
    """Issue 12: between 5 s and 55 s the right-hand buildings did not move at all."""
    scene = StreetScene()
    a = pygame.surfarray.array3d(scene.frame(5.0, (1280, 720))).copy()
    b = pygame.surfarray.array3d(scene.frame(55.0, (1280, 720)))
    right = (slice(900, 1280), slice(0, 400))
    assert np.any(a[right] != b[right], axis=2).mean() > 0.5
    c = pygame.surfarray.array3d(scene.frame(20.0, (1280, 720))).copy()
    d = pygame.surfarray.array3d(scene.frame(21.0, (1280, 720)))
    assert np.any(c[right] != d[right], axis=2).mean() > 0.05  # walking along Beishan Street


def test_the_route_turns_where_navigation_turns() -> None:
    r = CITY_WALK
    heading = lambda t: math.degrees(r.pose(t).heading) % 360  # noqa: E731
    assert heading(3.0) == pytest.approx(0.0)  # north up the start street
    assert heading(10.0) == pytest.approx(0.0)  # "turn right in 10 m" at 5 s, walked at 1.4 m/s
    assert 20 < heading(12.1) < 70  # turning right where the countdown reaches 0
    assert heading(14.0) == pytest.approx(90.0)  # east along Beishan Street
    assert heading(26.0) == pytest.approx(90.0)
    assert heading(28.0) != pytest.approx(90.0, abs=5)  # round the roundabout
    assert heading(35.5) == pytest.approx(90.0)  # out at exit 2, Baidi Road, arriving
    for t in (39.0, 43.0, 47.9):
        assert heading(t) == pytest.approx(180.0)  # facing the counter
    speed = math.dist((r.pose(10).x, r.pose(10).z), (r.pose(11).x, r.pose(11).z))
    assert speed == pytest.approx(1.4, rel=1e-6)


def test_the_city_is_laid_out_round_the_route() -> None:
    city = build_city()
    rx, rz = city.roundabout
    assert rz == pytest.approx(city.main_z)  # Beishan Street and Baidi Road meet at the roundabout
    assert CITY_WALK.pose(30.0).x == pytest.approx(rx, abs=1.0)  # walking round its south side
    assert CITY_WALK.pose(30.0).z < rz - 5
    cafe = [b for f in city.facades for b in f.buildings if b.cafe]
    assert len(cafe) == 1
    assert CITY_WALK.pose(40.0).x == pytest.approx(city.counter[0])


@pytest.mark.parametrize("hfov", [70.0, 50.0])  # the camera's picture; the composite's default view
def test_the_counter_qr_code_decodes_near_the_centre_of_the_view(hfov: float) -> None:
    """The café moment: the code reads from the 1280x720 frame, a little below the view's centre
    (where the HUD's payment card does not cover it entirely)."""
    zxingcpp = pytest.importorskip("zxingcpp")
    scene = StreetScene()
    for t in (38.5, 43.0, 47.5):
        rgb = np.ascontiguousarray(pygame.surfarray.array3d(scene.view(t, (1280, 720), hfov)).transpose(1, 0, 2))
        found = zxingcpp.read_barcodes(rgb)
        assert [r.text for r in found] == [CAFE_QR_PAYLOAD], (hfov, t)
        p = found[0].position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        assert 0.4 * 1280 < np.mean(xs) < 0.6 * 1280
        assert 0.55 * 720 < np.mean(ys) < 0.82 * 720
        assert max(xs) - min(xs) > 80  # big enough to read at a glance, not a speck
    rgb = np.ascontiguousarray(pygame.surfarray.array3d(scene.frame(20.0, (1280, 720))).transpose(1, 0, 2))
    assert zxingcpp.read_barcodes(rgb) == []


def test_the_cafe_at_night_is_lit_but_not_a_bright_wall_behind_the_display() -> None:
    frame = StreetScene(night=True).frame(41.0, (640, 360))
    centre = frame.subsurface(pygame.Rect(200, 100, 240, 120))
    assert 15.0 < _luminance(centre) < 70.0


def test_street_life_trees_stand_above_the_street() -> None:
    """Trees (the island's and the pavements'), not only buildings, above the horizon at 20 s."""
    from hud.background.scene.world import DAY

    rgb = pygame.surfarray.array3d(StreetScene().frame(20.0, (640, 360)))[:, :162].astype(np.int32)
    foliage = np.zeros(rgb.shape[:2], bool)
    for colour in DAY.foliage:
        foliage |= np.abs(rgb - np.array(colour)).max(axis=2) < 12
    assert foliage.mean() > 0.005


def test_street_life_is_hidden_behind_nearer_walls() -> None:
    from hud.background.scene.life import Life, Sprites
    from hud.background.scene.world import DAY

    life, pose = Life(build_city()), CITY_WALK.pose(10.0)
    target = pygame.Surface((320, 180), 0, 32)
    sprites = Sprites(228.0, (320, 180), DAY)
    open_street = sprites.draw(target, life, 10.0, pose, 81.0, np.full(320, np.inf))
    assert len(open_street) > 5
    assert sprites.draw(target, life, 10.0, pose, 81.0, np.full(320, 1.0)) == []  # a wall 1 m away hides all


def test_the_weather_answer_describes_the_sky_shown() -> None:
    """One source: the answers file names no condition, so the assistant reports the scene's sky."""
    from hud.assistant.data import load_data

    weather = load_data().weather
    assert not weather.condition.en and not weather.condition.zh
    assert WEATHER.condition_en == "partly cloudy" and 0.0 < WEATHER.cloud_cover < 1.0


@pytest.mark.parametrize("hfov", [40.0, 70.0, 100.0])
def test_view_renders_at_its_field_of_view(hfov: float) -> None:
    scene = StreetScene()
    view = scene.view(16.0, SIZE, hfov)
    assert view.get_size() == SIZE
    if hfov == 70.0:
        assert _bytes(view) == _bytes(StreetScene().frame(16.0, SIZE))


def test_day_is_much_brighter_than_night() -> None:
    day = np.mean([_luminance(StreetScene().frame(t, SIZE)) for t in (0.0, 30.0)])
    night = np.mean([_luminance(StreetScene(night=True).frame(t, SIZE)) for t in (0.0, 30.0)])
    assert day > 100.0
    assert night < 60.0


@pytest.mark.parametrize("size", [(320, 180), (1280, 720), (480, 640), (7, 5)])
def test_any_size_renders_exactly(size: tuple[int, int]) -> None:
    scene = StreetScene()
    for t in (0.0, 44.4):
        frame = scene.frame(t, size)
        assert frame.get_size() == size
        assert frame.get_bitsize() == 32
        assert not frame.get_flags() & pygame.SRCALPHA


def test_label_names_the_time_of_day() -> None:
    assert StreetScene().label == "street scene (day)"
    assert StreetScene(night=True).label == "street scene (night)"
