"""Bundled fonts and text rendering, Latin and CJK in one line.

Why: the Latin font (Inter) has no Chinese glyphs, and system fonts are never used (pixels must
not depend on the machine). Text is split into runs by script, each run drawn with its own font
and aligned on a common baseline. Rendered lines are cached: the panel redraws every frame but
its words rarely change.

Why the caches are bounded in bytes: rendered lines are surfaces whose size depends on the text,
not on how many there are. One 2,000-character dashboard line is about 1.8 MB of pixels, so a cap of
512 entries let 45 s of unique pushed cards grow the process by a gigabyte. The line cache is an LRU
holding at most `LINE_CACHE_BYTES` of pixels (width x height x bytes per pixel of each surface);
a surface larger than a quarter of that is drawn but not kept (it would evict everything else for
one line that rarely repeats). The wrap cache is bounded the same way by the size of its strings.
Fonts are few (a handful of files at a few sizes) and stay bounded by count.

Why the heap is trimmed after evictions: bounding what the cache holds does not bound what the
process holds. glibc raises its mmap threshold to the size of each large block freed (up to 32 MiB),
so after the first long line is evicted the next ones come from the heap, and the holes they leave
are reused but never returned: the soak's mix grew the process by 12 MB over five minutes (then
flat) with the cache at its cap. Each time the cache has evicted an eighth of its capacity (4 MiB),
the free pages are handed back (`malloc_trim`: 0.6 ms median, 4 ms worst, every few seconds under
that mix), so RSS stays within a few MB.
"""

from __future__ import annotations

import ctypes
import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Generic, Literal, TypeVar

from hud.pg import pygame
from hud.wrap import FIRST_CJK, Fitted, ellipsize, fit, is_cjk

#: Pixels of rendered lines kept per renderer: about 35 screens of a 640x480 panel's text.
LINE_CACHE_BYTES = 32 * 1024 * 1024
#: Wrapped paragraphs kept per renderer, counted as the size of their strings: a panel shows a dozen
#: at most, and 1 MiB holds a few hundred 2,000-character ones.
WRAP_CACHE_BYTES = 1024 * 1024

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class ByteLRU(Generic[K, V]):
    """A least-recently-used map whose values' total size (by `size_of`) never exceeds `capacity`.

    Values larger than `capacity // 4` are not stored: caching them would push out everything else.
    """

    capacity: int
    size_of: Callable[[K, V], int]
    bytes: int = 0
    evicted: int = 0  # bytes evicted since the owner last reset it
    _items: OrderedDict[K, tuple[V, int]] = field(default_factory=OrderedDict, repr=False)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        hit = self._items.get(key)
        if hit is None:
            return None
        self._items.move_to_end(key)
        return hit[0]

    def put(self, key: K, value: V) -> V:
        size = self.size_of(key, value)
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        if size > self.capacity // 4:
            return value
        while self._items and self.bytes + size > self.capacity:
            _, (_, freed) = self._items.popitem(last=False)
            self.bytes -= freed
            self.evicted += freed
        self._items[key] = (value, size)
        self.bytes += size
        return value

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None
    return trim


