"""Golden images of the city walk's key moments (panel view), compared pixel for pixel.

Record or refresh them with `pytest tests/test_golden.py --update-goldens`, then look at every
changed PNG before committing it. (The full screenshot-test harness is its own issue.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hud.output import load_png, save_png
from hud.pg import pygame
from hud.session import Options, Session

GOLDENS = Path(__file__).parent / "snapshots" / "test_golden"

MOMENTS = {
    "listening": 2.5,
    "answer-and-turn": 8.0,
    "flight-reminder-queued": 16.0,
    "roundabout": 30.0,
    "payment-awaiting": 41.0,
    "payment-verifying": 44.0,
    "payment-success": 45.5,
    "second-answer": 55.0,
}
DEVICES = ("generic", "even-g2")


@pytest.fixture(scope="module")
def sessions():
    opened = {d: Session.open(Options(device=d, background="scene", view=(640, 360))) for d in DEVICES}
    yield opened
    for s in opened.values():
        s.close()


def check(image: pygame.Surface, path: Path, update: bool, tmp_path: Path) -> None:
    if update or not path.exists():
        if not update:
            pytest.fail(f"missing golden {path}; record it with: pytest {__file__} --update-goldens")
        save_png(image, path)
        return
    expected = pygame.surfarray.array3d(load_png(path))
    actual = pygame.surfarray.array3d(image)
    if expected.shape != actual.shape:
        pytest.fail(f"{path.name}: size {actual.shape[:2]} differs from the golden's {expected.shape[:2]}")
    differing = int(np.any(expected != actual, axis=2).sum())
    if differing:
        save_png(image, tmp_path / path.name)
        pytest.fail(f"{path.name}: {differing} pixels differ; actual image written to {tmp_path / path.name}")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("moment", MOMENTS)
def test_panel_matches_golden(sessions, device: str, moment: str, update_goldens: bool, tmp_path) -> None:
    session = sessions[device]
    session.seek(MOMENTS[moment])
    check(session.render_panel(), GOLDENS / f"{moment}-{device}.png", update_goldens, tmp_path)


def test_composite_matches_golden(sessions, update_goldens: bool, tmp_path) -> None:
    session = sessions["generic"]
    session.seek(MOMENTS["flight-reminder-queued"])
    check(session.render_composite(), GOLDENS / "composite-day-generic.png", update_goldens, tmp_path)
