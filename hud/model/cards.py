"""Cards pushed by other programs, one per view: main, dashboard and always-on.

A new card replaces the one in its view; a card with a duration disappears at exactly
shown_at + duration (so the state at time t is independent of the frame rate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hud.events import ShowCard


@dataclass(frozen=True)
class Shown:
    card: ShowCard
    since: float

    def ends_at(self) -> float | None:
        return None if self.card.duration is None else self.since + self.card.duration


@dataclass(frozen=True)
class CardsState:
    main: Shown | None = None
    dashboard: Shown | None = None
    always_on: Shown | None = None

    def get(self, view: str) -> Shown | None:
        shown: Shown | None = getattr(self, view)
        return shown


def show(state: CardsState, card: ShowCard, now: float) -> CardsState:
    return replace(state, **{card.view: Shown(card, now)})


def settle(state: CardsState, now: float) -> CardsState:
    changes = {view: None for view in ("main", "dashboard", "always_on")
               if (shown := state.get(view)) is not None and (end := shown.ends_at()) is not None and now >= end}
    return replace(state, **changes) if changes else state
