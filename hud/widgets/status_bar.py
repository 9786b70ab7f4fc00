"""Status bar: time of day, the main and hot-swap batteries, connectivity.

Dim by design (peripheral information); a battery under 15 % blinks at 1 Hz so it is noticed.
"""

from __future__ import annotations

from hud.canvas import Canvas
from hud.layout import WidgetSpec
from hud.pg import pygame
from hud.state import HudState

LOW_BATTERY = 15


def _battery(canvas: Canvas, x: int, y: int, h: int, percent: int, level: int, tag: str) -> int:
    """A battery outline with its fill, a tag ('A' main, 'B' hot-swap); returns the width used."""
    w = round(h * 1.9)
    body = pygame.Rect(x, y, w, h)
    canvas.outline(body, level, width=2, radius=max(2, h // 5))
    nub = pygame.Rect(body.right, y + h // 3, max(2, h // 6), h - 2 * (h // 3))
    pygame.draw.rect(canvas.surface, (level,) * 3, nub)
    inner = body.inflate(-6, -6)
    inner.width = round(inner.width * max(0, min(100, percent)) / 100)
    if inner.width > 0:
        pygame.draw.rect(canvas.surface, (level,) * 3, inner, border_radius=1)
    return w + nub.width


def _signal(canvas: Canvas, x: int, y: int, h: int, level: int, bars: int) -> int:
    """Four rising bars, `bars` of them lit (unlit ones are outlines)."""
    step = max(3, h // 4)
    for i in range(4):
        bh = round(h * (i + 1) / 4)
        rect = pygame.Rect(x + i * (step + 2), y + h - bh, step, bh)
        pygame.draw.rect(canvas.surface, (level,) * 3, rect, width=0 if i < bars else 1)
    return 4 * (step + 2)


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    status = state.status
    level = canvas.level(spec)
    size = spec.font_size
    text_h = canvas.text.line_height(size)
    ty = rect.y + (rect.height - text_h) // 2
    canvas.text.draw(canvas.surface, status.time_of_day(now), (rect.x, ty), size, level, bold=True)

    icon_h = max(8, round(size * 0.62))
    iy = rect.y + (rect.height - icon_h) // 2
    x = rect.right
    blink_off = int(now * 2) % 2 == 1
    tag_size = canvas.small(size, 0.7)
    for percent, tag in ((status.battery_swap, "B"), (status.battery_main, "A")):
        label = f"{percent}%"
        x -= canvas.text.width(label, size)
        low = percent < LOW_BATTERY
        if not (low and blink_off):
            canvas.text.draw(canvas.surface, label, (x, ty), size, level)
        x -= 6
        w = round(icon_h * 1.9) + max(2, icon_h // 6)
        x -= w
        _battery(canvas, x, iy, icon_h, percent, level if not (low and blink_off) else level // 3, tag)
        tag_w = canvas.text.width(tag, tag_size)
        x -= tag_w + 4
        canvas.text.draw(canvas.surface, tag, (x, ty + (text_h // 8 if tag_size < size else 0)), tag_size, level)
        x -= 16

    conn = status.connectivity
    label = {"5g": "5G", "4g": "4G", "wifi": "Wi-Fi", "bluetooth": "BT", "offline": "offline"}[conn]
    x -= canvas.text.width(label, size)
    canvas.text.draw(canvas.surface, label, (x, ty), size, level)
    if conn in ("5g", "4g", "offline"):
        bars = {"5g": 4, "4g": 3, "offline": 0}[conn]
        w = 4 * (max(3, icon_h // 4) + 2)
        x -= w + 6
        _signal(canvas, x, iy, icon_h, level, bars)
