"""Notification card: app, title, body wrapped to the card, the count of those waiting, time left.

An outline card (no filled panels on an additive display); an urgent one has a double border
and an exclamation mark. A thin line along the bottom shrinks until the card auto-dismisses.
The title's lines are balanced, so a wrapped title never leaves one word ("10:15") alone.

While another item is primary (navigation, a main-view card: hud.model.primary) an ordinary
notification is a one-line chip instead, "WECHAT · 林伟", so it is seen without a second card.
"""

from __future__ import annotations

from hud.canvas import Canvas
from hud.layout import WidgetSpec
from hud.model.primary import primary
from hud.pg import pygame
from hud.state import HudState


def _chip(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState) -> None:
    """One line in a thin outline: the app and the title (ellipsised), and how many wait."""
    note = state.notes.current
    assert note is not None
    text = canvas.text
    small = canvas.small(spec.font_size, 0.75)
    pad = max(6, small // 2)
    count = f"  +{state.notes.waiting}" if state.notes.waiting else ""
    words = f"{note.app.upper()} · {note.title}" if note.title else note.app.upper()
    room = rect.width - 2 * pad - text.width(count, small)
    line = text.ellipsize(words, small, room, bold=True)
    w = text.width(line + count, small, bold=True) + 2 * pad
    h = text.line_height(small) + pad
    x = rect.right - w if "right" in spec.anchor else rect.x
    chip = pygame.Rect(x, rect.y, w, h)
    canvas.outline(chip, canvas.level(spec, 0.45), width=1, radius=h // 2)
    drawn = text.draw(canvas.surface, line, (chip.x + pad, chip.y + pad // 2), small, canvas.level(spec, 0.8),
                      bold=True)
    if count:
        text.draw(canvas.surface, count, (drawn.right, chip.y + pad // 2), small, canvas.level(spec, 0.6))


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    note = state.notes.current
    if note is None:
        return
    if primary(state) != ("urgent" if note.urgent else "notification"):
        _chip(canvas, rect, spec, state)
        return
    size = spec.font_size
    small = canvas.small(size, 0.75)
    pad = max(6, size // 2)
    inner_w = rect.width - 2 * pad
    text = canvas.text
    line_h = text.line_height(size)
    chrome = pad * 2 + text.line_height(small) + 4 + 6  # header, paddings, the time-left line
    fits = max(1, (rect.height - chrome) // line_h)  # lines the widget's height has room for
    title_lines = text.wrap(note.title, size, inner_w, max_lines=min(2, fits), bold=True, balance=True)
    room = min(spec.max_lines, fits - len(title_lines))
    body_lines = text.wrap(note.body, size, inner_w, max_lines=room, balance=True) if note.body and room > 0 else []
    if note.body and room <= 0:
        text.problem(note.body, "", "dropped")
    card = pygame.Rect(rect.x, rect.y, rect.width, chrome + (len(title_lines) + len(body_lines)) * line_h)

    canvas.outline(card, canvas.level(spec, 0.55), width=2, radius=pad)
    if note.urgent:
        canvas.outline(card.inflate(-6, -6), canvas.level(spec, 0.35), width=1, radius=max(2, pad - 3))

    x, y = card.x + pad, card.y + pad
    header = note.app.upper()
    if note.urgent:
        header = "! " + header
    text.draw(canvas.surface, header, (x, y), small, canvas.level(spec, 0.8), bold=True)
    if state.notes.waiting or state.notes.dropped:
        count = f"+{state.notes.waiting}" + (f" · {state.notes.dropped} dropped" if state.notes.dropped else "")
        text.draw(canvas.surface, count, (card.right - pad, y), small, canvas.level(spec, 0.8), align="right")
    y += text.line_height(small) + 4
    clip = canvas.surface.get_clip()
    canvas.surface.set_clip(card)
    for line in title_lines:
        text.draw(canvas.surface, line, (x, y), size, canvas.level(spec), bold=True)
        y += line_h
    for line in body_lines:
        text.draw(canvas.surface, line, (x, y), size, canvas.level(spec, 0.8))
        y += line_h
    canvas.surface.set_clip(clip)

    left = 1.0 - (now - state.notes.shown_at) / note.duration
    track = pygame.Rect(card.x + pad, card.bottom - 5, round((card.width - 2 * pad) * max(0.0, left)), 2)
    if track.width > 0:
        pygame.draw.rect(canvas.surface, (canvas.level(spec, 0.45),) * 3, track)
