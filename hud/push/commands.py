"""The push protocol's commands that are not about the assistant: cards, clear, layout, device.

Why re-exports and not classes of our own: `hud.events` already defines them (`ShowCard`,
`Clear`, `SetLayout`, `SetDevice`) and the state reducer and the session apply exactly those
classes. One class per event keeps a pushed card, a scripted card and a replayed card the same
record; duplicates here would be rejected by `hud.state.apply` as unhandled.
"""

from __future__ import annotations

from hud.events import CARD_LAYOUTS, CARD_VIEWS, CLEAR_WHAT, Clear, Event, SetDevice, SetLayout, ShowCard

__all__ = ["CARD_LAYOUTS", "CARD_VIEWS", "CLEAR_WHAT", "COMMANDS", "Clear", "SetDevice", "SetLayout", "ShowCard",
           "is_command"]

#: The events the push protocol adds to the assistant's vocabulary.
COMMANDS: tuple[type[Event], ...] = (ShowCard, Clear, SetLayout, SetDevice)


def is_command(event: Event) -> bool:
    return isinstance(event, COMMANDS)
