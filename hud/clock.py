"""The virtual clock that everything time-based reads.

Why: animations, countdowns, auto-dismiss and scene motion must give identical pixels for
the same time in every process. Nothing in hud calls `time.time()` for rendering; the
window advances this clock from real time, headless runs and tests step it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class VirtualClock:
    """Seconds since the session started; moves only when told to."""

    now: float = 0.0
    paused: bool = False

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` (ignored while paused); returns the new time."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward; {seconds} s given")
        if not self.paused:
            self.now += seconds
        return self.now

    def step(self, seconds: float) -> float:
        """Move forward even while paused (single-stepping a paused demo)."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward; {seconds} s given")
        self.now += seconds
        return self.now

    def reset(self, now: float = 0.0) -> None:
        self.now = now


def frame_times(seconds: float, fps: float) -> list[float]:
    """The exact clock times of a headless run of `seconds` at `fps` (first frame at 0)."""
    if fps <= 0:
        raise ValueError(f"fps must be positive; {fps} given")
    count = round(seconds * fps)
    return [i / fps for i in range(count + 1)]
