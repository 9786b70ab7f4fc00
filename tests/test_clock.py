from __future__ import annotations

import pytest

from hud.clock import VirtualClock, frame_times


def test_advance_pause_and_step() -> None:
    c = VirtualClock()
    assert c.advance(0.5) == 0.5
    c.paused = True
    assert c.advance(1.0) == 0.5
    assert c.step(1.0) == 1.5
    with pytest.raises(ValueError, match="only moves forward; -1 s given"):
        c.advance(-1)


def test_frame_times_are_exact() -> None:
    assert frame_times(1, 4) == [0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError):
        frame_times(1, 0)
