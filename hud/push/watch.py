"""What the glasses tell their clients: the wearer's gestures, payment phases, what the display shows.

Why watch the session instead of hooking every input: a gesture may come from a key in the window,
a scripted timeline, a test or a client; a payment changes phase because of a tap, a spoken
"confirm", a pushed step or its own timeout. Reading the session once per frame catches all of
them the same way, and the window's code does not need to know about clients.

Messages (see `gesture_out`, `payment`, `display` in protocol.schema.json):
    gesture   every gesture in the session's log since the last frame, with its exact clock time
    payment   every change of the prompt's phase (or of the prompt itself), in order, each at the
              transition's exact time, also when several happen between two frames
    display   when the summary changes: discrete values only (the distance as shown, '450 m'; the
              whole answer, not its streamed characters), so a flood of frames is not a flood of messages
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from hud import events as ev
from hud.model import payment
from hud.model.navigation import format_distance
from hud.model.payment import PaymentState
from hud.session import EventLog, Session
from hud.state import HudState, apply

_CARD_FIELDS = {
    "text_wall": ("text",), "double_text_wall": ("top", "bottom"), "reference_card": ("title", "text"),
    "dashboard_card": ("left", "right"), "bitmap": (), "bitmap_animation": (),
}
VIEWS = ("main", "dashboard", "always_on")


def _card(card: ev.ShowCard | None) -> dict[str, Any] | None:
    if card is None:
        return None
    out: dict[str, Any] = {"layout": card.layout}
    for name in _CARD_FIELDS.get(card.layout, ()):
        out[name] = getattr(card, name)
    if card.layout == "bitmap":
        out["bytes"] = _bytes(card.data)
    if card.layout == "bitmap_animation":  # not the frame on display: a summary changes with items, not time
        out["frames"] = len(card.frames)
        out["bytes"] = sum(_bytes(frame) for frame in card.frames)
    if card.app:
        out["app"] = card.app
    return out


def _bytes(data: str) -> int:
    """The size of the picture a base64 text holds (the picture itself is not echoed)."""
    return len(data) * 3 // 4 - data[-2:].count("=")


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
    """Compares the session with what clients were last told; `changes()` once per frame.

    Payment phases are replayed, not sampled: several steps can land between two frames (a
    client's detect, confirm and result in one frame, or a confirm right at the detected prompt's
    1 s deadline), and each phase change is one `payment` message, in order. The watcher keeps the
    state it saw last frame and runs the frame's new events through the same pure reducer
    (`hud.state.apply`), stepping the prompt's timed transitions one deadline at a time.
    """

    started: bool = False
    _display: dict[str, Any] | None = field(default=None, repr=False)
    _pay: tuple[Any, str] | None = field(default=None, repr=False)
    _seen: int = field(default=0, repr=False)
    _generation: int = field(default=0, repr=False)
    _state: HudState | None = field(default=None, repr=False)  # the session's state at the last look

    def start(self, session: Session) -> None:
        """Begin at the session's present: gestures already in its log are history, not news."""
        self._seen = session.log.total
        self._generation = session.log.generation
        self._state = session.state
        self.started = True

    def changes(self, session: Session) -> list[dict[str, Any]]:
        if not self.started:
            self.start(session)
        new, continued = self._new_events(session.log)
        out = [{"type": "gesture", "kind": t.event.kind, "at": round(t.at, 6)}
               for t in new if isinstance(t.event, ev.Gesture)]
        state, now = session.state, session.now
        out += self._payments(new if continued else None, state, now)
        self._state = state
        shown = summary(state, now)
        if shown != self._display:
            self._display = shown
            out.append({"type": "display", "at": round(now, 6), **shown})
        return out

    def _new_events(self, log: EventLog) -> tuple[list[ev.Timed], bool]:
        """The events logged since the last look, and False when the log began again in between."""
        continued = True
        if log.generation != self._generation or self._seen > log.total:
            self._seen = 0  # the session restarted (or was replaced): its log began again
            self._generation = log.generation
            continued = False
        new = log.since(self._seen)
        continued = continued and len(new) == log.total - self._seen  # none folded away unseen
        self._seen = log.total  # a count, not a position: the log folds its oldest events away
        return new, continued

    def _payments(self, new: list[ev.Timed] | None, state: HudState, now: float) -> list[dict[str, Any]]:
        """One `payment` message per phase change since the last look, in order.

        `new` is None when the events in between are unknown (a restart): then only the present
        phase is compared. The session's own state has the last word either way.
        """
        out: list[dict[str, Any]] = []
        before = self._state
        if new is not None and before is not None and (
                before.pay is not None or any(isinstance(t.event, ev.PayDetect) for t in new)):
            replayed = before
            for timed in new:
                replayed = self._pay_clock(replayed, timed.at, out)
                replayed = apply(replayed, timed.event, timed.at)
                self._note(replayed.pay, out)
            self._pay_clock(replayed, now, out)
        self._note(state.pay, out)
        return out

    def _pay_clock(self, state: HudState, until: float, out: list[dict[str, Any]]) -> HudState:
        """`state` with its payment prompt moved through each timed transition up to `until`, noted."""
        pay = state.pay
        while pay is not None:
            deadline = pay.deadline()
            if deadline is None or deadline > until:
                break
            nxt = payment.settle(pay, deadline)
            if nxt is pay:
                break
            pay = nxt
            self._note(pay, out)
        return state if pay is state.pay else replace(state, pay=pay)

    def _note(self, pay: PaymentState | None, out: list[dict[str, Any]]) -> None:
        """A message for `pay` if its phase (or the prompt) differs from the last one told."""
        if pay is None:
            self._pay = None
            return
        if self._pay is not None and self._pay[0] is pay.request and self._pay[1] == pay.phase:
            return
        self._pay = (pay.request, pay.phase)
        out.append({"type": "payment", "phase": pay.phase, "merchant": pay.request.merchant,
                    "amount": pay.request.amount, "currency": pay.request.currency, "by": pay.confirmed_by,
                    "reason": pay.reason, "at": round(pay.since, 6)})
