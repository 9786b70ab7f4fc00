"""The panel renderer: (state, time) -> the image on the display, at the device's native resolution.

Widgets draw grey intensities; this module then maps them through one palette that both
colourises (one hue) and quantises (the panel's grey levels). Why a palette: a 256-entry lookup
applied by SDL's blitter costs far less per frame than doing either in Python or numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from hud.canvas import Canvas
from hud.device import Device
from hud.layout import Layout, WidgetSpec
from hud.model import primary
from hud.pg import pygame
from hud.state import HudState
from hud.text import FitProblem, FontSet, TextElement, TextRenderer
from hud.widgets import caption, card, label, navigation, notification, payment, status_bar

DrawFn = Callable[[Canvas, pygame.Rect, WidgetSpec, HudState, float], None]
WIDGETS: dict[str, DrawFn] = {
    "status_bar": status_bar.draw,
    "navigation": navigation.draw,
    "payment": payment.draw,
    "notification": notification.draw,
    "caption": caption.draw,
    "label": label.draw,
    "card": card.draw,
}


def place(spec: WidgetSpec, panel: tuple[int, int]) -> pygame.Rect:
    """The widget's rectangle: anchored to an edge, a corner or the centre, inside its margins.

    Margins keep the widget that far from the panel's edges on both sides of each axis;
    percentage sizes are of the space the margins leave; a widget on a centred axis is centred.
    """
    pw, ph = panel
    mx, my = spec.margin
    anchor = spec.anchor
    w = spec.size[0].resolve(pw - 2 * mx)
    h = spec.size[1].resolve(ph - 2 * my)
    x = mx if "left" in anchor else pw - mx - w if "right" in anchor else (pw - w) // 2
    y = my if "top" in anchor else ph - my - h if "bottom" in anchor else (ph - h) // 2
    return pygame.Rect(x, y, w, h)


def quantise(level: int, levels: int) -> int:
    """The grey value a panel with `levels` levels shows for an intended `level` (0..255)."""
    step = round(level * (levels - 1) / 255)
    return round(step * 255 / (levels - 1))


_BAYER4 = (np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]]) * 16 + 8).astype(np.uint8)


def dither(levels: np.ndarray, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Ordered (Bayer 4x4) dithering to black and white, for pictures on 1-bit panels: greys become
    patterns. `origin` is where `levels` sits on the panel (the pattern stays fixed to the panel)."""
    w, h = levels.shape
    ox, oy = origin[0] % 4, origin[1] % 4
    threshold = np.tile(_BAYER4, (w // 4 + 2, h // 4 + 2))[ox:ox + w, oy:oy + h]
    return np.where(levels > threshold, 255, 0).astype(np.uint8)


def one_bit(levels: np.ndarray, pictures: list[pygame.Rect], dithered: bool) -> np.ndarray:
    """A 1-bit panel's pixels: text, icons and outlines thresholded at half light (a dithered
    glyph edge is speckle: small text on the Even G1 became noise), pictures dithered when the
    device dithers (their greys are the picture), else thresholded too."""
    out = np.where(levels >= 128, 255, 0).astype(np.uint8)
    if dithered:
        for r in pictures:
            out[r.left:r.right, r.top:r.bottom] = dither(levels[r.left:r.right, r.top:r.bottom], r.topleft)
    return out


def palette(hue: tuple[int, int, int], levels: int) -> list[tuple[int, int, int]]:
    return [tuple(round(c * quantise(i, levels) / 255) for c in hue) for i in range(256)]  # type: ignore[misc]


class PanelRenderer:
    """Draws a layout on a device. Holds only caches; `render` is a function of (state, now)."""

    def __init__(self, layout: Layout, device: Device) -> None:
        self.layout = layout
        self.device = device
        theme = layout.theme
        self.text = TextRenderer(FontSet(theme.font_regular, theme.font_bold, theme.font_cjk))
        # A monochrome waveguide has one physical hue; a colour display shows the theme's.
        self.hue = device.hue or theme.hue
        self.levels = min(theme.levels, device.levels)
        self.size = device.panel
        self.rects = [(spec, place(spec, self.size)) for spec in layout.widgets]
        from hud.legibility import MIN_DEGREES  # here: hud.legibility imports this module
        # The smallest legible text on this device in panel pixels: widgets never derive smaller text.
        self.min_text = math.ceil(MIN_DEGREES * device.panel[1] / device.fov[1] - 1e-9)
        self._grey = pygame.Surface(self.size, depth=24)
        self.quantise = True  # the optics stage "quantise"; off shows the design's ideal greys
        self._indexed = pygame.Surface(self.size, depth=8)
        self._out = pygame.Surface(self.size, depth=32)
        self._light = pygame.Surface(self.size, depth=32)
        self._palette_key: tuple[tuple[int, int, int], int] | None = None
        self._palette: list[tuple[int, int, int]] = []
        self._pictures: list[pygame.Rect] = []  # where the last frame drew pictures (dithered on 1-bit)

    @property
    def palette(self) -> list[tuple[int, int, int]]:
        """The display's palette: grey index -> hue, quantised to its levels (cached)."""
        key = (self.hue, self.levels if self.quantise else 256)
        if self._palette_key != key:
            self._palette_key, self._palette = key, palette(*key)
        return self._palette

    def render_grey(self, state: HudState, now: float) -> pygame.Surface:
        """The intensities the widgets drew (owned by the renderer: copy to keep)."""
        grey = self._grey
        grey.fill((0, 0, 0))
        self.text.fit_problems = []
        canvas = Canvas(grey, self.text, min_text=self.min_text)
        # One primary item at a time (hud.model.primary): the others wait, an ordinary notification
        # becomes a one-line chip, and a secondary widget the primary one overlaps is hidden.
        top = primary.primary(state)
        drawn = [r for spec, r in self.rects if top is not None and self._item(spec, state) == top]
        for spec, rect in self.rects:
            item = self._item(spec, state)
            if item is not None and item != top and (item != "notification" or top == "payment"):
                continue  # a waiting primary item (an ordinary notification shows as a chip)
            if item != top and any(rect.colliderect(r) for r in drawn):
                continue
            grey.set_clip(rect.inflate(4, 4))
            self.text.recording_widget, self.text.recording_spec = spec.kind, spec
            WIDGETS[spec.kind](canvas, rect, spec, state, now)
        grey.set_clip(None)
        self.text.recording_widget, self.text.recording_spec = "", None
        self._pictures = [r.clip(grey.get_rect()) for r in canvas.pictures]
        return grey

    @staticmethod
    def _item(spec: WidgetSpec, state: HudState) -> primary.Primary | None:
        return primary.widget_item(spec.kind, str(spec.options.get("view", "main")), state)

    def text_elements(self, state: HudState, now: float) -> list[TextElement]:
        """Every line of text the panel shows at `now`, with its rectangle, size and level."""
        self.text.recording = []
        try:
            self.render_grey(state, now)
            return self.text.recording
        finally:
            self.text.recording = None

    def fit_problems(self, state: HudState, now: float) -> list[FitProblem]:
        """Every text the panel could not show whole at `now`: ellipsised, clipped or dropped.

        A pure function of (state, now), like `text_elements`: the hook `check` reports from.
        After any render, `self.text.fit_problems` holds the same list for that frame.
        """
        self.render_grey(state, now)
        return list(self.text.fit_problems)

    def render(self, state: HudState, now: float) -> pygame.Surface:
        """The panel image in the display's hue and grey levels (reused by the next call: copy to keep).

        32-bit, because SDL's blitters and pygame's smoothscale are several times faster on 32-bit
        pixels than on 24-bit ones.
        """
        self.render_levels(state, now)
        self._indexed.set_palette(self.palette)
        self._out.blit(self._indexed, (0, 0))
        return self._out

    def render_levels(self, state: HudState, now: float) -> None:
        """Draw the panel's grey levels, for `relit` to colour. Why apart from `render`: a composite
        with the optics' light uses only the relit panel, and colouring it in the display's palette
        too cost a 640x480 blit (0.2 ms) a frame for nothing."""
        grey = self.render_grey(state, now)
        levels = pygame.surfarray.pixels_red(grey)
        if self.quantise and self.levels == 2:
            levels = one_bit(levels, self._pictures, self.device.optics.dither)
        pygame.surfarray.pixels2d(self._indexed)[...] = levels

    def relit(self, light_palette: list[tuple[int, int, int]]) -> pygame.Surface:
        """The last rendered panel (`render` or `render_levels`) through another palette (the optics'
        light in picture units)."""
        self._indexed.set_palette(light_palette)
        self._light.blit(self._indexed, (0, 0))
        return self._light
