"""Navigation turn-arrow icons, drawn from vector shapes so they scale to any device.

Why vectors: panels range from 576 x 136 (1-bit) to 600 x 600, so one bitmap set would be
blurry on one and jagged on another. Why bold, round strokes with open (chevron) heads: on an
additive waveguide black is transparent and thin lines shimmer, and the design rules ask for
rounded, unfilled, glanceable icons.

Shapes are built in a unit square ([-1, 1], y up) as centre-lines, stroked at 4x the output
size and smoothscaled down (hud.pg fixes the portable smoothscale backend, so the pixels are
the same on every machine). Left turns are the exact mirror image of right turns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeGuard

from hud.pg import pygame
from hud.text import ByteLRU, surface_bytes

__all__ = ["MANEUVERS", "ROUNDABOUT_CENTRE", "ROUNDABOUT_EXITS", "ROUNDABOUT_RADIUS", "maneuver_icon",
           "roundabout_exit_degrees"]

MANEUVERS: tuple[str, ...] = (
    "straight", "slight_left", "left", "sharp_left", "slight_right", "right", "sharp_right",
    "uturn", "roundabout", "arrive",
)
ROUNDABOUT_EXITS = range(1, 9)
MIN_SIZE, MAX_SIZE = 16, 1024

_SUPERSAMPLE = 4
_WIDTH = 2.0 / 9.0  # stroke width in unit coordinates: size / 9 pixels
_HEAD = 0.40  # length of each chevron arm

Point = tuple[float, float]
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class _Stroke:
    """A round-capped, round-joined polyline; `dot` > 0 makes it a filled disc instead."""

    points: tuple[Point, ...]
    brightness: float = 1.0
    closed: bool = False
    dot: float = 0.0
    width: float = 1.0  # relative to the standard stroke


def maneuver_icon(
    maneuver: str, size: int, level: int = 255, exit_number: int | None = None
) -> pygame.Surface:
    """A `size` x `size` 24-bit icon: grey strokes of intensity `level` on black.

    Grey, not green: the panel colourises later. `exit_number` (1..8, counted with
    counter-clockwise, right-hand-traffic circulation) is required for "roundabout" and must
    be None for every other maneuver. Results are cached and shared between callers, so the
    returned surface must not be modified: `.copy()` it first.
    """
    if maneuver not in MANEUVERS:
        raise ValueError(f"unknown maneuver {maneuver!r}; expected one of {', '.join(MANEUVERS)}")
    if not _is_int(size) or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"icon size must be an integer from {MIN_SIZE} to {MAX_SIZE} px; {size!r} given")
    if not _is_int(level) or not 0 <= level <= 255:
        raise ValueError(f"level must be an integer from 0 to 255; {level!r} given")
    if maneuver == "roundabout":
        if not _is_int(exit_number) or exit_number not in ROUNDABOUT_EXITS:
            raise ValueError(f"roundabout needs exit_number from 1 to 8; {exit_number!r} given")
    elif exit_number is not None:
        raise ValueError(f"exit_number applies only to 'roundabout'; {exit_number!r} given for {maneuver!r}")
    return _render(maneuver, size, level, exit_number)


def _is_int(value: object) -> TypeGuard[int]:
    """True for real integers only: a bool or 96.0 as a size is a caller's bug, not a size."""
    return isinstance(value, int) and not isinstance(value, bool)


#: Icons kept, by the bytes of their pixels (an entry count let 128 icons of up to 1024 px hold
#: 400 MB): a 96 px navigation widget's 17 icons (10 maneuvers, 8 roundabout exits) are 0.5 MB.
ICON_CACHE_BYTES = 16 * 1024 * 1024
_ICONS: ByteLRU[tuple[str, int, int, int | None], pygame.Surface] = ByteLRU(ICON_CACHE_BYTES, surface_bytes)


def _render(maneuver: str, size: int, level: int, exit_number: int | None) -> pygame.Surface:
    """The icon from the cache (icons are drawn every frame), else drawn and kept."""
    key = (maneuver, size, level, exit_number)
    icon = _ICONS.get(key)
    return icon if icon is not None else _ICONS.put(key, _draw(maneuver, size, level, exit_number))


