"""The street scene's moving things as sprites, and the per-frame drawing that places them.

Why sprites: a tree is a dozen discs and a car a dozen polygons; drawing them every frame would
cost several frame copies, while blitting a run-length-encoded sprite costs about as much as a
fill. So a frame is a couple of dozen blits from a cache of pre-drawn sprites.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import numpy as np

from hud.background.base import FRAME_DEPTH, blank_frame
from hud.background.scene.things import (
    DASH_FAR,
    DASH_LENGTH,
    DASH_SPACING,
    GLOW_FAR,
    LAMP_FAR,
    LAMP_SPACING,
    LAMP_SPLIT,
    LAMPS,
    LANTERN_GLOW,
    LANTERN_HALO,
    PEOPLE,
    TRAFFIC,
    TREE_FAR,
    TREE_OFFSET,
    TREE_SPACING,
    TREE_X,
    draw_car,
    draw_dash,
    draw_lamp,
    draw_tree,
    draw_walker,
)
from hud.background.scene.world import CENTRE_LINE, EYE, FAR, NEAR, RGB, WALK_SPEED, Canvas, Palette, Point3, View
from hud.pg import pygame

__all__ = ["FramePainter", "Sprites"]

STEP = 1.03  # sprites exist at scales of STEP**n pixels per metre
KEY = (255, 0, 255)  # sprite transparency; no palette colour is this magenta
BYTES_PER_PIXEL = FRAME_DEPTH // 8

Glow = tuple[float, float, float, RGB]  # x offset, height, radius (m), colour added at night
Blit = tuple[pygame.Surface, tuple[int, int], None, int]  # source, position, whole area, blend flags


def _blits(target: pygame.Surface, batch: Sequence[Blit]) -> list[pygame.Rect]:
    """One blits() call for the batch; pygame's stubs do not admit None (the whole source) as the area."""
    return target.blits(cast(Any, batch)) or []


