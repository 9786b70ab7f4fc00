"""The built-in street scene: a city street seen while walking along the right-hand pavement.

Why procedural: the emulator must run with no camera and no media files, and a HUD has to be
judged against a busy, bright world (day) and a dark one with point lights (night).

How it stays cheap (a frame costs a few frame copies): everything that does not move with the
walker (sky, street surface, facades, shop light) is drawn once per frame size, at twice the
size and smoothed down for anti-aliasing. The moving things (lane dashes, lamps, trees, cars,
people) are pre-drawn as run-length-encoded sprites at a ladder of scales, so a frame is: repair
what the last frame drew over, then blit a couple of dozen sprites. Every position is a function
of `t` alone, so a frame is too, whatever frames came before it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from hud.background.base import BackgroundSource, SizeCache, check_size
from hud.pg import pygame

__all__ = ["DAY", "NIGHT", "Palette", "StreetScene"]

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

WALLS: tuple[RGB, ...] = (
    (205, 190, 165), (214, 206, 190), (160, 100, 80), (172, 168, 160), (196, 164, 112),
    (178, 120, 96), (150, 158, 160), (220, 216, 208), (138, 126, 114), (188, 176, 150),
)
SIGNS: tuple[RGB, ...] = ((40, 62, 52), (38, 48, 72), (92, 36, 40), (48, 48, 50), (214, 204, 180), (120, 84, 48))
AWNINGS: tuple[RGB, ...] = ((58, 82, 62), (112, 48, 46), (48, 60, 82), (150, 132, 104), (70, 70, 72))
CARS: tuple[RGB, ...] = ((172, 174, 176), (58, 60, 64), (40, 52, 82), (214, 214, 208), (112, 32, 32), (28, 28, 30))
COATS: tuple[RGB, ...] = ((46, 50, 64), (120, 96, 70), (70, 30, 34), (36, 36, 38), (96, 104, 90), (150, 140, 120))


def _mix(a: RGB, b: RGB, k: float) -> RGB:
    """`a` moved a fraction `k` of the way to `b`."""
    return (round(a[0] + (b[0] - a[0]) * k), round(a[1] + (b[1] - a[1]) * k), round(a[2] + (b[2] - a[2]) * k))


def _tint(c: RGB, m: tuple[float, float, float]) -> RGB:
    return (min(255, round(c[0] * m[0])), min(255, round(c[1] * m[1])), min(255, round(c[2] * m[2])))


@dataclass(frozen=True)
class _View:
    """A pinhole camera at eye height looking straight along the street."""

    w: int
    h: int
    f: float
    cx: float
    cy: float

    @classmethod
    def for_size(cls, w: int, h: int) -> _View:
        # Why a blend of width and height: the field of view stays street-like at 16:9, 4:3 and 1:1.
        return cls(w, h, 0.5 * (0.72 * w + 1.28 * h), w / 2, 0.45 * h)

    def x(self, x: float, z: float) -> float:
        return self.cx + self.f * x / z

    def y(self, y: float, z: float) -> float:
        return self.cy - self.f * (y - EYE) / z

    def pt(self, x: float, y: float, z: float) -> tuple[float, float]:
        return (self.cx + self.f * x / z, self.cy - self.f * (y - EYE) / z)


@dataclass(frozen=True)
class _Building:
    """One building's street facade: a plane at the side's x from z0 to z1."""

    left: bool
    z0: float
    z1: float
    height: float
    wall: RGB
    trim: RGB
    ground: float  # shop floor height
    floor: float
    bay: float
    window: tuple[float, float]  # width, height
    awning: RGB | None
    seed: int

    @property
    def x(self) -> float:
        return LEFT_FACADE if self.left else RIGHT_FACADE


def _plan_street(rng: random.Random) -> tuple[_Building, ...]:
    """Both rows of buildings, nearest first, from just behind the walker to the street's end."""
    out: list[_Building] = []
    for left in (True, False):
        z = -6.0
        while z < STREET_END:
            length = rng.uniform(9.0, 22.0)
            ground = rng.uniform(3.9, 4.6)
            floor = rng.uniform(2.9, 3.4)
            floors = rng.randint(3, 6)
            wall = WALLS[rng.randrange(len(WALLS))]
            trim = _mix(wall, (236, 232, 222), 0.55) if sum(wall) < 560 else _mix(wall, (90, 84, 78), 0.3)
            bays = max(2, round(length / rng.uniform(2.6, 3.6)))
            awning = AWNINGS[rng.randrange(len(AWNINGS))] if rng.random() < 0.45 else None
            out.append(
                _Building(
                    left, z, z + length, ground + floors * floor + rng.uniform(0.4, 1.2), wall, trim, ground,
                    floor, length / bays, (rng.uniform(1.0, 1.5), rng.uniform(1.5, 1.9)), awning,
                    rng.randrange(1 << 30),
                )
            )
            z += length
    return tuple(out)


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


class _Canvas:
    """Draws world-space shapes with fog onto a surface; every call returns the Rect it changed.

    The static layer, the sprites and the per-frame drawing all use it, so they agree on where
    a thing is and what colour it has at a given distance.
    """

    def __init__(self, surface: pygame.Surface, view: _View, palette: Palette) -> None:
        self.surface, self.view, self.palette = surface, view, palette

    def fog(self, colour: RGB, z: float) -> RGB:
        return _mix(colour, self.palette.haze, 1.0 - math.exp(-max(z, 0.0) / self.palette.fog_distance))

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


# ---------------------------------------------------------------- static layer (drawn once per size)


