"""Street life: trees, lamps, people and cars placed in the city plan, drawn as pre-drawn sprites.

Why sprites: a tree is a dozen discs and a car a dozen polygons; drawing them every frame would
cost several frame copies, while blitting a run-length-encoded sprite costs about as much as a
fill. Every thing is a billboard (it faces the camera), drawn once per step of a ladder of scales
(STEP apart) and blitted at its exact position; only things too close to keep a sprite for are
drawn directly. A car shows its front, rear or side by the angle it is seen at.

Where things are: trees and lamps stand where `city.py` put them; people walk to and fro along
the pavements and cars drive along the lanes (round the roundabout's ring), each a function of
`t` alone. What hides them: the raycaster's per-column wall distance, so a car in the cross street
disappears behind the corner building.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from hud.background.base import blank_frame
from hud.background.scene.city import MAIN_FACADE, MAIN_ROAD, RING, City
from hud.background.scene.route import Pose
from hud.background.scene.world import EYE, RGB, Palette, mix, tint
from hud.pg import pygame

__all__ = ["Life", "Sprites", "runs"]

STEP = 1.06  # sprites exist at scales of STEP**n pixels per metre
KEY = (255, 0, 255)  # sprite transparency; no palette colour is this magenta
FAR = 110.0  # things beyond this are a pixel or two and not drawn
NEAREST = 1.2  # nor closer than this (they would fill the view)
CACHE = 0.08  # sprites bigger than this share of the view are drawn directly
CARS: tuple[RGB, ...] = ((172, 174, 176), (58, 60, 64), (40, 52, 82), (214, 214, 208), (112, 32, 32), (28, 28, 30),
                         (150, 136, 110))
COATS: tuple[RGB, ...] = ((46, 50, 64), (120, 96, 70), (70, 30, 34), (36, 36, 38), (96, 104, 90), (150, 140, 120),
                          (64, 88, 120), (180, 170, 150))
LANTERN_GLOW: RGB = (150, 118, 70)


# ---------------------------------------------------------------- drawing a billboard


class Pen:
    """Draws a billboard's shapes in metres (x right of its foot, y up) at `s` pixels per metre."""

    def __init__(self, surface: pygame.Surface, ax: float, ay: float, s: float, haze: RGB, fog: float) -> None:
        self.surface, self.ax, self.ay, self.s, self.haze, self.k = surface, ax, ay, s, haze, fog

    def c(self, colour: RGB) -> RGB:
        return mix(colour, self.haze, self.k) if self.k > 0.004 else colour

    def box(self, colour: RGB, x0: float, x1: float, y0: float, y1: float) -> None:
        s = self.s
        left, top = round(self.ax + x0 * s), round(self.ay - y1 * s)
        self.surface.fill(self.c(colour), (left, top, max(1, round(self.ax + x1 * s) - left),
                                           max(1, round(self.ay - y0 * s) - top)))

    def disc(self, colour: RGB, x: float, y: float, r: float) -> None:
        pygame.draw.circle(self.surface, self.c(colour), (self.ax + x * self.s, self.ay - y * self.s),
                           max(1.0, r * self.s))

    def poly(self, colour: RGB, points: list[tuple[float, float]]) -> None:
        pygame.draw.polygon(self.surface, self.c(colour), [(self.ax + x * self.s, self.ay - y * self.s)
                                                           for x, y in points])


def _tree(p: Pen, pal: Palette, variant: int, size: float) -> None:
    rng = random.Random(variant * 7919 + 17)
    dark, light = pal.foliage
    mid = mix(dark, light, 0.5)
    p.box(pal.trunk, -0.13 * size, 0.13 * size, 0.0, 3.6 * size)
    puffs = [(rng.uniform(-1.3, 1.3) * size, rng.uniform(3.9, 5.6) * size, rng.uniform(0.9, 1.4) * size)
             for _ in range(6)]
    for colour, dx, dy, k in ((dark, 0.0, 0.0, 1.0), (mid, 0.12, 0.15, 0.8), (light, 0.3, 0.35, 0.5)):
        for px, py, r in puffs:
            p.disc(colour, px + dx * r, py + dy * r, r * k)


