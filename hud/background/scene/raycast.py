"""The world behind the walker for any pose, as one table lookup per pixel.

Why a raycaster: the wearer walks, turns corners and goes round a roundabout, so nothing in the
view stays put and a static layer no longer applies. With a camera that only turns about the
vertical, every facade (a vertical plane) is column-separable: a screen column meets one facade
at one distance, and its pixels read one texture column scaled about the eye line. So a frame is
a few vector operations per column (which facade, how far, which texture level) and per row
(how far the ground is), then one `numpy.take` from a flat buffer holding every texture.

What is cached: the facade atlas and the ground, at a few mip levels each pre-fogged for the
distances that level is used at (so distant windows do not shimmer and fog costs nothing per
frame), and the sky panorama per view size. Per view, what depends on the heading alone (the sky
band, each ground pixel's distance times its ray, each column's divisor against each facade) is
kept until the heading changes, which on this walk is mostly straight; it is the same numbers a
fresh view would work out, so no pixel depends on earlier frames.

Why the per-pixel work looks the way it does (a frame costs a few passes over the picture, so
each pass counts): scratch arrays are made once per view and reused; facade pixels below the
horizon are merged into the ground's texel indices so one `take` reads both; clamps are skipped
when a column's (or a ground band's) ends show they cannot bite, since texel coordinates are
monotonic down a column; `take` uses mode="clip", which unlike the default does not buffer.

Why in row bands, on threads: what is per column (which facade, how far, its texture column and
level, whether a clamp can bite) is w-sized and worked out once; the per-row passes are then cut
into bands of about BAND_PIXELS, each done start to finish (sky, ground indices and their refill
on a new heading, facades over them, the one `take`) with its participant's own scratch, so a
band's arrays stay in the core's cache (on one core too: 15 -> 12.5 ms at 1920x1080) and bands
run on the cores at once. numpy lets go of the GIL inside these passes: measured on two cores,
`take` runs 1.8 times as fast on two threads, masked copies and clamps about 1.5; the plain
float32 passes over the whole picture barely gain (memory bound) but do within a cached band. A
band's rows are written by it alone and its scratch is written before it is read, so the
picture does not depend on which thread did what. Below SERIAL_BELOW pixels the picture is one
band on the calling thread: handing bands over cost more than it saved (measured at 320x180).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hud import paths
from hud.background.base import blank_frame
from hud.background.scene.city import ATLAS_HEIGHT, FACADE_PPM, City, paint_facade, paint_ground
from hud.background.scene.route import Pose
from hud.background.scene.world import EYE, NEAR, Palette
from hud.bands import run_bands, workers
from hud.pg import pygame

__all__ = ["Tables", "Textures", "render_world"]

GROUND_TEXEL = 0.08  # metres per ground texel at level 0
WALL_LEVELS, GROUND_LEVELS = 5, 6
FOG_REF_F = 914.0  # the focal length (px) the levels' fog distances are worked out for
SERIAL_BELOW = 100_000  # pixels: a smaller picture is one band, done by the caller alone
BAND_PIXELS = 98_304  # pixels per band (about): small enough that a band's passes stay in cache


def _pixels(surface: pygame.Surface) -> np.ndarray:
    """The surface's mapped pixel values as a (h, w) uint32 array (a copy)."""
    return np.ascontiguousarray(pygame.surfarray.array2d(surface).T.astype(np.uint32))


def _fogged(surface: pygame.Surface, haze: tuple[int, int, int], k: float) -> pygame.Surface:
    if k <= 0.0:
        return surface
    veil = blank_frame(surface.get_size(), haze)
    veil.set_alpha(round(255 * k))
    out = surface.copy()
    out.blit(veil, (0, 0))
    return out


def _fog(palette: Palette, z: float) -> float:
    return 1.0 - math.exp(-max(z, 0.0) / palette.fog_distance)


@dataclass
class _Level:
    offset: int
    width: int
    height: int
    scale: float  # texels per metre


