"""What is on the display: changed only by events (`apply`) and by the clock (`settle`).

Both are pure functions returning a new `HudState`, so a session is reproducible from its
event log, and rendering can never change state behind anyone's back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from hud import events as ev
from hud.model import caption, cards, navigation, notifications, payment
from hud.model.caption import CaptionState
from hud.model.cards import CardsState
from hud.model.navigation import NavState
from hud.model.notifications import NotificationState
from hud.model.payment import PaymentState
from hud.model.status import StatusState

_CONFIRM = re.compile(r"\b(confirm|yes|pay)\b|确认|确定|支付", re.IGNORECASE)
_CANCEL = re.compile(r"\b(cancel|no|stop)\b|取消", re.IGNORECASE)


@dataclass(frozen=True)
class HudState:
    status: StatusState = field(default_factory=StatusState)
    caption: CaptionState = field(default_factory=CaptionState)
    nav: NavState | None = None
    notes: NotificationState = field(default_factory=NotificationState)
    pay: PaymentState | None = None
    cards: CardsState = field(default_factory=CardsState)
    last_gesture: str = ""
    last_gesture_at: float = -1.0


def settle(state: HudState, now: float) -> HudState:
    """Apply every transition the clock alone causes up to `now` (timeouts, auto-dismiss)."""
    new_caption = caption.settle(state.caption, now)
    new_notes = notifications.settle(state.notes, now)
    new_pay = payment.settle(state.pay, now)
    new_cards = cards.settle(state.cards, now)
    if (new_caption is state.caption and new_notes is state.notes and new_pay is state.pay
            and new_cards is state.cards):
        return state
    return replace(state, caption=new_caption, notes=new_notes, pay=new_pay, cards=new_cards)


def apply(state: HudState, event: ev.Event, now: float) -> HudState:
    """The state after `event` happens at time `now` (clock transitions up to `now` first)."""
    state = settle(state, now)
    match event:
        case ev.Wake():
            return replace(state, caption=caption.listen(state.caption, now))
        case ev.Say(text=text):
            state = replace(state, caption=caption.hear(state.caption, text, now))
            if state.pay is not None and state.pay.phase in ("detected", "awaiting"):
                if _CANCEL.search(text):
                    return replace(state, pay=payment.cancel(state.pay, now))
                if _CONFIRM.search(text):
                    return replace(state, pay=payment.confirm(state.pay, "voice", now))
            return state
        case ev.Think():
            return replace(state, caption=caption.think(state.caption, now))
        case ev.Answer(text=text, cps=cps, hold=hold):
            return replace(state, caption=caption.answer(state.caption, text, cps, hold, now))
        case ev.Idle():
            return replace(state, caption=CaptionState(mode="idle", since=now))
        case ev.Navigate():
            nav = NavState(maneuver=event.maneuver, distance=event.distance, street=event.street,
                           eta=event.eta, speed=event.speed, since=now, exit=event.exit)
            return replace(state, nav=navigation.step(state.nav, nav))
        case ev.NavEnd():
            return replace(state, nav=None)
        case ev.Notify():
            return replace(state, notes=notifications.push(state.notes, event, now))
        case ev.PayDetect():
            return replace(state, pay=payment.detect(event, now))
        case ev.PayConfirm(by=by):
            return replace(state, pay=state.pay and payment.confirm(state.pay, by, now))
        case ev.PayCancel():
            return replace(state, pay=state.pay and payment.cancel(state.pay, now))
        case ev.PayResult(ok=ok, reason=reason):
            return replace(state, pay=state.pay and payment.result(state.pay, ok, reason, now))
        case ev.Status():
            s = state.status
            return replace(state, status=replace(
                s,
                battery_main=s.battery_main if event.battery_main is None else event.battery_main,
                battery_swap=s.battery_swap if event.battery_swap is None else event.battery_swap,
                connectivity=s.connectivity if event.connectivity is None else event.connectivity,
            ))
        case ev.Gesture(kind=kind):
            return _gesture(replace(state, last_gesture=kind, last_gesture_at=now), kind, now)
        case ev.ShowCard():
            return replace(state, cards=cards.show(state.cards, event, now))
        case ev.Clear(what="cards", view=view, app=app) if view is not None or app:
            return replace(state, cards=cards.clear(state.cards, view, app))
        case ev.Clear(what=what):
            return _clear(state, what, now)
        case ev.Button() | ev.Head() | ev.Gaze():
            return state  # logged with every event; what it does is up to the apps listening
        case ev.SetLayout() | ev.SetDevice():
            return state  # the session reconfigures itself; what is on the display stays
    raise TypeError(f"unhandled event type {type(event).__name__}")


def _clear(state: HudState, what: str, now: float) -> HudState:
    everything = what == "all"
    return replace(
        state,
        notes=notifications.clear(state.notes) if everything or what == "notifications" else state.notes,
        nav=None if everything or what == "navigation" else state.nav,
        pay=None if everything or what == "payment" else state.pay,
        caption=CaptionState(mode="idle", since=now) if everything or what == "caption" else state.caption,
        cards=CardsState() if everything or what == "cards" else state.cards,
    )


def _gesture(state: HudState, kind: str, now: float) -> HudState:
    """Temple touchpad: what a gesture does depends on the primary item on screen."""
    pending = state.pay is not None and state.pay.phase in ("detected", "awaiting")
    if kind == "long_press":
        return replace(state, caption=caption.listen(state.caption, now))
    if kind == "tap":
        if pending and state.pay is not None:
            return replace(state, pay=payment.confirm(state.pay, "tap", now))
        if state.notes.current is not None:
            return replace(state, notes=notifications.dismiss(state.notes, now))
        return state
    if kind in ("swipe_down", "swipe_back"):  # "back": cancel or dismiss what is in front
        if pending and state.pay is not None:
            return replace(state, pay=payment.cancel(state.pay, now))
        if state.notes.current is not None:
            return replace(state, notes=notifications.dismiss(state.notes, now))
        if state.caption.mode != "idle":
            return replace(state, caption=CaptionState(mode="idle", since=now))
        return state
    if kind == "swipe_forward":
        return replace(state, notes=notifications.dismiss(state.notes, now))
    if kind == "double_tap":
        return replace(state, notes=notifications.clear(state.notes))
    return state