def _paint_sky_and_ground(
    surface: pygame.Surface, view: _View, palette: Palette, buildings: tuple[_Building, ...], rng: random.Random
) -> None:
    """Sky gradient, clouds or stars, and the street surface, computed per pixel with numpy.

    Why in bands of rows: at twice 1920x1080 a whole-frame float array would need hundreds of MB.
    """
    w, h = view.w, view.h
    pixels = pygame.surfarray.pixels3d(surface)  # a (w, h, 3) view of the surface
    clouds = _cloud_cover(view, rng) if not palette.night else None
    top, bottom = np.array(palette.sky_top, np.float32), np.array(palette.sky_horizon, np.float32)
    texture = _GroundTexture(palette, buildings)
    horizon = math.floor(view.cy) + 1
    for r0 in range(0, h, 128):
        rows = np.arange(r0, min(h, r0 + 128), dtype=np.float32) + 0.5
        band = np.empty((len(rows), w, 3), np.float32)
        up = np.clip(1.0 - rows / view.cy, 0.0, 1.0) ** 0.7
        band[:] = (bottom + (top - bottom) * up[:, None])[:, None, :]
        if clouds is not None and r0 < clouds.shape[0]:
            alpha = clouds[r0 : r0 + len(rows), :, None]
            band[: len(alpha)] += (np.array((236, 238, 240), np.float32) - band[: len(alpha)]) * alpha
        ground = rows >= horizon
        if ground.any():
            band[ground] = texture.rows(view, rows[ground])
        pixels[:, r0 : r0 + len(rows)] = np.clip(band + 0.5, 0, 255).astype(np.uint8).transpose(1, 0, 2)
    if palette.night:  # a few faint stars
        for _ in range(int(w * view.cy / 9000)):
            x, y = rng.randrange(w), int(rng.uniform(0, view.cy * 0.7))
            pixels[x, y] = np.minimum(255, pixels[x, y].astype(np.int16) + int(rng.uniform(30, 90)))
    del pixels  # unlocks the surface


class _GroundTexture:
    """The street surface: its pattern across the width, looked up per pixel.

    Why a texture: the pattern runs along the street (kerbs, wheel tracks, slab joints), so it
    depends only on world x and is computed once; only fog, the fading of fine joints and the
    shadow of the left-hand buildings depend on the distance, which is constant along a row.
    """

    TEXEL, X0, X1 = 0.004, LEFT_FACADE - 0.5, RIGHT_FACADE + 0.5

    def __init__(self, palette: Palette, buildings: tuple[_Building, ...]) -> None:
        self.palette = palette
        x = np.arange(self.X0, self.X1, self.TEXEL, dtype=np.float32)
        road, worn = np.array(palette.road, np.float32), np.array(palette.road_worn, np.float32)
        track = np.zeros_like(x)
        for lane in (CENTRE_LINE + 1.75, CENTRE_LINE - 1.75):
            for wheel in (lane - 0.8, lane + 0.8):
                track += np.clip(1.0 - np.abs(x - wheel) / 0.45, 0.0, 1.0)
        colour = road + (worn - road) * track[:, None]
        gutter = np.clip(1.0 - np.minimum(np.abs(x - RIGHT_KERB), np.abs(x - LEFT_KERB)) / 0.5, 0, 1)
        colour *= (1.0 - 0.12 * gutter)[:, None]
        pave = (x > RIGHT_KERB) | (x < LEFT_KERB)
        colour[pave] = palette.pavement
        slab = (np.where(x > 0, x - RIGHT_KERB, LEFT_KERB - x) % 0.9) / 0.9
        self.joint = np.clip(1.0 - np.minimum(slab, 1.0 - slab) * 0.9 / 0.03, 0.0, 1.0) * pave
        colour[np.minimum(np.abs(x - RIGHT_KERB - 0.09), np.abs(x - LEFT_KERB + 0.09)) < 0.09] = palette.kerb
        to_wall = np.minimum(RIGHT_FACADE - x, x - LEFT_FACADE)
        colour *= (1.0 - 0.25 * np.clip(1.0 - to_wall / 0.8, 0.0, 1.0))[:, None]
        if palette.night:  # light spilling out of shop windows onto the pavements
            colour += np.array((70, 52, 30), np.float32) * (np.clip(1.0 - to_wall / 3.5, 0.0, 1.0) ** 2)[:, None]
        self.colour = colour
        left = [b for b in buildings if b.left]
        self.edges = np.array([b.z1 for b in left], np.float32)
        self.heights = np.array([b.height for b in left], np.float32)

    def rows(self, view: _View, rows: np.ndarray) -> np.ndarray:
        """The street at screen `rows` (all below the horizon), as a (rows, w, 3) float array."""
        pal = self.palette
        z = (view.f * EYE / (rows - view.cy)).astype(np.float32)
        cols = np.arange(view.w, dtype=np.float32) + 0.5 - view.cx
        index = np.clip((cols[None, :] * (z / view.f)[:, None] - self.X0) / self.TEXEL, 0, len(self.joint) - 1)
        index = index.astype(np.int32)
        colour = self.colour[index]
        colour *= (1.0 - self.joint[index] * (0.18 / (1.0 + z / 12.0))[:, None])[..., None]
        if not pal.night:  # the left-hand row shades the left pavement and part of the road
            at = np.clip(np.searchsorted(self.edges, z + 3.0), 0, len(self.edges) - 1)
            edge = LEFT_FACADE + 0.42 * self.heights[at]
            colour[index < ((edge - self.X0) / self.TEXEL)[:, None]] *= np.array(pal.shade, np.float32)
        colour[z > STREET_END] = pal.road
        fog = (1.0 - np.exp(-z / pal.fog_distance))[:, None, None]
        return colour + (np.array(pal.haze, np.float32) - colour) * fog