def _lamp(p: Pen, pal: Palette) -> None:
    p.box(pal.pole, -0.07, 0.07, 0.0, 5.9)
    p.box(pal.pole, -0.11, 0.11, 0.0, 0.8)
    p.poly(pal.pole, [(-0.34, 6.12), (0.34, 6.12), (0.18, 6.3), (-0.18, 6.3)])
    p.box(pal.lamp if pal.lights_on else mix(pal.pole, pal.lamp, 0.5), -0.26, 0.26, 5.88, 6.12)


def _person(p: Pen, pal: Palette, coat: RGB, legs: RGB, height: float, gait: int, front: bool) -> None:
    dim = (0.3, 0.3, 0.34) if pal.night else (1.0, 1.0, 1.0)
    h = height
    lift = (0.0, 0.08, 0.0, 0.08)[gait]
    left_up, right_up = (lift, 0.0) if gait < 2 else (0.0, lift)
    sway = (0.0, 0.04, 0.0, -0.04)[gait]
    legs, coat = tint(legs, dim), tint(coat, dim)
    skin, hair, shoe = tint((190, 150, 124), dim), tint((52, 40, 34), dim), tint((26, 24, 24), dim)
    sleeve = tint(coat, (0.85, 0.85, 0.85))
    p.box(shoe, -0.17, -0.03, left_up, left_up + 0.07)
    p.box(shoe, 0.03, 0.17, right_up, right_up + 0.07)
    p.box(legs, -0.16, -0.03, left_up + 0.06, h * 0.5)
    p.box(legs, 0.03, 0.16, right_up + 0.06, h * 0.5)
    p.poly(sleeve, [(-0.27 + sway, h * 0.45), (-0.19 + sway, h * 0.45), (-0.17, h * 0.8), (-0.25, h * 0.79)])
    p.poly(sleeve, [(0.19 - sway, h * 0.45), (0.27 - sway, h * 0.45), (0.25, h * 0.79), (0.17, h * 0.8)])
    p.poly(coat, [(-0.19, h * 0.44), (0.19, h * 0.44), (0.22, h * 0.81), (-0.22, h * 0.81)])
    p.box(skin, -0.05, 0.05, h * 0.8, h * 0.86)
    p.disc(hair, 0.0, h * 0.925, 0.105)
    if front:
        p.disc(skin, 0.0, h * 0.905, 0.085)


def _car(p: Pen, pal: Palette, body: RGB, view: str) -> None:
    """A car's front, rear or side (facing right); about 1.8 m wide, 4.3 m long, 1.45 m high."""
    dim = (0.32, 0.32, 0.36) if pal.night else (1.0, 1.0, 1.0)
    body = tint(body, dim)
    dark = tint(body, (0.7, 0.7, 0.72))
    glass = (34, 38, 46) if not pal.night else (8, 9, 12)
    tyre = (18, 18, 20)
    if view == "side":
        p.box((20, 20, 22), -2.1, 2.1, 0.0, 0.12)  # its shadow
        p.poly(glass, [(-1.2, 0.92), (-0.9, 1.42), (0.55, 1.42), (1.05, 0.92)])
        p.poly(body, [(-2.15, 0.3), (2.15, 0.3), (2.15, 0.8), (1.1, 0.95), (-2.05, 0.95), (-2.15, 0.85)])
        p.box(dark, -0.1, -0.05, 0.4, 1.42)
        p.box(dark, -2.15, 2.15, 0.28, 0.42)
        for x in (-1.35, 1.35):
            p.disc(tyre, x, 0.32, 0.32)
            p.disc((120, 120, 124) if not pal.night else (40, 40, 42), x, 0.32, 0.14)
        lamp = (255, 248, 228) if pal.lights_on else (206, 206, 200)
        p.box(lamp, 2.0, 2.15, 0.68, 0.8)
        p.box((220, 34, 30) if pal.lights_on else (140, 36, 34), -2.15, -2.05, 0.68, 0.82)
        return
    p.box((20, 20, 22), -1.0, 1.0, 0.0, 0.12)
    p.box(tyre, -0.88, -0.62, 0.0, 0.45)
    p.box(tyre, 0.62, 0.88, 0.0, 0.45)
    p.box(body, -0.9, 0.9, 0.3, 0.95)
    p.poly(glass, [(-0.78, 0.95), (0.78, 0.95), (0.66, 1.4), (-0.66, 1.4)])
    p.box(tint(body, (1.08, 1.08, 1.08)), -0.66, 0.66, 1.38, 1.45)
    p.box(dark, -0.4, 0.4, 0.38, 0.55)
    if view == "front":
        lamp = (255, 248, 228) if pal.lights_on else (206, 206, 200)
    else:
        lamp = (220, 34, 30) if pal.lights_on else (140, 36, 34)
    for lx in (-0.78, 0.48):
        p.box(lamp, lx, lx + 0.3, 0.68, 0.82)


