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


def test_a_missed_frame_goal_says_whether_the_world_alone_is_over_it() -> None:
    got = {"median": 7.0, "p99": 19.0, "reused": 0.75, "world": 4.5}
    row = bench._sequence_row((1280, 720), 0.3, got)  # 10x a 0.3 ms copy: 3 ms allowed
    assert "MISSED" in row and "the world alone 4.50 ms, 150% of the 3.00 ms allowed: over it" in row
    row = bench._sequence_row((1280, 720), 0.6, {**got, "world": 1.0})  # 6 ms allowed
    assert "MISSED" in row and "1.00 ms, 17% of the 6.00 ms allowed: 6.00 ms for the HUD" in row
    assert "the world alone" not in bench._sequence_row((1280, 720), 1.0, got)  # met: nothing to explain
    row = bench._sequence_row((3840, 2160), 2.8, {**got, "median": 25.0, "world": 17.0})
    assert "<= 16 ms: MISSED" in row and "of the 16.00 ms allowed: over it" in row  # the tighter goal


def test_the_world_clock_times_the_outermost_call_and_leaves_no_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter(range(100))
    monkeypatch.setattr(bench.time, "perf_counter", lambda: float(next(ticks)))  # one tick a reading

    class Source:
        def frame(self, t: float) -> float:
            return self.view(t) + 1

        def view(self, t: float) -> float:
            return t

    source = Source()
    clock = bench._WorldClock(source)
    assert source.frame(1.0) == 2.0
    assert clock.spent == 2.0  # outer start 0, the inner view's start 1 (not added), outer end 2; twice: 4
    assert source.view(1.0) == 1.0 and clock.spent == 3.0  # a view alone counts too
    clock.remove()
    assert "view" not in vars(source) and "frame" not in vars(source)
