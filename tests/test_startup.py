"""`bench --first-frame`, run for real: a child `main.py --headless` timed from its start to its first frame."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

from hud.startup import first_frame_seconds


def test_bench_first_frame_prints_the_median_beside_its_goal_and_the_first_start() -> None:
    done = subprocess.run([sys.executable, "main.py", "bench", "--first-frame"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"time to first frame: median [\d.]+ s of 5 runs \([\d.]+-[\d.]+\)   goal <= 1 s: (met|MISSED)",
                     done.stdout), done.stdout
    assert re.search(r"first start \(empty cache: the street scene painted and stored\): [\d.]+ s", done.stdout)


def test_a_start_that_fails_is_reported_not_timed(tmp_path) -> None:
    with pytest.raises(ValueError, match="--size nonsense failed"):
        first_frame_seconds(str(tmp_path), ("--headless", "--seconds", "0", "--size", "nonsense"))


def test_one_start_is_timed_to_its_first_frame(tmp_path) -> None:
    seconds = first_frame_seconds(str(tmp_path), ("--headless", "--seconds", "0", "--size", "160x90"))
    assert 0 < seconds < 300
