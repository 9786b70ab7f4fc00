"""The street scene's static layer: sky, street surface and facades, drawn once per frame size.

Why once: none of it changes as the walker walks (the motion is carried by the moving things in
`things.py`), so a frame only repairs this layer where the last frame drew over it. That is what
pays for drawing it at twice the size and smoothing it down for anti-aliasing, per-pixel sky and
street surfaces, and at night a bloom around the lights.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from hud.background.base import FRAME_DEPTH, blank_frame
from hud.background.scene.world import (
    CENTRE_LINE,
    EYE,
    LEFT_FACADE,
    LEFT_KERB,
    NEAR,
    RGB,
    RIGHT_FACADE,
    RIGHT_KERB,
    STREET_END,
    Canvas,
    Palette,
    View,
    mix,
    tint,
)
from hud.pg import pygame

__all__ = ["Building", "plan_street", "render_static"]

WALLS: tuple[RGB, ...] = (
    (205, 190, 165), (214, 206, 190), (160, 100, 80), (172, 168, 160), (196, 164, 112),
    (178, 120, 96), (150, 158, 160), (220, 216, 208), (138, 126, 114), (188, 176, 150),
)
SIGNS: tuple[RGB, ...] = ((40, 62, 52), (38, 48, 72), (92, 36, 40), (48, 48, 50), (214, 204, 180), (120, 84, 48))
AWNINGS: tuple[RGB, ...] = ((58, 82, 62), (112, 48, 46), (48, 60, 82), (150, 132, 104), (70, 70, 72))


@dataclass(frozen=True)
class Building:
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


def plan_street(rng: random.Random) -> tuple[Building, ...]:
    """Both rows of buildings, nearest first, from just behind the walker to the street's end."""
    out: list[Building] = []
    for left in (True, False):
        z = -6.0
        while z < STREET_END:
            length = rng.uniform(9.0, 22.0)
            ground = rng.uniform(3.9, 4.6)
            floor = rng.uniform(2.9, 3.4)
            floors = rng.randint(3, 6)
            wall = WALLS[rng.randrange(len(WALLS))]
            trim = mix(wall, (236, 232, 222), 0.55) if sum(wall) < 560 else mix(wall, (90, 84, 78), 0.3)
            bays = max(2, round(length / rng.uniform(2.6, 3.6)))
            awning = AWNINGS[rng.randrange(len(AWNINGS))] if rng.random() < 0.45 else None
            out.append(
                Building(
                    left, z, z + length, ground + floors * floor + rng.uniform(0.4, 1.2), wall, trim, ground,
                    floor, length / bays, (rng.uniform(1.0, 1.5), rng.uniform(1.5, 1.9)), awning,
                    rng.randrange(1 << 30),
                )
            )
            z += length
    return tuple(out)


# ---------------------------------------------------------------- painting the layer


