"""Bundled fonts and text rendering, Latin and CJK in one line.

Why: the Latin font (Inter) has no Chinese glyphs, and system fonts are never used (pixels must
not depend on the machine). Text is split into runs by script, each run drawn with its own font
and aligned on a common baseline. Rendered lines are cached: the panel redraws every frame but
its words rarely change.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from hud.pg import pygame
from hud.wrap import is_cjk, wrap

_CACHE_LIMIT = 512


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> pygame.font.Font:
    return pygame.font.Font(str(path), size)


def runs(text: str) -> list[tuple[bool, str]]:
    """Split `text` into (is_cjk, run) pieces."""
    out: list[tuple[bool, str]] = []
    for ch in text:
        cjk = is_cjk(ch)
        if out and out[-1][0] == cjk:
            out[-1] = (cjk, out[-1][1] + ch)
        else:
            out.append((cjk, ch))
    return out


@dataclass(frozen=True)
class TextElement:
    """A line of text as drawn on the panel: what, where (clipped), how big, how bright."""

    text: str
    rect: pygame.Rect
    size: int  # font size in panel pixels
    level: int  # grey level 0..255
    widget: str = ""


@dataclass(frozen=True)
class FontSet:
    regular: Path
    bold: Path
    cjk: Path


class TextRenderer:
    """Measures and renders text in grey (the panel colourises later)."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self._lines: OrderedDict[tuple[str, int, bool, int], pygame.Surface] = OrderedDict()
        self._wrapped: dict[tuple[str, int, int, int | None, bool], list[str]] = {}
        #: When a list, every drawn line is appended to it (for the legibility check).
        self.recording: list[TextElement] | None = None
        self.recording_widget = ""

    def _pair(self, size: int, bold: bool) -> tuple[pygame.font.Font, pygame.font.Font]:
        latin = _font(self.fonts.bold if bold else self.fonts.regular, size)
        # Droid Sans Fallback's ideographs look larger than Inter's capitals at the same size;
        # 0.92 keeps mixed lines even.
        return latin, _font(self.fonts.cjk, max(6, round(size * 0.92)))

    def line_height(self, size: int) -> int:
        latin, cjk = self._pair(size, False)
        return max(latin.get_linesize(), cjk.get_linesize())

    def width(self, text: str, size: int, bold: bool = False) -> int:
        latin, cjk = self._pair(size, bold)
        return sum((cjk if c else latin).size(run)[0] for c, run in runs(text))

    def wrap(self, text: str, size: int, width: int, max_lines: int | None = None,
             bold: bool = False) -> list[str]:
        """`text` wrapped to `width` pixels (cached: widgets re-wrap the same words every frame)."""
        key = (text, size, width, max_lines, bold)
        lines = self._wrapped.get(key)
        if lines is None:
            lines = wrap(text, width, lambda s: self.width(s, size, bold), max_lines)
            if len(self._wrapped) >= _CACHE_LIMIT:
                self._wrapped.clear()
            self._wrapped[key] = lines
        return list(lines)

    def render(self, text: str, size: int, level: int = 255, bold: bool = False) -> pygame.Surface:
        """One line as a 24-bit surface: grey `level` glyphs on black (cached)."""
        key = (text, size, bold, level)
        hit = self._lines.get(key)
        if hit is not None:
            self._lines.move_to_end(key)
            return hit
        surface = self._render(text, size, max(0, min(255, level)), bold)
        self._lines[key] = surface
        if len(self._lines) > _CACHE_LIMIT:
            self._lines.popitem(last=False)
        return surface

    def _render(self, text: str, size: int, level: int, bold: bool) -> pygame.Surface:
        latin, cjk = self._pair(size, bold)
        ascent = max(latin.get_ascent(), cjk.get_ascent())
        height = self.line_height(size)
        pieces = [(f, f.render(run, True, (level,) * 3, (0, 0, 0)))
                  for c, run in runs(text) if run for f in [cjk if c else latin]]
        width = sum(s.get_width() for _, s in pieces)
        out = pygame.Surface((max(1, width), height), depth=24)
        x = 0
        for font, piece in pieces:
            out.blit(piece, (x, ascent - font.get_ascent()))
            x += piece.get_width()
        return out

    def draw(self, target: pygame.Surface, text: str, pos: tuple[int, int], size: int, level: int,
             bold: bool = False, align: str = "left") -> pygame.Rect:
        """Draw light onto `target` (max blend: overlapping light never darkens); returns the rect."""
        surface = self.render(text, size, level, bold)
        x, y = pos
        if align == "center":
            x -= surface.get_width() // 2
        elif align == "right":
            x -= surface.get_width()
        drawn = target.blit(surface, (x, y), special_flags=pygame.BLEND_RGB_MAX)
        if self.recording is not None and text.strip() and drawn.width and drawn.height:
            self.recording.append(TextElement(text, drawn, size, level, self.recording_widget))
        return drawn
