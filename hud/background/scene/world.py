"""The street scene's world: its dimensions, its light by time of day, and drawing in perspective.

Everything else in the scene (the static layer, the moving things, their sprites) places and
colours what it draws through `View` and `Canvas`, so all of it agrees on where a thing is and
what colour it has at a given distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hud.pg import pygame

__all__ = [
    "CENTRE_LINE", "DAY", "EYE", "FAR", "LEFT_FACADE", "LEFT_KERB", "NEAR", "NIGHT", "RGB", "RIGHT_FACADE",
    "RIGHT_KERB", "STREET_END", "WALK_SPEED", "Canvas", "Palette", "Point3", "View", "mix", "tint",
]

RGB = tuple[int, int, int]

# The street, in metres: x to the right, y up, z ahead. The walker is at x = 0.
EYE = 1.65
WALK_SPEED = 1.4
RIGHT_FACADE, RIGHT_KERB, LEFT_KERB, LEFT_FACADE = 3.3, -1.2, -8.2, -12.4
CENTRE_LINE = (RIGHT_KERB + LEFT_KERB) / 2
STREET_END = 260.0  # a cross street's far side closes the view
NEAR = 0.4  # nothing closer than this is drawn (it would be behind the lens)
FAR = 150.0  # moving things beyond this are below a pixel and fogged away


@dataclass(frozen=True)
class Palette:
    """Colours and light for one time of day; the scene reads nothing else that differs."""

    night: bool
    sky_top: RGB
    sky_horizon: RGB
    haze: RGB
    fog_distance: float
    sunlit: tuple[float, float, float]  # multiplies wall colours on the right-hand (sunny) side
    shade: tuple[float, float, float]  # multiplies wall colours on the left-hand side
    road: RGB
    road_worn: RGB
    kerb: RGB
    pavement: RGB
    glass: RGB
    glass_sky: RGB
    lit_windows: tuple[RGB, ...]
    lit_fraction: float
    shop_glass: RGB
    pole: RGB
    lamp: RGB
    foliage: tuple[RGB, RGB]
    trunk: RGB
    dash: RGB
    lights_on: bool
    unlit_far: float  # unlit trees and people beyond this are lost in the haze, so not drawn


DAY = Palette(
    night=False,
    sky_top=(104, 146, 190),
    sky_horizon=(198, 212, 222),
    haze=(190, 200, 208),
    fog_distance=420.0,
    sunlit=(1.04, 1.0, 0.94),
    shade=(0.56, 0.6, 0.68),
    road=(92, 92, 94),
    road_worn=(104, 103, 102),
    kerb=(150, 148, 142),
    pavement=(168, 163, 155),
    glass=(58, 70, 82),
    glass_sky=(120, 142, 160),
    lit_windows=(),
    lit_fraction=0.0,
    shop_glass=(44, 50, 56),
    pole=(58, 64, 62),
    lamp=(150, 150, 140),
    foliage=((72, 92, 58), (104, 124, 74)),
    trunk=(78, 66, 56),
    dash=(214, 212, 200),
    lights_on=False,
    unlit_far=FAR,
)

NIGHT = Palette(
    night=True,
    sky_top=(6, 9, 20),
    sky_horizon=(40, 36, 46),
    haze=(30, 28, 34),
    fog_distance=260.0,
    sunlit=(0.13, 0.13, 0.16),
    shade=(0.1, 0.1, 0.13),
    road=(24, 24, 27),
    road_worn=(30, 29, 30),
    kerb=(52, 50, 50),
    pavement=(40, 38, 38),
    glass=(14, 16, 22),
    glass_sky=(22, 24, 32),
    lit_windows=((255, 204, 130), (250, 186, 110), (236, 226, 200), (255, 170, 96), (200, 190, 170)),
    lit_fraction=0.42,
    shop_glass=(255, 214, 160),
    pole=(22, 24, 26),
    lamp=(255, 226, 170),
    foliage=((14, 20, 14), (22, 30, 20)),
    trunk=(16, 14, 12),
    dash=(120, 116, 104),
    lights_on=True,
    unlit_far=75.0,
)


def mix(a: RGB, b: RGB, k: float) -> RGB:
    """`a` moved a fraction `k` of the way to `b`."""
    return (round(a[0] + (b[0] - a[0]) * k), round(a[1] + (b[1] - a[1]) * k), round(a[2] + (b[2] - a[2]) * k))


def tint(c: RGB, m: tuple[float, float, float]) -> RGB:
    return (min(255, round(c[0] * m[0])), min(255, round(c[1] * m[1])), min(255, round(c[2] * m[2])))


@dataclass(frozen=True)
class View:
    """A pinhole camera at eye height looking straight along the street."""

    w: int
    h: int
    f: float
    cx: float
    cy: float

    @classmethod
    def for_size(cls, w: int, h: int) -> View:
        # Why a blend of width and height: the field of view stays street-like at 16:9, 4:3 and 1:1.
        return cls(w, h, 0.5 * (0.72 * w + 1.28 * h), w / 2, 0.45 * h)

    def x(self, x: float, z: float) -> float:
        return self.cx + self.f * x / z

    def y(self, y: float, z: float) -> float:
        return self.cy - self.f * (y - EYE) / z

    def pt(self, x: float, y: float, z: float) -> tuple[float, float]:
        return (self.cx + self.f * x / z, self.cy - self.f * (y - EYE) / z)


# ---------------------------------------------------------------- drawing in perspective

Point3 = tuple[float, float, float]


def _clip_near(points: list[Point3], near: float = NEAR) -> list[Point3]:
    """`points` (a convex polygon) with the part closer than `near` cut away."""
    out: list[Point3] = []
    for i, a in enumerate(points):
        b = points[(i + 1) % len(points)]
        if a[2] >= near:
            out.append(a)
        if (a[2] >= near) != (b[2] >= near):
            k = (near - a[2]) / (b[2] - a[2])
            out.append((a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, near))
    return out


class Canvas:
    """Draws world-space shapes with fog onto a surface; every call returns the Rect it changed.

    The static layer, the sprites and the per-frame drawing all use it, so they agree on where
    a thing is and what colour it has at a given distance.
    """

    def __init__(self, surface: pygame.Surface, view: View, palette: Palette) -> None:
        self.surface, self.view, self.palette = surface, view, palette

    def fog(self, colour: RGB, z: float) -> RGB:
        return mix(colour, self.palette.haze, 1.0 - math.exp(-max(z, 0.0) / self.palette.fog_distance))

    def quad(self, colour: RGB, points: list[Point3], fog: bool = True) -> pygame.Rect | None:
        pts = _clip_near(points)
        if len(pts) < 3:
            return None
        if fog:
            colour = self.fog(colour, sum(p[2] for p in pts) / len(pts))
        return pygame.draw.polygon(self.surface, colour, [self.view.pt(*p) for p in pts])

    def facade_quad(self, colour: RGB, x: float, y0: float, y1: float, z0: float, z1: float) -> None:
        """A rectangle lying in the wall plane `x` (vertical, along the street)."""
        self.quad(colour, [(x, y0, z0), (x, y1, z0), (x, y1, z1), (x, y0, z1)])

    def box(self, colour: RGB, x0: float, x1: float, y0: float, y1: float, z: float) -> pygame.Rect:
        """A rectangle facing the walker at depth `z` (colour used as given): one fill, the cheapest shape."""
        v = self.view
        left, top = v.cx + v.f * x0 / z, v.cy - v.f * (y1 - EYE) / z
        right, bottom = v.cx + v.f * x1 / z, v.cy - v.f * (y0 - EYE) / z
        return self.surface.fill(
            colour, (round(left), round(top), max(1, round(right) - round(left)), max(1, round(bottom) - round(top)))
        )

    def disc(self, colour: RGB, x: float, y: float, z: float, radius: float) -> pygame.Rect:
        """A disc facing the walker at depth `z` (colour used as given)."""
        return pygame.draw.circle(self.surface, colour, self.view.pt(x, y, z), max(1.0, radius * self.view.f / z))

    def span(self, x: float, z0: float, z1: float) -> float:
        """How many pixels wide a stretch of wall from z0 to z1 appears."""
        v = self.view
        return abs(v.x(x, max(z0, NEAR)) - v.x(x, max(z1, NEAR)))