def _cloud_cover(view: _View, rng: random.Random) -> np.ndarray:
    """Soft fair-weather clouds as an (sky rows, w) opacity map: stretched Gaussian puffs."""
    h = int(view.cy) + 1
    ys, xs = np.mgrid[0:h:4, 0 : view.w : 4].astype(np.float32)
    density = np.zeros(ys.shape, np.float32)
    for _ in range(7):
        cx, cy = rng.uniform(0, view.w), rng.uniform(0.05, 0.75) * h
        for _ in range(5):
            px, py = cx + rng.gauss(0, view.w * 0.04), cy + rng.gauss(0, h * 0.03)
            rx, ry = view.w * rng.uniform(0.03, 0.07), h * rng.uniform(0.03, 0.06)
            r0, r1 = max(0, int((py - 3 * ry) / 4)), max(0, int((py + 3 * ry) / 4) + 1)
            c0, c1 = max(0, int((px - 3 * rx) / 4)), max(0, int((px + 3 * rx) / 4) + 1)
            box = (slice(r0, r1), slice(c0, c1))
            density[box] += np.exp(-(((xs[box] - px) / rx) ** 2 + ((ys[box] - py) / ry) ** 2))
    alpha = np.clip(density * 0.55, 0.0, 0.75)
    return np.repeat(np.repeat(alpha, 4, axis=0), 4, axis=1)[:h, : view.w]


