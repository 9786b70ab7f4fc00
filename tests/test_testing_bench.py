"""`bench --snapshots`, run for real: the child pytest must run under the project's own ini (which adds
`-n auto`) and conftest (which implements an xdist hook), serially, and the figures come with their goals."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from hud.testing.bench import child_command, child_env


def test_bench_snapshots_runs_the_real_suite_and_prints_the_goals() -> None:
    done = subprocess.run([sys.executable, "main.py", "bench", "--snapshots"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**child_env(), "PYTEST_ADDOPTS": "-n 2"})
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    checks = int(re.search(r"hud snapshot bench: (\d+) checks in \d+ file\(s\), serial", out).group(1))  # type: ignore[union-attr]
    assert checks > 0
    assert re.search(r"median per check \(render, read golden, compare\): [\d.]+ ms   goal <= 5 ms: (met|MISSED)",
                     out), out
    assert re.search(r"p90 per check: [\d.]+ ms   goal <= 20 ms: (met|MISSED)", out), out
    assert "<= 10 ms" not in out
    assert re.search(rf"pytest: {checks} passed", out), out


def test_the_child_is_serial_and_ignores_the_ini_and_environment_addopts(monkeypatch) -> None:
    monkeypatch.setenv("PYTEST_ADDOPTS", "-n auto")
    argv = child_command([Path("tests/test_snapshots_widgets.py")], Path("t.json"), Path("report"))
    assert argv[argv.index("-o") + 1] == "addopts="
    assert argv[argv.index("-n") + 1] == "0"
    assert "no:xdist" not in argv  # the conftest's xdist hook would be unknown without the plugin
    assert "PYTEST_ADDOPTS" not in child_env()