def _paint_sky_and_ground(
    surface: pygame.Surface, view: View, palette: Palette, buildings: tuple[Building, ...], rng: random.Random
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

    def __init__(self, palette: Palette, buildings: tuple[Building, ...]) -> None:
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

    def rows(self, view: View, rows: np.ndarray) -> np.ndarray:
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
        shaded: np.ndarray = colour + (np.array(pal.haze, np.float32) - colour) * fog
        return shaded


def _cloud_cover(view: View, rng: random.Random) -> np.ndarray:
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


def _draw_building(p: Canvas, b: Building, nearer: Building | None) -> None:
    """One facade: wall, cornice, windows with reveals, and a shopfront with its sign and awning."""
    pal, x = p.palette, b.x
    out = 1.0 if b.left else -1.0  # from the wall towards the street
    rng = random.Random(b.seed)
    light = pal.shade if b.left else pal.sunlit
    wall, trim = tint(b.wall, light), tint(b.trim, light)
    dark = tint(b.wall, (0.55, 0.55, 0.58))
    z0, z1 = max(b.z0, NEAR), min(b.z1, STREET_END)
    if z1 <= z0:
        return
    if nearer is not None and b.height > nearer.height and b.z0 > NEAR:  # the end wall above a lower roof
        p.quad(tint(b.wall, (pal.shade[0] * 0.9, pal.shade[1] * 0.9, pal.shade[2] * 0.9)),
               [(x, nearer.height, b.z0), (x, b.height, b.z0), (x - out * 14, b.height, b.z0),
                (x - out * 14, nearer.height, b.z0)])
    p.facade_quad(wall, x, 0.0, b.height, z0, z1)
    shop_wall = mix(wall, (120, 86, 50), 0.35) if pal.night else wall
    p.facade_quad(shop_wall, x, 0.0, b.ground, z0, z1)
    p.facade_quad(dark, x, 0.0, 0.35, z0, z1)
    p.facade_quad(trim, x, b.ground - 0.05, b.ground + 0.25, z0, z1)
    p.facade_quad(trim, x, b.height - 0.75, b.height - 0.3, z0, z1)
    p.facade_quad(tint(trim, (0.7, 0.7, 0.72)), x, b.height - 0.3, b.height, z0, z1)
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
                glass = mix(glass, (0, 0, 0), rng.uniform(0.0, 0.45))
            else:
                glass = mix(pal.glass, pal.glass_sky, rng.uniform(0.1, 0.6) + (0.25 if b.left else 0.0))
            if detailed:
                p.facade_quad(trim, x, yb - 0.14, yt + 0.16, zn - 0.14, zf + 0.14)
            p.facade_quad(glass, x, yb, yt, zn, zf)
            if detailed:
                if not lit:
                    p.facade_quad(mix(glass, pal.glass_sky, 0.35), x, (yb + yt) / 2, yt, zn, zf)
                else:
                    p.facade_quad(mix(glass, (0, 0, 0), 0.25), x, yb, yb + 0.45, zn, zf)
                p.facade_quad(tint(glass, (0.6, 0.6, 0.6)), x, yb, yt, zc - 0.03, zc + 0.03)
                # The far reveal and the lintel soffit: the window is set 15 cm into the wall.
                p.quad(tint(wall, (0.62, 0.62, 0.66)), [(x, yb, zf), (x, yt, zf), (x - out * 0.15, yt, zf),
                                                         (x - out * 0.15, yb, zf)])
                p.quad(tint(wall, (0.5, 0.5, 0.55)), [(x, yt, zn), (x, yt, zf), (x - out * 0.15, yt, zf),
                                                       (x - out * 0.15, yt, zn)])
                p.facade_quad(mix(trim, (255, 255, 255), 0.15), x + out * 0.05, yb - 0.12, yb, zn - 0.1, zf + 0.1)
        _shopfront(p, b, rng, zc, out, j)
    _sign_letters(p, b, rng)
    if b.awning is not None and b.z1 > NEAR:
        a, top, low = b.awning, b.ground - 0.75, b.ground - 1.5
        shade = tint(a, (0.55, 0.55, 0.55) if not pal.night else (0.5, 0.42, 0.36))
        p.quad(shade, [(x, top, z0 + 0.3), (x, top, z1 - 0.3), (x + out * 1.5, low, z1 - 0.3),
                       (x + out * 1.5, low, z0 + 0.3)])
        p.quad(tint(a, light if not pal.night else (0.6, 0.5, 0.42)),
               [(x + out * 1.5, low, z0 + 0.3), (x + out * 1.5, low, z1 - 0.3),
                (x + out * 1.5, low - 0.28, z1 - 0.3), (x + out * 1.5, low - 0.28, z0 + 0.3)])


def _shopfront(p: Canvas, b: Building, rng: random.Random, zc: float, out: float, j: int) -> None:
    """One bay of the ground floor: a framed shop window, or the door in every third bay."""
    pal, x = p.palette, b.x
    light = pal.shade if b.left else pal.sunlit
    sign = tint(SIGNS[b.seed % len(SIGNS)], light)
    frame = mix(sign, (0, 0, 0), 0.15)
    z0, z1 = zc - b.bay / 2, zc + b.bay / 2
    p.facade_quad(sign, x, b.ground - 1.05, b.ground - 0.3, z0, z1)
    p.facade_quad(mix(sign, (0, 0, 0), 0.35), x, b.ground - 1.05, b.ground - 0.95, z0, z1)
    open_late = pal.night and random.Random(b.seed + 1).random() < 0.7
    if open_late:
        glass = mix(pal.shop_glass, (0, 0, 0), rng.uniform(0.05, 0.35))
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
        p.facade_quad(mix(glass, pal.glass_sky, 0.3), x, (bottom + top) / 2 + 0.3, top, zc - half, zc + half)
    elif open_late:  # shelves and goods against the light
        for y in np.arange(bottom + 0.45, top - 0.3, 0.55):
            p.facade_quad(mix(glass, (40, 30, 20), 0.45), x, y, y + 0.06, zc - half, zc + half)
    p.quad(tint(b.wall, light) if not open_late else mix(glass, (60, 40, 20), 0.4),
           [(x, bottom, zc + half), (x, top, zc + half), (x - out * 0.2, top, zc + half),
            (x - out * 0.2, bottom, zc + half)])


def _sign_letters(p: Canvas, b: Building, rng: random.Random) -> None:
    """A shop name on the fascia: a row of letter-sized blocks, lit at night."""
    length = min(b.z1 - b.z0 - 2.0, rng.uniform(2.5, 5.5))
    if length < 1.5 or p.span(b.x, b.z0, b.z0 + length) < 12:
        return
    light = p.palette.shade if b.left else p.palette.sunlit
    ink = (236, 226, 200) if sum(SIGNS[b.seed % len(SIGNS)]) < 400 else (40, 36, 34)
    ink = mix(ink, (255, 236, 200), 0.3) if p.palette.night else tint(ink, light)
    z = (b.z0 + b.z1 - length) / 2
    end = z + length
    while z < end:
        width = rng.uniform(0.12, 0.3)
        p.facade_quad(ink, b.x, b.ground - 0.8, b.ground - 0.52, z, min(z + width, end))
        z += width + rng.choice((0.06, 0.06, 0.06, 0.25))


def _street_end(p: Canvas, rng: random.Random) -> None:
    """The far side of a cross street, closing the view so the vanishing point is not a void."""
    z = STREET_END + 14.0
    x = LEFT_FACADE - 60.0
    while x < RIGHT_FACADE + 60.0:
        width, height = rng.uniform(10, 20), rng.uniform(12, 24)
        wall = tint(WALLS[rng.randrange(len(WALLS))], p.palette.shade)
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


def render_static(size: tuple[int, int], palette: Palette, buildings: tuple[Building, ...],
                  seed: int) -> pygame.Surface:
    """Everything that does not move, at `size` in the frame layout: drawn at twice the size and
    smoothed down, into a surface whose rows are copied fast (see `_fast_copy_source`)."""
    w, h = size
    view = View.for_size(2 * w, 2 * h)
    rng = random.Random(seed)
    big = blank_frame((view.w, view.h))
    _paint_sky_and_ground(big, view, palette, buildings, rng)
    painter = Canvas(big, view, palette)
    _street_end(painter, rng)
    for left in (True, False):
        row = [b for b in buildings if b.left == left]
        for k in range(len(row) - 1, -1, -1):
            _draw_building(painter, row[k], row[k - 1] if k > 0 else None)
    if palette.night:
        _bloom(big)
    out = _fast_copy_source(size)
    pygame.transform.smoothscale(big, size, out)
    return out


def _fast_copy_source(size: tuple[int, int]) -> pygame.Surface:
    """A black Surface of `size` in the frame layout whose pitch is not a multiple of 16 bytes.

    Why: SDL copies between two surfaces of the same layout with SSE non-temporal stores whenever
    both pitches and both start addresses are multiples of 16 bytes (32-bit rows whose width is a
    multiple of 4, rects whose x is too). For the small rects a frame repairs that path is 5-40x
    slower than its plain copy, and for a whole frame about 1.5x. A subsurface of a surface one
    pixel wider has an odd pitch, so every copy out of the static layer takes the plain path.
    """
    width, height = size
    if width * FRAME_DEPTH // 8 % 16:
        return blank_frame(size)  # the pitch is already off 16 bytes
    return blank_frame((width + 1, height)).subsurface((0, 0, width, height))
