"""The street scene's textures read from the disk cache are the painted ones, and a bad cache is only a miss."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from hud.background import scene_cache
from hud.background.scene import CITY_WALK, DAY, NIGHT
from hud.background.scene.city import build_city
from hud.background.scene.route import Route
from hud.pg import pygame


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("HUD_NO_CACHE", raising=False)
    return tmp_path / "hud"


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    return a == b


def test_the_second_start_reads_exactly_what_the_first_painted(cache: Path) -> None:
    city = build_city(CITY_WALK)
    painted = scene_cache.textures(city, DAY, CITY_WALK)
    assert len(list(cache.glob("scene-textures-day-*.bin"))) == 1
    read = scene_cache.textures(city, DAY, CITY_WALK)
    assert read is not painted and read.city is city and read.palette is DAY
    assert vars(read).keys() == vars(painted).keys()
    for name, value in vars(painted).items():
        assert _same(getattr(read, name), value), name


def test_the_key_holds_the_palette_and_the_scaling_backend() -> None:
    day = scene_cache.cache_key(DAY)
    assert day == scene_cache.cache_key(DAY) and day != scene_cache.cache_key(NIGHT)
    backend = pygame.transform.get_smoothscale_backend()
    try:
        for other in ("GENERIC", "SSE2", "NEON"):
            if other != backend:
                try:
                    pygame.transform.set_smoothscale_backend(other)
                except ValueError:
                    continue  # not on this CPU
                assert scene_cache.cache_key(DAY) != day
    finally:
        pygame.transform.set_smoothscale_backend(backend)


def test_another_route_is_never_cached(cache: Path) -> None:
    route = Route(CITY_WALK.start, CITY_WALK.legs, CITY_WALK.period)
    scene_cache.textures(build_city(CITY_WALK), DAY, route)
    assert not cache.exists() or not list(cache.iterdir())


def test_stored_meta_that_is_not_what_pack_writes_is_a_miss() -> None:
    city = build_city(CITY_WALK)
    for meta in ([], {"x": {"dataclass": ["os", "system"], "fields": {}}},
                 {"x": {"dataclass": ["hud.background.scene.raycast", "np"], "fields": {}}},
                 {"x": {"array": "missing"}}, {"x": {"ref": "os"}}, {"x": {"what": 1}}, {"x": 1.5}):
        assert scene_cache._restore(meta, {}, city, DAY) is None


def _shot(out: Path, cache: Path) -> bytes:
    env = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(cache)}
    done = subprocess.run([sys.executable, "main.py", "shot", "--at", "3", "--size", "320x180", "--background",
                           "scene:night", "--view", "composite", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_cold_warm_and_damaged_caches_give_the_same_pixels(tmp_path: Path) -> None:
    cold = _shot(tmp_path / "cold.png", tmp_path / "xdg")
    files = sorted((tmp_path / "xdg" / "hud").glob("scene-textures-*.bin"))
    assert [f.name.split("-")[2] for f in files] == ["day", "night"]  # the night walk's people use the day's city
    assert _shot(tmp_path / "warm.png", tmp_path / "xdg") == cold
    for f in files:  # damaged: one byte of the pixels, and a file cut short
        data = bytearray(f.read_bytes())
        data[len(data) // 2] ^= 0xFF
        f.write_bytes(bytes(data[: len(data) if "night" in f.name else len(data) // 3]))
    assert _shot(tmp_path / "damaged.png", tmp_path / "xdg") == cold
