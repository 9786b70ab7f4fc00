"""Gaze with dwell-to-select: looking at one thing for `dwell` seconds selects it.

The mouse stands in for the eye tracker. Time is the virtual clock's, so a paused demo does not
select anything and tests need no sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass

DWELL_SECONDS = 0.8


@dataclass
class GazeDwell:
    dwell: float = DWELL_SECONDS
    target: str | None = None
    since: float = 0.0
    fired: bool = False

    def update(self, target: str | None, now: float) -> str | None:
        """Where the wearer looks now; returns the target once, when the dwell completes."""
        if target != self.target:
            self.target, self.since, self.fired = target, now, False
            return None
        if target is not None and not self.fired and now - self.since >= self.dwell - 1e-9:
            self.fired = True
            return target
        return None

    def progress(self, now: float) -> float:
        """0..1 towards selection (for the dwell ring), 0 when looking at nothing selectable."""
        if self.target is None or self.fired:
            return 0.0
        return min(1.0, (now - self.since) / self.dwell)
