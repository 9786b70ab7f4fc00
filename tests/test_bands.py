"""hud.bands: a pass cut into bands gives the bytes of one call, and the pool behaves."""

from __future__ import annotations

import threading

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


def test_run_waits_for_every_task_and_raises_the_first_error() -> None:
    done: list[int] = []
    finished = threading.Event()

    def slow() -> None:
        finished.wait(5)
        done.append(2)

    def fail() -> None:
        finished.set()
        raise RuntimeError("band 0")

    with pytest.raises(RuntimeError, match="band 0"):
        bands.run([fail, slow])
    assert done == [2]  # the other band had finished before the error was raised


def test_pool_threads_are_named_and_bounded() -> None:
    bands.run([lambda: None, lambda: None, lambda: None])
    names = [t.name for t in threading.enumerate() if t.name.startswith(bands.POOL_NAME)]
    assert names and len(names) <= bands.MAX_WORKERS - 1
    assert 1 <= bands.workers() <= bands.MAX_WORKERS