class Textures:
    """Every texture of the city for one palette, in one flat uint32 buffer (the frame layout)."""

    def __init__(self, city: City, palette: Palette) -> None:
        self.city, self.palette = city, palette
        pygame.font.init()
        font = pygame.font.Font(str(paths.FONTS / "Inter-SemiBold.otf"), 64)
        # The facade atlas: every row of building fronts side by side, drawn at twice the size and
        # smoothed down.
        self.starts: list[int] = []
        x = 0
        for facade in city.facades:
            self.starts.append(x)
            x += math.ceil(facade.length * FACADE_PPM) + 2
        big = blank_frame((2 * x, round(2 * ATLAS_HEIGHT * FACADE_PPM)), palette.haze)
        for facade, start in zip(city.facades, self.starts, strict=True):
            paint_facade(big, 2 * start, facade, palette, font)
        atlas = pygame.transform.smoothscale(big, (x, round(ATLAS_HEIGHT * FACADE_PPM)))
        # Each column's building height, for where the sky begins above it.
        self.heights = np.zeros(x, np.float32)
        for facade, start in zip(city.facades, self.starts, strict=True):
            for b in facade.buildings:
                c0, c1 = start + round(b.start * FACADE_PPM), start + round((b.start + b.length) * FACADE_PPM) + 1
                self.heights[c0:c1] = b.height
        ground = paint_ground(city, palette, GROUND_TEXEL)
        chunks: list[np.ndarray] = []
        size = 0

        def add(surface: pygame.Surface, scale: float) -> _Level:
            nonlocal size
            array = _pixels(surface)
            level = _Level(size, array.shape[1], array.shape[0], scale)
            chunks.append(array.ravel())
            size += array.size
            return level

        self.walls: list[_Level] = []
        level = atlas
        for n in range(WALL_LEVELS):
            # Level n is used from FOG_REF_F * 2**n / FACADE_PPM metres on; fogged for 1.4 times that.
            z = FOG_REF_F * 2**n / FACADE_PPM * (1.4 if n else 0.6)
            self.walls.append(add(_fogged(level, palette.haze, _fog(palette, z)), FACADE_PPM / 2**n))
            w, h = level.get_size()
            level = pygame.transform.smoothscale(level, (max(1, w // 2), max(1, h // 2)))
        self.grounds: list[_Level] = []
        level = ground
        for n in range(GROUND_LEVELS):
            z = (6.0, 14.0, 28.0, 56.0, 110.0, 220.0)[n]
            self.grounds.append(add(_fogged(level, palette.haze, _fog(palette, z)), 1.0 / (GROUND_TEXEL * 2**n)))
            w, h = level.get_size()
            level = pygame.transform.smoothscale(level, (max(1, w // 2), max(1, h // 2)))
        self.buffer = np.concatenate(chunks)
        segs = city.facades
        self.p0 = np.array([f.p0 for f in segs], np.float64)
        self.edge = np.array([(f.p1[0] - f.p0[0], f.p1[1] - f.p0[1]) for f in segs], np.float64)
        self.lengths = np.array([f.length for f in segs], np.float64)
        self.col0 = np.array(self.starts, np.float64)
        self.wall_table = np.array([[lev.scale, lev.width, lev.height, lev.offset] for lev in self.walls],
                                   np.float64).T


class _Scratch:
    """One participant's scratch for a band of rows: written before it is read in every pass, so
    what a band computes never depends on which thread ran it or what it ran before."""

    def __init__(self, rows: int, w: int) -> None:
        self.f64 = np.empty((rows, w), np.float64)
        self.f32 = self.f64.reshape(-1).view(np.float32)[: rows * w].reshape(rows, w)  # (the ground's, done first)
        self.i32 = np.empty((rows, w), np.int32)
        self.j32 = np.empty((rows, w), np.int32)
        self.u32 = self.j32.view(np.uint32)  # (the texels taken once the mask is made from j32)
        self.m1 = np.empty((rows, w), np.bool_)
        self.idx = np.empty((rows, w), np.int32)  # the band's texel indices below the horizon


class Tables:
    """What one view (size and focal length) needs: column directions, row distances, the sky."""

    def __init__(self, tex: Textures, w: int, h: int, f: float, sky: np.ndarray) -> None:
        self.w, self.h, self.f = w, h, f
        self.cx, self.cy = w / 2, 0.45 * h
        self.a = ((np.arange(w) + 0.5 - self.cx) / f).astype(np.float64)  # tan of each column's angle
        self.horizon = min(h, math.floor(self.cy) + 1)
        rows = np.arange(self.horizon, h, dtype=np.float64) + 0.5
        self.ground_z = f * EYE / (rows - self.cy)  # distance to the ground seen in each row below the horizon
        self.ground_z32 = self.ground_z.astype(np.float32)
        # The ground level per row: its texels about the size of the row's footprint along the ground.
        footprint = self.ground_z / f * np.sqrt(np.maximum(self.ground_z / EYE, 1.0)) * 0.7
        self.ground_level = np.clip(np.floor(np.log2(np.maximum(footprint / GROUND_TEXEL, 1.0))), 0,
                                    GROUND_LEVELS - 1).astype(np.int32)
        self.ground_rows = []  # each level's rows (contiguous: farther rows use coarser levels)
        for n in range(GROUND_LEVELS):
            found = np.nonzero(self.ground_level == n)[0]
            self.ground_rows.append((int(found[0]), int(found[-1]) + 1) if found.size else (0, 0))
        self.v = np.arange(h, dtype=np.float64)[:, None]
        # The sky panorama: one turn of the horizon, `turn` pixels wide, sky rows tall.
        self.turn = max(1, round(2 * math.pi * f))
        self.sky = sky.ravel()
        self.sky2d = sky.reshape(-1, self.turn)[np.minimum(np.arange(self.horizon), sky.shape[0] - 1)]
        # The ground's levels per row below the horizon (level bands with rows only), for working on
        # every band in one pass.
        self.bands = [(n, r0, r1) for n, (r0, r1) in enumerate(self.ground_rows) if r1 > r0]
        levels = tex.grounds
        self.ground_scale = np.array([lev.scale for lev in levels], np.float64)
        self.row_width = np.array([levels[n].width for n in self.ground_level], np.int32)[:, None]
        self.row_offset = np.array([levels[n].offset for n in self.ground_level], np.int32)[:, None]
        self.ends = np.array([r for _, r0, r1 in self.bands for r in (r0, r1 - 1)], np.intp)
        # What depends only on the heading, kept for the next frame with the same heading (most of
        # the walk goes straight): the sky band and each ground pixel's texel offset from the walker.
        self.heading: float | None = None
        self.sky_band = np.empty((self.horizon, w), np.uint32)
        self.gx = np.empty((h - self.horizon, w), np.float32)
        self.gz = np.empty((h - self.horizon, w), np.float32)
        self.vi = np.arange(h, dtype=np.int32)[:, None]
        # Per column, kept with them: the sky's panorama columns, each facade's divisor, the ground's
        # steps per level and their values at each level's first and last rows.
        self.sky_cols = np.zeros(0, np.int32)
        self.denom = np.zeros((w, 0), np.float64)
        self.steps = np.zeros((2, 0, w), np.float32)
        self.at_ends = np.zeros((2, 0, w), np.float32)
        # The bands the per-row passes are cut into, and each participant's scratch (made on first
        # use), so that a frame allocates nothing the size of the picture and no two threads share
        # a buffer.
        self.band_rows = h if h * w < SERIAL_BELOW else min(h, max(1, BAND_PIXELS // w))
        self.scratch: list[_Scratch] = []

    def scratch_for(self, k: int) -> _Scratch:
        """Participant `k`'s scratch buffers, one band tall."""
        while len(self.scratch) <= k:
            self.scratch.append(_Scratch(self.band_rows, self.w))
        return self.scratch[k]

def sky_panorama(palette: Palette, width: int, rows: int, cy: float, clouds: np.ndarray | None) -> np.ndarray:
    """The sky as (rows, width) frame-layout pixel values: a gradient, clouds by day."""
    surface = blank_frame((width, max(1, rows)))
    pixels = pygame.surfarray.pixels3d(surface)
    r = np.arange(rows, dtype=np.float32) + 0.5
    up = np.clip(1.0 - r / cy, 0.0, 1.0) ** 0.7
    top, bottom = np.array(palette.sky_top, np.float32), np.array(palette.sky_horizon, np.float32)
    band = np.repeat((bottom + (top - bottom) * up[:, None])[None, :, :], width, axis=0)
    if clouds is not None:
        alpha = clouds[:width, :rows, None]
        band += (np.array((236, 238, 240), np.float32) - band) * alpha
    pixels[:] = np.clip(band + 0.5, 0, 255).astype(np.uint8)
    del pixels
    return _pixels(surface)


def clouds_for(width: int, rows: int, cover: float, seed: int) -> np.ndarray | None:
    """Fair-weather clouds as a (width, rows) opacity map that wraps round the horizon."""
    if cover <= 0.0:
        return None
    rng = np.random.default_rng(seed)
    xs, ys = np.meshgrid(np.arange(0, width, 4, dtype=np.float32), np.arange(0, rows, 4, dtype=np.float32),
                         indexing="ij")
    density = np.zeros(xs.shape, np.float32)
    for _ in range(round(22 * cover)):
        cx, cy = rng.uniform(0, width), rng.uniform(0.05, 0.8) * rows
        for _ in range(5):
            px, py = cx + rng.normal(0, rows * 0.25), cy + rng.normal(0, rows * 0.04)
            rx, ry = rows * rng.uniform(0.15, 0.35), rows * rng.uniform(0.04, 0.08)
            dx = (xs - px + width / 2) % width - width / 2
            density += np.exp(-((dx / rx) ** 2 + ((ys - py) / ry) ** 2))
    alpha = np.clip(density * 0.55 * (0.6 + 0.4 * cover), 0.0, 0.8)
    # Thinner towards the horizon, where clouds are far and hazy.
    alpha *= np.clip(1.0 - ys / max(rows, 1), 0.25, 1.0)
    return np.repeat(np.repeat(alpha, 4, axis=0), 4, axis=1)[:width, :rows]


def render_world(tex: Textures, tab: Tables, pose: Pose, out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill `out` ((h, w) uint32) with sky, facades and ground for `pose`; return each column's wall
    distance (inf where the column sees no wall), for hiding sprites behind buildings, and which
    facade it sees and how far along it (metres), for drawing one front sharp over it."""
    w, h, f, cy = tab.w, tab.h, tab.f, tab.cy
    sh, ch = math.sin(pose.heading), math.cos(pose.heading)
    # Ray per column in plan, scaled so its forward component is 1 (the parameter is the depth).
    dx, dz = sh + tab.a * ch, ch - tab.a * sh
    hz = tab.horizon
    # Per column and per frame (w-sized, cheap): worked out once, before the bands.
    refill = pose.heading != tab.heading
    ex, ez = tex.edge[:, 0], tex.edge[:, 1]
    if refill:
        tab.heading = None  # (while the caches are being refilled)
        # Sky: the panorama shifted by the heading (columns by angle, so turning pans it exactly).
        angle = pose.heading + np.arctan(tab.a)
        tab.sky_cols = np.floor(angle * tab.turn / (2 * math.pi)).astype(np.int32) % tab.turn
        # Each column's ray against each facade's direction (the facades' hits divide by it).
        tab.denom = dx[:, None] * ez[None, :] - dz[:, None] * ex[None, :]
        if hz < h:
            dx32, dz32 = dx.astype(np.float32), dz.astype(np.float32)  # single precision: half the traffic
            scale32 = tab.ground_scale.astype(np.float32)[:, None]
            # Each level's step per unit of distance, per column, for x and z (as the refill uses
            # them), and the ground's offsets at each level's first and last rows.
            tab.steps = np.stack([dx32[None, :] * scale32, -dz32[None, :] * scale32])
            tab.at_ends = tab.ground_z32[tab.ends][None, :, None] * tab.steps[:, tab.ground_level[tab.ends]]
    sky_cols, steps = tab.sky_cols, tab.steps
    # Ground: each pixel below the horizon, by its distance (row) and direction (column), as an
    # index into the texture buffer (taken after the facades have put theirs over it).
    ground: list[tuple[np.ndarray, np.ndarray, list[tuple[int, int, int, bool, bool]]]] = []
    if hz < h:
        x0, _, _, z1 = tex.city.bounds
        rows = tab.ground_level
        for axis, (product, o) in enumerate((
            (tab.gx, ((pose.x - x0) * tab.ground_scale).astype(np.float32)),
            (tab.gz, ((z1 - pose.z) * tab.ground_scale).astype(np.float32)),
        )):
            # Along a column the coordinate is monotonic in the distance, so a level's first and
            # last rows bound it: its clamps are skipped when they are in the texture.
            ends = (tab.at_ends[axis] + o[rows[tab.ends]][:, None]).astype(np.int32).reshape(len(tab.bands), -1)
            clamps = []
            for (n, g0, g1), low, high in zip(tab.bands, ends.min(axis=1).tolist(), ends.max(axis=1).tolist(),
                                              strict=True):
                level = tex.grounds[n]
                limit = level.height - 1 if axis else level.width - 1
                clamps.append((g0, g1, limit, low < 0, high > limit))
            ground.append((product, o[rows][:, None], clamps))
    # Facades: the nearest one each column's ray meets.
    wx, wz = tex.p0[:, 0] - pose.x, tex.p0[:, 1] - pose.z
    denom = tab.denom
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # (rays along a facade)
        hit = (wx * ez - wz * ex)[None, :] / denom
        along = (wx[None, :] * dz[:, None] - wz[None, :] * dx[:, None]) / denom
    hit = np.where((hit > NEAR) & (along >= 0.0) & (along < 1.0), hit, np.inf)
    seg = np.argmin(hit, axis=1)
    cols = np.arange(w)
    depth: np.ndarray = hit[cols, seg]
    seen = np.isfinite(depth)
    where = np.where(seen, along[cols, seg], -1.0) * tex.lengths[seg]
    spans: list[tuple[int, int]] = []
    if seen.any():
        d = np.where(seen, depth, 1.0)
        col0 = tex.col0[seg] + np.where(seen, along[cols, seg], 0.0) * tex.lengths[seg] * FACADE_PPM
        height = tex.heights[np.clip(col0.astype(np.int32), 0, tex.heights.size - 1)]
        top = np.where(seen, np.maximum(0, np.ceil(cy - f * (height - EYE) / d - 0.5)), h).astype(np.int32)
        bottom = np.where(seen, np.minimum(h, np.ceil(cy + f * EYE / d - 0.5)), 0).astype(np.int32)
        lv = np.clip(np.floor(np.log2(np.maximum(FACADE_PPM * d / f, 1.0))), 0, WALL_LEVELS - 1).astype(np.int32)
        scale, widths, heights, offsets = (tex.wall_table[k][lv] for k in range(4))
        col_l = np.minimum((col0 * scale / FACADE_PPM).astype(np.int32), widths.astype(np.int32) - 1)
        b = d / f * scale  # texture rows per screen row
        a = (ATLAS_HEIGHT - EYE) * scale - (cy - 0.5) * b
        r0, r1 = int(top.min()), int(bottom.max())
        if r1 > r0:
            last_row = heights.astype(np.int32) - 1
            # Texture rows grow down a column, so each column's first and last facade pixels bound
            # them: the clamps are skipped when those are in the texture (pixels outside a column's
            # facade are masked off; mode="clip" keeps their indices harmless).
            first, last = np.maximum(top[seen], r0), np.minimum(bottom[seen] - 1, r1 - 1)
            clamp_low = int((a[seen] + first.astype(np.float64) * b[seen]).astype(np.int32).min()) < 0
            clamp_high = bool(((a[seen] + last.astype(np.float64) * b[seen]).astype(np.int32) > last_row[seen]).any())
            span = np.maximum(bottom - top, 0).astype(np.uint32)
            widths32 = widths.astype(np.int32)
            base = offsets.astype(np.int32) + col_l
            spans = [(b0, b1) for b0, b1 in ((r0, min(r1, hz)), (max(r0, hz), r1)) if b1 > b0]

    def band(i: int, k: int) -> None:
        """Rows [y0, y1) of the picture, with participant k's scratch: sky, ground indices, the
        facades over them, then the one take."""
        y0 = i * tab.band_rows
        y1 = min(h, y0 + tab.band_rows)
        s = tab.scratch_for(k)
        if y0 < hz:
            s1 = min(y1, hz)
            if refill:
                np.take(tab.sky2d[y0:s1], sky_cols, axis=1, out=tab.sky_band[y0:s1], mode="clip")  # (in range)
            np.copyto(out[y0:s1], tab.sky_band[y0:s1])
        g0, g1 = max(y0, hz) - hz, y1 - hz  # the band's ground rows, counted from the horizon
        n = g1 - g0
        iz = s.idx[:n]
        if n > 0:
            ix, fl = s.i32[:n], s.f32[:n]
            for axis, (product, o_rows, clamps) in enumerate(ground):
                if refill:
                    for lev, c0, c1 in tab.bands:
                        if max(c0, g0) < min(c1, g1):
                            c0, c1 = max(c0, g0), min(c1, g1)
                            np.multiply(tab.ground_z32[c0:c1, None], steps[axis][lev], out=product[c0:c1])
                dst = iz if axis else ix
                np.add(product[g0:g1], o_rows[g0:g1], out=fl)
                np.copyto(dst, fl, casting="unsafe")  # truncation toward zero, as astype
                for c0, c1, limit, low, high in clamps:
                    c0, c1 = max(c0, g0) - g0, min(c1, g1) - g0
                    if c1 <= c0:
                        continue
                    if low:
                        np.maximum(dst[c0:c1], 0, out=dst[c0:c1])
                    if high:
                        np.minimum(dst[c0:c1], limit, out=dst[c0:c1])
            iz *= tab.row_width[g0:g1]
            iz += ix
            iz += tab.row_offset[g0:g1]
        for b0, b1 in spans:
            b0, b1 = max(b0, y0), min(b1, y1)
            if b1 <= b0:
                continue
            m_ = b1 - b0
            wide, row, m, rel = s.f64[:m_], s.i32[:m_], s.m1[:m_], s.j32[:m_]
            np.multiply(tab.v[b0:b1], b, out=wide)
            wide += a
            np.copyto(row, wide, casting="unsafe")  # truncation toward zero, as astype
            if clamp_low:
                np.maximum(row, 0, out=row)
            if clamp_high:
                np.minimum(row, last_row, out=row)
            row *= widths32
            row += base
            # In the column's facade: top <= v < bottom, as one unsigned comparison.
            np.subtract(tab.vi[b0:b1], top, out=rel)
            np.less(rel.view(np.uint32), span, out=m)
            if b0 >= hz:  # over the ground: its indices, one take for both
                np.copyto(iz[b0 - hz - g0 : b1 - hz - g0], row, where=m)
            else:
                texels = s.u32[:m_]
                np.take(tex.buffer, row, out=texels, mode="clip")
                np.copyto(out[b0:b1], texels, where=m)
        if n > 0:
            np.take(tex.buffer, iz, out=out[hz + g0 : hz + g1], mode="clip")

    count = -(-h // tab.band_rows)
    participants = min(workers(), count)
    tab.scratch_for(participants - 1)  # (made here, not by threads racing to make them)
    run_bands(count, band, participants)
    if refill:
        tab.heading = pose.heading
    return depth, seg, where
