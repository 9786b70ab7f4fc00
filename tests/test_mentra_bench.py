"""`bench --mentra-latency` measures and prints; it never judges (figures depend on the machine)."""

from __future__ import annotations

import re

import pytest

from hud.cli import main


def test_the_latency_bench_prints_median_and_p99(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import hud.mentra.bench as bench

    real = bench.run_mentra_bench
    monkeypatch.setattr(bench, "run_mentra_bench", lambda: real(messages=3, spacing=0.35))
    assert main(["bench", "--mentra-latency"]) == 0
    out = capsys.readouterr().out
    assert "3 of 3 messages" in out
    assert re.search(r"median \d+\.\d ms, p99 \d+\.\d ms", out), out


def test_no_measurement_is_said_plainly() -> None:
    from hud.mentra.bench import _report

    assert "no message reached the display" in _report([], 5, "even-g2")
