"""Screenshot tests without Python: a folder of YAML cases, each with its golden PNG beside it.

    # payment-verifying.yaml  (golden: payment-verifying.png)
    scenario: city_walk.yaml
    device: vuzix-z100
    at: 41                 # jump to this time first
    steps:                 # then do these, in order
      - gesture: tap
      - advance: 0.5
    view: panel            # or composite (at `size`)
    budget: {max_diff_pixels: 0}
    masks: [status_bar]    # widget kinds or [x, y, w, h] rectangles to ignore

`python main.py snap check DIR` compares every case with its golden; `snap record DIR` writes them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hud import events as ev
from hud import paths, schema
from hud.schema import Bool, Either, Field, FileRef, Float, Int, List, Record, Str
from hud.testing.compare import Budget
from hud.testing.pilot import VIEWS, Pilot
from hud.testing.snapshots import CheckResult, SnapshotChecker


def _one_action(values: dict[str, Any], nodes: dict[str, Any], ctx: schema.Context, node: Any) -> bool:
    given = [k for k, v in values.items() if v is not None]
    if len(given) != 1:
        ctx.error(node, f"a step has exactly one of advance, seek, gesture, say; got {', '.join(given) or 'none'}")
        return False
    return True


STEP_SCHEMA = Record(name="step", post=_one_action, fields={
    "advance": Field(Float(0, 86_400)),
    "seek": Field(Float(0, 86_400)),
    "gesture": Field(Str(choices=ev.GESTURES)),
    "say": Field(Str(max_len=500)),
})

BUDGET_SCHEMA = Record(name="budget", fields={
    "max_diff_pixels": Field(Int(0, 100_000_000)),
    "max_diff_ratio": Field(Float(0, 1)),
    "threshold": Field(Float(0, 1)),
    "include_aa": Field(Bool()),
})


CASE_SCHEMA = Record(name="snapshot case", fields={
    "scenario": Field(FileRef(roots=(paths.SCENARIOS,), kind="scenario"), default=paths.DEFAULT_SCENARIO),
    "device": Field(Str(pattern=r"[a-z0-9][a-z0-9-]*", pattern_help="a device name like 'vuzix-z100'")),
    "layout": Field(FileRef(roots=(paths.LAYOUTS,), kind="layout")),
    "background": Field(Str(), default="scene"),
    "size": Field(List(Int(16, 7680), 2, 2), default=[1280, 720]),
    "view": Field(Str(choices=VIEWS), default="panel"),
    "at": Field(Float(0, 86_400), default=0.0),
    "steps": Field(List(STEP_SCHEMA), default=[]),
    "budget": Field(BUDGET_SCHEMA, default={}),
    "masks": Field(List(Either(scalar=Str(), sequence=List(Int(0, 100_000), 4, 4),
                               what="a widget kind or [x, y, w, h]")), default=[]),
})


@dataclass(frozen=True)
class Case:
    path: Path
    values: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def golden(self) -> Path:
        return self.path.with_suffix(".png")


def load_case(path: Path) -> Case:
    return Case(path, schema.load(path, CASE_SCHEMA, "case"))


def run_case(case: Case, pilot: Pilot, checker: SnapshotChecker, record_command: str) -> CheckResult:
    v = case.values
    pilot.load(scenario=v["scenario"], device=v["device"], layout=v["layout"], background=v["background"],
               size=tuple(v["size"]))
    pilot.seek(v["at"])
    for step in v["steps"]:
        action, value = next((k, x) for k, x in step.items() if x is not None)
        if action == "advance":
            pilot.advance(value)
        elif action == "seek":
            pilot.seek(value)
        elif action == "gesture":
            pilot.gesture(value)
        else:
            pilot.say(value)
    masks = tuple(pilot.widget_rect(m, v["view"]) if isinstance(m, str) else tuple(m) for m in v["masks"])
    budget = Budget(**{**{k: x for k, x in v["budget"].items() if x is not None}, "masks": masks})
    start = time.perf_counter()
    result = checker.check(pilot.screenshot(v["view"]), case.golden, name=case.name, test=str(case.path),
                           budget=budget, record_command=record_command, started=start)  # ms: render included
    return result


def case_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder of snapshot cases")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ValueError(f"no *.yaml cases in {folder}")
    return files
