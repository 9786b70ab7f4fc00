"""A fixed text label: for layouts that need a title, a hint, or a legibility test target."""

from __future__ import annotations

from hud.canvas import Canvas
from hud.layout import WidgetSpec
from hud.pg import pygame
from hud.state import HudState


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    lines = canvas.text.wrap(spec.text, spec.font_size, rect.width, spec.max_lines)
    y = rect.y
    step = canvas.text.line_height(spec.font_size)
    for line in lines:
        canvas.text.draw(canvas.surface, line, (rect.x, y), spec.font_size, canvas.level(spec))
        y += step
