"""Wrapping text to a pixel width: at word boundaries, between CJK characters, with an ellipsis.

Why our own: textwrap counts characters, but a HUD needs pixels measured with the real font, and
Chinese and Japanese have no spaces, so every character boundary is a break opportunity (except
before closing punctuation, which must not start a line).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

ELLIPSIS = "…"
_NO_LINE_START = set("，。、；：！？）」』】》〉,.;:!?)]}%'\"…")


def is_cjk(ch: str) -> bool:
    """Characters that are set without spaces and may break anywhere (Han, kana, Hangul, CJK punctuation)."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FA1F)


def tokens(text: str) -> list[str]:
    """Pieces between which a line may break; spaces stay attached to the word before them."""
    out: list[str] = []
    for chunk in re.findall(r"\S+\s*|\s+", text):
        word = ""
        for ch in chunk:
            if is_cjk(ch) and ch not in _NO_LINE_START:
                if word:
                    out.append(word)
                word = ch
            elif word and is_cjk(word[-1]) and not ch.isspace() and ch not in _NO_LINE_START:
                out.append(word)
                word = ch
            else:
                word += ch
        if word:
            out.append(word)
    return out


def _break_long(token: str, width: int, measure: Callable[[str], int]) -> list[str]:
    """A single word wider than the line is split between characters (a URL, a long number)."""
    pieces, piece = [], ""
    for ch in token:
        if piece and measure(piece + ch) > width:
            pieces.append(piece)
            piece = ch
        else:
            piece += ch
    return [*pieces, piece] if piece else pieces


@dataclass(frozen=True)
class Fitted:
    """Lines of a wrapped text, and whether any of its words had to go (the last line ends in '…')."""

    lines: list[str]
    shortened: bool


def wrap(text: str, width: int, measure: Callable[[str], int], max_lines: int | None = None) -> list[str]:
    """Lines of `text` no wider than `width` pixels; past `max_lines`, the last line ends in '…'.

    Explicit newlines are kept. Trailing spaces are not counted against the width.
    """
    return fit(text, width, measure, max_lines).lines


def fit(text: str, width: int, measure: Callable[[str], int], max_lines: int | None = None) -> Fitted:
    """`wrap`, saying whether the text was shortened: a pure check for "does this text fit?"."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in tokens(paragraph):
            candidate = line + token
            if not line or measure(candidate.rstrip()) <= width:
                if not line and measure(token.rstrip()) > width:
                    *full, line = _break_long(token, width, measure)
                    lines.extend(full)
                else:
                    line = candidate
                continue
            lines.append(line.rstrip())
            if measure(token.rstrip()) > width:
                *full, line = _break_long(token, width, measure)
                lines.extend(full)
            else:
                line = token
        lines.append(line.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max(1, max_lines)]
        lines[-1] = ellipsize(lines[-1], width, measure, force=True)
        return Fitted(lines, True)
    return Fitted(lines, False)


def ellipsize(line: str, width: int, measure: Callable[[str], int], force: bool = False) -> str:
    """`line` shortened to fit `width` with a trailing '…' (always added when `force`)."""
    if not force and measure(line) <= width:
        return line
    while line and measure(line.rstrip() + ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS
