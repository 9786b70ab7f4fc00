"""`bench --first-frame`: how long `python main.py --headless` takes to its first frame, as a user waits.

Why a child process: the time a user waits includes starting the interpreter and importing
everything, which no in-process timer sees. Each run is a fresh `python -c` that runs hud's
`main` exactly as `main.py` does, with one wrapper around `Session.render_composite` that
prints the system's monotonic clock when the first frame is done; the bench reads the same
clock just before starting the child (Linux, macOS and Windows share that clock between
processes). The first run has an empty cache folder (a first start: the street scene is
painted and stored), the others find what it stored (every later start).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from hud import paths

__all__ = ["GOAL_S", "PROBE", "first_frame_seconds", "run_first_frame_bench"]

GOAL_S = 1.0
ARGS = ("--headless", "--seconds", "0")
MARK = "hud-first-frame"
#: The child: hud's main, with the moment of the first rendered frame written to stderr.
PROBE = f"""
import sys, time
from hud import session as _session
_render = _session.Session.render_composite
_done = []
def _first(self):
    frame = _render(self)
    if not _done:
        _done.append(1)
        print("\\n{MARK} %.6f" % time.monotonic(), file=sys.stderr, flush=True)
    return frame
_session.Session.render_composite = _first
from hud.cli import main
sys.exit(main(sys.argv[1:]))
"""


def first_frame_seconds(cache: str, args: tuple[str, ...] = ARGS) -> float:
    """One run's seconds from starting the child to its first frame, with `cache` as XDG_CACHE_HOME."""
    env = {k: v for k, v in os.environ.items() if k != "HUD_NO_CACHE"}
    env["XDG_CACHE_HOME"] = cache
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=paths.PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    found = re.search(rf"^{MARK} ([0-9.]+)$", done.stderr, re.MULTILINE)
    if done.returncode != 0 or found is None:
        raise ValueError(f"python main.py {' '.join(args)} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return float(found.group(1)) - start


def run_first_frame_bench(runs: int = 5) -> str:
    """The median of `runs` cached starts beside the goal, and the first, uncached start."""
    with tempfile.TemporaryDirectory() as cache:
        cold = first_frame_seconds(cache)
        warm = [first_frame_seconds(cache) for _ in range(runs)]
    median = statistics.median(warm)
    verdict = "met" if median <= GOAL_S else "MISSED"
    return "\n".join([
        f"hud first-frame bench: python main.py {' '.join(ARGS)}, from process start to the first frame rendered",
        f"time to first frame: median {median:.3f} s of {runs} runs ({min(warm):.3f}-{max(warm):.3f})   "
        f"goal <= {GOAL_S:g} s: {verdict}",
        f"first start (empty cache: the street scene painted and stored): {cold:.3f} s",
    ])
