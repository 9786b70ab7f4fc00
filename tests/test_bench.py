"""hud.bench: the frame-cost goals that `bench --sizes` gathers from the other benches."""

from __future__ import annotations

import pytest

import hud.background.video_bench
import hud.push.bench
import hud.startup
import hud.testing.bench
from hud import bench


def test_other_goals_prints_each_bench_and_names_the_one_that_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pyav(*args: object, **kwargs: object) -> object:
        raise ImportError("PyAV is not installed: pip install 'hud[video]'")

    def no_tests() -> str:
        raise ValueError("no snapshot suite found (tests/test_snapshots*.py under /x)\nmore")

    monkeypatch.setattr(hud.background.video_bench, "write_test_video", no_pyav)
    monkeypatch.setattr(hud.startup, "run_first_frame_bench", lambda: "FIRST FRAME REPORT")
    monkeypatch.setattr(hud.testing.bench, "run_snapshot_bench", no_tests)
    monkeypatch.setattr(hud.push.bench, "run_push_bench", lambda: "PUSH REPORT")
    reports = list(bench.other_goals())
    assert reports == [
        "bench --video generate: not measured here: PyAV is not installed: pip install 'hud[video]'",
        "FIRST FRAME REPORT",
        "bench --snapshots: not measured here: no snapshot suite found (tests/test_snapshots*.py under /x)",
        "PUSH REPORT",
    ]


def test_an_unexpected_error_in_a_bench_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(hud.background.video_bench, "write_test_video", broken)
    with pytest.raises(ZeroDivisionError):
        next(bench.other_goals())
