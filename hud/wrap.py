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


FIRST_CJK = "\u2e80"  # no character below this is CJK
_CHUNK = re.compile(r"\S+\s*|\s+")


def is_cjk(ch: str) -> bool:
    """Characters that are set without spaces and may break anywhere (Han, kana, Hangul, CJK punctuation)."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FA1F)


def tokens(text: str) -> list[str]:
    """Pieces between which a line may break; spaces stay attached to the word before them."""
    chunks: list[str] = _CHUNK.findall(text)
    if not text or max(text) < FIRST_CJK:
        return chunks  # no CJK: the words are the pieces (checked at C speed; greedy wraps call this often)
    return _by_character(chunks)


def _by_character(chunks: list[str]) -> list[str]:
    """`tokens` character by character: a break before each CJK character that may start a line,
    and after one. Without CJK it gives the chunks back (tests hold `tokens`' shortcut to that)."""
    out: list[str] = []
    for chunk in chunks:
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


def wrap(text: str, width: int, measure: Callable[[str], int], max_lines: int | None = None,
         balance: bool = False) -> list[str]:
    """Lines of `text` no wider than `width` pixels; past `max_lines`, the last line ends in '…'.

    Explicit newlines are kept. Trailing spaces are not counted against the width. With `balance`
    each paragraph's lines are made about equally long (see `balanced`).
    """
    return fit(text, width, measure, max_lines, balance).lines


def fit(text: str, width: int, measure: Callable[[str], int], max_lines: int | None = None,
        balance: bool = False) -> Fitted:
    """`wrap`, saying whether the text was shortened: a pure check for "does this text fit?".

    Balancing is skipped when the text is shortened anyway: then the lines shown should hold
    as much of it as they can.
    """
    paragraphs = [greedy(p, width, measure) for p in text.split("\n")]
    lines = [line for p in paragraphs for line in p]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max(1, max_lines)]
        lines[-1] = ellipsize(lines[-1], width, measure, force=True)
        return Fitted(lines, True)
    if balance:
        lines = [line for p, greedy_lines in zip(text.split("\n"), paragraphs, strict=True)
                 for line in balanced(p, width, measure, greedy_lines)]
    return Fitted(lines, False)


def greedy(paragraph: str, width: int, measure: Callable[[str], int]) -> list[str]:
    """One paragraph filled line by line (first fit): as many words on each line as it holds."""
    lines: list[str] = []
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
    return lines


def balanced(paragraph: str, width: int, measure: Callable[[str], int],
             greedy_lines: list[str] | None = None) -> list[str]:
    """The paragraph in as many lines as greedy filling takes, but at the narrowest width that
    still needs no more: lines of about equal length, so the last is not one lonely word
    ("CA1705 to Beijing boards / 10:15" becomes "CA1705 to Beijing / boards 10:15").

    Like CSS `text-wrap: balance`. It never adds a line, and never breaks a word greedy filling
    kept whole: the narrowest width tried is the widest word's. CJK break rules are greedy's own.
    """
    lines = greedy(paragraph, width, measure) if greedy_lines is None else greedy_lines
    if len(lines) < 2:
        return lines
    words = [t.rstrip() for t in tokens(paragraph)]
    lo = min(width, max((measure(w) for w in words if w), default=0))
    hi = width  # greedy at `hi` takes len(lines) lines; find the smallest width that does too
    while lo < hi:
        mid = (lo + hi) // 2
        if len(greedy(paragraph, mid, measure)) <= len(lines):
            hi = mid
        else:
            lo = mid + 1
    return greedy(paragraph, hi, measure)


def ellipsize(line: str, width: int, measure: Callable[[str], int], force: bool = False) -> str:
    """`line` shortened to fit `width` with a trailing '…' (always added when `force`)."""
    if not force and measure(line) <= width:
        return line
    while line and measure(line.rstrip() + ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS
