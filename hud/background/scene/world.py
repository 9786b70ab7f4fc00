"""The street scene's world: its dimensions, its light by time of day, and clipping at the lens.

Everything else in the scene (the city's painting, the raycaster, street life, the café drawn
near) takes its colours from one `Palette`, so all of it agrees on what a thing looks like by day
and at night.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DAY", "EYE", "NEAR", "NIGHT", "RGB", "RIGHT_FACADE", "WALK_SPEED", "Palette", "Point3", "clip_near", "mix",
           "tint"]

RGB = tuple[int, int, int]

# In metres: the wearer's eyes above the pavement, walking speed, how far the walking line keeps
# from the buildings on the right.
EYE = 1.65
WALK_SPEED = 1.4
RIGHT_FACADE = 3.3
NEAR = 0.4  # nothing closer than this is drawn (it would be behind the lens)


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
    unlit_far=110.0,
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


# ---------------------------------------------------------------- drawing in perspective

Point3 = tuple[float, float, float]  # (side, height, depth) from the camera


def clip_near(points: list[Point3], near: float = NEAR) -> list[Point3]:
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
