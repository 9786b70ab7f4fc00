"""Cards from other programs (MentraOS's vocabulary): text wall, double text wall, reference card,
dashboard card, bitmap and bitmap animation, each drawn in the widget for its view (main, dashboard,
always-on). An animation's frame is chosen from the clock (`hud.model.cards.frame_index`), never
from how many frames were drawn, so a screenshot at time t is the same at any frame rate.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from PIL import Image

from hud.canvas import Canvas
from hud.layout import WidgetSpec
from hud.model.cards import frame_index
from hud.pg import pygame
from hud.state import HudState

BITMAP_MAX = (576, 288)  # the largest bitmap the push protocol accepts (Even G2's panel)


@lru_cache(maxsize=64)  # an animation's frames (at most 32) in every view stay decoded
def bitmap(data: str, size: tuple[int, int]) -> pygame.Surface:
    """A base64 PNG as grey light (its luminance), scaled to fit `size` keeping its aspect."""
    with Image.open(io.BytesIO(base64.b64decode(data, validate=True))) as image:
        grey = image.convert("L")
    scale = min(size[0] / grey.width, size[1] / grey.height, 1.0 if grey.width <= size[0] else 10.0)
    fitted = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                         Image.Resampling.LANCZOS)
    rgb = fitted.convert("RGB")
    return pygame.image.frombytes(rgb.tobytes(), rgb.size, "RGB")


def _lines(canvas: Canvas, text: str, size: int, width: int, max_lines: int, bold: bool = False) -> list[str]:
    return canvas.text.wrap(text, size, width, max_lines=max_lines, bold=bold) if text else []


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    shown = state.cards.get(spec.options.get("view", "main"))
    if shown is None:
        return
    card = shown.card
    size = spec.font_size
    line_h = canvas.text.line_height(size)
    room = max(1, rect.height // line_h)
    level = canvas.level(spec)
    x, y = rect.x, rect.y
    if card.layout in ("bitmap", "bitmap_animation"):
        data = card.data if card.layout == "bitmap" else card.frames[frame_index(shown, now)] if card.frames else ""
        if not data:
            return
        image = bitmap(data, rect.size)
        level_scale = round(255 * spec.brightness)
        if level_scale < 255:
            image = image.copy()
            image.fill((level_scale,) * 3, special_flags=pygame.BLEND_RGB_MULT)
        canvas.pictures.append(canvas.blit_light(image, (x + (rect.width - image.get_width()) // 2, y)))
        return
    if card.layout == "dashboard_card":
        canvas.text.draw(canvas.surface, card.left, (x, y), size, level)
        canvas.text.draw(canvas.surface, card.right, (rect.right, y), size, level, align="right")
        return
    blocks: list[tuple[str, bool, float]]
    if card.layout == "reference_card":
        blocks = [(card.title, True, 1.0), (card.text, False, 0.85)]
    elif card.layout == "double_text_wall":
        blocks = [(card.top, False, 1.0), (card.bottom, False, 0.85)]
    else:
        blocks = [(card.text, False, 1.0)]
    for text, bold, emphasis in blocks:
        lines = _lines(canvas, text, size, rect.width, room, bold)
        for line in lines:
            canvas.text.draw(canvas.surface, line, (x, y), size, canvas.level(spec, emphasis), bold=bold)
            y += line_h
        room -= len(lines)
        if room <= 0:
            break
        y += line_h // 3
