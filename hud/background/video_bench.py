"""`bench --video`: what a video background costs per frame, stage by stage, against a memory copy.

Why its own module: it drives a whole `Session`, which imports the background package, so it
cannot live in `video.py` itself; and it reuses `hud.bench`'s timing helper so both benches
measure the same way (median of N frames after a warm-up, as a ratio to copying one frame).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hud import optics
from hud.background.video import VideoBackground, require_av
from hud.bench import _median_ms, memory_copy, states_at
from hud.pg import FAST_SCALING, use_exact_scaling
from hud.session import Options, Session

__all__ = ["FRAME_BUDGET_MS", "measure_video", "run_video_bench", "write_test_video"]

VIEW = (1280, 720)
CLOCK_FPS = 60.0
FRAME_BUDGET_MS = 1000 / CLOCK_FPS
#: The frame-cost goal for a whole 1280x720 frame over a video (each frame a new video frame).
GOAL_MS = 8.0


def write_test_video(path: Path, size: tuple[int, int] = VIEW, seconds: float = 10.0, fps: int = 30) -> Path:
    """A synthetic H.264 clip with detail and motion everywhere (so the decoder does real work):
    fixed-seed noise scrolling under moving gradients and a moving block, a keyframe every 2 s."""
    av = require_av("the video benchmark")
    width, height = size
    rng = np.random.default_rng(0)
    texture = rng.integers(0, 60, (height * 2, width * 2, 3), dtype=np.uint8)
    ys, xs = np.mgrid[0:height, 0:width]
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = 2 * fps
        stream.options = {"crf": "23", "preset": "veryfast"}
        for i in range(round(seconds * fps)):
            top, left = (i * 3) % height, (i * 7) % width
            picture = texture[top:top + height, left:left + width].copy()
            picture[..., 0] += ((xs + 4 * i) % 256 // 2).astype(np.uint8)
            picture[..., 1] += ((ys + 2 * i) % 256 // 2).astype(np.uint8)
            x = (100 + 10 * i) % width
            picture[height // 2 - 80:height // 2 + 80, max(0, x - 80):x + 80] = (230, 200, 40)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def measure_video(path: Path, frames: int = 200) -> dict[str, float]:
    """Median milliseconds per frame for each stage (keys as printed), at 1280x720."""
    session = Session.open(Options(background=str(path), view=VIEW))
    decoder = VideoBackground(path, ahead=False)  # decoding's own cost, nothing done ahead
    try:
        times = [i / CLOCK_FPS for i in range(frames)]
        states = states_at(session, times)
        mid = frames // 2
        background = session.background.frame(times[mid], VIEW).copy()
        session.panel.render(states[mid], times[mid])
        step = 1 / float(decoder.fps)

        def composite(i: int) -> None:
            """Light estimate, relight, optics and the additive composite: all a frame does after
            the background and the panel are drawn."""
            gain = session.light(background)[2] * (1 + (i % 2) * 0.01)  # a new gain each frame: no reuse
            session.compositor.compose(background, session.panel.relit(
                optics.light_palette(session.panel.palette, gain)))

        def whole(i: int) -> None:
            session.seek(times[i])
            session.render_composite()

        def whole_new(i: int) -> None:
            session.seek(i * step)
            session.render_composite()

        results = {"memory copy": _median_ms(memory_copy(VIEW), frames)}
        use_exact_scaling(False)  # the window's configuration
        try:
            results["video decode"] = _median_ms(lambda i: decoder.frame(i * step, VIEW), frames)
            results["frame(t) @60fps"] = _mean_ms(lambda i: session.background.frame(times[i], VIEW), frames)
            results["panel render"] = _median_ms(lambda i: session.panel.render(states[i], times[i]), frames)
            results["optics+composite"] = _median_ms(composite, frames)
            results["whole @60fps"] = _mean_ms(whole, frames)
            results["whole, new video"] = _median_ms(whole_new, frames)
            video = session.background
            if isinstance(video, VideoBackground):  # the same frames with nothing decoded ahead
                video.ahead = False
                try:
                    results["whole, new, on call"] = _median_ms(whole_new, frames)
                finally:
                    video.ahead = True
        finally:
            use_exact_scaling(True)
        results["whole (exact)"] = _median_ms(whole_new, frames)
    finally:
        decoder.stop()
        session.close()
    return results


def _mean_ms(fn: Callable[[int], object], frames: int) -> float:
    """Mean milliseconds per call after the same warm-up as `_median_ms`. Why a mean: on a 60 fps
    clock a 30 fps video decodes on every second call only, and the median of such a mix is
    meaningless; the mean is what a frame costs on average."""
    for i in range(min(10, frames)):
        fn(i)
    start = time.perf_counter()
    for i in range(frames):
        fn(i)
    return (time.perf_counter() - start) / frames * 1000


#: What each stage measures, as printed beside it.
NOTES = {
    "video decode": "median, every call a new video frame",
    "frame(t) @60fps": "mean, 60 fps clock: every second call is the cached frame",
    "panel render": "median",
    "optics+composite": "median: light estimate, relight, optics, additive composite",
    "whole @60fps": "mean, 60 fps clock: session.seek + render_composite",
    "whole, new video": "median, every frame a new video frame (the next decoded ahead on a worker thread)",
    "whole, new, on call": "median, the same with each video frame decoded when asked for (no worker)",
    "whole (exact)": "median, every frame a new video frame, portable smoothscale (screenshots)",
}


def run_video_bench(path: Path, frames: int = 200) -> str:
    """The report `bench --video` prints: each stage's time, its ratio to the copy, and whether a
    whole frame fits the 60 fps budget (judged on the frames that decode a new video frame)."""
    path = Path(path)
    source = VideoBackground(path)
    source.stop()
    results = measure_video(path, frames)
    copy = results["memory copy"]
    lines = [f"hud video bench: {path.name} ({source.size[0]}x{source.size[1]}, {float(source.fps):g} fps, "
             f"{source.frame_count} frames), view {VIEW[0]}x{VIEW[1]}, {frames} frames per stage, "
             f"smoothscale {FAST_SCALING} (window) / GENERIC (exact)",
             f"{'stage':<19}{'ms':>8}{'x copy':>9}"]
    for stage, ms in results.items():
        lines.append(f"{stage:<19}{ms:>8.3f}{ms / copy:>9.1f}  {NOTES.get(stage, '')}".rstrip())
    window = results["whole, new video"]
    verdict = "makes" if window <= FRAME_BUDGET_MS else "misses"
    lines.append(f"the window {verdict} {CLOCK_FPS:g} fps: a whole frame with a new video frame takes {window:.1f} ms "
                 f"of {FRAME_BUDGET_MS:.1f} ms (headless renders, {results['whole (exact)']:.1f} ms, need not keep up)")
    if VIEW == (1280, 720):
        lines.append(f"goal: a whole 1280x720 frame with a new video frame under {GOAL_MS:g} ms: "
                     f"{'met' if window < GOAL_MS else 'MISSED'} ({window:.2f} ms)")
    return "\n".join(lines)