def _draw(maneuver: str, size: int, level: int, exit_number: int | None) -> pygame.Surface:
    """Rasterise at 4x and smoothscale down.

    Left turns are the right-turn raster flipped, not redrawn: pygame fills polygons
    inclusive of their right edge, so a redrawn mirror would be a quarter pixel off.
    """
    if "left" in maneuver:
        right = _render(maneuver.replace("left", "right"), size, level, None)
        return pygame.transform.flip(right, True, False)
    big = _SUPERSAMPLE * size
    canvas = pygame.Surface((big, big), depth=24)
    canvas.fill((0, 0, 0))
    scale = big / 2.0

    def px(p: Point) -> Point:
        return ((p[0] + 1.0) * scale, (1.0 - p[1]) * scale)

    for stroke in _shape(maneuver, exit_number):
        radius = stroke.width * _WIDTH / 2.0 * scale
        grey = round(level * stroke.brightness)
        colour = (grey, grey, grey)
        if stroke.dot:
            pygame.draw.circle(canvas, colour, px(stroke.points[0]), stroke.dot * scale)
            continue
        pts = [px(p) for p in stroke.points]
        segments = list(zip(pts, pts[1:] + pts[:1] if stroke.closed else pts[1:], strict=False))
        for a, b in segments:
            _thick_segment(canvas, colour, a, b, radius)
        for p in pts:
            pygame.draw.circle(canvas, colour, p, radius)
    return pygame.transform.smoothscale(canvas, (size, size))


