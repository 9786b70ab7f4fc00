"""Navigation: the turn arrow, the distance counting down, the street, and the time left.

Arrow left, words right: the distance is the one primary number, largest and brightest; the
street is secondary, the ETA dimmer still (one primary item at a time, glanceable).
"""

from __future__ import annotations

from hud.canvas import Canvas
from hud.layout import WidgetSpec
from hud.model.navigation import format_distance, format_eta
from hud.pg import pygame
from hud.state import HudState
from hud.widgets.arrows import maneuver_icon


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    nav = state.nav
    if nav is None:
        return
    size = spec.font_size
    icon = max(16, min(rect.height, round(size * 2.9)))
    level = canvas.level(spec)
    exit_number = nav.exit if nav.maneuver == "roundabout" else None
    if nav.maneuver == "roundabout" and exit_number is None:
        exit_number = 1
    canvas.blit_light(maneuver_icon(nav.maneuver, icon, level, exit_number), (rect.x, rect.y))

    metres = nav.distance_at(now)
    x = rect.x + icon + max(8, size // 2)
    width = rect.right - x
    big = round(size * 1.5)
    y = rect.y
    canvas.text.draw(canvas.surface, format_distance(metres, nav.maneuver), (x, y), big, level, bold=True)
    y += canvas.text.line_height(big)
    lines = [f"exit {exit_number}"] if exit_number is not None else []
    if nav.street:
        lines += canvas.text.wrap(nav.street, size, width, max_lines=2 - len(lines))
    for line in lines:
        canvas.text.draw(canvas.surface, line, (x, y), size, canvas.level(spec, 0.85))
        y += canvas.text.line_height(size)
    if nav.eta > 0:
        small = max(8, round(size * 0.8))
        arrival = state.status.time_of_day(now + nav.eta_at(now) * 60)
        canvas.text.draw(canvas.surface, f"{format_eta(nav.eta_at(now))} · {arrival}", (x, y + 2), small,
                         canvas.level(spec, 0.6))
