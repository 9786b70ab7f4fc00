"""Navigation: the turn arrow, the distance counting down, the street, and the time left.

Arrow left, words right: the distance is the one primary number, largest and brightest; the
street is secondary, the ETA dimmer still (one primary item at a time, glanceable).

The text column is laid out against the widget's height: the distance and the ETA come first,
the exit and street lines take what is left (the street gets up to two lines, ellipsised past
them). Nothing is cut by the widget's edge: a line with no room at all is recorded as a fit problem ("dropped").
"""

from __future__ import annotations

from hud.canvas import Canvas
from hud.layout import WidgetSpec
from hud.model.navigation import format_distance, format_eta
from hud.pg import pygame
from hud.state import HudState
from hud.widgets.arrows import ROUNDABOUT_CENTRE, maneuver_icon


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    nav = state.nav
    if nav is None:
        return
    size = spec.font_size
    text = canvas.text
    icon = max(16, min(rect.height, round(size * 2.9)))
    level = canvas.level(spec)
    small = canvas.small(size, 0.8)  # the ETA: never under the device's smallest legible text
    exit_number = nav.exit if nav.maneuver == "roundabout" else None
    if nav.maneuver == "roundabout" and exit_number is None:
        exit_number = 1
    canvas.blit_light(maneuver_icon(nav.maneuver, icon, level, exit_number), (rect.x, rect.y))
    if exit_number is not None:  # the exit number inside the ring, as on road signs and in map apps
        digit = round(icon * 0.3)
        if digit >= small:  # never smaller than the widget's own smallest text
            cx = rect.x + round(icon * (1 + ROUNDABOUT_CENTRE[0]) / 2)
            cy = rect.y + round(icon * (1 - ROUNDABOUT_CENTRE[1]) / 2)
            text.draw(canvas.surface, str(exit_number), (cx, cy - text.line_height(digit) // 2), digit, level,
                      bold=True, align="center")

    x = rect.x + icon + max(8, size // 2)
    width = rect.right - x
    big = round(size * 1.5)
    line_h, big_h, small_h = text.line_height(size), text.line_height(big), text.line_height(small) + 2
    y = rect.y
    text.draw(canvas.surface, format_distance(nav.distance_at(now), nav.maneuver), (x, y), big, level,
              bold=True, width=width)
    y += big_h

    # The ETA is the route's: none once arrived, and none on the last step (the destination is in sight).
    eta = ""
    if nav.arrive_at is not None and nav.maneuver != "arrive":
        eta = f"{format_eta(nav.eta_at(now))} · {state.status.time_of_day(nav.arrive_at)}"
    room = (rect.bottom - y - (small_h if eta else 0)) // line_h
    # The street is what the wearer matches against the sign, and a long name's end is what tells it apart
    # ("Avenue des…" could be any of a dozen): it gets two lines of its own under "exit 3" when there is
    # room; with two lines or fewer left, the exit and the street share them ("exit 3 · Avenue des /
    # Champs-Élysées") rather than lose the street's end.
    lines = [f"exit {exit_number}"] if exit_number is not None else []
    street = nav.street
    if lines and street and 1 <= room <= 2 and (room == 1 or text.fit(street, size, width, 1).shortened):
        lines = text.wrap(f"{lines[0]} · {street}", size, width, max_lines=room)
    elif street and room > len(lines):
        lines += text.wrap(street, size, width, max_lines=min(2, room - len(lines)))
    elif street:
        text.problem(street, "", "dropped")
    for line in lines[:max(0, room)]:
        text.draw(canvas.surface, line, (x, y), size, canvas.level(spec, 0.85), width=width)
        y += line_h
    for line in lines[max(0, room):]:
        text.problem(line, "", "dropped")
    if eta:
        if y + small_h - 2 <= rect.bottom:
            text.draw(canvas.surface, eta, (x, y + 2), small, canvas.level(spec, 0.6), width=width)
        else:
            text.problem(eta, "", "dropped")
