"""The built-in street scene: the city walk's route, seen walking it.

Why procedural: the emulator must run with no camera and no media files, and a HUD has to be
judged against a busy, bright world (day) and a dark one with point lights (night). Why a route:
the demo's assistant navigates (turn right, a roundabout, arrive at a café, pay by QR code), so
the world behind it walks, turns and arrives where the arrows say (`route.py`).

How it stays cheap: every texture is painted once per palette (`city.py`), and a frame is a
raycast over columns and rows plus one table lookup per pixel (`raycast.py`), done at half the
output size and smoothed up; the café's counter and its QR code are drawn at full size on top.
While the walker stands still (paying at the counter) the raycast picture is copied, not cast
again. Every pixel is a function of `t` (the pose on the route) and the size alone.

The parts: `route.py` (where the walker is), `city.py` (the plan and its painting),
`raycast.py` (the world for a pose), `world.py` (dimensions and palettes), `weather.py` (the one
weather the sky shows and the assistant reports).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from hud.background.base import BackgroundSource, SizeCache, blank_frame, check_size
from hud.background.scene.city import COUNTER_CARD, COUNTER_DEPTH, City, Facade, build_city, cafe_front
from hud.background.scene.life import Life, Sprites, runs
from hud.background.scene.qr import CAFE_QR_PAYLOAD, paint_card, qr_modules
from hud.background.scene.raycast import Tables, Textures, clouds_for, render_world, sky_panorama
from hud.background.scene.route import CITY_WALK, Pose, Route
from hud.background.scene.weather import WEATHER
from hud.background.scene.world import DAY, EYE, NEAR, NIGHT, RGB, Palette, clip_near, mix
from hud.bands import BandedUpscale
from hud.pg import pygame

__all__ = ["CAFE_QR_PAYLOAD", "CITY_WALK", "DAY", "DEFAULT_HFOV", "NIGHT", "Palette", "StreetScene"]

DEFAULT_HFOV = 70.0  # degrees: `frame()` is this view
INTERNAL = 2  # the world is raycast at 1/INTERNAL of the output size, then smoothed up
CLOSE = 40.0  # metres: nearer than this the café's front is drawn again at full resolution
CARD = (0.30, 0.40, 1.06)  # the QR card's width, height and bottom edge above the pavement (m)

#: Textures per (palette, route), shared by every StreetScene in the process: painting them takes
#: about half a second and they are only read afterwards.
_TEXTURES: OrderedDict[tuple[bool, int], tuple[City, Textures]] = OrderedDict()


_LIFE: dict[int, Life] = {}


def _life(route: Route) -> Life:
    found = _LIFE.get(id(route))
    if found is None:
        found = _LIFE[id(route)] = Life(_textures(False, route)[0])
    return found


def _textures(night: bool, route: Route) -> tuple[City, Textures]:
    key = (night, id(route))
    found = _TEXTURES.get(key)
    if found is None:
        from hud.background.scene_cache import textures  # painted once, then read from the disk cache

        city = build_city(route)
        found = _TEXTURES[key] = (city, textures(city, NIGHT if night else DAY, route))
        while len(_TEXTURES) > 2:
            _TEXTURES.popitem(last=False)
    return found


@dataclass
class _View:
    size: tuple[int, int]
    small: tuple[int, int]
    f: float  # focal length in output pixels
    tables: Tables
    sprites: Sprites  # street life at the raycast's size
    cards: dict[tuple[int, int], pygame.Surface]  # the QR card at the sizes it has been drawn
    world: pygame.Surface  # the half-size raycast target
    out: pygame.Surface
    upscale: BandedUpscale  # world -> out, on every core (the same bytes as one smoothscale)
    last: Pose | None = None  # the pose of the previous frame at this size
    #: While the walker stands still (paying at the counter): the pose, the raycast picture before
    #: street life is drawn on it, and what the raycast returned, so the next frame only copies it.
    still: tuple[Pose, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None


class StreetScene(BackgroundSource):
    """The city walk seen by the wearer; `night` switches to dark sky and lit windows.

    A frame is a pure function of `t`, the size and the field of view. The returned Surface is
    reused by the next call, so it must not be drawn on by the caller.
    """

    SEED = 20240917

    def __init__(self, night: bool = False, route: Route = CITY_WALK) -> None:
        self.night = night
        self.palette = NIGHT if night else DAY
        self.route = route
        self._views: SizeCache[_View] = SizeCache(capacity=3)
        self._qr = qr_modules(CAFE_QR_PAYLOAD)
        self.life = _life(route)
        self._near_cache: tuple[Facade, float, np.ndarray, list[RGB]] | None = None

    @property
    def label(self) -> str:
        return f"street scene ({'night' if self.night else 'day'})"

    @property
    def exposure_nits(self) -> float:
        """A bright overcast street (mid-grey ~1000 nits, about 17,000 lux) or a lamp-lit one (~5 nits)."""
        return 5.0 if self.night else 1000.0

    def _prepare(self, size: tuple[int, int], hfov: float) -> _View:
        key = (size[0] * 1000 + round(hfov * 8), size[1])  # SizeCache keys by a pair
        found = self._views.get(key)
        if found is not None:
            return found
        _, tex = _textures(self.night, self.route)
        w, h = size
        small = (max(1, -(-w // INTERNAL)), max(1, -(-h // INTERNAL)))
        f = (w / 2) / math.tan(math.radians(hfov) / 2)
        fs = f * small[0] / w
        turn = max(1, round(2 * math.pi * fs))
        horizon = min(small[1], math.floor(0.45 * small[1]) + 1)
        cover = WEATHER.cloud_cover if not self.night else 0.0
        sky = sky_panorama(self.palette, turn, horizon, 0.45 * small[1], clouds_for(turn, horizon, cover, self.SEED))
        world = blank_frame(small)
        view = _View(size, small, f, Tables(tex, small[0], small[1], fs, sky), Sprites(fs, small, self.palette), {},
                     world, blank_frame(size), BandedUpscale(small, size))
        return self._views.put(key, view)

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        """The 70° view (`DEFAULT_HFOV`) at clock time `t`."""
        return self.view(t, size, DEFAULT_HFOV)

    def view(self, t: float, size: tuple[int, int], hfov: float = DEFAULT_HFOV) -> pygame.Surface:
        """The walker's view at clock time `t`, `hfov` degrees wide, rendered at that field of view."""
        size = check_size(size)
        if not 1.0 <= hfov <= 170.0:
            raise ValueError(f"hfov must be between 1 and 170 degrees; {hfov!r} given")
        v = self._prepare(size, float(hfov))
        city, tex = _textures(self.night, self.route)
        pose = self.route.pose(float(t))
        pixels = pygame.surfarray.pixels2d(v.world).T  # locks the surface until deleted
        if v.still is not None and v.still[0] == pose:
            np.copyto(pixels, v.still[1])
            walls, seg, along = v.still[2:]
        else:
            walls, seg, along = render_world(tex, v.tables, pose, pixels)
            # The same pose twice running: keep this one for the frames that follow.
            v.still = (pose, pixels.copy(), walls, seg, along) if pose == v.last else None
        v.last = pose
        del pixels
        v.sprites.draw(v.world, self.life, float(t), pose, v.tables.cy, walls)
        if v.small == size:
            v.out.blit(v.world, (0, 0))
        else:
            v.upscale(v.world, v.out)
        cafe = self._cafe_columns(city, walls, seg, along)
        if cafe is not None:
            self._cafe_front(v, city, pose, cafe)
        return v.out

    def pose(self, t: float) -> Pose:
        return self.route.pose(float(t))

    # ------------------------------------------------------------ the café, sharp when near

    @staticmethod
    def _cafe_columns(city: City, walls: np.ndarray, seg: np.ndarray,
                      along: np.ndarray) -> tuple[Facade, float, float, np.ndarray] | None:
        """The café's facade, its building's start and length, and the raycast columns that see it
        (None when it is not seen, or too far to need drawing sharp)."""
        for i, facade in enumerate(city.facades):
            for b in facade.buildings:
                if b.cafe:
                    cols = (seg == i) & (along >= b.start) & (along <= b.start + b.length)
                    if not cols.any() or float(walls[cols].min()) > CLOSE:
                        return None
                    return facade, b.start, b.length, cols
        return None

    def _near(self, city: City) -> tuple[Facade, float, np.ndarray, list[RGB]]:
        """What is drawn at full resolution near the café, as quads in the café facade's terms:
        corners (s along, y up, out in front) as (n, 4) arrays per axis, and their colours; the
        shop window first, then the counter."""
        if self._near_cache is not None:
            return self._near_cache
        facade, b = next((f, b) for f in city.facades for b in f.buildings if b.cafe)
        quads: list[tuple[RGB, list[tuple[float, float, float]]]] = []

        def rect(colour: RGB, s0: float, s1: float, y0: float, y1: float) -> None:
            quads.append((colour, [(s0, y0, 0.0), (s1, y0, 0.0), (s1, y1, 0.0), (s0, y1, 0.0)]))

        cafe_front(rect, b, self.palette)
        pal, mid = self.palette, b.hatch
        wood = (120, 84, 56) if not pal.night else (58, 40, 28)
        stone = (204, 196, 184) if not pal.night else (92, 84, 76)
        d, top, lo, hi = COUNTER_DEPTH, 1.0, mid - 1.3, mid + 1.3
        for s in (lo, hi):  # the ends, then the front and the top
            quads.append((mix(wood, (0, 0, 0), 0.3), [(s, 0.0, 0.0), (s, 0.0, d), (s, top, d), (s, top, 0.0)]))
        quads.append((wood, [(lo, 0.0, d), (hi, 0.0, d), (hi, top, d), (lo, top, d)]))
        for i in range(1, 13):  # boards
            s = lo + (hi - lo) * i / 13
            quads.append((mix(wood, (0, 0, 0), 0.18), [(s - 0.012, 0.1, d), (s + 0.012, 0.1, d),
                                                        (s + 0.012, top - 0.06, d), (s - 0.012, top - 0.06, d)]))
        quads.append((mix(wood, (0, 0, 0), 0.55), [(lo, 0.0, d), (hi, 0.0, d), (hi, 0.1, d), (lo, 0.1, d)]))
        quads.append((mix(stone, (0, 0, 0), 0.2), [(lo - 0.03, top - 0.05, d + 0.03), (hi + 0.03, top - 0.05, d + 0.03),
                                                   (hi + 0.03, top, d + 0.03), (lo - 0.03, top, d + 0.03)]))
        quads.append((stone, [(lo - 0.03, top, -0.1), (hi + 0.03, top, -0.1), (hi + 0.03, top, d + 0.03),
                              (lo - 0.03, top, d + 0.03)]))
        _, _, bottom = CARD
        quads.append(((40, 40, 44), [(mid - 0.06, top, COUNTER_CARD), (mid + 0.06, top, COUNTER_CARD),
                                     (mid + 0.06, bottom, COUNTER_CARD), (mid - 0.06, bottom, COUNTER_CARD)]))
        corners = np.array([q[1] for q in quads], np.float64)  # (n, 4, 3)
        self._near_cache = (facade, mid, corners, [q[0] for q in quads])
        return self._near_cache

    def _camera(self, pose: Pose, facade: Facade, s: np.ndarray, y: np.ndarray,
                out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Points on (or `out` metres in front of) a facade, `s` metres along it, `y` up, as the
        camera's (side, height, depth)."""
        (x0, z0), (x1, z1) = facade.p0, facade.p1
        n = facade.length
        ux, uz = (x1 - x0) / n, (z1 - z0) / n
        dx, dz = x0 + s * ux + out * uz - pose.x, z0 + s * uz - out * ux - pose.z
        sh, ch = math.sin(pose.heading), math.cos(pose.heading)
        return dx * ch - dz * sh, y, dx * sh + dz * ch

    def _cafe_front(self, v: _View, city: City, pose: Pose,
                    cafe: tuple[Facade, float, float, np.ndarray]) -> None:
        """The café's shop window and counter drawn at full resolution over the atlas, in the
        columns that see the café, and the QR card on the counter."""
        _, _, _, cols = cafe
        facade, mid, corners, colours = self._near(city)
        side, y, depth = self._camera(pose, facade, corners[..., 0], corners[..., 1], corners[..., 2])
        w, h = v.size
        fog = 1.0 - math.exp(-max(float(depth.min()), 0.0) / self.palette.fog_distance)
        with np.errstate(divide="ignore", invalid="ignore"):
            px = w / 2 + v.f * side / depth
            py = 0.45 * h - v.f * (y - EYE) / depth
        ahead: np.ndarray = np.all(depth > NEAR, axis=1)
        behind: np.ndarray = np.all(depth <= NEAR, axis=1)
        partly = (~ahead & ~behind).tolist()  # crossing the near plane: clipped to it
        k = w / v.small[0]
        points = np.stack([px, py], axis=2).tolist()
        haze, hazy = self.palette.haze, fog > 0.004
        for a, c in runs(cols, 0):
            left, right = round(a * k), round(c * k)
            v.out.set_clip(pygame.Rect(left, 0, right - left, h))
            seen = (ahead & (px.max(axis=1, initial=-1e9) >= left) & (px.min(axis=1, initial=1e9) <= right)).tolist()
            for i, (colour, in_view, cut) in enumerate(zip(colours, seen, partly, strict=True)):
                if not (in_view or cut):
                    continue  # out of these columns, or wholly behind the eye
                if hazy:
                    colour = mix(colour, haze, fog)
                if in_view:
                    pygame.draw.polygon(v.out, colour, points[i])
                else:
                    pts = clip_near([(float(side[i, j]), float(y[i, j]), float(depth[i, j])) for j in range(4)])
                    if len(pts) >= 3:
                        pygame.draw.polygon(v.out, colour, [(w / 2 + v.f * p[0] / p[2],
                                                             0.45 * h - v.f * (p[1] - EYE) / p[2]) for p in pts])
        v.out.set_clip(None)
        self._card(v, pose, facade, mid)

    def _card(self, v: _View, pose: Pose, facade: Facade, mid: float) -> None:
        """The QR card on its stand on the counter, facing the street."""
        cw, ch, bottom = CARD
        side, y, depth = self._camera(pose, facade, np.array([mid + cw / 2, mid - cw / 2]),
                                      np.array([bottom + ch, bottom]), np.full(2, COUNTER_CARD))
        a = (float(side[0]), float(y[0]), float(depth[0]))
        c = (float(side[1]), float(y[1]), float(depth[1]))
        if min(a[2], c[2]) <= NEAR:
            return
        w, h = v.size
        xs = sorted((w / 2 + v.f * a[0] / a[2], w / 2 + v.f * c[0] / c[2]))
        ys = (0.45 * h - v.f * (a[1] - EYE) / max(a[2], c[2]), 0.45 * h - v.f * (c[1] - EYE) / max(a[2], c[2]))
        size = (round(xs[1] - xs[0]), round(ys[1] - ys[0]))
        if size[0] < 4 or size[1] < 4:
            return
        card = v.cards.get(size)
        if card is None:
            if len(v.cards) > 64:
                v.cards.clear()
            card = v.cards[size] = paint_card(self._qr, size, self.palette.night, CARD)
        v.out.blit(card, (round(xs[0]), round(ys[0])))
