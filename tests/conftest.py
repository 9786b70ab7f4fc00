"""Shared test setup: headless SDL before anything touches pygame, and paths to fixtures."""

from __future__ import annotations

import os
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pytest

from hud.pg import use_headless_drivers

use_headless_drivers()

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the project root, so file names in messages are short and exact."""
    monkeypatch.chdir(ROOT)
    return ROOT


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden images from this run")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _no_thread_left_running() -> object:
    """Fail any test that leaves a thread running: a forgotten camera reader once spun for the rest of
    the suite and tripled its time. Threads get a moment to finish after a stop() before this counts."""
    import threading
    import time

    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    while True:
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert not left, "threads left running: " + ", ".join(t.name for t in left)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (the default in pyproject.toml): one worker more than there are cores. Many tests wait
    (subprocesses, sockets, a browser), so an extra worker fills those waits: measured on 2 cores, the
    suite took 66 s with 2 workers, 59 s with 3 and 64 s with 4."""
    return (os.cpu_count() or 1) + 1
