"""Turn-by-turn navigation: the next maneuver and a distance that falls as the wearer walks."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Within this many metres the instruction reads "now".
NOW_METRES = 10.0


@dataclass(frozen=True)
class NavState:
    maneuver: str
    distance: float  # metres to the maneuver when the step began
    street: str
    eta: float  # minutes to the destination when the step began
    speed: float  # metres per second
    since: float
    exit: int | None = None

    def distance_at(self, now: float) -> float:
        return max(0.0, self.distance - self.speed * max(0.0, now - self.since))

    def eta_at(self, now: float) -> float:
        return max(0.0, self.eta - max(0.0, now - self.since) / 60.0)


def format_distance(metres: float, maneuver: str = "straight") -> str:
    """How far, the way navigation apps say it: '1.2 km', '350 m', '50 m', 'now'."""
    if maneuver == "arrive" and metres <= NOW_METRES:
        return "arrived"
    if metres <= NOW_METRES:
        return "now"
    if metres >= 1000:
        return f"{metres / 1000:.1f} km"
    step = 50 if metres >= 300 else 10
    # Round up so a countdown never claims to be closer than it is.
    return f"{int(math.ceil(metres / step) * step)} m"


def format_eta(minutes: float) -> str:
    if minutes < 1:
        return "< 1 min"
    return f"{math.ceil(minutes)} min"
