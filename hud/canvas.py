"""What a widget draws with: the grey panel surface, the text renderer, and light-only shapes.

Widgets draw intensities (grey 0..255); the panel renderer colourises and quantises afterwards,
so no widget knows the device's hue or grey levels. Everything here adds light (max blend) and
never draws "dark" panels: on an additive display black is transparent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hud.layout import WidgetSpec
from hud.pg import pygame
from hud.text import TextRenderer


@dataclass
class Canvas:
    surface: pygame.Surface  # 24-bit, grey, panel resolution
    text: TextRenderer
    #: Where pictures (bitmaps) were drawn: a 1-bit panel dithers these and thresholds the rest (text, icons).
    pictures: list[pygame.Rect] = field(default_factory=list)
    #: The device's smallest legible text in panel pixels (0.6 deg, `hud.legibility.MIN_DEGREES`).
    min_text: int = 8

    def small(self, size: int, scale: float) -> int:
        """A widget's derived smaller text (a tag, a header, secondary lines): `size` x `scale`, but
        never under the device's smallest legible text (nor above `size`: a layout whose own size is
        under the minimum is the layout's problem, and `check` reports it)."""
        return max(min(self.min_text, size), round(size * scale), 8)

    def level(self, spec: WidgetSpec, emphasis: float = 1.0) -> int:
        """The grey level for an element of `emphasis` (0..1) in a widget of `spec.brightness`."""
        return max(0, min(255, round(255 * spec.brightness * emphasis)))

    def outline(self, rect: pygame.Rect, level: int, width: int = 2, radius: int = 12) -> None:
        pygame.draw.rect(self.surface, (level,) * 3, rect, width=width, border_radius=radius)

    def bar(self, rect: pygame.Rect, fraction: float, level: int, track_level: int) -> None:
        """A progress bar: a dim track and a bright filled part (thin strokes only)."""
        radius = rect.height // 2
        pygame.draw.rect(self.surface, (track_level,) * 3, rect, width=1, border_radius=radius)
        filled = rect.copy()
        filled.width = round(rect.width * max(0.0, min(1.0, fraction)))
        if filled.width >= rect.height:
            pygame.draw.rect(self.surface, (level,) * 3, filled, border_radius=radius)

    def ring(self, centre: tuple[int, int], radius: int, level: int, width: int = 3) -> None:
        pygame.draw.circle(self.surface, (level,) * 3, centre, radius, width=width)

    def dot(self, centre: tuple[int, int], radius: int, level: int) -> None:
        pygame.draw.circle(self.surface, (level,) * 3, centre, radius)

    def line(self, a: tuple[float, float], b: tuple[float, float], level: int, width: int = 3) -> None:
        pygame.draw.line(self.surface, (level,) * 3, a, b, width)
        if width >= 3:  # round caps keep thick strokes from looking cut off
            for p in (a, b):
                pygame.draw.circle(self.surface, (level,) * 3, p, width / 2)

    def blit_light(self, image: pygame.Surface, pos: tuple[int, int]) -> pygame.Rect:
        return self.surface.blit(image, pos, special_flags=pygame.BLEND_RGB_MAX)
