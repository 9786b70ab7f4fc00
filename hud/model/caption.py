"""The assistant caption: idle, listening (with the live transcript), thinking, answering (streamed)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from hud.wrap import is_cjk

CaptionMode = Literal["idle", "listening", "thinking", "answering"]

#: A listening or thinking caption with nothing happening gives up after this long.
LISTEN_TIMEOUT = 8.0
THINK_TIMEOUT = 12.0
#: Words the wearer said stay readable this long if no reply follows (a command like "confirm").
HEARD_HOLD = 2.5


@dataclass(frozen=True)
class CaptionState:
    mode: CaptionMode = "idle"
    since: float = 0.0
    heard: str = ""  # the wearer's words while listening
    text: str = ""  # the answer being streamed
    cps: float = 28.0
    hold: float = 4.0

    def visible_text(self, now: float) -> str:
        """The part of the answer streamed so far (whole characters, a pure function of time)."""
        if self.mode != "answering":
            return ""
        count = int(max(0.0, now - self.since) * self.cps + 1e-9)
        return self.text[:count]

    def ends_at(self) -> float | None:
        """When the clock alone moves this caption back to idle."""
        if self.mode == "answering":
            return self.since + len(self.text) / self.cps + self.hold
        if self.mode == "listening":
            return self.since + (HEARD_HOLD if self.heard else LISTEN_TIMEOUT)
        if self.mode == "thinking":
            return self.since + THINK_TIMEOUT
        return None


def listen(state: CaptionState, now: float) -> CaptionState:
    return CaptionState(mode="listening", since=now)


def hear(state: CaptionState, text: str, now: float) -> CaptionState:
    # Hearing more words keeps the microphone open: the timeout restarts from the latest words.
    return replace(state, mode="listening", since=now, heard=text, text="")


def think(state: CaptionState, now: float) -> CaptionState:
    return replace(state, mode="thinking", since=now, text="")


def answer(state: CaptionState, text: str, cps: float, hold: float, now: float) -> CaptionState:
    return replace(state, mode="answering", since=now, text=text, cps=cps, hold=hold)


def settle(state: CaptionState, now: float) -> CaptionState:
    end = state.ends_at()
    if end is not None and now >= end:
        return CaptionState(mode="idle", since=end)
    return state


#: What the caption says instead of an answer the primary item already shows word for word.
SHOWN_ABOVE = {"en": "Shown above", "zh": "见上方卡片"}
#: An answer repeats what is on screen when this share of its words is there already.
REPEAT_SHARE = 0.6


def _words(text: str) -> set[str]:
    """Latin words and numbers (folded, 2+ characters) and single CJK characters."""
    words = {w for w in re.findall(r"[^\W_]+", text.casefold()) if len(w) > 1 and not any(map(is_cjk, w))}
    return words | {ch for ch in text if is_cjk(ch) and ch.isalnum()}


def repeats(answer: str, shown: Iterable[str]) -> bool:
    """Whether the answer mostly says what the display already shows (a card with the same words)."""
    said = _words(answer)
    on_screen: set[str] = set().union(*(_words(t) for t in shown))
    return bool(said) and len(said & on_screen) >= REPEAT_SHARE * len(said)


def acknowledgement(answer: str) -> str:
    """The short words the caption shows in place of a repeated answer, in the answer's language."""
    return SHOWN_ABOVE["zh" if any(map(is_cjk, answer)) else "en"]
