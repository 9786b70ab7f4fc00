"""Turn-by-turn navigation: the next maneuver and a distance that falls as the wearer walks.

The arrival time belongs to the route, not to a step: it is fixed when the route starts
(`now + eta`) and every later step keeps it, so the clock time on the display never jumps
between steps whose per-step ETAs were rounded or time-lapsed differently (the city walk's
"08:46" became "08:42" 12 s later). A step moves it only when its own estimate disagrees by
more than `REESTIMATE_SECONDS` (the wearer stopped, or the route changed); the minutes left
are always `arrive_at - now`, so they count down with the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

#: Within this many metres the instruction reads "now": a few steps on foot (walking apps say "now" at
#: the corner, not half a block before it).
NOW_METRES = 3.0
#: A step's estimate moves the route's arrival time only when it differs by more than this.
REESTIMATE_SECONDS = 120.0


@dataclass(frozen=True)
class NavState:
    maneuver: str
    distance: float  # metres to the maneuver when the step began
    street: str
    eta: float  # minutes to the destination when the step began
    speed: float  # metres per second
    since: float
    exit: int | None = None
    arrive_at: float | None = None  # clock seconds of arrival for the whole route; None: unknown

    def __post_init__(self) -> None:
        if self.arrive_at is None and self.eta > 0:
            object.__setattr__(self, "arrive_at", self.since + self.eta * 60.0)

    def distance_at(self, now: float) -> float:
        return max(0.0, self.distance - self.speed * max(0.0, now - self.since))

    def eta_at(self, now: float) -> float:
        """Minutes to the destination at `now` (from the route's arrival time)."""
        return 0.0 if self.arrive_at is None else max(0.0, self.arrive_at - now) / 60.0

    def arrived(self, now: float) -> bool:
        return self.maneuver == "arrive" and self.distance_at(now) <= NOW_METRES


def step(previous: NavState | None, nav: NavState) -> NavState:
    """`nav`, the next step of the route `previous` was on: it keeps the route's arrival time
    unless its own estimate disagrees by more than REESTIMATE_SECONDS."""
    if previous is None or previous.arrive_at is None:
        return nav
    if nav.arrive_at is not None and abs(nav.arrive_at - previous.arrive_at) > REESTIMATE_SECONDS:
        return nav
    return replace(nav, arrive_at=previous.arrive_at)


def format_distance(metres: float, maneuver: str = "straight") -> str:
    """How far, the way navigation apps say it: '1.2 km', '350 m', '50 m', 'now'."""
    if maneuver == "arrive" and metres <= NOW_METRES:
        return "arrived"
    if metres <= NOW_METRES:
        return "now"
    if metres >= 1000:
        return f"{metres / 1000:.1f} km"
    step = 50 if metres >= 300 else 10 if metres >= 50 else 5  # on foot, the last metres count in 5s
    # Round up so a countdown never claims to be closer than it is.
    return f"{int(math.ceil(metres / step) * step)} m"


def format_eta(minutes: float) -> str:
    if minutes < 1:
        return "< 1 min"
    return f"{math.ceil(minutes)} min"
