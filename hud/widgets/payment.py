"""Payment prompt: one card whose icon, words and bar say which phase the payment is in.

detected (viewfinder on the QR code) -> awaiting (amount, "say confirm or tap", time left)
-> verifying (voiceprint bars, progress) -> success (check) | failed (cross, reason)
| cancelled (dash, dim) | timed out (clock).
"""

from __future__ import annotations

import math

from hud.canvas import Canvas
from hud.layout import WidgetSpec
from hud.model.payment import PaymentState
from hud.pg import pygame
from hud.state import HudState

SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}


def format_amount(amount: float, currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    digits = f"{amount:,.0f}" if currency == "JPY" else f"{amount:,.2f}"
    return f"{symbol}{digits}" if symbol else f"{digits} {currency}"


def _viewfinder(c: Canvas, box: pygame.Rect, level: int) -> None:
    arm = box.width // 4
    for (x, y), (dx, dy) in zip(((box.left, box.top), (box.right, box.top), (box.left, box.bottom),
                                 (box.right, box.bottom)), ((1, 1), (-1, 1), (1, -1), (-1, -1)), strict=True):
        c.line((x, y), (x + dx * arm, y), level, 3)
        c.line((x, y), (x, y + dy * arm), level, 3)
    inner = box.inflate(-box.width // 2, -box.height // 2)
    cell = max(2, inner.width // 5)
    pattern = (0b10111, 0b01010, 0b11101, 0b00110, 0b10101)  # a fixed QR-like texture
    for row, bits in enumerate(pattern):
        for col in range(5):
            if bits >> (4 - col) & 1:
                pygame.draw.rect(c.surface, (level * 2 // 3,) * 3,
                                 (inner.x + col * cell, inner.y + row * cell, cell - 1, cell - 1))


def _voiceprint(c: Canvas, box: pygame.Rect, level: int, progress: float, now: float) -> None:
    """A voice-level 'print' whose bars light up from the left as verification progresses."""
    n = 7
    gap = max(2, box.width // 28)
    w = max(3, (box.width - (n - 1) * gap) // n)
    for i in range(n):
        base = 0.3 + 0.7 * abs(math.sin(i * 1.7 + 0.4))
        wobble = 0.85 + 0.15 * math.sin(now * 6 + i)
        h = max(w, round(box.height * base * wobble))
        lit = (i + 0.5) / n <= progress
        x = box.x + i * (w + gap)
        pygame.draw.rect(c.surface, ((level if lit else level // 3),) * 3,
                         (x, box.centery - h // 2, w, h), border_radius=w // 2)


def _icon(c: Canvas, pay: PaymentState, box: pygame.Rect, level: int, now: float) -> None:
    centre, r = box.center, box.width // 2 - 2
    stroke = max(3, box.width // 12)
    if pay.phase in ("detected", "awaiting"):
        _viewfinder(c, box, level)
    elif pay.phase == "verifying":
        _voiceprint(c, box, level, pay.progress(now), now)
    elif pay.phase == "success":
        c.ring(centre, r, level, stroke)
        cx, cy = centre
        c.line((cx - r * 0.45, cy + r * 0.02), (cx - r * 0.1, cy + r * 0.38), level, stroke + 1)
        c.line((cx - r * 0.1, cy + r * 0.38), (cx + r * 0.5, cy - r * 0.35), level, stroke + 1)
    elif pay.phase == "failed":
        c.ring(centre, r, level, stroke)
        cx, cy = centre
        d = r * 0.4
        c.line((cx - d, cy - d), (cx + d, cy + d), level, stroke + 1)
        c.line((cx - d, cy + d), (cx + d, cy - d), level, stroke + 1)
    elif pay.phase == "cancelled":
        c.ring(centre, r, level // 2, stroke)
        c.line((centre[0] - r * 0.45, centre[1]), (centre[0] + r * 0.45, centre[1]), level // 2, stroke + 1)
    else:  # timed_out
        c.ring(centre, r, level, stroke)
        c.line(centre, (centre[0], centre[1] - r * 0.6), level, stroke)
        c.line(centre, (centre[0] + r * 0.45, centre[1]), level, stroke)


def _status_line(pay: PaymentState, now: float) -> tuple[str, float]:
    """The words under the amount and their emphasis."""
    phase = pay.phase
    if phase == "detected":
        return "Payment code detected", 0.8
    if phase == "awaiting":
        return f"Say “confirm” or tap · {math.ceil(pay.remaining(now))} s", 1.0
    if phase == "verifying":
        return f"Checking voiceprint… {round(pay.progress(now) * 100)}%", 0.9
    if phase == "success":
        return "Paid", 1.0
    if phase == "failed":
        return f"Failed: {pay.reason}" if pay.reason else "Payment failed", 1.0
    if phase == "cancelled":
        return "Cancelled", 0.55
    return "Timed out: not paid", 0.8


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    pay = state.pay
    if pay is None:
        return
    dim = pay.phase == "cancelled"
    size = spec.font_size
    text = canvas.text
    pad = max(8, size // 2)
    card_level = canvas.level(spec, 0.3 if dim else 0.6)
    canvas.outline(rect, card_level, width=3 if pay.phase == "success" else 2, radius=pad + 4)
    if pay.phase == "failed":  # a double border: the one state that must not be missed
        canvas.outline(rect.inflate(-8, -8), card_level, width=1, radius=pad)

    icon = min(rect.height - 2 * pad - size, round(size * 3.4))
    box = pygame.Rect(rect.x + pad + 4, rect.y + pad + 4, icon, icon)
    _icon(canvas, pay, box, canvas.level(spec, 0.5 if dim else 1.0), now)

    x = box.right + pad + 6
    width = rect.right - pad - x
    y = rect.y + pad
    small = max(8, round(size * 0.8))
    merchant = text.wrap(pay.request.merchant, small, width, max_lines=1)[0]
    text.draw(canvas.surface, merchant, (x, y), small, canvas.level(spec, 0.4 if dim else 0.75))
    y += text.line_height(small)
    big = round(size * 1.6)
    text.draw(canvas.surface, format_amount(pay.request.amount, pay.request.currency), (x, y), big,
              canvas.level(spec, 0.5 if dim else 1.0), bold=True)

    words, emphasis = _status_line(pay, now)
    bottom = rect.bottom - pad - 10
    line = text.wrap(words, size, rect.width - 2 * pad - 8, max_lines=1)[0]
    text.draw(canvas.surface, line, (rect.x + pad + 4, bottom - text.line_height(size)), size,
              canvas.level(spec, emphasis * (0.6 if dim else 1.0)), bold=pay.phase in ("success", "failed"))

    bar = pygame.Rect(rect.x + pad + 4, rect.bottom - pad - 6, rect.width - 2 * pad - 8, 6)
    if pay.phase == "awaiting":
        canvas.bar(bar, pay.remaining(now) / pay.request.timeout, canvas.level(spec, 0.7), canvas.level(spec, 0.3))
    elif pay.phase == "verifying":
        canvas.bar(bar, pay.progress(now), canvas.level(spec), canvas.level(spec, 0.3))
