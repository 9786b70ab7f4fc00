"""Which item is the primary one: the rule "one primary item at a time" as a pure function of state.

The primary items are the payment prompt, a notification, navigation and a main-view card; the
status bar, dashboard and always-on cards are secondary chips and the assistant's caption is the
conversation strip along the bottom, so they stay. When several primary items are live, the first
of `ORDER` is drawn and the others wait (their state goes on: distances fall, timers run):

1. `payment`: an active payment prompt. Money is at stake and the wearer must act (confirm, or
   see that it failed).
2. `urgent`: an urgent notification (a gate change, a flight boarding). Time-critical, and short.
3. `navigation`: the route the wearer is walking. It is the task in hand, and hiding the arrow
   before a turn is how the wearer misses it.
4. `card`: a card another app pushed to the main view.
5. `notification`: an ordinary notification. While a higher item is primary it is not lost: it
   shows as a one-line chip ("WECHAT · 林伟", see hud/widgets/notification.py).
"""

from __future__ import annotations

from typing import Literal

from hud.state import HudState

Primary = Literal["payment", "urgent", "navigation", "card", "notification"]
ORDER: tuple[Primary, ...] = ("payment", "urgent", "navigation", "card", "notification")


def live(state: HudState) -> tuple[Primary, ...]:
    """Every primary item with something to show, highest first."""
    note = state.notes.current
    present: dict[Primary, bool] = {
        "payment": state.pay is not None,
        "urgent": note is not None and note.urgent,
        "navigation": state.nav is not None,
        "card": state.cards.main is not None,
        "notification": note is not None and not note.urgent,
    }
    return tuple(item for item in ORDER if present[item])


def primary(state: HudState) -> Primary | None:
    """The one primary item on the display, or None when there is none."""
    items = live(state)
    return items[0] if items else None


def widget_item(kind: str, view: str, state: HudState) -> Primary | None:
    """The primary item a widget of `kind` (and card `view`) draws, None for secondary widgets."""
    if kind == "payment":
        return "payment"
    if kind == "navigation":
        return "navigation"
    if kind == "card" and view == "main":
        return "card"
    if kind == "notification":
        note = state.notes.current
        return "urgent" if note is not None and note.urgent else "notification"
    return None
