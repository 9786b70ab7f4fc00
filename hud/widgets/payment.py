"""Payment prompt: one card whose icon, words and bar say which phase the payment is in.

detected (code-scan mark) -> awaiting (amount, "say confirm or tap", time left)
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

#: How the glasses pay. The Quark S1 (the payment flow this widget models) pays with Alipay and
#: confirms with the wearer's voiceprint: the card says so, as a phone's payment sheet names the
#: wallet and the verification, so the wearer knows what "confirm" will do.
METHOD = "Alipay · voiceprint"

SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}


def format_amount(amount: float, currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    digits = f"{amount:,.0f}" if currency == "JPY" else f"{amount:,.2f}"
    return f"{symbol}{digits}" if symbol else f"{digits} {currency}"


def _scan_mark(c: Canvas, box: pygame.Rect, level: int) -> None:
    """A code-scan mark: four viewfinder corners and the scan line. It says "a payment code was
    read"; it does not pretend to be the code (a QR code at this size is noise, not information)."""
    arm = box.width // 4
    stroke = max(2, box.width // 16)
    for (x, y), (dx, dy) in zip(((box.left, box.top), (box.right, box.top), (box.left, box.bottom),
                                 (box.right, box.bottom)), ((1, 1), (-1, 1), (1, -1), (-1, -1)), strict=True):
        c.line((x, y), (x + dx * arm, y), level, stroke)
        c.line((x, y), (x, y + dy * arm), level, stroke)
    inset = box.width // 5
    c.line((box.left + inset, box.centery), (box.right - inset, box.centery), level, stroke)


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
        _scan_mark(c, box, level)
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
    """The state in words (the prompt, the progress, the outcome) and its emphasis."""
    phase = pay.phase
    if phase == "detected":
        return "Payment code read", 0.8
    if phase == "awaiting":
        return f"Say “confirm” or tap · {math.ceil(pay.remaining(now))} s", 1.0
    if phase == "verifying":
        return f"Verifying voiceprint… {round(pay.progress(now) * 100)}%", 0.9
    if phase == "success":
        return "Paid", 1.0
    if phase == "failed":
        return f"Not paid: {pay.reason}" if pay.reason else "Payment failed", 1.0
    if phase == "cancelled":
        return "Cancelled", 0.55
    return "Timed out · not paid", 0.8


def draw(canvas: Canvas, rect: pygame.Rect, spec: WidgetSpec, state: HudState, now: float) -> None:
    """Merchant, the amount (the one big number), the method; then the state and its bar.

    The icon (scan mark, voiceprint, check, cross, dash, clock) stands left of the three lines,
    as tall as they are. Vertical space left over is shared equally above, between and below the
    blocks, so the card is balanced at every panel size; when it is too short, the method line
    goes first (recorded as a fit problem). A merchant name too long for its line gets a second
    line if the height allows it, else it is ellipsised.
    """
    pay = state.pay
    if pay is None:
        return
    dim = pay.phase == "cancelled"
    fade = 0.5 if dim else 1.0
    size = spec.font_size
    text = canvas.text
    small, big = canvas.small(size, 0.8), round(size * 1.7)
    outcome = pay.phase in ("success", "failed")
    word_size = round(size * 1.15) if pay.phase == "success" else size
    h_small, h_big, h_word = text.line_height(small), text.line_height(big), text.line_height(word_size)
    bar_h = 6
    show_bar = pay.phase in ("awaiting", "verifying")
    method = METHOD
    block = h_small + h_big + h_small
    bottom_block = h_word + (bar_h + 4 if show_bar else 0)
    spare = rect.height - block - bottom_block
    if spare < 12:  # too short for the method line: it goes first
        text.problem(method, "", "dropped")
        method, block = "", h_small + h_big
        spare = rect.height - block - bottom_block
    pad = max(10, size // 2 + 4)
    icon = min(block - 4, round(size * 3.4))
    merchant = [pay.request.merchant]
    if text.width(merchant[0], small) > rect.width - 3 * pad - icon and spare - h_small >= 12:
        # Who is paid is what the wearer checks before saying "confirm": a long merchant name gets a
        # second line when the card has the height for it (after the method line), not an ellipsis.
        block += h_small
        spare -= h_small
        icon = min(block - 4, round(size * 3.4))
        merchant = text.wrap(merchant[0], small, rect.width - 3 * pad - icon, max_lines=2, balance=True)
    gap = max(4, spare // 3)

    card_level = canvas.level(spec, 0.6 * fade)
    canvas.outline(rect, card_level, width=3 if pay.phase == "success" else 2, radius=max(10, size // 2 + 4))
    if pay.phase == "failed":  # a double border: the one state that must not be missed
        canvas.outline(rect.inflate(-8, -8), card_level, width=1, radius=max(6, size // 2))

    top = rect.y + gap
    box = pygame.Rect(rect.x + pad, top + (block - icon) // 2, icon, icon)
    _icon(canvas, pay, box, canvas.level(spec, fade), now)

    x = box.right + pad
    width = rect.right - pad - x
    y = top
    for line in merchant:
        text.draw(canvas.surface, line, (x, y), small, canvas.level(spec, 0.75 * fade), width=width)
        y += h_small
    text.draw(canvas.surface, format_amount(pay.request.amount, pay.request.currency), (x, y), big,
              canvas.level(spec, fade), bold=True, width=width)
    y += h_big
    if method:
        text.draw(canvas.surface, method, (x, y), small, canvas.level(spec, 0.6 * fade), width=width)

    words, emphasis = _status_line(pay, now)
    y = top + block + gap
    inner = rect.width - 2 * pad
    text.draw(canvas.surface, words, (rect.x + pad, y), word_size, canvas.level(spec, emphasis * fade),
              bold=outcome, width=inner)
    if show_bar:
        bar = pygame.Rect(rect.x + pad, y + h_word + 2, inner, bar_h)
        if pay.phase == "awaiting":
            canvas.bar(bar, pay.remaining(now) / pay.request.timeout, canvas.level(spec, 0.7),
                       canvas.level(spec, 0.55))
        else:
            canvas.bar(bar, pay.progress(now), canvas.level(spec), canvas.level(spec, 0.55))
