"""A frame's heavy pixel passes split into bands, run on every core.

Why: at 3840x2160 one smoothscale of the street scene up from its raycast size takes 8.7 ms with
SSE2 (34 ms with the exact, portable backend), all on one core while the others idle. pygame-ce
releases the GIL inside its transforms, so bands of one pass run truly in parallel in threads.

Why the result is the same bytes: a smoothscale that enlarges both axes filters X, then Y (checked:
scaling to (W, h) and then to (W, H) gives the very bytes of one call, on both backends). The X
pass treats each row alone, so row bands of it are exact; the Y pass treats each column alone, so
column bands of it are exact. Each band reads a subsurface; the exact (GENERIC) backend of
pygame-ce 2.5 ignores a destination subsurface's pitch in its Y pass, so there a column band is
scaled into a surface of its own and blitted into place. Which of the two ways a backend takes is
proven, not assumed: the banded bytes are compared with one call's on a small random picture,
once per backend and process, and a backend that passes neither way is scaled whole.

The pool's threads are named `POOL_NAME`-n and live as long as the process (they hold no files,
sockets or devices; starting threads per frame would cost more than the bands save).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from hud.pg import pygame

__all__ = ["MIN_BAND_PIXELS", "POOL_NAME", "BandedUpscale", "banded_way", "run", "workers"]

POOL_NAME = "hud-bands"
#: Below this many output pixels a pass runs whole: the hand-off to a thread (about 50 us) costs
#: more than a band saves (1280x720's 0.9 Mpx upscale takes about 1 ms with SSE2).
MIN_BAND_PIXELS = 600_000
MAX_WORKERS = 4

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
#: smoothscale backend -> how its Y pass may be banded ("direct" into `dst`, "copied" through a
#: surface per band, or "" when neither gives one call's bytes).
_ways: dict[str, str] = {}


def workers() -> int:
    """How many bands a pass is cut into: the cores this process may run on, at most MAX_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, workers() - 1), thread_name_prefix=POOL_NAME)
        return _pool


def run(tasks: list[Callable[[], object]]) -> None:
    """Run `tasks` at once, the first in the calling thread and the rest in the pool; return when all
    are done, raising the first task's error if any failed."""
    if len(tasks) <= 1:
        for task in tasks:
            task()
        return
    pool = _executor()
    futures: list[Future[object]] = [pool.submit(task) for task in tasks[1:]]
    error: BaseException | None = None
    try:
        tasks[0]()
    except BaseException as exc:  # wait for the others before raising: they write into shared surfaces
        error = exc
    for future in futures:
        failed = future.exception()
        if error is None and failed is not None:
            error = failed
    if error is not None:
        raise error


