"""Cards pushed by other programs, one per view: main, dashboard and always-on.

A new card replaces the one in its view; a card with a duration disappears at exactly
shown_at + duration (so the state at time t is independent of the frame rate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hud.events import ShowCard

VIEWS = ("main", "dashboard", "always_on")


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


def clear(state: CardsState, view: str | None, app: str) -> CardsState:
    """Without the card in `view` (every view when None), only if `app` showed it ("": whoever did).

    Why by app: on MentraOS each app has its own display per view and the cloud shows the
    foreground one; an app's `clear_view` removes its own, never another app's card.
    """
    views = VIEWS if view is None else (view,)
    changes = {v: None for v in views if (shown := state.get(v)) is not None and (not app or shown.card.app == app)}
    return replace(state, **changes) if changes else state


def frame_index(shown: Shown, now: float) -> int:
    """Which frame of a `bitmap_animation` card is on the display at `now`: a function of the clock
    alone, so a frame at time t is the same whatever the frame rate (and in a replay).

    Frame k shows from since + k * interval; a repeating animation starts over after the last, a
    non-repeating one holds the last. The tiny epsilon makes 0.3 / 0.1 (2.9999999999999996 in
    floating point) frame 3, as the wearer's clock would say.
    """
    card = shown.card
    count = len(card.frames)
    if count <= 1 or card.interval <= 0:
        return 0
    k = max(0, int((now - shown.since) / card.interval + 1e-9))
    return k % count if card.repeat else min(k, count - 1)


def settle(state: CardsState, now: float) -> CardsState:
    changes = {view: None for view in VIEWS
               if (shown := state.get(view)) is not None and (end := shown.ends_at()) is not None and now >= end}
    return replace(state, **changes) if changes else state