def _draw_building(p: _Canvas, b: _Building, nearer: _Building | None) -> None:
    """One facade: wall, cornice, windows with reveals, and a shopfront with its sign and awning."""
    pal, x = p.palette, b.x
    out = 1.0 if b.left else -1.0  # from the wall towards the street
    rng = random.Random(b.seed)
    light = pal.shade if b.left else pal.sunlit
    wall, trim = _tint(b.wall, light), _tint(b.trim, light)
    dark = _tint(b.wall, (0.55, 0.55, 0.58))
    z0, z1 = max(b.z0, NEAR), min(b.z1, STREET_END)
    if z1 <= z0:
        return
    if nearer is not None and b.height > nearer.height and b.z0 > NEAR:  # the end wall above a lower roof
        p.quad(_tint(b.wall, (pal.shade[0] * 0.9, pal.shade[1] * 0.9, pal.shade[2] * 0.9)),
               [(x, nearer.height, b.z0), (x, b.height, b.z0), (x - out * 14, b.height, b.z0),
                (x - out * 14, nearer.height, b.z0)])
    p.facade_quad(wall, x, 0.0, b.height, z0, z1)
    shop_wall = _mix(wall, (120, 86, 50), 0.35) if pal.night else wall
    p.facade_quad(shop_wall, x, 0.0, b.ground, z0, z1)
    p.facade_quad(dark, x, 0.0, 0.35, z0, z1)
    p.facade_quad(trim, x, b.ground - 0.05, b.ground + 0.25, z0, z1)
    p.facade_quad(trim, x, b.height - 0.75, b.height - 0.3, z0, z1)
    p.facade_quad(_tint(trim, (0.7, 0.7, 0.72)), x, b.height - 0.3, b.height, z0, z1)
    detailed = p.span(x, z0, z0 + b.bay) > 7
    floors = int((b.height - b.ground - 0.8) // b.floor)
    ww, wh = b.window
    for j in range(round((b.z1 - b.z0) / b.bay)):
        zc = b.z0 + (j + 0.5) * b.bay
        if zc - b.bay / 2 > STREET_END or zc + b.bay / 2 < NEAR:
            continue
        zn, zf = zc - ww / 2, zc + ww / 2
        for i in range(floors):
            yb = b.ground + i * b.floor + 0.9
            yt = yb + min(wh, b.floor - 1.1)
            lit = pal.night and rng.random() < pal.lit_fraction
            if lit:
                glass = pal.lit_windows[rng.randrange(len(pal.lit_windows))]
                glass = _mix(glass, (0, 0, 0), rng.uniform(0.0, 0.45))
            else:
                glass = _mix(pal.glass, pal.glass_sky, rng.uniform(0.1, 0.6) + (0.25 if b.left else 0.0))
            if detailed:
                p.facade_quad(trim, x, yb - 0.14, yt + 0.16, zn - 0.14, zf + 0.14)
            p.facade_quad(glass, x, yb, yt, zn, zf)
            if detailed:
                if not lit:
                    p.facade_quad(_mix(glass, pal.glass_sky, 0.35), x, (yb + yt) / 2, yt, zn, zf)
                else:
                    p.facade_quad(_mix(glass, (0, 0, 0), 0.25), x, yb, yb + 0.45, zn, zf)
                p.facade_quad(_tint(glass, (0.6, 0.6, 0.6)), x, yb, yt, zc - 0.03, zc + 0.03)
                # The far reveal and the lintel soffit: the window is set 15 cm into the wall.
                p.quad(_tint(wall, (0.62, 0.62, 0.66)), [(x, yb, zf), (x, yt, zf), (x - out * 0.15, yt, zf),
                                                         (x - out * 0.15, yb, zf)])
                p.quad(_tint(wall, (0.5, 0.5, 0.55)), [(x, yt, zn), (x, yt, zf), (x - out * 0.15, yt, zf),
                                                       (x - out * 0.15, yt, zn)])
                p.facade_quad(_mix(trim, (255, 255, 255), 0.15), x + out * 0.05, yb - 0.12, yb, zn - 0.1, zf + 0.1)
        _shopfront(p, b, rng, zc, out, j)
    _sign_letters(p, b, rng)
    if b.awning is not None and b.z1 > NEAR:
        a, top, low = b.awning, b.ground - 0.75, b.ground - 1.5
        shade = _tint(a, (0.55, 0.55, 0.55) if not pal.night else (0.5, 0.42, 0.36))
        p.quad(shade, [(x, top, z0 + 0.3), (x, top, z1 - 0.3), (x + out * 1.5, low, z1 - 0.3),
                       (x + out * 1.5, low, z0 + 0.3)])
        p.quad(_tint(a, light if not pal.night else (0.6, 0.5, 0.42)),
               [(x + out * 1.5, low, z0 + 0.3), (x + out * 1.5, low, z1 - 0.3),
                (x + out * 1.5, low - 0.28, z1 - 0.3), (x + out * 1.5, low - 0.28, z0 + 0.3)])


def _shopfront(p: _Canvas, b: _Building, rng: random.Random, zc: float, out: float, j: int) -> None:
    """One bay of the ground floor: a framed shop window, or the door in every third bay."""
    pal, x = p.palette, b.x
    light = pal.shade if b.left else pal.sunlit
    sign = _tint(SIGNS[b.seed % len(SIGNS)], light)
    frame = _mix(sign, (0, 0, 0), 0.15)
    z0, z1 = zc - b.bay / 2, zc + b.bay / 2
    p.facade_quad(sign, x, b.ground - 1.05, b.ground - 0.3, z0, z1)
    p.facade_quad(_mix(sign, (0, 0, 0), 0.35), x, b.ground - 1.05, b.ground - 0.95, z0, z1)
    open_late = pal.night and random.Random(b.seed + 1).random() < 0.7
    if open_late:
        glass = _mix(pal.shop_glass, (0, 0, 0), rng.uniform(0.05, 0.35))
    else:
        glass = pal.shop_glass if not pal.night else pal.glass
    half, top = b.bay * 0.4, b.ground - 1.25
    door = j % 3 == 1
    bottom = 0.0 if door else 0.55
    if door:
        half = min(half, 0.6)
    p.facade_quad(frame, x, 0.0, top + 0.12, zc - half - 0.1, zc + half + 0.1)
    p.facade_quad(glass, x, bottom, top, zc - half, zc + half)
    if not pal.night:  # the street reflected in the upper part of the glass
        p.facade_quad(_mix(glass, pal.glass_sky, 0.3), x, (bottom + top) / 2 + 0.3, top, zc - half, zc + half)
    elif open_late:  # shelves and goods against the light
        for y in np.arange(bottom + 0.45, top - 0.3, 0.55):
            p.facade_quad(_mix(glass, (40, 30, 20), 0.45), x, y, y + 0.06, zc - half, zc + half)
    p.quad(_tint(b.wall, light) if not open_late else _mix(glass, (60, 40, 20), 0.4),
           [(x, bottom, zc + half), (x, top, zc + half), (x - out * 0.2, top, zc + half),
            (x - out * 0.2, bottom, zc + half)])


def _sign_letters(p: _Canvas, b: _Building, rng: random.Random) -> None:
    """A shop name on the fascia: a row of letter-sized blocks, lit at night."""
    length = min(b.z1 - b.z0 - 2.0, rng.uniform(2.5, 5.5))
    if length < 1.5 or p.span(b.x, b.z0, b.z0 + length) < 12:
        return
    light = p.palette.shade if b.left else p.palette.sunlit
    ink = (236, 226, 200) if sum(SIGNS[b.seed % len(SIGNS)]) < 400 else (40, 36, 34)
    ink = _mix(ink, (255, 236, 200), 0.3) if p.palette.night else _tint(ink, light)
    z = (b.z0 + b.z1 - length) / 2
    end = z + length
    while z < end:
        width = rng.uniform(0.12, 0.3)
        p.facade_quad(ink, b.x, b.ground - 0.8, b.ground - 0.52, z, min(z + width, end))
        z += width + rng.choice((0.06, 0.06, 0.06, 0.25))


def _street_end(p: _Canvas, rng: random.Random) -> None:
    """The far side of a cross street, closing the view so the vanishing point is not a void."""
    z = STREET_END + 14.0
    x = LEFT_FACADE - 60.0
    while x < RIGHT_FACADE + 60.0:
        width, height = rng.uniform(10, 20), rng.uniform(12, 24)
        wall = _tint(WALLS[rng.randrange(len(WALLS))], p.palette.shade)
        p.quad(wall, [(x, 0, z), (x, height, z), (x + width, height, z), (x + width, 0, z)])
        for fy in np.arange(4.6, height - 1.5, 3.2):
            for fx in np.arange(x + 1.2, x + width - 1.0, 2.6):
                lit = p.palette.night and rng.random() < p.palette.lit_fraction
                glass = p.palette.lit_windows[0] if lit else p.palette.glass
                p.quad(glass, [(fx, fy, z), (fx, fy + 1.5, z), (fx + 1.2, fy + 1.5, z), (fx + 1.2, fy, z)])
        x += width


def _bloom(surface: pygame.Surface) -> None:
    """Add a soft glow around the brightest pixels, as a camera at night sees lit windows."""
    w, h = surface.get_size()
    bright = pygame.surfarray.array3d(surface).astype(np.int16) - 150
    np.clip(bright * 2, 0, 255, out=bright)
    glow = pygame.surfarray.make_surface(bright.astype(np.uint8))
    small = pygame.transform.smoothscale(glow, (max(1, w // 16), max(1, h // 16)))
    small = pygame.transform.smoothscale(small, (max(1, w // 32), max(1, h // 32)))
    glow = pygame.transform.smoothscale(small, (w, h))
    surface.blit(glow, (0, 0), special_flags=pygame.BLEND_ADD)


def _render_static(size: tuple[int, int], palette: Palette, buildings: tuple[_Building, ...],
                   seed: int) -> pygame.Surface:
    """Everything that does not move, at `size`: drawn at twice the size and smoothed down."""
    w, h = size
    view = _View.for_size(2 * w, 2 * h)
    rng = random.Random(seed)
    big = pygame.Surface((view.w, view.h), 0, 24)
    _paint_sky_and_ground(big, view, palette, buildings, rng)
    painter = _Canvas(big, view, palette)
    _street_end(painter, rng)
    for left in (True, False):
        row = [b for b in buildings if b.left == left]
        for k in range(len(row) - 1, -1, -1):
            _draw_building(painter, row[k], row[k - 1] if k > 0 else None)
    if palette.night:
        _bloom(big)
    out = pygame.Surface(size, 0, 24)
    out.blit(pygame.transform.smoothscale(big, size), (0, 0))
    return out


# ---------------------------------------------------------------- moving things (drawn every frame)

# Things repeat along the street every SPACING metres from OFFSET, and are drawn out to FAR.
DASH_SPACING, DASH_LENGTH, DASH_FAR = 9.0, 3.0, 55.0
LAMP_SPACING, LAMP_FAR, LAMP_SPLIT = 30.0, 100.0, 40.0  # nearer than LAMP_SPLIT a lamp is two sprites
LAMPS = ((-0.85, -1.1, 6.0), (LEFT_KERB - 0.35, 1.1, 21.0))  # x, arm reach, offset: one row per kerb
TREE_SPACING, TREE_OFFSET, TREE_FAR, TREE_X = 15.0, 13.5, 95.0, LEFT_FACADE + 1.9
CAR_LOOP, WALKER_LOOP = 270.0, 130.0  # cars and people wrap around over these distances
LANTERN_GLOW: RGB = (190, 150, 90)  # added around lit lanterns, out to LANTERN_HALO metres
LANTERN_HALO, GLOW_FAR = 0.55, 45.0  # beyond GLOW_FAR glows are drawn into the sprites instead
STEP = 1.03  # sprites exist at scales of STEP**n pixels per metre
KEY = (255, 0, 255)  # sprite transparency; no palette colour is this magenta


def _wrap(z: float, start: float, loop: float) -> float:
    return (z - start) % loop + start


@dataclass(frozen=True)
class _Car:
    lane: float
    speed: float  # m/s along the street (negative: oncoming)
    start: float  # z at t = 0
    body: RGB

    def z(self, t: float) -> float:
        return _wrap(self.start + (self.speed - WALK_SPEED) * t, -20.0, CAR_LOOP)


@dataclass(frozen=True)
class _Walker:
    x: float
    speed: float
    start: float
    coat: RGB
    legs: RGB
    height: float

    def z(self, t: float) -> float:
        return _wrap(self.start + (self.speed - WALK_SPEED) * t, -8.0, WALKER_LOOP)


TRAFFIC = (
    _Car(CENTRE_LINE + 1.75, 9.0, 24.0, CARS[0]),
    _Car(CENTRE_LINE + 1.75, 9.0, 150.0, CARS[2]),
    _Car(CENTRE_LINE - 1.75, -10.0, 70.0, CARS[4]),
    _Car(CENTRE_LINE - 1.75, -10.0, 200.0, CARS[3]),
)
PEOPLE = (
    _Walker(-10.2, -1.3, 30.0, COATS[0], (40, 40, 44), 1.78),
    _Walker(-9.4, 1.2, 18.0, COATS[1], (52, 50, 60), 1.66),
    _Walker(-11.0, -1.2, 95.0, COATS[2], (34, 34, 38), 1.7),
    _Walker(2.1, -1.25, 40.0, COATS[4], (46, 44, 42), 1.74),
)


def _union(rects: list[pygame.Rect | None]) -> pygame.Rect:
    """The smallest Rect covering every drawn part (what the next frame has to repair)."""
    found = [r for r in rects if r is not None]
    return found[0].unionall(found[1:]) if found else pygame.Rect(0, 0, 0, 0)


def _draw_dash(c: _Canvas, z: float) -> pygame.Rect | None:
    """A lane dash; the part below the canvas's bottom edge is cut off first (it would be invisible
    and polygon filling costs grow with the off-screen part)."""
    lo, hi, z1 = CENTRE_LINE - 0.07, CENTRE_LINE + 0.07, z + DASH_LENGTH
    z0 = max(z, c.view.f * EYE / (c.view.h + 1 - c.view.cy))
    if z0 >= z1:
        return None
    return c.quad(c.palette.dash, [(lo, 0, z0), (hi, 0, z0), (hi, 0, z1), (lo, 0, z1)])


def _draw_lamp(c: _Canvas, z: float, x: float, arm: float, part: str) -> pygame.Rect:
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
        dusk = _mix(pal.haze, (0, 0, 0), 0.45)  # about the dark walls and sky behind a distant lantern
        for k, strength in ((1.0, 0.04), (0.75, 0.09), (0.5, 0.2), (0.3, 0.4)):
            rects.append(c.disc(_mix(dusk, LANTERN_GLOW, strength), head, 5.98, z, LANTERN_HALO * k))
    if part != "lantern":
        rects += [c.box(pole, x - 0.07, x + 0.07, 0.0, 6.2, z), c.box(pole, x - 0.11, x + 0.11, 0.0, 0.8, z)]
    if part != "pole":
        rects += [c.box(pole, lo, hi, 6.06, 6.16, z),
                  c.box(c.fog(pal.lamp, z) if pal.lights_on else pole, head - 0.3, head + 0.3, 5.94, 6.1, z)]
    return _union(rects)


def _draw_tree(c: _Canvas, z: float, variant: int) -> pygame.Rect:
    """A street tree: trunk and a crown of overlapping discs, lit from the upper right."""
    rng = random.Random(variant * 7919 + 17)
    dark, light = (c.fog(col, z) for col in c.palette.foliage)
    mid = _mix(dark, light, 0.5)
    x = TREE_X
    rects = [c.box(c.fog(c.palette.trunk, z), x - 0.13, x + 0.13, 0.0, 3.6, z)]
    puffs = [(rng.uniform(-1.3, 1.3), rng.uniform(3.9, 5.6), rng.uniform(0.9, 1.4)) for _ in range(6)]
    for colour, dx, dy, k in ((dark, 0.0, 0.0, 1.0), (mid, 0.12, 0.15, 0.8), (light, 0.3, 0.35, 0.5)):
        rects += [c.disc(colour, x + px + dx * r, py + dy * r, z, r * k) for px, py, r in puffs]
    return _union(rects)


def _draw_car(c: _Canvas, z: float, car: _Car) -> pygame.Rect:
    """A car as a box with a glass cabin, seen from behind (same direction) or in front (oncoming)."""
    pal = c.palette
    dim = (0.32, 0.32, 0.36) if pal.night else (1.0, 1.0, 1.0)
    xl, xr, zf = car.lane - 0.9, car.lane + 0.9, z + 4.3
    body = c.fog(_tint(car.body, dim), z)
    side = _tint(body, (0.74, 0.74, 0.76))
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
        c.quad(_tint(body, (1.08, 1.08, 1.08)), [(xl + 0.15, 1.42, c0 + 0.35), (xr - 0.15, 1.42, c0 + 0.35),
                                                 (xr - 0.15, 1.42, c1 - 0.3), (xl + 0.15, 1.42, c1 - 0.3)], fog=False),
        c.box(_tint(body, (0.86, 0.86, 0.87)), xl, xr, 0.3, 0.95, z),
        c.box(c.fog((24, 24, 26), z), xl + 0.5, xr - 0.5, 0.38, 0.55, z),
    ]
    oncoming = car.speed < 0
    if pal.lights_on:
        lamp = (255, 248, 228) if oncoming else (220, 34, 30)
    else:
        lamp = (206, 206, 200) if oncoming else (140, 36, 34)
    rects += [c.box(c.fog(lamp, z), lx, lx + 0.3, 0.68, 0.82, z) for lx in (xl + 0.12, xr - 0.42)]
    return _union(rects)


def _draw_walker(c: _Canvas, z: float, person: _Walker, gait: int) -> pygame.Rect:
    """A pedestrian seen from in front (oncoming) or behind; `gait` (0-3) lifts a foot and swings the arms."""
    dim = (0.3, 0.3, 0.34) if c.palette.night else (1.0, 1.0, 1.0)
    x, h = person.x, person.height
    lift = (0.0, 0.08, 0.0, 0.08)[gait]
    left_up, right_up = (lift, 0.0) if gait < 2 else (0.0, lift)
    sway = (0.0, 0.04, 0.0, -0.04)[gait]
    legs, coat = c.fog(_tint(person.legs, dim), z), c.fog(_tint(person.coat, dim), z)
    skin, hair = c.fog(_tint((190, 150, 124), dim), z), c.fog(_tint((52, 40, 34), dim), z)
    shoe = c.fog(_tint((26, 24, 24), dim), z)
    sleeve = _tint(coat, (0.85, 0.85, 0.85))
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


Glow = tuple[float, float, float, RGB]  # x offset, height, radius (m), colour added at night


@dataclass(frozen=True)
class _Kind:
    """One sort of moving thing: where it stands (placed exactly), its bounding box, how to draw it."""

    x: float
    y: float
    lo: Point3  # bounding box corners relative to (x, y, z)
    hi: Point3
    draw: Callable[[_Canvas, float], pygame.Rect | None]
    near: float = NEAR  # the distances it is ever drawn at
    far: float = FAR
    cache: float = 0.02  # the largest sprite kept, as a fraction of the frame; bigger is drawn directly
    glows: tuple[Glow, ...] = ()

    def corners(self, z: float) -> list[Point3]:
        (x0, y0, z0), (x1, y1, z1) = self.lo, self.hi
        return [(self.x + a, self.y + b, z + c) for a in (x0, x1) for b in (y0, y1) for c in (z0, z1)]


class _Catalogue:
    """Every kind of moving thing, numbered; sprites are cached by (number, scale step)."""

    def __init__(self) -> None:
        self.kinds: list[_Kind] = []
        self.dash = self.add(_Kind(CENTRE_LINE, 0.0, (-0.1, 0.0, 0.0), (0.1, 0.0, DASH_LENGTH), _draw_dash,
                                   far=DASH_FAR))
        self.lamps: list[tuple[int, int, int]] = []  # (whole lamp, pole, lantern) for each row of lamps
        for x, arm, _ in LAMPS:
            lo, hi, glow = min(arm, 0) - 0.35, max(arm, 0) + 0.35, ((arm, 5.98, LANTERN_HALO, LANTERN_GLOW),)
            whole = _Kind(x, 0.0, (lo - 0.3, 0.0, 0.0), (hi + 0.3, 6.6, 0.0),
                          partial(_draw_lamp, x=x, arm=arm, part="lamp"), near=LAMP_SPLIT, far=LAMP_FAR)
            pole = _Kind(x, 0.0, (-0.12, 0.0, 0.0), (0.12, 6.2, 0.0), partial(_draw_lamp, x=x, arm=arm, part="pole"),
                         far=LAMP_SPLIT)
            lantern = _Kind(x, 6.0, (lo, -0.1, 0.0), (hi, 0.2, 0.0),
                            partial(_draw_lamp, x=x, arm=arm, part="lantern"), far=LAMP_SPLIT, glows=glow)
            self.lamps.append((self.add(whole), self.add(pole), self.add(lantern)))
        self.trees = [self.add(_Kind(TREE_X, 0.0, (-2.7, 0.0, 0.0), (2.7, 7.6, 0.0), partial(_draw_tree, variant=v),
                                     far=TREE_FAR, cache=0.18))
                      for v in range(3)]
        self.cars = [
            self.add(_Kind(car.lane, 0.0, (-1.0, 0.0, -0.3), (1.1, 1.5, 4.4), partial(_draw_car, car=car), cache=0.05,
                           glows=tuple((dx, 0.75, 0.45, (120, 110, 90) if car.speed < 0 else (110, 16, 12))
                                       for dx in (-0.63, 0.63))))
            for car in TRAFFIC
        ]
        self.walkers = [
            [self.add(_Kind(p.x, 0.0, (-0.3, 0.0, 0.0), (0.3, p.height, 0.0), partial(_draw_walker, person=p, gait=g),
                            near=1.0, cache=0.04)) for g in range(4)]
            for p in PEOPLE
        ]

    def add(self, kind: _Kind) -> int:
        self.kinds.append(kind)
        return len(self.kinds) - 1


CATALOGUE = _Catalogue()
KINDS = CATALOGUE.kinds


def _glow(radius: int, colour: RGB) -> pygame.Surface:
    """A soft light for additive blending: black outside, `colour` at the centre."""
    size = 2 * radius + 1
    d = np.hypot(*np.mgrid[-radius : radius + 1, -radius : radius + 1]) / max(radius, 1)
    k = np.clip(1.0 - d, 0.0, 1.0) ** 2.2
    pixels = (k[..., None] * np.array(colour, np.float32)).astype(np.uint8)
    out = pygame.Surface((size, size), 0, 24)
    pygame.surfarray.blit_array(out, pixels)
    return out


Sprite = tuple[pygame.Surface, float, float, int]  # surface, anchor position in it, bytes kept


class _Sprites:
    """Moving things pre-drawn at scales STEP**n for one frame size, kept within a byte budget.

    Why: a tree is a dozen discs and a car a dozen polygons; drawing them every frame costs
    several frame copies, while blitting a run-length-encoded sprite costs about as much as a
    fill. A sprite is drawn at the scale step nearest the true distance (within 1.5% of its true
    size) and placed at the exact position, so motion stays smooth.
    """

    def __init__(self, view: _View, palette: Palette, budget: int) -> None:
        self.view, self.palette, self.budget = view, palette, budget
        self.target: pygame.Surface | None = None
        self.bytes = 0
        self.items: dict[tuple[int, int], Sprite | None] = {}
        self.inv_log_step = 1.0 / math.log(STEP)
        self._glows: dict[tuple[int, RGB], pygame.Surface] = {}
        self.cull = [self._off_screen_below(kind) for kind in KINDS]

    def _off_screen_below(self, kind: _Kind) -> float:
        """The distance below which `kind` may be entirely beyond a side edge (and needs testing)."""
        v, left, right = self.view, kind.x + kind.lo[0], kind.x + kind.hi[0]
        return max(v.f * -right / v.cx if right < 0 else 0.0, v.f * left / (v.w - v.cx) if left > 0 else 0.0)

    def make(self, kind_id: int, n: int) -> Sprite | None:
        """Draw kind `kind_id` at scale step `n` (None: too big to keep, draw it directly)."""
        kind, v = KINDS[kind_id], self.view
        z = v.f / STEP**n
        corners = kind.corners(z)
        item: Sprite | None = None
        if min(p[2] for p in corners) >= 2 * NEAR:
            xs, ys = zip(*(v.pt(*p) for p in corners), strict=True)
            left, top = math.floor(min(xs)) - 1, math.floor(min(ys)) - 1
            w, h = math.ceil(max(xs)) + 2 - left, math.ceil(max(ys)) + 2 - top
            if w * h <= kind.cache * v.w * v.h:
                sprite = pygame.Surface((w, h), 0, 24)
                sprite.fill(KEY)
                kind.draw(_Canvas(sprite, _View(w, h, v.f, v.cx - left, v.cy - top), self.palette), z)
                sprite.set_colorkey(KEY, pygame.RLEACCEL)
                opaque = pygame.mask.from_surface(sprite).count()
                if self.target is not None:
                    # SDL run-length encodes a sprite on its first blit to a surface: while warming,
                    # do it onto the output (which the first frame covers), so no frame pays for it.
                    self.target.blit(sprite, (0, 0))
                ax, ay = v.pt(kind.x, kind.y, z)
                # Run-length encoding keeps only the opaque pixels, so count those against the budget.
                item = (sprite, ax - left, ay - top, 64 + 3 * opaque)
        self.items[kind_id, n] = item
        if item is not None:
            self.bytes += item[3]
            while self.bytes > self.budget:  # forget the oldest
                old = self.items.pop(next(iter(self.items)))
                self.bytes -= old[3] if old is not None else 0
        return item

    def warm(self, target: pygame.Surface) -> None:
        """Draw every sprite a frame can ask for, so no frame pays for drawing one; `target` is the
        output surface, scribbled on (the first frame must cover it whole).

        Why up front: frame times stay flat from the first frame, and a demo never stutters when
        a car comes closer than it has been before.
        """
        self.target, v = target, self.view
        for kind_id, kind in enumerate(KINDS):
            first = round(math.log(v.f / kind.far) * self.inv_log_step)
            last = round(math.log(v.f / max(kind.near, 2 * NEAR)) * self.inv_log_step)
            for n in range(first, last + 1):
                z = v.f / STEP**n
                left, right, z_far = v.f * (kind.x + kind.lo[0]), v.f * (kind.x + kind.hi[0]), z + kind.hi[2]
                if min(left / z, left / z_far) > v.w - v.cx + 2 or max(right / z, right / z_far) < -v.cx - 2:
                    continue  # off the edge at this distance: never drawn
                if (kind_id, n) not in self.items:
                    self.make(kind_id, n)
        for kind in KINDS:
            for *_, radius, colour in kind.glows:
                for z in np.arange(2.0, GLOW_FAR, 0.25):
                    self.glow(radius * v.f / z, colour)
        self.target = None

    def glow(self, radius: float, colour: RGB) -> pygame.Surface:
        """A glow of about `radius` pixels (at most a 24th of the frame height: they are additive
        and additive blending has no fast path on 24-bit surfaces)."""
        n = max(1, round(math.log(min(max(radius, 1.0), self.view.h / 24)) * self.inv_log_step))
        surface = self._glows.get((n, colour))
        if surface is None:
            surface = self._glows[n, colour] = _glow(round(STEP**n), colour)
        return surface


class _Frame:
    """Draws the moving things for time `t` onto the output, far to near, and lists what it changed.

    Written for speed: this runs every frame, so it does little more than look up sprites and blit.
    """

    def __init__(self, canvas: _Canvas, sprites: _Sprites, t: float) -> None:
        self.canvas, self.sprites, self.t = canvas, sprites, t
        self.walked = WALK_SPEED * t
        self.dirty: list[pygame.Rect] = []

    def things(self) -> list[tuple[float, int]]:
        """(distance, kind) of every moving thing that may be in view, farthest first."""
        walked, t, cat = self.walked, self.t, CATALOGUE
        k = math.ceil((walked - DASH_LENGTH) / DASH_SPACING)
        items = [(z, cat.dash) for j in range(k, k + int(DASH_FAR / DASH_SPACING))
                 if (z := j * DASH_SPACING - walked) + DASH_LENGTH > NEAR]
        for (_, _, offset), (whole, pole, lantern) in zip(LAMPS, cat.lamps, strict=True):
            k = math.ceil((walked + NEAR - offset) / LAMP_SPACING)
            for j in range(k, k + int(LAMP_FAR / LAMP_SPACING) + 1):
                z = offset + j * LAMP_SPACING - walked
                if z < LAMP_SPLIT:  # near lamps in two parts: their bounding box is mostly empty
                    items += [(z, pole), (z, lantern)]
                elif z < LAMP_FAR:
                    items.append((z, whole))
        unlit_far, tree_near = self.canvas.palette.unlit_far, self.sprites.cull[cat.trees[0]]
        k = math.ceil((walked + tree_near - TREE_OFFSET) / TREE_SPACING)  # nearer trees are off the left edge
        items += [(z, cat.trees[j % 3]) for j in range(k, k + int(TREE_FAR / TREE_SPACING) + 1)
                  if (z := TREE_OFFSET + j * TREE_SPACING - walked) < min(unlit_far, TREE_FAR)]
        items += [(z, kind) for car, kind in zip(TRAFFIC, cat.cars, strict=True) if NEAR < (z := car.z(t)) < FAR]
        items += [(z, kinds[math.floor((p.start + p.speed * t) / 0.35) % 4])
                  for p, kinds in zip(PEOPLE, cat.walkers, strict=True) if 1.0 < (z := p.z(t)) < unlit_far]
        items.sort(reverse=True)
        return items

    def draw(self) -> list[pygame.Rect]:
        canvas, sprites, dirty = self.canvas, self.sprites, self.dirty
        v, cache, make, cull = canvas.view, sprites.items, sprites.make, sprites.cull
        f, cx, cy, right_edge, inv_log = v.f, v.cx, v.cy, v.w - v.cx, sprites.inv_log_step
        lights = canvas.palette.lights_on
        batch: list[tuple[pygame.Surface, tuple[int, int], None, int]] = []  # one blits() call is cheaper
        for z, kind_id in self.things():
            kind = KINDS[kind_id]
            if z < 2 * NEAR:
                item = None
            else:
                if z < cull[kind_id]:
                    left, right, z_far = f * (kind.x + kind.lo[0]), f * (kind.x + kind.hi[0]), z + kind.hi[2]
                    if min(left / z, left / z_far) > right_edge or max(right / z, right / z_far) < -cx:
                        continue  # entirely beyond the left or right edge
                n = round(math.log(f / z) * inv_log)
                item = cache[kind_id, n] if (kind_id, n) in cache else make(kind_id, n)
            if item is None:
                if batch:
                    dirty += canvas.surface.blits(batch)
                    batch = []
                rect = kind.draw(canvas, z)
                if rect is not None:
                    dirty.append(rect)
            else:
                x, y = round(cx + f * kind.x / z - item[1]), round(cy - f * (kind.y - EYE) / z - item[2])
                batch.append((item[0], (x, y), None, 0))
            if lights and kind.glows and 2.0 < z < GLOW_FAR:
                for dx, y, radius, colour in kind.glows:
                    glow = sprites.glow(radius * f / z, colour)
                    r = glow.get_width() // 2
                    gx, gy = round(cx + f * (kind.x + dx) / z) - r, round(cy - f * (y - EYE) / z) - r
                    batch.append((glow, (gx, gy), None, pygame.BLEND_ADD))
        if batch:
            dirty += canvas.surface.blits(batch)
        return dirty


# ---------------------------------------------------------------- the source


@dataclass
class _Layers:
    """What StreetScene keeps for one frame size: the static layer, the sprites and the output."""

    view: _View
    static: pygame.Surface
    out: pygame.Surface
    sprites: _Sprites
    dirty: list[pygame.Rect] | None = None  # what the last frame drew over the static layer


class StreetScene(BackgroundSource):
    """An animated city street seen walking forward; `night` switches to dark sky and lit windows.

    A frame is a pure function of `t` and the size. The returned Surface is reused: the next call
    repairs only the parts the previous frame drew on, so it must not be drawn on by the caller.
    """

    SEED = 20240917

    def __init__(self, night: bool = False) -> None:
        self.night = night
        self.palette = NIGHT if night else DAY
        self._buildings = _plan_street(random.Random(self.SEED))
        self._layers: SizeCache[_Layers] = SizeCache(capacity=2)

    @property
    def label(self) -> str:
        return f"street scene ({'night' if self.night else 'day'})"

    def _prepare(self, size: tuple[int, int]) -> _Layers:
        layers = self._layers.get(size)
        if layers is None:
            view = _View.for_size(*size)
            static = _render_static(size, self.palette, self._buildings, self.SEED)
            out = pygame.Surface(size, 0, 24)
            sprites = _Sprites(view, self.palette, budget=24 * size[0] * size[1] * 3)
            sprites.warm(out)
            layers = self._layers.put(size, _Layers(view, static, out, sprites))
        return layers

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        size = check_size(size)
        layers = self._prepare(size)
        out = layers.out
        if layers.dirty is None:
            out.blit(layers.static, (0, 0))
        else:
            out.blits([(layers.static, r, r) for r in layers.dirty], doreturn=False)
        layers.dirty = _Frame(_Canvas(out, layers.view, self.palette), layers.sprites, float(t)).draw()
        return out