@dataclass(frozen=True)
class Kind:
    """One sort of billboard: its extent in metres about its foot and how to draw it."""

    left: float
    right: float
    top: float
    draw: Callable[[Pen, Palette], None]
    lit: bool = False  # stays visible at night beyond the palette's unlit distance
    glow: float = 0.0  # at night, the height of a lantern's glow (0: none)


def _kinds() -> list[Kind]:
    kinds = [Kind(-2.6, 2.6, 7.6, partial(_tree, variant=v, size=1.0)) for v in range(3)]
    kinds += [Kind(-1.6, 1.6, 4.8, partial(_tree, variant=v + 3, size=0.62)) for v in range(2)]
    kinds.append(Kind(-0.36, 0.36, 6.32, _lamp, lit=True, glow=6.0))
    for i, coat in enumerate(COATS):
        legs = ((40, 40, 44), (52, 50, 60), (34, 34, 38), (46, 44, 42))[i % 4]
        height = (1.78, 1.66, 1.7, 1.74, 1.6, 1.82, 1.68, 1.72)[i]
        for front in (True, False):
            kinds += [Kind(-0.3, 0.3, height, partial(_person, coat=coat, legs=legs, height=height, gait=g,
                                                      front=front)) for g in range(4)]
    for body in CARS:
        for view in ("front", "rear"):
            kinds.append(Kind(-1.0, 1.0, 1.5, partial(_car, body=body, view=view), lit=True))
        kinds.append(Kind(-2.2, 2.2, 1.5, partial(_car, body=body, view="side"), lit=True))
    return kinds


KINDS = _kinds()
TREE, ISLAND_TREE, LAMP, PERSON = 0, 3, 5, 6
CAR = PERSON + 8 * len(COATS)  # per colour: front, rear, side (facing right); +len(KINDS) flips a side view


def _person_kind(i: int, gait: int, front: bool) -> int:
    return PERSON + i * 8 + (0 if front else 4) + gait


# ---------------------------------------------------------------- where things are at t


