"""The city walk's route as data: where the wearer stands and which way they face at clock time t.

Why legs with times: the scenario's navigation events happen at fixed times and count down at
walking speed (turn right at about 12 s, the roundabout from 26 s, arrival at 35.5 s, the QR code on
the counter from 38 s to 48 s), so
the route is written against those times and the pose at `t` is found by walking the legs. The
walker walks at WALK_SPEED on walks and arcs; turns on the spot and standing take their time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hud.background.scene.world import WALK_SPEED

__all__ = ["CITY_WALK", "COUNTER_STEP", "Leg", "Pose", "Route"]

#: When the walker reaches the first corner and starts turning right: the scenario's "turn right in
#: 10 m" at 5.0 s counts down at walking speed to the middle of the turn (5.0 + 10 / 1.4 = 12.1 s).
TURN_AT = 11.3

#: From the pavement's walking line (3.3 m from the café front) a step of this towards the counter:
#: the wearer stands 2.7 m from the front, about 2.4 m from the QR stand, so the counter, the stand
#: and the hatch behind it fill the view and the code sits a little below its centre.
COUNTER_STEP = 0.6


@dataclass(frozen=True)
class Pose:
    """Plan position in metres (x east, z north) and compass heading in radians (0 north, pi/2 east)."""

    x: float
    z: float
    heading: float


@dataclass(frozen=True)
class Leg:
    """One piece of the route. `walk`, `turn` and `stand` end at `until` (s); an `arc` is walked at
    walking speed round a circle of `radius`, turning `angle` degrees (positive: to the right)."""

    kind: str  # walk, arc, turn, stand
    name: str = ""
    until: float = 0.0
    radius: float = 0.0
    angle: float = 0.0


def _right(h: float) -> tuple[float, float]:
    return math.cos(h), -math.sin(h)


class Route:
    def __init__(self, start: Pose, legs: tuple[Leg, ...], period: float) -> None:
        self.start, self.legs, self.period = start, legs, period
        self.spans: list[tuple[float, float, Pose, Leg]] = []  # (t0, t1, pose at t0, leg)
        t, pose = 0.0, start
        for leg in legs:
            arc = leg.radius * math.radians(abs(leg.angle)) / WALK_SPEED
            end = t + arc if leg.kind == "arc" else leg.until
            if end < t:
                raise ValueError(f"route leg {leg.name or leg.kind} ends at {end:g} s, before it starts ({t:g} s)")
            self.spans.append((t, end, pose, leg))
            pose = self._within(pose, leg, end - t, end - t)
            t = end
        if t > period + 1e-9:
            raise ValueError(f"the route lasts {t:g} s, longer than its period {period:g} s")
        self.end = pose

    @staticmethod
    def _within(p: Pose, leg: Leg, dt: float, length: float) -> Pose:
        if leg.kind == "walk":
            d = WALK_SPEED * dt
            return Pose(p.x + d * math.sin(p.heading), p.z + d * math.cos(p.heading), p.heading)
        if leg.kind == "arc":
            sign = 1.0 if leg.angle >= 0 else -1.0
            phi = sign * WALK_SPEED * dt / leg.radius
            rx, rz = _right(p.heading)
            cx, cz = p.x + sign * leg.radius * rx, p.z + sign * leg.radius * rz
            ex, ez = _right(p.heading + phi)
            return Pose(cx - sign * leg.radius * ex, cz - sign * leg.radius * ez, p.heading + phi)
        if leg.kind == "turn":
            k = min(1.0, dt / length) if length > 0 else 1.0
            k = k * k * (3.0 - 2.0 * k)  # a head turns smoothly: it eases in and out
            return Pose(p.x, p.z, p.heading + math.radians(leg.angle) * k)
        return p

    def pose(self, t: float) -> Pose:
        """Where the wearer is at clock time `t`; the route repeats every `period` seconds."""
        t = float(t) % self.period
        for t0, t1, pose, leg in self.spans:
            if t < t1:
                return self._within(pose, leg, t - t0, t1 - t0)
        return self.end

    def leg_start(self, name: str) -> tuple[float, Pose]:
        for t0, _, pose, leg in self.spans:
            if leg.name == name:
                return t0, pose
        raise KeyError(name)

    def arc_centre(self, name: str) -> tuple[float, float]:
        _, pose = self.leg_start(name)
        leg = next(leg for leg in self.legs if leg.name == name)
        sign = 1.0 if leg.angle >= 0 else -1.0
        rx, rz = _right(pose.heading)
        return pose.x + sign * leg.radius * rx, pose.z + sign * leg.radius * rz


#: The city walk (assets/scenarios/city_walk.yaml): north up the start street on its right-hand
#: pavement, right round the corner into Beishan Street (centred on the 5 s "turn right"), round
#: the south side of a roundabout and out at its second exit, Baidi Road (26-34 s), Blue Bottle
#: Coffee on the right (35.5 s), a turn and a step to its counter, the QR code from 37.5 s to 48 s, then on
#: along Baidi Road. One minute, the scenario's length; then it starts again.
CITY_WALK = Route(
    Pose(0.0, 1.8 - TURN_AT * WALK_SPEED, 0.0),
    (
        Leg("walk", "start street", until=TURN_AT),
        Leg("arc", "turn right", radius=1.5, angle=90.0),
        Leg("walk", "Beishan Street", until=26.0),
        Leg("arc", "roundabout in", radius=2.0, angle=38.0),
        Leg("arc", "roundabout", radius=6.5, angle=-76.0),
        Leg("arc", "roundabout out", radius=2.0, angle=38.0),
        Leg("walk", "Baidi Road", until=35.5),
        Leg("walk", "to the hatch", until=36.05),  # the café's door is at 35.5 s; its hatch 0.8 m on
        Leg("turn", "face the cafe", until=37.05, angle=90.0),
        Leg("walk", "to the counter", until=37.05 + COUNTER_STEP / WALK_SPEED),
        Leg("stand", "at the counter", until=48.0),
        Leg("turn", "back to the street", until=49.3, angle=-90.0),
        Leg("walk", "on along Baidi Road", until=60.0),
    ),
    period=60.0,
)
