"""hud.bands: a pass cut into bands gives the bytes of one call, and the pool behaves."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hud import bands
from hud.pg import pygame, use_exact_scaling


def _random_surface(size: tuple[int, int], seed: int) -> pygame.Surface:
    surface = pygame.Surface(size, 0, 32)
    rng = np.random.default_rng(seed)
    pygame.surfarray.blit_array(surface, rng.integers(0, 1 << 24, size, dtype=np.uint32))
    return surface


@pytest.mark.parametrize("exact", [True, False])
@settings(max_examples=25, deadline=None)
@given(sw=st.integers(1, 90), sh=st.integers(1, 60), grow_w=st.integers(1, 120), grow_h=st.integers(1, 90),
       parts=st.integers(2, 5), seed=st.integers(0, 2**16))
def test_banded_upscale_is_one_smoothscale(exact: bool, sw: int, sh: int, grow_w: int, grow_h: int,
                                           parts: int, seed: int) -> None:
    use_exact_scaling(exact)
    try:
        src, size = _random_surface((sw, sh), seed), (sw + grow_w, sh + grow_h)
        up = bands.BandedUpscale((sw, sh), size, parts=parts, min_pixels=0)
        assert up.banded == bool(bands.banded_way())
        out = pygame.Surface(size, 0, 32)
        up(src, out)
        whole = pygame.transform.smoothscale(src, size)
        assert np.array_equal(pygame.surfarray.array2d(out), pygame.surfarray.array2d(whole))
    finally:
        use_exact_scaling(True)


def test_both_backends_here_are_banded() -> None:
    """The machines hud runs on (x86 SSE2 and the portable backend) take a banded way; if a pygame
    upgrade broke both ways, this says so instead of silently scaling on one core."""
    use_exact_scaling(True)
    assert bands.banded_way() in ("direct", "copied")
    use_exact_scaling(False)
    try:
        assert bands.banded_way() in ("direct", "copied")
    finally:
        use_exact_scaling(True)


def test_small_pictures_and_one_part_scale_whole() -> None:
    assert not bands.BandedUpscale((640, 360), (700, 400)).banded  # under MIN_BAND_PIXELS
    assert not bands.BandedUpscale((1920, 1080), (3840, 2160), parts=1).banded
    assert not bands.BandedUpscale((100, 100), (100, 200), min_pixels=0).banded  # not enlarged on x


def test_shrinking_and_wrong_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="only enlarges"):
        bands.BandedUpscale((200, 100), (100, 200))
    up = bands.BandedUpscale((10, 10), (20, 20))
    with pytest.raises(ValueError, match=r"given \(11, 10\)"):
        up(pygame.Surface((11, 10)), pygame.Surface((20, 20)))


@given(length=st.integers(1, 5000), parts=st.integers(1, 9))
def test_cuts_cover_every_index_once(length: int, parts: int) -> None:
    spans = bands._cuts(length, parts)
    assert spans[0][0] == 0 and spans[-1][1] == length
    assert all(a < b for a, b in spans) and all(spans[k][1] == spans[k + 1][0] for k in range(len(spans) - 1))
    assert len(spans) == min(parts, length)


def test_the_crew_is_a_few_threads_whatever_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bands.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert bands.workers() == bands.MAX_WORKERS
    monkeypatch.setattr(bands.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert bands.workers() == 1
    # Many bands and a crew asked for more than it has: never more threads than its size.
    seen: set[str] = set()
    lock = threading.Lock()

    def band(i: int, k: int) -> None:
        with lock:
            seen.add(threading.current_thread().name)
        time.sleep(0.002)

    bands.run_bands(40, band, participants=16)
    assert threading.current_thread().name in seen
    assert len(seen) <= bands.CREW.size + 1
    assert bands.CREW.alive <= bands.CREW.size


def test_each_participant_has_its_own_scratch_and_every_band_is_done_once() -> None:
    done: list[tuple[int, int]] = []
    lock = threading.Lock()
    busy: dict[int, bool] = {}

    def band(i: int, k: int) -> None:
        with lock:
            assert not busy.get(k), "two bands at once on one participant's scratch"
            busy[k] = True
        time.sleep(0.001)
        with lock:
            busy[k] = False
            done.append((i, k))

    bands.run_bands(30, band, participants=3)
    assert sorted(i for i, _ in done) == list(range(30))
    assert {k for _, k in done} <= {0, 1, 2}


def test_an_error_in_a_band_reaches_the_caller_and_the_crew_carries_on() -> None:
    def band(i: int, k: int) -> None:
        if i == 5:
            raise ValueError("band 5")

    with pytest.raises(ValueError, match="band 5"):
        bands.run_bands(12, band, participants=2)
    done: list[int] = []
    bands.run_bands(12, lambda i, k: done.append(i), participants=2)
    assert sorted(done) == list(range(12))


def test_run_does_every_task_once_and_raises_the_first_error() -> None:
    done: list[int] = []
    lock = threading.Lock()

    def task(i: int) -> None:
        with lock:
            done.append(i)

    bands.run([lambda i=i: task(i) for i in range(9)])
    assert sorted(done) == list(range(9))

    def fail() -> None:
        raise RuntimeError("band 0")

    with pytest.raises(RuntimeError, match="band 0"):
        bands.run([fail, lambda: None])
