"""`bench`: the median per-frame time of each stage, and each as a ratio to a memory copy.

Why ratios: absolute milliseconds depend on the machine; the ratio to copying one frame's bytes,
timed in the same run, says how much work a stage does per pixel and is comparable across
machines. Nothing here encodes PNGs: output encoding is not part of the frame loop.

The whole-frame goals (`--sizes`) are measured over the city walk's real sequence of frames at
60 frames/s, never one moment rendered again and again: the compositor reuses its panel-side work
while the panel's pixels stay the same (hud.compositor), which a repeated moment would turn into
a cache benchmark. Their yardstick is a cold copy (buffers larger than the CPU's cache), since a
3840x2160 frame does not fit in it either.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from hud import optics
from hud.pg import FAST_SCALING, pygame, use_exact_scaling
from hud.session import Options, Session
from hud.state import HudState

#: Goals as ratios to the memory copy: the core issue's (a frame before optics, the composite) and
#: the optics issue's (all optics stages together).
GOALS = {"whole, no optics": 20.0, "composite": 5.0, "optics": 10.0}


def _median_ms(fn: Callable[[int], object], frames: int) -> float:
    for i in range(min(10, frames)):  # warm caches (glyphs, icons, static scene layers)
        fn(i)
    samples = []
    for i in range(frames):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def states_at(session: Session, times: list[float]) -> list[HudState]:
    """The session's state at each time, so a stage can be timed on render work alone."""
    states: list[HudState] = []
    for t in times:
        session.seek(t)
        states.append(session.state)
    return states


def memory_copy(view: tuple[int, int]) -> Callable[[int], object]:
    """The yardstick: a plain copy of one view-sized RGB frame (every ratio is to this)."""
    src = np.random.default_rng(0).integers(0, 255, (view[1], view[0], 3), dtype=np.uint8)
    dst = np.empty_like(src)
    return lambda i: np.copyto(dst, src)


def measure(frames: int = 200, view: tuple[int, int] = (1280, 720), device: str | None = None,
            background: str = "scene", view_fov: float | None = None) -> dict[str, float]:
    """Median milliseconds per frame for each stage (keys as printed)."""
    session = Session.open(Options(device=device, background=background, view=view, view_fov=view_fov))
    plain = Session.open(Options(device=device, background=background, view=view, optics=frozenset(),
                                 view_fov=view_fov))
    duration = session.scenario.duration
    times = [duration * i / frames for i in range(frames)]
    states = states_at(session, times)
    mid = frames // 2
    fov = session.view_fov or session.camera_hfov
    bg = session.background.view(times[mid], view, fov).copy()
    panel = plain.panel.render(states[mid], times[mid]).copy()
    session.panel.render(states[mid], times[mid])

    def with_optics(i: int) -> None:
        """The compositor's work with every optics stage: estimate the light, relight, effects, add
        (a new light level every frame, so the panel-side work is redone every time)."""
        g = session.light(bg)[2] * (1 + (i % 2) * 0.01)  # a new gain every frame: no palette reuse
        session.compositor.compose(bg, session.panel.relit(optics.light_palette(session.panel.palette, g)))

    def uncached(i: int) -> None:
        """The composite of one moment again and again: its cache off, else it would time nothing."""
        plain.compositor.cache = False
        try:
            plain.compositor.compose(bg, panel)
        finally:
            plain.compositor.cache = True

    def whole(i: int) -> None:
        session.seek(times[i])
        session.render_composite()

    def whole_plain(i: int) -> None:
        plain.seek(times[i])
        plain.render_composite()

    results = {"memory copy": _median_ms(memory_copy(view), frames)}
    # The window's configuration: this CPU's fastest smoothscale.
    use_exact_scaling(False)
    try:
        results["background"] = _median_ms(lambda i: session.background.view(times[i], view, fov), frames)
        results["panel render"] = _median_ms(lambda i: session.panel.render(states[i], times[i]), frames)
        results["composite"] = _median_ms(uncached, frames)
        results["composite+optics"] = _median_ms(with_optics, frames)
        results["optics"] = results["composite+optics"] - results["composite"]
        results["whole, no optics"] = _median_ms(whole_plain, frames)
        results["whole frame"] = _median_ms(whole, frames)
    finally:
        use_exact_scaling(True)
    # Screenshots and tests use the portable smoothscale, which costs more.
    results["composite (exact)"] = _median_ms(uncached, frames)
    results["whole (exact)"] = _median_ms(whole, frames)
    session.close()
    plain.close()
    return results


