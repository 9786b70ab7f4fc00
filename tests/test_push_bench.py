"""The push bench runs (briefly) and reports what it promises: a rate, coalescing and latency."""

from __future__ import annotations

import re

from hud.push.bench import run_push_bench


def test_a_short_bench_reports_rate_coalescing_and_latency() -> None:
    report = run_push_bench(seconds=0.3, max_messages=2000)
    assert "flooding client failed" not in report, report
    sent = int(re.search(r"push bench: (\d+) messages", report).group(1))  # type: ignore[union-attr]
    accepted = int(re.search(r"accepted   (\d+) in", report).group(1))  # type: ignore[union-attr]
    assert 0 < accepted == sent <= 2000
    assert re.search(r"= [\d,]+ messages/s \(goal >= 5,000/s: (met|NOT met)\); 0 errors", report)
    assert re.search(r"\d+ coalesced \(replaced before reaching the display", report)
    assert re.search(r"push to pixel: median [\d.]+ frames \(\d+ ms\), p99 [\d.]+ frames", report)
    assert "to a server in its own process" in report  # as the app runs it
    assert re.search(r"the frames that showed an update \(their panel changed, the slowest kind\): "
                     r"median [\d.]+ ms", report)


def test_the_bench_can_measure_the_server_as_a_thread_for_comparison() -> None:
    report = run_push_bench(seconds=0.3, max_messages=500, where="thread")
    assert "to a server thread in the frame loop process" in report and "0 errors" in report
