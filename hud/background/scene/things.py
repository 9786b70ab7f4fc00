"""The street scene's moving things: where each is at time `t`, and how to draw it at a distance.

Lane dashes, lamps and trees repeat along the street and slide past as the walker walks; cars
and people move at their own speeds and wrap around. Every position is a function of `t` alone.
Each `draw_*` function draws one thing onto a `Canvas` at depth `z` and returns the Rect it
changed; `sprites.py` pre-draws them at a ladder of scales.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from hud.background.scene.world import CENTRE_LINE, EYE, LEFT_FACADE, LEFT_KERB, RGB, WALK_SPEED, Canvas, mix, tint
from hud.pg import pygame

__all__ = [
    "DASH_FAR", "DASH_LENGTH", "DASH_SPACING", "GLOW_FAR", "LAMPS", "LAMP_FAR", "LAMP_SPACING", "LAMP_SPLIT",
    "LANTERN_GLOW", "LANTERN_HALO", "PEOPLE", "TRAFFIC", "TREE_FAR", "TREE_OFFSET", "TREE_SPACING", "TREE_X",
    "Car", "Walker", "draw_car", "draw_dash", "draw_lamp", "draw_tree", "draw_walker",
]

# Things repeat along the street every SPACING metres from OFFSET, and are drawn out to FAR.
DASH_SPACING, DASH_LENGTH, DASH_FAR = 9.0, 3.0, 55.0
LAMP_SPACING, LAMP_FAR, LAMP_SPLIT = 30.0, 100.0, 40.0  # nearer than LAMP_SPLIT a lamp is two sprites
LAMPS = ((-0.85, -1.1, 6.0), (LEFT_KERB - 0.35, 1.1, 21.0))  # x, arm reach, offset: one row per kerb
TREE_SPACING, TREE_OFFSET, TREE_FAR, TREE_X = 15.0, 13.5, 95.0, LEFT_FACADE + 1.9
CAR_LOOP, WALKER_LOOP = 270.0, 130.0  # cars and people wrap around over these distances
LANTERN_GLOW: RGB = (190, 150, 90)  # added around lit lanterns, out to LANTERN_HALO metres
LANTERN_HALO, GLOW_FAR = 0.55, 45.0  # beyond GLOW_FAR glows are drawn into the sprites instead
CARS: tuple[RGB, ...] = ((172, 174, 176), (58, 60, 64), (40, 52, 82), (214, 214, 208), (112, 32, 32), (28, 28, 30))
COATS: tuple[RGB, ...] = ((46, 50, 64), (120, 96, 70), (70, 30, 34), (36, 36, 38), (96, 104, 90), (150, 140, 120))


def _wrap(z: float, start: float, loop: float) -> float:
    return (z - start) % loop + start


@dataclass(frozen=True)
class Car:
    lane: float
    speed: float  # m/s along the street (negative: oncoming)
    start: float  # z at t = 0
    body: RGB

    def z(self, t: float) -> float:
        return _wrap(self.start + (self.speed - WALK_SPEED) * t, -20.0, CAR_LOOP)


@dataclass(frozen=True)
class Walker:
    x: float
    speed: float
    start: float
    coat: RGB
    legs: RGB
    height: float

    def z(self, t: float) -> float:
        return _wrap(self.start + (self.speed - WALK_SPEED) * t, -8.0, WALKER_LOOP)


TRAFFIC = (
    Car(CENTRE_LINE + 1.75, 9.0, 24.0, CARS[0]),
    Car(CENTRE_LINE + 1.75, 9.0, 150.0, CARS[2]),
    Car(CENTRE_LINE - 1.75, -10.0, 70.0, CARS[4]),
    Car(CENTRE_LINE - 1.75, -10.0, 200.0, CARS[3]),
)
PEOPLE = (
    Walker(-10.2, -1.3, 30.0, COATS[0], (40, 40, 44), 1.78),
    Walker(-9.4, 1.2, 18.0, COATS[1], (52, 50, 60), 1.66),
    Walker(-11.0, -1.2, 95.0, COATS[2], (34, 34, 38), 1.7),
    Walker(2.1, -1.25, 40.0, COATS[4], (46, 44, 42), 1.74),
)


def _union(rects: Sequence[pygame.Rect | None]) -> pygame.Rect:
    """The smallest Rect covering every drawn part (what the next frame has to repair)."""
    found = [r for r in rects if r is not None]
    return found[0].unionall(found[1:]) if found else pygame.Rect(0, 0, 0, 0)


def draw_dash(c: Canvas, z: float) -> pygame.Rect | None:
    """A lane dash; the part below the canvas's bottom edge is cut off first (it would be invisible
    and polygon filling costs grow with the off-screen part)."""
    lo, hi, z1 = CENTRE_LINE - 0.07, CENTRE_LINE + 0.07, z + DASH_LENGTH
    z0 = max(z, c.view.f * EYE / (c.view.h + 1 - c.view.cy))
    if z0 >= z1:
        return None
    return c.quad(c.palette.dash, [(lo, 0, z0), (hi, 0, z0), (hi, 0, z1), (lo, 0, z1)])


def draw_lamp(c: Canvas, z: float, x: float, arm: float, part: str) -> pygame.Rect:
    """A street lamp: a pole on a heavier base ("pole"), an arm over the road with the lantern at its
    end ("lantern"), or both ("lamp", for distant lamps, with the night glow drawn in).

    Why the split: a near lamp's bounding box is mostly empty, and every pixel of it has to be
    repaired on the next frame. Why a drawn-in glow far away: an additive glow costs a blend per
    pixel, and far off the halo covers only dark sky and dark walls, which the haze colour matches.
    """
    pal = c.palette
    pole = c.fog(pal.pole, z)
    lo, hi = sorted((x, x + arm))
    head = x + arm
    rects = []
    if part == "lamp" and pal.lights_on:
        dusk = mix(pal.haze, (0, 0, 0), 0.45)  # about the dark walls and sky behind a distant lantern
        for k, strength in ((1.0, 0.04), (0.75, 0.09), (0.5, 0.2), (0.3, 0.4)):
            rects.append(c.disc(mix(dusk, LANTERN_GLOW, strength), head, 5.98, z, LANTERN_HALO * k))
    if part != "lantern":
        rects += [c.box(pole, x - 0.07, x + 0.07, 0.0, 6.2, z), c.box(pole, x - 0.11, x + 0.11, 0.0, 0.8, z)]
    if part != "pole":
        rects += [c.box(pole, lo, hi, 6.06, 6.16, z),
                  c.box(c.fog(pal.lamp, z) if pal.lights_on else pole, head - 0.3, head + 0.3, 5.94, 6.1, z)]
    return _union(rects)


def draw_tree(c: Canvas, z: float, variant: int) -> pygame.Rect:
    """A street tree: trunk and a crown of overlapping discs, lit from the upper right."""
    rng = random.Random(variant * 7919 + 17)
    dark, light = (c.fog(col, z) for col in c.palette.foliage)
    mid = mix(dark, light, 0.5)
    x = TREE_X
    rects = [c.box(c.fog(c.palette.trunk, z), x - 0.13, x + 0.13, 0.0, 3.6, z)]
    puffs = [(rng.uniform(-1.3, 1.3), rng.uniform(3.9, 5.6), rng.uniform(0.9, 1.4)) for _ in range(6)]
    for colour, dx, dy, k in ((dark, 0.0, 0.0, 1.0), (mid, 0.12, 0.15, 0.8), (light, 0.3, 0.35, 0.5)):
        rects += [c.disc(colour, x + px + dx * r, py + dy * r, z, r * k) for px, py, r in puffs]
    return _union(rects)


def draw_car(c: Canvas, z: float, car: Car) -> pygame.Rect:
    """A car as a box with a glass cabin, seen from behind (same direction) or in front (oncoming)."""
    pal = c.palette
    dim = (0.32, 0.32, 0.36) if pal.night else (1.0, 1.0, 1.0)
    xl, xr, zf = car.lane - 0.9, car.lane + 0.9, z + 4.3
    body = c.fog(tint(car.body, dim), z)
    side = tint(body, (0.74, 0.74, 0.76))
    glass = c.fog((34, 38, 46) if not pal.night else (8, 9, 12), z)
    c0, c1 = z + 1.0, zf - 1.1
    rects = [
        c.quad((20, 20, 22), [(xl - 0.1, 0, z - 0.2), (xr + 0.2, 0, z - 0.2), (xr + 0.2, 0, zf), (xl - 0.1, 0, zf)]),
        c.quad(side, [(xr, 0.3, z), (xr, 0.95, z), (xr, 0.95, zf), (xr, 0.3, zf)], fog=False),
    ]
    for wz in (z + 0.8, zf - 0.8):
        rects.append(c.quad((18, 18, 20), [(xr, 0.0, wz - 0.32), (xr, 0.62, wz - 0.32), (xr, 0.62, wz + 0.32),
                                           (xr, 0.0, wz + 0.32)]))
    rects += [
        c.quad(body, [(xl, 0.95, z), (xr, 0.95, z), (xr, 0.95, zf), (xl, 0.95, zf)], fog=False),
        c.quad(glass, [(xr - 0.1, 0.95, c0), (xr - 0.15, 1.42, c0 + 0.35), (xr - 0.15, 1.42, c1 - 0.3),
                       (xr - 0.1, 0.95, c1)], fog=False),
        c.quad(glass, [(xl + 0.1, 0.95, c0), (xr - 0.1, 0.95, c0), (xr - 0.15, 1.42, c0 + 0.35),
                       (xl + 0.15, 1.42, c0 + 0.35)], fog=False),
        c.quad(tint(body, (1.08, 1.08, 1.08)), [(xl + 0.15, 1.42, c0 + 0.35), (xr - 0.15, 1.42, c0 + 0.35),
                                                 (xr - 0.15, 1.42, c1 - 0.3), (xl + 0.15, 1.42, c1 - 0.3)], fog=False),
        c.box(tint(body, (0.86, 0.86, 0.87)), xl, xr, 0.3, 0.95, z),
        c.box(c.fog((24, 24, 26), z), xl + 0.5, xr - 0.5, 0.38, 0.55, z),
    ]
    oncoming = car.speed < 0
    if pal.lights_on:
        lamp = (255, 248, 228) if oncoming else (220, 34, 30)
    else:
        lamp = (206, 206, 200) if oncoming else (140, 36, 34)
    rects += [c.box(c.fog(lamp, z), lx, lx + 0.3, 0.68, 0.82, z) for lx in (xl + 0.12, xr - 0.42)]
    return _union(rects)


def draw_walker(c: Canvas, z: float, person: Walker, gait: int) -> pygame.Rect:
    """A pedestrian seen from in front (oncoming) or behind; `gait` (0-3) lifts a foot and swings the arms."""
    dim = (0.3, 0.3, 0.34) if c.palette.night else (1.0, 1.0, 1.0)
    x, h = person.x, person.height
    lift = (0.0, 0.08, 0.0, 0.08)[gait]
    left_up, right_up = (lift, 0.0) if gait < 2 else (0.0, lift)
    sway = (0.0, 0.04, 0.0, -0.04)[gait]
    legs, coat = c.fog(tint(person.legs, dim), z), c.fog(tint(person.coat, dim), z)
    skin, hair = c.fog(tint((190, 150, 124), dim), z), c.fog(tint((52, 40, 34), dim), z)
    shoe = c.fog(tint((26, 24, 24), dim), z)
    sleeve = tint(coat, (0.85, 0.85, 0.85))
    rects = [
        c.box(shoe, x - 0.17, x - 0.03, left_up, left_up + 0.07, z),
        c.box(shoe, x + 0.03, x + 0.17, right_up, right_up + 0.07, z),
        c.box(legs, x - 0.16, x - 0.03, left_up + 0.06, h * 0.5, z),
        c.box(legs, x + 0.03, x + 0.16, right_up + 0.06, h * 0.5, z),
        c.quad(sleeve, [(x - 0.27 + sway, h * 0.45, z), (x - 0.19 + sway, h * 0.45, z),
                        (x - 0.17, h * 0.8, z), (x - 0.25, h * 0.79, z)], fog=False),
        c.quad(sleeve, [(x + 0.19 - sway, h * 0.45, z), (x + 0.27 - sway, h * 0.45, z),
                        (x + 0.25, h * 0.79, z), (x + 0.17, h * 0.8, z)], fog=False),
        c.quad(coat, [(x - 0.19, h * 0.44, z), (x + 0.19, h * 0.44, z), (x + 0.22, h * 0.81, z),
                      (x - 0.22, h * 0.81, z)], fog=False),
        c.box(skin, x - 0.05, x + 0.05, h * 0.8, h * 0.86, z),
        c.disc(hair, x, h * 0.925, z, 0.105),
    ]
    if person.speed < 0:  # coming towards the walker: a face under the hair
        rects.append(c.disc(skin, x, h * 0.91, z, 0.085))
    return _union(rects)