def run_bench(frames: int = 200, view: tuple[int, int] = (1280, 720), device: str | None = None,
              background: str = "scene", view_fov: float | None = None) -> str:
    results = measure(frames, view, device, background, view_fov)
    copy = results["memory copy"]
    fov = "default" if view_fov is None else f"{view_fov:g}°"
    lines = [f"hud bench: {frames} frames per stage, view {view[0]}x{view[1]} ({fov} field of view), "
             f"device {device or 'generic'}, "
             f"background {background}, smoothscale {FAST_SCALING} (window) / GENERIC (exact)",
             f"{'stage':<19}{'median ms':>10}{'x copy':>9}  goal"]
    for stage, ms in results.items():
        ratio = ms / copy
        goal = GOALS.get(stage)
        verdict = "" if goal is None else f"<= {goal:g}x  {'ok' if ratio <= goal else 'OVER'}"
        lines.append(f"{stage:<19}{ms:>10.3f}{ratio:>9.1f}  {verdict}")
    return "\n".join(lines)


#: Whole-frame goals over the 60 frames/s sequence: median at most this many cold copies, and at
#: most this many milliseconds at 3840x2160 (60 frames/s with room for the window's own blit).
SEQUENCE_GOAL_RATIO = 10.0
SEQUENCE_GOAL_4K_MS = 16.0
SEQUENCE_FPS = 60


def cache_bytes() -> int:
    """The CPU's largest cache in bytes (32 MiB when the system does not say)."""
    sizes = []
    for path in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*/size"):
        text = path.read_text().strip().upper()
        scale = {"K": 1024, "M": 1024 ** 2}.get(text[-1:], 1)
        sizes.append(int(text.rstrip("KM")) * scale)
    return max(sizes, default=32 * 1024 ** 2)


def cold_copy_ms(view: tuple[int, int], repeats: int = 30) -> float:
    """The median time of copying one view-sized RGB frame whose buffers are not in the cache:
    it copies through a ring of frames at least four times the CPU's largest cache."""
    frame = view[0] * view[1] * 3
    pairs = max(2, math.ceil(4 * cache_bytes() / (2 * frame)))
    ring = [(np.full(frame, i % 256, np.uint8), np.zeros(frame, np.uint8)) for i in range(pairs)]
    samples = []
    for i in range(max(repeats, 2 * pairs)):
        src, dst = ring[i % pairs]
        start = time.perf_counter()
        np.copyto(dst, src)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples[pairs:]) * 1000  # the first round also faults the pages in


