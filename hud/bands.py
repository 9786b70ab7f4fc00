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

The threads are one crew for the process (`CREW`), shared by every banded pass (the street
scene's raycast and its upscale): see `_Crew` for why they linger between frames and then go.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import deque
from collections.abc import Callable

import numpy as np

from hud.pg import pygame

__all__ = ["CREW", "LINGER", "MAX_WORKERS", "MIN_BAND_PIXELS", "THREAD_NAME", "BandedUpscale", "banded_way",
           "run", "run_bands", "workers"]

THREAD_NAME = "hud-band"
MAX_WORKERS = 4  # threads sharing a frame's bands, at most
LINGER = 0.1  # seconds a crew thread waits for the next frame's bands before it exits
#: Below this many output pixels a pass runs whole: the hand-off to a thread (about 50 us) costs
#: more than a band saves (1280x720's 0.9 Mpx upscale takes about 1 ms with SSE2).
MIN_BAND_PIXELS = 600_000
#: smoothscale backend -> how its Y pass may be banded ("direct" into `dst`, "copied" through a
#: surface per band, or "" when neither gives one call's bytes).
_ways: dict[str, str] = {}


class _Crew:
    """Threads that run bands of a frame beside the caller.

    Why they linger and then go: a frame at 60 (or even 10) frames/s finds them waiting, so each
    frame costs a hand-over, not a thread start; after LINGER seconds without work they exit, so
    nothing is left running once rendering stops (the test suite fails any test that leaves a
    thread behind, and a program needs no shutdown call). They are daemon threads, so they never
    hold up the interpreter's exit either. If every thread is busy (another view rendering on
    another thread), the caller takes the bands itself and the late job, once a thread is free,
    finds none left.
    """

    def __init__(self, size: int, linger: float = LINGER) -> None:
        self.size, self.linger = size, linger
        self._started = 0
        self.forget()

    def forget(self) -> None:
        """Start again with no threads: in a forked child, which inherits the crew's count but
        none of its threads (a fork mid-frame would otherwise leave bands no thread will run)."""
        self._cond = threading.Condition()
        self._queue: deque[Callable[[], None]] = deque()
        self._alive = 0

    @property
    def alive(self) -> int:
        """How many of the crew's threads are running now."""
        with self._cond:
            return self._alive

    def submit(self, jobs: list[Callable[[], None]]) -> None:
        """Queue `jobs`, starting threads (up to the crew's size) to run them."""
        with self._cond:
            self._queue.extend(jobs)
            while self._alive < min(self.size, len(self._queue)):
                self._alive += 1
                self._started += 1
                threading.Thread(target=self._work, name=f"{THREAD_NAME}-{self._started}", daemon=True).start()
            self._cond.notify(len(jobs))

    def _work(self) -> None:
        with self._cond:
            while True:
                if self._queue:
                    job = self._queue.popleft()
                    self._cond.release()
                    try:
                        job()  # (never raises: a band's errors are handed to its caller)
                    finally:
                        del job
                        self._cond.acquire()
                elif not self._cond.wait(self.linger) and not self._queue:
                    self._alive -= 1  # (under the lock: a submit after this starts a new thread)
                    return


def workers() -> int:
    """How many threads (the caller included) share a frame's bands: the cores this process may
    run on, at most MAX_WORKERS (the passes are memory bound, so more cores would add little; only
    two have been measured)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every platform)
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


#: The process's crew: no thread until a frame's bands are queued, none once frames stop coming.
CREW = _Crew(MAX_WORKERS - 1)
if hasattr(os, "register_at_fork"):  # (not on Windows)
    os.register_at_fork(after_in_child=CREW.forget)


def run_bands(count: int, band: Callable[[int, int], None], participants: int) -> None:
    """Call `band(i, k)` for every band i < count, participant k using scratch set k: the caller
    is participant 0 and up to `participants - 1` crew threads join it, each taking the next band
    not yet taken. Returns once every band is done; re-raises the first error any band raised."""
    lock = threading.Lock()
    bands = iter(range(count))
    # Crew threads reach `band` only through this list, emptied before returning: `band` holds the
    # caller's array (often a locked Surface's pixels), which must not outlive the call.
    todo = [band]
    errors: list[BaseException] = []

    def take() -> int | None:
        with lock:
            return None if errors else next(bands, None)

    def participant(k: int) -> None:
        try:
            while (i := take()) is not None:
                todo[0](i, k)
        except BaseException as error:  # (handed to the caller below)
            with lock:
                errors.append(error)

    helpers = min(participants, count, CREW.size + 1) - 1
    done = [threading.Event() for _ in range(helpers)]

    def helper(k: int, event: threading.Event) -> Callable[[], None]:
        def job() -> None:
            try:
                participant(k)
            finally:
                event.set()
        return job

    if helpers > 0:
        CREW.submit([helper(k + 1, event) for k, event in enumerate(done)])
    participant(0)
    for event in done:
        event.wait()
    todo.clear()
    if errors:
        raise errors[0]


def run(tasks: list[Callable[[], object]]) -> None:
    """Run `tasks` at once on the crew (the caller takes part); return when all are done, raising the
    first error (a task not yet started when one fails is not started)."""
    def one(i: int, k: int) -> None:
        tasks[i]()

    run_bands(len(tasks), one, participants=workers())


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
