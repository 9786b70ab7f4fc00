"""What every service works with: the request, and the events it schedules relative to its answer.

Why offsets: a service does not know the network; it says "this event 12 s after my answer"
and the assistant adds the thinking time, so one service serves every network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hud import events as ev
from hud.assistant.records import AssistantData

#: Events at seconds after the answer arrives.
Steps = list[tuple[float, ev.Event]]

CPS: float = ev.Answer.cps  # the caption's streaming speed, characters per second
#: A caption in a sequence stays complete this long before the next replaces it.
READ_SECONDS = 2.0


@dataclass(frozen=True)
class Request:
    """One request as a service sees it."""

    text: str  # cleaned request
    arg: str  # what the intent's rule captured
    lang: str  # "en" or "zh"
    data: AssistantData
    answer_at: float  # clock time the answer arrives (for the time of day)
    day_start: float  # time of day at clock 0, seconds since midnight
    walk_speed: float | None  # overrides every route's walking speed (time-lapse for demos)

    def say(self, en: str, zh: str) -> str:
        """The words for the request's language."""
        return zh if self.lang == "zh" else en


def answer(text: str, at: float = 0.0, hold: float = 4.0) -> Steps:
    return [(at, ev.Answer(text=text, hold=hold))]


def shown_until(text: str, at: float) -> float:
    """When a caption started at `at` has streamed completely."""
    return at + len(text) / CPS


def in_sequence(texts: Sequence[str], start: float = 0.0, earliest: Sequence[float] | None = None) -> Steps:
    """Captions one after another, each readable before the next (and not before its `earliest`)."""
    steps: Steps = []
    at = start
    for i, text in enumerate(texts):
        if earliest is not None:
            at = max(at, earliest[i])
        steps += answer(text, at)
        at = shown_until(text, at) + READ_SECONDS
    return steps


def end_of(steps: Steps) -> float:
    """When the last caption in `steps` has streamed completely."""
    return max((shown_until(e.text, at) if isinstance(e, ev.Answer) else at for at, e in steps), default=0.0)


def find_named(items: Sequence[object], text: str) -> object | None:
    """The first item one of whose `names` appears in `text` (case-insensitive), longest name first."""
    folded = text.casefold()
    best: tuple[int, object] | None = None
    for item in items:
        for name in getattr(item, "names", ()):
            if name.casefold() in folded and (best is None or len(name) > best[0]):
                best = (len(name), item)
    return None if best is None else best[1]
