"""`python main.py snap check|record DIR`: the YAML case folder, run without Python or pytest."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from hud.schema import ConfigError
from hud.testing.cases import case_files, load_case, run_case
from hud.testing.pilot import Pilot
from hud.testing.report import write_report
from hud.testing.snapshots import SnapshotChecker


def run_snap(action: str, folder: Path, report_dir: Path) -> int:
    """Exit 0 when every case passes (or was recorded), 1 on differences, 2 on invalid case files."""
    from hud.pg import pygame, use_exact_scaling

    use_exact_scaling(True)
    record = action == "record"
    for sub in ("records", "images"):
        shutil.rmtree(report_dir / sub, ignore_errors=True)
    checker = SnapshotChecker(report_dir, update=record)
    pilot = Pilot()
    invalid = 0
    start = time.perf_counter()
    for path in case_files(folder):
        try:
            case = load_case(path)
        except ConfigError as exc:
            invalid += 1
            print(exc.report())
            continue
        result = run_case(case, pilot, checker, record_command=f"python main.py snap record {folder}")
        label = {"passed": "ok", "written": "new", "updated": "updated"}.get(result.status, "FAIL")
        detail = "" if result.status == "passed" else f"  {result.message}"
        print(f"{label:<8}{case.name} ({result.ms:.1f} ms){detail}")
    results = checker.results
    failed = [r for r in results if not r.ok]
    took = time.perf_counter() - start
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed"
          + (f", {invalid} invalid" if invalid else "") + f" in {took:.2f} s")
    if not record:
        env = {"pygame-ce": pygame.version.ver, "smoothscale": "GENERIC"}
        report = write_report(report_dir, passed=len(results) - len(failed), environment=env)
        print(f"report: {report}", file=sys.stderr)
    if invalid:
        return 2
    return 1 if failed else 0
