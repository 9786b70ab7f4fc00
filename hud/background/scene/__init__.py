"""The built-in street scene: a city street seen while walking along the right-hand pavement.

Why procedural: the emulator must run with no camera and no media files, and a HUD has to be
judged against a busy, bright world (day) and a dark one with point lights (night).

How it stays cheap (a frame costs a few frame copies): everything that does not move with the
walker (sky, street surface, facades, shop light) is drawn once per frame size, at twice the
size and smoothed down for anti-aliasing. The moving things (lane dashes, lamps, trees, cars,
people) are pre-drawn as run-length-encoded sprites at a ladder of scales, so a frame is: repair
what the last frame drew over, then blit a couple of dozen sprites. Every position is a function
of `t` alone, so a frame is too, whatever frames came before it.

The parts: `world.py` (dimensions, palettes, drawing in perspective), `static.py` (the static
layer), `things.py` (what moves and how it is drawn), `sprites.py` (the sprite cache and the
per-frame drawing); `StreetScene` here ties them together per frame size.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from dataclasses import dataclass

from hud.background.base import FRAME_DEPTH, BackgroundSource, SizeCache, blank_frame, check_size
from hud.background.scene.sprites import FramePainter, Sprites
from hud.background.scene.static import Building, plan_street, render_static
from hud.background.scene.world import DAY, NIGHT, Canvas, Palette, View
from hud.pg import pygame

__all__ = ["DAY", "NIGHT", "Palette", "StreetScene"]


@dataclass
class _Layers:
    """What StreetScene keeps for one frame size: the static layer, the sprites and the output."""

    view: View
    static: pygame.Surface
    out: pygame.Surface
    sprites: Sprites
    dirty: list[pygame.Rect] | None = None  # what the last frame drew over the static layer


#: Static layers and warmed sprites per (night, size), shared by every StreetScene in the process.
#: Why: both are pure functions of the palette and the size and are only read once built (the sprites
#: drop their scratch target after warming), while building them takes 0.25-0.6 s; a test suite or a
#: fixture opens dozens of sessions over the same scene. Bounded like a scene's own sizes.
_SHARED: OrderedDict[tuple[bool, tuple[int, int]], tuple[pygame.Surface, Sprites]] = OrderedDict()
_SHARED_SIZES = 4


def _shared_layers(night: bool, palette: Palette, buildings: tuple[Building, ...], seed: int,
                   view: View, size: tuple[int, int]) -> tuple[pygame.Surface, Sprites]:
    key = (night, size)
    found = _SHARED.get(key)
    if found is not None:
        _SHARED.move_to_end(key)
    else:
        static = render_static(size, palette, buildings, seed)
        # Sprites may keep as many bytes as 24 frames (run-length encoded, only their opaque pixels).
        sprites = Sprites(view, palette, budget=24 * size[0] * size[1] * FRAME_DEPTH // 8)
        sprites.warm(blank_frame(size))
        found = _SHARED[key] = (static, sprites)
        while len(_SHARED) > _SHARED_SIZES:
            _SHARED.popitem(last=False)
    return found


class StreetScene(BackgroundSource):
    """An animated city street seen walking forward; `night` switches to dark sky and lit windows.

    A frame is a pure function of `t` and the size. The returned Surface is reused: the next call
    repairs only the parts the previous frame drew on, so it must not be drawn on by the caller.
    """

    SEED = 20240917

    def __init__(self, night: bool = False) -> None:
        self.night = night
        self.palette = NIGHT if night else DAY
        self._buildings = plan_street(random.Random(self.SEED))
        self._layers: SizeCache[_Layers] = SizeCache(capacity=2)

    @property
    def label(self) -> str:
        return f"street scene ({'night' if self.night else 'day'})"

    @property
    def exposure_nits(self) -> float:
        """A bright overcast street (mid-grey ~1000 nits, about 17,000 lux) or a lamp-lit one (~5 nits)."""
        return 5.0 if self.night else 1000.0

    def _prepare(self, size: tuple[int, int]) -> _Layers:
        layers = self._layers.get(size)
        if layers is None:
            view = View.for_size(*size)
            static, sprites = _shared_layers(self.night, self.palette, self._buildings, self.SEED, view, size)
            layers = self._layers.put(size, _Layers(view, static, blank_frame(size), sprites))
        return layers

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        size = check_size(size)
        layers = self._prepare(size)
        out = layers.out
        if layers.dirty is None:
            out.blit(layers.static, (0, 0))
        else:
            # Plain row copies: the static layer's pitch keeps SDL off its slow path for small rects.
            out.blits([(layers.static, r, r) for r in layers.dirty], doreturn=False)
        layers.dirty = FramePainter(Canvas(out, layers.view, self.palette), layers.sprites, float(t)).draw()
        return out