@dataclass(frozen=True)
class _Kind:
    """One sort of moving thing: where it stands (placed exactly), its bounding box, how to draw it."""

    x: float
    y: float
    lo: Point3  # bounding box corners relative to (x, y, z)
    hi: Point3
    draw: Callable[[Canvas, float], pygame.Rect | None]
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
        self.dash = self.add(_Kind(CENTRE_LINE, 0.0, (-0.1, 0.0, 0.0), (0.1, 0.0, DASH_LENGTH), draw_dash,
                                   far=DASH_FAR))
        self.lamps: list[tuple[int, int, int]] = []  # (whole lamp, pole, lantern) for each row of lamps
        for x, arm, _ in LAMPS:
            lo, hi, glow = min(arm, 0) - 0.35, max(arm, 0) + 0.35, ((arm, 5.98, LANTERN_HALO, LANTERN_GLOW),)
            whole = _Kind(x, 0.0, (lo - 0.3, 0.0, 0.0), (hi + 0.3, 6.6, 0.0),
                          partial(draw_lamp, x=x, arm=arm, part="lamp"), near=LAMP_SPLIT, far=LAMP_FAR)
            pole = _Kind(x, 0.0, (-0.12, 0.0, 0.0), (0.12, 6.2, 0.0), partial(draw_lamp, x=x, arm=arm, part="pole"),
                         far=LAMP_SPLIT)
            lantern = _Kind(x, 6.0, (lo, -0.1, 0.0), (hi, 0.2, 0.0),
                            partial(draw_lamp, x=x, arm=arm, part="lantern"), far=LAMP_SPLIT, glows=glow)
            self.lamps.append((self.add(whole), self.add(pole), self.add(lantern)))
        self.trees = [self.add(_Kind(TREE_X, 0.0, (-2.7, 0.0, 0.0), (2.7, 7.6, 0.0), partial(draw_tree, variant=v),
                                     far=TREE_FAR, cache=0.18))
                      for v in range(3)]
        self.cars = [
            self.add(_Kind(car.lane, 0.0, (-1.0, 0.0, -0.3), (1.1, 1.5, 4.4), partial(draw_car, car=car), cache=0.05,
                           glows=tuple((dx, 0.75, 0.45, (120, 110, 90) if car.speed < 0 else (110, 16, 12))
                                       for dx in (-0.63, 0.63))))
            for car in TRAFFIC
        ]
        self.walkers = [
            [self.add(_Kind(p.x, 0.0, (-0.3, 0.0, 0.0), (0.3, p.height, 0.0), partial(draw_walker, person=p, gait=g),
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
    out = blank_frame((size, size))  # the frame layout, like every sprite: blits need no conversion
    pygame.surfarray.blit_array(out, pixels)
    return out


Sprite = tuple[pygame.Surface, float, float, int]  # surface, anchor position in it, bytes kept


class Sprites:
    """Moving things pre-drawn at scales STEP**n for one frame size, kept within a byte budget.

    Why: a tree is a dozen discs and a car a dozen polygons; drawing them every frame costs
    several frame copies, while blitting a run-length-encoded sprite costs about as much as a
    fill. A sprite is drawn at the scale step nearest the true distance (within 1.5% of its true
    size) and placed at the exact position, so motion stays smooth.
    """

    def __init__(self, view: View, palette: Palette, budget: int) -> None:
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
                # The frame layout: SDL run-length encodes a colour-keyed sprite only for a target
                # of the same layout; otherwise every blit tests each pixel (a near tree: 25x slower).
                sprite = blank_frame((w, h), KEY)
                kind.draw(Canvas(sprite, View(w, h, v.f, v.cx - left, v.cy - top), self.palette), z)
                sprite.set_colorkey(KEY, pygame.RLEACCEL)
                opaque = pygame.mask.from_surface(sprite).count()
                if self.target is not None:
                    # SDL run-length encodes a sprite on its first blit to a surface: while warming,
                    # do it onto the output (which the first frame covers), so no frame pays for it.
                    self.target.blit(sprite, (0, 0))
                ax, ay = v.pt(kind.x, kind.y, z)
                # Run-length encoding keeps only the opaque pixels, so count those against the budget.
                item = (sprite, ax - left, ay - top, 64 + BYTES_PER_PIXEL * opaque)
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
        """A glow of about `radius` pixels, at most a 24th of the frame height (an additive blend
        costs per pixel, so a bigger glow would cost more than it shows)."""
        n = max(1, round(math.log(min(max(radius, 1.0), self.view.h / 24)) * self.inv_log_step))
        surface = self._glows.get((n, colour))
        if surface is None:
            surface = self._glows[n, colour] = _glow(round(STEP**n), colour)
        return surface


class FramePainter:
    """Draws the moving things for time `t` onto the output, far to near, and lists what it changed.

    Written for speed: this runs every frame, so it does little more than look up sprites and blit.
    """

    def __init__(self, canvas: Canvas, sprites: Sprites, t: float) -> None:
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
        batch: list[Blit] = []  # one blits() call is cheaper
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
                    dirty += _blits(canvas.surface, batch)
                    batch = []
                rect = kind.draw(canvas, z)
                if rect is not None:
                    dirty.append(rect)
            else:
                x, y = round(cx + f * kind.x / z - item[1]), round(cy - f * (kind.y - EYE) / z - item[2])
                batch.append((item[0], (x, y), None, 0))
            if lights and kind.glows and 2.0 < z < GLOW_FAR:
                for dx, height, radius, colour in kind.glows:
                    glow = sprites.glow(radius * f / z, colour)
                    r = glow.get_width() // 2
                    gx, gy = round(cx + f * (kind.x + dx) / z) - r, round(cy - f * (height - EYE) / z) - r
                    batch.append((glow, (gx, gy), None, pygame.BLEND_ADD))
        if batch:
            dirty += _blits(canvas.surface, batch)
        return dirty
