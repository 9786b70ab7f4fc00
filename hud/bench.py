"""`bench`: the median per-frame time of each stage, and each as a ratio to a memory copy.

Why ratios: absolute milliseconds depend on the machine; the ratio to copying one frame's bytes,
timed in the same run, says how much work a stage does per pixel and is comparable across
machines. Nothing here encodes PNGs: output encoding is not part of the frame loop.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from hud import optics
from hud.pg import FAST_SCALING, use_exact_scaling
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
        """The compositor's work with every optics stage: estimate the light, relight, effects, add."""
        g = session.light(bg)[2] * (1 + (i % 2) * 0.01)  # a new gain every frame: no palette reuse
        session.compositor.compose(bg, session.panel.relit(optics.light_palette(session.panel.palette, g)))

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
        results["composite"] = _median_ms(lambda i: plain.compositor.compose(bg, panel), frames)
        results["composite+optics"] = _median_ms(with_optics, frames)
        results["optics"] = results["composite+optics"] - results["composite"]
        results["whole, no optics"] = _median_ms(whole_plain, frames)
        results["whole frame"] = _median_ms(whole, frames)
    finally:
        use_exact_scaling(True)
    # Screenshots and tests use the portable smoothscale, which costs more.
    results["composite (exact)"] = _median_ms(lambda i: plain.compositor.compose(bg, panel), frames)
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