def _thick_segment(surface: pygame.Surface, colour: Colour, a: Point, b: Point, r: float) -> None:
    """A segment as a quad; the round joins and caps are the discs drawn at every vertex."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    if length == 0:
        return
    nx, ny = -dy / length * r, dx / length * r
    quad = [(a[0] + nx, a[1] + ny), (b[0] + nx, b[1] + ny), (b[0] - nx, b[1] - ny), (a[0] - nx, a[1] - ny)]
    pygame.draw.polygon(surface, colour, quad)


# --- geometry (unit square, y up) -------------------------------------------------------


def _shape(maneuver: str, exit_number: int | None) -> list[_Stroke]:
    """The strokes of one icon (right-hand variants only; `_render` mirrors the left ones)."""
    if maneuver == "straight":
        return _arrow([(0.0, -0.82), (0.0, 0.80)], 0.0)
    if maneuver == "slight_right":
        return _arrow([(-0.22, -0.82), (-0.22, -0.10), (0.52, 0.64)], 0.30)
    if maneuver == "right":
        return _arrow([(-0.40, -0.82), (-0.40, 0.36), (0.78, 0.36)], 0.38)
    if maneuver == "sharp_right":
        return _arrow([(-0.40, -0.82), (-0.40, 0.72), (0.44, -0.12)], 0.14)
    if maneuver == "uturn":
        return _uturn()
    if maneuver == "roundabout":
        assert exit_number is not None
        return _roundabout(exit_number)
    return _pin()


def _arrow(corners: list[Point], fillet: float) -> list[_Stroke]:
    """A route through `corners` with rounded bends and a chevron head on its last segment."""
    route = _filleted(corners, fillet) if fillet else corners
    return [_Stroke(tuple(route)), _Stroke(_chevron(corners[-2], corners[-1]))]


def _chevron(before: Point, tip: Point, arm: float = _HEAD) -> tuple[Point, ...]:
    """An open arrowhead at `tip` pointing away from `before`: two 45-degree arms."""
    heading = math.atan2(tip[1] - before[1], tip[0] - before[0])
    arms = [heading + math.pi + side * math.pi / 4 for side in (1, -1)]
    left, right = ((tip[0] + arm * math.cos(a), tip[1] + arm * math.sin(a)) for a in arms)
    return (left, tip, right)


def _arc(centre: Point, r: float, start_deg: float, end_deg: float) -> list[Point]:
    """Points along an arc (counter-clockwise when end > start), about every 5 degrees."""
    steps = max(2, math.ceil(abs(end_deg - start_deg) / 5))
    angles = (math.radians(start_deg + (end_deg - start_deg) * i / steps) for i in range(steps + 1))
    return [(centre[0] + r * math.cos(a), centre[1] + r * math.sin(a)) for a in angles]


def _filleted(corners: list[Point], r: float) -> list[Point]:
    """Replace every interior corner with an arc of radius `r`, as a road bend would be."""
    out = [corners[0]]
    for a, b, c in zip(corners, corners[1:], corners[2:], strict=False):
        u = _unit((a[0] - b[0], a[1] - b[1]))
        v = _unit((c[0] - b[0], c[1] - b[1]))
        half = math.acos(max(-1.0, min(1.0, u[0] * v[0] + u[1] * v[1]))) / 2
        t = r / math.tan(half)
        p1, p2 = (b[0] + u[0] * t, b[1] + u[1] * t), (b[0] + v[0] * t, b[1] + v[1] * t)
        bis = _unit((u[0] + v[0], u[1] + v[1]))
        centre = (b[0] + bis[0] * r / math.sin(half), b[1] + bis[1] * r / math.sin(half))
        a1 = math.degrees(math.atan2(p1[1] - centre[1], p1[0] - centre[0]))
        a2 = math.degrees(math.atan2(p2[1] - centre[1], p2[0] - centre[0]))
        a2 += 360 if a2 - a1 < -180 else -360 if a2 - a1 > 180 else 0
        out += _arc(centre, r, a1, a2)
    out.append(corners[-1])
    return out


def _uturn() -> list[_Stroke]:
    """Up, over the top to the LEFT and back down: a U-turn in right-hand traffic."""
    r, x0, top = 0.40, 0.06, 0.22
    route = [(x0 + r, -0.82), *_arc((x0, top), r, 0, 180), (x0 - r, -0.42)]
    return [_Stroke(tuple(route)), _Stroke(_chevron(route[-2], route[-1]))]


#: Where the roundabout's ring sits in the icon (unit square, y up) and its radius: the ring is the
#: glyph's body, so it is large; the navigation widget writes the exit number inside it.
ROUNDABOUT_CENTRE: Point = (0.0, 0.04)
ROUNDABOUT_RADIUS = 0.40


def roundabout_exit_degrees(exit_number: int) -> float:
    """Where exit `exit_number` leaves the ring: degrees counter-clockwise from east (0 = right,
    90 = ahead, 180 = left), for right-hand traffic (counter-clockwise circulation, entering from
    the bottom at 270).

    Exits 1-3 are a four-arm junction's: right, ahead, left (90 degrees of ring each). From exit 4
    on the exit leaves down-left at 210 degrees (300 travelled), the furthest it can go before its
    arrowhead would touch the approach road, and the passed exits are spread evenly before it.
    """
    return (270.0 + _roundabout_arms(exit_number)[0]) % 360.0


def _roundabout_arms(exit_number: int) -> tuple[float, list[float]]:
    """Degrees travelled counter-clockwise from the entry to the exit, and to each passed exit."""
    if exit_number <= 3:
        return 90.0 * exit_number, [90.0 * k for k in range(1, exit_number)]
    return 300.0, [300.0 * k / exit_number for k in range(1, exit_number)]


def _roundabout(exit_number: int) -> list[_Stroke]:
    """A roundabout seen from above: the ring, the road in from the bottom, the way round
    (counter-clockwise) emphasised, stubs for the exits passed, and the exit arm with its head.

    The ring is at 0.6 of full light, not dimmer: on a 1-bit panel anything under half is black,
    and a roundabout without its ring is an S-shaped squiggle.
    """
    centre, r, reach, entry = ROUNDABOUT_CENTRE, ROUNDABOUT_RADIUS, 0.40, 270.0
    travelled, passed = _roundabout_arms(exit_number)

    def on_ring(deg: float, dist: float) -> Point:
        rad = math.radians(deg)
        return (centre[0] + dist * math.cos(rad), centre[1] + dist * math.sin(rad))

    ring = _Stroke(tuple(_arc(centre, r, 0, 360)), 0.6, closed=True, width=0.75)
    stubs = [_Stroke((on_ring(entry + a, r), on_ring(entry + a, r + 0.2)), 0.6, width=0.75) for a in passed]
    exit_deg = entry + travelled
    way = [(centre[0], -0.92), on_ring(entry, r), *_arc(centre, r, entry, exit_deg)[1:]]
    arm_end = on_ring(exit_deg, r + reach)
    route = _Stroke((*way, arm_end))
    head = _Stroke(_chevron(way[-1], arm_end, 0.30))
    return [ring, *stubs, route, head]


def _pin() -> list[_Stroke]:
    """A map-pin outline with a dot: a destination, unlike any arrow."""
    centre, r, tip = (0.0, 0.22), 0.44, (0.0, -0.76)
    spread = math.degrees(math.acos(r / (centre[1] - tip[1])))
    outline = [tip, *_arc(centre, r, -90 + spread, 270 - spread)]
    return [_Stroke(tuple(outline), closed=True), _Stroke((centre,), dot=0.15)]


def _unit(v: Point) -> Point:
    n = math.hypot(v[0], v[1])
    return (v[0] / n, v[1] / n)