class _Track:
    """A polyline in plan (metres); a position along it by distance."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        self.p = np.array(points, np.float64)
        seg = np.diff(self.p, axis=0)
        self.seg = seg
        self.cum = np.concatenate([[0.0], np.cumsum(np.hypot(seg[:, 0], seg[:, 1]))])
        self.length = float(self.cum[-1])
        # The same numbers as Python floats: `at` runs for every mover every frame, and scalar
        # arithmetic on them is several times faster than on numpy scalars (and gives the same bits).
        self._cum: list[float] = self.cum.tolist()
        self._pieces: list[tuple[float, float, float, float, float]] = [
            (float(x0), float(z0), float(ex), float(ez), math.hypot(float(ex), float(ez)))
            for (x0, z0), (ex, ez) in zip(self.p[:-1].tolist(), seg.tolist(), strict=True)]

    def at(self, d: float) -> tuple[float, float, float, float]:
        """Position and unit direction at distance `d` along the track."""
        cum = self._cum
        i = max(min(bisect.bisect_right(cum, d) - 1, len(self._pieces) - 1), 0)
        k = (d - cum[i]) / max(cum[i + 1] - cum[i], 1e-9)
        x0, z0, ex, ez, n = self._pieces[i]
        return x0 + ex * k, z0 + ez * k, ex / n, ez / n


def _arc(cx: float, cz: float, r: float, a0: float, a1: float, n: int = 14) -> list[tuple[float, float]]:
    return [(cx + r * math.cos(math.radians(a0 + (a1 - a0) * i / n)), cz + r * math.sin(math.radians(a0 + (a1 - a0)
                                                                                                       * i / n)))
            for i in range(n + 1)]


@dataclass(frozen=True)
class _Mover:
    track: int
    offset: float
    speed: float  # m/s; people turn round at a track's ends, cars start it again
    look: int  # coat or car colour
    car: bool


class Life:
    """Everything in the street that is drawn as a sprite, for a city; `at(t)` lists where."""

    def __init__(self, city: City) -> None:
        x0, z0, x1, z1 = city.bounds
        cx, mz, (rx, rz) = city.centre_x, city.main_z, city.roundabout
        west, east = x0 + 4.0, x1 - 4.0
        south, north = z0 + 4.0, z1 - 4.0
        kerb = MAIN_FACADE - MAIN_ROAD  # pavement width
        # People: along each pavement, clear of the walker's own line and of the café's counter.
        walks = [
            [(cx + MAIN_FACADE - 1.5, south), (cx + MAIN_FACADE - 1.5, mz - MAIN_FACADE - 1.0)],
            [(cx - MAIN_FACADE + 1.4, south), (cx - MAIN_FACADE + 1.4, north)],
            [(cx + MAIN_FACADE + 1.0, mz + MAIN_FACADE - 1.4), (rx - RING - 2.0, mz + MAIN_FACADE - 1.4)],
            [(rx + RING + 2.0, mz + MAIN_FACADE - 1.4), (east, mz + MAIN_FACADE - 1.4)],
            [(cx + MAIN_FACADE + 1.0, mz - MAIN_ROAD - 0.6), (rx - RING - 2.5, mz - MAIN_ROAD - 0.6)],
            [(rx + RING + 3.0, mz - MAIN_ROAD - 0.5), (east, mz - MAIN_ROAD - 0.5)],
            [(west, mz + MAIN_FACADE - 1.6), (cx - MAIN_FACADE - 1.0, mz + MAIN_FACADE - 1.6)],
        ]
        del kerb
        ring = RING - 1.2
        a = math.degrees(math.asin(1.75 / ring))
        drives = [
            [(cx + 1.75, south), (cx + 1.75, north)],
            [(cx - 1.75, north), (cx - 1.75, south)],
            [(west, mz - 1.75), (rx - 7.0, mz - 1.75), *_arc(rx, rz, ring, 180.0 + a, 360.0 - a),
             (rx + 7.0, mz - 1.75), (east, mz - 1.75)],
            [(east, mz + 1.75), (rx + 7.0, mz + 1.75), *_arc(rx, rz, ring, a, 180.0 - a),
             (rx - 7.0, mz + 1.75), (west, mz + 1.75)],
        ]
        self.tracks = [_Track(w) for w in walks] + [_Track(d) for d in drives]
        rng = random.Random(4711)
        movers: list[_Mover] = []
        for i in range(len(walks)):
            for _ in range(3 if i != 4 else 2):
                speed = rng.uniform(1.05, 1.45) * rng.choice((-1.0, 1.0))
                movers.append(_Mover(i, rng.uniform(0, 400.0), speed, rng.randrange(len(COATS)), False))
        for j in range(len(drives)):
            for n in range(2):
                movers.append(_Mover(len(walks) + j, n * 0.5 * self.tracks[len(walks) + j].length + rng.uniform(0, 30),
                                     rng.uniform(7.0, 9.5), rng.randrange(len(CARS)), True))
        self.movers = tuple(movers)
        # What stands still: trees, lamps, the island's trees, cars parked along the kerbs.
        fixed: list[tuple[float, float, int, float, float]] = []  # x, z, kind, heading x, z (cars)
        for prop in city.props:
            kind = {"tree": TREE + prop.variant % 3, "lamp": LAMP, "island_tree": ISLAND_TREE + prop.variant % 2}
            fixed.append((prop.x, prop.z, kind[prop.kind], 0.0, 1.0))
        park = random.Random(99)
        for x in np.arange(west + 6.0, east - 6.0, 5.6):
            x = float(x)
            if abs(x - cx) < MAIN_FACADE + 8.0 or abs(x - rx) < RING + 9.0 or park.random() < 0.45:
                continue
            side = park.choice((-1.0, 1.0))
            if side < 0 and abs(x - city.cafe_x) < 7.0:
                continue  # the café's frontage stays clear
            fixed.append((x, mz + side * (MAIN_ROAD - 1.05), -1 - park.randrange(len(CARS)), 1.0, 0.0))
        self.fixed = fixed
        self.fx = np.array([f[0] for f in fixed], np.float64)
        self.fz = np.array([f[1] for f in fixed], np.float64)

    def at(self, t: float) -> list[tuple[float, float, int, float, float]]:
        """(x, z, kind, heading x, heading z) of every thing at time `t`; cars have negative kinds
        (-1 - colour) and their heading, for the view they show."""
        out = list(self.fixed)
        for m in self.movers:
            track = self.tracks[m.track]
            d = m.offset + m.speed * t
            if m.car:
                x, z, hx, hz = track.at(d % track.length)
                out.append((x, z, -1 - m.look, hx, hz))
                continue
            period = 2.0 * track.length
            u = d % period
            back = u > track.length
            x, z, hx, hz = track.at(period - u if back else u)
            if back:
                hx, hz = -hx, -hz
            gait = math.floor(abs(d) / 0.35) % 4
            out.append((x, z, 1000 + m.look * 8 + gait, hx, hz))  # a person: resolved to front or back later
        return out


# ---------------------------------------------------------------- sprites and drawing a frame


Sprite = tuple[pygame.Surface, int, int]  # surface, foot position in it


class Sprites:
    """The sprites of one view (focal length `f` in pixels of the target, its size) and palette."""

    def __init__(self, f: float, size: tuple[int, int], palette: Palette) -> None:
        self.f, self.size, self.palette = f, size, palette
        self.items: dict[tuple[int, int], Sprite | None] = {}
        self.glows: dict[int, pygame.Surface] = {}
        self.inv_log = 1.0 / math.log(STEP)
        self.limit = CACHE * size[0] * size[1]

    def _fog(self, z: float) -> float:
        return 1.0 - math.exp(-max(z, 0.0) / self.palette.fog_distance)

    def get(self, kind: int, n: int) -> Sprite | None:
        key = (kind, n)
        if key in self.items:
            return self.items[key]
        flip = kind >= len(KINDS)
        k = KINDS[kind - len(KINDS) if flip else kind]
        s = STEP**n
        w, h = math.ceil((k.right - k.left) * s) + 3, math.ceil(k.top * s) + 3
        item: Sprite | None = None
        if w * h <= self.limit:
            surface = blank_frame((w, h), KEY)
            ax, ay = -k.left * s + 1, k.top * s + 1
            k.draw(Pen(surface, ax, ay, s, self.palette.haze, self._fog(self.f / s)), self.palette)
            if flip:
                surface = pygame.transform.flip(surface, True, False)
                ax = w - ax
            surface.set_colorkey(KEY, pygame.RLEACCEL)
            item = (surface, round(ax), round(ay))
        self.items[key] = item
        return item

    def glow(self, radius: float) -> pygame.Surface:
        r = max(2, min(round(radius), self.size[1] // 10))
        found = self.glows.get(r)
        if found is None:
            d = np.hypot(*np.mgrid[-r : r + 1, -r : r + 1]) / r
            k = np.clip(1.0 - d, 0.0, 1.0) ** 2.0
            found = blank_frame((2 * r + 1, 2 * r + 1))
            pygame.surfarray.blit_array(found, (k[..., None] * np.array(LANTERN_GLOW, np.float32)).astype(np.uint8))
            self.glows[r] = found
        return found

    def draw(self, target: pygame.Surface, life: Life, t: float, pose: Pose, cy: float,
             walls: np.ndarray) -> list[tuple[float, int, int]]:
        """Blit everything in view onto `target`, far to near, hidden where `walls` (each column's
        wall distance) is nearer; return (distance, first column, end column) of what was drawn."""
        things = life.at(t)
        sh, ch = math.sin(pose.heading), math.cos(pose.heading)
        xs = np.array([p[0] for p in things]) - pose.x
        zs = np.array([p[1] for p in things]) - pose.z
        depth = xs * sh + zs * ch
        side = xs * ch - zs * sh
        f, w = self.f, self.size[0]
        cx = w / 2
        unlit = self.palette.unlit_far
        order = np.nonzero((depth > NEAREST) & (depth < FAR) & (np.abs(side) < depth * (cx + 300.0) / f + 3.0))[0]
        order = order[np.argsort(-depth[order], kind="stable")]
        drawn: list[tuple[float, int, int]] = []
        batch: list[tuple[pygame.Surface, tuple[int, int], pygame.Rect | None]] = []
        night = self.palette.lights_on
        for i in order:
            z, sd = float(depth[i]), float(side[i])
            x, wz, kind, hx, hz = things[i]
            if kind >= 1000:  # a person: facing the walker or walking away
                look, gait = divmod(kind - 1000, 8)
                front = hx * (pose.x - x) + hz * (pose.z - wz) > 0
                kind = _person_kind(look, gait % 4, front)
            elif kind < 0:  # a car: front, rear or side by the angle it is seen at
                rx_, rz_ = x - pose.x, wz - pose.z
                n = math.hypot(rx_, rz_)
                c = (hx * rx_ + hz * rz_) / n
                base = CAR + 3 * (-1 - kind)
                if abs(c) > 0.8:
                    kind = base + (1 if c > 0 else 0)
                else:
                    right = hx * ch - hz * sh > 0  # driving to the right across the view
                    kind = base + 2 + (0 if right else len(KINDS))
            kk = kind - len(KINDS) if kind >= len(KINDS) else kind
            k = KINDS[kk]
            if z > unlit and not k.lit:
                continue
            s = f / z
            px, py = cx + sd * s, cy + EYE * s
            c0, c1 = max(0, math.floor(px + k.left * s) - 1), min(w, math.ceil(px + k.right * s) + 2)
            if c1 <= c0:
                continue
            visible = runs(walls[c0:c1] > z, c0)
            if not visible:
                continue
            n_step = round(math.log(s) * self.inv_log)
            sprite = self.get(kind, n_step)
            if sprite is None:  # too close to keep: drawn directly, clipped to the visible columns
                target.blits(batch)  # type: ignore[arg-type]
                batch = []
                for a, b in visible:
                    target.set_clip(pygame.Rect(a, 0, b - a, target.get_height()))
                    pen = Pen(target, px, py, s, self.palette.haze, self._fog(z))
                    if kind >= len(KINDS):  # a flipped side view: draw mirrored
                        pen = _Mirror(target, px, py, s, self.palette.haze, self._fog(z))
                    KINDS[kk].draw(pen, self.palette)
                target.set_clip(None)
            else:
                surface, ax, ay = sprite
                sx, sy = round(px) - ax, round(py) - ay
                for a, b in visible:
                    if a - sx <= 0 and b - sx >= surface.get_width():
                        batch.append((surface, (sx, sy), None))
                    else:
                        batch.append((surface, (a, sy), pygame.Rect(a - sx, 0, b - a, surface.get_height())))
            drawn.append((z, c0, c1))
            if night and k.glow:
                g = self.glow(0.7 * s)
                r = g.get_width() // 2
                target.blits(batch)  # type: ignore[arg-type]
                batch = []
                gy = round(cy - (k.glow - EYE) * s) - r
                for a, b in visible:
                    gx = round(px) - r
                    lo, hi = max(a, gx), min(b, gx + g.get_width())
                    if hi > lo:
                        target.blit(g, (lo, gy), pygame.Rect(lo - gx, 0, hi - lo, g.get_height()),
                                    special_flags=pygame.BLEND_ADD)
        if batch:
            target.blits(batch)  # type: ignore[arg-type]
        return drawn


class _Mirror(Pen):
    """A Pen that draws mirrored left to right (a car's side view driving left)."""

    def box(self, colour: RGB, x0: float, x1: float, y0: float, y1: float) -> None:
        super().box(colour, -x1, -x0, y0, y1)

    def disc(self, colour: RGB, x: float, y: float, r: float) -> None:
        super().disc(colour, -x, y, r)

    def poly(self, colour: RGB, points: list[tuple[float, float]]) -> None:
        super().poly(colour, [(-x, y) for x, y in points])


def runs(seen: np.ndarray, c0: int) -> list[tuple[int, int]]:
    """The runs of True in `seen` as (first, end) columns, offset by `c0`."""
    flags = seen.view(np.uint8).tobytes()  # a few hundred bytes: searching them beats numpy's per-call cost
    out: list[tuple[int, int]] = []
    a = flags.find(1)
    while a >= 0:
        b = flags.find(0, a)
        if b < 0:
            out.append((c0 + a, c0 + len(flags)))
            break
        out.append((c0 + a, c0 + b))
        a = flags.find(1, b)
    return out
