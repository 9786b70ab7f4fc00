from __future__ import annotations

from hud.gaze import GazeDwell


def test_dwell_selects_once_after_the_time() -> None:
    g = GazeDwell(dwell=0.8)
    assert g.update("payment", 1.0) is None
    assert g.update("payment", 1.79) is None
    assert abs(g.progress(1.4) - 0.5) < 1e-9
    assert g.update("payment", 1.8) == "payment"
    assert g.update("payment", 3.0) is None  # once only
    assert g.progress(3.0) == 0.0


def test_looking_away_resets() -> None:
    g = GazeDwell(dwell=0.8)
    g.update("payment", 0.0)
    g.update(None, 0.5)
    g.update("payment", 0.6)
    assert g.update("payment", 1.3) is None
    assert g.update("payment", 1.4) == "payment"
