"""hud's pytest plugin (registered as a `pytest11` entry point, so `pip install` is all it takes).

    def test_coffee_payment_confirm(hud):
        hud.load(device="vuzix-z100")
        hud.advance(41.0)
        hud.gesture("tap")
        hud.advance(0.5)
        hud.assert_snapshot("payment-verifying")

Goldens live beside the tests: `snapshots/<test module>/<name>[-<device>].png`. Every process
(including pytest-xdist workers) writes what it checked into the report folder; the process that
finishes last (the xdist controller, or the only process) writes one HTML report from it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from hud.testing.compare import Budget
    from hud.testing.snapshots import SnapshotChecker

_KEY = pytest.StashKey["_Run"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hud", "hud screenshot tests")
    group.addoption("--snapshot-update", action="store_true",
                    help="write new and changed goldens instead of failing")
    group.addoption("--snapshot-prune", action="store_true",
                    help="delete goldens that no test used (only after a full, passing run)")
    group.addoption("--snapshot-report", metavar="DIR", help="report folder (default: build/hud-snapshots)")
    group.addoption("--snapshot-max-diff-pixels", type=int, metavar="N", help="global budget: differing pixels")
    group.addoption("--snapshot-max-diff-ratio", type=float, metavar="R", help="global budget: share 0..1")
    group.addoption("--snapshot-threshold", type=float, metavar="T", help="per-pixel colour-delta threshold 0..1")
    group.addoption("--snapshot-timings", metavar="FILE", help="write each check's milliseconds as JSON")
    parser.addini("hud_snapshot_max_diff_pixels", "global budget: differing pixels", default="")
    parser.addini("hud_snapshot_max_diff_ratio", "global budget: share of pixels that may differ", default="")
    parser.addini("hud_snapshot_threshold", "per-pixel colour-delta threshold (0..1)", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hud_budget(max_diff_pixels=None, max_diff_ratio=None, threshold=None, "
                            "include_aa=None, masks=()): per-test snapshot budget and masks")
    report_dir = Path(config.getoption("--snapshot-report") or Path(config.rootpath) / "build" / "hud-snapshots")
    run = _Run(config, report_dir)
    config.stash[_KEY] = run
    if not run.is_worker:
        for sub in ("records", "runs", "images"):  # a fresh report per run; workers start after this
            shutil.rmtree(report_dir / sub, ignore_errors=True)


class _Run:
    """What one pytest process knows about the snapshot checks it ran."""

    def __init__(self, config: pytest.Config, report_dir: Path) -> None:
        self.config = config
        self.report_dir = report_dir
        self.is_worker = hasattr(config, "workerinput")
        self.used: set[str] = set()
        self._checker: SnapshotChecker | None = None
        self.report: Path | None = None
        self.summary: list[str] = []

    @property
    def checker(self) -> SnapshotChecker:  # imported lazily: pytest runs without hud tests stay light
        if self._checker is None:
            from hud.testing.snapshots import SnapshotChecker

            self._checker = SnapshotChecker(self.report_dir, update=self.config.getoption("--snapshot-update"),
                                            default_budget=self.default_budget())
        return self._checker

    def default_budget(self, **override: Any) -> Budget:
        from hud.testing.compare import Budget

        opt, ini = self.config.getoption, self.config.getini
        values: dict[str, Any] = {}
        for key, kind in (("max_diff_pixels", int), ("max_diff_ratio", float), ("threshold", float)):
            given = opt(f"--snapshot-{key.replace('_', '-')}")
            if given is None and ini(f"hud_snapshot_{key}"):
                given = kind(ini(f"hud_snapshot_{key}"))
            if given is not None:
                values[key] = given
        values.update({k: v for k, v in override.items() if v is not None})
        return Budget(**values)


class HudFixture:
    """The `hud` fixture: a `Pilot` plus `assert_snapshot`."""

    def __init__(self, request: pytest.FixtureRequest, run: _Run) -> None:
        from hud.testing.pilot import Pilot

        self._pilot = Pilot()
        self._request = request
        self._run = run

    def __getattr__(self, name: str) -> Any:  # load, advance, push, gesture, say, seek, screenshot, ...
        return getattr(self._pilot, name)

    def golden_path(self, name: str) -> Path:
        device = self._pilot.loaded.device if self._pilot.loaded else None
        module = Path(str(self._request.path))
        return module.parent / "snapshots" / module.stem / f"{name}{'-' + device if device else ''}.png"

    def assert_snapshot(self, name: str, view: str = "panel", *, max_diff_pixels: int | None = None,
                        max_diff_ratio: float | None = None, threshold: float | None = None,
                        include_aa: bool | None = None, masks: tuple[Any, ...] | list[Any] = ()) -> None:
        """Compare the view with its golden; fail with the differences and the report's evidence.

        `masks` are (x, y, w, h) rectangles in the view's pixels or widget kinds ("status_bar").
        """
        marker = self._request.node.get_closest_marker("hud_budget")
        marked = dict(marker.kwargs) if marker else {}
        all_masks = tuple(masks) + tuple(marked.pop("masks", ()))
        budget = self._run.default_budget(
            max_diff_pixels=max_diff_pixels if max_diff_pixels is not None else marked.get("max_diff_pixels"),
            max_diff_ratio=max_diff_ratio if max_diff_ratio is not None else marked.get("max_diff_ratio"),
            threshold=threshold if threshold is not None else marked.get("threshold"),
            include_aa=include_aa if include_aa is not None else marked.get("include_aa"),
            masks=tuple(self._pilot.widget_rect(m, view) if isinstance(m, str) else tuple(m) for m in all_masks),
        )
        golden = self.golden_path(name)
        key = str(golden)
        if key in self._run.used and not self._run.config.getoption("--snapshot-update"):
            pytest.fail(f"golden {golden.name} is checked twice in this run; give each check its own name")
        self._run.used.add(key)
        start = time.perf_counter()
        image = self._pilot.screenshot(view)
        result = self._run.checker.check(
            image, golden, name=name, test=self._request.node.nodeid, budget=budget,
            record_command=f"pytest '{self._request.node.nodeid}' --snapshot-update",
            started=start)  # the whole check, render included, timed before the report records it
        if not result.ok:
            where = f"\nreport evidence: {result.images.get('strip') or result.images.get('actual')}"
            pytest.fail(result.message + where, pytrace=False)


@pytest.fixture
def hud(request: pytest.FixtureRequest) -> HudFixture:
    """Drive the emulator headlessly and compare screenshots with goldens (see hud.testing.plugin)."""
    from hud.pg import use_exact_scaling, use_headless_drivers

    use_headless_drivers()
    use_exact_scaling(True)
    return HudFixture(request, request.config.stash[_KEY])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(_KEY, None)
    if run is None:
        return
    if run._checker is not None:  # this process checked snapshots: leave its tally for the report
        results = run.checker.results
        (run.report_dir / "runs").mkdir(parents=True, exist_ok=True)
        tally = {"used": sorted(run.used), "ms": [r.ms for r in results],
                 "passed": sum(r.ok for r in results), "written": sum(r.status in ("written", "updated")
                                                                      for r in results)}
        (run.report_dir / "runs" / f"{os.getpid()}.json").write_text(json.dumps(tally), encoding="utf-8")
        timings = session.config.getoption("--snapshot-timings")
        if timings:
            Path(timings).write_text(json.dumps(tally["ms"]), encoding="utf-8")
    if not run.is_worker:
        _finish(session, run)


def _full_run(session: pytest.Session) -> bool:
    opt = session.config.option
    narrowed = (getattr(opt, "keyword", "") or getattr(opt, "markexpr", "") or getattr(opt, "lf", False)
                or any("::" in str(a) for a in session.config.args))
    return not narrowed and not session.shouldstop and not session.testsfailed


def _finish(session: pytest.Session, run: _Run) -> None:
    from hud.pg import pygame
    from hud.testing.report import write_report

    runs = [json.loads(p.read_text()) for p in sorted((run.report_dir / "runs").glob("*.json"))] \
        if (run.report_dir / "runs").is_dir() else []
    if not runs:
        return
    used = {u for r in runs for u in r["used"]}
    passed = sum(r["passed"] for r in runs)
    written = sum(r["written"] for r in runs)
    folders = {Path(u).parent for u in used}
    unused = sorted(str(p) for f in folders for p in f.glob("*.png") if str(p) not in used)
    full = _full_run(session)
    pruned = 0
    if unused and full and session.config.getoption("--snapshot-prune"):
        for path in unused:
            Path(path).unlink()
        pruned, unused = len(unused), []
    env = {"pygame-ce": pygame.version.ver, "SDL": ".".join(map(str, pygame.get_sdl_version())),
           "smoothscale": "GENERIC", "workers": str(len(runs))}
    run.report = write_report(run.report_dir, passed=passed, environment=env, unused=unused if full else None)
    from hud.testing.snapshots import load_records

    failed = len(load_records(run.report_dir))
    run.summary = [f"hud snapshots: {passed} passed, {failed} failed"
                   + (f", {written} written or updated" if written else "") + f"; report: {run.report}"]
    if full and unused:
        run.summary.append(f"{len(unused)} golden(s) no test used (remove with --snapshot-prune):")
        run.summary.extend(f"  {u}" for u in unused)
    if pruned:
        run.summary.append(f"pruned {pruned} unused golden(s)")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash.get(_KEY, None)
    if run is not None and run.summary:
        terminalreporter.section("hud snapshots")
        for line in run.summary:
            terminalreporter.write_line(line)
