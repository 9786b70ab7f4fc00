"""`bench --snapshots`: how long a snapshot check takes (render, read the golden, compare).

Runs the project's own snapshot suite (`tests/test_snapshots*.py`) serially in a child pytest,
which records every check's milliseconds, and times the whole suite from the outside.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hud import paths


def child_command(suite: list[Path], timings: Path, report: Path) -> list[str]:
    """The serial child pytest.

    Why not `-p no:xdist`: the project's ini adds `-n auto` (then "unrecognized arguments: -n")
    and its conftest implements an xdist hook (then "unknown hook"). So the ini's addopts are
    emptied and, when xdist is installed, `-n 0` says serial explicitly.
    """
    serial = ["-n", "0"] if importlib.util.find_spec("xdist") is not None else []
    return [sys.executable, "-m", "pytest", "-q", "-o", "addopts=", *serial, "-p", "no:cacheprovider",
            f"--snapshot-timings={timings}", f"--snapshot-report={report}", *map(str, suite)]


def child_env() -> dict[str, str]:
    """This environment without PYTEST_ADDOPTS, which could bring `-n` (or anything else) back."""
    return {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}


def run_snapshot_bench() -> str:
    suite = sorted((paths.PROJECT_ROOT / "tests").glob("test_snapshots*.py"))
    if not suite:
        raise ValueError(f"no snapshot suite found (tests/test_snapshots*.py under {paths.PROJECT_ROOT})")
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "timings.json"
        start = time.perf_counter()
        done = subprocess.run(child_command(suite, timings, Path(tmp) / "report"),
                              cwd=paths.PROJECT_ROOT, capture_output=True, text=True, env=child_env())
        wall = time.perf_counter() - start
        if done.returncode != 0 or not timings.exists():
            raise ValueError("the snapshot suite failed; run it with pytest to see why:\n"
                             + (done.stdout + done.stderr)[-2000:])
        ms = json.loads(timings.read_text())
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    median, p90 = statistics.median(ms), statistics.quantiles(ms, n=10)[-1]
    return "\n".join([
        f"hud snapshot bench: {len(ms)} checks in {len(suite)} file(s), serial",
        f"median per check (render, read golden, compare): {median:.2f} ms   goal <= 5 ms: {_verdict(median <= 5)}",
        f"p90 per check: {p90:.2f} ms   goal <= 20 ms: {_verdict(p90 <= 20)}",
        f"slowest check: {max(ms):.2f} ms",
        f"whole suite: {wall:.2f} s wall, including interpreter start and collection   "
        f"goal < 5 s: {_verdict(wall < 5)}",
        f"pytest: {last}",
    ])


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"