def _cuts(length: int, parts: int) -> list[tuple[int, int]]:
    """`length` cut into `parts` nearly equal [start, end) spans, none empty."""
    parts = max(1, min(parts, length))
    edges = [length * k // parts for k in range(parts + 1)]
    return list(itertools.pairwise(edges))


class BandedUpscale:
    """`smoothscale(src, dst.get_size(), dst)` for a source no larger than `dst` on either axis, cut
    into row bands (X pass) and column bands (Y pass); keeps the X pass's surface between calls."""

    def __init__(self, src_size: tuple[int, int], dst_size: tuple[int, int], parts: int | None = None,
                 min_pixels: int = MIN_BAND_PIXELS) -> None:
        if src_size[0] > dst_size[0] or src_size[1] > dst_size[1]:
            raise ValueError(f"BandedUpscale only enlarges: {src_size} -> {dst_size}")
        self.src_size, self.dst_size = src_size, dst_size
        self.parts = parts if parts is not None else workers()
        self.min_pixels = min_pixels
        self._wide: pygame.Surface | None = None  # the X pass's result, dst's width by src's height
        self._columns: list[pygame.Surface] = []  # the Y pass's bands, where they cannot go direct

    @property
    def banded(self) -> bool:
        """Whether a call is cut into bands (a big enough picture, several cores, an enlargement on
        both axes, and a backend whose banded bytes were proven equal)."""
        (sw, sh), (dw, dh) = self.src_size, self.dst_size
        return (self.parts > 1 and dw * dh >= self.min_pixels and dw > sw and dh > sh
                and bool(banded_way()))

    def __call__(self, src: pygame.Surface, dst: pygame.Surface) -> None:
        if src.get_size() != self.src_size or dst.get_size() != self.dst_size:
            raise ValueError(f"BandedUpscale for {self.src_size} -> {self.dst_size}; "
                             f"given {src.get_size()} -> {dst.get_size()}")
        if not self.banded:
            pygame.transform.smoothscale(src, self.dst_size, dst)
            return
        wide = self._wide
        if wide is None or wide.get_bitsize() != dst.get_bitsize():
            wide = self._wide = pygame.Surface((self.dst_size[0], self.src_size[1]), 0, dst)
            self._columns = []
        direct = banded_way() == "direct"
        if not direct and not self._columns:
            self._columns = [pygame.Surface((c1 - c0, self.dst_size[1]), 0, dst)
                             for c0, c1 in _cuts(self.dst_size[0], self.parts)]
        _banded(src, dst, wide, self.parts, None if direct else self._columns)


def _banded(src: pygame.Surface, dst: pygame.Surface, wide: pygame.Surface, parts: int,
            columns: list[pygame.Surface] | None = None) -> None:
    """The two passes in bands; the Y pass into `dst` directly, or into `columns` (one surface per
    column band) and then blitted into place."""
    (sw, sh), (dw, dh) = src.get_size(), dst.get_size()
    smooth = pygame.transform.smoothscale

    def x_pass(r0: int, r1: int) -> Callable[[], object]:
        return lambda: smooth(src.subsurface((0, r0, sw, r1 - r0)), (dw, r1 - r0),
                              wide.subsurface((0, r0, dw, r1 - r0)))

    def y_pass(k: int, c0: int, c1: int) -> Callable[[], object]:
        if columns is None:
            return lambda: smooth(wide.subsurface((c0, 0, c1 - c0, sh)), (c1 - c0, dh),
                                  dst.subsurface((c0, 0, c1 - c0, dh)))

        def copied() -> None:
            smooth(wide.subsurface((c0, 0, c1 - c0, sh)), (c1 - c0, dh), columns[k])
            dst.blit(columns[k], (c0, 0))
        return copied

    run([x_pass(r0, r1) for r0, r1 in _cuts(sh, parts)])
    run([y_pass(k, c0, c1) for k, (c0, c1) in enumerate(_cuts(dw, parts))])


def banded_way() -> str:
    """How the active smoothscale backend's Y pass may be banded: "direct", "copied", or "" (not at
    all). Proven once per backend on a random 61x37 -> 250x151 picture in 3 bands (odd sizes, so
    band edges fall mid-pixel) against one call's bytes."""
    backend = pygame.transform.get_smoothscale_backend()
    found = _ways.get(backend)
    if found is None:
        rng = np.random.default_rng(7)
        src = pygame.Surface((61, 37), 0, 32)
        pygame.surfarray.blit_array(src, rng.integers(0, 1 << 24, (61, 37), dtype=np.uint32))
        whole = pygame.surfarray.array2d(pygame.transform.smoothscale(src, (250, 151)))
        found = ""
        for way in ("direct", "copied"):
            out = pygame.Surface((250, 151), 0, 32)
            columns = None if way == "direct" else [pygame.Surface((c1 - c0, 151), 0, 32) for c0, c1 in _cuts(250, 3)]
            _banded(src, out, pygame.Surface((250, 37), 0, 32), 3, columns)
            if np.array_equal(whole, pygame.surfarray.array2d(out)):
                found = way
                break
        _ways[backend] = found
    return found
