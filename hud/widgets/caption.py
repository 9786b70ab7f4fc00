"""Assistant caption: idle (nothing: saves power), listening (animated voice bars and the live
transcript, wrapped, newest lines kept), thinking (pulsing dots), answering (text appearing as it streams,
newest lines kept).

The answer is wrapped whole and balanced before it streams, and the streamed characters fill
those lines: nothing reflows while it streams. An answer that repeats what a card or notification
on the display already says is not shown twice: the caption says "Shown above" instead.
"""

from __future__ import annotations

import math

from hud.canvas import Canvas
from hud.layout import WidgetSpec
from hud.model.caption import acknowledgement, repeats
from hud.pg import pygame
from hud.state import HudState


def on_screen(state: HudState) -> list[str]:
    """The words of the notification and main-view card on the display."""
    texts: list[str] = []
    if state.notes.current is not None:
        texts += [state.notes.current.title, state.notes.current.body]
    if state.cards.main is not None:
        card = state.cards.main.card
        texts += [card.title, card.text, card.top, card.bottom]
    return texts


def streamed(lines: list[str], full: str, count: int) -> list[str]:
    """The first `count` characters of `full`, on the lines `full` was wrapped into."""
    out, pos = [], 0
    for line in lines:
        start = full.find(line, pos)
        start = pos if start < 0 else start
        pos = start + len(line)
        if count <= start:
            break
        out.append(line[:count - start])
    return out or [""]


def _assistant_mark(canvas: Canvas, centre: tuple[int, int], r: int, level: int, now: float,
                    active: bool) -> None:
    """The assistant's ring; it breathes while the assistant is busy."""
    pulse = 0.75 + 0.25 * math.sin(now * 2 * math.pi * 0.8) if active else 1.0
    canvas.ring(centre, r, round(level * pulse), width=max(2, r // 4))
    canvas.dot(centre, max(2, r // 3), level)


def _voice_bars(canvas: Canvas, x: int, cy: int, h: int, level: int, now: float) -> int:
    """Five bars moving like a voice level meter; returns the width used."""
    w = max(3, h // 6)
    for i in range(5):
        amp = 0.35 + 0.65 * abs(math.sin(now * 5.1 + i * 1.3) * math.sin(now * 2.3 + i * 0.7))
        bh = max(w, round(h * amp))
        pygame.draw.rect(canvas.surface, (level,) * 3, (x + i * (w + 3), cy - bh // 2, w, bh),
                         border_radius=w // 2)
    return 5 * (w + 3)


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    cap = state.caption
    if cap.mode == "idle":
        return
    size = spec.font_size
    text = canvas.text
    line_h = text.line_height(size)
    level = canvas.level(spec)
    r = max(6, round(size * 0.55))
    mark_x = rect.x + r + 2
    x = rect.x + 2 * r + max(10, size // 2)
    width = rect.right - x

    if cap.mode == "answering":
        full, count = cap.text, len(cap.visible_text(now))
        if repeats(full, on_screen(state)):  # said already by the card above: a short acknowledgement
            full = acknowledgement(full)
            count = len(full)
        lines = streamed(text.wrap(full, size, width, balance=True), full, count)
        lines = lines[-spec.max_lines:]  # newest lines stay in view while streaming
        streaming = count < len(full)
        top = rect.bottom - len(lines) * line_h
        _assistant_mark(canvas, (mark_x, top + line_h // 2), r, level, now, active=streaming)
        for i, line in enumerate(lines):
            end = text.draw(canvas.surface, line, (x, top + i * line_h), size, level)
            if i == len(lines) - 1 and streaming and int(now * 4) % 2 == 0:
                caret = pygame.Rect(end.right + 3, top + i * line_h + line_h // 5, max(2, size // 10),
                                    line_h * 3 // 5)
                pygame.draw.rect(canvas.surface, (canvas.level(spec, 0.7),) * 3, caret)
        return

    cy = rect.bottom - line_h // 2
    if cap.mode == "listening":
        words = cap.heard or "Listening…"
        emphasis = 1.0 if cap.heard else 0.9
        bars_w = 5 * (max(3, round(line_h * 0.7) // 6) + 3)
        tx = x + bars_w + max(8, size // 2)
        # The transcript is the wearer's own words: shown quoted, slightly dimmer than answers. It wraps
        # like a live caption, the newest words at the bottom and the oldest lines leaving at the top.
        lines = text.wrap(f"“{words}”" if cap.heard else words, size, rect.right - tx)[-spec.max_lines:]
        top = rect.bottom - len(lines) * line_h
        _assistant_mark(canvas, (mark_x, top + line_h // 2), r, level, now, active=True)
        _voice_bars(canvas, x, top + line_h // 2, round(line_h * 0.7), level, now)
        for i, line in enumerate(lines):
            text.draw(canvas.surface, line, (tx, top + i * line_h), size, canvas.level(spec, emphasis * 0.85))
        return
    _assistant_mark(canvas, (mark_x, cy), r, level, now, active=True)
    # thinking
    for i in range(3):
        phase = (now * 2.2 - i * 0.33) % 1.0
        bright = 0.35 + 0.65 * max(0.0, math.sin(phase * math.pi))
        canvas.dot((x + 6 + i * (size // 2 + 4), cy), max(3, size // 7), canvas.level(spec, bright))
    tx = x + 3 * (size // 2 + 4) + 12
    text.draw(canvas.surface, "Thinking…", (tx, rect.bottom - line_h), size, canvas.level(spec, 0.8),
              width=rect.right - tx)
