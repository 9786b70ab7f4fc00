"""`bench --snapshots`: how long a snapshot check takes (render, read the golden, compare).

Runs the project's own snapshot suite (`tests/test_snapshots*.py`) serially in a child pytest,
which records every check's milliseconds, and times the whole suite from the outside.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hud import paths


def run_snapshot_bench() -> str:
    suite = sorted((paths.PROJECT_ROOT / "tests").glob("test_snapshots*.py"))
    if not suite:
        raise ValueError(f"no snapshot suite found (tests/test_snapshots*.py under {paths.PROJECT_ROOT})")
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "timings.json"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
             f"--snapshot-timings={timings}", f"--snapshot-report={tmp}/report", *map(str, suite)],
            cwd=paths.PROJECT_ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0 or not timings.exists():
            raise ValueError("the snapshot suite failed; run it with pytest to see why:\n" + done.stdout[-2000:])
        ms = json.loads(timings.read_text())
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return "\n".join([
        f"hud snapshot bench: {len(ms)} checks in {len(suite)} file(s), serial",
        f"median per check (render, read golden, compare): {statistics.median(ms):.2f} ms   goal <= 10 ms",
        f"p90 per check: {statistics.quantiles(ms, n=10)[-1]:.2f} ms",
        f"whole suite: {wall:.2f} s wall, including interpreter start and collection   goal < 5 s",
        f"pytest: {last}",
    ])