def sequence_times(frames: int, duration: float, stretches: int = 6) -> list[list[float]]:
    """Clock times of `frames` frames at 60 frames/s: `stretches` runs of consecutive frames spread
    evenly over the scenario (each run is a real sequence; together they visit every phase)."""
    stretches = max(1, min(stretches, frames))
    per = max(1, frames // stretches)
    span = per / SEQUENCE_FPS
    starts = [(duration - span) * k / stretches for k in range(stretches)] if duration > span else [0.0]
    return [[start + i / SEQUENCE_FPS for i in range(per)] for start in starts]


def sequence(frames: int, view: tuple[int, int], device: str | None = None, background: str = "scene",
             view_fov: float | None = None) -> dict[str, float]:
    """The whole frame with every optics stage over the city walk's frames at 60 frames/s: median and
    p99 in milliseconds, with the share of frames whose panel-side work was reused, and the median
    of the background source's share of each frame ("world": the view, the light meter's picture and
    the code reader's)."""
    session = Session.open(Options(device=device, background=background, view=view, view_fov=view_fov))
    runs = sequence_times(frames, session.scenario.duration)
    world = _WorldClock(session.background)
    use_exact_scaling(False)  # the window's configuration
    try:
        for _ in range(3):  # warm the glyph, icon and scene caches on the first moment
            session.seek(runs[0][0])
            session.render_composite()
        samples: list[float] = []
        worlds: list[float] = []
        redone = 0
        for run in runs:
            if run[0] >= 1 / SEQUENCE_FPS:  # arrive as the frame before would have (untimed)
                session.seek(run[0] - 1 / SEQUENCE_FPS)
                session.render_composite()
            before = getattr(session.compositor, "redone", 0)
            for t in run:
                world.spent = 0.0
                start = time.perf_counter()
                session.seek(t)
                session.render_composite()
                samples.append(time.perf_counter() - start)
                worlds.append(world.spent)
            redone += getattr(session.compositor, "redone", 0) - before
    finally:
        world.remove()
        use_exact_scaling(True)
        session.close()
    samples.sort()
    p99 = samples[min(len(samples) - 1, math.ceil(0.99 * len(samples)) - 1)]
    return {"median": statistics.median(samples) * 1000, "p99": p99 * 1000,
            "reused": 1 - redone / len(samples), "frames": float(len(samples)),
            "world": statistics.median(worlds) * 1000}


class _WorldClock:
    """Times a background source's `view` and `frame` calls (the outermost only: a street scene's
    `frame` calls its `view`), in the frames `sequence` times, so the report can say how much of a
    frame the world behind the HUD took, measured in the same frames."""

    def __init__(self, source: object) -> None:
        self.source, self.spent, self._depth = source, 0.0, 0
        for name in ("view", "frame"):
            setattr(source, name, self._timed(getattr(source, name)))

    def _timed(self, fn: Callable[..., object]) -> Callable[..., object]:
        def timed(*args: object, **kwargs: object) -> object:
            self._depth += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.spent += time.perf_counter() - start
        return timed

    def remove(self) -> None:
        for name in ("view", "frame"):
            vars(self.source).pop(name, None)  # the methods again


def run_sizes(sizes: list[tuple[int, int]], frames: int = 360, device: str | None = None,
              background: str = "scene", view_fov: float | None = None) -> str:
    """The whole-frame goals at each size, from one run: median and p99 over the 60 frames/s
    sequence, each against a cold copy of a frame of that size, marked met or missed."""
    lines = [f"whole frame, all optics, over the city walk at {SEQUENCE_FPS} frames/s ({frames} frames in "
             f"{len(sequence_times(frames, 60.0))} runs of consecutive frames per size); yardstick: a cold copy "
             f"(buffers 4x the {cache_bytes() // 1024 ** 2} MiB cache)",
             f"{'view':<11}{'median ms':>10}{'p99 ms':>9}{'cold copy':>10}{'median x':>9}{'p99 x':>7}"
             f"{'reused':>8}{'world':>8}  goals (world: the median ms of a frame spent on pictures of the world, "
             f"the view, the light meter's and the code reader's, in the same frames)"]
    copies = {view: cold_copy_ms(view) for view in sizes}
    for view in sizes:
        lines.append(_sequence_row(view, copies[view], sequence(frames, view, device, background, view_fov)))
    if background.startswith("scene"):
        # The same walk over a still picture of the street: what the HUD and the optics cost alone,
        # so the rest of the rows above is the moving scene's (README "Performance").
        import tempfile

        from hud.background import open_background

        with tempfile.TemporaryDirectory() as tmp:
            still = Path(tmp) / "street-16s.png"
            source = open_background(background)
            try:
                pygame.image.save(source.frame(16.0, (1920, 1080)), str(still))
            finally:
                source.stop()
            lines.append("the same over a still picture of the street (the scene at 16 s, 1920x1080 PNG): the HUD "
                         "and optics alone")
            for view in sizes:
                lines.append(_sequence_row(view, copies[view], sequence(frames, view, device, str(still), view_fov)))
    return "\n".join(lines)


def _sequence_row(view: tuple[int, int], copy: float, got: dict[str, float]) -> str:
    """One size's row: the figures, each goal met or missed, and for a missed goal whether the
    world behind the HUD alone (measured in the same frames) is already over it: the floor."""
    ratio = got["median"] / copy
    budget = SEQUENCE_GOAL_RATIO * copy
    goals = [f"<= {SEQUENCE_GOAL_RATIO:g}x copy: {'met' if ratio <= SEQUENCE_GOAL_RATIO else 'MISSED'}"]
    if view == (3840, 2160):
        met = got["median"] <= SEQUENCE_GOAL_4K_MS
        goals.append(f"<= {SEQUENCE_GOAL_4K_MS:g} ms: {'met' if met else 'MISSED'}")
        budget = min(budget, SEQUENCE_GOAL_4K_MS)
    row = (f"{view[0]}x{view[1]:<6}{got['median']:>10.2f}{got['p99']:>9.2f}{copy:>10.3f}{ratio:>9.1f}"
           f"{got['p99'] / copy:>7.1f}{got['reused']:>8.0%}{got['world']:>8.2f}  {'; '.join(goals)}")
    if got["median"] > budget:
        world = got["world"]
        row += (f" (the world alone {world:.2f} ms, {world / budget:.0%} of the {budget:.2f} ms allowed: "
                + ("over it before the HUD draws)" if world > budget else
                   f"{got['median'] - world:.2f} ms for the HUD, optics and compositor)"))
    return row



def other_goals(video_frames: int = 100) -> Iterator[str]:
    """The frame-cost goals measured by their own benches, one report each, for `bench --sizes` to
    print after the whole-frame table (each is also its own `bench` flag): a video background frame,
    time to first frame, a snapshot check, and the push path under flood. A bench that cannot run
    here (no PyAV, no tests folder in an installed copy) says why instead of stopping the others."""
    import tempfile

    def video() -> str:
        from hud.background.video_bench import run_video_bench, write_test_video

        with tempfile.TemporaryDirectory() as tmp:
            return run_video_bench(write_test_video(Path(tmp) / "street-720p.mp4"), video_frames)

    def first_frame() -> str:
        from hud.startup import run_first_frame_bench

        return run_first_frame_bench()

    def snapshots() -> str:
        from hud.testing.bench import run_snapshot_bench

        return run_snapshot_bench()

    def push() -> str:
        from hud.push.bench import run_push_bench

        return run_push_bench()

    for name, bench in (("--video generate", video), ("--first-frame", first_frame), ("--snapshots", snapshots),
                        ("--push", push)):
        try:
            yield bench()
        except (ImportError, ValueError, OSError) as exc:
            yield f"bench {name}: not measured here: {str(exc).strip().splitlines()[0]}"