def release_freed_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`); a no-op elsewhere."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def surface_bytes(_key: object, surface: pygame.Surface) -> int:
    """The pixel memory of a surface (what a cached line costs)."""
    return surface.get_width() * surface.get_height() * surface.get_bytesize()


def _wrapped_bytes(key: tuple[str, int, int, int | None, bool, bool], value: tuple[list[str], bool]) -> int:
    return sys.getsizeof(key[0]) + sum(sys.getsizeof(line) + 8 for line in value[0]) + 120


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> pygame.font.Font:
    return pygame.font.Font(str(path), size)


def runs(text: str) -> list[tuple[bool, str]]:
    """Split `text` into (is_cjk, run) pieces (NUL dropped)."""
    if text and max(text) < FIRST_CJK and "\x00" not in text:
        return [(False, text)]  # most text: one run, found at C speed (wrapping measures every candidate line)
    out: list[tuple[bool, str]] = []
    for ch in text.replace("\x00", ""):  # SDL_ttf refuses NUL; the edges refuse it, this is a backstop
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


FitKind = Literal["ellipsised", "clipped", "dropped"]


@dataclass(frozen=True)
class FitProblem:
    """Text a widget could not show whole: the hook for checks that report clipped text.

    `kind`: "ellipsised" (shortened visibly, ending in '…'), "clipped" (cut by the widget's
    edge: a bug in the widget), "dropped" (a line the widget had no room for at all).
    `text` is what the widget meant to show, `shown` what the panel shows ("" when dropped).
    """

    widget: str  # the widget's kind
    text: str
    shown: str
    kind: FitKind
    rect: pygame.Rect | None = None  # where it was drawn, clipped; None when dropped
    spec: object = None  # the widget's WidgetSpec (hud.layout), when drawn by the panel renderer


@dataclass(frozen=True)
class FontSet:
    regular: Path
    bold: Path
    cjk: Path


class TextRenderer:
    """Measures and renders text in grey (the panel colourises later)."""

    def __init__(self, fonts: FontSet, cache_bytes: int = LINE_CACHE_BYTES) -> None:
        self.fonts = fonts
        self.lines: ByteLRU[tuple[str, int, bool, int], pygame.Surface] = ByteLRU(cache_bytes, surface_bytes)
        self.wrapped: ByteLRU[tuple[str, int, int, int | None, bool, bool], tuple[list[str], bool]] = ByteLRU(
            WRAP_CACHE_BYTES, _wrapped_bytes)
        #: When a list, every drawn line is appended to it (for the legibility check).
        self.recording: list[TextElement] | None = None
        self.recording_widget = ""
        self.recording_spec: object = None
        #: Text that did not fit since the panel renderer last reset it (see `FitProblem`).
        self.fit_problems: list[FitProblem] = []

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

    def fit(self, text: str, size: int, width: int, max_lines: int | None = None,
            bold: bool = False, balance: bool = False) -> Fitted:
        """`text` wrapped to `width` pixels, and whether it was shortened (pure: records nothing)."""
        key = (text, size, width, max_lines, bold, balance)
        hit = self.wrapped.get(key)
        if hit is None:
            widths: dict[str, int] = {}  # balancing re-fills the paragraph at many widths: the same lines again

            def measure(line: str) -> int:
                found = widths.get(line)
                if found is None:
                    found = widths[line] = self.width(line, size, bold)
                return found

            fitted = fit(text, width, measure, max_lines, balance)
            hit = self.wrapped.put(key, (fitted.lines, fitted.shortened))
        return Fitted(list(hit[0]), hit[1])

    def wrap(self, text: str, size: int, width: int, max_lines: int | None = None,
             bold: bool = False, balance: bool = False) -> list[str]:
        """`text` wrapped to `width` pixels (cached: widgets re-wrap the same words every frame).

        Text cut to `max_lines` ends in '…' and is recorded in `fit_problems` as "ellipsised".
        `balance` evens the lines out (`hud.wrap.balanced`): for titles, cards and captions.
        """
        fitted = self.fit(text, size, width, max_lines, bold, balance)
        if fitted.shortened:
            self.problem(text, fitted.lines[-1] if fitted.lines else "", "ellipsised")
        return fitted.lines

    def ellipsize(self, text: str, size: int, width: int, bold: bool = False) -> str:
        """One line shortened to `width` with '…' when it is wider (recorded as "ellipsised")."""
        if self.width(text, size, bold) <= width:
            return text
        shown = ellipsize(text, width, lambda s: self.width(s, size, bold))
        self.problem(text, shown, "ellipsised")
        return shown

    def problem(self, text: str, shown: str, kind: FitKind, rect: pygame.Rect | None = None) -> None:
        """Record text that did not fit (widgets call this for a line they had no room for)."""
        self.fit_problems.append(FitProblem(self.recording_widget, text, shown, kind, rect, self.recording_spec))

    def render(self, text: str, size: int, level: int = 255, bold: bool = False) -> pygame.Surface:
        """One line as a 24-bit surface: grey `level` glyphs on black (cached)."""
        key = (text, size, bold, level)
        hit = self.lines.get(key)
        if hit is not None:
            return hit
        surface = self.lines.put(key, self._render(text, size, max(0, min(255, level)), bold))
        if self.lines.evicted >= self.lines.capacity // 8:  # see the module's docstring
            self.lines.evicted = 0
            release_freed_memory()
        return surface

    @staticmethod
    def _cut(surface: pygame.Surface, drawn: pygame.Rect, size: int) -> bool:
        """Whether the clip cut ink off a line: any of its width, or more than its spacing below and above."""
        slack = max(2, size // 4)  # a line's box has room above the capitals and below the descenders
        return drawn.width < surface.get_width() or drawn.height < surface.get_height() - slack

    def _render(self, text: str, size: int, level: int, bold: bool) -> pygame.Surface:
        latin, cjk = self._pair(size, bold)
        ascent = max(latin.get_ascent(), cjk.get_ascent())
        height = self.line_height(size)
        # Runs SDL_ttf cannot draw (zero-width characters alone) are skipped, not raised: the edges
        # refuse such text, and the renderer still never takes the window down for one odd line.
        pieces = [(f, f.render(run, True, (level,) * 3, (0, 0, 0)))
                  for c, run in runs(text) if run for f in [cjk if c else latin] if f.size(run)[0] > 0]
        width = sum(s.get_width() for _, s in pieces)
        out = pygame.Surface((max(1, width), height), depth=24)
        x = 0
        for font, piece in pieces:
            out.blit(piece, (x, ascent - font.get_ascent()))
            x += piece.get_width()
        return out

    def draw(self, target: pygame.Surface, text: str, pos: tuple[int, int], size: int, level: int,
             bold: bool = False, align: str = "left", width: int | None = None) -> pygame.Rect:
        """Draw light onto `target` (max blend: overlapping light never darkens); returns the rect.

        With `width`, a longer line is ellipsised to it. A line the target's clip cuts is recorded
        in `fit_problems` ("clipped", or "dropped" when nothing of it shows).
        """
        if width is not None:
            text = self.ellipsize(text, size, max(0, width), bold)
        surface = self.render(text, size, level, bold)
        x, y = pos
        if align == "center":
            x -= surface.get_width() // 2
        elif align == "right":
            x -= surface.get_width()
        drawn = target.blit(surface, (x, y), special_flags=pygame.BLEND_RGB_MAX)
        if text.strip() and self._cut(surface, drawn, size):
            shown = "" if not drawn.width or not drawn.height else text
            self.problem(text, shown, "dropped" if not shown else "clipped", drawn if shown else None)
        if self.recording is not None and text.strip() and drawn.width and drawn.height:
            self.recording.append(TextElement(text, drawn, size, level, self.recording_widget))
        return drawn
