"""What the glasses tell their clients: the wearer's gestures, payment phases, what the display shows.

Why watch the session instead of hooking every input: a gesture may come from a key in the window,
a scripted timeline, a test or a client; a payment changes phase because of a tap, a spoken
"confirm", a pushed step or its own timeout. Reading the session once per frame catches all of
them the same way, and the window's code does not need to know about clients.

Messages (see `gesture_out`, `payment`, `display` in protocol.schema.json):
    gesture   every gesture in the session's log since the last frame, with its exact clock time
    payment   when the prompt's phase (or the prompt itself) changes; at the transition's exact time
    display   when the summary changes: discrete values only (the distance as shown, '450 m'; the
              whole answer, not its streamed characters), so a flood of frames is not a flood of messages
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hud import events as ev
from hud.model.navigation import format_distance
from hud.session import EventLog, Session
from hud.state import HudState

_CARD_FIELDS = {
    "text_wall": ("text",), "double_text_wall": ("top", "bottom"), "reference_card": ("title", "text"),
    "dashboard_card": ("left", "right"), "bitmap": (),
}
VIEWS = ("main", "dashboard", "always_on")


def _card(card: ev.ShowCard | None) -> dict[str, Any] | None:
    if card is None:
        return None
    out: dict[str, Any] = {"layout": card.layout}
    for name in _CARD_FIELDS.get(card.layout, ()):
        out[name] = getattr(card, name)
    if card.layout == "bitmap":
        out["bytes"] = len(card.data) * 3 // 4 - card.data[-2:].count("=")
    return out


def summary(state: HudState, now: float) -> dict[str, Any]:
    """What is on the display at `now`, as the `display` message gives it (without type and time)."""
    c = state.caption
    caption = {"mode": c.mode, "text": c.heard if c.mode == "listening" else c.text if c.mode == "answering" else ""}
    nav = state.nav
    navigation = None if nav is None else {
        "maneuver": nav.maneuver, "distance": format_distance(nav.distance_at(now), nav.maneuver),
        "street": nav.street, "exit": nav.exit}
    pay = state.pay
    payment = None if pay is None else {
        "phase": pay.phase, "merchant": pay.request.merchant, "amount": pay.request.amount,
        "currency": pay.request.currency}
    note = state.notes.current
    notification = None if note is None else {
        "app": note.app, "title": note.title, "body": note.body, "urgent": note.urgent,
        "waiting": state.notes.waiting}
    cards = {}
    for view in VIEWS:
        shown = state.cards.get(view)
        cards[view] = _card(shown.card if shown is not None else None)
    return {"caption": caption, "navigation": navigation, "payment": payment, "notification": notification,
            "cards": cards}


@dataclass
class Watcher:
    """Compares the session with what clients were last told; `changes()` once per frame."""

    started: bool = False
    _display: dict[str, Any] | None = field(default=None, repr=False)
    _pay: tuple[Any, str] | None = field(default=None, repr=False)
    _seen: int = field(default=0, repr=False)
    _generation: int = field(default=0, repr=False)

    def start(self, session: Session) -> None:
        """Begin at the session's present: gestures already in its log are history, not news."""
        self._seen = session.log.total
        self._generation = session.log.generation
        self.started = True

    def changes(self, session: Session) -> list[dict[str, Any]]:
        if not self.started:
            self.start(session)
        out = self._gestures(session.log)
        state, now = session.state, session.now
        pay = state.pay
        key = None if pay is None else (pay.request, pay.phase)
        if pay is not None and (self._pay is None or self._pay[0] is not pay.request or self._pay[1] != pay.phase):
            out.append({"type": "payment", "phase": pay.phase, "merchant": pay.request.merchant,
                        "amount": pay.request.amount, "currency": pay.request.currency, "by": pay.confirmed_by,
                        "reason": pay.reason, "at": round(pay.since, 6)})
        self._pay = key
        shown = summary(state, now)
        if shown != self._display:
            self._display = shown
            out.append({"type": "display", "at": round(now, 6), **shown})
        return out

    def _gestures(self, log: EventLog) -> list[dict[str, Any]]:
        if log.generation != self._generation or self._seen > log.total:
            self._seen = 0  # the session restarted (or was replaced): its log began again
            self._generation = log.generation
        out = [{"type": "gesture", "kind": t.event.kind, "at": round(t.at, 6)}
               for t in log.since(self._seen) if isinstance(t.event, ev.Gesture)]
        self._seen = log.total  # a count, not a position: the log folds its oldest events away
        return out
