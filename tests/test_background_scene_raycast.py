"""The street scene's raycast cut into row bands run by a crew of threads: the same pixels as one
band done alone, a bounded crew, and no thread left once frames stop."""

from __future__ import annotations

import math
import os
import signal
import threading
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hud import bands
from hud.pg import use_headless_drivers

use_headless_drivers()

from hud.background.scene import CITY_WALK, _textures  # noqa: E402
from hud.background.scene import raycast as rc  # noqa: E402
from hud.background.scene.raycast import Tables, Textures, render_world  # noqa: E402
from hud.background.scene.route import Pose  # noqa: E402
from hud.pg import pygame  # noqa: E402


def _tex() -> Textures:
    return _textures(False, CITY_WALK)[1]


def _tables(tex: Textures, w: int, h: int, band_rows: int | None = None) -> Tables:
    f = (w / 2) / math.tan(math.radians(70.0) / 2)
    turn = max(1, round(2 * math.pi * f))
    horizon = min(h, math.floor(0.45 * h) + 1)
    sky = np.arange(turn * max(horizon, 1), dtype=np.uint32).reshape(max(horizon, 1), turn)
    tab = Tables(tex, w, h, f, sky)
    if band_rows is not None:
        tab.band_rows = band_rows
    return tab


def _crew_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(bands.THREAD_NAME)]


def _wait_for_no_crew() -> None:
    deadline = time.monotonic() + 2.0
    while _crew_threads() and time.monotonic() < deadline:
        time.sleep(0.01)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(w=st.integers(1, 200), h=st.integers(1, 160), rows=st.integers(1, 40), workers=st.integers(1, 4),
       t=st.floats(0.0, 60.0), turn=st.floats(-math.pi, math.pi), t2=st.floats(0.0, 60.0))
def test_bands_on_threads_cast_the_pixels_one_band_does(monkeypatch: pytest.MonkeyPatch, w: int, h: int, rows: int,
                                                        workers: int, t: float, turn: float, t2: float) -> None:
    tex = _tex()
    serial, banded = _tables(tex, w, h, band_rows=h), _tables(tex, w, h, band_rows=rows)
    first = CITY_WALK.pose(t)
    # Two poses in a row: the second reuses the heading caches, or refills them band by band.
    for pose in (Pose(first.x, first.z, first.heading + turn), CITY_WALK.pose(t2), CITY_WALK.pose(t2)):
        want = np.full((h, w), 1, np.uint32)
        got = np.full((h, w), 2, np.uint32)
        monkeypatch.setattr(rc, "workers", lambda: 1)
        expected = render_world(tex, serial, pose, want)
        monkeypatch.setattr(rc, "workers", lambda workers=workers: workers)
        found = render_world(tex, banded, pose, got)
        assert np.array_equal(got, want)
        for a, b in zip(found, expected, strict=True):
            assert np.array_equal(a, b)


def test_a_big_view_is_cut_into_bands_and_a_small_one_is_not() -> None:
    tex = _tex()
    assert _tables(tex, 160, 90).band_rows == 90
    big = _tables(tex, 1920, 1080)
    assert 1 < big.band_rows < 1080


def test_the_crew_leaves_no_thread_once_frames_stop() -> None:
    tex = _tex()
    tab = _tables(tex, 640, 360)
    out = np.empty((360, 640), np.uint32)
    for t in (1.0, 2.0, 3.0):
        render_world(tex, tab, CITY_WALK.pose(t), out)
    assert bands.CREW.alive <= bands.CREW.size
    time.sleep(bands.LINGER + 0.2)
    assert bands.CREW.alive == 0
    _wait_for_no_crew()
    assert not _crew_threads()


def test_a_surface_drawn_on_is_unlocked_when_the_cast_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bands hold the caller's pixels; a crew thread keeping them would keep the Surface locked.
    monkeypatch.setattr(rc, "workers", lambda: 2)
    tex = _tex()
    tab = _tables(tex, 640, 360)
    surface = pygame.Surface((640, 360), 0, 32)
    for t in (5.0, 6.0):
        pixels = pygame.surfarray.pixels2d(surface).T
        render_world(tex, tab, CITY_WALK.pose(t), pixels)
        del pixels
        assert not surface.get_locked()
        surface.blit(pygame.Surface((4, 4)), (0, 0))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
@pytest.mark.filterwarnings("ignore:.*fork:DeprecationWarning")  # (Python 3.12 on forking with threads)
def test_a_forked_child_casts_with_a_crew_of_its_own() -> None:
    # The parent's crew threads do not survive a fork; the child must not wait for them.
    tex = _tex()
    tab = _tables(tex, 640, 360)
    out = np.empty((360, 640), np.uint32)
    render_world(tex, tab, CITY_WALK.pose(1.0), out)
    assert bands.CREW.alive > 0
    pid = os.fork()
    if pid == 0:  # the child: cast again with two participants, then leave at once
        code = 1
        try:
            bands.run_bands(8, lambda i, k: None, participants=2)
            render_world(tex, tab, CITY_WALK.pose(2.0), out)
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + 20.0
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung waiting for its parent's crew")
        time.sleep(0.02)
    assert os.waitstatus_to_exitcode(status) == 0
