"""The built-in street scene: the city walk's route, seen walking it.

Why procedural: the emulator must run with no camera and no media files, and a HUD has to be
judged against a busy, bright world (day) and a dark one with point lights (night). Why a route:
the demo's assistant navigates (turn right, a roundabout, arrive at a café, pay by QR code), so
the world behind it walks, turns and arrives where the arrows say (`route.py`).

How it stays cheap: every texture is painted once per palette (`city.py`), and a frame is a
raycast over columns and rows plus one table lookup per pixel (`raycast.py`), done at half the
output size and smoothed up; the café's counter and its QR code are drawn at full size on top.
Every pixel is a function of `t` (the pose on the route) and the size alone.

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
from hud.background.scene.city import City, build_city
from hud.background.scene.qr import CAFE_QR_PAYLOAD, qr_modules
from hud.background.scene.raycast import Tables, Textures, clouds_for, render_world, sky_panorama
from hud.background.scene.route import CITY_WALK, Pose, Route
from hud.background.scene.weather import WEATHER
from hud.background.scene.world import DAY, EYE, NEAR, NIGHT, Palette
from hud.pg import pygame

__all__ = ["CAFE_QR_PAYLOAD", "CITY_WALK", "DAY", "DEFAULT_HFOV", "NIGHT", "Palette", "StreetScene"]

DEFAULT_HFOV = 70.0  # degrees: `frame()` is this view
INTERNAL = 2  # the world is raycast at 1/INTERNAL of the output size, then smoothed up

#: Textures per (palette, route), shared by every StreetScene in the process: painting them takes
#: about half a second and they are only read afterwards.
_TEXTURES: OrderedDict[tuple[bool, int], tuple[City, Textures]] = OrderedDict()


def _textures(night: bool, route: Route) -> tuple[City, Textures]:
    key = (night, id(route))
    found = _TEXTURES.get(key)
    if found is None:
        city = build_city(route)
        found = _TEXTURES[key] = (city, Textures(city, NIGHT if night else DAY))
        while len(_TEXTURES) > 2:
            _TEXTURES.popitem(last=False)
    return found


@dataclass
class _View:
    size: tuple[int, int]
    small: tuple[int, int]
    f: float  # focal length in output pixels
    tables: Tables
    world: pygame.Surface  # the half-size raycast target
    pixels: np.ndarray
    out: pygame.Surface


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
        view = _View(size, small, f, Tables(tex, small[0], small[1], fs, sky), world,
                     pygame.surfarray.pixels2d(world).T, blank_frame(size))
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
        render_world(tex, v.tables, pose, v.pixels)
        if v.small == size:
            v.out.blit(v.world, (0, 0))
        else:
            pygame.transform.smoothscale(v.world, size, v.out)
        self._counter(v, city, pose)
        return v.out

    def pose(self, t: float) -> Pose:
        return self.route.pose(float(t))

    # ------------------------------------------------------------ the café counter and its QR code

    def _project(self, v: _View, pose: Pose, x: float, y: float, z: float) -> tuple[float, float, float]:
        dx, dz = x - pose.x, z - pose.z
        sh, ch = math.sin(pose.heading), math.cos(pose.heading)
        depth, side = dx * sh + dz * ch, dx * ch - dz * sh
        w, h = v.size
        return w / 2 + v.f * side / max(depth, 1e-6), 0.45 * h - v.f * (y - EYE) / max(depth, 1e-6), depth

    def _counter(self, v: _View, city: City, pose: Pose) -> None:
        """The walk-up counter in front of the café and the QR stand on it, facing the street."""
        cx, cz = city.counter
        if math.hypot(cx - pose.x, cz - pose.z) > 40.0:
            return
        pal = self.palette
        # The counter: 2.4 m wide, 1.05 m high, from the facade to 0.5 m out; the card stands on it.
        face = cz + 0.15
        corners = [(cx - 1.2, 0.0, face), (cx + 1.2, 0.0, face), (cx + 1.2, 1.05, face), (cx - 1.2, 1.05, face)]
        top = [(cx - 1.2, 1.05, face), (cx + 1.2, 1.05, face), (cx + 1.2, 1.05, face - 0.5),
               (cx - 1.2, 1.05, face - 0.5)]
        wood = (120, 84, 56) if not pal.night else (70, 48, 34)
        for colour, quad in ((wood, corners), ((200, 190, 176) if not pal.night else (120, 104, 90), top)):
            pts = [self._project(v, pose, *p) for p in quad]
            if min(p[2] for p in pts) > NEAR:
                pygame.draw.polygon(v.out, colour, [(p[0], p[1]) for p in pts])
        # The QR card: 0.2 m square on a stand, its centre 1.35 m up, white with a quiet zone.
        card = 0.2
        a = self._project(v, pose, cx - card / 2, 1.35 + card / 2, cz)
        b = self._project(v, pose, cx + card / 2, 1.35 - card / 2, cz)
        if min(a[2], b[2]) <= NEAR:
            return
        stand = self._project(v, pose, cx, 1.05, cz)
        pygame.draw.line(v.out, (60, 60, 62), ((a[0] + b[0]) / 2, b[1]), (stand[0], stand[1]), max(1, round(
            v.f * 0.015 / a[2])))
        left, right = sorted((a[0], b[0]))
        width, height = round(right - left), round(b[1] - a[1])
        if width < 4 or height < 4:
            return
        paper = (250, 250, 248) if not pal.night else (214, 206, 190)
        v.out.fill(paper, (round(left), round(a[1]), width, height))
        modules = self._qr.shape[0]
        inner = round(min(width, height) * modules / (modules + 6))  # a 3-module quiet zone each side
        if inner >= modules:
            image = np.where(self._qr, 0, 255).astype(np.uint8)
            ink = pygame.surfarray.make_surface(np.stack([image.T] * 3, axis=-1))
            ink = pygame.transform.scale(ink, (inner, inner))
            ink.set_colorkey((255, 255, 255))
            v.out.blit(ink, (round(left + (width - inner) / 2), round(a[1] + (height - inner) / 2)))
